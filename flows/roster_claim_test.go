package flows

import (
	"testing"
	"time"

	"lamtheo/bot"
)

// TestMatchRoster: a name connecting to a cell finds the one unclaimed
// roster entry of that name (diacritics, case, spacing and, when unique,
// word order aside), is ambiguous on several entries or one an account
// claims already, and finds nothing otherwise; removed entries are not
// looked at.
func TestMatchRoster(t *testing.T) {
	claimed := []RosterClaim{{Platform: bot.Zalo, Member: 9}}
	removed := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	entry := func(id RosterID, name string) RosterEntry { return RosterEntry{ID: id, Cell: "C01", Name: name} }
	hung, nam := entry(1, "Trần Văn Hùng"), entry(2, "Lê Thị Năm")
	an1, an2 := entry(3, "Nguyễn Văn An"), entry(4, "Nguyễn Văn An")
	taken := entry(5, "Đỗ Thị Sáu")
	taken.Claims = claimed
	gone := entry(6, "Phạm Văn Bảy")
	gone.Removed = removed
	order1, order2 := entry(7, "Lý Thị Tám"), entry(8, "Thị Lý Tám")
	recorded := entry(9, "Vũ Văn Tư") // a member recorded for, without any account
	recorded.Claims = []RosterClaim{{Member: 10}}
	recordedThen := entry(9, "Vũ Văn Tư") // the same, once one account joined them
	recordedThen.Claims = []RosterClaim{{Platform: bot.Telegram, Member: 10}}
	tests := []struct {
		name   string
		roster []RosterEntry
		typed  string
		want   rosterMatch
		ids    []RosterID
	}{
		{"same name", []RosterEntry{hung, nam}, "Trần Văn Hùng", rosterMatched, []RosterID{1}},
		{"without diacritics", []RosterEntry{hung, nam}, "tran van  HUNG", rosterMatched, []RosterID{1}},
		{"word order, unique", []RosterEntry{hung, nam}, "Hùng Trần Văn", rosterMatched, []RosterID{1}},
		{"word order, two", []RosterEntry{hung, order1, order2}, "Tám Lý Thị", rosterAmbiguous, []RosterID{7, 8}},
		{"exact beats word order", []RosterEntry{order1, order2}, "Ly Thi Tam", rosterMatched, []RosterID{7}},
		{"two of the name", []RosterEntry{an1, nam, an2}, "Nguyen Van An", rosterAmbiguous, []RosterID{3, 4}},
		{"claimed already", []RosterEntry{taken, nam}, "Đỗ Thị Sáu", rosterAmbiguous, []RosterID{5}},
		{"recorded for, no account", []RosterEntry{recorded, nam}, "Vu Van Tu", rosterMatched, []RosterID{9}},
		{"recorded for, then connected", []RosterEntry{recordedThen, nam}, "Vũ Văn Tư", rosterAmbiguous, []RosterID{9}},
		{"removed", []RosterEntry{gone, nam}, "Phạm Văn Bảy", rosterNoMatch, nil},
		{"nobody", []RosterEntry{hung, nam}, "Trần Văn Hưng Long", rosterNoMatch, nil},
		{"empty roster", nil, "Trần Văn Hùng", rosterNoMatch, nil},
	}
	for _, tc := range tests {
		got, found := matchRoster(tc.roster, tc.typed)
		var ids []RosterID
		for _, e := range found {
			ids = append(ids, e.ID)
		}
		if got != tc.want || len(ids) != len(tc.ids) {
			t.Errorf("%s: %d %v, want %d %v", tc.name, got, ids, tc.want, tc.ids)
			continue
		}
		for i := range ids {
			if ids[i] != tc.ids[i] {
				t.Errorf("%s: entries %v, want %v", tc.name, ids, tc.ids)
			}
		}
	}
}
