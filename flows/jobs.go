package flows

import (
	"context"
	"time"
)

// Job names a periodic job. The scheduler (in cmd) runs them on the
// configured cron schedules; RunJob does the work.
type Job string

// The periodic jobs.
const (
	JobRemindFirst  Job = "remind_first"  // first gentle private prompt to members who have not reported
	JobRemindSecond Job = "remind_second" // second prompt
	JobRemindLast   Job = "remind_last"   // last prompt; secretaries get the list of who is missing
	JobLeaderboard  Job = "leaderboard"   // each cell's group gets last month's ranking; admins the whole table
	JobCampaign     Job = "campaign"      // members without a pledge for the year are invited; secretaries get the rate
	JobBackup       Job = "backup"        // a copy of the data file (done by cmd; the engine only records it)

	// JobNudge is no periodic job: it names /nhacnho in budget notes.
	JobNudge Job = "nudge"
)

// Schedule is a job's duty cycle; robfig/cron's parsed schedules satisfy it.
type Schedule interface {
	// Next returns the next activation time, later than the given time.
	Next(time.Time) time.Time
}

// RunJob runs job for its scheduled slot, in one write transaction that
// records the run (key: job and slot) together with every message it
// queues, so a slot is never run twice. When cell is not "", only that cell
// is served and the run is a manual one (keyed by slot and cell too). It
// reports whether the job did run: false when the slot had run before or is
// no longer meaningful at now (e.g. a reminder for a month already closed).
func (e *Engine) RunJob(ctx context.Context, job Job, slot time.Time, cell string) (ran bool, err error) {
	return e.runJob(ctx, job, slot, cell)
}
