package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

// versioned is what the store's transactions offer besides flows.Tx for
// reading a roster without holding it (rosterfile's PlanIn).
type versioned interface {
	EachRosterEntry(cell string, fn func(flows.RosterEntry) error) error
	RosterVersion(cell string) (uint64, bool, error)
}

// rosterVersion returns cell's roster version, -1 when unknown.
func rosterVersion(t *testing.T, tx flows.Tx, cell string) int64 {
	t.Helper()
	v, ok, err := tx.(versioned).RosterVersion(cell)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return -1
	}
	return int64(v)
}

// TestRosterVersion: every write of a roster entry changes its cell's
// roster version in the same transaction (a new entry, a rename, a status,
// a claim, a removal, a second write in the same transaction), a move
// changes both cells', a cell nobody wrote has none, and a refused write
// leaves it as it was.
func TestRosterVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	view(t, db, func(tx flows.Tx) error {
		if v := rosterVersion(t, tx, "C01"); v != -1 {
			t.Errorf("version of a roster never written = %d", v)
		}
		return nil
	})
	e := flows.RosterEntry{Cell: "C01", Name: "Nguyễn Thị Lan"}
	writes := []struct {
		name  string
		cells []string // whose version changes
		write func(tx flows.Tx) error
	}{
		{"new entry", []string{"C01"}, func(tx flows.Tx) error { return tx.PutRosterEntry(&e) }},
		{"rename", []string{"C01"}, func(tx flows.Tx) error { e.Name = "Nguyễn Thị Lân"; return tx.PutRosterEntry(&e) }},
		{"status", []string{"C01"}, func(tx flows.Tx) error { e.Status = flows.RosterProbation; return tx.PutRosterEntry(&e) }},
		{"claim", []string{"C01"}, func(tx flows.Tx) error {
			e.Claims = []flows.RosterClaim{{Platform: bot.Telegram, Member: 3}}
			return tx.PutRosterEntry(&e)
		}},
		{"the same entry written again", []string{"C01"}, func(tx flows.Tx) error { return tx.PutRosterEntry(&e) }},
		{"move", []string{"C01", "C02"}, func(tx flows.Tx) error {
			e.Moves = append(e.Moves, flows.RosterMove{From: e.Cell, At: time.Now()})
			e.Cell = "C02"
			return tx.PutRosterEntry(&e)
		}},
		{"removal", []string{"C02"}, func(tx flows.Tx) error {
			return flows.RemoveRosterEntry(tx, e, time.Now(), func(flows.Member) {})
		}},
	}
	versions := func() map[string]int64 {
		out := map[string]int64{}
		view(t, db, func(tx flows.Tx) error {
			for _, c := range []string{"C01", "C02", "C03"} {
				out[c] = rosterVersion(t, tx, c)
			}
			return nil
		})
		return out
	}
	for _, w := range writes {
		before := versions()
		update(t, db, func(tx flows.Tx) error {
			v0 := rosterVersion(t, tx, w.cells[0])
			if err := w.write(tx); err != nil {
				return err
			}
			if v1 := rosterVersion(t, tx, w.cells[0]); v1 == v0 {
				t.Errorf("%s: version %d unchanged in the transaction", w.name, v0)
			}
			// A second write in the same transaction changes it again.
			v1 := rosterVersion(t, tx, e.Cell)
			if err := tx.PutRosterEntry(&e); err != nil {
				return err
			}
			if v2 := rosterVersion(t, tx, e.Cell); v2 == v1 {
				t.Errorf("%s: version %d unchanged by a second write", w.name, v1)
			}
			return nil
		})
		after := versions()
		for c := range after {
			if changed := after[c] != before[c]; changed != (slices.Contains(w.cells, c) || c == e.Cell) {
				t.Errorf("%s: version of %s %d -> %d", w.name, c, before[c], after[c])
			}
			if c == "C03" && after[c] != -1 {
				t.Errorf("%s: version of C03, never written, = %d", w.name, after[c])
			}
		}
	}
	// A refused write: nothing changes.
	before := versions()
	err = db.Update(context.Background(), func(tx flows.Tx) error {
		if err := tx.PutRosterEntry(&flows.RosterEntry{Cell: "C02", Name: "Lê Văn Tám"}); err != nil {
			return err
		}
		return tx.PutRosterEntry(&flows.RosterEntry{Cell: "C02"})
	})
	if !errors.Is(err, flows.ErrRosterEntry) {
		t.Fatalf("refused write: %v", err)
	}
	if after := versions(); after["C02"] != before["C02"] {
		t.Errorf("version after a refused write %d -> %d", before["C02"], after["C02"])
	}
	// A file written before versions were kept (the key removed behind the
	// store's back): unknown, and the next write gives one the cell never
	// had.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Delete([]byte("roster_version|\x03C02")) })
	if cerr := bdb.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if db, err = store.Open(path, store.Options{}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v := versions()["C02"]; v != -1 {
		t.Fatalf("version after the key was removed = %d", v)
	}
	update(t, db, func(tx flows.Tx) error { return tx.PutRosterEntry(&e) })
	if v := versions()["C02"]; v == -1 || v == before["C02"] || v == before["C02"]+1 {
		t.Errorf("version of a legacy roster after a write = %d (before the key was removed: %d)", v, before["C02"])
	}
}

// TestEachRosterEntry: the roster read entry by entry is Roster's, in
// order, and an error of the callback stops it.
func TestEachRosterEntry(t *testing.T) {
	db := openDB(t, nil)
	update(t, db, func(tx flows.Tx) error {
		for _, n := range []string{"Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Văn Tám"} {
			if err := tx.PutRosterEntry(&flows.RosterEntry{Cell: "C01", Name: n}); err != nil {
				return err
			}
		}
		return tx.PutRosterEntry(&flows.RosterEntry{Cell: "C02", Name: "Đỗ Văn Bảy"})
	})
	view(t, db, func(tx flows.Tx) error {
		want, err := tx.Roster("C01")
		if err != nil {
			return err
		}
		var got []flows.RosterEntry
		if err := tx.(versioned).EachRosterEntry("C01", func(e flows.RosterEntry) error { got = append(got, e); return nil }); err != nil {
			return err
		}
		if !slices.EqualFunc(got, want, func(a, b flows.RosterEntry) bool { return a.ID == b.ID && a.Name == b.Name }) || len(got) != 3 {
			t.Errorf("EachRosterEntry = %v, Roster = %v", got, want)
		}
		stop := errors.New("stop")
		n := 0
		err = tx.(versioned).EachRosterEntry("C01", func(flows.RosterEntry) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("stopped: %v after %d", err, n)
		}
		return nil
	})
}
