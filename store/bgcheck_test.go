package store_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"lamtheo/store"
)

// markUnclean leaves the data file at path as a crash would: marked as
// still open.
func markUnclean(t testing.TB, path string) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("running"), []byte{1}) }); err != nil {
		t.Fatal(err)
	}
	if err := bdb.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOpenChecksBigUncleanFileLater: a big file that was not closed
// cleanly opens after the quick checks only (start-up stays fast) and is
// checked whole in the background: a sound file keeps working, damage the
// quick checks cannot see (a leaf page that is no leaf) breaks the DB,
// which then refuses writes and says what is wrong.
func TestOpenChecksBigUncleanFileLater(t *testing.T) {
	defer store.SetFullCheckSize(0)() // every file is "big"
	dir := t.TempDir()
	pristine := filepath.Join(dir, "pristine.db")
	makeDamageFixture(t, pristine)
	markUnclean(t, pristine)
	b, err := os.ReadFile(pristine)
	if err != nil {
		t.Fatal(err)
	}

	open := func(t *testing.T, contents []byte) (*store.DB, *bytes.Buffer, error) {
		t.Helper()
		path := filepath.Join(t.TempDir(), "lamtheo.db")
		if err := os.WriteFile(path, contents, 0o600); err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		db, err := store.Open(path, store.Options{Log: slog.New(slog.NewTextHandler(&log, nil))})
		return db, &log, err
	}

	t.Run("sound", func(t *testing.T) {
		db, log, err := open(t, b)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil { // waits for the check
			t.Fatal(err)
		}
		if !strings.Contains(log.String(), "full=false") {
			t.Errorf("Open read the whole file before returning:\n%s", log)
		}
		if db.Err() != nil || !strings.Contains(log.String(), "data file checked in the background") {
			t.Errorf("Err() = %v; log:\n%s", db.Err(), log)
		}
	})

	t.Run("damaged", func(t *testing.T) {
		// A leaf page in use (not the root: the quick checks read that
		// one) gets the flags of a branch page. Free pages keep the flags
		// they had, so try the leaf pages from the last until one is in use.
		ps := os.Getpagesize()
		for pg := len(b)/ps - 1; pg >= 2; pg-- {
			if binary.NativeEndian.Uint16(b[pg*ps+8:]) != 0x02 {
				continue
			}
			// Read as a branch, the page's first element gives the child
			// page id ksize|vsize<<32: a leaf of an index (empty values)
			// keeps it inside the file, where bbolt's check meets it. A
			// page id far outside the mapping is a fault the runtime
			// cannot turn into a panic (a non-canonical address).
			if binary.NativeEndian.Uint32(b[pg*ps+16+12:]) != 0 {
				continue
			}
			damaged := bytes.Clone(b)
			binary.NativeEndian.PutUint16(damaged[pg*ps+8:], 0x01)
			db, log, err := open(t, damaged)
			if errors.Is(err, store.ErrDamaged) {
				continue // a page Open reads (the meta bucket's, say)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil { // waits for the check
				t.Fatal(err)
			}
			err = db.Err()
			if err == nil {
				continue // a free page
			}
			var de *store.DamagedError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), "after an unclean stop") {
				t.Errorf("page %d: Err() = %v, want the background check's damage; log:\n%s", pg, err, log)
			}
			return
		}
		t.Fatal("no leaf page in use found")
	})
}
