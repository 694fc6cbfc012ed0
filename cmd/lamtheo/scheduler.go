package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

// lookback is how far back the catch-up looks for a job's latest slot: a
// little more than the longest month, so a monthly job missed during an
// outage of up to five weeks still runs once.
const lookback = 35 * 24 * time.Hour

// jobRunner runs one slot of a periodic job exactly once and reports whether
// it ran (false: the slot had run before or is no longer meaningful).
// *flows.Engine implements it; see flows.Engine.RunJob.
type jobRunner interface {
	RunJob(ctx context.Context, job flows.Job, slot time.Time, cell string) (ran bool, err error)
}

// backupMaker writes a consistent copy of the data file into dir, keeping
// the newest keep copies, and returns the new copy's path. *store.DB
// implements it.
type backupMaker interface {
	Backup(dir string, keep int) (string, error)
}

// scheduledJob is one enabled job and its schedule.
type scheduledJob struct {
	job   flows.Job
	sched cron.Schedule
}

// isBackup reports whether job is the registry's backup job, whose work
// (a copy of the data file) the scheduler does before RunJob records it.
func isBackup(job flows.Job) bool {
	for _, j := range flows.Jobs() {
		if j.Job == job {
			return j.Backup
		}
	}
	return false
}

// scheduler runs the periodic jobs on their cron schedules in the
// organisation's zone. Each activation time is a slot; the engine's RunJob
// runs a slot at most once, so the scheduler may ask for a slot more than
// once (catch-up and timer, or two processes) without harm.
//
// Run (the server mode) first starts robfig/cron, one entry per job, and
// then catches up: for each job, the latest slot at or before now within
// lookback is asked for once, because cron itself never runs what was due
// while the process was down. The terminal mode runs no cron loop (see
// terminal). Runs of one job never overlap: cron skips a fire while the
// previous one still runs, and a catch-up waits for a running fire.
//
// The backup job first writes a backup into backupDir (keeping backupKeep)
// and then records the slot with RunJob; a failed backup is logged and not
// recorded, so the next start's catch-up (or the next slot) tries again.
type scheduler struct {
	jobs       []scheduledJob // enabled jobs, in configuration order
	loc        *time.Location
	runner     jobRunner
	backup     backupMaker
	backupDir  string
	backupKeep int
	log        *slog.Logger
	lock       map[flows.Job]chan struct{} // one per job, holding one token: its runs never overlap
	now        func() time.Time            // the clock backups are dated by; time.Now
	// cleanFiles, when set, removes the generated files older than their
	// retention and the expired links; the backup job runs it after the
	// backup, so it too runs daily.
	cleanFiles func(ctx context.Context, now time.Time) (int, error)
}

// newScheduler returns a scheduler for the enabled jobs of cfg.Schedule (an
// empty expression disables a job) in loc, running them with runner and
// writing backups with backup into cfg.Data.BackupDir (see backupDir).
func newScheduler(cfg Config, loc *time.Location, runner jobRunner, backup backupMaker, log *slog.Logger) (*scheduler, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &scheduler{
		loc:        loc,
		runner:     runner,
		backup:     backup,
		backupDir:  backupDir(cfg.Data),
		backupKeep: cfg.Data.BackupKeep,
		log:        log,
		lock:       make(map[flows.Job]chan struct{}),
		now:        time.Now,
	}
	for _, j := range cfg.Schedule.jobs() {
		if strings.TrimSpace(j.spec) == "" {
			continue
		}
		sched, err := parseSchedule(j.spec)
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", j.key, err)
		}
		s.jobs = append(s.jobs, scheduledJob{job: j.Job, sched: sched})
		s.lock[j.Job] = make(chan struct{}, 1)
	}
	return s, nil
}

// backupDir returns the backup directory of d: a relative BackupDir is
// taken relative to the data file's directory, so the backups sit next to
// the data whatever the working directory.
func backupDir(d DataConfig) string {
	if d.BackupDir == "" || filepath.IsAbs(d.BackupDir) {
		return d.BackupDir
	}
	return filepath.Join(filepath.Dir(d.Path), d.BackupDir)
}

// schedules returns the enabled jobs' schedules, for the engine (/lichnhac
// shows their next runs; the engine asks them in the organisation's zone,
// as the cron runner reads them).
func (s *scheduler) schedules() map[flows.Job]flows.Schedule {
	m := make(map[flows.Job]flows.Schedule, len(s.jobs))
	for _, j := range s.jobs {
		m[j.job] = j.sched
	}
	return m
}

// Run runs the jobs on their schedules until ctx is done: it starts the
// timers, then catches up on the latest slot of each job. It returns nil
// once ctx is done and every running job has returned.
func (s *scheduler) Run(ctx context.Context) error {
	cl := cronLogger{s.log}
	c := cron.New(
		cron.WithLocation(s.loc),
		cron.WithLogger(cl),
		// Skip outermost: with Recover outside it, a panic would keep
		// Skip's token and the job would be skipped forever (cron #366).
		cron.WithChain(cron.SkipIfStillRunning(cl), cron.Recover(cl)),
	)
	for _, j := range s.jobs {
		c.Schedule(j.sched, cron.FuncJob(func() { s.fire(ctx, j) }))
	}
	// Start first, so that a slot falling due during the catch-up is the
	// timer's; a slot both see is run once (RunJob, and the job's lock).
	c.Start()
	s.log.Info("scheduler started", "jobs", len(s.jobs))
	s.catchUp(ctx, time.Now())
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// fire is one timer activation of j: it runs the slot that fell due.
func (s *scheduler) fire(ctx context.Context, j scheduledJob) {
	now := time.Now().In(s.loc)
	// The slot is the activation at or before now: normally now truncated
	// to the minute, but also right when the timer fires late (a suspended
	// machine), so that the catch-up later sees the same slot as done.
	slot, ok := latestSlot(j.sched, now, lookback)
	if !ok {
		slot = now.Truncate(time.Minute)
	}
	s.runSlot(ctx, j.job, slot)
}

// catchUp asks, for each job, for its latest slot at or before now (within
// lookback) once. RunJob skips the slot when it already ran or is no longer
// meaningful, so after an outage each job runs at most once, for its
// latest slot. A panicking job is recovered and logged.
func (s *scheduler) catchUp(ctx context.Context, now time.Time) {
	for _, j := range s.jobs {
		s.catchUpJob(ctx, j, now)
	}
}

// catchUpJob asks for the latest slot of j at or before now.
func (s *scheduler) catchUpJob(ctx context.Context, j scheduledJob, now time.Time) {
	slot, ok := latestSlot(j.sched, now.In(s.loc), lookback)
	if !ok {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("job panicked", bot.LogKeyJob, string(j.job), bot.LogKeySlot, slot, bot.LogKeyPanic, fmt.Sprint(r))
		}
	}()
	s.runSlot(ctx, j.job, slot)
}

// runSlot runs job for slot, and logs the outcome.
func (s *scheduler) runSlot(ctx context.Context, job flows.Job, slot time.Time) {
	// A channel, not a sync.Mutex: testing/synctest sees a goroutine
	// waiting on it as durably blocked, so virtual time moves on.
	if lock := s.lock[job]; lock != nil {
		lock <- struct{}{}
		defer func() { <-lock }()
	}
	if isBackup(job) {
		if s.backup == nil {
			return
		}
		if err := s.writeBackup(slot); err != nil {
			s.log.Error("backup failed", bot.LogKeySlot, slot, bot.LogKeyErr, err)
			return
		}
		if s.cleanFiles != nil {
			if n, err := s.cleanFiles(ctx, s.now()); err != nil {
				s.log.Warn("clean generated files failed", bot.LogKeyErr, err)
			} else if n > 0 {
				s.log.Info("generated files removed", "files", n)
			}
		}
	}
	ran, err := s.runner.RunJob(ctx, job, slot, "")
	switch {
	case err != nil:
		s.log.Error("job failed", bot.LogKeyJob, string(job), bot.LogKeySlot, slot, bot.LogKeyErr, err)
	case ran:
		s.log.Info("job ran", bot.LogKeyJob, string(job), bot.LogKeySlot, slot)
	default:
		s.log.Debug("job slot skipped", bot.LogKeyJob, string(job), bot.LogKeySlot, slot)
	}
}

// writeBackup writes the backup of slot, unless backupDir already holds one
// written at or after slot and not after now (a restart after the slot's
// backup: restarts must not rotate the daily backups out). A backup dated
// after now was written before the clock stepped back; it does not count.
func (s *scheduler) writeBackup(slot time.Time) error {
	bs, err := store.Backups(s.backupDir)
	if err != nil {
		return err
	}
	now := s.now()
	for _, b := range bs {
		if !b.Modified.Before(slot.Truncate(time.Second)) && !b.Modified.After(now) {
			return nil
		}
	}
	path, err := s.backup.Backup(s.backupDir, s.backupKeep)
	if err != nil && path == "" {
		return err
	}
	if err != nil { // written, but old ones could not all be removed
		s.log.Warn("backup retention failed", bot.LogKeyErr, err)
	}
	return nil
}

// latestSlot returns the latest activation of sched at or before now and
// after now-max, or false when there is none. The schedule runs in now's
// zone. It searches windows doubling from an hour, so a frequent schedule
// costs few steps and a monthly one a dozen windows.
func latestSlot(sched flows.Schedule, now time.Time, max time.Duration) (time.Time, bool) {
	for w := time.Hour; ; w *= 2 {
		w = min(w, max)
		var last time.Time
		for t := sched.Next(now.Add(-w)); !t.IsZero() && !t.After(now); t = sched.Next(t) {
			if !t.After(last) && !last.IsZero() {
				break // a schedule that does not advance
			}
			last = t
		}
		if !last.IsZero() {
			return last, true
		}
		if w >= max {
			return time.Time{}, false
		}
	}
}

// terminal returns the scheduler of the terminal mode, whose clock now is
// moved by hand (":time"). No cron loop runs there: its timers follow the
// real clock, not the moved one. Instead the latest slot of each job is
// caught up after every move of the clock, before the next input line is
// read, so what the jobs queue prints before the next prompt. There is no
// catch-up at start: the clock starts at the demo's fixed day, so that a
// person typing and a piped script see the same. The backup job does not
// run in the terminal mode: its clock jumps, and the terminal is for
// trying the bot, not for keeping data.
func (s *scheduler) terminal(now func() time.Time) *terminalScheduler {
	return &terminalScheduler{s: s, now: now}
}

// terminalScheduler catches up on the jobs in the terminal mode; see
// scheduler.terminal. Its methods are safe for concurrent use.
type terminalScheduler struct {
	s   *scheduler
	now func() time.Time

	mu  sync.Mutex
	due bool // a catch-up is due at the next idle moment
}

// setClock wraps the ":time" command set: after the clock moved, a
// catch-up is due.
func (t *terminalScheduler) setClock(set func(string) (string, error)) func(string) (string, error) {
	return func(args string) (string, error) {
		out, err := set(args)
		if err == nil {
			t.mu.Lock()
			t.due = true
			t.mu.Unlock()
		}
		return out, err
	}
}

// idle wraps the console's Idle hook wait (the sender's WaitIdle): it runs
// a due catch-up at the moved time, then waits for the replies to be sent.
func (t *terminalScheduler) idle(wait func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		t.mu.Lock()
		due := t.due
		t.due = false
		t.mu.Unlock()
		if due {
			now := t.now()
			for _, j := range t.s.jobs {
				if !isBackup(j.job) {
					t.s.catchUpJob(ctx, j, now)
				}
			}
		}
		return wait(ctx)
	}
}

// cronLogger passes robfig/cron's log lines to slog: routine ones at
// debug level, skipped runs as warnings, errors (panics) as errors.
type cronLogger struct{ log *slog.Logger }

// Info implements cron.Logger.
func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		l.log.Warn("job still running: fire skipped")
		return
	}
	l.log.Debug("cron "+msg, kv...)
}

// Error implements cron.Logger.
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron "+msg, append(kv, bot.LogKeyErr, err)...)
}
