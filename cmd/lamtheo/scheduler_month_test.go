package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/flows"
)

// TestSchedulerMonth runs the default schedules through five simulated
// weeks in Asia/Ho_Chi_Minh (late February to early April 2027): the
// catch-up at start asks for each job's latest slot once, and then every
// job runs exactly at its slots, at the right minute.
func TestSchedulerMonth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		loc := hcmc(t)
		start := time.Date(2027, 2, 27, 12, 0, 0, 0, loc)
		end := time.Date(2027, 4, 6, 0, 0, 0, 0, loc)
		sleepUntil(start)
		jobs := &fakeJobs{}
		s, backups := newTestScheduler(t, DefaultConfig().Schedule, jobs, nil)
		runFor(t, s, end.Sub(start))

		calls := jobs.callsSince(0)
		// The catch-up: each job's latest slot before start, at start.
		latest := map[flows.Job]jobCall{}
		for _, c := range defaultSlots(loc, start.Add(-lookback), start) {
			latest[c.job] = c
		}
		var wantCatchUp []jobCall
		for _, c := range latest {
			wantCatchUp = append(wantCatchUp, c)
		}
		var gotCatchUp, gotTimer []jobCall
		for _, c := range calls {
			if c.at.Equal(start) {
				gotCatchUp = append(gotCatchUp, c)
				continue
			}
			if !c.at.Equal(c.slot) {
				t.Errorf("%s ran at %s, not at its slot", c, c.at.In(loc).Format(time.DateTime))
			}
			gotTimer = append(gotTimer, c)
		}
		sortCalls(wantCatchUp)
		sortCalls(gotCatchUp)
		if !slices.Equal(names(gotCatchUp), names(wantCatchUp)) {
			t.Errorf("catch-up asked for\n%s\nwant\n%s", strings.Join(names(gotCatchUp), "\n"), strings.Join(names(wantCatchUp), "\n"))
		}
		want := defaultSlots(loc, start, end)
		sortCalls(want)
		sortCalls(gotTimer)
		if !slices.Equal(names(gotTimer), names(want)) {
			t.Errorf("timer ran\n%s\nwant\n%s", strings.Join(names(gotTimer), "\n"), strings.Join(names(want), "\n"))
		}
		// Spot checks of the oracle itself, by hand.
		for _, must := range []string{
			"remind_last@2027-02-28 08:00 +07", "leaderboard@2027-03-06 08:00 +07", "campaign@2027-03-01 08:00 +07",
			"remind_first@2027-03-20 08:00 +07", "remind_second@2027-03-25 08:00 +07", "campaign@2027-03-29 08:00 +07",
			"remind_last@2027-03-31 08:00 +07", "leaderboard@2027-03-07 08:00 +07", "backup@2027-04-05 02:00 +07",
		} {
			if !slices.Contains(names(gotTimer), must) {
				t.Errorf("no %s", must)
			}
		}
		for _, c := range gotTimer {
			if c.job == flows.JobCampaign && c.slot.Month() > time.March {
				t.Errorf("campaign out of season: %s", c)
			}
		}
		if n := len(want); n != 37+37+37+5+1+1+2 { // backups, daily ladders, daily leaderboards, Mondays, 20th, 25th, last days
			t.Errorf("oracle has %d slots", n)
		}
		nBackup := 0
		for _, c := range calls {
			if c.job == flows.JobBackup {
				nBackup++
			}
		}
		if backups.n != nBackup {
			t.Errorf("%d backups written for %d backup slots", backups.n, nBackup)
		}
	})
}

// TestSchedulerOutageAcrossThe25th stops the bot from the 24th to the 26th:
// after the restart the 25th's reminder runs once, and the 20th's, which
// ran before the outage, is not run again.
func TestSchedulerOutageAcrossThe25th(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		loc := hcmc(t)
		jobs := &fakeJobs{}
		sleepUntil(time.Date(2026, 11, 19, 12, 0, 0, 0, loc))
		s1, _ := newTestScheduler(t, DefaultConfig().Schedule, jobs, nil)
		runFor(t, s1, 5*24*time.Hour) // until the 24th 12:00
		before := len(jobs.callsSince(0))
		sleepUntil(time.Date(2026, 11, 26, 12, 0, 0, 0, loc))
		s2, _ := newTestScheduler(t, DefaultConfig().Schedule, jobs, nil)
		runFor(t, s2, time.Hour)

		the20th := time.Date(2026, 11, 20, 8, 0, 0, 0, loc)
		the25th := time.Date(2026, 11, 25, 8, 0, 0, 0, loc)
		var ran []string
		for _, c := range jobs.callsSince(before) {
			if c.job == flows.JobRemindSecond && !c.slot.Equal(the25th) {
				t.Errorf("after the restart: %s", c)
			}
			if c.job == flows.JobRemindFirst && c.ran {
				t.Errorf("after the restart the first reminder ran again: %s", c)
			}
			if c.ran {
				ran = append(ran, c.String())
			}
		}
		want := []string{"remind_second@2026-11-25 08:00 +07", "meeting_ladder@2026-11-26 08:00 +07", "leaderboard@2026-11-26 08:00 +07", "backup@2026-11-26 02:00 +07"}
		if !slices.Equal(ran, want) {
			t.Errorf("after the restart ran %q, want %q", ran, want)
		}
		runs := map[string]int{}
		for _, c := range jobs.callsSince(0) {
			if c.ran {
				runs[c.String()]++
			}
		}
		for _, slot := range []time.Time{the20th, the25th} {
			for _, job := range []flows.Job{flows.JobRemindFirst, flows.JobRemindSecond} {
				k := jobCall{job: job, slot: slot}.String()
				wantN := 0
				if (job == flows.JobRemindFirst) == slot.Equal(the20th) {
					wantN = 1
				}
				if runs[k] != wantN {
					t.Errorf("%s ran %d times, want %d", k, runs[k], wantN)
				}
			}
		}
	})
}

// TestSchedulerRestartAfterLeaderboard restarts at 08:00:30 on the 1st,
// after the 08:00 leaderboard ran: the catch-up asks for the 08:00 slot,
// which is not run a second time.
func TestSchedulerRestartAfterLeaderboard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		loc := hcmc(t)
		jobs := &fakeJobs{}
		sleepUntil(time.Date(2026, 11, 30, 12, 0, 0, 0, loc))
		s1, _ := newTestScheduler(t, DefaultConfig().Schedule, jobs, nil)
		runFor(t, s1, 20*time.Hour+10*time.Second) // until 08:00:10 on the 1st
		before := len(jobs.callsSince(0))
		sleepUntil(time.Date(2026, 12, 1, 8, 0, 30, 0, loc))
		s2, _ := newTestScheduler(t, DefaultConfig().Schedule, jobs, nil)
		runFor(t, s2, time.Minute)

		slot := time.Date(2026, 12, 1, 8, 0, 0, 0, loc)
		asked := 0
		for _, c := range jobs.callsSince(before) {
			if c.job == flows.JobLeaderboard {
				asked++
				if !c.slot.Equal(slot) || c.ran {
					t.Errorf("after the restart: %s ran=%v", c, c.ran)
				}
			}
		}
		if asked != 1 {
			t.Errorf("catch-up asked for the leaderboard %d times, want 1", asked)
		}
		ran := 0
		for _, c := range jobs.callsSince(0) {
			if c.job == flows.JobLeaderboard && c.slot.Equal(slot) && c.ran {
				ran++
			}
		}
		if ran != 1 {
			t.Errorf("the 08:00 leaderboard ran %d times over two processes, want 1", ran)
		}
	})
}

// TestSchedulerRestartRealEngine is TestSchedulerRestartAfterLeaderboard
// with the real engine and store: over two processes on one data file, the
// admins' leaderboard of 6 December is queued exactly once.
func TestSchedulerRestartRealEngine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		loc := hcmc(t)
		cfg := DemoConfig()
		cfg.Data.Path = filepath.Join(t.TempDir(), "lamtheo.db")
		var logs bottest.Buffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		process := func(d time.Duration, seed bool) (queued []string) {
			a, err := openApp(context.Background(), cfg, testText(), log)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if seed {
				reportedNovember(t, a)
			}
			runFor(t, a.sched, d)
			envs, err := a.db.Outbox(bot.Console).Pending(context.Background(), 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range envs {
				queued = append(queued, e.Reply.Text)
			}
			return queued
		}
		sleepUntil(time.Date(2026, 12, 5, 12, 0, 0, 0, loc))
		first := process(20*time.Hour+10*time.Second, true) // until 08:00:10 on the 6th, the day after the deadline
		sleepUntil(time.Date(2026, 12, 6, 8, 0, 30, 0, loc))
		second := process(time.Minute, false)
		if len(first) != 1 || !strings.Contains(first[0], "11/2026") {
			t.Fatalf("first process queued %q, want the November leaderboard once\nlog:\n%s", first, logs.String())
		}
		if !slices.Equal(second, first) {
			t.Errorf("after the restart the outbox holds %q, want %q", second, first)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(cfg.Data.Path), "backups")); err != nil {
			t.Errorf("no backup next to the data file: %v", err)
		}
	})
}
