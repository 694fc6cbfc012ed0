package flows

import (
	"maps"
	"slices"
	"strings"
	"time"

	"lamtheo/flows/text"
)

// flowSchedule is /lichnhac's offer to run a job now; it keeps no state
// but its step.
var flowSchedule = conversation[struct{}, string]{name: "schedule"}

// scheduleStep is the schedule flow's only step.
const scheduleStep = "run"

// scheduleRunPrefix marks /lichnhac's arguments (and choices) that run a
// job now for one cell: "run:leaderboard".
const scheduleRunPrefix = "run:"

var weekdays = [7]text.Key{text.Weekday0, text.Weekday1, text.Weekday2, text.Weekday3, text.Weekday4, text.Weekday5, text.Weekday6}

// FormatSlot returns t in loc as people read a date and time, with the
// weekday's name from the catalogue cat: "thứ Hai 01/12/2026 08:00".
func FormatSlot(cat *text.Catalog, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return cat.Render(weekdays[t.Weekday()], nil) + " " + t.Format("02/01/2006 15:04")
}

// scheduleLine is one job as /lichnhac lists it.
type scheduleLine struct {
	Name  string
	Next  string // "" when the job has no schedule
	About string // the leaderboard's: the month its next run posts ("" when unknown)
}

// scheduleView feeds /lichnhac: the jobs, this month and the leaderboard's
// month, the messages budget, and the secretary's cell or, for an admin,
// the offer to pick one.
type scheduleView struct {
	Jobs                        []scheduleLine
	Cell, Budget, Month, Leader string
	Pick                        bool
	// Own is the secretary's cell: its ladder (Ladder, when it has a
	// meeting day) or the note that it keeps the organisation's.
	Own    string
	Ladder *ladderView
}

// ladderView is a cell's own ladder as /lichnhac shows it: its meeting
// day, the month the ladder is about, the deadline, and when each step
// goes ("thứ Bảy 28/11/2026 08:00", or the date alone when the daily job
// has no schedule).
type ladderView struct {
	Day                    int
	Month, Deadline        string
	First, Second, Meeting string
}

// listedFor reports whether /lichnhac lists job for the secretary of cell
// c: the organisation's reminder rungs when c has no meeting day (they skip
// the cells that have one); never the daily ladder job, whose steps for c
// the view shows as c's own ladder; every other job.
func listedFor(job Job, c Cell) bool {
	switch job {
	case JobRemindFirst, JobRemindSecond, JobRemindLast:
		return c.MeetingDay == 0
	case JobMeetingLadder:
		return false
	}
	return true
}

// ladderView returns the next ladder of cell c (which has a meeting day)
// at now: the first whose meeting's summary has not gone yet.
func (e *Engine) ladderView(c Cell, now time.Time) *ladderView {
	loc := e.loc()
	m := CollectingMonth(now, loc, c.MeetingDay)
	first, second, meeting := MeetingLadder(m, c.MeetingDay, loc)
	if at, _ := e.ladderAt(meeting); !at.After(now) {
		m = m.Next()
		first, second, meeting = MeetingLadder(m, c.MeetingDay, loc)
	}
	show := func(day time.Time) string {
		if at, ok := e.ladderAt(day); ok {
			return FormatSlot(e.text(), at, loc)
		}
		return e.t(weekdays[day.Weekday()], nil) + " " + day.Format("02/01/2006")
	}
	return &ladderView{Day: c.MeetingDay, Month: FormatMonth(e.text(), m),
		Deadline: reportDeadline(m, loc, c.MeetingDay).Format("02/01/2006"),
		First:    show(first), Second: show(second), Meeting: show(meeting)}
}

// ladderAt returns when the daily ladder job runs on day (midnight in the
// organisation's zone): its first run that day, or day itself and false
// when it has no run that day (no schedule).
func (e *Engine) ladderAt(day time.Time) (time.Time, bool) {
	if next, ok := e.nextRun(JobMeetingLadder, day.Add(-time.Nanosecond)); ok && next.Before(day.AddDate(0, 0, 1)) {
		return next, true
	}
	return day, false
}

// schedDoneView feeds the report of a job run from /lichnhac for a cell
// and month: members prompted, group messages posted, copies to
// secretaries.
type schedDoneView struct {
	Cell, Month             string
	Prompted, Posted, ToSec int
}

// budgetLinesView feeds the messages budget of the bots.
type budgetLinesView struct{ Bots []botUse }

// budgetNoteView feeds one cut broadcast: when, which job for which cell,
// messages planned and sent, and whether the group got one instead.
type budgetNoteView struct {
	When, Job, Cell string
	Planned, Done   int
	Group           bool
}

// cmdSchedule lists the periodic jobs with their next runs and offers to
// run the leaderboard or the first reminder now for the secretary's cell
// (an admin picks the cell): /lichnhac. "/lichnhac run:<job>" runs it.
func (r *req) cmdSchedule(args string) error {
	if job, ok := strings.CutPrefix(args, scheduleRunPrefix); ok {
		return r.scheduleRun(Job(job))
	}
	var own Cell
	if r.isMember && r.member.SecretaryOf(r.member.Cell) {
		c, _, err := r.tx.Cell(r.member.Cell)
		if err != nil {
			return err
		}
		own = c
	}
	lines := make([]scheduleLine, 0, len(jobSpecs))
	for _, j := range jobSpecs {
		if own.Code != "" && !r.admin() && !listedFor(j.Job, own) {
			continue
		}
		l := scheduleLine{Name: r.t(j.Name, nil)}
		next, ok := r.e.nextRun(j.Job, r.now)
		if j.Job == JobLeaderboard {
			var m Month
			var err error
			if next, m, ok, err = r.e.leaderboardNext(r.tx, r.now); err != nil {
				return err
			} else if m.Valid() {
				l.About = FormatMonth(r.e.text(), m)
			}
		}
		if ok {
			l.Next = FormatSlot(r.e.text(), next, r.e.loc())
		}
		lines = append(lines, l)
	}
	cur := r.currentMonth()
	budget, err := r.budgetView(cur)
	if err != nil {
		return err
	}
	v := scheduleView{Jobs: lines, Budget: budget,
		Month:  FormatMonth(r.e.text(), CollectingMonth(r.now, r.e.loc(), r.e.Cfg.GraceDays)),
		Leader: FormatMonth(r.e.text(), CollectingMonth(r.now, r.e.loc(), r.e.Cfg.GraceDays).Prev())}
	var leader, remind string
	switch {
	case own.Code != "":
		c := own
		v.Cell, v.Own = c.Name, c.Name
		v.Month = FormatMonth(r.e.text(), CollectingMonth(r.now, r.e.loc(), r.e.graceDays(c)))
		if c.MeetingDay > 0 {
			v.Ladder = r.e.ladderView(c, r.now)
		}
		leader = r.t(text.SchedRunLeader, cellView{Cell: c.Name})
		remind = r.t(text.SchedRunRemind, cellView{Cell: c.Name})
	case r.admin():
		v.Pick = true
		leader = r.t(text.SchedRunLeaderPick, nil)
		remind = r.t(text.SchedRunRemindPick, nil)
	default:
		r.say(text.SchedView, v)
		return nil
	}
	flowSchedule.begin(r, scheduleStep, &struct{}{})
	r.ask(text.SchedView, v,
		row(choice(leader, scheduleRunPrefix+string(JobLeaderboard))),
		row(choice(remind, scheduleRunPrefix+string(JobRemindFirst))))
	return nil
}

// scheduleAnswer answers /lichnhac's offer.
func (r *req) scheduleAnswer(_ *struct{}, in input) error {
	job, ok := strings.CutPrefix(in.Data, scheduleRunPrefix)
	if !ok {
		return refuse(text.ChooseAbove, nil)
	}
	r.finish()
	r.cmd, r.args = "lichnhac", in.Data
	return r.scheduleRun(Job(job))
}

// scheduleRun runs job now for the acting cell only, as a manual run keyed
// by the cell and the current minute, in this message's transaction.
func (r *req) scheduleRun(job Job) error {
	if job != JobLeaderboard && job != JobRemindFirst {
		return refuse(text.NotUnderstood, nil)
	}
	cell, asked, err := r.actingCell()
	if err != nil || asked {
		return err
	}
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	c, ok, err := r.tx.Cell(cell)
	if err != nil {
		return err
	}
	if !ok {
		return refuse(text.StaleChoice, nil)
	}
	j, err := r.e.runJobTx(r.tx, job, r.now.Truncate(time.Minute), cell, r.now)
	if err != nil {
		return err
	}
	data := schedDoneView{Cell: c.Name, Month: FormatMonth(r.e.text(), j.month),
		Prompted: j.prompted, Posted: j.posted, ToSec: j.toSec}
	switch {
	case j.status == jobDone || j.status == jobEarly:
		return refuse(text.SchedAgain, nil)
	case j.status == jobNoSense && job == JobLeaderboard:
		return refuse(text.SchedLeaderEmpty, data) // a manual run is never stale: no cell is ranked
	case j.status == jobNoSense:
		return refuse(text.SchedNotOpen, data)
	case job == JobLeaderboard:
		r.say(text.SchedDoneLeader, data)
	default:
		r.say(text.SchedDoneRemind, data)
	}
	return nil
}

// botUse is one bot's month as /lichnhac shows it.
type botUse struct {
	Name, Month, Percent string
	Sent, Max, Queued    int
	Notes                []string
}

// budgetView renders the use this month of each planned platform (each
// Zalo bot) that serves the sender's cell, or of every one for an admin,
// with the broadcasts cut to its budget; "" when there is none.
func (r *req) budgetView(m Month) (string, error) {
	var bots []botUse
	for _, p := range slices.Sorted(maps.Keys(r.e.Cfg.Plans)) {
		plan := r.e.plan(p)
		if !r.admin() && !(r.isMember && plan.Serves(r.member.Cell)) {
			continue
		}
		sent, err := r.tx.Sent(p, m)
		if err != nil {
			return "", err
		}
		queued, err := r.tx.Queued(p)
		if err != nil {
			return "", err
		}
		notes, err := r.tx.BudgetNotes(p, m)
		if err != nil {
			return "", err
		}
		u := botUse{Name: r.e.caps(p).Name, Month: FormatMonth(r.e.text(), m), Sent: sent, Max: plan.Messages, Queued: queued,
			Percent: FormatPercent(sent, plan.Messages)}
		if u.Name == "" {
			u.Name = string(p)
		}
		for _, n := range notes {
			line, err := r.budgetNote(n)
			if err != nil {
				return "", err
			}
			u.Notes = append(u.Notes, line)
		}
		bots = append(bots, u)
	}
	if len(bots) == 0 {
		return "", nil
	}
	return r.t(text.BudgetLines, budgetLinesView{Bots: bots}), nil
}

// budgetNote renders one cut broadcast.
func (r *req) budgetNote(n BudgetNote) (string, error) {
	job := r.e.jobName(n.Job)
	cell := r.t(text.BudgetAdmins, nil)
	if n.Cell != "" {
		c, ok, err := r.tx.Cell(n.Cell)
		if err != nil {
			return "", err
		}
		cell = n.Cell
		if ok {
			cell = c.Name
		}
	}
	k := text.BudgetNoteReduced
	switch n.Kind {
	case BudgetGroupOnly:
		k = text.BudgetNoteGroupOnly
	case BudgetDeferred:
		k = text.BudgetNoteDeferred
	}
	return r.t(k, budgetNoteView{When: n.At.In(r.e.loc()).Format("02/01 15:04"), Job: job, Cell: cell,
		Planned: n.Planned, Done: n.Done, Group: n.Group}), nil
}
