package flows

import (
	"testing"
	"time"
)

// TestMemberPausedOutOf asks the pause rule about November 2026 of a cell
// whose grace ends on the 5th (the deadline is 6 December 00:00 in Hà
// Nội): a pause leaves the month out only when it was set before the
// deadline and still in force at it.
func TestMemberPausedOutOf(t *testing.T) {
	hn := time.FixedZone("ICT", 7*3600)
	day := func(mo, d int) time.Time { return time.Date(2026, time.Month(mo), d, 0, 0, 0, 0, hn) }
	const nov = Month(202611)
	tests := []struct {
		name   string
		pauses []Pause
		out    bool
	}{
		{"no pause", nil, false},
		{"covers the deadline", []Pause{{Set: day(11, 10), Until: day(12, 20)}}, true},
		{"last day is the deadline's day", []Pause{{Set: day(11, 10), Until: day(12, 6)}}, true},
		{"ends the day before the deadline's day", []Pause{{Set: day(11, 10), Until: day(12, 5)}}, false},
		{"set after the deadline", []Pause{{Set: day(12, 6).Add(time.Hour), Until: day(12, 30)}}, false},
		{"set on the last reporting day", []Pause{{Set: day(12, 5).Add(20 * time.Hour), Until: day(12, 30)}}, true},
		{"resumed before the deadline", []Pause{{Set: day(11, 10), Until: day(11, 25)}}, false},
		{"spans two months: October left out too", []Pause{{Set: day(10, 20), Until: day(12, 10)}}, true},
		{"an older pause does not reach", []Pause{{Set: day(3, 1), Until: day(4, 1)}}, false},
		{"the second of two", []Pause{{Set: day(3, 1), Until: day(4, 1)}, {Set: day(11, 28), Until: day(12, 8)}}, true},
	}
	for _, tt := range tests {
		m := Member{Pauses: tt.pauses}
		if got := m.PausedOutOf(nov, hn, 5); got != tt.out {
			t.Errorf("%s: PausedOutOf(11/2026) = %v, want %v", tt.name, got, tt.out)
		}
	}
	spans := Member{Pauses: []Pause{{Set: day(10, 20), Until: day(12, 10)}}}
	if !spans.PausedOutOf(202610, hn, 5) || spans.PausedOutOf(202612, hn, 5) {
		t.Error("a pause from 20/10 to 9/12 should leave October and November out, not December")
	}
}

// TestMemberStartPause records pauses: a new pause ends the one in force,
// resuming ends it early, and the history keeps the latest maxPauses.
func TestMemberStartPause(t *testing.T) {
	at := func(d int) time.Time { return time.Date(2026, 11, d, 8, 0, 0, 0, time.UTC) }
	var m Member
	m.StartPause(at(1), at(10))
	m.StartPause(at(5), at(20))
	m.EndPause(at(8))
	m.EndPause(at(9)) // nothing in force: no change
	want := []Pause{{Set: at(1), Until: at(5)}, {Set: at(5), Until: at(8)}}
	if len(m.Pauses) != 2 || m.Pauses[0] != want[0] || m.Pauses[1] != want[1] {
		t.Fatalf("pauses = %v, want %v", m.Pauses, want)
	}
	for i := range 2 * maxPauses {
		m.StartPause(at(1).AddDate(0, i, 0), at(2).AddDate(0, i, 0))
	}
	if len(m.Pauses) != maxPauses || !m.Pauses[maxPauses-1].Set.Equal(at(1).AddDate(0, 2*maxPauses-1, 0)) {
		t.Errorf("history keeps %d pauses ending %v, want %d ending with the latest", len(m.Pauses), m.Pauses[len(m.Pauses)-1], maxPauses)
	}
}

// TestRosterEntryExemptDuring asks the exemption rule about months before,
// in and after status changes: miễn holds in the months it was in force
// (from the month of the change on); an entry with no recorded change has
// today's status, and its member's, in every month.
func TestRosterEntryExemptDuring(t *testing.T) {
	hn := time.FixedZone("ICT", 7*3600)
	at := func(mo, d int) time.Time { return time.Date(2026, time.Month(mo), d, 9, 0, 0, 0, hn) }
	exemptMember := &Member{ID: 1, Cell: "C01", Status: Exempt}
	var exemptSince, exemptUntil, twice RosterEntry
	exemptSince.SetStatus(RosterExempt, at(9, 15))
	exemptUntil = RosterEntry{Status: RosterExempt}
	exemptUntil.SetStatus(RosterFull, at(6, 2))
	twice.SetStatus(RosterExempt, at(3, 1))
	twice.SetStatus(RosterProbation, at(5, 20))
	tests := []struct {
		name   string
		e      RosterEntry
		m      *Member
		exempt map[Month]bool // the months asked that are exempt; others are not
	}{
		{"exempt since 15/9", exemptSince, nil, map[Month]bool{202609: true, 202610: true}},
		{"exempt until 2/6", exemptUntil, nil, map[Month]bool{202601: true, 202603: true, 202605: true}},
		{"exempt from March, dự bị from 20 May", twice, nil, map[Month]bool{202603: true}},
		{"no history, exempt today", RosterEntry{Status: RosterExempt}, nil, map[Month]bool{202601: true, 202603: true, 202605: true, 202606: true, 202609: true, 202610: true}},
		{"no history, member exempt", RosterEntry{}, exemptMember, map[Month]bool{202601: true, 202603: true, 202605: true, 202606: true, 202609: true, 202610: true}},
		{"history decides over the member", exemptUntil, exemptMember, map[Month]bool{202601: true, 202603: true, 202605: true}},
	}
	for _, tt := range tests {
		for _, mo := range []Month{202601, 202603, 202605, 202606, 202609, 202610} {
			if got := tt.e.ExemptDuring(mo, hn, tt.m); got != tt.exempt[mo] {
				t.Errorf("%s: ExemptDuring(%s) = %v, want %v", tt.name, mo, got, tt.exempt[mo])
			}
		}
	}
	if twice.Status != RosterProbation || twice.StatusIn(202604, hn) != RosterExempt || twice.StatusIn(202602, hn) != RosterFull {
		t.Errorf("StatusIn of an entry exempt March to May: %v", twice.Statuses)
	}
}

// TestSummarizeRosterPaused counts a cell's November with a member paused
// over the deadline (left out: PausedOut), one paused who reported anyway
// (counts, reported) and one whose pause ended before the deadline (counts,
// missing).
func TestSummarizeRosterPaused(t *testing.T) {
	hn := time.FixedZone("ICT", 7*3600)
	day := func(mo, d int) time.Time { return time.Date(2026, time.Month(mo), d, 0, 0, 0, 0, hn) }
	const nov = Month(202611)
	over := []Pause{{Set: day(11, 10), Until: day(12, 20)}}
	people := []RosterPerson{
		{Entry: RosterEntry{Cell: "C01", Name: "A"}, Member: Member{ID: 1, Name: "A", Cell: "C01", Pauses: over}},
		{Entry: RosterEntry{Cell: "C01", Name: "B"}, Member: Member{ID: 2, Name: "B", Cell: "C01", Pauses: over}},
		{Entry: RosterEntry{Cell: "C01", Name: "C"}, Member: Member{ID: 3, Name: "C", Cell: "C01", Pauses: []Pause{{Set: day(11, 10), Until: day(11, 20)}}}},
	}
	reports := map[MemberID]Report{2: {Member: 2, Month: nov, Submitted: day(11, 28)}}
	s := summarizeRoster(Cell{Code: "C01"}, people, reports, nil, nov, hn, MonthState{}, ReportDeadline(nov, hn, 5))
	if s.Members != 3 || s.PausedOut != 1 || s.MustReport != 2 || s.Reported != 1 || s.Exempt != 0 {
		t.Errorf("members %d, paused %d, must report %d, reported %d; want 3, 1, 2, 1", s.Members, s.PausedOut, s.MustReport, s.Reported)
	}
	if s := SummarizeRoster(Cell{Code: "C01"}, people, reports, nil, nov, hn, MonthState{}); s.PausedOut != 0 || s.MustReport != 3 {
		t.Errorf("without a deadline: paused %d, must report %d; want 0, 3", s.PausedOut, s.MustReport)
	}
}
