package store_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"lamtheo/store"
)

// backupNames returns the names of the files in dir, in name order.
func backupNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestBackupClockStepsBack: when the clock steps back, the new backup has
// the oldest name and time, yet it is kept (retention used to remove it as
// soon as it was written), and the older ones make room for it.
func TestBackupClockStepsBack(t *testing.T) {
	clk := newClock()
	db := openDB(t, clk.Now)
	dir := filepath.Join(t.TempDir(), "backups")
	for range 3 {
		if _, err := db.Backup(dir, 3); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Hour)
	}
	clk.Add(-24 * time.Hour)
	path, err := db.Backup(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the backup just written is gone: %v", err)
	}
	want := []string{"lamtheo-20261102-113000.db", "lamtheo-20261103-093000.db", "lamtheo-20261103-103000.db"}
	if got := backupNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("backups %q, want %q", got, want)
	}
	bs, err := store.Backups(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 3 || filepath.Base(bs[0].Path) != "lamtheo-20261103-103000.db" || !bs[0].Modified.Equal(clk.Now().Add(23*time.Hour)) {
		t.Errorf("Backups = %+v", bs)
	}
}

// TestBackupRetentionByTime: retention keeps the newest by modification
// time, whatever the names say.
func TestBackupRetentionByTime(t *testing.T) {
	clk := newClock()
	db := openDB(t, clk.Now)
	dir := filepath.Join(t.TempDir(), "backups")
	var paths []string
	for range 3 {
		p, err := db.Backup(dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		clk.Add(time.Hour)
	}
	// The first one is touched to be the newest: it is kept, the second
	// (now the oldest) goes.
	later := clk.Now().Add(time.Hour)
	if err := os.Chtimes(paths[0], later, later); err != nil {
		t.Fatal(err)
	}
	clk.Add(-10 * time.Hour) // the next name sorts first
	last, err := db.Backup(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Base(last), filepath.Base(paths[0]), filepath.Base(paths[2])}
	slices.Sort(want)
	if got := backupNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("backups %q, want %q", got, want)
	}
}

// TestCleanBackupDir: the temporary files of backups killed half way are
// removed; backups and other files stay.
func TestCleanBackupDir(t *testing.T) {
	db := openDB(t, newClock().Now)
	dir := filepath.Join(t.TempDir(), "backups")
	kept, err := db.Backup(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".lamtheo-backup-123.tmp", ".lamtheo-backup-456.tmp", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.CleanBackupDir(dir)
	if err != nil || n != 2 {
		t.Errorf("CleanBackupDir = %d, %v; want 2 removed", n, err)
	}
	want := []string{filepath.Base(kept), "notes.txt"}
	if got := backupNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("backups %q, want %q", got, want)
	}
	if n, err := db.CleanBackupDir(filepath.Join(dir, "missing")); n != 0 || err != nil {
		t.Errorf("CleanBackupDir of a missing dir = %d, %v", n, err)
	}
}

// TestNewestVerifiedBackup: the newest backup that passes the check is
// named; a newer damaged one is passed over.
func TestNewestVerifiedBackup(t *testing.T) {
	clk := newClock()
	db := openDB(t, clk.Now)
	dir := filepath.Join(t.TempDir(), "backups")
	if _, ok, err := store.NewestVerifiedBackup(dir); ok || err != nil {
		t.Errorf("in a missing dir: %v %v", ok, err)
	}
	good, err := db.Backup(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	bad, err := db.Backup(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(bad, 8<<10); err != nil {
		t.Fatal(err)
	}
	b, ok, err := store.NewestVerifiedBackup(dir)
	if err != nil || !ok || b.Path != good {
		t.Errorf("NewestVerifiedBackup = %+v %v %v, want %s", b, ok, err, good)
	}
}
