package store_test

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/flows"
	"lamtheo/store"
)

// clock is a settable time source safe for the committer goroutine.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 3, 8, 30, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openDB opens a fresh DB in a temp dir, closed at the end of the test.
func openDB(t testing.TB, now func() time.Time) *store.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "lamtheo.db")
	db, err := store.Open(path, store.Options{Now: now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func update(t testing.TB, db *store.DB, fn func(tx flows.Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t testing.TB, db *store.DB, fn func(tx flows.Tx) error) {
	t.Helper()
	if err := db.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// rewrite changes the closed data file at path behind the store's back, in
// one raw bbolt transaction, and sets its schema version to schema; it
// makes the files of older versions that Open must upgrade or refuse. For
// a schema before 4 it first deletes the buckets schema 4 added (the
// outbox's index by chat and its progress marks), for a schema before 5
// the roster buckets, and for one before 8 the tally index.
func rewrite(t testing.TB, path string, schema uint32, fn func(tx *bolt.Tx) error) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		if schema < 4 {
			for _, name := range []string{"outbox_chat", "outbox_sent"} {
				if err := tx.DeleteBucket([]byte(name)); err != nil {
					return err
				}
			}
		}
		if schema < 5 {
			for _, name := range []string{"roster", "roster_cell", "roster_claim"} {
				if err := tx.DeleteBucket([]byte(name)); err != nil {
					return err
				}
			}
		}
		if schema < 8 {
			for _, name := range []string{"tally_members", "tally_reports", "tally_pledges"} {
				if err := tx.DeleteBucket([]byte(name)); err != nil {
					return err
				}
			}
			if cells := tx.Bucket([]byte("roster_cell")); cells != nil { // its values were empty
				var keys [][]byte
				if err := cells.ForEach(func(k, _ []byte) error { keys = append(keys, k); return nil }); err != nil {
					return err
				}
				for _, k := range keys {
					if err := cells.Put(k, nil); err != nil {
						return err
					}
				}
			}
		}
		if fn != nil {
			if err := fn(tx); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, schema))
	})
	if cerr := bdb.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}
