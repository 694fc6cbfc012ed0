package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestWalkView: walkView walks the tree a read transaction sees while
// commits go on: after one more commit (the other header page still holds
// the transaction's), the walk covers the transaction's pages; after two
// (both header pages reused), it says errViewGone, and a new transaction
// walks again.
func TestWalkView(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{InitialMmapSize: 16 << 20}) // no remap: it would wait for btx
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	put := func(i int) {
		t.Helper()
		err := bdb.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists([]byte("b"))
			if err != nil {
				return err
			}
			for j := range 200 {
				if err := b.Put(fmt.Appendf(nil, "%04d-%04d", i, j), make([]byte, 100)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put(0)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	walk := func(btx *bolt.Tx) (uint64, error) {
		st, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		return walkView(f, st.Size(), btx)
	}
	btx, err := bdb.Begin(false)
	if err != nil {
		t.Fatal(err)
	}
	before, err := walk(btx)
	if err != nil || before < 3 {
		t.Fatalf("walk of the newest transaction: %d pages, %v", before, err)
	}
	put(1)
	if n, err := walk(btx); err != nil || n != before {
		t.Errorf("after one commit: %d pages, %v; want the transaction's %d", n, err, before)
	}
	put(2)
	if _, err := walk(btx); !errors.Is(err, errViewGone) {
		t.Errorf("after two commits: %v, want errViewGone", err)
	}
	btx.Rollback()
	err = bdb.View(func(btx *bolt.Tx) error {
		n, err := walk(btx)
		if err == nil && n <= before {
			err = fmt.Errorf("%d pages, want more than %d", n, before)
		}
		return err
	})
	if err != nil {
		t.Errorf("a new transaction: %v", err)
	}
}
