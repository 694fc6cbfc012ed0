package flows_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

// fillOrg stores members in cells of perCell, each with an approved pledge
// and a report for each of the 12 months up to 11/2026 (two in three
// reported 11/2026). The first member of each cell is its secretary.
func fillOrg(b *testing.B, h *harness, members, perCell int) {
	b.Helper()
	const chunk = 50 // cells per transaction
	cells := (members + perCell - 1) / perCell
	for c0 := 0; c0 < cells; c0 += chunk {
		h.update(func(tx flows.Tx) error {
			for c := c0; c < min(c0+chunk, cells); c++ {
				code := fmt.Sprintf("C%04d", c)
				if err := tx.PutCell(flows.Cell{Code: code, Name: "Chi bộ " + code}); err != nil {
					return err
				}
				for i := range min(perCell, members-c*perCell) {
					m := flows.Member{Name: fmt.Sprintf("Nguyễn Văn %d", i), Cell: code, Secretary: i == 0,
						Users: []bot.UserID{tg(fmt.Sprint(c*1000 + i + 1))}}
					if i%20 == 19 {
						m.Status = flows.Exempt
					}
					if err := tx.PutMember(&m); err != nil {
						return err
					}
					if err := tx.PutRosterEntry(flows.RosterEntryOf(m)); err != nil { // on the roster, as connecting puts them
						return err
					}
					if err := tx.PutPledge(flows.Pledge{Member: m.ID, Year: 2026, Status: flows.PledgeApproved, NextNo: 3,
						Items: []flows.PledgeItem{{No: 1, Text: "Dọn vệ sinh đường làng"}, {No: 2, Text: "Giúp hộ nghèo"}}}); err != nil {
						return err
					}
					for mo := flows.Month(202512); mo <= 202611; mo = mo.Next() {
						if mo == 202611 && i%3 == 2 {
							continue
						}
						r := flows.Report{Member: m.ID, Month: mo, Submitted: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
							Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "Dọn 2 buổi"}, {Item: 2, Status: flows.Doing}}}
						if err := tx.PutReport(r); err != nil {
							return err
						}
					}
				}
			}
			return nil
		})
	}
}

// BenchmarkSummaryCell is /summary by a secretary in private for a cell of
// 120 members (of an organisation of 20 such cells, 12 months of reports):
// counts, the names of who is missing, the report buttons. It reports the
// whole update (ms/summary: the flow, its writes and one fsynced commit)
// and, measured in the same loop, its parts: compute-ms, the same update
// in a transaction that is rolled back instead of committed (reading and
// composing the summary, the update's writes), and commit-ms, the rest
// (the commit, mostly its fsync). Target (DESIGN.md): ≤ 5 ms.
func BenchmarkSummaryCell(b *testing.B) {
	h := newHarness(b, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	fillOrg(b, h, 20*120, 120)
	sec := tg("1") // the first member of C0000
	if r := joined(h.send(sec, "/summary")); !strings.Contains(r, "Chưa báo cáo (") {
		b.Fatalf("not the secretary's summary:\n%s", r)
	}
	dry := &flows.Engine{Store: rollbackStore{h.db}, Text: h.eng.Text, Cfg: h.eng.Cfg, Now: h.eng.Now,
		NewCode: h.eng.NewCode, Platforms: h.eng.Platforms}
	msg := bot.Message{Chat: sec.PrivateChat(), From: sec, FromName: "Người Thử", Kind: bot.KindText, Text: "/summary"}
	var compute, whole time.Duration
	b.ResetTimer()
	for b.Loop() {
		h.n++
		msg.Key = fmt.Sprint("u", h.n)
		start := time.Now()
		if err := dry.Handle(b.Context(), msg); err != nil {
			b.Fatal(err)
		}
		compute += time.Since(start)
		h.n++
		msg.Key = fmt.Sprint("u", h.n)
		start = time.Now()
		if err := h.eng.Handle(b.Context(), msg); err != nil {
			b.Fatal(err)
		}
		whole += time.Since(start)
		if len(h.replies()) != 1 {
			b.Fatal("no summary")
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(whole.Microseconds())/n/1000, "ms/summary")
	b.ReportMetric(float64(compute.Microseconds())/n/1000, "compute-ms")
	b.ReportMetric(float64((whole-compute).Microseconds())/n/1000, "commit-ms")
}

// rollbackStore runs every Update in a write transaction of DB that is
// rolled back: the update does all its work but its commit.
type rollbackStore struct{ *store.DB }

var errRollback = errors.New("rolled back")

func (s rollbackStore) Update(ctx context.Context, fn func(flows.Tx) error) error {
	err := s.DB.Update(ctx, func(tx flows.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errRollback
	})
	if errors.Is(err, errRollback) {
		return nil
	}
	return err
}

// BenchmarkSummaryOrg is /summary by an admin in private for a province of
// 250,000 members in cells of 120, with 12 months of reports each: every
// cell ranked in one table. With -short it uses 25,000 members (for CI).
// Target (DESIGN.md): ≤ 1 s, growing with members, not with history.
func BenchmarkSummaryOrg(b *testing.B) {
	members := 250000
	if testing.Short() {
		members = 25000
	}
	admin := tg("999999999")
	h := newHarness(b, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), admin)
	fillOrg(b, h, members, 120)
	b.ResetTimer()
	for b.Loop() {
		if r := h.send(admin, "/summary"); len(r) == 0 {
			b.Fatal("no reply")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/summary")
	b.ReportMetric(float64(members), "members")
}

// benchOrg fills a store with cells × perCell members and years of monthly
// reports for each, and returns it with the month to summarise.
func benchOrg(b *testing.B, cells, perCell, years int) (*harness, flows.Month) {
	b.Helper()
	h := newHarness(b, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	ctx := b.Context()
	cur := flows.Month(202611)
	err := h.db.Update(ctx, func(tx flows.Tx) error {
		for c := range cells {
			code := fmt.Sprintf("C%02d", c)
			if err := tx.PutCell(flows.Cell{Code: code, Name: "Chi bộ " + code}); err != nil {
				return err
			}
			for i := range perCell {
				m := flows.Member{Name: fmt.Sprintf("Nguyễn Văn %d", i), Cell: code, Users: []bot.UserID{tg(fmt.Sprint(c*1000 + i + 1))}}
				if err := tx.PutMember(&m); err != nil {
					return err
				}
				if err := tx.PutRosterEntry(flows.RosterEntryOf(m)); err != nil { // on the roster, as connecting puts them
					return err
				}
				if err := tx.PutPledge(flows.Pledge{Member: m.ID, Year: 2026, Status: flows.PledgeApproved, Items: []flows.PledgeItem{{No: 1, Text: "Việc"}}}); err != nil {
					return err
				}
				for mo := cur; mo > cur-flows.Month(years*100); mo = mo.Prev() {
					if i%3 == 0 && mo == cur {
						continue
					}
					if err := tx.PutReport(flows.Report{Member: m.ID, Month: mo, Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "Đã làm"}}, Submitted: time.Now()}); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return h, cur
}

// BenchmarkOrgSummary summarises an organisation of 16 cells of 50 members
// with 10 years of monthly reports each; the cost must be that of one
// month's reports.
func BenchmarkOrgSummary(b *testing.B) {
	for _, years := range []int{1, 10} {
		b.Run(fmt.Sprintf("years=%d", years), func(b *testing.B) {
			h, m := benchOrg(b, 16, 50, years)
			b.ResetTimer()
			for b.Loop() {
				err := h.db.View(b.Context(), func(tx flows.Tx) error {
					o, err := h.eng.OrgSummary(tx, m)
					if err == nil && o.Total.MustReport != 800 {
						err = fmt.Errorf("must report %d", o.Total.MustReport)
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/800, "µs/member")
		})
	}
}

// BenchmarkCellSummary summarises one cell of 50 members with 10 years of
// reports.
func BenchmarkCellSummary(b *testing.B) {
	h, m := benchOrg(b, 4, 50, 10)
	b.ResetTimer()
	for b.Loop() {
		err := h.db.View(b.Context(), func(tx flows.Tx) error {
			_, err := h.eng.CellSummary(tx, "C01", m)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
