package flows

import (
	"testing"
	"time"

	"lamtheo/bot"
)

// ruleMembers are the members every rule test is asked about, one of each
// standing, all of cell C01 unless their name says otherwise.
func ruleMembers(now time.Time) map[string]Member {
	u := func(id string) []bot.UserID { return []bot.UserID{{Platform: bot.Telegram, ID: id}} }
	return map[string]Member{
		"active":         {ID: 1, Cell: "C01", Users: u("1")},
		"exempt":         {ID: 2, Cell: "C01", Status: Exempt, Users: u("2")},
		"paused":         {ID: 3, Cell: "C01", Users: u("3"), PausedUntil: now.Add(time.Hour)},
		"pause ends now": {ID: 4, Cell: "C01", Users: u("4"), PausedUntil: now},
		"pause ended":    {ID: 5, Cell: "C01", Users: u("5"), PausedUntil: now.Add(-time.Hour)},
		"left":           {ID: 6, Cell: "", Users: u("6")},
		"left secretary": {ID: 7, Cell: "", Secretary: true, Users: u("7")},
		"pending move":   {ID: 8, Cell: "C01", Users: u("8"), Pending: []bot.UserID{{Platform: bot.Zalo, ID: "z8"}}},
		"unreachable":    {ID: 9, Cell: "C01", Users: u("9")},
		"half reachable": {ID: 10, Cell: "C01", Users: append(u("9"), u("10")...)},
		"no chat":        {ID: 11, Cell: "C01"},
		"secretary":      {ID: 12, Cell: "C01", Secretary: true, Users: u("12")},
		"exempt secretary": {ID: 13, Cell: "C01", Secretary: true, Status: Exempt, Users: u("13"),
			PausedUntil: now.Add(time.Hour)},
		"other cell": {ID: 14, Cell: "C02", Users: u("14")},
	}
}

func TestMemberCountsPausedRemindable(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	unreachable := map[bot.ChatID]bool{bot.UserID{Platform: bot.Telegram, ID: "9"}.PrivateChat(): true}
	tests := []struct {
		name                       string
		counts, paused, remindable bool
	}{
		{"active", true, false, true},
		{"exempt", false, false, false},
		{"paused", true, true, false},
		{"pause ends now", true, false, true}, // PausedUntil is the first instant reminders resume
		{"pause ended", true, false, true},
		{"left", false, false, false},
		{"left secretary", false, false, false},
		{"pending move", true, false, true},
		{"unreachable", true, false, false},
		{"half reachable", true, false, true},
		{"no chat", true, false, false},
		{"secretary", true, false, true},
		{"exempt secretary", false, true, false},
		{"other cell", true, false, true}, // which cell is the caller's filter
	}
	ms := ruleMembers(now)
	if len(tests) != len(ms) {
		t.Fatalf("%d cases for %d members", len(tests), len(ms))
	}
	for _, tt := range tests {
		m, ok := ms[tt.name]
		if !ok {
			t.Fatalf("no member %q", tt.name)
		}
		if got := m.CountsIn(202611, time.UTC); got != tt.counts {
			t.Errorf("%s: CountsIn(11/2026) = %v, want %v", tt.name, got, tt.counts)
		}
		if got := m.Paused(now); got != tt.paused {
			t.Errorf("%s: Paused(now) = %v, want %v", tt.name, got, tt.paused)
		}
		if got := m.Remindable(now, time.UTC, unreachable); got != tt.remindable {
			t.Errorf("%s: Remindable(now) = %v, want %v", tt.name, got, tt.remindable)
		}
	}
}

// TestCountsInJoined asks CountsIn and Remindable about members who
// connected before, in and after a month, at the month's boundaries in the
// organisation's zone (Hà Nội, UTC+7), where UTC's month is another one.
func TestCountsInJoined(t *testing.T) {
	hn := time.FixedZone("ICT", 7*3600)
	at := func(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, hn) }
	u := []bot.UserID{{Platform: bot.Telegram, ID: "1"}}
	const oct, nov, dec, jan Month = 202610, 202611, 202612, 202701
	tests := []struct {
		name string
		m    Member
		in   map[Month]bool // CountsIn(month) for each month asked; the others are false
	}{
		{"joined before the bot recorded it", Member{Cell: "C01", Users: u},
			map[Month]bool{oct: true, nov: true, dec: true, jan: true}},
		{"joined in an earlier month", Member{Cell: "C01", Users: u, Joined: at(2026, 10, 15, 9, 0)},
			map[Month]bool{oct: true, nov: true, dec: true, jan: true}},
		{"joined on the 15th", Member{Cell: "C01", Users: u, Joined: at(2026, 11, 15, 9, 0)},
			map[Month]bool{nov: true, dec: true, jan: true}},
		{"joined 30/11 23:30 Hà Nội (16:30 UTC)", Member{Cell: "C01", Users: u, Joined: at(2026, 11, 30, 23, 30)},
			map[Month]bool{nov: true, dec: true, jan: true}},
		{"joined 01/11 00:00 Hà Nội (31/10 UTC)", Member{Cell: "C01", Users: u, Joined: at(2026, 11, 1, 0, 0)},
			map[Month]bool{nov: true, dec: true, jan: true}},
		{"joined 31/10 23:59 Hà Nội", Member{Cell: "C01", Users: u, Joined: at(2026, 10, 31, 23, 59)},
			map[Month]bool{oct: true, nov: true, dec: true, jan: true}},
		{"joined 01/12 00:30 Hà Nội (30/11 17:30 UTC)", Member{Cell: "C01", Users: u, Joined: time.Date(2026, 11, 30, 17, 30, 0, 0, time.UTC)},
			map[Month]bool{dec: true, jan: true}},
		{"joined 31/12 17:00 UTC (January in Hà Nội)", Member{Cell: "C01", Users: u, Joined: time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)},
			map[Month]bool{jan: true}},
		{"joined in an earlier month, exempt", Member{Cell: "C01", Users: u, Status: Exempt, Joined: at(2026, 10, 15, 9, 0)}, nil},
		{"joined in an earlier month, left", Member{Users: u, Joined: at(2026, 10, 15, 9, 0)}, nil},
		{"joined on the 15th, paused (counts, not reminded)", Member{Cell: "C01", Users: u, Joined: at(2026, 11, 15, 9, 0),
			PausedUntil: at(2027, 2, 1, 0, 0)}, map[Month]bool{nov: true, dec: true, jan: true}},
		{"joined on the 15th, unreachable (counts, not reminded)", Member{Cell: "C01", Joined: at(2026, 11, 15, 9, 0)},
			map[Month]bool{nov: true, dec: true, jan: true}},
	}
	for _, tt := range tests {
		for _, mo := range []Month{oct, nov, dec, jan} {
			if got := tt.m.CountsIn(mo, hn); got != tt.in[mo] {
				t.Errorf("%s: CountsIn(%s) = %v, want %v", tt.name, mo, got, tt.in[mo])
			}
			// Remindable asks about the month of now: the first and the
			// last instant of mo in Hà Nội.
			reminded := tt.in[mo] && tt.m.PausedUntil.IsZero() && len(tt.m.Users) > 0
			for _, now := range []time.Time{mo.Start(hn), mo.Next().Start(hn).Add(-time.Second)} {
				if got := tt.m.Remindable(now, hn, nil); got != reminded {
					t.Errorf("%s: Remindable(%s) = %v, want %v", tt.name, now.Format(time.RFC3339), got, reminded)
				}
			}
		}
	}
}

func TestMayActOn(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	ms := ruleMembers(now)
	tests := []struct {
		name  string // a key of ruleMembers, or "stranger"
		admin bool
		cell  string
		want  bool
	}{
		{"secretary", false, "C01", true},
		{"secretary", false, "C02", false},
		{"secretary", false, "", false},
		{"exempt secretary", false, "C01", true}, // exempt from reporting, not from the office
		{"left secretary", false, "", false},
		{"left secretary", false, "C01", false},
		{"active", false, "C01", false},
		{"pending move", false, "C01", false},
		{"stranger", false, "C01", false},
		{"stranger", false, "", false},
		{"stranger", true, "C01", true}, // an admin who is no member
		{"stranger", true, "C02", true},
		{"active", true, "C02", true},
		{"secretary", true, "C02", true},
	}
	for _, tt := range tests {
		m := ms[tt.name] // the zero Member for "stranger"
		if got := mayActOn(tt.cell, tt.admin, m); got != tt.want {
			t.Errorf("mayActOn(%q, admin %v, %s) = %v, want %v", tt.cell, tt.admin, tt.name, got, tt.want)
		}
		if tt.admin {
			continue
		}
		if got := m.SecretaryOf(tt.cell); got != tt.want {
			t.Errorf("%s: SecretaryOf(%q) = %v, want %v", tt.name, tt.cell, got, tt.want)
		}
		secs := secretariesOf([]Member{m}, tt.cell)
		if got := len(secs) == 1; got != tt.want {
			t.Errorf("secretariesOf([%s], %q) = %v", tt.name, tt.cell, secs)
		}
	}
}
