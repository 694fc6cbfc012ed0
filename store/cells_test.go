package store_test

import (
	"reflect"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
)

func TestCellsOrderedAndGroupsRelinked(t *testing.T) {
	db := openDB(t, nil)
	g2 := bot.ChatID{Platform: bot.Telegram, ID: "-77"}
	update(t, db, func(tx flows.Tx) error {
		for _, c := range []flows.Cell{
			{Code: "C10", Groups: []bot.ChatID{group}},
			{Code: "C02"},
			{Code: "C01", Groups: []bot.ChatID{g2}},
		} {
			if err := tx.PutCell(c); err != nil {
				return err
			}
		}
		return nil
	})
	// C10 drops its group.
	update(t, db, func(tx flows.Tx) error { return tx.PutCell(flows.Cell{Code: "C10", Name: "renamed"}) })
	view(t, db, func(tx flows.Tx) error {
		cells, err := tx.Cells()
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, c := range cells {
			codes = append(codes, c.Code)
		}
		if want := []string{"C01", "C02", "C10"}; !reflect.DeepEqual(codes, want) {
			t.Errorf("Cells codes = %v, want %v", codes, want)
		}
		if _, ok, _ := tx.CellOfGroup(group); ok {
			t.Error("group still linked after its cell dropped it")
		}
		if c, ok, _ := tx.CellOfGroup(g2); !ok || c.Code != "C01" {
			t.Errorf("CellOfGroup(g2) = %v %v, want C01", c.Code, ok)
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
