package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
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
	files    []FileRequest // files asked for with replies (the leaderboard's picture)
	dmg      damage        // the records skipped because they cannot be read
}

// runJob runs job for slot (for cell only when cell is not "") in one
// write transaction: see RunJob.
//
// JobBackup does no work here: the engine never copies files. The
// scheduler in cmd copies the data file first and then calls RunJob for
// JobBackup, which only records the slot's mark.
func (e *Engine) runJob(ctx context.Context, job Job, slot time.Time, cell string) (bool, error) {
	now := e.now()
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
		e.log().Info("job slot skipped: no longer meaningful", bot.LogKeyJob, string(job), bot.LogKeySlot, slot.UTC().Format(time.RFC3339), bot.LogKeyCell, cell)
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
	spec, ok := jobSpec(job)
	if !ok {
		return nil, fmt.Errorf("%q: %w", job, ErrUnknownJob)
	}
	meaningful := true
	if spec.run != nil {
		if meaningful, err = spec.run(j); err != nil {
			return nil, err
		}
	}
	if err := tx.MarkJob(key, now); err != nil {
		return nil, fmt.Errorf("mark job: %w", err)
	}
	notes, err := j.damageNotes()
	if err != nil {
		return nil, err
	}
	if !meaningful {
		j.status, j.out, j.files = jobNoSense, nil, nil
		return j, e.queue(tx, notes, now, nil)
	}
	warnings, err := e.warnQuota(tx, now)
	if err != nil {
		return nil, err
	}
	if err := e.queue(tx, slices.Concat(j.out, warnings, notes), now, nil); err != nil {
		return nil, err
	}
	if err := recordFiles(tx, j.files); err != nil {
		return nil, err
	}
	j.status = jobRan
	return j, nil
}

// maxDamageNoted is how many skipped records a damage note names.
const maxDamageNoted = 10

// damageNotes returns, when the run skipped records it could not read, a
// note to each admin naming them (and logs them).
func (j *jobRun) damageNotes() ([]bot.Reply, error) {
	recs := j.dmg.records
	if len(recs) == 0 {
		return nil, nil
	}
	j.e.log().Error("job skipped damaged records", bot.LogKeyJob, string(j.job), bot.LogKeySlot, j.slot.UTC().Format(time.RFC3339),
		bot.LogKeyCell, j.cell, "records", strings.Join(recs, ", "))
	what := strings.Join(recs[:min(len(recs), maxDamageNoted)], "; ")
	if len(recs) > maxDamageNoted {
		what += "; …"
	}
	body := j.e.t(text.JobDamaged, jobDamagedView{Job: j.e.jobName(j.job), N: len(recs), What: what})
	var out []bot.Reply
	for _, chats := range adminChats(j.e.Cfg.Admins) {
		reps, err := privateReplies(j.tx, chats, body, nil)
		if err != nil {
			return nil, err
		}
		for _, r := range reps {
			r.Bulk = false
			out = append(out, r)
		}
	}
	return out, nil
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
	if err := j.dmg.listing(err); err != nil {
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
func (e *Engine) nudgeButton(m Month) [][]bot.Choice {
	return [][]bot.Choice{row(choice(e.t(text.NudgeButton, nil), goPrefix+"baocao:"+strconv.Itoa(int(m))))}
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

// jobDamagedView feeds the note to admins that a job skipped N damaged
// records, listed in What.
type jobDamagedView struct {
	Job, What string
	N         int
}
