package flows

import (
	"context"
	"time"

	"lamtheo/flows/text"
)

// Job names a periodic job. The scheduler (in cmd) runs them on the
// configured cron schedules; RunJob does the work. A job's name is also its
// key under [schedule] in the configuration and in the job marks of the
// store, so it never changes.
type Job string

// The periodic jobs.
const (
	JobRemindFirst  Job = "remind_first"  // first gentle private prompt to members who have not reported
	JobRemindSecond Job = "remind_second" // second prompt
	JobRemindLast   Job = "remind_last"   // last prompt; secretaries get the list of who is missing
	// JobMeetingLadder runs daily and serves the cells with a meeting
	// day, which the three rungs above skip: each gets its own ladder
	// (rhythm.go).
	JobMeetingLadder Job = "meeting_ladder"
	JobLeaderboard   Job = "leaderboard" // daily; once a month is final for the organisation, each cell's group gets its ranking, admins the whole table (leaderboard_post.go)
	JobCampaign      Job = "campaign"    // members without a pledge for the year are invited; secretaries get the rate
	JobDossier       Job = "dossier"     // year end: each connected member gets their dossier of the year privately (dossierjob.go)
	JobBackup        Job = "backup"      // a copy of the data file (done by cmd; the engine only records it)

	// JobNudge is no periodic job: it names /nhacnho in budget notes.
	JobNudge Job = "nudge"
)

// JobSpec is one periodic job of the registry (see Jobs). Adding a job is
// adding one entry to jobSpecs, its texts and its tests: the runner's
// dispatch, /lichnhac's list, the [schedule] configuration keys and their
// defaults, and the scheduler's job list all follow the registry.
type JobSpec struct {
	Job     Job      // the job; its key under [schedule] too
	Default string   // the default cron expression (5 fields in org.zone; "L" = last day of the month)
	Name    text.Key // the job's name, as /lichnhac and the admins' notes show it
	// Backup marks the job whose work is a copy of the data file: cmd
	// writes it before RunJob records the slot, and the terminal mode
	// never runs it. The engine does no work for it.
	Backup bool

	// run does the job's work inside the run's transaction and reports
	// whether the slot was still meaningful; nil when the engine only
	// records the slot (Backup).
	run func(*jobRun) (bool, error)
}

// jobSpecs is the registry of periodic jobs, in the order the
// configuration, /lichnhac and the scheduler list them.
var jobSpecs = []JobSpec{
	{Job: JobRemindFirst, Default: "0 8 20 * *", Name: text.JobRemindFirst, run: (*jobRun).remind},
	{Job: JobRemindSecond, Default: "0 8 25 * *", Name: text.JobRemindSecond, run: (*jobRun).remind},
	{Job: JobRemindLast, Default: "0 8 L * *", Name: text.JobRemindLast, run: (*jobRun).remind},
	{Job: JobMeetingLadder, Default: "0 8 * * *", Name: text.JobMeetingLadder, run: (*jobRun).meetingLadder},
	{Job: JobLeaderboard, Default: "0 8 * * *", Name: text.JobLeaderboard, run: (*jobRun).leaderboard},
	{Job: JobCampaign, Default: "0 8 * 12,1-3 1", Name: text.JobCampaign, run: (*jobRun).campaign},
	{Job: JobDossier, Default: "0 9 20 12 *", Name: text.JobDossier, run: (*jobRun).dossiers},
	{Job: JobBackup, Default: "0 2 * * *", Name: text.JobBackup, Backup: true},
}

// Jobs returns the registry of periodic jobs, in order. The slice is a
// copy: callers may keep or change it.
func Jobs() []JobSpec {
	return append([]JobSpec(nil), jobSpecs...)
}

// jobSpec returns the registry entry of job.
func jobSpec(job Job) (JobSpec, bool) {
	for _, s := range jobSpecs {
		if s.Job == job {
			return s, true
		}
	}
	return JobSpec{}, false
}

// jobName returns the Vietnamese name of job, as /lichnhac shows it; a job
// outside the registry is /nhacnho's (JobNudge).
func (e *Engine) jobName(job Job) string {
	if s, ok := jobSpec(job); ok {
		return e.t(s.Name, nil)
	}
	return e.t(text.JobNudgeName, nil)
}

// Schedule is a job's duty cycle; robfig/cron's parsed schedules satisfy it.
type Schedule interface {
	// Next returns the next activation time, later than the given time.
	// The engine asks with times in the organisation's zone (see nextRun),
	// the zone the cron runner reads the expressions in.
	Next(time.Time) time.Time
}

// nextRun returns job's next run after t, asked in the organisation's zone
// (robfig's schedules compute in the zone of the time they are given, and
// the clock may run in the server's, UTC on most hosts), or false when the
// job has no schedule.
func (e *Engine) nextRun(job Job, t time.Time) (time.Time, bool) {
	s := e.Schedules[job]
	if s == nil {
		return time.Time{}, false
	}
	next := s.Next(t.In(e.loc()))
	return next, !next.IsZero()
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
