package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

// TestDamagedRecords (finding 3): a record whose bytes cannot be decoded
// gives, looked up alone, an error wrapping flows.ErrDamaged; a listing
// skips it and returns the others with a *flows.DamagedError naming it.
func TestDamagedRecords(t *testing.T) {
	db := openDB(t, nil)
	var ids []flows.MemberID
	update(t, db, func(tx flows.Tx) error {
		for _, c := range []string{"C01", "C02"} {
			if err := tx.PutCell(flows.Cell{Code: c, Name: "Chi bộ " + c}); err != nil {
				return err
			}
		}
		for i := range 3 {
			m := flows.Member{Name: fmt.Sprint("Người ", i), Cell: "C01", Users: []bot.UserID{{Platform: bot.Telegram, ID: fmt.Sprint(100 + i)}}}
			if err := tx.PutMember(&m); err != nil {
				return err
			}
			ids = append(ids, m.ID)
			if err := tx.PutReport(flows.Report{Member: m.ID, Month: 202611, Other: "x", Submitted: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	bad := []byte{1, 0xff, 0xff} // version 1, then a string longer than the record
	rk, _ := store.ReportKey(202611, ids[2])
	for _, w := range []struct {
		bucket string
		key    []byte
	}{{"members", store.MemberKey(ids[1])}, {"reports", rk}, {"cells", []byte("C02")}} {
		if err := db.RawPut(w.bucket, w.key, bad); err != nil {
			t.Fatal(err)
		}
	}
	view(t, db, func(tx flows.Tx) error {
		if _, _, err := tx.Member(ids[1]); !errors.Is(err, flows.ErrDamaged) {
			t.Errorf("Member of a damaged record: %v", err)
		}
		if _, _, err := tx.MemberOf(bot.UserID{Platform: bot.Telegram, ID: "101"}); !errors.Is(err, flows.ErrDamaged) {
			t.Errorf("MemberOf a damaged record: %v", err)
		}
		if _, _, err := tx.Report(ids[2], 202611); !errors.Is(err, flows.ErrDamaged) {
			t.Errorf("Report of a damaged record: %v", err)
		}
		for _, cell := range []string{"C01", ""} {
			ms, err := tx.Members(cell)
			var de *flows.DamagedError
			if !errors.As(err, &de) || !errors.Is(err, flows.ErrDamaged) || !slices.Equal(de.Records, []string{fmt.Sprint("member ", ids[1])}) {
				t.Errorf("Members(%q) error %v", cell, err)
			}
			if len(ms) != 2 || ms[0].ID != ids[0] || ms[1].ID != ids[2] {
				t.Errorf("Members(%q) = %+v, want the two readable ones", cell, ms)
			}
		}
		var got []flows.MemberID
		err := tx.Reports(202611, func(r flows.Report) error { got = append(got, r.Member); return nil })
		if !errors.Is(err, flows.ErrDamaged) || !slices.Equal(got, ids[:2]) {
			t.Errorf("Reports: %v, %v", got, err)
		}
		cells, err := tx.Cells()
		if !errors.Is(err, flows.ErrDamaged) || len(cells) != 1 || cells[0].Code != "C01" {
			t.Errorf("Cells: %+v, %v", cells, err)
		}
		return nil
	})
}

// TestAsides: set-aside updates round-trip, oldest first, and only the
// latest flows.MaxAsides are kept.
func TestAsides(t *testing.T) {
	db := openDB(t, nil)
	a := flows.Aside{At: t0, Key: "u1", Chat: bot.ChatID{Platform: bot.Telegram, ID: "5"}, From: bot.UserID{Platform: bot.Telegram, ID: "5"},
		FromName: "Lan", Kind: bot.KindCallback, Text: "3|y", Err: "load member: damaged record"}
	update(t, db, func(tx flows.Tx) error {
		for i := range flows.MaxAsides + 3 {
			a.Key, a.At = fmt.Sprint("u", i), t0.Add(time.Duration(i)*time.Second)
			if err := tx.PutAside(a); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx flows.Tx) error {
		got, err := tx.Asides()
		if err != nil || len(got) != flows.MaxAsides {
			t.Fatalf("%d asides, %v; want %d", len(got), err, flows.MaxAsides)
		}
		a.Key, a.At = "u3", t0.Add(3*time.Second)
		if got[0] != a {
			t.Errorf("oldest kept = %+v, want %+v", got[0], a)
		}
		return nil
	})
}

// TestPutCellOverDamaged: writing a cell whose record is damaged repairs it.
func TestPutCellOverDamaged(t *testing.T) {
	db := openDB(t, nil)
	update(t, db, func(tx flows.Tx) error {
		return tx.PutCell(flows.Cell{Code: "C01", Name: "x", Groups: []bot.ChatID{group}})
	})
	if err := db.RawPut("cells", []byte("C01"), []byte{1, 0xff}); err != nil {
		t.Fatal(err)
	}
	update(t, db, func(tx flows.Tx) error { return tx.PutCell(flows.Cell{Code: "C01", Name: "Chi bộ Một"}) })
	view(t, db, func(tx flows.Tx) error {
		c, ok, err := tx.Cell("C01")
		if err != nil || !ok || c.Name != "Chi bộ Một" {
			t.Errorf("repaired cell = %+v, %v, %v", c, ok, err)
		}
		return nil
	})
}
