package store_test

import (
	"reflect"
	"testing"

	"lamtheo/flows"
)

// TestTransfers: a transfer request round-trips, is listed under the cell
// it goes to, is replaced by a newer one of the same member, and is gone
// once deleted.
func TestTransfers(t *testing.T) {
	db := openDB(t, nil)
	a := flows.Transfer{Member: 7, From: "C01", To: "C02", Asked: t0}
	b := flows.Transfer{Member: 9, From: "C02", To: "C03", Asked: t0}
	update(t, db, func(tx flows.Tx) error {
		if err := tx.PutTransfer(flows.Transfer{Member: 7, From: "C01", To: "C03", Asked: t0}); err != nil {
			return err
		}
		if err := tx.PutTransfer(a); err != nil {
			return err
		}
		return tx.PutTransfer(b)
	})
	view(t, db, func(tx flows.Tx) error {
		got, ok, err := tx.Transfer(7)
		if err != nil || !ok || !got.Asked.Equal(t0) || got.From != "C01" || got.To != "C02" {
			t.Errorf("Transfer(7) = %+v, %v, %v; want %+v", got, ok, err, a)
		}
		if ts, err := tx.Transfers("C02"); err != nil || len(ts) != 1 || ts[0].Member != 7 {
			t.Errorf("Transfers(C02) = %+v, %v", ts, err)
		}
		if ts, err := tx.Transfers(""); err != nil || len(ts) != 2 {
			t.Errorf("Transfers() = %+v, %v", ts, err)
		}
		return nil
	})
	update(t, db, func(tx flows.Tx) error { return tx.DeleteTransfer(7) })
	view(t, db, func(tx flows.Tx) error {
		if _, ok, err := tx.Transfer(7); ok || err != nil {
			t.Errorf("Transfer(7) after delete: ok=%v, %v", ok, err)
		}
		ts, err := tx.Transfers("")
		if err != nil || len(ts) != 1 || !reflect.DeepEqual(ts[0].To, b.To) {
			t.Errorf("Transfers() after delete = %+v, %v", ts, err)
		}
		return nil
	})
}
