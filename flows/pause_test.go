package flows_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

func TestPauseLastDay(t *testing.T) {
	loc := vnZone(t)
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc) }
	tests := []struct {
		length string
		now    time.Time
		want   time.Time
	}{
		{"w1", time.Date(2026, 11, 20, 23, 30, 0, 0, loc), day(2026, 11, 27)},
		{"w2", time.Date(2026, 12, 25, 9, 0, 0, 0, loc), day(2027, 1, 8)},
		{"m1", time.Date(2027, 1, 31, 9, 0, 0, 0, loc), day(2027, 2, 28)}, // clamped, not 3/3
		{"m1", time.Date(2028, 1, 31, 9, 0, 0, 0, loc), day(2028, 2, 29)},
		{"m3", time.Date(2026, 11, 30, 9, 0, 0, 0, loc), day(2027, 2, 28)},
		{"m3", time.Date(2026, 11, 20, 9, 0, 0, 0, loc), day(2027, 2, 20)},
		// The day is Vietnam's even when the instant is given in UTC.
		{"w1", time.Date(2026, 11, 20, 20, 0, 0, 0, time.UTC), day(2026, 11, 28)},
	}
	for _, tc := range tests {
		got, ok := flows.PauseLastDay(tc.length, tc.now, loc)
		if !ok || !got.Equal(tc.want) {
			t.Errorf("PauseLastDay(%s, %s) = %s, %v; want %s", tc.length, tc.now, got, ok, tc.want)
		}
	}
	if _, ok := flows.PauseLastDay("y9", time.Now(), loc); ok {
		t.Error("unknown length accepted")
	}
}

func TestParsePauseDate(t *testing.T) {
	loc := vnZone(t)
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, loc)
	tests := []struct {
		in   string
		want string   // "2006-01-02" when accepted
		key  text.Key // the refusal otherwise
	}{
		{"10/12/2026", "2026-12-10", ""},
		{" 1/1/2027 ", "2027-01-01", ""},
		{"05-02-2027", "2027-02-05", ""},
		{"5.2.2027", "2027-02-05", ""},
		{"20/11/2026", "2026-11-20", ""}, // today
		{"20/11/2027", "2027-11-20", ""}, // exactly a year
		{"21/11/2027", "", text.PauseTooFar},
		{"19/11/2026", "", text.PausePast},
		{"01/01/2020", "", text.PausePast},
		{"31/02/2027", "", text.PauseNoSuchDay},
		{"32/13/2026", "", text.PauseNoSuchDay},
		{"10/12", "2026-12-10", ""}, // the next 10 December
		{"19/11", "2027-11-19", ""}, // yesterday's date: next year's
		{"21/11", "2026-11-21", ""}, // tomorrow
		{"20/11", "2026-11-20", ""}, // today
		{"10/12/26", "2026-12-10", ""},
		{"mai", "", text.PauseBadDate},
		{"", "", text.PauseBadDate},
		{"0/12/2026", "", text.PauseNoSuchDay},
		{"100/1/2027", "", text.PauseBadDate},
	}
	for _, tc := range tests {
		got, err := flows.ParsePauseDate(tc.in, now, loc)
		var pe *flows.Error
		switch {
		case tc.key == "" && err != nil:
			t.Errorf("ParsePauseDate(%q): %v", tc.in, err)
		case tc.key == "" && got.Format(time.DateOnly) != tc.want:
			t.Errorf("ParsePauseDate(%q) = %s, want %s", tc.in, got, tc.want)
		case tc.key == "" && got.Location() != loc:
			t.Errorf("ParsePauseDate(%q) in %s", tc.in, got.Location())
		case tc.key != "" && !errors.As(err, &pe):
			t.Errorf("ParsePauseDate(%q) = %s, %v; want refusal %s", tc.in, got, err, tc.key)
		case tc.key != "" && pe.Key != tc.key:
			t.Errorf("ParsePauseDate(%q) refused with %s, want %s", tc.in, pe.Key, tc.key)
		}
	}
}

func TestPauseFlow(t *testing.T) {
	tests := []struct {
		name   string
		length string // a choice label, or "" to type date
		date   string
		reason string // a choice label, or typed when reasonTyped
		typed  bool
		until  time.Time // the stored PausedUntil, in Vietnam
		shown  string
	}{
		{"1 week", "1 tuần", "", "Ốm đau", false, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC), "27/11/2026"},
		{"2 weeks", "2 tuần", "", "Đi làm ăn xa", false, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), "04/12/2026"},
		{"1 month", "1 tháng", "", "Lý do khác", false, time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC), "20/12/2026"},
		{"3 months", "3 tháng", "", "Về quê chăm mẹ ốm", true, time.Date(2027, 2, 21, 0, 0, 0, 0, time.UTC), "20/02/2027"},
		{"typed date", "", "15/01/2027", "Đi viện dưỡng lão thăm bố", true, time.Date(2027, 1, 16, 0, 0, 0, 0, time.UTC), "15/01/2027"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrg(t)
			got := o.send(o.uSau, "/tamhoan")
			wantIn(t, joined(got), "bao lâu")
			if tc.length != "" {
				got = o.choose(o.uSau, got, tc.length)
			} else {
				got = o.send(o.uSau, tc.date)
			}
			wantIn(t, joined(got), "đến hết ngày "+tc.shown, "lý do")
			if tc.typed {
				got = o.send(o.uSau, tc.reason)
			} else {
				got = o.choose(o.uSau, got, tc.reason)
			}
			mine := joined(to(got, o.uSau.PrivateChat()))
			wantIn(t, mine, "Đã tạm hoãn", "đến hết ngày "+tc.shown, tc.reason, "Bí thư chi bộ đã được báo")
			sec := joined(to(got, o.uHai.PrivateChat()))
			wantIn(t, sec, o.sau.Name, "đến hết ngày "+tc.shown, tc.reason)
			if len(got) != 2 {
				t.Errorf("want the confirmation and the secretary's note only:\n%s", dump(got))
			}
			m := o.member(o.sau.ID)
			want := time.Date(tc.until.Year(), tc.until.Month(), tc.until.Day(), 0, 0, 0, 0, o.loc)
			if !m.PausedUntil.Equal(want) || m.PauseReason == "" {
				t.Errorf("PausedUntil %s (%q), want %s", m.PausedUntil, m.PauseReason, want)
			}
		})
	}
}

func TestPauseBadDatesThenGood(t *testing.T) {
	o := newOrg(t)
	o.send(o.uSau, "/tamhoan")
	wantIn(t, joined(o.send(o.uSau, "32/12/2026")), "Tháng 12 không có ngày 32.", "ví dụ: 04/12 hoặc 04/12/2026")
	wantIn(t, joined(o.send(o.uSau, "hôm qua")), "Chưa đọc được ngày «hôm qua»")
	wantIn(t, joined(o.send(o.uSau, "01/01/2020")), "Ngày 01/01/2020 đã qua")
	wantIn(t, joined(o.send(o.uSau, "01/01/2030")), "tối đa một năm, đến ngày 20/11/2027")
	wantIn(t, joined(o.send(o.uSau, "9")), "Không có mục số 9.", "gõ số từ 1 đến 4")
	got := o.send(o.uSau, "2") // the second choice: 2 weeks
	wantIn(t, joined(got), "đến hết ngày 04/12/2026")
	if m := o.member(o.sau.ID); !m.PausedUntil.IsZero() {
		t.Fatal("paused before the reason was given")
	}
	wantIn(t, joined(o.send(o.uSau, "   ")), flows.T(text.EmptyInput, nil))
	o.send(o.uSau, "1")
	if m := o.member(o.sau.ID); !m.PausedUntil.Equal(o.date(2026, 12, 5, 0)) {
		t.Fatalf("PausedUntil %s", m.PausedUntil)
	}
}

func TestPauseResumeAndReminders(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uSau, "/tamhoan")
	got = o.choose(o.uSau, got, "1 tháng")
	o.choose(o.uSau, got, "Ốm đau")

	// A paused member gets no reminder; the secretary sees the pause.
	o.at(o.date(2026, 11, 30, 19))
	_, got = o.runJob(flows.JobRemindLast, o.date(2026, 11, 30, 18), "")
	if n := len(to(got, o.uSau.PrivateChat())); n != 0 {
		t.Fatalf("paused member reminded:\n%s", dump(got))
	}
	// His pause covers November's deadline (5/12): he is left out of it.
	sec := joined(to(got, o.uHai.PrivateChat()))
	wantIn(t, sec, "đã nhận 2/3", "Tạm hoãn qua hạn báo cáo: 1 đồng chí")
	if strings.Contains(sec, "Hoàng Văn Sáu") {
		t.Errorf("a member paused over the deadline is listed as missing:\n%s", sec)
	}

	// /tamhoan again shows the pause and offers to resume.
	got = o.send(o.uSau, "/tamhoan")
	wantIn(t, joined(got), "đến hết ngày 20/12/2026", "Ốm đau")
	kept := o.choose(o.uSau, got, "Giữ nguyên")
	wantIn(t, joined(kept), "Giữ nguyên")
	got = o.send(o.uSau, "/tamhoan")
	got = o.choose(o.uSau, got, "Bật lại nhắc")
	wantIn(t, joined(to(got, o.uSau.PrivateChat())), "Đã bật lại nhắc")
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "Hoàng Văn Sáu", "đã bật lại nhắc")
	if m := o.member(o.sau.ID); !m.PausedUntil.IsZero() || m.PauseReason != "" {
		t.Fatalf("still paused: %s %q", m.PausedUntil, m.PauseReason)
	}
	// The pause is kept with its dates, ended when he resumed: November
	// counts him again.
	if m := o.member(o.sau.ID); len(m.Pauses) != 1 || !m.Pauses[0].Until.Equal(o.now) || !m.Pauses[0].Set.Before(m.Pauses[0].Until) || m.PausedOutOf(202611, o.loc, 5) {
		t.Errorf("pause history %v", m.Pauses)
	}
	_, got = o.runJob(flows.JobRemindSecond, o.date(2026, 11, 30, 18), "")
	if n := len(to(got, o.uSau.PrivateChat())); n != 1 {
		t.Fatalf("resumed member got %d reminders", n)
	}

}

// TestPauseAgainAndOthers: a new pause replaces the old one; exempt
// members and lone secretaries.
func TestPauseAgainAndOthers(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uSau, "/tamhoan")
	got = o.choose(o.uSau, got, "1 tuần")
	o.choose(o.uSau, got, "Lý do khác")
	got = o.send(o.uSau, "/tamhoan")
	got = o.choose(o.uSau, got, "Đặt lại")
	got = o.choose(o.uSau, got, "3 tháng")
	o.choose(o.uSau, got, "Đi làm ăn xa")
	if m := o.member(o.sau.ID); !m.PausedUntil.Equal(o.date(2027, 2, 21, 0)) || m.PauseReason != "Đi làm ăn xa" {
		t.Fatalf("new pause: %s %q", m.PausedUntil, m.PauseReason)
	}
	// An exempt member is not reminded anyway.
	wantIn(t, joined(o.send(o.uNam, "/tamhoan")), "miễn công tác và sinh hoạt đảng")
	// The secretary pausing themself tells nobody else (the cell has one).
	got = o.send(o.uHai, "/tamhoan")
	got = o.choose(o.uHai, got, "1 tuần")
	got = o.choose(o.uHai, got, "Ốm đau")
	if c := chats(got); !sameCount(c, map[bot.ChatID]int{o.uHai.PrivateChat(): 1}) {
		t.Errorf("messages to %v", c)
	}
	wantNotIn(t, joined(got), "Bí thư chi bộ đã được báo")
}

// TestSummaryMarksPaused: the secretary's /summary marks missing members
// whose reminders are paused, and only while the pause lasts.
func TestSummaryMarksPaused(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uSau, "/tamhoan")
	got = o.choose(o.uSau, got, "1 tuần")
	o.choose(o.uSau, got, "Ốm đau")
	wantIn(t, joined(o.send(o.uHai, "/summary")), "Hoàng Văn Sáu (tạm hoãn đến 27/11)")
	wantIn(t, joined(o.send(o.uSau, "/cuatoi")), "không nhắc đồng chí đến hết ngày 27/11/2026")
	wantNotIn(t, joined(o.sendIn(o.g1, o.uHai, "/summary")), "Hoàng Văn Sáu", "tạm hoãn")
	o.at(o.date(2026, 11, 28, 0))
	got = o.send(o.uHai, "/summary")
	wantIn(t, joined(got), "Hoàng Văn Sáu")
	wantNotIn(t, joined(got), "tạm hoãn")
	// Without a clock the exported renderer marks nothing.
	o.at(o.date(2026, 11, 20, 9))
	var s flows.CellSummary
	o.view(func(tx flows.Tx) error {
		var err error
		s, err = o.eng.CellSummary(tx, "C01", nov)
		return err
	})
	wantNotIn(t, flows.RenderCellSecretary(flows.Text(), s), "tạm hoãn")
}

// FuzzParsePauseDate: any text typed as a pause's last day is a day from
// today to a year ahead, at its first instant in the zone, or a refusal
// with a text to show; never a panic.
func FuzzParsePauseDate(f *testing.F) {
	for _, s := range []string{"10/12/2026", " 1/1/2027 ", "05-02-2027", "5.2.2027", "31/02/2027", "29/02/2028",
		"32/13/2026", "10/12", "mai", "", "0/12/2026", "-1/-1/-001", "+1/+2/+203", "1/1/9999", "1 / 1 / 2027", "١/١/٢٠٢٧",
		"30/12", "29/02", "31/4", "00/11", "24.11", "ngày 24 tháng 11 năm 2026", "24/11/26"} {
		f.Add(s, int64(1795000000))
	}
	loc := time.FixedZone("ICT", 7*3600)
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		now := time.Unix(unix%(4_000_000_000)+946_684_800, 0) // 2000 to 2126
		d, err := flows.ParsePauseDate(s, now, loc)
		if err != nil {
			var pe *flows.Error
			if !errors.As(err, &pe) || pe.Key == "" {
				t.Fatalf("ParsePauseDate(%q): %v is not an *Error with a text", s, err)
			}
			return
		}
		y, m, day := now.In(loc).Date()
		today := time.Date(y, m, day, 0, 0, 0, 0, loc)
		if d.Before(today) || d.After(today.AddDate(1, 0, 0)) || d.Location() != loc || d.Hour() != 0 || d.Minute() != 0 {
			t.Fatalf("ParsePauseDate(%q) at %v = %v", s, now, d)
		}
	})
}

// TestPauseDateArgument: /tamhoan with a day goes straight to the reason;
// with a day that is not one, or past, the question comes first and the
// refusal under it, so that its «chọn một mục ở trên» points at choices.
func TestPauseDateArgument(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uSau, "/tamhoan 10/12")
	wantIn(t, joined(got), "đến hết ngày 10/12/2026", "lý do")
	o.send(o.uSau, "đi làm ăn xa")
	if m := o.member(o.sau.ID); !m.PausedUntil.Equal(o.date(2026, 12, 11, 0)) || m.PauseReason != "Đi làm ăn xa" {
		t.Fatalf("paused until %s (%q)", m.PausedUntil, m.PauseReason)
	}

	for in, refusal := range map[string]string{
		"19/11/2026": "Ngày 19/11/2026 đã qua",
		"31/4":       "Tháng 4 không có ngày 31.",
		"29/2":       "Năm 2027 không có ngày 29/02.",
		"sau Tết":    "Chưa đọc được ngày «sau Tết»",
	} {
		got := o.send(o.uBon, "/tamhoan "+in)
		if len(got) != 2 || !strings.Contains(got[0].Text, "bao lâu") || !strings.Contains(got[1].Text, refusal) {
			t.Errorf("/tamhoan %s:\n%s", in, dump(got))
		}
	}
}
