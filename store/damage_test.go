package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

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
