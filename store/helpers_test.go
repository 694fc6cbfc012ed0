package store_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

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
