package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lamtheo/flows"
)

// reportedNovember stores a member of C01 who connected in October and
// reported November, so that November's leaderboard ranks a cell and is
// posted (a board without a ranked cell is not).
func reportedNovember(t *testing.T, a *app) {
	t.Helper()
	err := a.db.Update(context.Background(), func(tx flows.Tx) error {
		m := flows.Member{Name: "Trần Văn Hùng", Cell: "C01", Joined: time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC)}
		if err := tx.PutMember(&m); err != nil {
			return err
		}
		if err := tx.PutRosterEntry(flows.RosterEntryOf(m)); err != nil { // on the cell's roster, as connecting puts them
			return err
		}
		return tx.PutReport(flows.Report{Member: m.ID, Month: 202611, Other: "Dọn đường làng",
			Submitted: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTerminalCatchUp drives the terminal mode with the real engine and
// store: moving the clock to 08:00 on 6 December (the day after the
// report deadline) prints the admins' leaderboard right after the clock's confirmation, once; moving it within
// the day, back, and to the same time again prints nothing more. A piped
// script gets no catch-up at start (nor does a person: the clock starts at
// the demo's fixed day), and the terminal writes no backups.
func TestTerminalCatchUp(t *testing.T) {
	dir := t.TempDir()
	cfg := DemoConfig()
	cfg.Data.Path = filepath.Join(dir, "lamtheo.db")
	ctx := context.Background()
	a, err := openApp(ctx, cfg, testText(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	reportedNovember(t, a)
	input := ":time 2026-12-06 08:00\n:time 2026-12-06 09:00\n:time 2026-12-05 07:00\n:time 2026-12-06 08:00\n"
	var out strings.Builder
	if err := a.serveConsole(ctx, strings.NewReader(input), &out, consoleOptions{}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	first := strings.Index(got, "> :time 2026-12-06 08:00\n* Đồng hồ của bot: 06/12/2026 08:00\n[riêng → admin]\n")
	if first != 0 {
		t.Errorf("the leaderboard does not follow the first move of the clock:\n%s", got)
	}
	if n := strings.Count(got, "[riêng → admin]"); n != 1 {
		t.Errorf("the November leaderboard printed %d times:\n%s", n, got)
	}
	if i := strings.Index(got, "> :time 2026-12-06 09:00"); i < strings.Index(got, "[riêng → admin]") {
		t.Errorf("the leaderboard printed after the next line:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "backups")); err == nil {
		t.Error("the terminal mode wrote a backup")
	}
}

// TestTerminalCatchUpEmpty: on a fresh store, in which nobody could report
// November, moving the clock to the leaderboard's slot prints nothing: no
// table of unranked cells goes to the admins.
func TestTerminalCatchUpEmpty(t *testing.T) {
	cfg := DemoConfig()
	cfg.Data.Path = filepath.Join(t.TempDir(), "lamtheo.db")
	ctx := context.Background()
	a, err := openApp(ctx, cfg, testText(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var out strings.Builder
	if err := a.serveConsole(ctx, strings.NewReader(":time 2026-12-06 08:00\n"), &out, consoleOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "> :time 2026-12-06 08:00\n* Đồng hồ của bot: 06/12/2026 08:00\n" {
		t.Errorf("an empty leaderboard went out:\n%s", got)
	}
}

// TestTerminalScheduler checks when the terminal mode catches up: never at
// start (its clock starts at the demo's fixed day), after each successful
// ":time", never twice for one move, never for a failed one, and never the
// backup.
func TestTerminalScheduler(t *testing.T) {
	jobs := &fakeJobs{}
	s, backups := newTestScheduler(t, DefaultConfig().Schedule, jobs, nil)
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, hcmc(t))
	term := s.terminal(func() time.Time { return now })
	waited := 0
	idle := term.idle(func(context.Context) error { waited++; return nil })
	set := term.setClock(func(arg string) (string, error) {
		if arg == "bad" {
			return "", fmt.Errorf("bad time")
		}
		return "ok", nil
	})
	ctx := context.Background()
	count := func() int { return len(jobs.callsSince(0)) }
	if err := idle(ctx); err != nil {
		t.Fatal(err)
	}
	if count() != 0 {
		t.Errorf("%d calls at start, want none", count())
	}
	if _, err := set("bad"); err == nil {
		t.Fatal("bad time accepted")
	}
	_ = idle(ctx)
	if count() != 0 {
		t.Errorf("a failed :time caught up")
	}
	if _, err := set("2026-11-25 08:00"); err != nil {
		t.Fatal(err)
	}
	_ = idle(ctx)
	_ = idle(ctx)
	calls := jobs.callsSince(0)
	perCatchUp := 5 // the reminders, the daily ladder and the leaderboard; no campaign slot in 35 days; never the backup
	if len(calls) != perCatchUp {
		t.Errorf("%d calls after :time, want %d", len(calls), perCatchUp)
	}
	for _, c := range calls {
		if c.job == flows.JobRemindSecond && !c.slot.Equal(now) {
			t.Errorf("second reminder asked for %s", c)
		}
	}
	if backups.n != 0 || waited != 4 {
		t.Errorf("backups %d, waits %d", backups.n, waited)
	}
}
