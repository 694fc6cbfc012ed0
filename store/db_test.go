package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

func TestOpenCreatesParentAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := flows.Member{Name: "Trần Thị Bình", Cell: "C01"}
	update(t, db, func(tx flows.Tx) error { return tx.PutMember(&m) })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(context.Background(), func(flows.Tx) error { return nil }); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Update after Close = %v, want ErrClosed", err)
	}
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	view(t, db, func(tx flows.Tx) error {
		got, ok, err := tx.Member(m.ID)
		if err != nil || !ok || got.Name != m.Name {
			t.Errorf("member after reopen = %+v %v %v", got, ok, err)
		}
		return nil
	})
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = store.Open(path, store.Options{Timeout: 50 * time.Millisecond})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "another lamtheo instance") {
		t.Errorf("error %q does not name the file and the other instance", msg)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rewrite(t, path, 99, nil)
	_, err = store.Open(path, store.Options{})
	if !errors.Is(err, store.ErrSchema) || !strings.Contains(err.Error(), "99") {
		t.Fatalf("Open of schema 99 = %v, want ErrSchema naming the version", err)
	}
	// The refused file is not held: a raw open succeeds at once.
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("file still locked after refused Open: %v", err)
	}
	bdb.Close()
}

// TestOlderBuildRefusesNewRecords (issue 11): a file holding the records
// of recording for a member without a phone (a member with a delegation,
// a report recorded for them, a roster entry of theirs) written by this
// build is refused by a build of schema 6, the last before those records,
// with a message saying the file was written by a newer lamtheo; the file
// is left as it was, and this build opens it again with every record.
func TestOlderBuildRefusesNewRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sec := flows.Member{Name: "Nguyễn Thị Lan", Cell: "C01", Secretary: true, Recorder: true, Users: []bot.UserID{alice}}
	tu := flows.Member{Name: "Phạm Văn Tư", Cell: "C01"}
	update(t, db, func(tx flows.Tx) error {
		if err := tx.PutMember(&sec); err != nil {
			return err
		}
		if err := tx.PutMember(&tu); err != nil {
			return err
		}
		e := flows.RosterEntryOf(tu)
		if err := tx.PutRosterEntry(e); err != nil {
			return err
		}
		return tx.PutReport(flows.Report{Member: tu.ID, Month: flows.MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.UTC),
			Other: "Kể chuyện Bác", Submitted: time.Date(2026, 11, 24, 20, 0, 0, 0, time.UTC), Recorded: flows.Recorded{By: sec.ID, At: time.Date(2026, 11, 24, 20, 0, 0, 0, time.UTC)}})
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("schema 6 build", func(t *testing.T) {
		store.PlayOlderBuild(t, 6)
		old, err := store.Open(path, store.Options{})
		if err == nil {
			old.Close()
		}
		if !errors.Is(err, store.ErrSchema) || !strings.Contains(err.Error(), "written by a newer lamtheo") {
			t.Fatalf("Open by a schema 6 build = %v, want ErrSchema saying a newer lamtheo wrote the file", err)
		}
	})
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Errorf("the refused Open changed the file")
	}
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("this build reopens its file: %v", err)
	}
	defer db.Close()
	view(t, db, func(tx flows.Tx) error {
		m, ok, err := tx.Member(sec.ID)
		if err != nil || !ok || !m.Recorder {
			t.Errorf("the secretary: %+v %v %v", m, ok, err)
		}
		e, ok, err := tx.RosterOf(tu.ID)
		if err != nil || !ok || e.Name != tu.Name {
			t.Errorf("Tư's roster entry: %+v %v %v", e, ok, err)
		}
		r, ok, err := tx.Report(tu.ID, flows.MonthOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.UTC))
		if err != nil || !ok || r.Recorded.By != sec.ID {
			t.Errorf("Tư's recorded report: %+v %v %v", r, ok, err)
		}
		return nil
	})
}

func TestBackup(t *testing.T) {
	clk := newClock()
	db := openDB(t, clk.Now)
	m := flows.Member{Name: "Lê Văn Cường", Cell: "C03", Users: []bot.UserID{alice}}
	update(t, db, func(tx flows.Tx) error {
		if err := tx.PutMember(&m); err != nil {
			return err
		}
		return tx.PutReport(flows.Report{Member: m.ID, Month: 202611, Other: "Trồng cây"})
	})
	dir := filepath.Join(t.TempDir(), "backups")
	path, err := db.Backup(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "lamtheo-20261103-083000.db"); path != want {
		t.Errorf("backup path = %s, want %s", path, want)
	}
	// Open a copy: opening writes to the file, and retention goes by
	// modification time.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copyPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	copyDB, err := store.Open(copyPath, store.Options{})
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	view(t, copyDB, func(tx flows.Tx) error {
		got, ok, err := tx.MemberOf(alice)
		if err != nil || !ok || got.Name != m.Name || got.Cell != "C03" {
			t.Errorf("member in backup = %+v %v %v", got, ok, err)
		}
		r, ok, err := tx.Report(m.ID, 202611)
		if err != nil || !ok || r.Other != "Trồng cây" {
			t.Errorf("report in backup = %+v %v %v", r, ok, err)
		}
		return nil
	})
	if err := copyDB.Close(); err != nil {
		t.Fatal(err)
	}

	// Retention: after five more backups an hour apart, the newest three stay.
	var paths []string
	for range 5 {
		clk.Add(time.Hour)
		p, err := db.Backup(dir, 3)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, filepath.Base(p))
	}
	stray := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(stray, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Backup(dir, 0); err != nil { // keep < 1: keep all
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	last, err := db.Backup(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{paths[3], paths[4], filepath.Base(last), "notes.txt"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("backup dir holds %v, want %v", names, want)
	}
}
