package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"lamtheo/flows"
)

// ScheduleConfig is the [schedule] table: when each periodic job of the
// registry (flows.Jobs) runs, as a standard 5-field cron expression in the
// organisation's zone (see parseSchedule), keyed by the job, whose name is
// its key in the file. The day-of-month field may be "L" (the month's last
// day). An empty or absent expression disables the job. It is a map:
// DefaultConfig makes a new one each time, and a copy of a Config shares
// it, so clone it (maps.Clone) before changing one copy's schedule.
type ScheduleConfig map[flows.Job]string

// defaultSchedule returns every registered job on its default schedule.
func defaultSchedule() ScheduleConfig {
	s := make(ScheduleConfig)
	for _, j := range flows.Jobs() {
		s[j.Job] = j.Default
	}
	return s
}

// scheduleJob is one registered job with its configured expression.
type scheduleJob struct {
	flows.JobSpec
	key  string // the key under [schedule]
	spec string // the cron expression; "" when disabled
}

// jobs returns the registered jobs, in the registry's order, with their
// expressions in s.
func (s ScheduleConfig) jobs() []scheduleJob {
	var out []scheduleJob
	for _, j := range flows.Jobs() {
		out = append(out, scheduleJob{JobSpec: j, key: string(j.Job), spec: s[j.Job]})
	}
	return out
}

// decodeTOML reads the [schedule] table t into s: one string per
// registered job; any other key is unknown.
func (s ScheduleConfig) decodeTOML(d *decoder, t map[string]any, path string) {
	jobs := flows.Jobs()
	keys := make([]string, len(jobs))
	for i, j := range jobs {
		keys[i] = string(j.Job)
	}
	d.known(path, t, keys...)
	for _, j := range jobs {
		if _, ok := t[string(j.Job)]; !ok {
			continue
		}
		v := s[j.Job]
		d.str(t, path, string(j.Job), &v)
		s[j.Job] = v
	}
}

// validate returns a problem for each enabled job whose expression does not
// parse, naming the key as src read it.
func (s ScheduleConfig) validate(src *source) []*ConfigError {
	var errs []*ConfigError
	for _, j := range s.jobs() {
		if j.spec == "" {
			continue
		}
		if _, err := parseSchedule(j.spec); err != nil {
			errs = append(errs, src.errf("schedule."+j.key, "schedule.%s %q: %v", j.key, j.spec, err))
		}
	}
	return errs
}

// leaderboardMiss returns a month of 2027 whose leaderboard sched would
// never post for an organisation with grace days grace in loc: none of its
// runs falls in the week after the month's report deadline, when the
// month is due (flows.LeaderboardDue). A schedule that runs only before
// the deadline (the old "0 8 1 * *" with grace_days = 5) would rank
// cells while their members may still report, so the board never goes.
func leaderboardMiss(sched flows.Schedule, loc *time.Location, grace int) (flows.Month, bool) {
	for mo := time.January; mo <= time.December; mo++ {
		m := flows.MonthOf(time.Date(2027, mo, 1, 12, 0, 0, 0, loc), loc)
		start := m.Next().Start(loc)
		end := start.AddDate(0, 1, 0)
		posted := false
		for t := sched.Next(start.Add(-time.Second)); !t.IsZero() && t.Before(end) && !posted; t = sched.Next(t) {
			due, ok := flows.LeaderboardDue(t, loc, grace)
			posted = ok && due == m
		}
		if !posted {
			return m, true
		}
	}
	return 0, false
}

// parseSchedule parses a standard 5-field cron expression (minute, hour,
// day of month, month, day of week; descriptors such as "@daily" too), as
// robfig/cron's ParseStandard does, and also accepts "L" as the day of
// month: the month's last day, e.g. "0 8 L * *". The schedule fires in the
// zone of the time given to Next, which is the organisation's (org.zone):
// a zone prefix (TZ=... or CRON_TZ=...) is refused, and robfig/cron's
// parser is never given one (it panics on "TZ=Asia/Ho_Chi_Minh" without a
// space). A panic of the parser is returned as an error all the same.
func parseSchedule(spec string) (sched cron.Schedule, err error) {
	fields := strings.Fields(spec)
	if len(fields) > 0 && (strings.HasPrefix(fields[0], "CRON_TZ=") || strings.HasPrefix(fields[0], "TZ=")) {
		return nil, errors.New("a time zone prefix (TZ= or CRON_TZ=) is not allowed: every job runs in the zone of org.zone")
	}
	const dom = 2
	last := len(fields) == dom+3 && fields[dom] == "L"
	if last {
		fields[dom] = "28-31"
		spec = strings.Join(fields, " ")
	}
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("not a cron expression (%v)", r)
		}
	}()
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, err
	}
	if last {
		return lastDay{s}, nil
	}
	return s, nil
}

// lastDay fires at the times of its inner schedule (days 28-31) that fall
// on the last day of their month.
type lastDay struct{ inner cron.Schedule }

// Next returns the next activation time after t.
func (l lastDay) Next(t time.Time) time.Time {
	for range 100 {
		t = l.inner.Next(t)
		if t.IsZero() || t.AddDate(0, 0, 1).Day() == 1 {
			return t
		}
		// Skip to just before the first moment of this month's last day.
		y, m, _ := t.Date()
		t = time.Date(y, m+1, 0, 0, 0, 0, 0, t.Location()).Add(-time.Second)
	}
	return time.Time{}
}
