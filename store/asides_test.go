package store_test

import (
	"fmt"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

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
