package flows

import (
	"encoding/json"
	"reflect"
	"testing"
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
