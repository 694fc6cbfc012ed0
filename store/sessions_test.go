package store_test

import (
	"testing"

	"lamtheo/flows"
)

func TestDeleteSession(t *testing.T) {
	db := openDB(t, nil)
	update(t, db, func(tx flows.Tx) error { return tx.PutSession(group, alice, flows.Session{Flow: "join"}) })
	update(t, db, func(tx flows.Tx) error { return tx.DeleteSession(group, alice) })
	view(t, db, func(tx flows.Tx) error {
		if _, ok, err := tx.Session(group, alice); ok || err != nil {
			t.Errorf("Session after delete: ok=%v err=%v", ok, err)
		}
		return nil
	})
}
