package flows

import (
	"strings"

	"lamtheo/flows/text"
)

// meStreakCap bounds how far back /cuatoi walks to count a run of reported
// months (50 years): the walk reads one report per month of the run.
const meStreakCap = 600

// meItemRunes bounds a pledge item's text in /cuatoi, to keep it short on a
// phone.
const meItemRunes = 80

// meItem is one pledge item as /cuatoi shows it.
type meItem struct {
	No          int
	Text        string
	Latest      string // the status in the latest report with an entry for it; "" if none
	LatestMonth string
}

// meView is the data of the /cuatoi text.
type meView struct {
	Name, Cell string
	Exempt     bool
	Paused     string // "20/12/2026" while reminders are paused
	Year       int
	HasPledge  bool
	Status     string
	NextYear   int    // in December, the year /dangky opens (PledgeYear); 0 otherwise
	NextStatus string // the status of the member's pledge for NextYear; "" if none
	Items      []meItem
	Months     string // "T11 ✓ T12 –": this year's months since the member connected
	Streak     int
	Last       string // "tháng 11/2026": the latest month of the streak
	DueNow     bool   // the current month is not reported yet (and the member must report)
	Month      string
}

// cmdMe shows the member their pledge for the year, the months they have
// reported since they connected (never a month before: it would read as a
// month missed), each item's latest status and their run of reported
// months.
func (r *req) cmdMe(string) error {
	m := r.member
	cur := r.currentMonth()
	cell, _, err := r.tx.Cell(m.Cell)
	if err != nil {
		return err
	}
	v := meView{
		Name: m.Name, Cell: cell.Name, Exempt: m.Status == Exempt,
		Year: cur.Year(), Month: FormatMonth(r.e.text(), cur),
	}
	if m.Paused(r.now) {
		v.Paused = pausedThrough(m, r.e.loc()).Format("2/1/2006") // the last paused day
	}

	// This year's months since the member connected (since the transfer,
	// for a member who moved cell), one lookup per month; a month reported
	// before that (in the member's former cell) is shown too, and so are
	// the months after it: their history stays theirs.
	reports := make(map[Month]Report, cur.Num())
	var marks []string
	joined := m.JoinedMonth(r.e.loc())
	for mo := Month(cur.Year()*100 + 1); mo <= cur; mo++ {
		rep, ok, err := r.tx.Report(m.ID, mo)
		if err != nil {
			return err
		}
		switch {
		case ok && !rep.Submitted.IsZero():
			reports[mo] = rep
			marks = append(marks, r.t(text.MeMonthDone, mo.Num()))
		case mo >= joined || len(marks) > 0:
			marks = append(marks, r.t(text.MeMonthMissing, mo.Num()))
		}
	}
	v.Months = strings.Join(marks, " ")
	_, doneNow := reports[cur]
	v.DueNow = !doneNow && m.CountsIn(cur, r.e.loc())

	var last Month
	v.Streak, last, err = r.streak(m, cur, reports)
	if err != nil {
		return err
	}
	if v.Streak > 0 {
		v.Last = FormatMonth(r.e.text(), last)
	}

	p, ok, err := r.tx.Pledge(m.ID, cur.Year())
	if err != nil {
		return err
	}
	if ok && len(p.Items) > 0 {
		v.HasPledge = true
		v.Status = r.t(pledgeStatusKey(p.Status), nil)
		for _, it := range p.Items {
			mi := meItem{No: it.No, Text: shorten(NormalizeText(it.Text), meItemRunes)}
			for mo := cur; mo.Year() == cur.Year(); mo = mo.Prev() {
				if e, found := entryFor(reports[mo], it.No); found {
					mi.Latest, mi.LatestMonth = r.statusName(e.Status), FormatMonth(r.e.text(), mo)
					break
				}
			}
			v.Items = append(v.Items, mi)
		}
	}
	if py := r.year(); py != cur.Year() {
		v.NextYear = py
		np, ok, err := r.tx.Pledge(m.ID, py)
		if err != nil {
			return err
		}
		if ok && len(np.Items) > 0 {
			v.NextStatus = r.t(pledgeStatusKey(np.Status), nil)
		}
	}
	r.say(text.MeView, v)
	return nil
}

// streak counts the member's consecutive reported months ending at cur, or
// at the month before when cur is not reported yet, and returns the month it
// ends at. reports holds cur's reported months of the year; earlier months
// are read as the run reaches them, never before the month the member
// joined.
func (r *req) streak(m Member, cur Month, reports map[Month]Report) (int, Month, error) {
	first := m.JoinedMonth(r.e.loc())
	reported := func(mo Month) (bool, error) {
		if mo.Year() == cur.Year() {
			_, ok := reports[mo]
			return ok, nil
		}
		rep, ok, err := r.tx.Report(m.ID, mo)
		return ok && !rep.Submitted.IsZero(), err
	}
	mo := cur
	if ok, _ := reported(cur); !ok {
		mo = cur.Prev()
	}
	last, n := mo, 0
	for ; n < meStreakCap && mo >= first && mo.Valid(); mo = mo.Prev() {
		ok, err := reported(mo)
		if err != nil {
			return 0, 0, err
		}
		if !ok {
			break
		}
		n++
	}
	return n, last, nil
}

// entryFor returns rep's entry for pledge item no.
func entryFor(rep Report, no int) (Entry, bool) {
	for _, e := range rep.Entries {
		if e.Item == no {
			return e, true
		}
	}
	return Entry{}, false
}
