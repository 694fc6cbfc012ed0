package rosterfile_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/rosterfile"
)

// versionedTx is what the store's transactions offer besides flows.Tx
// (rosterfile reads a roster's version and its entries one by one).
type versionedTx interface {
	EachRosterEntry(cell string, fn func(flows.RosterEntry) error) error
	RosterVersion(cell string) (uint64, bool, error)
}

// plainTx hides the store's roster versions: a flows.Tx that has none,
// as a data file written before them reads.
type plainTx struct{ flows.Tx }

// countingTx counts the rosters read whole.
type countingTx struct {
	flows.Tx
	versionedTx
	whole *int
}

func (t countingTx) Roster(cell string) ([]flows.RosterEntry, error) {
	*t.whole++
	return t.Tx.Roster(cell)
}

// TestApplyStaleAfterEachWrite: a plan made before any roster write of its
// cell (an entry added, renamed, its status changed, claimed, moved out or
// in, removed, another import) is refused with ErrStale, whether the plan
// and the check use the store's roster versions, the entries (a data file
// without versions), or one each; a write in another cell, or none, leaves
// it applicable.
func TestApplyStaleAfterEachWrite(t *testing.T) {
	file := csvFile(t, [][]string{{"Họ và tên", "Chi bộ"}, {"Nguyễn Thị Lan", "C01"}, {"Trần Văn Hùng", "C01"}, {"Phạm Thị Hoa", "C01"}}, ',', false)
	other := csvFile(t, [][]string{{"Họ và tên", "Chi bộ"}, {"Vũ Văn Năm", "C01"}}, ',', false)
	entry := func(tx flows.Tx, name string) flows.RosterEntry {
		es, err := tx.Roster("C01")
		if err != nil {
			t.Fatal(err)
		}
		es2, err := tx.Roster("C02")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range append(es, es2...) {
			if e.Name == name {
				return e
			}
		}
		t.Fatalf("no entry %q", name)
		return flows.RosterEntry{}
	}
	writes := []struct {
		name  string
		stale bool
		write func(tx flows.Tx) error
	}{
		{"no write", false, func(flows.Tx) error { return nil }},
		{"an entry added in another cell", false, func(tx flows.Tx) error {
			return tx.PutRosterEntry(&flows.RosterEntry{Cell: "C02", Name: "Hoàng Văn Sáu"})
		}},
		{"an entry added", true, func(tx flows.Tx) error {
			return tx.PutRosterEntry(&flows.RosterEntry{Cell: "C01", Name: "Hoàng Văn Sáu"})
		}},
		{"renamed", true, func(tx flows.Tx) error {
			e := entry(tx, "Lê Văn Tám")
			e.Name = "Lê Văn Tâm"
			return tx.PutRosterEntry(&e)
		}},
		{"status changed", true, func(tx flows.Tx) error {
			e := entry(tx, "Lê Văn Tám")
			e.Status = flows.RosterExempt
			return tx.PutRosterEntry(&e)
		}},
		{"claimed", true, func(tx flows.Tx) error {
			e := entry(tx, "Lê Văn Tám")
			e.Claims = []flows.RosterClaim{{Platform: bot.Telegram, Member: 8, At: now}}
			return tx.PutRosterEntry(&e)
		}},
		{"moved out", true, func(tx flows.Tx) error {
			e := entry(tx, "Lê Văn Tám")
			e.Moves, e.Cell = []flows.RosterMove{{From: "C01", At: now}}, "C02"
			return tx.PutRosterEntry(&e)
		}},
		{"moved in", true, func(tx flows.Tx) error {
			e := entry(tx, "Đỗ Văn Bảy")
			e.Moves, e.Cell = []flows.RosterMove{{From: "C02", At: now}}, "C01"
			return tx.PutRosterEntry(&e)
		}},
		{"removed", true, func(tx flows.Tx) error {
			return flows.RemoveRosterEntry(tx, entry(tx, "Lê Văn Tám"), now, func(flows.Member) {})
		}},
		{"another import", true, func(tx flows.Tx) error {
			p, err := planFile(t, tx, other)
			if err != nil {
				return err
			}
			return p.Apply(tx, catalog(t), now)
		}},
	}
	modes := []struct {
		name        string
		plan, apply func(flows.Tx) flows.Tx
	}{
		{"versions", same, same},
		{"no versions", plain, plain},
		{"planned without versions, applied with", plain, same},
		{"planned by NewPlan", nil, same},
	}
	for _, m := range modes {
		for _, w := range writes {
			t.Run(m.name+"/"+w.name, func(t *testing.T) {
				db := openStore(t)
				seed(t, db,
					flows.RosterEntry{Cell: "C01", Name: "Nguyễn Thị Lan"},
					flows.RosterEntry{Cell: "C01", Name: "Lê Văn Tám"},
					flows.RosterEntry{Cell: "C02", Name: "Đỗ Văn Bảy"})
				var p *rosterfile.Plan
				err := db.View(context.Background(), func(tx flows.Tx) error {
					f := parse(t, file)
					var err error
					if m.plan == nil {
						p, err = planOfEntries(tx, f)
					} else {
						p, err = rosterfile.PlanIn(m.plan(tx), f, cells)
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if err := db.Update(context.Background(), w.write); err != nil {
					t.Fatal(err)
				}
				err = db.Update(context.Background(), func(tx flows.Tx) error { return p.Apply(m.apply(tx), catalog(t), now) })
				if w.stale && !errors.Is(err, rosterfile.ErrStale) || !w.stale && err != nil {
					t.Errorf("Apply = %v, want stale %v", err, w.stale)
				}
			})
		}
	}
}

func same(tx flows.Tx) flows.Tx  { return tx }
func plain(tx flows.Tx) flows.Tx { return plainTx{tx} }

// TestPlanReadsEntryByEntry: with the store's roster versions, planning
// and applying never read a roster whole (a province's roster is not held
// in memory), and the plan is the one made from the whole roster.
func TestPlanReadsEntryByEntry(t *testing.T) {
	db := openStore(t)
	seed(t, db,
		flows.RosterEntry{Cell: "C01", Name: "Nguyễn Thị Lan"},
		flows.RosterEntry{Cell: "C01", Name: "Lê Văn Tám"},
		flows.RosterEntry{Cell: "C01", Name: "Lê Văn Tám"},
		flows.RosterEntry{Cell: "C01", Name: "Trần Văn Hùng", Removed: now},
		flows.RosterEntry{Cell: "C02", Name: "Đỗ Văn Bảy"})
	f := parse(t, csvFile(t, [][]string{
		{"Họ và tên", "Chi bộ", "Trạng thái"},
		{"Le Van Tam", "C01", "dự bị"}, {"Trần Văn Hùng", "C01", ""}, {"Lê Văn Tám", "C01", ""}, {"Phạm Thị Hoa", "C01", ""}, {"Đỗ Văn Bảy", "C02", ""},
	}, ',', false))
	whole := 0
	err := db.Update(context.Background(), func(tx flows.Tx) error {
		want, err := planOfEntries(tx, f)
		if err != nil {
			return err
		}
		ctx := countingTx{Tx: tx, versionedTx: tx.(versionedTx), whole: &whole}
		p, err := rosterfile.PlanIn(ctx, f, cells)
		if err != nil {
			return err
		}
		if got, want := describe(p), describe(want); got != want {
			t.Errorf("plan read entry by entry:\n%s\nwant\n%s", got, want)
		}
		return p.Apply(ctx, catalog(t), now)
	})
	if err != nil {
		t.Fatal(err)
	}
	if whole != 0 {
		t.Errorf("%d rosters read whole", whole)
	}
}

// parse reads file with no limits.
func parse(t testing.TB, file []byte) *rosterfile.File {
	t.Helper()
	f, err := rosterfile.Parse(bytes.NewReader(file), cells, rosterfile.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// describe writes what p does, cell by cell.
func describe(p *rosterfile.Plan) string {
	var b strings.Builder
	for _, cp := range p.Cells {
		fmt.Fprintf(&b, "%s: unchanged %d; new", cp.Cell.Code, cp.Unchanged)
		for _, ri := range cp.New {
			fmt.Fprintf(&b, " %q", p.File.Rows[ri].Name)
		}
		b.WriteString("; changed")
		for _, ch := range cp.Changed {
			fmt.Fprintf(&b, " row %d: %d %q -> %q/%d restored %v", ch.Row.Line, ch.Before.ID, ch.Before.Name, ch.After.Name, ch.After.Status, ch.Restored())
		}
		b.WriteString("; removed")
		for _, e := range cp.Removed {
			fmt.Fprintf(&b, " %d", e.ID)
		}
		b.WriteString("\n")
	}
	return b.String()
}
