package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
)

func TestMembersByCellFollowChanges(t *testing.T) {
	db := openDB(t, nil)
	a := flows.Member{Name: "A", Cell: "C01", Users: []bot.UserID{alice}}
	b := flows.Member{Name: "B", Cell: "C01", Users: []bot.UserID{bob}}
	c := flows.Member{Name: "C", Cell: "C02"}
	update(t, db, func(tx flows.Tx) error {
		for _, m := range []*flows.Member{&a, &b, &c} {
			if err := tx.PutMember(m); err != nil {
				return err
			}
		}
		return nil
	})
	if a.ID != 1 || b.ID != 2 || c.ID != 3 {
		t.Fatalf("IDs = %d %d %d, want 1 2 3", a.ID, b.ID, c.ID)
	}
	// A moves to C02 and swaps identity alice for a new one.
	carol := bot.UserID{Platform: bot.Telegram, ID: "-5"}
	a.Cell, a.Users = "C02", []bot.UserID{carol}
	update(t, db, func(tx flows.Tx) error { return tx.PutMember(&a) })

	names := func(ms []flows.Member) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	view(t, db, func(tx flows.Tx) error {
		for cell, want := range map[string][]string{"C01": {"B"}, "C02": {"A", "C"}, "": {"A", "B", "C"}, "C03": nil} {
			ms, err := tx.Members(cell)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(ms); !reflect.DeepEqual(got, want) {
				t.Errorf("Members(%q) = %v, want %v", cell, got, want)
			}
		}
		if _, ok, _ := tx.MemberOf(alice); ok {
			t.Error("MemberOf(alice) still found after A dropped the identity")
		}
		if m, ok, _ := tx.MemberOf(carol); !ok || m.ID != a.ID {
			t.Errorf("MemberOf(carol) = %d %v, want %d", m.ID, ok, a.ID)
		}
		return nil
	})
}

// TestMemberIDNeverReused covers an ID assigned in a transaction that rolled
// back: saving the same member again keeps the ID, and the next new member
// gets a fresh one.
func TestMemberIDNeverReused(t *testing.T) {
	db := openDB(t, nil)
	m := flows.Member{Name: "A"}
	fail := errors.New("fail")
	err := db.Update(context.Background(), func(tx flows.Tx) error {
		if err := tx.PutMember(&m); err != nil {
			return err
		}
		return fail
	})
	if !errors.Is(err, fail) || m.ID == 0 {
		t.Fatalf("Update = %v, ID %d", err, m.ID)
	}
	update(t, db, func(tx flows.Tx) error { return tx.PutMember(&m) })
	n := flows.Member{Name: "B"}
	update(t, db, func(tx flows.Tx) error { return tx.PutMember(&n) })
	if n.ID == m.ID || n.ID == 0 {
		t.Errorf("new member got ID %d, first has %d", n.ID, m.ID)
	}
}

// TestDeleteMember: only an empty member record (no account, cell or
// roster claim) is deleted; a missing one is no error, and a deleted ID is
// not handed out again.
func TestDeleteMember(t *testing.T) {
	db := openDB(t, nil)
	withUser := flows.Member{Name: "A", Users: []bot.UserID{alice}}
	inCell := flows.Member{Name: "B", Cell: "C01"}
	claiming := flows.Member{Name: "C"}
	empty := flows.Member{Name: "D"}
	update(t, db, func(tx flows.Tx) error {
		for _, m := range []*flows.Member{&withUser, &inCell, &claiming, &empty} {
			if err := tx.PutMember(m); err != nil {
				return err
			}
		}
		return tx.PutRosterEntry(&flows.RosterEntry{Cell: "C01", Name: "C", Claims: []flows.RosterClaim{{Member: claiming.ID}}})
	})
	for _, m := range []flows.Member{withUser, inCell, claiming} {
		err := db.Update(context.Background(), func(tx flows.Tx) error { return tx.DeleteMember(m.ID) })
		if err == nil {
			t.Errorf("member %s deleted", m.Name)
		}
	}
	update(t, db, func(tx flows.Tx) error {
		if err := tx.DeleteMember(empty.ID); err != nil {
			return err
		}
		return tx.DeleteMember(99)
	})
	var next flows.Member
	view(t, db, func(tx flows.Tx) error {
		ms, err := tx.Members("")
		if len(ms) != 3 {
			t.Errorf("%d members after the deletion, want 3", len(ms))
		}
		return err
	})
	update(t, db, func(tx flows.Tx) error { next = flows.Member{Name: "E"}; return tx.PutMember(&next) })
	if next.ID <= empty.ID {
		t.Errorf("new member got ID %d, at most the deleted %d", next.ID, empty.ID)
	}
}
