package store_test

import (
	"encoding/binary"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

// TestRosterEntries: entries are listed by cell, found by the member who
// claimed them, moved between cells and marked removed without being
// deleted; the name is folded for matching.
func TestRosterEntries(t *testing.T) {
	db := openDB(t, nil)
	at := time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)
	var lan, hung flows.RosterEntry
	update(t, db, func(tx flows.Tx) error {
		lan = flows.RosterEntry{Cell: "C01", Name: "Nguyễn Thị Lan", Added: at,
			Claims: []flows.RosterClaim{{Platform: bot.Telegram, Member: 7, At: at}, {Platform: bot.Zalo, Member: 9, At: at}}}
		hung = flows.RosterEntry{Cell: "C01", Name: "Trần Văn Hùng", Status: flows.RosterProbation, Role: "Phó bí thư", Added: at}
		if err := tx.PutRosterEntry(&lan); err != nil {
			return err
		}
		if err := tx.PutRosterEntry(&hung); err != nil {
			return err
		}
		other := flows.RosterEntry{Cell: "C02", Name: "Lê Văn Tám", Status: flows.RosterExempt, Added: at}
		return tx.PutRosterEntry(&other)
	})
	if lan.ID == 0 || hung.ID == lan.ID || lan.Folded != "nguyen thi lan" {
		t.Fatalf("IDs %d %d, folded %q", lan.ID, hung.ID, lan.Folded)
	}
	view(t, db, func(tx flows.Tx) error {
		es, err := tx.Roster("C01")
		if err != nil {
			return err
		}
		if len(es) != 2 || !reflect.DeepEqual(es[0], lan) || es[1].Role != "Phó bí thư" || es[1].Status != flows.RosterProbation {
			t.Errorf("Roster(C01) = %+v", es)
		}
		for _, m := range []flows.MemberID{7, 9} {
			if e, ok, err := tx.RosterOf(m); err != nil || !ok || e.ID != lan.ID {
				t.Errorf("RosterOf(%d) = %d %v %v", m, e.ID, ok, err)
			}
		}
		return nil
	})
	// Removal keeps the entry; dropping a claim and moving the entry keep
	// the indexes in step.
	update(t, db, func(tx flows.Tx) error {
		hung.Removed = at.Add(time.Hour)
		if err := tx.PutRosterEntry(&hung); err != nil {
			return err
		}
		lan.Claims = lan.Claims[1:]
		lan.Cell = "C02"
		return tx.PutRosterEntry(&lan)
	})
	view(t, db, func(tx flows.Tx) error {
		es, _ := tx.Roster("C01")
		if len(es) != 1 || es[0].ID != hung.ID || es[0].OnRoster() {
			t.Errorf("after removal and move: Roster(C01) = %+v", es)
		}
		if es, _ := tx.Roster("C02"); len(es) != 2 {
			t.Errorf("after the move: Roster(C02) has %d entries, want 2", len(es))
		}
		if _, ok, _ := tx.RosterOf(7); ok {
			t.Error("member 7 still claims an entry after its claim was dropped")
		}
		if e, ok, _ := tx.RosterOf(9); !ok || e.ID != lan.ID {
			t.Error("member 9 lost its claim")
		}
		return nil
	})
}

// TestRosterEntryRefused: an entry without a cell or a name, of an unknown
// status, with two claims on one platform, or claimed by a member who
// already claims another entry is refused, and nothing is written.
func TestRosterEntryRefused(t *testing.T) {
	db := openDB(t, nil)
	update(t, db, func(tx flows.Tx) error {
		e := flows.RosterEntry{Cell: "C01", Name: "Nguyễn Thị Lan", Claims: []flows.RosterClaim{{Platform: bot.Telegram, Member: 7}}}
		return tx.PutRosterEntry(&e)
	})
	for _, tc := range []struct {
		name string
		e    flows.RosterEntry
		want error
	}{
		{"no cell", flows.RosterEntry{Name: "A"}, flows.ErrRosterEntry},
		{"no name", flows.RosterEntry{Cell: "C01"}, flows.ErrRosterEntry},
		{"unknown status", flows.RosterEntry{Cell: "C01", Name: "A", Status: 7}, flows.ErrRosterEntry},
		{"two claims on one platform", flows.RosterEntry{Cell: "C01", Name: "A",
			Claims: []flows.RosterClaim{{Platform: bot.Zalo, Member: 8}, {Platform: bot.Zalo, Member: 9}}}, flows.ErrRosterClaim},
		{"member claims another entry", flows.RosterEntry{Cell: "C01", Name: "A",
			Claims: []flows.RosterClaim{{Platform: bot.Zalo, Member: 7}}}, flows.ErrRosterClaim},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(t.Context(), func(tx flows.Tx) error { return tx.PutRosterEntry(&tc.e) })
			if !errors.Is(err, tc.want) {
				t.Errorf("PutRosterEntry = %v, want %v", err, tc.want)
			}
		})
	}
	view(t, db, func(tx flows.Tx) error {
		if es, _ := tx.Roster("C01"); len(es) != 1 {
			t.Errorf("%d entries after refused writes, want 1", len(es))
		}
		return nil
	})
}

// TestRosterDamaged: a roster record that cannot be decoded fails its
// lookup with flows.ErrDamaged, and the cell's listing skips it, naming it.
func TestRosterDamaged(t *testing.T) {
	db := openDB(t, nil)
	var ids []flows.RosterID
	update(t, db, func(tx flows.Tx) error {
		for _, n := range []string{"Nguyễn Thị Lan", "Trần Văn Hùng"} {
			e := flows.RosterEntry{Cell: "C01", Name: n}
			if err := tx.PutRosterEntry(&e); err != nil {
				return err
			}
			ids = append(ids, e.ID)
		}
		return nil
	})
	if err := db.RawPut("roster", store.MemberKey(flows.MemberID(ids[1])), []byte{1, 0xff, 0xff}); err != nil {
		t.Fatal(err)
	}
	view(t, db, func(tx flows.Tx) error {
		if _, _, err := tx.RosterEntry(ids[1]); !errors.Is(err, flows.ErrDamaged) {
			t.Errorf("RosterEntry of a damaged record: %v", err)
		}
		es, err := tx.Roster("C01")
		var de *flows.DamagedError
		if !errors.As(err, &de) || len(es) != 1 || !strings.Contains(err.Error(), "roster entry 2") {
			t.Errorf("Roster = %d entries, %v", len(es), err)
		}
		return nil
	})
}

// TestOpenSchema4Roster opens a schema 4 file, written before rosters
// existed: every member in a cell becomes an entry of that cell's roster,
// claimed by the member on each of their platforms, an exempt member miễn,
// a member without a name as "#" and their ID; a member who left their
// cell gets none. Opening again adds nothing.
func TestOpenSchema4Roster(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	joined := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	members := []flows.Member{
		{Name: "Nguyễn Thị Lan", Cell: "C01", Secretary: true, Joined: joined,
			Users: []bot.UserID{{Platform: bot.Telegram, ID: "1"}, {Platform: bot.Zalo, ID: "z1"}}},
		{Name: "Trần Văn Hùng", Cell: "C01", Status: flows.Exempt, Joined: joined, Users: []bot.UserID{{Platform: bot.Telegram, ID: "2"}}},
		{Name: "Lê Văn Tám", Cell: "C02", Joined: joined},
		{Name: "Phạm Thị Hoa", Cell: "", Joined: joined, Users: []bot.UserID{{Platform: bot.Telegram, ID: "4"}}},
		{Name: " \u200b", Cell: "C02", Joined: joined, Users: []bot.UserID{{Platform: bot.Zalo, ID: "z5"}}},
	}
	update(t, db, func(tx flows.Tx) error {
		for i := range members {
			if err := tx.PutMember(&members[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rewrite(t, path, 4, nil)
	for range 2 {
		db, err = store.Open(path, store.Options{})
		if err != nil {
			t.Fatalf("Open of a schema 4 file: %v", err)
		}
		view(t, db, func(tx flows.Tx) error {
			c1, err := tx.Roster("C01")
			if err != nil {
				return err
			}
			want := []flows.RosterEntry{
				{ID: 1, Cell: "C01", Name: "Nguyễn Thị Lan", Folded: "nguyen thi lan", Added: joined, Claims: []flows.RosterClaim{
					{Platform: bot.Telegram, Member: members[0].ID, At: joined}, {Platform: bot.Zalo, Member: members[0].ID, At: joined}}},
				{ID: 2, Cell: "C01", Name: "Trần Văn Hùng", Folded: "tran van hung", Status: flows.RosterExempt, Added: joined, Claims: []flows.RosterClaim{
					{Platform: bot.Telegram, Member: members[1].ID, At: joined}}},
			}
			if !reflect.DeepEqual(c1, want) {
				t.Errorf("Roster(C01) after the upgrade =\n%+v\nwant\n%+v", c1, want)
			}
			c2, _ := tx.Roster("C02")
			if len(c2) != 2 || c2[0].Name != "Lê Văn Tám" || len(c2[0].Claims) != 1 || c2[0].Claims[0].Member != members[2].ID ||
				c2[1].Name != "#5" || c2[1].Claims[0].Platform != bot.Zalo {
				t.Errorf("Roster(C02) = %+v", c2)
			}
			if _, ok, _ := tx.RosterOf(members[3].ID); ok {
				t.Error("a member without a cell got a roster entry")
			}
			return nil
		})
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOpenSchema4DamagedMember: a schema 4 file with a member record that
// cannot be read is refused at the upgrade, with a message naming the
// record, and left at schema 4 (the next lamtheo can still be pointed at a
// backup): nobody silently goes missing from a roster.
func TestOpenSchema4DamagedMember(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	update(t, db, func(tx flows.Tx) error {
		for _, n := range []string{"Nguyễn Thị Lan", "Trần Văn Hùng"} {
			if err := tx.PutMember(&flows.Member{Name: n, Cell: "C01"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err := db.RawPut("members", store.MemberKey(2), []byte{1, 0xff, 0xff}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rewrite(t, path, 4, nil)
	_, err = store.Open(path, store.Options{})
	if err == nil || !errors.Is(err, flows.ErrDamaged) || !strings.Contains(err.Error(), "member 2") || !strings.Contains(err.Error(), "rosters") {
		t.Fatalf("Open of a schema 4 file with a damaged member = %v", err)
	}
	if s := schemaOf(t, path); s != 4 {
		t.Errorf("schema after a refused upgrade = %d, want 4", s)
	}
}

// schemaOf reads the schema version of the closed data file at path.
func schemaOf(t *testing.T, path string) uint32 {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	var v uint32
	_ = bdb.View(func(tx *bolt.Tx) error {
		v = binary.BigEndian.Uint32(tx.Bucket([]byte("meta")).Get([]byte("schema")))
		return nil
	})
	return v
}

// TestRosterPast (issue 11): an entry that moved from C01 to C02 is on
// C02's roster only, and listed among the entries that moved out of C01,
// whose past months still count it.
func TestRosterPast(t *testing.T) {
	db := openDB(t, nil)
	at := time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)
	e := flows.RosterEntry{Cell: "C01", Name: "Nguyễn Thị Tư", Added: at}
	update(t, db, func(tx flows.Tx) error { return tx.PutRosterEntry(&e) })
	e.Moves = []flows.RosterMove{{From: "C01", At: at.AddDate(0, 0, 20)}}
	e.Cell = "C02"
	update(t, db, func(tx flows.Tx) error { return tx.PutRosterEntry(&e) })
	update(t, db, func(tx flows.Tx) error {
		for _, tc := range []struct {
			list func(string) ([]flows.RosterEntry, error)
			cell string
			n    int
		}{{tx.Roster, "C01", 0}, {tx.Roster, "C02", 1}, {tx.RosterPast, "C01", 1}, {tx.RosterPast, "C02", 0}} {
			got, err := tc.list(tc.cell)
			if err != nil {
				return err
			}
			if len(got) != tc.n || tc.n == 1 && !reflect.DeepEqual(got[0].Moves, e.Moves) {
				t.Errorf("%s: %+v, want %d entries", tc.cell, got, tc.n)
			}
		}
		return nil
	})
}
