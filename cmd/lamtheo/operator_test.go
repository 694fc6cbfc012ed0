package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lamtheo/flows"
	"lamtheo/store"
)

// writeMember stores a member named name in the data file at path and,
// when backups is not "", writes a backup there dated at.
func writeMember(t *testing.T, path, name, backups string, at time.Time) string {
	t.Helper()
	db, err := store.Open(path, store.Options{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(context.Background(), func(tx flows.Tx) error {
		return tx.PutMember(&flows.Member{Name: name, Cell: "C01"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if backups == "" {
		return ""
	}
	b, err := db.Backup(backups, 7)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// memberNames returns the names of the members in the data file at path.
func memberNames(t *testing.T, path string) []string {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var names []string
	err = db.View(context.Background(), func(tx flows.Tx) error {
		ms, err := tx.Members("")
		for _, m := range ms {
			names = append(names, m.Name)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestRunRefusesDamagedData: a truncated or emptied data file stops the
// program at start with an error that says what is wrong, names the newest
// backup that passes the check (a newer damaged backup is passed over) and
// the command restoring it; the file is left as it was. (A truncated file
// used to crash with SIGBUS or a panic, an empty one to start a new empty
// organisation.)
func TestRunRefusesDamagedData(t *testing.T) {
	conf, data := operatorSetup(t)
	backups := filepath.Join(filepath.Dir(data), "backups")
	at := time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC)
	good := writeMember(t, data, "Nguyễn Thị Lan", backups, at)
	bad := writeMember(t, data, "Trần Văn Hùng", backups, at.Add(24*time.Hour))
	if err := os.Truncate(bad, 8<<10); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		size int64
		want []string
	}{
		{"truncated", 8 << 10, []string{"is damaged", "truncated"}},
		{"empty", 0, []string{"is empty (0 bytes)", "delete it to start over"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.Truncate(data, tc.size); err != nil {
				t.Fatal(err)
			}
			_, _, err := runCmd(t, "-config", conf)
			if !errors.Is(err, store.ErrDamaged) {
				t.Fatalf("run = %v, want an error wrapping ErrDamaged", err)
			}
			msg := err.Error()
			for _, s := range append(tc.want, data, "lamtheo restore -config "+conf+" "+good) {
				if !strings.Contains(msg, s) {
					t.Errorf("the error lacks %q:\n%s", s, msg)
				}
			}
			if st, err := os.Stat(data); err != nil || st.Size() != tc.size {
				t.Errorf("the data file was changed: %v %v", st, err)
			}
		})
	}
}

// TestCheckCommand: "lamtheo check" reports a sound data file and exits
// successfully; a damaged one fails with the damage and the backup to
// restore; a file in use is refused.
func TestCheckCommand(t *testing.T) {
	conf, data := operatorSetup(t)
	backups := filepath.Join(filepath.Dir(data), "backups")
	backup := writeMember(t, data, "Nguyễn Thị Lan", backups, time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC))

	out, _, err := runCmd(t, "check", "-config", conf)
	if err != nil {
		t.Fatalf("check of a sound file: %v", err)
	}
	for _, s := range []string{"Data file " + data, ", schema ", "closed it cleanly", "Check passed", "1 backups in " + backups, backup} {
		if !strings.Contains(out, s) {
			t.Errorf("the report lacks %q:\n%s", s, out)
		}
	}

	db, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(t, "check", "-config", conf)
	if !errors.Is(err, store.ErrLocked) {
		t.Errorf("check of a file in use = %v, want ErrLocked", err)
	}
	db.Close()

	b, err := os.ReadFile(data)
	if err != nil {
		t.Fatal(err)
	}
	for pg := 2; pg < len(b)/os.Getpagesize(); pg++ {
		b[pg*os.Getpagesize()+8] ^= 0xff // the type of each page
	}
	other := filepath.Join(filepath.Dir(data), "other.db") // its backups: the same directory
	if err := os.WriteFile(other, b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(t, "check", "-config", conf, "-data", other)
	if !errors.Is(err, store.ErrDamaged) || !strings.Contains(err.Error(), "is not a freelist page (type 0xef)") ||
		!strings.Contains(err.Error(), "lamtheo restore -config "+conf+" -data "+other+" "+backup) {
		t.Errorf("check of a damaged file = %v", err)
	}

	_, _, err = runCmd(t, "check", "-config", conf, "-data", filepath.Join(t.TempDir(), "none.db"))
	if err == nil || !strings.Contains(err.Error(), "there is no data file") {
		t.Errorf("check of a missing file = %v", err)
	}
}

// TestRestoreCommand: "lamtheo restore BACKUP" refuses a damaged backup and
// a data file in use; otherwise it puts the backup in place, keeps the
// damaged file aside, and the program starts on the restored data.
func TestRestoreCommand(t *testing.T) {
	conf, data := operatorSetup(t)
	backups := filepath.Join(filepath.Dir(data), "backups")
	at := time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC)
	backup := writeMember(t, data, "Nguyễn Thị Lan", backups, at)
	writeMember(t, data, "Trần Văn Hùng", "", at) // after the backup: lost by the restore
	if err := os.Truncate(data, 12<<10); err != nil {
		t.Fatal(err)
	}

	// A damaged backup is refused.
	bad := filepath.Join(t.TempDir(), "lamtheo-20261101-020000.db")
	if err := os.WriteFile(bad, make([]byte, 16<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "restore", "-config", conf, bad); !errors.Is(err, store.ErrDamaged) || !strings.Contains(err.Error(), "cannot be restored") {
		t.Errorf("restore of a damaged backup = %v", err)
	}

	// The flags may follow the backup.
	out, _, err := runCmd(t, "restore", backup, "-config", conf)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	entries, err := os.ReadDir(filepath.Dir(data))
	if err != nil {
		t.Fatal(err)
	}
	var aside string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "lamtheo.db.damaged-") {
			aside = filepath.Join(filepath.Dir(data), e.Name())
		}
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("restore left %s", e.Name())
		}
	}
	if st, err := os.Stat(aside); aside == "" || err != nil || st.Size() != 12<<10 {
		t.Fatalf("the damaged file is not kept aside (%q, %v):\n%s", aside, err, out)
	}
	if !strings.Contains(out, "kept as "+aside) || !strings.Contains(out, "Restored") {
		t.Errorf("restore said:\n%s", out)
	}
	if _, _, err := runCmd(t, "-config", conf); err != nil {
		t.Fatalf("start after the restore: %v", err)
	}
	if got := memberNames(t, data); len(got) != 1 || got[0] != "Nguyễn Thị Lan" {
		t.Errorf("members after the restore: %q", got)
	}

	// While another lamtheo uses the file, nothing is done.
	db, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := runCmd(t, "restore", "-config", conf, backup); !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "another lamtheo instance") {
		t.Errorf("restore of a file in use = %v", err)
	}
}
