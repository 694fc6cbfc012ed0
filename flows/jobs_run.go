package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// ErrUnknownJob is wrapped by the error of RunJob for a job it does not know.
var ErrUnknownJob = errors.New("flows: unknown job")

// jobStale is how long after its slot a leaderboard or a campaign slot is
// still worth running (after downtime, say); later it is recorded and
// skipped.
const jobStale = 7 * 24 * time.Hour

// jobKey returns the key a run is recorded under: the job and its slot in
// UTC, and the cell for a run for one cell.
func jobKey(job Job, slot time.Time, cell string) string {
	k := string(job) + "@" + slot.UTC().Format(time.RFC3339)
	if cell != "" {
		k += "#" + cell
	}
	return k
}

// jobStatus is how a run ended.
type jobStatus int

const (
	jobRan     jobStatus = iota // the messages are queued and the run recorded
	jobDone                     // the slot (or manual run) was recorded before; nothing done
	jobEarly                    // the slot is later than now; nothing done or recorded
	jobNoSense                  // not meaningful at now; recorded so it is not retried, nothing queued
)

// jobRun is one run of a periodic job inside a write transaction.
type jobRun struct {
	e    *Engine
	tx   Tx
	job  Job
	slot time.Time
	cell string // "" for every cell; a code for a manual run for that cell
	now  time.Time

	status   jobStatus
	month    Month // the month the run was about
	prompted int   // members sent a reminder or an invitation
	posted   int   // group messages queued
	toSec    int   // private copies to secretaries of cells without a reachable group
	out      []bot.Reply
}

// runJob runs job for slot (for cell only when cell is not "") in one
// write transaction: see RunJob.
//
// JobBackup does no work here: the engine never copies files. The
// scheduler in cmd copies the data file first and then calls RunJob for
// JobBackup, which only records the slot's mark.
func (e *Engine) runJob(ctx context.Context, job Job, slot time.Time, cell string) (bool, error) {
	e.init()
	now := e.Now()
	var st jobStatus
	err := e.Store.Update(ctx, func(tx Tx) error {
		j, err := e.runJobTx(tx, job, slot, cell, now)
		if err != nil {
			return err
		}
		st = j.status
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("run job %s: %w", jobKey(job, slot, cell), err)
	}
	if st == jobNoSense {
		e.Log.Info("job slot skipped: no longer meaningful", "job", string(job), "slot", slot.UTC().Format(time.RFC3339), "cell", cell)
	}
	return st == jobRan, nil
}

// runJobTx runs one job inside tx and queues its messages there. Handle's
// manual runs (/lichnhac) call it with their own transaction. fn of
// Store.Update may run more than once, so it keeps no state outside tx but
// the returned run.
func (e *Engine) runJobTx(tx Tx, job Job, slot time.Time, cell string, now time.Time) (*jobRun, error) {
	j := &jobRun{e: e, tx: tx, job: job, slot: slot, cell: cell, now: now}
	key := jobKey(job, slot, cell)
	done, err := tx.JobRan(key)
	if err != nil {
		return nil, fmt.Errorf("job mark: %w", err)
	}
	if done {
		j.status = jobDone
		return j, nil
	}
	if slot.After(now) {
		j.status = jobEarly
		return j, nil
	}
	if cell != "" {
		if _, ok, err := tx.Cell(cell); err != nil {
			return nil, fmt.Errorf("load cell %s: %w", cell, err)
		} else if !ok {
			return nil, fmt.Errorf("cell %s: %w", cell, ErrUnknownCell)
		}
	}
	var meaningful bool
	switch job {
	case JobRemindFirst, JobRemindSecond, JobRemindLast:
		meaningful, err = j.remind()
	case JobLeaderboard:
		meaningful, err = j.leaderboard()
	case JobCampaign:
		meaningful, err = j.campaign()
	case JobBackup:
		meaningful = true
	default:
		return nil, fmt.Errorf("%q: %w", job, ErrUnknownJob)
	}
	if err != nil {
		return nil, err
	}
	if err := tx.MarkJob(key, now); err != nil {
		return nil, fmt.Errorf("mark job: %w", err)
	}
	if !meaningful {
		j.status, j.out = jobNoSense, nil
		return j, nil
	}
	for _, rep := range j.out {
		if err := tx.Enqueue(rep); err != nil {
			return nil, fmt.Errorf("enqueue: %w", err)
		}
	}
	j.status = jobRan
	return j, nil
}

// cells returns the cells the run serves.
func (j *jobRun) cells() ([]Cell, error) {
	if j.cell != "" {
		c, _, err := j.tx.Cell(j.cell)
		if err != nil {
			return nil, fmt.Errorf("load cell %s: %w", j.cell, err)
		}
		return []Cell{c}, nil
	}
	cs, err := j.tx.Cells()
	if err != nil {
		return nil, fmt.Errorf("load cells: %w", err)
	}
	return cs, nil
}

// private queues body (with choices) to each of chats not known
// unreachable, and reports whether any was.
func (j *jobRun) private(chats []bot.ChatID, body string, choices [][]bot.Choice) (bool, error) {
	reps, err := privateReplies(j.tx, chats, body, choices)
	if err != nil {
		return false, err
	}
	j.out = append(j.out, reps...)
	return len(reps) > 0, nil
}

// privateReplies returns body (with choices) as one bulk reply to the
// first of chats, one person's private chats in the order the bot writes
// to them, that the outbox has not found unreachable; none when every chat
// is. So a member connected on two platforms gets it once, where they
// connected last. /nhacnho and the reminder jobs share it.
func privateReplies(tx Tx, chats []bot.ChatID, body string, choices [][]bot.Choice) ([]bot.Reply, error) {
	for _, c := range chats {
		un, err := tx.Unreachable(c)
		if err != nil {
			return nil, fmt.Errorf("unreachable %s: %w", c, err)
		}
		if !un {
			return []bot.Reply{{Chat: c, Text: body, Choices: choices, Bulk: true}}, nil
		}
	}
	return nil, nil
}

// nudgeButton is the "report now" button of a reminder about month m; it
// opens the report flow for m (/nhacnho and the reminder jobs).
func nudgeButton(m Month) [][]bot.Choice {
	return [][]bot.Choice{row(choice(text.T(text.NudgeButton, nil), goPrefix+"baocao:"+strconv.Itoa(int(m))))}
}

// unreachableChats returns which private chats of ms the outbox found
// unreachable.
func unreachableChats(tx Tx, ms []Member) (map[bot.ChatID]bool, error) {
	out := map[bot.ChatID]bool{}
	for _, m := range ms {
		for _, c := range m.PrivateChats() {
			un, err := tx.Unreachable(c)
			if err != nil {
				return nil, fmt.Errorf("unreachable %s: %w", c, err)
			}
			if un {
				out[c] = true
			}
		}
	}
	return out, nil
}

// reachable reports whether m has a private chat not in unreachable.
func reachable(m Member, unreachable map[bot.ChatID]bool) bool {
	for _, c := range m.PrivateChats() {
		if !unreachable[c] {
			return true
		}
	}
	return false
}

// secretariesOf returns the secretaries among ms of cell.
func secretariesOf(ms []Member, cell string) []Member {
	var out []Member
	for _, m := range ms {
		if m.Secretary && m.Cell == cell && cell != "" {
			out = append(out, m)
		}
	}
	return out
}

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
// Vietnamese name order: active (not exempt) members of cell without a
// submitted report of month (reports are keyed by member), whose reminders
// are not paused at now (PausedUntil after now) and who have a private chat
// not in unreachable. Whether the month is still open is ReportOpen's
// question.
func RemindTargets(cell string, members []Member, reports map[MemberID]Report, month Month, now time.Time, unreachable map[bot.ChatID]bool) []Member {
	var out []Member
	for _, m := range members {
		if m.Cell != cell || cell == "" || m.Status != Active || m.PausedUntil.After(now) {
			continue
		}
		if r, ok := reports[m.ID]; ok && r.Member == m.ID && r.Month == month && !r.Submitted.IsZero() {
			continue
		}
		if !reachable(m, unreachable) {
			continue
		}
		out = append(out, m)
	}
	SortByName(out)
	return out
}

// remindRung returns the text of a reminder rung for members.
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
		s := j.e.Schedules[r]
		if s == nil {
			continue
		}
		next := s.Next(j.slot)
		if !next.IsZero() && !next.After(j.now) && MonthOf(next, j.e.Cfg.Loc) == m {
			return true
		}
	}
	return false
}

// missingLine is one name of the last rung's list for the secretary.
type missingLine struct {
	Name        string
	Paused      string // "20/12" while the member's reminders are paused
	Unreachable bool   // the bot cannot write to the member
}

// remind prompts, privately, each member who has not reported the slot's
// month while it is open; on the last rung each secretary also gets the
// names still missing. It is not meaningful when no served cell has the
// month open any more (or a later rung supersedes it).
func (j *jobRun) remind() (bool, error) {
	loc, grace := j.e.Cfg.Loc, j.e.Cfg.GraceDays
	m := MonthOf(j.slot, loc)
	j.month = m
	if !ReportOpen(m, false, j.now, loc, grace) || (j.cell == "" && j.superseded(m)) {
		return false, nil
	}
	cells, err := j.cells()
	if err != nil {
		return false, err
	}
	deadline := reportDeadline(m, loc, grace).Format("02/01/2006")
	button := nudgeButton(m)
	open := false
	for _, c := range cells {
		cm, err := loadCellMonth(j.tx, c.Code, m)
		if err != nil {
			return false, err
		}
		if cm.state.Closed {
			continue
		}
		open = true
		un, err := unreachableChats(j.tx, cm.members)
		if err != nil {
			return false, err
		}
		for _, mb := range RemindTargets(c.Code, cm.members, cm.reports, m, j.now, un) {
			body := text.T(remindRung(j.job), map[string]any{
				"Name": mb.Name, "Cell": c.Name, "Month": FormatMonth(m), "Deadline": deadline,
			})
			sent, err := j.private(mb.PrivateChats(), body, button)
			if err != nil {
				return false, err
			}
			if sent {
				j.prompted++
			}
		}
		if j.job != JobRemindLast {
			continue
		}
		s := cm.summary(m)
		if s.MustReport == 0 {
			continue
		}
		lines := make([]missingLine, 0, len(s.Missing))
		for _, mb := range s.Missing {
			l := missingLine{Name: mb.Name, Unreachable: !reachable(mb, un)}
			if mb.PausedUntil.After(j.now) {
				l.Paused = pausedThrough(mb, loc).Format("02/01")
			}
			lines = append(lines, l)
		}
		body := text.T(text.RemindMissing, map[string]any{
			"Cell": c.Name, "Month": FormatMonth(m), "Deadline": deadline,
			"Missing": lines, "Reported": s.Reported, "MustReport": s.MustReport,
		})
		for _, sec := range secretariesOf(cm.members, c.Code) {
			if _, err := j.private(sec.PrivateChats(), body, nil); err != nil {
				return false, err
			}
		}
	}
	return open, nil
}

// pausedThrough returns the last day m's reminders are paused: the day
// before PausedUntil (which is the start of the day reminders resume).
func pausedThrough(m Member, loc *time.Location) time.Time {
	return m.PausedUntil.In(loc).Add(-time.Nanosecond)
}

// leaderboard posts the ranking of the month before the slot's month, once
// to every linked group of every served cell (privately to the secretaries
// of a cell without a group), and the full table to the admins. A run for
// one cell posts to that cell's groups and its secretaries only. It is
// meaningful up to jobStale after the slot.
func (j *jobRun) leaderboard() (bool, error) {
	if j.now.Sub(j.slot) > jobStale {
		return false, nil
	}
	m := MonthOf(j.slot, j.e.Cfg.Loc).Prev()
	j.month = m
	cur, err := j.e.OrgSummary(j.tx, m)
	if err != nil {
		return false, err
	}
	prev, err := j.e.OrgSummary(j.tx, m.Prev())
	if err != nil {
		return false, err
	}
	rows := Leaderboard(cur, prev)
	deeds := cur.Deeds()
	cells, err := j.cells()
	if err != nil {
		return false, err
	}
	posted := map[bot.ChatID]bool{}
	for _, c := range cells {
		body := RenderLeaderboardGroup(rows, c.Code, m, deeds)
		inGroup := false
		for _, g := range c.Groups {
			if posted[g] {
				inGroup = true
				continue
			}
			if un, err := j.tx.Unreachable(g); err != nil {
				return false, fmt.Errorf("unreachable %s: %w", g, err)
			} else if un {
				continue
			}
			posted[g] = true
			j.out = append(j.out, bot.Reply{Chat: g, Text: body, Bulk: true})
			j.posted++
			inGroup = true
		}
		if inGroup && j.cell == "" {
			continue
		}
		ms, err := j.tx.Members(c.Code)
		if err != nil {
			return false, fmt.Errorf("load members of %s: %w", c.Code, err)
		}
		secBody := body
		if !inGroup {
			secBody = text.T(text.LeaderNoGroup, map[string]string{"Cell": c.Name, "Body": body})
		}
		for _, sec := range secretariesOf(ms, c.Code) {
			sent, err := j.private(sec.PrivateChats(), secBody, nil)
			if err != nil {
				return false, err
			}
			if sent && !inGroup {
				j.toSec++
			}
		}
	}
	if j.cell == "" {
		admin := RenderLeaderboardAdmin(rows)
		for _, chats := range adminChats(j.e.Cfg.Admins) {
			if _, err := j.private(chats, admin, nil); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

// CampaignOpen reports whether the pledge campaign of slot's year is worth
// running at now: slot and now both fall in January to March of the same
// year (in loc), and now is at most seven days after slot.
func CampaignOpen(slot, now time.Time, loc *time.Location) bool {
	s, n := MonthOf(slot, loc), MonthOf(now, loc)
	return s.Num() <= 3 && n.Year() == s.Year() && n.Num() <= 3 && now.Sub(slot) <= jobStale
}

// CampaignTargets returns the members of cell to invite to write year's
// pledge at now, in Vietnamese name order: active members of cell whose
// reminders are not paused, with a private chat not in unreachable, and
// with no pledge of year (pledges are keyed by member) or only a draft
// without items.
func CampaignTargets(cell string, members []Member, pledges map[MemberID]Pledge, year int, now time.Time, unreachable map[bot.ChatID]bool) []Member {
	var out []Member
	for _, m := range members {
		if m.Cell != cell || cell == "" || m.Status != Active || m.PausedUntil.After(now) {
			continue
		}
		if p, ok := pledges[m.ID]; ok && p.Member == m.ID && p.Year == year && (p.Status != PledgeDraft || len(p.Items) > 0) {
			continue
		}
		if !reachable(m, unreachable) {
			continue
		}
		out = append(out, m)
	}
	SortByName(out)
	return out
}

// PledgeRate counts, among the active members of cell, those whose pledge
// of year is submitted or approved (registered), those waiting for the
// secretary (submitted), and every active member (must).
func PledgeRate(cell string, members []Member, pledges map[MemberID]Pledge, year int) (registered, waiting, must int) {
	for _, m := range members {
		if m.Cell != cell || cell == "" || m.Status != Active {
			continue
		}
		must++
		p, ok := pledges[m.ID]
		if !ok || p.Member != m.ID || p.Year != year {
			continue
		}
		switch p.Status {
		case PledgeSubmitted:
			registered++
			waiting++
		case PledgeApproved:
			registered++
		}
	}
	return registered, waiting, must
}

// campaign invites the members without a pledge for the year and tells each
// secretary the cell's registration rate.
func (j *jobRun) campaign() (bool, error) {
	loc := j.e.Cfg.Loc
	if !CampaignOpen(j.slot, j.now, loc) {
		return false, nil
	}
	year := j.slot.In(loc).Year()
	j.month = Month(year*100 + 1)
	cells, err := j.cells()
	if err != nil {
		return false, err
	}
	button := [][]bot.Choice{row(choice(text.T(text.CampaignButton, nil), goPrefix+"dangky:"))}
	for _, c := range cells {
		ms, err := j.tx.Members(c.Code)
		if err != nil {
			return false, fmt.Errorf("load members of %s: %w", c.Code, err)
		}
		pledges := make(map[MemberID]Pledge, len(ms))
		for _, mb := range ms {
			if mb.Cell != c.Code || mb.Status != Active {
				continue
			}
			p, ok, err := j.tx.Pledge(mb.ID, year)
			if err != nil {
				return false, fmt.Errorf("load pledge %d %d: %w", mb.ID, year, err)
			}
			if ok {
				pledges[mb.ID] = p
			}
		}
		un, err := unreachableChats(j.tx, ms)
		if err != nil {
			return false, err
		}
		invited := 0
		for _, mb := range CampaignTargets(c.Code, ms, pledges, year, j.now, un) {
			body := text.T(text.CampaignInvite, map[string]any{
				"Name": mb.Name, "Cell": c.Name, "Year": year, "Theme": j.e.Cfg.Theme, "Org": j.e.Cfg.OrgName,
			})
			sent, err := j.private(mb.PrivateChats(), body, button)
			if err != nil {
				return false, err
			}
			if sent {
				invited++
			}
		}
		j.prompted += invited
		reg, waiting, must := PledgeRate(c.Code, ms, pledges, year)
		if must == 0 {
			continue
		}
		body := text.T(text.CampaignRate, map[string]any{
			"Cell": c.Name, "Year": year, "Registered": reg, "MustReport": must,
			"Percent": FormatPercent(reg, must), "Waiting": waiting, "Invited": invited,
		})
		for _, sec := range secretariesOf(ms, c.Code) {
			if _, err := j.private(sec.PrivateChats(), body, nil); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}
