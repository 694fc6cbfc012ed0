package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lamtheo/flows"
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
		add(flows.JobMeetingLadder, at(8))
		add(flows.JobLeaderboard, at(8)) // daily: it posts once a month is final

		if day.Weekday() == time.Monday && (day.Month() <= time.March || day.Month() == time.December) {
			add(flows.JobCampaign, at(8))
		}
		if day.Day() == 20 {
			add(flows.JobRemindFirst, at(8))
		}
		if day.Day() == 25 {
			add(flows.JobRemindSecond, at(8))
		}
		if day.Day() == 20 && day.Month() == time.December {
			add(flows.JobDossier, at(9))
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
	want := []flows.Job{flows.JobRemindFirst, flows.JobRemindSecond, flows.JobRemindLast, flows.JobMeetingLadder, flows.JobLeaderboard, flows.JobDossier, flows.JobBackup}
	if !slices.Equal(got, want) {
		t.Errorf("jobs %v, want %v", got, want)
	}
	if m := s.schedules(); len(m) != 7 || m[flows.JobCampaign] != nil {
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
// Vietnam when asked in the organisation's zone, as the engine asks them
// (flows' TestScheduleViewServerZone: whatever the server's zone), and as
// the cron runner runs them.
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
		flows.JobLeaderboard: time.Date(2026, 4, 21, 8, 0, 0, 0, loc),
	} {
		if got := s.schedules()[job].Next(now.In(loc)); !got.Equal(want) {
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
