package flows

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"lamtheo/flows/text"
)

// TestReportDraft: the report flow's state takes a stored report, a report
// typed in one message and single answers, and builds the report to store;
// it survives the session's encoding.
func TestReportDraft(t *testing.T) {
	p := Pledge{Items: []PledgeItem{{No: 1}, {No: 2}, {No: 4}}}
	stored := Report{Entries: []Entry{{Item: 1, Status: Done, Text: "trồng cây"}, {Item: 0, Status: Done}, {Item: 2, Status: Doing}},
		Other: "họp", Photo: "ph"}
	tests := []struct {
		name   string
		old    *Report      // loaded first, if any
		quick  *QuickReport // applied next, if any
		answer func(*reportDraft)
		want   []Entry
		other  string
		unsaid bool
	}{
		{name: "nothing answered", want: nil},
		{name: "a stored report", old: &stored, other: "họp",
			want: []Entry{{Item: 1, Status: Done, Text: "trồng cây"}, {Item: 2, Status: Doing}}},
		{name: "quick over nothing: unsaid items are not yet",
			quick:  &QuickReport{Items: []QuickItem{{No: 2, Status: Done, Text: "dọn đường"}}},
			want:   []Entry{{Item: 1, Status: NotYet}, {Item: 2, Status: Done, Text: "dọn đường"}, {Item: 4, Status: NotYet}},
			unsaid: true},
		{name: "quick over a stored report keeps texts and unsaid items",
			old: &stored,
			quick: &QuickReport{Items: []QuickItem{{No: 1, Status: Doing}, {No: 2, Status: NotYet}, {No: 4, Status: Done, Text: "x"}},
				Other: "khác", OtherGiven: true},
			other: "khác",
			want:  []Entry{{Item: 1, Status: Doing, Text: "trồng cây"}, {Item: 2, Status: NotYet}, {Item: 4, Status: Done, Text: "x"}}},
		{name: "answers one by one", old: &stored, other: "họp",
			answer: func(d *reportDraft) { d.answer(4, Done, ""); d.setText(4, "giúp"); d.answer(1, NotYet, "") },
			want:   []Entry{{Item: 1, Status: NotYet}, {Item: 2, Status: Doing}, {Item: 4, Status: Done, Text: "giúp"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &reportDraft{Month: 202611, Cell: "C01"}
			if tc.old != nil {
				d.load(*tc.old)
			}
			if tc.quick != nil {
				if got := d.applyQuick(p, *tc.quick); got != tc.unsaid {
					t.Errorf("unsaid = %v, want %v", got, tc.unsaid)
				}
			}
			if tc.answer != nil {
				tc.answer(d)
			}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			var back reportDraft
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			got := back.report(7, p)
			if !reflect.DeepEqual(got.Entries, tc.want) || got.Other != tc.other || got.Member != 7 || got.Month != 202611 {
				t.Errorf("report = %+v\nwant entries %+v, other %q", got, tc.want, tc.other)
			}
		})
	}
}

// TestReportChoices: the data of the report flow's prefixed choices reads
// back.
func TestReportChoices(t *testing.T) {
	tests := []struct {
		data   string
		prefix reportChoice
		n      int
		ok     bool
	}{
		{string(monthChoice(202611)), reportMonthPrefix, 202611, true},
		{string(statusChoice(Done)), reportStatusPrefix, int(Done), true},
		{string(statusChoice(NotYet)), reportStatusPrefix, int(NotYet), true},
		{"st:", reportStatusPrefix, 0, false},
		{"st:x", reportStatusPrefix, 0, false},
		{string(reportEdit), reportStatusPrefix, 0, false},
	}
	for _, tc := range tests {
		if n, ok := cutNumber(tc.data, tc.prefix); n != tc.n || ok != tc.ok {
			t.Errorf("cutNumber(%q, %q) = %d, %v; want %d, %v", tc.data, tc.prefix, n, ok, tc.n, tc.ok)
		}
	}
}

// TestNextReport: the report flow's answers, step by step, as a pure
// function of the draft, the pledge and the input.
func TestNextReport(t *testing.T) {
	p := Pledge{Items: []PledgeItem{{No: 1}, {No: 3}}}
	empty := Pledge{}
	base := func() reportDraft {
		return reportDraft{Month: 202611, Cell: "C01", Status: map[int]ItemStatus{1: Doing}, Texts: map[int]string{1: "cũ"}, Other: "khác", Photo: "ph"}
	}
	at := func(i int) reportDraft { d := base(); d.Item = i; return d }
	with := func(d reportDraft, f func(*reportDraft)) reportDraft { f(&d); return d }
	long := strings.Repeat("x", MaxItemText+1)
	tests := []struct {
		name   string
		d      reportDraft
		step   reportStep
		p      Pledge
		photos bool
		in     input
		want   reportDraft
		next   reportStep
		out    reportOutcome
		err    text.Key
	}{
		{name: "edit the report sent", d: at(1), step: reportExisting, p: p, in: input{Data: "ex:edit"}, want: at(0), next: reportStatus},
		{name: "edit it without items", d: base(), step: reportExisting, p: empty, in: input{Data: "ex:edit"}, want: base(), next: reportOther},
		{name: "keep it", d: base(), step: reportExisting, p: p, in: input{Data: "ex:keep"}, want: base(), next: reportExisting, out: reportKept},
		{name: "a status", d: at(1), step: reportStatus, p: p, in: input{Data: "st:2"},
			want: with(at(1), func(d *reportDraft) { d.Status[3], d.Texts[3] = Done, "" }), next: reportWhat},
		{name: "a status keeps the text", d: at(0), step: reportStatus, p: p, in: input{Data: "st:2"},
			want: with(at(0), func(d *reportDraft) { d.Status[1] = Done }), next: reportWhat},
		{name: "not yet skips what was done", d: at(0), step: reportStatus, p: p, in: input{Data: "st:0"},
			want: with(at(1), func(d *reportDraft) { d.Status[1], d.Texts[1] = NotYet, "" }), next: reportStatus},
		{name: "not yet on the last item", d: at(1), step: reportStatus, p: p, in: input{Data: "st:0"},
			want: with(at(1), func(d *reportDraft) { d.Status[3], d.Texts[3] = NotYet, "" }), next: reportOther},
		{name: "a status typed", d: at(0), step: reportStatus, p: p, in: input{Text: "xong"}, want: at(0), next: reportStatus, err: text.ChooseAbove},
		{name: "what was done, typed", d: at(0), step: reportWhat, p: p, in: input{Text: "trồng cây"},
			want: with(at(1), func(d *reportDraft) { d.Texts[1] = "trồng cây" }), next: reportStatus},
		{name: "what was done, kept", d: at(0), step: reportWhat, p: p, in: input{Data: "w:keep"}, want: at(1), next: reportStatus},
		{name: "what was done, skipped", d: at(1), step: reportWhat, p: p, in: input{Data: "w:skip"},
			want: with(at(1), func(d *reportDraft) { d.Texts[3] = "" }), next: reportOther},
		{name: "what was done, too long", d: at(0), step: reportWhat, p: p, in: input{Text: long}, want: at(0), next: reportWhat, err: text.TooLong},
		{name: "other deeds, then a photo", d: base(), step: reportOther, p: p, photos: true, in: input{Text: "họp"},
			want: with(base(), func(d *reportDraft) { d.Other = "họp" }), next: reportPhoto},
		{name: "no other deeds, no photos here", d: base(), step: reportOther, p: p, in: input{Data: "o:none"},
			want: with(base(), func(d *reportDraft) { d.Other = "" }), next: reportReview},
		{name: "a photo", d: base(), step: reportPhoto, p: p, in: input{Photo: "new"},
			want: with(base(), func(d *reportDraft) { d.Photo = "new" }), next: reportReview},
		{name: "no photo", d: base(), step: reportPhoto, p: p, in: input{Data: "ph:skip"},
			want: with(base(), func(d *reportDraft) { d.Photo = "" }), next: reportReview},
		{name: "text instead of a photo", d: base(), step: reportPhoto, p: p, in: input{Text: "ảnh"}, want: base(), next: reportPhoto, err: text.ReportAskPhotoAgain},
		{name: "send", d: base(), step: reportReview, p: p, in: input{Data: "rv:send"}, want: base(), next: reportReview, out: reportSubmit},
		{name: "redo", d: at(1), step: reportReview, p: p, in: input{Data: "rv:redo"}, want: at(0), next: reportStatus},
		{name: "drop", d: base(), step: reportReview, p: p, in: input{Data: "rv:cancel"}, want: base(), next: reportReview, out: reportDropped},
		{name: "send a quick report", d: base(), step: reportQuick, p: p, in: input{Data: "qk:send"}, want: base(), next: reportQuick, out: reportSubmit},
		{name: "a review choice at the quick check", d: base(), step: reportQuick, p: p, in: input{Data: "rv:send"}, want: base(), next: reportQuick, err: text.ChooseAbove},
		{name: "an unknown step", d: base(), step: "item", p: p, in: input{Data: "st:2"}, want: base(), next: "item", out: reportLost, err: text.NotUnderstood},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := base()
			d, next, out, err := nextReport(tc.d, tc.step, tc.p, tc.photos, tc.in)
			var fe *Error
			if (tc.err == "") != (err == nil) || (err != nil && (!errors.As(err, &fe) || fe.Key != tc.err)) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if !reflect.DeepEqual(d, tc.want) || next != tc.next || out != tc.out {
				t.Errorf("got %+v, %q, %d\nwant %+v, %q, %d", d, next, out, tc.want, tc.next, tc.out)
			}
			if !reflect.DeepEqual(tc.d.Status, before.Status) || !reflect.DeepEqual(tc.d.Texts, before.Texts) {
				t.Errorf("the draft given was changed: %+v", tc.d)
			}
		})
	}
}
