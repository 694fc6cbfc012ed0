package flows_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

// monthLetters writes a dossier's months as one letter each: N not yet a
// member, R reported (r when praised), E exempt, A ahead, O open, P
// paused, M missing.
func monthLetters(ms []flows.DossierMonth) string {
	var b strings.Builder
	for _, m := range ms {
		c := "NREAOPM"[m.State]
		if m.Praised {
			c = 'r'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// deedLines writes deeds as "month:item:status:text" ("o" for other).
func deedLines(ds []flows.DossierDeed) []string {
	var out []string
	for _, d := range ds {
		item := "o"
		if !d.Other {
			item = string(rune('0' + d.Item))
		}
		out = append(out, strings.Join([]string{d.Month.String(), item, string(rune('0' + d.Status)), d.Text}, ":"))
	}
	return out
}

// TestDossier builds dossiers of members whose years differ and checks
// each month's state, the counts, the pledge with its approval and the
// deeds filed under their items.
func TestDossier(t *testing.T) {
	loc := vnZone(t)
	at := func(y, mo, d int) time.Time { return time.Date(y, time.Month(mo), d, 9, 0, 0, 0, loc) }
	approved := flows.Pledge{Year: 2026, Status: flows.PledgeApproved, NextNo: 3,
		Items:     []flows.PledgeItem{{No: 1, Text: "Trồng cây xanh", Category: "cm1"}, {No: 2, Text: "Giúp hộ nghèo", Target: "mỗi quý 1 lần"}},
		Submitted: at(2026, 1, 10), Decided: at(2026, 1, 12), DecidedBy: "Nguyễn Thị Hà"}
	tests := []struct {
		name     string
		now      time.Time
		member   flows.Member
		roster   string // the roster's name, "" for no entry
		statuses []flows.RosterStatusChange
		status   flows.RosterStatus // the roster's status today
		pledge   *flows.Pledge
		reports  []flows.Report
		months   string
		reported int
		due      int
		items    [][]string // deeds by item
		others   []string
		praised  []string
		paused   time.Time
		joined   flows.Month
	}{{
		name:   "a whole year, one praised, a pause, December still open",
		now:    at(2026, 12, 20),
		member: flows.Member{Name: "Bùi An", PausedUntil: at(2026, 10, 16).Add(-9 * time.Hour), PauseReason: "Đi viện"},
		roster: "Bùi Văn An",
		pledge: &approved,
		reports: []flows.Report{
			{Month: 202601, Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "Trồng 10 cây keo"}, {Item: 2, Status: flows.NotYet}}},
			{Month: 202603, Exemplary: true, Entries: []flows.Entry{{Item: 2, Status: flows.Doing, Text: "Sửa nhà cho bà Tư"}}, Other: "Dọn đường làng"},
			{Month: 202604}, {Month: 202605}, {Month: 202606}, {Month: 202607}, {Month: 202608}, {Month: 202609}, {Month: 202611},
		},
		months: "RMrRRRRRRPRO", reported: 9, due: 11,
		items:   [][]string{{"1/2026:1:2:Trồng 10 cây keo"}, {"3/2026:2:1:Sửa nhà cho bà Tư"}},
		others:  []string{"3/2026:o:2:Dọn đường làng"},
		praised: []string{"3/2026:2:1:Sửa nhà cho bà Tư", "3/2026:o:2:Dọn đường làng"},
		paused:  at(2026, 10, 15).Add(15*time.Hour - time.Nanosecond),
	}, {
		name:   "connected in June, no pledge",
		now:    at(2026, 12, 20),
		member: flows.Member{Name: "Trần Thị Bình", Joined: at(2026, 6, 10)},
		reports: []flows.Report{
			{Month: 202605, Other: "Trước khi kết nối"}, // not counted: before she connected
			{Month: 202606, Other: "Thăm hỏi gia đình chính sách"},
		},
		months: "NNNNNRMMMMMO", reported: 1, due: 6,
		others: []string{"6/2026:o:2:Thăm hỏi gia đình chính sách"},
		joined: 202606,
	}, {
		name:    "exempt: a report before the exemption stays",
		now:     at(2026, 12, 20),
		member:  flows.Member{Name: "Vũ Văn Long", Status: flows.Exempt},
		reports: []flows.Report{{Month: 202602, Other: "Dự sinh hoạt chi bộ"}},
		months:  "EREEEEEEEEEE", reported: 1, due: 0,
		others: []string{"2/2026:o:2:Dự sinh hoạt chi bộ"},
	}, {
		name:    "early December: November still takes reports; a draft pledge is none; an unsubmitted report is none",
		now:     at(2026, 12, 3),
		member:  flows.Member{Name: "Lê Thị Đào"},
		pledge:  &flows.Pledge{Year: 2026, Status: flows.PledgeDraft, Items: []flows.PledgeItem{{No: 1, Text: "Nháp"}}},
		reports: []flows.Report{{Month: 202610, Other: "Chưa gửi", Submitted: time.Time{}}},
		months:  "MMMMMMMMMMOO", reported: 0, due: 10,
	}, {
		name:   "a pause still on: the months it is known to cover",
		now:    at(2026, 11, 20),
		member: flows.Member{Name: "Phạm Văn Uyên", PausedUntil: at(2027, 1, 1).Add(-9 * time.Hour)},
		months: "MMMMMMMMMMPA", reported: 0, due: 10,
		paused: at(2026, 12, 31).Add(15*time.Hour - time.Nanosecond),
	}, {
		// Grace ends on the 5th: April's deadline is 6 May.
		name: "pauses with their dates: over April's deadline; May reported anyway; one set after July's deadline",
		now:  at(2026, 12, 20),
		member: flows.Member{Name: "Đinh Văn Thắng", Pauses: []flows.Pause{
			{Set: at(2026, 4, 20), Until: at(2026, 6, 10)}, {Set: at(2026, 8, 7), Until: at(2026, 8, 30)}}},
		reports: []flows.Report{{Month: 202605, Other: "Dọn vệ sinh"}},
		months:  "MMMPRMMMMMMO", reported: 1, due: 10,
		others: []string{"5/2026:o:2:Dọn vệ sinh"},
	}, {
		name:     "miễn from March to May by the roster's history",
		now:      at(2026, 12, 20),
		member:   flows.Member{Name: "Hà Thị Yến"},
		roster:   "Hà Thị Yến",
		statuses: []flows.RosterStatusChange{{From: flows.RosterFull, At: at(2026, 3, 2)}, {From: flows.RosterExempt, At: at(2026, 6, 1)}},
		months:   "MMEEEMMMMMMO", reported: 0, due: 8,
	}, {
		name:   "a pause of last year touches nothing",
		now:    at(2026, 12, 20),
		member: flows.Member{Name: "Ngô Thị Ưng", PausedUntil: at(2025, 12, 20), PauseReason: "Ốm"},
		months: "MMMMMMMMMMMO", reported: 0, due: 11,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.now)
			h.addCell("C01", "Chi bộ thôn Đông")
			m := tc.member
			m.Cell, m.Users = "C01", []bot.UserID{tg("x")}
			m = h.addMember(m)
			if tc.roster != "" {
				h.update(func(tx flows.Tx) error {
					return tx.PutRosterEntry(&flows.RosterEntry{Cell: "C01", Name: tc.roster, Folded: flows.FoldName(tc.roster),
						Status: tc.status, Statuses: tc.statuses, Claims: []flows.RosterClaim{{Platform: bot.Telegram, Member: m.ID}}})
				})
			}
			if tc.pledge != nil {
				p := *tc.pledge
				p.Member = m.ID
				h.putPledge(p)
			}
			for _, r := range tc.reports {
				r.Member = m.ID
				if r.Other == "Chưa gửi" {
					h.update(func(tx flows.Tx) error { return tx.PutReport(r) })
					continue
				}
				h.putReport(r)
			}
			d, err := h.eng.Dossier(context.Background(), m.ID, 2026)
			if err != nil {
				t.Fatal(err)
			}
			if got := monthLetters(d.Months); got != tc.months {
				t.Errorf("months = %s, want %s", got, tc.months)
			}
			if d.Reported != tc.reported || d.Due != tc.due {
				t.Errorf("reported %d/%d, want %d/%d", d.Reported, d.Due, tc.reported, tc.due)
			}
			wantName := m.Name
			if tc.roster != "" {
				wantName = tc.roster
			}
			if d.Name != wantName || d.Cell != "Chi bộ thôn Đông" || d.Org != "Đảng bộ xã Thử" || d.Year != 2026 {
				t.Errorf("header = %q %q %q %d", d.Name, d.Cell, d.Org, d.Year)
			}
			hasPledge := tc.pledge != nil && tc.pledge.Status != flows.PledgeDraft
			if d.HasPledge != hasPledge {
				t.Errorf("HasPledge = %v, want %v", d.HasPledge, hasPledge)
			}
			if hasPledge && (d.DecidedBy != "Nguyễn Thị Hà" || !d.Decided.Equal(at(2026, 1, 12)) || d.Status != flows.PledgeApproved ||
				len(d.Items) != 2 || d.Items[0].CategoryName != "Trung thành") {
				t.Errorf("pledge = %+v", d)
			}
			var items [][]string
			for _, it := range d.Items {
				items = append(items, deedLines(it.Deeds))
			}
			if !reflect.DeepEqual(items, tc.items) {
				t.Errorf("items' deeds = %q, want %q", items, tc.items)
			}
			if got := deedLines(d.Others); !reflect.DeepEqual(got, tc.others) {
				t.Errorf("others = %q, want %q", got, tc.others)
			}
			if got := deedLines(d.Praised); !reflect.DeepEqual(got, tc.praised) {
				t.Errorf("praised = %q, want %q", got, tc.praised)
			}
			if !d.PausedUntil.Equal(tc.paused) {
				t.Errorf("paused until %v, want %v", d.PausedUntil, tc.paused)
			}
			if d.Joined != tc.joined {
				t.Errorf("joined %v, want %v", d.Joined, tc.joined)
			}
		})
	}
}

// TestApproveRecordsWho: approving a pledge records who approved it, as
// the dossier shows it.
func TestApproveRecordsWho(t *testing.T) {
	o := newOrg(t)
	o.putPledge(flows.Pledge{Member: o.bon.ID, Year: 2026, Status: flows.PledgeSubmitted, NextNo: 2,
		Items: []flows.PledgeItem{{No: 1, Text: "Trồng cây", Category: "cm1"}}})
	got := o.send(o.uHai, "/duyet")
	got = o.choose(o.uHai, got, "Lê Văn Bốn")
	o.choose(o.uHai, got, "Duyệt")
	d, err := o.eng.Dossier(context.Background(), o.bon.ID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != flows.PledgeApproved || d.DecidedBy != "Trần Văn Hai" || !d.Decided.Equal(o.now) {
		t.Errorf("pledge %v decided by %q at %v; want approved by Trần Văn Hai at %v", d.Status, d.DecidedBy, d.Decided, o.now)
	}
}
