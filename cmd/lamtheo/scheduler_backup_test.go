package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"lamtheo/bot/bottest"
	"lamtheo/flows"
	"lamtheo/store"
)

// TestSchedulerBackup runs the backup job with the real store: each slot
// writes a backup into the directory next to the data file and records the
// slot; only the newest BackupKeep are kept; a restart after a slot's
// backup writes no second one; a failed backup is not recorded.
func TestSchedulerBackup(t *testing.T) {
	loc := hcmc(t)
	dir := t.TempDir()
	now := time.Date(2026, 1, 1, 2, 0, 1, 0, loc)
	db, err := store.Open(filepath.Join(dir, "lamtheo.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := DefaultConfig()
	cfg.Schedule = ScheduleConfig{flows.JobBackup: "0 2 * * *"}
	cfg.Data.Path = filepath.Join(dir, "lamtheo.db")
	cfg.Data.BackupDir = "backups"
	cfg.Data.BackupKeep = 3
	var logs bottest.Buffer
	jobs := &fakeJobs{}
	s, err := newScheduler(cfg, loc, jobs, db, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	backups := func() []string {
		t.Helper()
		entries, err := os.ReadDir(filepath.Join(dir, "backups"))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	for day := 1; day <= 5; day++ {
		now = time.Date(2026, 1, day, 2, 0, 1, 0, loc)
		s.runSlot(ctx, flows.JobBackup, time.Date(2026, 1, day, 2, 0, 0, 0, loc))
	}
	want := []string{"lamtheo-20260102-190001.db", "lamtheo-20260103-190001.db", "lamtheo-20260104-190001.db"}
	if got := backups(); !slices.Equal(got, want) {
		t.Errorf("backups %q, want %q", got, want)
	}
	if n := len(jobs.callsSince(0)); n != 5 {
		t.Errorf("%d slots recorded, want 5", n)
	}
	// A restart at 03:00 on the 5th: the slot's backup exists, none is
	// written, the slot is asked for again (RunJob skips it).
	now = time.Date(2026, 1, 5, 3, 0, 0, 0, loc)
	s.catchUp(ctx, now)
	if got := backups(); !slices.Equal(got, want) {
		t.Errorf("after a restart backups %q, want %q", got, want)
	}
	if calls := jobs.callsSince(5); len(calls) != 1 || calls[0].ran {
		t.Errorf("after a restart calls %v", calls)
	}
	// A backup that fails is logged and not recorded.
	s.backupDir = filepath.Join(dir, "lamtheo.db", "backups") // under a file
	now = time.Date(2026, 1, 6, 2, 0, 1, 0, loc)
	s.runSlot(ctx, flows.JobBackup, time.Date(2026, 1, 6, 2, 0, 0, 0, loc))
	if n := len(jobs.callsSince(0)); n != 6 {
		t.Errorf("a failed backup was recorded (%d calls)", n)
	}
	if !strings.Contains(logs.String(), "backup failed") {
		t.Errorf("failure not logged:\n%s", logs.String())
	}
}

// TestSchedulerBackupClockStepsBack: after the clock stepped back, the
// backups written before it are dated in the future; they neither stop the
// slot's backup (the slot seemed done) nor push the new one out.
func TestSchedulerBackupClockStepsBack(t *testing.T) {
	loc := hcmc(t)
	dir := t.TempDir()
	now := time.Date(2026, 1, 10, 2, 0, 1, 0, loc)
	clock := func() time.Time { return now }
	db, err := store.Open(filepath.Join(dir, "lamtheo.db"), store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := DefaultConfig()
	cfg.Schedule = ScheduleConfig{flows.JobBackup: "0 2 * * *"}
	cfg.Data.Path = filepath.Join(dir, "lamtheo.db")
	cfg.Data.BackupDir = "backups"
	cfg.Data.BackupKeep = 2
	s, err := newScheduler(cfg, loc, &fakeJobs{}, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.now = clock
	ctx := context.Background()
	for day := 9; day <= 10; day++ {
		now = time.Date(2026, 1, day, 2, 0, 1, 0, loc)
		s.runSlot(ctx, flows.JobBackup, time.Date(2026, 1, day, 2, 0, 0, 0, loc))
	}
	now = time.Date(2026, 1, 5, 2, 0, 1, 0, loc) // the clock steps back five days
	s.runSlot(ctx, flows.JobBackup, time.Date(2026, 1, 5, 2, 0, 0, 0, loc))
	bs, err := store.Backups(filepath.Join(dir, "backups"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range bs {
		names = append(names, filepath.Base(b.Path))
	}
	want := []string{"lamtheo-20260109-190001.db", "lamtheo-20260104-190001.db"}
	if !slices.Equal(names, want) {
		t.Errorf("backups %q, want %q", names, want)
	}
}
