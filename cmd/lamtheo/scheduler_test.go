package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/flows"
	"lamtheo/store"
)

// jobCall is one RunJob call seen by fakeJobs.
type jobCall struct {
	job  flows.Job
	slot time.Time
	at   time.Time // when RunJob was called
	ran  bool
}

func (c jobCall) String() string {
	return fmt.Sprintf("%s@%s", c.job, c.slot.Format("2006-01-02 15:04 MST"))
}

// fakeJobs is a jobRunner that records its calls and, like the store, runs
// a slot once: a second call for the same job and slot reports false. One
// fakeJobs can serve two scheduler "processes" in turn.
type fakeJobs struct {
	// enter, if set, is called at the start of every call (it may panic or
	// sleep).
	enter func(job flows.Job, slot time.Time)

	mu       sync.Mutex
	attempts []jobCall // every call, at entry
	calls    []jobCall // calls that returned
	marks    map[string]bool
}

func (f *fakeJobs) RunJob(ctx context.Context, job flows.Job, slot time.Time, cell string) (bool, error) {
	f.mu.Lock()
	f.attempts = append(f.attempts, jobCall{job: job, slot: slot, at: time.Now()})
	f.mu.Unlock()
	if f.enter != nil {
		f.enter(job, slot)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.marks == nil {
		f.marks = make(map[string]bool)
	}
	key := string(job) + "@" + slot.UTC().Format(time.RFC3339) + "#" + cell
	ran := !f.marks[key]
	f.marks[key] = true
	f.calls = append(f.calls, jobCall{job: job, slot: slot, at: time.Now(), ran: ran})
	return ran, nil
}

// callsSince returns a copy of the calls from index i on.
func (f *fakeJobs) callsSince(i int) []jobCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls[i:])
}

// fakeBackup is a backupMaker that only counts.
type fakeBackup struct {
	mu sync.Mutex
	n  int
}

func (b *fakeBackup) Backup(dir string, keep int) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	return filepath.Join(dir, "fake"), nil
}

func hcmc(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// runFor runs s for d of (virtual) time from now, then stops it and waits.
func runFor(t *testing.T, s *scheduler, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	time.Sleep(d)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// sleepUntil advances the bubble's clock to t.
func sleepUntil(t time.Time) { time.Sleep(time.Until(t)) }

// defaultSlots lists every slot of the default schedules in (from, to],
// computed from the rules as a person reads them, not from cron.
func defaultSlots(loc *time.Location, from, to time.Time) []jobCall {
	var out []jobCall
	add := func(job flows.Job, at time.Time) {
		if at.After(from) && !at.After(to) {
			out = append(out, jobCall{job: job, slot: at})
		}
	}
	y, m, d := from.In(loc).Date()
	for day := time.Date(y, m, d, 0, 0, 0, 0, loc); !day.After(to); day = day.AddDate(0, 0, 1) {
		at := func(h int) time.Time { return time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, loc) }
		add(flows.JobBackup, at(2))
		if day.Day() == 1 {
			add(flows.JobLeaderboard, at(8))
		}
		if day.Weekday() == time.Monday && day.Month() <= time.March {
			add(flows.JobCampaign, at(8))
		}
		if day.Day() == 20 {
			add(flows.JobRemindFirst, at(8))
		}
		if day.Day() == 25 {
			add(flows.JobRemindSecond, at(8))
		}
		if day.AddDate(0, 0, 1).Day() == 1 {
			add(flows.JobRemindLast, at(8))
		}
	}
	return out
}

// sortCalls orders calls by slot, then job.
func sortCalls(cs []jobCall) {
	slices.SortFunc(cs, func(a, b jobCall) int {
		if c := a.slot.Compare(b.slot); c != 0 {
			return c
		}
		return strings.Compare(string(a.job), string(b.job))
	})
}

func names(cs []jobCall) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
}

func newTestScheduler(t *testing.T, sc ScheduleConfig, jobs *fakeJobs, log *slog.Logger) (*scheduler, *fakeBackup) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Schedule = sc
	cfg.Data.Path = filepath.Join(t.TempDir(), "lamtheo.db")
	b := &fakeBackup{}
	s, err := newScheduler(cfg, hcmc(t), jobs, b, log)
	if err != nil {
		t.Fatal(err)
	}
	return s, b
}

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
			"remind_last@2027-02-28 08:00 +07", "leaderboard@2027-03-01 08:00 +07", "campaign@2027-03-01 08:00 +07",
			"remind_first@2027-03-20 08:00 +07", "remind_second@2027-03-25 08:00 +07", "campaign@2027-03-29 08:00 +07",
			"remind_last@2027-03-31 08:00 +07", "leaderboard@2027-04-01 08:00 +07", "backup@2027-04-05 02:00 +07",
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
		if n := len(want); n != 37+2+5+1+1+2 { // backups, leaderboards, Mondays, 20th, 25th, last days
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
		want := []string{"remind_second@2026-11-25 08:00 +07", "backup@2026-11-26 02:00 +07"}
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
// admins' leaderboard of 1 December is queued exactly once.
func TestSchedulerRestartRealEngine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		loc := hcmc(t)
		cfg := DemoConfig()
		cfg.Data.Path = filepath.Join(t.TempDir(), "lamtheo.db")
		var logs bottest.Buffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		process := func(d time.Duration) (queued []string) {
			a, err := openApp(context.Background(), cfg, log)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
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
		sleepUntil(time.Date(2026, 11, 30, 12, 0, 0, 0, loc))
		first := process(20*time.Hour + 10*time.Second) // until 08:00:10 on the 1st
		sleepUntil(time.Date(2026, 12, 1, 8, 0, 30, 0, loc))
		second := process(time.Minute)
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

// TestSchedulerPanicRecovered makes the job panic at one slot: the panic is
// logged, and the job runs again at the next slots (with the wrappers in
// the wrong order it would be skipped forever).
func TestSchedulerPanicRecovered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var logs bottest.Buffer
		jobs := &fakeJobs{enter: func(job flows.Job, slot time.Time) {
			if slot.Equal(start.Add(time.Minute)) {
				panic("boom")
			}
		}}
		s, _ := newTestScheduler(t, ScheduleConfig{flows.JobLeaderboard: "* * * * *"}, jobs, slog.New(slog.NewTextHandler(&logs, nil)))
		runFor(t, s, 5*time.Minute+30*time.Second)
		var got []time.Duration
		for _, c := range jobs.callsSince(0) {
			got = append(got, c.slot.Sub(start))
		}
		want := []time.Duration{0, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute, 5 * time.Minute}
		if !slices.Equal(got, want) {
			t.Errorf("runs at %v after start, want %v", got, want)
		}
		if !strings.Contains(logs.String(), "cron panic") || !strings.Contains(logs.String(), "boom") {
			t.Errorf("panic not logged:\n%s", logs.String())
		}
	})
}

// TestSchedulerCatchUpPanicRecovered: a job panicking in the catch-up is
// logged and the other jobs still catch up.
func TestSchedulerCatchUpPanicRecovered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bottest.Buffer
		jobs := &fakeJobs{enter: func(job flows.Job, slot time.Time) {
			if job == flows.JobRemindFirst {
				panic("boom")
			}
		}}
		s, _ := newTestScheduler(t, ScheduleConfig{flows.JobRemindFirst: "* * * * *", flows.JobLeaderboard: "* * * * *"}, jobs, slog.New(slog.NewTextHandler(&logs, nil)))
		s.catchUp(context.Background(), time.Now())
		s.catchUp(context.Background(), time.Now().Add(time.Minute))
		calls := jobs.callsSince(0)
		if len(calls) != 2 || calls[0].job != flows.JobLeaderboard || calls[1].job != flows.JobLeaderboard {
			t.Errorf("calls %v, want the leaderboard twice", calls)
		}
		if strings.Count(logs.String(), "job panicked") != 2 {
			t.Errorf("panics not logged:\n%s", logs.String())
		}
	})
}

// TestSchedulerSkipIfStillRunning: a run lasting 2.5 minutes of an
// every-minute job is not started again while it runs; the two fires it
// spans are skipped, and the job runs on time afterwards.
func TestSchedulerSkipIfStillRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var logs bottest.Buffer
		var mu sync.Mutex
		running, most := 0, 0
		jobs := &fakeJobs{enter: func(job flows.Job, slot time.Time) {
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			if slot.Equal(start.Add(time.Minute)) {
				time.Sleep(150 * time.Second)
			}
			mu.Lock()
			running--
			mu.Unlock()
		}}
		s, _ := newTestScheduler(t, ScheduleConfig{flows.JobLeaderboard: "* * * * *"}, jobs, slog.New(slog.NewTextHandler(&logs, nil)))
		runFor(t, s, 5*time.Minute+30*time.Second)
		var got []time.Duration
		for _, c := range jobs.attempts {
			if !c.at.Equal(c.slot) {
				t.Errorf("%s started at %s", c, c.at.Sub(start))
			}
			got = append(got, c.slot.Sub(start))
		}
		want := []time.Duration{0, time.Minute, 4 * time.Minute, 5 * time.Minute}
		if !slices.Equal(got, want) {
			t.Errorf("runs started at %v after start, want %v", got, want)
		}
		if most != 1 {
			t.Errorf("%d runs at once", most)
		}
		if strings.Count(logs.String(), "fire skipped") != 2 {
			t.Errorf("skips not logged twice:\n%s", logs.String())
		}
	})
}

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

// TestNewScheduler checks which jobs are enabled, that their names are the
// engine's, and where backups go.
func TestNewScheduler(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Data.Path = "/var/lib/lamtheo/lamtheo.db"
	cfg.Schedule[flows.JobCampaign] = ""
	s, err := newScheduler(cfg, time.UTC, &fakeJobs{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []flows.Job
	for _, j := range s.jobs {
		got = append(got, j.job)
	}
	want := []flows.Job{flows.JobRemindFirst, flows.JobRemindSecond, flows.JobRemindLast, flows.JobLeaderboard, flows.JobBackup}
	if !slices.Equal(got, want) {
		t.Errorf("jobs %v, want %v", got, want)
	}
	if m := s.schedules(); len(m) != 5 || m[flows.JobCampaign] != nil {
		t.Errorf("schedules %v", m)
	}
	if s.backupDir != "/var/lib/lamtheo/backups" {
		t.Errorf("backup dir %q", s.backupDir)
	}
	cfg.Data.BackupDir = "/srv/backups"
	if d := backupDir(cfg.Data); d != "/srv/backups" {
		t.Errorf("absolute backup dir became %q", d)
	}
	cfg.Schedule[flows.JobLeaderboard] = "0 8 32 * *"
	if _, err := newScheduler(cfg, time.UTC, &fakeJobs{}, nil, nil); err == nil || !strings.Contains(err.Error(), "leaderboard") {
		t.Errorf("bad schedule: err %v", err)
	}
}

// TestSchedulesInZone: the schedules the engine gets fall at 08:00 in
// Vietnam whatever the zone of the time they are asked about (a server's
// clock in UTC), as the cron runner's do.
func TestSchedulesInZone(t *testing.T) {
	loc := hcmc(t)
	s, err := newScheduler(DefaultConfig(), loc, &fakeJobs{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 4, 20, 2, 0, 0, 0, time.UTC) // 09:00 in Vietnam
	for job, want := range map[flows.Job]time.Time{
		flows.JobRemindFirst: time.Date(2026, 5, 20, 8, 0, 0, 0, loc),
		flows.JobRemindLast:  time.Date(2026, 4, 30, 8, 0, 0, 0, loc),
		flows.JobLeaderboard: time.Date(2026, 5, 1, 8, 0, 0, 0, loc),
	} {
		if got := s.schedules()[job].Next(now); !got.Equal(want) {
			t.Errorf("%s: next after %v is %v, want %v", job, now, got.In(loc), want)
		}
	}
}

// TestLatestSlot checks the search for a job's latest slot.
func TestLatestSlot(t *testing.T) {
	loc := hcmc(t)
	at := func(mo time.Month, d, h, mi, s int) time.Time { return time.Date(2026, mo, d, h, mi, s, 0, loc) }
	tests := []struct {
		spec string
		now  time.Time
		want time.Time // zero: none
	}{
		{"0 8 1 * *", at(12, 1, 8, 0, 30), at(12, 1, 8, 0, 0)},
		{"0 8 1 * *", at(12, 1, 8, 0, 0), at(12, 1, 8, 0, 0)},
		{"0 8 1 * *", at(12, 1, 7, 59, 59), at(11, 1, 8, 0, 0)},
		{"0 8 25 * *", at(11, 26, 12, 0, 0), at(11, 25, 8, 0, 0)},
		{"0 8 L * *", at(3, 1, 0, 0, 0), at(2, 28, 8, 0, 0)},
		{"* * * * *", at(5, 5, 5, 5, 59), at(5, 5, 5, 5, 0)},
		{"0 8 * 1-3 1", at(4, 20, 0, 0, 0), at(3, 30, 8, 0, 0)},
		{"0 8 * 1-3 1", at(6, 1, 0, 0, 0), time.Time{}}, // beyond the lookback
		{"0 0 1 1 *", at(11, 1, 0, 0, 0), time.Time{}},
	}
	for _, tt := range tests {
		sched, err := parseSchedule(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := latestSlot(sched, tt.now, lookback)
		if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
			t.Errorf("latestSlot(%q, %s) = %s, %v; want %s", tt.spec, tt.now, got, ok, tt.want)
		}
	}
}

// TestTerminalCatchUp drives the terminal mode with the real engine and
// store: moving the clock to 08:00 on 1 December prints the admins'
// leaderboard right after the clock's confirmation, once; moving it within
// the day, back, and to the same time again prints nothing more. A piped
// script gets no catch-up at start, and the terminal writes no backups.
func TestTerminalCatchUp(t *testing.T) {
	dir := t.TempDir()
	cfg := DemoConfig()
	cfg.Data.Path = filepath.Join(dir, "lamtheo.db")
	ctx := context.Background()
	a, err := openApp(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	input := ":time 2026-12-01 08:00\n:time 2026-12-01 09:00\n:time 2026-11-30 07:00\n:time 2026-12-01 08:00\n"
	var out strings.Builder
	if err := a.serveConsole(ctx, strings.NewReader(input), &out, consoleOptions{}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	first := strings.Index(got, "> :time 2026-12-01 08:00\n* Đồng hồ của bot: 01/12/2026 08:00\n[riêng → admin]\n")
	if first != 0 {
		t.Errorf("the leaderboard does not follow the first move of the clock:\n%s", got)
	}
	if n := strings.Count(got, "[riêng → admin]"); n != 1 {
		t.Errorf("the November leaderboard printed %d times:\n%s", n, got)
	}
	if i := strings.Index(got, "> :time 2026-12-01 09:00"); i < strings.Index(got, "[riêng → admin]") {
		t.Errorf("the leaderboard printed after the next line:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "backups")); err == nil {
		t.Error("the terminal mode wrote a backup")
	}
}

// TestTerminalScheduler checks when the terminal mode catches up: at start
// only for a person at a terminal, after each successful ":time", never
// twice for one move, never for a failed one, and never the backup.
func TestTerminalScheduler(t *testing.T) {
	for _, atStart := range []bool{false, true} {
		jobs := &fakeJobs{}
		s, backups := newTestScheduler(t, DefaultConfig().Schedule, jobs, nil)
		now := time.Date(2026, 11, 25, 8, 0, 0, 0, hcmc(t))
		term := s.terminal(func() time.Time { return now }, atStart)
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
		perCatchUp := 4 // the reminders and the leaderboard; no campaign slot in 35 days; never the backup
		if want := map[bool]int{false: 0, true: perCatchUp}[atStart]; count() != want {
			t.Errorf("atStart=%v: %d calls at start, want %d", atStart, count(), want)
		}
		before := count()
		if _, err := set("bad"); err == nil {
			t.Fatal("bad time accepted")
		}
		_ = idle(ctx)
		if count() != before {
			t.Errorf("a failed :time caught up")
		}
		if _, err := set("2026-11-25 08:00"); err != nil {
			t.Fatal(err)
		}
		_ = idle(ctx)
		_ = idle(ctx)
		calls := jobs.callsSince(before)
		if len(calls) != perCatchUp {
			t.Errorf("atStart=%v: %d calls after :time, want %d", atStart, len(calls), perCatchUp)
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
