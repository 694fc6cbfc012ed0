package flows

import (
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// ReportOpen reports whether members may still report month m at now: the
// cell has not closed it (closed) and now falls in m, or in the first
// graceDays days of the month after (months and days in loc).
func ReportOpen(m Month, closed bool, now time.Time, loc *time.Location, graceDays int) bool {
	if closed {
		return false
	}
	cur := MonthOf(now, loc)
	return m == cur || (m == cur.Prev() && now.In(loc).Day() <= graceDays)
}

// reportDeadline returns the last day members may report month m on.
func reportDeadline(m Month, loc *time.Location, graceDays int) time.Time {
	if graceDays > 0 {
		return m.Next().Start(loc).AddDate(0, 0, graceDays-1)
	}
	return m.Next().Start(loc).AddDate(0, 0, -1)
}

// RemindTargets returns the members of cell to remind of month at now, in
// Vietnamese name order: the members of cell who count in month and may be
// reminded at now (CountsIn and Remindable, months in loc: not exempt,
// connected by month, reminders not paused at now, a private chat not in
// unreachable) without a submitted report of month (reports are keyed by
// member). Whether the month is still open is ReportOpen's question.
func RemindTargets(cell string, members []Member, reports map[MemberID]Report, month Month, now time.Time, loc *time.Location, unreachable map[bot.ChatID]bool) []Member {
	var out []Member
	for _, m := range members {
		if m.Cell != cell || !m.CountsIn(month, loc) || !m.Remindable(now, loc, unreachable) {
			continue
		}
		if r, ok := reports[m.ID]; ok && r.Member == m.ID && r.Month == month && !r.Submitted.IsZero() {
			continue
		}
		out = append(out, m)
	}
	SortByName(out)
	return out
}

// remindRung returns the text of a reminder rung of the organisation's
// ladder for members.
func remindRung(job Job) text.Key {
	switch job {
	case JobRemindSecond:
		return text.RemindSecond
	case JobRemindLast:
		return text.RemindLast
	}
	return text.RemindFirst
}

// superseded reports whether a later rung of the same month has had its
// slot too (by now), as after downtime: members then get only the latest
// rung, not every missed one at once. It needs the engine's Schedules.
func (j *jobRun) superseded(m Month) bool {
	later := []Job{JobRemindFirst, JobRemindSecond, JobRemindLast}
	for i, r := range later {
		if r == j.job {
			later = later[i+1:]
			break
		}
	}
	for _, r := range later {
		next, ok := j.e.nextRun(r, j.slot)
		if ok && !next.After(j.now) && MonthOf(next, j.e.loc()) == m {
			return true
		}
	}
	return false
}

// remindView is the data of the texts that ask one member to report a
// month: the reminder rungs (remind_first…) and the secretary's nudge
// (nudge_member), each with its typed variant.
type remindView struct {
	Name     string // the member
	Cell     string // the cell's name
	Month    string // "tháng 11/2026"
	Deadline string // "05/12/2026", the last day to report; not in the nudge
}

// remindCellView is the data of a cell's texts of a reminder run: the
// message to its group (budget_remind_group) and, on the last rung, the
// list for its secretaries (remind_missing).
type remindCellView struct {
	Cell                 string // the cell's name
	Month                string // "tháng 11/2026"
	Deadline             string // "05/12/2026"
	Bot                  string // the bot to write to privately, in the group text
	Reported, MustReport int
	PausedOut            int           // for the secretaries only: left out for a pause over the deadline (SummaryCounts.PausedOut)
	Missing              []missingLine // for the secretaries only: the others who have not reported
	Offline              []string      // for the secretaries only: who has not reported and does not use the bot
	Self                 bool          // the secretary reading it has not reported either
	Reminded             bool          // Self, and reminded in the same run: her own reminder says it
}

// missingLine is one name of the last rung's list for the secretary.
type missingLine struct {
	Name        string
	Paused      string // "20/12" while the member's reminders are paused
	Unreachable bool   // the bot cannot write to the member
}

// remind prompts, privately, each member who has not reported the slot's
// month while it is open; on the last rung each secretary also gets the
// names still missing. A scheduled run serves the cells without a meeting
// day only (the others have their own ladder, meetingLadder); a manual run
// for one cell (/lichnhac) reminds of the month that cell is collecting.
// It is not meaningful when no served cell has the month open any more (or
// a later rung supersedes it).
func (j *jobRun) remind() (bool, error) {
	loc := j.e.loc()
	m := MonthOf(j.slot, loc)
	if j.cell != "" {
		grace, err := j.e.cellGrace(j.tx, j.cell)
		if err != nil {
			return false, err
		}
		m = CollectingMonth(j.now, loc, grace)
	}
	j.month = m
	if j.cell == "" && j.superseded(m) {
		return false, nil
	}
	cells, err := j.cells()
	if err != nil {
		return false, err
	}
	var served []Cell
	for _, c := range cells {
		if j.cell != "" || c.MeetingDay == 0 {
			served = append(served, c)
		}
	}
	return j.remindCells(served, m, remindRung(j.job), j.job == JobRemindLast)
}

// remindCells prompts, privately, each member of cells who has not
// reported month m while the cell has it open, with the text of rung; with
// missing, each secretary also gets the names still missing. It reports
// whether any cell had the month open.
func (j *jobRun) remindCells(cells []Cell, m Month, rung text.Key, missing bool) (bool, error) {
	button := j.e.nudgeButton(m)
	open := false
	var casts []cast
	for _, c := range cells {
		var cs cast
		var closed bool
		err := guard(func() error {
			var err error
			cs, closed, err = j.remindCell(c, m, rung, missing, button)
			return err
		})
		if err := j.dmg.skip("cell "+c.Code, err); err != nil {
			return false, err
		}
		if err != nil || closed {
			continue
		}
		open = true
		casts = append(casts, cs)
	}
	mode := groupsOnly
	if missing {
		mode = groupsAnd
	}
	return open, j.spendReminders(casts, mode)
}

// spendReminders queues what casts send under the budget (spend, by
// mode), counting the reminders to members.
func (j *jobRun) spendReminders(casts []cast, mode castMode) error {
	out, err := j.e.newBudget(j.tx, j.now).spend(casts, mode, j.job, j.now)
	if err != nil {
		return err
	}
	for _, r := range out {
		if !r.Chat.IsZero() && len(r.Choices) > 0 {
			j.prompted++ // a reminder to a member (they carry the report button)
		}
	}
	j.out = append(j.out, out...)
	return nil
}

// remindCell builds the reminders of cell c for month m; closed reports
// that the cell closed the month, or that its grace (its meeting day) is
// over (nothing to send).
func (j *jobRun) remindCell(c Cell, m Month, rung text.Key, missing bool, button [][]bot.Choice) (cs cast, closed bool, err error) {
	loc, grace := j.e.loc(), j.e.graceDays(c)
	if !ReportOpen(m, false, j.now, loc, grace) {
		return cast{}, true, nil
	}
	deadline := reportDeadline(m, loc, grace).Format("02/01/2006")
	cm, err := loadCellMonth(j.tx, c.Code, m, loc, j.e.Cfg.GraceDays, &j.dmg)
	if err != nil {
		return cast{}, false, err
	}
	if cm.state.Closed {
		return cast{}, true, nil
	}
	un, err := unreachableChats(j.tx, cm.members)
	if err != nil {
		return cast{}, false, err
	}
	s := cm.summary(m)
	cs = cast{cell: c, group: func(p bot.Platform) string {
		return j.e.t(text.BudgetRemindGroup, remindCellView{
			Cell: c.Name, Month: FormatMonth(j.e.text(), m), Deadline: deadline, Bot: j.e.caps(p).Name,
			Reported: s.Reported, MustReport: s.MustReport,
		})
	}}
	reminded := map[MemberID]bool{}
	for _, mb := range RemindTargets(c.Code, cm.members, cm.reports, m, j.now, loc, un) {
		reminded[mb.ID] = true
		body := j.e.t(j.e.textKey(firstPlatform(mb), rung), remindView{
			Name: mb.Name, Cell: c.Name, Month: FormatMonth(j.e.text(), m), Deadline: deadline,
		})
		reps, err := privateReplies(j.tx, mb.PrivateChats(), body, button)
		if err != nil {
			return cast{}, false, err
		}
		cs.privates = append(cs.privates, reps...)
	}
	if missing && s.MustReport > 0 {
		for _, sec := range secretariesOf(cm.members, c.Code) {
			v := remindCellView{Cell: c.Name, Month: FormatMonth(j.e.text(), m), Deadline: deadline,
				Reported: s.Reported, MustReport: s.MustReport, PausedOut: s.PausedOut, Reminded: reminded[sec.ID]}
			for _, mb := range s.Missing {
				if mb.ID == sec.ID {
					v.Self = true // stated as theirs, not in the list of others
					continue
				}
				l := missingLine{Name: mb.Name, Unreachable: !mb.Reachable(un)}
				if mb.Paused(j.now) {
					l.Paused = pausedThrough(mb, loc).Format("02/01")
				}
				v.Missing = append(v.Missing, l)
			}
			for _, mb := range s.Offline {
				v.Offline = append(v.Offline, mb.Name)
			}
			reps, err := privateReplies(j.tx, sec.PrivateChats(), j.e.t(text.RemindMissing, v), nil)
			if err != nil {
				return cast{}, false, err
			}
			cs.always = append(cs.always, reps...)
		}
	}
	return cs, false, nil
}

// pausedThrough returns the last day m's reminders are paused: the day
// before PausedUntil (which is the start of the day reminders resume).
func pausedThrough(m Member, loc *time.Location) time.Time {
	return m.PausedUntil.In(loc).Add(-time.Nanosecond)
}
