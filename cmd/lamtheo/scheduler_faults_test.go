package main

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot/bottest"
	"lamtheo/flows"
)

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
