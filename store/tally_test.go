package store_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
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

// randomWrites makes n random writes through the Tx's write functions, in
// transactions of a few: new members and their changes (cell, status,
// identities, pauses), reports and their rewrites (submitted or not,
// recorded, exemplary, done items), pledges (drafts, items), roster
// entries (new, claimed, moved, status changes, removed), and the deletion
// of members left empty.
func randomWrites(t *testing.T, db *store.DB, r *rand.Rand, n int) {
	t.Helper()
	at := func() time.Time {
		return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(700 * 24 * time.Hour))))
	}
	cells := []string{"C01", "C02", "C03"}
	var members []flows.MemberID
	var entries []flows.RosterID
	for done := 0; done < n; {
		update(t, db, func(tx flows.Tx) error {
			for range 1 + r.IntN(5) {
				done++
				switch k := r.IntN(7); {
				case k == 0 || len(members) == 0: // a member, new or changed
					m := flows.Member{Name: "Lan", Cell: cells[r.IntN(3)], Joined: at()}
					if len(members) > 0 && r.IntN(2) == 0 {
						var err error
						if m, _, err = tx.Member(members[r.IntN(len(members))]); err != nil {
							return err
						}
						m.Cell = cells[r.IntN(3)]
					}
					if r.IntN(4) == 0 {
						m.Cell = ""
					}
					m.Status = flows.Status(r.IntN(3))
					if r.IntN(2) == 0 {
						m.Users = []bot.UserID{{Platform: bot.Telegram, ID: fmt.Sprint(r.IntN(1e6) + 1)}}
					} else {
						m.Users = nil
					}
					if r.IntN(3) == 0 {
						m.StartPause(at(), at())
					}
					if err := tx.PutMember(&m); err != nil {
						return err
					}
					members = append(members, m.ID)
				case k == 1 || k == 2: // a report
					rep := flows.Report{Member: members[r.IntN(len(members))], Month: flows.Month(202501 + 100*r.IntN(2) + r.IntN(12)),
						Other: "Dọn đường", Exemplary: r.IntN(4) == 0}
					if r.IntN(3) > 0 {
						rep.Submitted = at()
					}
					if r.IntN(4) == 0 {
						rep.Recorded = flows.Recorded{By: members[0], At: at()}
					}
					for i := range r.IntN(4) {
						rep.Entries = append(rep.Entries, flows.Entry{Item: i + 1, Status: flows.ItemStatus(r.IntN(3)), Text: "việc"})
					}
					if err := tx.PutReport(rep); err != nil {
						return err
					}
				case k == 6: // a member left empty, forgotten
					i := r.IntN(len(members))
					m, ok, err := tx.Member(members[i])
					if err != nil || !ok || m.Cell != "" || len(m.Users) > 0 {
						continue
					}
					if _, claimed, err := tx.RosterOf(m.ID); err != nil || claimed {
						continue
					}
					if err := tx.DeleteMember(m.ID); err != nil {
						return err
					}
					members = append(members[:i], members[i+1:]...)
				case k == 3: // a pledge
					p := flows.Pledge{Member: members[r.IntN(len(members))], Year: 2025 + r.IntN(2), Status: flows.PledgeStatus(r.IntN(3))}
					for i := range r.IntN(5) {
						p.Items = append(p.Items, flows.PledgeItem{No: i + 1, Text: "việc"})
					}
					if err := tx.PutPledge(p); err != nil {
						return err
					}
				default: // a roster entry, new or changed
					e := flows.RosterEntry{Name: "Nguyễn Thị Lan", Cell: cells[r.IntN(3)], Added: at()}
					if len(entries) > 0 && r.IntN(2) == 0 {
						var err error
						if e, _, err = tx.RosterEntry(entries[r.IntN(len(entries))]); err != nil {
							return err
						}
						switch r.IntN(3) {
						case 0:
							if to := cells[r.IntN(3)]; to != e.Cell {
								e.Moves = append(e.Moves, flows.RosterMove{From: e.Cell, At: at()})
								e.Cell = to
							}
						case 1:
							e.SetStatus(flows.RosterStatus(r.IntN(3)), at())
						case 2:
							e.Removed = at()
						}
					} else if m := members[r.IntN(len(members))]; r.IntN(2) == 0 {
						if _, claimed, err := tx.RosterOf(m); err != nil {
							return err
						} else if !claimed {
							e.Claims = []flows.RosterClaim{{Platform: bot.Telegram, Member: m, At: at()}}
						}
					}
					if err := tx.PutRosterEntry(&e); err != nil {
						return err
					}
					entries = append(entries, e.ID)
				}
			}
			return nil
		})
	}
}

// wantTally checks that db's tally index is what its records give: every
// listing gives the digests of the records (flows.MemberTallyOf and its
// kin), and the store's own comparison (checkTally) agrees.
func wantTally(t *testing.T, db *store.DB) {
	t.Helper()
	if err := db.CheckTally(); err != nil {
		t.Fatalf("check of the tally index: %v", err)
	}
	view(t, db, func(tx flows.Tx) error {
		var want, got []flows.MemberTally
		if err := tx.EachMember(func(m flows.Member) error { want = append(want, flows.MemberTallyOf(m)); return nil }); err != nil {
			return err
		}
		if err := tx.TallyMembers(func(m flows.MemberTally) error {
			m.Member.Pauses = append([]flows.Pause(nil), m.Member.Pauses...)
			got = append(got, m)
			return nil
		}); err != nil {
			return err
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("member digests %+v\nfrom the records %+v", got, want)
		}
		for m := flows.Month(202501); m <= 202612; m = m.Next() {
			var want, got []flows.ReportTally
			if err := tx.Reports(m, func(r flows.Report) error { want = append(want, flows.ReportTallyOf(r)); return nil }); err != nil {
				return err
			}
			if err := tx.TallyReports(m, func(r flows.ReportTally) error {
				r.Done = append([]int(nil), r.Done...)
				if len(r.Done) == 0 {
					r.Done = nil
				}
				got = append(got, r)
				return nil
			}); err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: report digests %+v\nfrom the records %+v", m, got, want)
			}
		}
		for _, y := range []int{2025, 2026} {
			var got []flows.PledgeTally
			if err := tx.TallyPledges(y, func(p flows.PledgeTally) error {
				p.Items = append([]int(nil), p.Items...)
				if len(p.Items) == 0 {
					p.Items = nil
				}
				got = append(got, p)
				return nil
			}); err != nil {
				return err
			}
			for _, d := range got {
				p, ok, err := tx.Pledge(d.Member, y)
				if err != nil || !ok || !reflect.DeepEqual(d, flows.PledgeTallyOf(p)) {
					t.Errorf("pledge digest %+v, the record's %+v (%v, %v)", d, flows.PledgeTallyOf(p), ok, err)
				}
			}
		}
		n := 0
		if err := tx.TallyRoster(func(e flows.RosterEntry) error {
			n++
			full, ok, err := tx.RosterEntry(e.ID)
			if err != nil || !ok || !reflect.DeepEqual(e, flows.RosterTallyOf(full)) {
				t.Errorf("roster digest %+v, the record's %+v (%v, %v)", e, flows.RosterTallyOf(full), ok, err)
			}
			return nil
		}); err != nil {
			return err
		}
		return nil
	})
}

// TestTallyFollowsWrites: whatever sequence of writes the flows make, the
// tally index stays what the records give.
func TestTallyFollowsWrites(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			db := openDB(t, nil)
			randomWrites(t, db, rand.New(rand.NewPCG(seed, 8)), 300)
			wantTally(t, db)
		})
	}
}

// TestTallyBuiltAtUpgrade: a schema 7 file, which has no tally index, is
// upgraded at Open to schema 8 with the index of every record, built in
// transactions of a few digests; a file whose build stopped half way
// (its schema still 7) gets it whole at the next Open.
func TestTallyBuiltAtUpgrade(t *testing.T) {
	store.SetTallyBatch(t, 7)
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	randomWrites(t, db, rand.New(rand.NewPCG(7, 8)), 200)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rewrite(t, path, 7, nil)
	if db, err = store.Open(path, store.Options{}); err != nil {
		t.Fatal(err)
	}
	if s := db.CheckTally(); s != nil {
		t.Errorf("after the upgrade: %v", s)
	}
	wantTally(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if s := schemaOf(t, path); s != 8 {
		t.Errorf("schema %d after the upgrade, want 8", s)
	}
	// A build stopped half way: a schema 7 file with part of an index,
	// and a digest of a record written since by a schema 7 build.
	rewrite(t, path, 7, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("tally_reports"))
		if err != nil {
			return err
		}
		k, _ := store.ReportKey(202611, 1)
		return b.Put(k, []byte{1, 0, 0})
	})
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	wantTally(t, db)
}

// TestCheckFindsTallyMismatch: a full check of a file whose tally index
// does not match its records (a digest changed behind the store's back)
// refuses it as damaged, saying so.
func TestCheckFindsTallyMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	randomWrites(t, db, rand.New(rand.NewPCG(3, 8)), 100)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Check(path, time.Second); err != nil {
		t.Fatalf("check of a sound file: %v", err)
	}
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var m flows.MemberID
	view(t, db, func(tx flows.Tx) error {
		return tx.TallyMembers(func(d flows.MemberTally) error { m = d.Member.ID; return nil })
	})
	if err := db.RawPut("tally_members", store.MemberKey(m), []byte{1, 0, 0, 0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = store.Check(path, time.Second)
	if !errors.Is(err, store.ErrDamaged) || !strings.Contains(err.Error(), "tally index") {
		t.Fatalf("check of a file with a wrong digest = %v", err)
	}
}
