package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"lamtheo/flows"
	"lamtheo/store"
)

// TestOpenBacksUpBeforeUpgrade: Open copies a file of an older schema,
// as it was, before upgrading it, into UpgradeBackupDir; the copy keeps the
// old schema and the data, and the next Open (nothing to upgrade) copies
// nothing.
func TestOpenBacksUpBeforeUpgrade(t *testing.T) {
	dir := t.TempDir()
	path, backups := filepath.Join(dir, "lamtheo.db"), filepath.Join(dir, "backups")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	update(t, db, func(tx flows.Tx) error { return tx.PutCell(flows.Cell{Code: "C01", Name: "Chi bộ Một"}) })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rewrite(t, path, 4, nil)
	now := func() time.Time { return time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC) }
	for range 2 {
		db, err := store.Open(path, store.Options{UpgradeBackupDir: backups, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	copies, err := filepath.Glob(filepath.Join(backups, "*"))
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(backups, "lamtheo-schema4-20261206-070000.db")
	if len(copies) != 1 || copies[0] != want {
		t.Fatalf("backups = %v, want [%s]", copies, want)
	}
	rep, err := store.Check(want, time.Second)
	if err != nil || rep.Schema != 4 {
		t.Errorf("Check(copy) = schema %d, %v; want schema 4", rep.Schema, err)
	}
	if rep, _ := store.Check(path, time.Second); rep.Schema == 4 {
		t.Errorf("the data file was not upgraded")
	}
}
