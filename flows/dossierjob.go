package flows

import (
	"fmt"
	"time"

	"lamtheo/bot"
)

// dossierYear returns the year the year-end job of slot (in loc) sends
// the dossiers of: the year of the month before the slot's, so that a run
// in December sends that year's and a run in January the year just ended.
func dossierYear(slot time.Time, loc *time.Location) int {
	return MonthOf(slot, loc).Prev().Year()
}

// dossierTarget returns the private chat a member's dossier goes to: of
// their chats the outbox has not found unreachable, the first on a
// platform that uploads files, else the first a link reaches (Zalo with
// [files] public_url); false when there is none (a member on Zalo only
// and no public URL: no note is sent then, their secretary can get it).
func (e *Engine) dossierTarget(m Member, unreachable map[bot.ChatID]bool) (bot.ChatID, bool) {
	var linked bot.ChatID
	found := false
	for _, c := range m.PrivateChats() {
		switch {
		case unreachable[c]:
		case e.caps(c.Platform).Upload:
			return c, true
		case !found && e.fileReaches(c, true):
			linked, found = c, true
		}
	}
	return linked, found
}

// dossiers (JobDossier) sends each member their dossier of the year
// (dossierYear), privately, with a short note: members who may be
// reminded now (Remindable: connected, not exempt, reminders not paused,
// reachable), where a file reaches them (dossierTarget). A slot older than
// jobStale (after downtime) is skipped. The run records one FileRequest
// per member: the FileWorker builds each PDF afterwards, off this write
// transaction, and queues it as a bulk message, sent at the platforms'
// rate limits.
func (j *jobRun) dossiers() (bool, error) {
	if j.now.Sub(j.slot) > jobStale || j.e.DossierPDF == nil {
		return false, nil
	}
	loc := j.e.loc()
	year := dossierYear(j.slot, loc)
	j.month = Month(year*100 + 12)
	cells, err := j.cells()
	if err != nil {
		return false, err
	}
	for _, c := range cells {
		err := guard(func() error {
			ms, err := j.tx.Members(c.Code)
			if err := j.dmg.listing(err); err != nil {
				return fmt.Errorf("load members of %s: %w", c.Code, err)
			}
			un, err := unreachableChats(j.tx, ms)
			if err != nil {
				return err
			}
			for _, m := range ms {
				if m.Cell != c.Code || !m.Remindable(j.now, loc, un) {
					continue
				}
				chat, ok := j.e.dossierTarget(m, un)
				if !ok {
					continue
				}
				q := dossierRequest(m, year, dossierNoteJob, bot.Reply{Chat: chat, Bulk: true})
				q.At = j.now
				j.files = append(j.files, q)
				j.prompted++
			}
			return nil
		})
		if err != nil {
			if err := j.dmg.skip("cell "+c.Code, err); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}
