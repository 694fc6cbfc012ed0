package flows

import (
	"fmt"
	"time"

	"lamtheo/flows/text"
)

// The cell's meeting rhythm. A cell with a meeting day (Cell.MeetingDay,
// sinh hoạt chi bộ thường kỳ) keeps its month open until its meeting and
// has its own ladder: a reminder a week before the meeting, one two days
// before, and on the meeting's morning the month's summary with the
// missing names for its secretaries (JobMeetingLadder). A cell without one
// keeps the organisation's grace days and ladder (JobRemindFirst…).

// graceDays returns the last day of the month after a month on which cell
// c's members may still report that month: its meeting day, or the
// organisation's grace days for a cell without one.
func (e *Engine) graceDays(c Cell) int {
	if c.MeetingDay > 0 {
		return c.MeetingDay
	}
	return e.Cfg.GraceDays
}

// cellGrace returns graceDays of the cell with code (the organisation's
// grace days for a code that is not stored).
func (e *Engine) cellGrace(tx Tx, code string) (int, error) {
	c, _, err := tx.Cell(code)
	if err != nil {
		return 0, fmt.Errorf("load cell %s: %w", code, err)
	}
	return e.graceDays(c), nil
}

// CollectingMonth returns the month a cell whose grace ends on day grace
// (its meeting day, or the organisation's grace days) is still collecting
// at now: the previous month through that day, then the current one
// (months and days in loc).
func CollectingMonth(now time.Time, loc *time.Location, grace int) Month {
	cur := MonthOf(now, loc)
	if now.In(loc).Day() <= grace {
		return cur.Prev()
	}
	return cur
}

// LadderStep is a step of a cell's own ladder.
type LadderStep int

// The steps of a cell's own ladder, in order.
const (
	LadderNone    LadderStep = iota // nothing due
	LadderFirst                     // a week before the meeting: the first reminder
	LadderSecond                    // two days before: the second reminder
	LadderMeeting                   // the meeting's morning: the secretaries get the month's summary
)

// Days before the meeting of the ladder's reminders.
const (
	ladderFirstDays  = 7
	ladderSecondDays = 2
)

// ladderName names a step in the job marks; never changes.
func (s LadderStep) ladderName() string {
	switch s {
	case LadderFirst:
		return "first"
	case LadderSecond:
		return "second"
	case LadderMeeting:
		return "meeting"
	}
	return "none"
}

// MeetingLadder returns the days (midnight in loc) of the ladder of month
// m for a cell meeting on day day (1–28): the first and second reminders
// and the meeting, on day day of the month after m.
func MeetingLadder(m Month, day int, loc *time.Location) (first, second, meeting time.Time) {
	meeting = m.Next().Start(loc).AddDate(0, 0, day-1)
	return meeting.AddDate(0, 0, -ladderFirstDays), meeting.AddDate(0, 0, -ladderSecondDays), meeting
}

// LadderDue returns the month and the latest step of the ladder of a cell
// meeting on day day that falls on or before t's day, within that month's
// ladder (from its first reminder to its meeting); the meeting step only
// on the meeting's day itself. LadderNone when t's day is in no ladder
// (after a meeting and before the next month's first reminder), or when
// day is not set.
func LadderDue(t time.Time, day int, loc *time.Location) (Month, LadderStep) {
	if day <= 0 {
		return 0, LadderNone
	}
	t = t.In(loc)
	today := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	cur := MonthOf(t, loc)
	for _, m := range []Month{cur.Prev(), cur} {
		first, second, meeting := MeetingLadder(m, day, loc)
		switch {
		case today.Before(first) || today.After(meeting):
			continue
		case today.Equal(meeting):
			return m, LadderMeeting
		case !today.Before(second):
			return m, LadderSecond
		default:
			return m, LadderFirst
		}
	}
	return 0, LadderNone
}

// ladderKey is the job mark recording that cell's step of month m's
// ladder was sent: whatever the slot or the number of runs, a step goes
// out once.
func ladderKey(cell string, m Month, s LadderStep) string {
	return fmt.Sprintf("%s:%s@%d#%s", JobMeetingLadder, s.ladderName(), m, cell)
}

// ladderRung returns the reminder text of a step of a cell's own ladder.
func ladderRung(s LadderStep) text.Key {
	if s == LadderSecond {
		return text.RemindSecond
	}
	return text.RemindFirst
}

// meetingSummaryView feeds the secretaries' summary on the meeting's
// morning: the cell, the month, the secretary's view of it (Body) and the
// month as the secretary tools take it after the command (Arg, "11": from
// the next day on, they default to the current month).
type meetingSummaryView struct{ Cell, Month, Body, Arg string }

// meetingLadder serves the cells with a meeting day, daily: for each, the
// step of its ladder due on the slot's day (LadderDue) is sent once (a job
// mark per cell, month and step, so a second run the same day, or a later
// one, sends nothing again). A reminder step prompts, privately, the
// members who have not reported the month while the cell has it open; the
// meeting step sends each secretary, privately, the month's summary with
// the missing names. A run for one cell is never asked for (/lichnhac runs
// the organisation's first rung, which serves any cell).
func (j *jobRun) meetingLadder() (bool, error) {
	loc := j.e.loc()
	cells, err := j.cells()
	if err != nil {
		return false, err
	}
	var casts []cast
	for _, c := range cells {
		m, step := LadderDue(j.slot, c.MeetingDay, loc)
		if step == LadderNone {
			continue
		}
		key := ladderKey(c.Code, m, step)
		if done, err := j.tx.JobRan(key); err != nil {
			return false, fmt.Errorf("job mark: %w", err)
		} else if done {
			continue
		}
		j.month = m
		var cs cast
		var skip bool
		err := guard(func() error {
			var err error
			if step == LadderMeeting {
				cs, err = j.meetingSummary(c, m)
				return err
			}
			cs, skip, err = j.remindCell(c, m, ladderRung(step), false, j.e.nudgeButton(m))
			return err
		})
		if err := j.dmg.skip("cell "+c.Code, err); err != nil {
			return false, err
		}
		if err != nil {
			continue
		}
		if err := j.tx.MarkJob(key, j.now); err != nil {
			return false, fmt.Errorf("mark job: %w", err)
		}
		if !skip {
			casts = append(casts, cs)
		}
	}
	return true, j.spendReminders(casts, groupsOnly)
}

// meetingSummary is the meeting step of cell c's ladder for month m: each
// secretary of c gets, privately, the month's summary as /summary shows it
// to them (with the missing names).
func (j *jobRun) meetingSummary(c Cell, m Month) (cast, error) {
	cm, err := loadCellMonth(j.tx, c.Code, m, j.e.loc(), j.e.Cfg.GraceDays, &j.dmg)
	if err != nil {
		return cast{}, err
	}
	s := cm.summary(m)
	cs := cast{cell: c}
	open := ReportOpen(m, s.Closed, j.now, j.e.loc(), j.e.graceDays(c))
	for _, sec := range secretariesOf(cm.members, c.Code) {
		body := j.e.t(text.MeetingSummary, meetingSummaryView{Cell: c.Name, Month: FormatMonth(j.e.text(), m),
			Body: renderCellSecretary(j.e.text(), s, j.now, j.e.loc(), sec.ID, open), Arg: monthArgOf(m, MonthOf(j.now, j.e.loc()))})
		reps, err := privateReplies(j.tx, sec.PrivateChats(), body, nil)
		if err != nil {
			return cast{}, err
		}
		cs.always = append(cs.always, reps...)
	}
	return cs, nil
}
