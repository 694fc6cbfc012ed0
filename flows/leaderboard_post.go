package flows

import (
	"fmt"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// When the leaderboard goes out. Members report a month until the
// organisation's deadline (the grace days of the month after), and a cell
// with a later meeting day until its meeting; a board posted before that
// would rank a cell that reports on the 3rd as if it never had. So the job
// runs daily (its default "0 8 * * *") and posts a month's board once, on
// its first run after the organisation's deadline (with grace_days = 5: the
// 6th at 08:00). A daily run follows a changed grace_days by itself, where
// a fixed day ("0 8 6 * *") would have to be changed with it; and a run
// missed during an outage is caught up the next day, once (the month's
// mark, leaderKey). A cell whose meeting is later than that deadline is
// still collecting when the board goes out: it is listed with its figure
// so far, unranked (Leaderboard), and the day after its meeting the daily
// run tells its group its place, once (leaderboardLate).

// LeaderboardDue returns the month whose leaderboard is due at t for an
// organisation whose members report a month until day grace of the next
// (its grace days; 0: the month's last day): the month before the one it
// is collecting (CollectingMonth), from the day after its deadline and for
// jobStale after that; false at any other t (months and days in loc).
func LeaderboardDue(t time.Time, loc *time.Location, grace int) (Month, bool) {
	m := CollectingMonth(t, loc, grace).Prev()
	from := leaderFrom(m, loc, grace)
	return m, !t.Before(from) && t.Sub(from) < jobStale
}

// leaderFrom returns when month m's leaderboard falls due: midnight after
// the organisation's deadline (grace days, in loc).
func leaderFrom(m Month, loc *time.Location, grace int) time.Time {
	return reportDeadline(m, loc, grace).AddDate(0, 0, 1)
}

// leaderKey is the job mark recording that month m's leaderboard was
// posted: whatever the slots, the catch-ups or the restarts, once.
func leaderKey(m Month) string {
	return fmt.Sprintf("%s:posted@%d", JobLeaderboard, m)
}

// leaderLateKey is the job mark recording that cell was still collecting
// month m when m's leaderboard went out (what "open"), or that its place
// was sent to it once final (what "late").
func leaderLateKey(m Month, cell, what string) string {
	return fmt.Sprintf("%s:%s@%d#%s", JobLeaderboard, what, m, cell)
}

// leaderMonth returns the month a run of the leaderboard at now is about:
// for a run for one cell (/lichnhac), the latest month the organisation has
// stopped collecting; for a scheduled slot, the month due at the slot
// (LeaderboardDue), or false when none is, or it was posted already.
func (j *jobRun) leaderMonth() (Month, bool, error) {
	loc, grace := j.e.loc(), j.e.Cfg.GraceDays
	if j.cell != "" {
		return CollectingMonth(j.now, loc, grace).Prev(), true, nil
	}
	m, due := LeaderboardDue(j.slot, loc, grace)
	if !due {
		return 0, false, nil
	}
	done, err := j.tx.JobRan(leaderKey(m))
	if err != nil {
		return 0, false, fmt.Errorf("job mark: %w", err)
	}
	return m, !done, nil
}

// maxLeaderProbes bounds how many runs of the leaderboard's schedule
// leaderboardNext looks through (a daily schedule needs about 40).
const maxLeaderProbes = 5000

// leaderboardNext returns, for /lichnhac, the next run of the leaderboard
// after now that will post a month, and that month: the first run on
// which a month not posted yet falls due (a month whose first run has
// passed without a post, as no cell was ranked, is not waited for); when
// none is found, the schedule's next run and month 0; false when the job
// has no schedule.
func (e *Engine) leaderboardNext(tx Tx, now time.Time) (time.Time, Month, bool, error) {
	first, ok := e.nextRun(JobLeaderboard, now)
	for t, i := first, 0; ok && i < maxLeaderProbes; i++ {
		m, due := LeaderboardDue(t, e.loc(), e.Cfg.GraceDays)
		if due {
			opening, _ := e.nextRun(JobLeaderboard, leaderFrom(m, e.loc(), e.Cfg.GraceDays).Add(-time.Nanosecond))
			due = opening.Equal(t)
		}
		if due {
			done, err := tx.JobRan(leaderKey(m))
			if err != nil {
				return time.Time{}, 0, false, fmt.Errorf("job mark: %w", err)
			}
			if !done {
				return t, m, true, nil
			}
		}
		t, ok = e.nextRun(JobLeaderboard, t)
	}
	return first, 0, !first.IsZero(), nil
}

// stillOpen returns the cells of o that take reports of its month at now
// (their meeting is later than now, and they have not closed the month),
// each with the last day it does.
func (e *Engine) stillOpen(o OrgSummary, now time.Time) map[string]time.Time {
	open := map[string]time.Time{}
	for _, r := range o.Rows {
		grace := e.graceDays(r.Cell)
		if ReportOpen(o.Month, r.Closed, now, e.loc(), grace) {
			open[r.Cell.Code] = reportDeadline(o.Month, e.loc(), grace)
		}
	}
	return open
}

// leaderboard posts the ranking of the month due (leaderMonth), once to
// every linked group of every served cell (with the picture, own cell
// highlighted, where the platform uploads photos; privately to the secretaries of
// a cell without a group), and the full table to the admins, and records
// the month as posted. A cell still collecting the month is shown apart
// with its figure so far (Leaderboard). A run for one cell posts to that
// cell's groups and its secretaries only, and records nothing for the
// month. A slot on which no month is due does nothing; a slot run more
// than jobStale late, or on which no cell is ranked (a table of cells
// nobody could report in, or nobody did, as in the month before the bot
// was used, or of cells all still collecting), is not meaningful and posts
// nothing: a later day's run tries again.
func (j *jobRun) leaderboard() (bool, error) {
	if j.now.Sub(j.slot) > jobStale {
		return false, nil
	}
	m, due, err := j.leaderMonth()
	if err != nil {
		return false, err
	}
	if !due {
		return true, j.leaderboardLate()
	}
	j.month = m
	cur, err := j.e.orgSummary(j.tx, m, &j.dmg, true)
	if err != nil {
		return false, err
	}
	prev, err := j.e.orgSummary(j.tx, m.Prev(), &j.dmg, false)
	if err != nil {
		return false, err
	}
	open := j.e.stillOpen(cur, j.now)
	rows := Leaderboard(cur, prev, open)
	if !anyRanked(rows) {
		return false, nil
	}
	if j.cell == "" {
		if err := j.tx.MarkJob(leaderKey(m), j.now); err != nil {
			return false, fmt.Errorf("mark job: %w", err)
		}
		for code := range open {
			if err := j.tx.MarkJob(leaderLateKey(m, code, "open"), j.now); err != nil {
				return false, fmt.Errorf("mark job: %w", err)
			}
		}
	}
	deeds := cur.Deeds()
	cells, err := j.cells()
	if err != nil {
		return false, err
	}
	posted := map[bot.ChatID]bool{}
	toSec := map[bot.ChatID]bool{} // copies to secretaries of cells without a group
	var casts []cast
	for _, c := range cells {
		body := RenderLeaderboardGroup(j.e.text(), rows, c.Code, m, deeds)
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
			j.e.sendLeader(bot.Reply{Chat: g, Text: body, Bulk: true}, m, c.Code,
				func(rep bot.Reply) { j.out = append(j.out, rep) },
				func(q FileRequest) { q.At = j.now; j.files = append(j.files, q) })
			j.posted++
			inGroup = true
		}
		if inGroup && j.cell == "" {
			continue
		}
		ms, err := j.tx.Members(c.Code)
		if err := j.dmg.listing(err); err != nil {
			return false, fmt.Errorf("load members of %s: %w", c.Code, err)
		}
		secBody := body
		if !inGroup {
			secBody = j.e.t(text.LeaderNoGroup, leaderNoGroupView{Cell: c.Name, Body: body})
		}
		cs := cast{cell: c, inGroup: inGroup}
		for _, sec := range secretariesOf(ms, c.Code) {
			reps, err := privateReplies(j.tx, sec.PrivateChats(), secBody, nil)
			if err != nil {
				return false, err
			}
			for _, r := range reps {
				toSec[r.Chat] = !inGroup
			}
			cs.privates = append(cs.privates, reps...)
		}
		casts = append(casts, cs)
	}
	if j.cell == "" {
		admin := RenderLeaderboardAdmin(j.e.text(), rows)
		cs := cast{inGroup: true}
		for _, chats := range adminChats(j.e.Cfg.Admins) {
			reps, err := privateReplies(j.tx, chats, admin, nil)
			if err != nil {
				return false, err
			}
			cs.privates = append(cs.privates, reps...)
		}
		casts = append(casts, cs)
	}
	out, err := j.e.newBudget(j.tx, j.now).spend(casts, groupsOnly, j.job, j.now)
	if err != nil {
		return false, err
	}
	for _, r := range out {
		if toSec[r.Chat] {
			j.toSec++
		}
	}
	j.out = append(j.out, out...)
	return true, nil
}

// leaderNoGroupView feeds the leaderboard sent to the secretaries of a
// cell without a group.
type leaderNoGroupView struct{ Cell, Body string }

// leaderboardLate sends, once, to each cell that was still collecting the
// month of the latest leaderboard when it went out and has stopped now
// (its meeting is over, or it closed the month), its figure and its place
// among the cells, every one final by then: a cell that reports at a
// meeting later than the organisation's deadline is ranked too, only
// when its month is final. It goes to the cell's groups, or privately to
// its secretaries when none is reachable.
func (j *jobRun) leaderboardLate() error {
	loc := j.e.loc()
	m := CollectingMonth(j.now, loc, j.e.Cfg.GraceDays).Prev()
	cells, err := j.cells()
	if err != nil {
		return err
	}
	var late []Cell
	for _, c := range cells {
		open, err := j.tx.JobRan(leaderLateKey(m, c.Code, "open"))
		if err != nil {
			return fmt.Errorf("job mark: %w", err)
		}
		sent, err := j.tx.JobRan(leaderLateKey(m, c.Code, "late"))
		if err != nil {
			return fmt.Errorf("job mark: %w", err)
		}
		if open && !sent {
			late = append(late, c)
		}
	}
	if len(late) == 0 {
		return nil
	}
	cur, err := j.e.orgSummary(j.tx, m, &j.dmg, false)
	if err != nil {
		return err
	}
	stillOpen := j.e.stillOpen(cur, j.now)
	rows := Leaderboard(cur, OrgSummary{}, stillOpen)
	for _, c := range late {
		if _, ok := stillOpen[c.Code]; ok {
			continue
		}
		if err := j.tx.MarkJob(leaderLateKey(m, c.Code, "late"), j.now); err != nil {
			return fmt.Errorf("mark job: %w", err)
		}
		body := RenderLeaderboardLate(j.e.text(), rows, c.Code, m)
		if body == "" {
			continue
		}
		j.month = m
		inGroup := false
		for _, g := range c.Groups {
			if un, err := j.tx.Unreachable(g); err != nil {
				return fmt.Errorf("unreachable %s: %w", g, err)
			} else if un {
				continue
			}
			j.out = append(j.out, bot.Reply{Chat: g, Text: body, Bulk: true})
			j.posted++
			inGroup = true
		}
		if inGroup {
			continue
		}
		ms, err := j.tx.Members(c.Code)
		if err := j.dmg.listing(err); err != nil {
			return fmt.Errorf("load members of %s: %w", c.Code, err)
		}
		for _, sec := range secretariesOf(ms, c.Code) {
			if _, err := j.private(sec.PrivateChats(), body, nil); err != nil {
				return err
			}
		}
	}
	return nil
}
