package flows

import (
	"fmt"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// dossierYear returns the year the year-end job of slot (in loc) sends
// the dossiers of: the year of the month before the slot's, so that a run
// in December sends that year's and a run in January the year just ended.
func dossierYear(slot time.Time, loc *time.Location) int {
	return MonthOf(slot, loc).Prev().Year()
}

// dossierTarget returns the private chat a member's dossier goes to: the
// first of their chats on a platform that uploads files and that the
// outbox has not found unreachable; false when there is none (a member on
// Zalo only, today).
func (e *Engine) dossierTarget(m Member, unreachable map[bot.ChatID]bool) (bot.ChatID, bool) {
	for _, c := range m.PrivateChats() {
		if !unreachable[c] && e.caps(c.Platform).Upload {
			return c, true
		}
	}
	return bot.ChatID{}, false
}

// dossiers (JobDossier) sends each member their dossier of the year
// (dossierYear), privately, with a short note: members who may be
// reminded now (Remindable: connected, not exempt, reminders not paused,
// reachable), on a platform that uploads files. A slot older than
// jobStale (after downtime) is skipped. The PDFs go through the outbox as
// bulk messages, at the platforms' rate limits.
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
				d, f, err := j.e.dossierFile(j.tx, m, year, j.now)
				if err != nil {
					return err
				}
				j.out = append(j.out, bot.Reply{Chat: chat, Bulk: true, File: f,
					Text: j.e.t(text.DossierJobNote, nameYearView{Name: d.Name, Year: year})})
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
