package flows

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// qi builds an expected item (Segment is not compared by the table).
func qi(no int, st ItemStatus, txt string) QuickItem { return QuickItem{No: no, Status: st, Text: txt} }

func TestParseQuickReport(t *testing.T) {
	long := strings.Repeat("a", MaxItemText)
	tests := []struct {
		in    string
		month string
		items []QuickItem
		other string
		given bool
	}{
		// The example of the issue.
		{"1 xong: dọn vệ sinh đường làng; 2 đang làm; khác: thăm hỏi gia đình chính sách", "",
			[]QuickItem{qi(1, Done, "dọn vệ sinh đường làng"), qi(2, Doing, "")}, "thăm hỏi gia đình chính sách", true},
		// Separators between number, status and text.
		{"1: xong, dọn vệ sinh", "", []QuickItem{qi(1, Done, "dọn vệ sinh")}, "", false},
		{"1 - đã làm - dọn vệ sinh", "", []QuickItem{qi(1, Done, "dọn vệ sinh")}, "", false},
		{"1 – đã làm — dọn vệ sinh", "", []QuickItem{qi(1, Done, "dọn vệ sinh")}, "", false},
		{"1. đang làm", "", []QuickItem{qi(1, Doing, "")}, "", false},
		{"1) xong. Trồng cây", "", []QuickItem{qi(1, Done, "Trồng cây")}, "", false},
		{"1, xong", "", []QuickItem{qi(1, Done, "")}, "", false},
		{"1xong", "", []QuickItem{qi(1, Done, "")}, "", false},
		{"2 chưa", "", []QuickItem{qi(2, NotYet, "")}, "", false},
		{"  1   xong  :   dọn   đường  ", "", []QuickItem{qi(1, Done, "dọn đường")}, "", false},
		{"1 xong dọn đường", "", []QuickItem{qi(1, Done, "dọn đường")}, "", false},
		{"1 xong: họp lúc 8:30", "", []QuickItem{qi(1, Done, "họp lúc 8:30")}, "", false},
		{"1 xong.", "", []QuickItem{qi(1, Done, "")}, "", false},
		{"việc 1 xong; số 2: chưa; mục 3 đang làm", "", []QuickItem{qi(1, Done, ""), qi(2, NotYet, ""), qi(3, Doing, "")}, "", false},
		{"Việc 12 xong", "", []QuickItem{qi(12, Done, "")}, "", false},
		// Status words, with and without diacritics, in any case.
		{"1 đã làm; 2 da lam; 3 ĐÃ XONG; 4 da xong; 5 hoàn thành; 6 hoan thanh; 7 rồi; 8 xong rồi; 9 đã hoàn thành; 10 làm xong", "",
			[]QuickItem{qi(1, Done, ""), qi(2, Done, ""), qi(3, Done, ""), qi(4, Done, ""), qi(5, Done, ""), qi(6, Done, ""), qi(7, Done, ""), qi(8, Done, ""), qi(9, Done, ""), qi(10, Done, "")}, "", false},
		{"1 đang làm; 2 dang lam; 3 Đang; 4 dang; 5 đang thực hiện; 6 dang thuc hien; 7 chưa xong; 8 chưa hoàn thành", "",
			[]QuickItem{qi(1, Doing, ""), qi(2, Doing, ""), qi(3, Doing, ""), qi(4, Doing, ""), qi(5, Doing, ""), qi(6, Doing, ""), qi(7, Doing, ""), qi(8, Doing, "")}, "", false},
		{"1 chưa làm; 2 chua lam; 3 chưa; 4 CHUA; 5 không", "",
			[]QuickItem{qi(1, NotYet, ""), qi(2, NotYet, ""), qi(3, NotYet, ""), qi(4, NotYet, ""), qi(5, NotYet, "")}, "", false},
		{"1 đa\u0303 la\u0300m: dọn", "", []QuickItem{qi(1, Done, "dọn")}, "", false}, // NFD
		{"1 đã dọn vệ sinh", "", []QuickItem{qi(1, Done, "dọn vệ sinh")}, "", false},
		{"1 đang: sửa đường", "", []QuickItem{qi(1, Doing, "sửa đường")}, "", false},
		{"2 chưa: chờ vật tư", "", []QuickItem{qi(2, NotYet, "chờ vật tư")}, "", false},
		// Line breaks, empty parts, commas that start a new item.
		{"1 xong: a\r\n2 chưa\n\nkhác: b", "", []QuickItem{qi(1, Done, "a"), qi(2, NotYet, "")}, "b", true},
		{";;1 xong;; ;", "", []QuickItem{qi(1, Done, "")}, "", false},
		{"1 xong, 2 đang làm, khác: x", "", []QuickItem{qi(1, Done, ""), qi(2, Doing, "")}, "x", true},
		{"1 xong: thăm 3 hộ, 2 hộ chưa xong", "", []QuickItem{qi(1, Done, "thăm 3 hộ, 2 hộ chưa xong")}, "", false},
		{"1 xong: dọn đường, khác thì chưa", "", []QuickItem{qi(1, Done, "dọn đường, khác thì chưa")}, "", false},
		// The other deed.
		{"khac: giup do ho ngheo", "", nil, "giup do ho ngheo", true},
		{"Việc khác: hiến máu", "", nil, "hiến máu", true},
		{"việc làm khác - hiến máu", "", nil, "hiến máu", true},
		{"viec tot khac hien mau", "", nil, "hien mau", true},
		{"KHÁC: không", "", nil, "", true},
		{"khác: không có", "", nil, "", true},
		// A leading month.
		{"tháng 11: 1 xong; 2 chưa", "tháng 11", []QuickItem{qi(1, Done, ""), qi(2, NotYet, "")}, "", false},
		{"Tháng 11/2026\n1 xong", "Tháng 11/2026", []QuickItem{qi(1, Done, "")}, "", false},
		{"thang 11; khac: x", "thang 11", nil, "x", true},
		{"T11: 1 xong: trồng cây", "T11", []QuickItem{qi(1, Done, "trồng cây")}, "", false},
		{"tháng mười: 1 xong", "tháng mười", []QuickItem{qi(1, Done, "")}, "", false}, // the flow refuses the month
		// Limits.
		{"1 xong: " + long, "", []QuickItem{qi(1, Done, long)}, "", false},
		{"999 xong; 0 chưa", "", []QuickItem{qi(999, Done, ""), qi(0, NotYet, "")}, "", false}, // the flow checks the pledge
	}
	for _, tt := range tests {
		q, err := ParseQuickReport(tt.in)
		if err != nil {
			t.Errorf("ParseQuickReport(%q): %v", tt.in, err)
			continue
		}
		for i := range q.Items {
			q.Items[i].Segment = ""
		}
		if q.Month != tt.month || !reflect.DeepEqual(q.Items, tt.items) || q.Other != tt.other || q.OtherGiven != tt.given {
			t.Errorf("ParseQuickReport(%q) =\n  %+v\nwant month %q items %+v other %q given %v", tt.in, q, tt.month, tt.items, tt.other, tt.given)
		}
	}
}

func TestParseQuickReportSegment(t *testing.T) {
	q, err := ParseQuickReport("tháng 11: 1 xong: dọn đường;  2   chưa ")
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{q.Items[0].Segment, q.Items[1].Segment}; got[0] != "1 xong: dọn đường" || got[1] != "2 chưa" {
		t.Errorf("segments %q", got)
	}
}

func TestParseQuickReportRefusals(t *testing.T) {
	long := strings.Repeat("ă", MaxItemText+1)
	tests := []struct {
		in      string
		reason  QuickReportReason
		segment string
		no, n   int
	}{
		{"hôm nay trời đẹp", QuickNotReadable, "hôm nay trời đẹp", 0, 0},
		{"1 xong; nhặt rác", QuickNotReadable, "nhặt rác", 0, 0},
		{"1000 xong", QuickNotReadable, "1000 xong", 0, 0},
		{"xong 1", QuickNotReadable, "xong 1", 0, 0},
		{"tháng 11: trồng cây", QuickNotReadable, "trồng cây", 0, 0},
		{"1 dọn vệ sinh", QuickNoStatus, "1 dọn vệ sinh", 1, 0},
		{"1 xongg", QuickNoStatus, "1 xongg", 1, 0},
		{"2 xong; 3", QuickNoStatus, "3", 3, 0},
		{"1 đăng ký", QuickNoStatus, "1 đăng ký", 1, 0}, // "đăng" is not "đang" with its marks left out
		{"1 rơi", QuickNoStatus, "1 rơi", 1, 0},
		{"1 xong; 1 chưa", QuickDuplicate, "1 chưa", 1, 0},
		{"1 xong, 1 chưa", QuickDuplicate, "1 chưa", 1, 0},
		{"khác: a; khác: b", QuickDuplicate, "khác: b", 0, 0},
		{"1 xong: " + long, QuickTooLong, "1 xong: " + strings.Repeat("ă", 52) + "…", 1, MaxItemText + 1},
		{"khác: " + long, QuickTooLong, "khác: " + strings.Repeat("ă", 54) + "…", 0, MaxItemText + 1},
		{"khác:", QuickEmptyOther, "khác:", 0, 0},
		{"1 xong; việc khác", QuickEmptyOther, "việc khác", 0, 0},
		{"", QuickEmpty, "", 0, 0},
		{" ; ;\n", QuickEmpty, "; ;", 0, 0},
		{"tháng 11:", QuickEmpty, "tháng 11:", 0, 0},
	}
	for _, tt := range tests {
		_, err := ParseQuickReport(tt.in)
		var qe *QuickReportError
		if !errors.As(err, &qe) {
			t.Errorf("ParseQuickReport(%q): error %v, want a *QuickReportError", tt.in, err)
			continue
		}
		if qe.Reason != tt.reason || qe.Segment != tt.segment || qe.No != tt.no || qe.N != tt.n {
			t.Errorf("ParseQuickReport(%q) = %+v, want reason %d segment %q no %d n %d", tt.in, *qe, tt.reason, tt.segment, tt.no, tt.n)
		}
		msg := T(qe.Key(), qe.Data(Text()))
		if strings.Contains(msg, "["+string(qe.Key())) || !strings.Contains(strings.ToLower(msg), "đồng chí") {
			t.Errorf("ParseQuickReport(%q): message %q", tt.in, msg)
		}
		if tt.segment != "" && tt.reason != QuickEmpty && !strings.Contains(msg, "«"+tt.segment+"»") {
			t.Errorf("ParseQuickReport(%q): message %q does not name «%s»", tt.in, msg, tt.segment)
		}
		if tt.reason != QuickTooLong && !strings.Contains(msg, "/baocao 1 xong:") {
			t.Errorf("ParseQuickReport(%q): message %q has no example", tt.in, msg)
		}
	}
}

func TestIsQuickReport(t *testing.T) {
	months := []string{"", "11", "11/2026", "11-2026", "11.26", "tháng 11", "Tháng 11/2026", "thang 11", "tháng 11 năm 2026",
		"11 năm 2026", "T11", "t11/2026", "2026-11", "202611", "tháng này", "tháng trước", "này", "tnay",
		// Not months, but typed as one: the month's refusal, as before.
		"13/2026", "1/2027", "tháng mười", "tháng 11 1 xong", "11/2026/1", "1 2 3"}
	for _, s := range months {
		if isQuickReport(s) {
			t.Errorf("isQuickReport(%q) = true, want a month", s)
		}
	}
	quick := []string{"1 xong", "2 chưa", "1. đang làm", "khác thăm hỏi", "khác: x", "tháng 11: 1 xong", "tháng 11\n1 xong",
		"1 dọn vệ sinh", "hôm nay", "1\n2 xong", "a;b", "?"}
	for _, s := range quick {
		if !isQuickReport(s) {
			t.Errorf("isQuickReport(%q) = false, want a report in one message", s)
		}
	}
}

// quickFormat writes q back in the canonical one-message form.
func quickFormat(q QuickReport) string {
	var parts []string
	for _, it := range q.Items {
		st := map[ItemStatus]string{Done: "xong", Doing: "đang làm", NotYet: "chưa"}[it.Status]
		p := strconv.Itoa(it.No) + " " + st
		if it.Text != "" {
			p += ": " + it.Text
		}
		parts = append(parts, p)
	}
	if q.OtherGiven {
		o := q.Other
		if o == "" {
			o = "không"
		}
		parts = append(parts, "khác: "+o)
	}
	s := strings.Join(parts, "; ")
	if q.Month != "" {
		s = q.Month + ": " + s
	}
	return s
}

func FuzzParseQuickReport(f *testing.F) {
	for _, s := range []string{
		"1 xong: dọn vệ sinh đường làng; 2 đang làm; khác: thăm hỏi gia đình chính sách",
		"1: xong, dọn vệ sinh", "1 - đã làm - x", "1. đang làm", "2 chưa", "khac: x", "việc khác: không",
		"tháng 11: 1 xong\n2 chua lam", "1 xong, 2 chưa, khác: x", "1 xong; 1 chưa", "khác:", ";;", "\xff1 xong",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuickReport(s)
		if _, merr := ParseMonth(s, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), time.UTC); merr == nil && isQuickReport(s) {
			t.Fatalf("isQuickReport(%q) = true for a month", s)
		}
		if err != nil {
			var qe *QuickReportError
			if !errors.As(err, &qe) {
				t.Fatalf("ParseQuickReport(%q): error %v is not a *QuickReportError", s, err)
			}
			if msg := T(qe.Key(), qe.Data(Text())); msg == "" || strings.Contains(msg, "["+string(qe.Key())) {
				t.Fatalf("ParseQuickReport(%q): message %q", s, msg)
			}
			if utf8.RuneCountInString(qe.Segment) > 61 {
				t.Fatalf("ParseQuickReport(%q): segment %q not cut", s, qe.Segment)
			}
			return
		}
		if len(q.Items) == 0 && !q.OtherGiven {
			t.Fatalf("ParseQuickReport(%q) = %+v: nothing reported, no error", s, q)
		}
		seen := map[int]bool{}
		for _, it := range q.Items {
			if seen[it.No] || it.No < 0 || it.No > 999 || it.Status < NotYet || it.Status > Done {
				t.Fatalf("ParseQuickReport(%q): bad item %+v", s, it)
			}
			seen[it.No] = true
			if utf8.RuneCountInString(it.Text) > MaxItemText || strings.ContainsAny(it.Text, ";\n") || !utf8.ValidString(it.Text) {
				t.Fatalf("ParseQuickReport(%q): bad text %q", s, it.Text)
			}
		}
		if utf8.RuneCountInString(q.Other) > MaxItemText || (!q.OtherGiven && q.Other != "") {
			t.Fatalf("ParseQuickReport(%q): bad other %q", s, q.Other)
		}
		// Written back in the canonical form, it reads the same.
		canon := quickFormat(q)
		again, err := ParseQuickReport(canon)
		if err != nil {
			t.Fatalf("ParseQuickReport(%q) = %+v; its canonical form %q: %v", s, q, canon, err)
		}
		for i := range q.Items {
			q.Items[i].Segment, again.Items[i].Segment = "", ""
		}
		if !reflect.DeepEqual(q, again) {
			t.Fatalf("ParseQuickReport(%q) = %+v\ncanonical %q reads %+v", s, q, canon, again)
		}
	})
}
