package flows_test

import (
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"lamtheo/flows"
	"lamtheo/seed"
	"lamtheo/store"
)

// TestOrgSummaryTallyAsCells: on a seeded organisation (3,000 people in 30
// cells, a year of reports) whose history then got what the seed does not
// write (pauses that cover a deadline and pauses that do not, moves
// between cells, exemptions with their history, people taken off the
// roster, reports recorded by the cell, exemplary reports, draft pledges,
// entries nobody claimed, members on no roster), the organisation's
// summary, which reads the store's tally index only (and the records of
// exemplary reports for their deeds), gives each cell exactly the figures
// and deeds of that cell's own summary (CellSummary, which reads the
// records), in every month.
func TestOrgSummaryTallyAsCells(t *testing.T) {
	db := openSeeded(t, seed.Options{Members: 3000, Cells: 30, Months: 12, Until: 202611, Seed: 8, Categories: []string{"a", "b"}})
	r := rand.New(rand.NewPCG(8, 13))
	at := func(m flows.Month, day int) time.Time {
		return m.Start(time.UTC).AddDate(0, 0, day-1).Add(9 * time.Hour)
	}
	var kinds [9]int
	err := db.Update(t.Context(), func(tx flows.Tx) error {
		cells, err := tx.Cells()
		if err != nil {
			return err
		}
		for ci, c := range cells {
			roster, err := tx.Roster(c.Code)
			if err != nil {
				return err
			}
			for _, e := range roster {
				var m flows.Member
				if len(e.Claims) > 0 {
					if m, _, err = tx.Member(e.Claims[0].Member); err != nil {
						return err
					}
				}
				mo := flows.Month(202601 + r.IntN(11))
				k := r.IntN(40)
				switch {
				case k == 0 && m.ID != 0: // moved to the next cell
					to := cells[(ci+1)%len(cells)].Code
					e.Moves = append(e.Moves, flows.RosterMove{From: e.Cell, At: at(mo, 10)})
					e.Cell, m.Cell, m.Joined = to, to, at(mo, 10)
				case k == 1: // exempt from a month on
					e.SetStatus(flows.RosterExempt, at(mo, 5))
					m.Status = flows.Exempt
				case k == 2 && m.ID != 0: // a pause over November's deadline, one in October's month only
					m.StartPause(at(202610, 2), at(202610, 20))
					m.StartPause(at(202611, 28), at(202612, 20))
				case k == 3: // off the roster, out of the cell
					if err := flows.RemoveRosterEntry(tx, e, at(mo, 15), func(flows.Member) {}); err != nil {
						return err
					}
					kinds[k]++
					continue
				case k == 4 && m.ID != 0: // reported by the cell, exemplary
					rep := flows.Report{Member: m.ID, Month: mo, Other: "Dọn đường làng", Submitted: at(mo.Next(), 2),
						Recorded: flows.Recorded{By: 1, At: at(mo.Next(), 2)}, Exemplary: r.IntN(2) == 0,
						Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "Trồng cây"}, {Item: 2, Status: flows.Doing}}}
					if err := tx.PutReport(rep); err != nil {
						return err
					}
				case k == 5 && m.ID != 0: // a draft pledge of the year
					if err := tx.PutPledge(flows.Pledge{Member: m.ID, Year: 2026, Status: flows.PledgeDraft, Items: []flows.PledgeItem{{No: 1, Text: "Việc"}}}); err != nil {
						return err
					}
				case k == 6: // a person who never connected, added in a month
					ne := flows.RosterEntry{Cell: c.Code, Name: "Người Mới", Added: at(mo, 3)}
					if err := tx.PutRosterEntry(&ne); err != nil {
						return err
					}
				case k == 7: // a member on no roster
					nm := flows.Member{Name: "Chưa Khớp", Cell: c.Code, Joined: at(mo, 4)}
					if err := tx.PutMember(&nm); err != nil {
						return err
					}
				default:
					continue
				}
				kinds[k]++
				if m.ID != 0 {
					if err := tx.PutMember(&m); err != nil {
						return err
					}
				}
				if err := tx.PutRosterEntry(&e); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range kinds[:8] {
		if n == 0 {
			t.Fatalf("no change of kind %d: %v", k, kinds)
		}
	}
	e := &flows.Engine{Store: db}
	for _, m := range []flows.Month{202611, 202610, 202608, 202605, 202601, 202511} {
		err := db.View(t.Context(), func(tx flows.Tx) error {
			org, err := e.OrgSummary(tx, m)
			if err != nil {
				return err
			}
			var paused, onBehalf, deeds int
			for _, row := range org.Rows {
				want, err := e.CellSummary(tx, row.Cell.Code, m)
				if err != nil {
					return err
				}
				got := row.CellSummary
				if got.SummaryCounts != want.SummaryCounts || got.Closed != want.Closed {
					t.Errorf("%s %s: from the index %+v\nits own summary %+v", m, row.Cell.Code, got.SummaryCounts, want.SummaryCounts)
				}
				if !reflect.DeepEqual(got.Deeds, want.Deeds) {
					t.Errorf("%s %s: deeds from the index %+v\nits own %+v", m, row.Cell.Code, got.Deeds, want.Deeds)
				}
				paused, onBehalf, deeds = paused+got.PausedOut, onBehalf+got.OnBehalf, deeds+len(got.Deeds)
			}
			if m == 202611 && (paused == 0 || onBehalf == 0 || deeds == 0) {
				t.Errorf("%s: %d paused out, %d recorded, %d deeds", m, paused, onBehalf, deeds)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// openSeeded returns a store in a temporary file, seeded with o.
func openSeeded(t *testing.T, o seed.Options) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "seed.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := seed.Write(t.Context(), db, o, nil); err != nil {
		t.Fatal(err)
	}
	return db
}
