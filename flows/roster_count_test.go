package flows

import (
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
)

// TestRosterEntryCountsIn asks the one rule of who counts in a cell's month
// about an entry of each standing, in November 2026 of cell C01 (months in
// Hà Nội's zone, where 23:30 UTC on 31 October is already November).
func TestRosterEntryCountsIn(t *testing.T) {
	hn := time.FixedZone("ICT", 7*3600)
	at := func(y, mo, d int) time.Time { return time.Date(y, time.Month(mo), d, 9, 0, 0, 0, hn) }
	const nov = Month(202611)
	tg := []bot.UserID{{Platform: bot.Telegram, ID: "1"}}
	connected := &Member{ID: 1, Cell: "C01", Users: tg, Joined: at(2026, 1, 5)}
	phoneless := &Member{ID: 2, Cell: "C01", Joined: at(2026, 1, 5)} // recorded by the secretary
	entry := RosterEntry{ID: 1, Cell: "C01", Name: "Trần Văn Hùng", Added: at(2026, 1, 5)}
	with := func(f func(e *RosterEntry)) RosterEntry {
		e := entry
		f(&e)
		return e
	}
	tests := []struct {
		name      string
		e         RosterEntry
		m         *Member
		cell      string
		onRoster  bool
		counts    bool
		connected bool
	}{
		{"connected", entry, connected, "C01", true, true, true},
		{"not connected, nothing recorded", entry, nil, "C01", true, true, false},
		{"not connected, recorded by the secretary", entry, phoneless, "C01", true, true, false},
		{"another cell's", entry, nil, "C02", false, false, false},
		{"exempt on the roster", with(func(e *RosterEntry) { e.Status = RosterExempt }), nil, "C01", true, false, false},
		{"exempt member", entry, &Member{ID: 1, Cell: "C01", Users: tg, Status: Exempt}, "C01", true, false, true},
		{"paused still counts", entry, &Member{ID: 1, Cell: "C01", Users: tg, PausedUntil: at(2026, 12, 31)}, "C01", true, true, true},
		{"probation counts", with(func(e *RosterEntry) { e.Status = RosterProbation }), nil, "C01", true, true, false},
		{"removed before the month", with(func(e *RosterEntry) { e.Removed = at(2026, 10, 31) }), nil, "C01", false, false, false},
		{"removed in the month", with(func(e *RosterEntry) { e.Removed = at(2026, 11, 2) }), nil, "C01", false, false, false},
		{"removed after the month", with(func(e *RosterEntry) { e.Removed = at(2026, 12, 1) }), nil, "C01", true, true, false},
		{"added in the month", with(func(e *RosterEntry) { e.Added = time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC) }), nil, "C01", true, true, false},
		{"added after the month", with(func(e *RosterEntry) { e.Added = at(2026, 12, 1) }), nil, "C01", false, false, false},
		{"of the first rosters (no Added)", with(func(e *RosterEntry) { e.Added = time.Time{} }), nil, "C01", true, true, false},
		{"connected after the month", entry, &Member{ID: 1, Cell: "C01", Users: tg, Joined: at(2026, 12, 2)}, "C01", true, false, true},
		{"member left their cell", entry, &Member{ID: 1, Users: tg, Joined: at(2026, 1, 5)}, "C01", true, false, true},
		// Moved from C02 to C01 on 10 December: November is C02's.
		{"transferred later, old cell", with(func(e *RosterEntry) { e.Moves = []RosterMove{{From: "C02", At: at(2026, 12, 10)}} }),
			&Member{ID: 1, Cell: "C01", Users: tg, Joined: at(2026, 12, 10)}, "C02", true, true, true},
		{"transferred later, new cell", with(func(e *RosterEntry) { e.Moves = []RosterMove{{From: "C02", At: at(2026, 12, 10)}} }),
			&Member{ID: 1, Cell: "C01", Users: tg, Joined: at(2026, 12, 10)}, "C01", false, false, true},
		// Moved from C02 to C01 on 10 November: November is C01's.
		{"transferred in the month, new cell", with(func(e *RosterEntry) { e.Moves = []RosterMove{{From: "C02", At: at(2026, 11, 10)}} }),
			&Member{ID: 1, Cell: "C01", Users: tg, Joined: at(2026, 11, 10)}, "C01", true, true, true},
		{"transferred in the month, old cell", with(func(e *RosterEntry) { e.Moves = []RosterMove{{From: "C02", At: at(2026, 11, 10)}} }),
			&Member{ID: 1, Cell: "C01", Users: tg, Joined: at(2026, 11, 10)}, "C02", false, false, true},
	}
	for _, tt := range tests {
		if got := tt.e.OnRosterIn(tt.cell, nov, hn); got != tt.onRoster {
			t.Errorf("%s: OnRosterIn = %v, want %v", tt.name, got, tt.onRoster)
		}
		if got := tt.e.CountsIn(tt.cell, nov, hn, tt.m); got != tt.counts {
			t.Errorf("%s: CountsIn = %v, want %v", tt.name, got, tt.counts)
		}
		p := RosterPerson{Entry: tt.e}
		if tt.m != nil {
			p.Member = *tt.m
		}
		if got := p.Connected(); got != tt.connected {
			t.Errorf("%s: Connected = %v, want %v", tt.name, got, tt.connected)
		}
		if got := p.CountsIn(tt.cell, nov, hn); got != tt.counts {
			t.Errorf("%s: RosterPerson.CountsIn = %v, want %v", tt.name, got, tt.counts)
		}
	}
}

// TestSummarizeRosterCountsTheRoster: a cell of 6 on the roster, 3 of them
// connected, counts 6 (x/6, not x/3); those without a phone missing a
// report are listed apart from the connected ones; a report the cell
// recorded counts and is counted as such; a removed entry and one added
// after the month are on no line.
func TestSummarizeRosterCountsTheRoster(t *testing.T) {
	const nov = Month(202611)
	sub := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	tg := func(id string) []bot.UserID { return []bot.UserID{{Platform: bot.Telegram, ID: id}} }
	e := func(id RosterID, name string, claim MemberID) RosterEntry {
		en := RosterEntry{ID: id, Cell: "C01", Name: name}
		if claim != 0 {
			en.Claims = []RosterClaim{{Platform: bot.Telegram, Member: claim}}
		}
		return en
	}
	people := []RosterPerson{
		{Entry: e(1, "Trần Văn Hùng", 1), Member: Member{ID: 1, Name: "Trần Văn Hùng", Cell: "C01", Users: tg("1")}},
		{Entry: e(2, "Lê Thị Năm", 2), Member: Member{ID: 2, Name: "Lê Thị Năm", Cell: "C01", Users: tg("2")}},
		{Entry: e(3, "Phạm Văn Bốn", 3), Member: Member{ID: 3, Name: "Phạm Văn Bốn", Cell: "C01", Users: tg("3")}},
		{Entry: e(4, "Nguyễn Văn Tư", 4), Member: Member{ID: 4, Name: "Nguyễn Văn Tư", Cell: "C01"}}, // recorded for
		{Entry: e(5, "Đỗ Thị Sáu", 0), Member: Member{Name: "Đỗ Thị Sáu", Cell: "C01"}},
		{Entry: e(6, "Hoàng Văn Bảy", 0), Member: Member{Name: "Hoàng Văn Bảy", Cell: "C01"}},
		{Entry: withEntry(e(7, "Bùi Văn Tám", 0), func(en *RosterEntry) { en.Removed = sub }), Member: Member{Name: "Bùi Văn Tám"}},
		{Entry: withEntry(e(8, "Vũ Văn Chín", 0), func(en *RosterEntry) { en.Added = sub.AddDate(0, 1, 0) }), Member: Member{Name: "Vũ Văn Chín"}},
	}
	reports := map[MemberID]Report{
		1: {Member: 1, Month: nov, Submitted: sub},
		4: {Member: 4, Month: nov, Submitted: sub, Recorded: Recorded{By: 1, At: sub}},
	}
	s := SummarizeRoster(Cell{Code: "C01", Name: "Chi bộ thôn Đông"}, people, reports, nil, nov, time.UTC, MonthState{})
	want := SummaryCounts{Members: 6, MustReport: 6, Connected: 3, Reported: 2, OnBehalf: 1, NotReported: 4}
	if s.SummaryCounts != want {
		t.Fatalf("counts\n got %+v\nwant %+v", s.SummaryCounts, want)
	}
	names := func(ms []Member) (out []string) {
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	if got := names(s.Missing); len(got) != 2 || got[0] != "Phạm Văn Bốn" || got[1] != "Lê Thị Năm" {
		t.Errorf("missing, connected: %q", got)
	}
	if got := names(s.Offline); len(got) != 2 || got[0] != "Hoàng Văn Bảy" || got[1] != "Đỗ Thị Sáu" {
		t.Errorf("missing, not connected: %q", got)
	}
	if got := names(s.OnBehalfOf); len(got) != 1 || got[0] != "Nguyễn Văn Tư" {
		t.Errorf("recorded by the cell: %q", got)
	}
	if g := RenderCellGroup(Text(), s); !strings.Contains(g, "2/6") {
		t.Errorf("group text:\n%s", g)
	}
}

func withEntry(e RosterEntry, f func(*RosterEntry)) RosterEntry {
	f(&e)
	return e
}

// TestWithUnlisted: a member of the cell whose account claims no roster
// entry (connected under a name the secretary has yet to match) counts as
// their own entry; a member claiming one, by its first claim or another,
// and a member of another cell are not added.
func TestWithUnlisted(t *testing.T) {
	tg := func(id string) []bot.UserID { return []bot.UserID{{Platform: bot.Telegram, ID: id}} }
	roster := []RosterEntry{{ID: 1, Cell: "C01", Name: "Trần Văn Hùng",
		Claims: []RosterClaim{{Platform: bot.Telegram, Member: 1}, {Platform: bot.Zalo, Member: 2}}}}
	ms := []Member{
		{ID: 1, Name: "Trần Văn Hùng", Cell: "C01", Users: tg("1")},
		{ID: 2, Name: "Trần Văn Hùng", Cell: "C01", Users: tg("2")},
		{ID: 3, Name: "Nguyễn Văn An", Cell: "C01", Users: tg("3")},
		{ID: 4, Name: "Lê Văn Tám", Cell: "C02", Users: tg("4")},
	}
	got := withUnlisted(nil, roster, ms, "C01")
	if len(got) != 1 || got[0].Member.ID != 3 || got[0].Entry.Name != "Nguyễn Văn An" || !got[0].CountsIn("C01", 202611, time.UTC) {
		t.Errorf("unlisted %+v", got)
	}
}
