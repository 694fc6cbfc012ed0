package flows

import (
	"context"
	"fmt"
	"time"
)

// DossierMonthState is what one month of a member's year was, in a dossier.
type DossierMonthState int

// Month states of a dossier, in the order they are decided: a month before
// the member connected is NotMember whatever else; a submitted report makes
// it Reported; then an exempt member's month is Exempt, a month not yet
// come Ahead, a month the member's reminders were paused in Paused, a
// month still taking reports Open, any other Missing. Exempt is miễn as it
// was in the month (RosterEntry.ExemptDuring); Paused a month a pause left
// out (Member.PausedOutOf). A member record with no pause history keeps
// only the latest pause and its last day: the months it is known to cover
// are the month of that day and, while it lasts, the months from now's to
// it.
const (
	DossierNotMember DossierMonthState = iota // before the bot followed the member (connected, or first recorded for)
	DossierReported                           // a submitted report
	DossierExempt                             // miễn công tác và sinh hoạt đảng in that month
	DossierAhead                              // a month not yet come
	DossierOpen                               // still taking reports (the month being collected, or the current one)
	DossierPaused                             // no report, a pause (tạm hoãn) over the month's deadline
	DossierMissing                            // counted, no report
)

// DossierMonth is one month of a dossier's year.
type DossierMonth struct {
	Month   Month
	State   DossierMonthState
	Praised bool // the month's report was praised (biểu dương)
}

// DossierDeed is one entry of a submitted report: a pledge item's (Item
// its number, ItemText its words) or a deed outside the pledge (Other).
type DossierDeed struct {
	Month    Month
	Item     int
	ItemText string
	Other    bool
	Status   ItemStatus
	Text     string // what was done
}

// DossierItem is one pledge item and what the member reported of it,
// month by month.
type DossierItem struct {
	PledgeItem
	CategoryName string
	Deeds        []DossierDeed // by month
}

// Dossier is one member's year (hồ sơ cuối năm), as the member reported
// it through the bot, laid out to feed section A.I.3 of the year-end
// self-review («Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu…»).
// It holds counts and what was reported, never a grade. Engine.Dossier
// builds it; Engine.DossierPDF writes it.
type Dossier struct {
	Org, Cell, Name string // the organisation; the cell's name; the full name as on the roster
	Year            int
	Made            time.Time // when it was made, in the organisation's zone

	// The pledge: HasPledge is false when the member registered none
	// (a draft is none).
	HasPledge bool
	Status    PledgeStatus
	Submitted time.Time // in the organisation's zone
	Decided   time.Time // approved or returned; zero: not yet
	DecidedBy string    // who decided; "" when not recorded
	Items     []DossierItem
	Others    []DossierDeed // deeds outside the pledge, and entries of items no longer in it, by month

	Months   []DossierMonth // January to December
	Reported int            // months with a submitted report
	Due      int            // months the member counted in (CountsIn) and had to report by now: past their deadline, or reported
	Praised  []DossierDeed  // the deeds of the praised reports, by month

	Exempt      bool      // miễn công tác và sinh hoạt đảng today
	Joined      Month     // the month the member connected, when inside the year; 0 otherwise
	PausedUntil time.Time // the last day of the latest pause (tạm hoãn), when it touches the year; zero: none
	PauseReason string
}

// Dossier returns the dossier of member id for year, read in one read-only
// transaction at the engine's clock.
func (e *Engine) Dossier(ctx context.Context, id MemberID, year int) (Dossier, error) {
	return e.dossierAt(ctx, id, year, e.now())
}

// dossierAt returns the dossier of member id for year as at at, read in
// one read-only transaction.
func (e *Engine) dossierAt(ctx context.Context, id MemberID, year int, at time.Time) (Dossier, error) {
	var d Dossier
	err := e.Store.View(ctx, func(tx Tx) error {
		m, ok, err := tx.Member(id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("dossier: no member %d", id)
		}
		d, err = e.dossierOf(tx, m, year, at)
		return err
	})
	return d, err
}

// dossierOf gathers m's dossier of year from tx at now: the roster's name,
// the pledge, each month's report, the counting rules of the summaries
// (CountsIn) and the latest pause.
func (e *Engine) dossierOf(tx Tx, m Member, year int, now time.Time) (Dossier, error) {
	loc := e.loc()
	d := Dossier{Org: e.Cfg.OrgName, Name: m.Name, Cell: m.Cell, Year: year, Made: now.In(loc), Exempt: m.Status == Exempt}
	if c, ok, err := tx.Cell(m.Cell); err != nil {
		return d, err
	} else if ok {
		d.Cell = c.Name
	}
	entry, onRoster, err := tx.RosterOf(m.ID)
	if err != nil {
		return d, err
	} else if onRoster && entry.Name != "" {
		d.Name = entry.Name
	}
	exemptIn := func(month Month) bool { // miễn as it was in month
		if onRoster {
			return entry.ExemptDuring(month, loc, &m)
		}
		return d.Exempt
	}
	grace := e.Cfg.GraceDays
	if m.Cell != "" {
		if grace, err = e.cellGrace(tx, m.Cell); err != nil {
			return d, err
		}
	}
	pl, ok, err := tx.Pledge(m.ID, year)
	if err != nil {
		return d, err
	}
	if ok && pl.Status != PledgeDraft {
		d.HasPledge, d.Status, d.Submitted, d.DecidedBy = true, pl.Status, pl.Submitted.In(loc), pl.DecidedBy
		if !pl.Decided.IsZero() {
			d.Decided = pl.Decided.In(loc)
		}
		for _, it := range pl.Items {
			d.Items = append(d.Items, DossierItem{PledgeItem: it, CategoryName: e.categoryName(it.Category)})
		}
	}
	joined := m.JoinedMonth(loc)
	if joined.Year() == year {
		d.Joined = joined
	}
	first, last := Month(year*100+1), Month(year*100+12)
	now1, open := MonthOf(now, loc), CollectingMonth(now, loc, e.Cfg.GraceDays)
	var pauseFrom, pauseTo Month // the months the latest pause is known to cover
	if !m.PausedUntil.IsZero() {
		through := pausedThrough(m, loc)
		pauseTo = MonthOf(through, loc)
		pauseFrom = min(pauseTo, now1)
		if pauseTo >= first && pauseFrom <= last {
			d.PausedUntil, d.PauseReason = through, m.PauseReason
		}
		if len(m.Pauses) > 0 { // its dates are known: PausedOutOf decides
			pauseFrom, pauseTo = 0, -1
		}
	}
	for month := first; month <= last; month = month.Next() {
		dm := DossierMonth{Month: month}
		r, reported, err := tx.Report(m.ID, month)
		if err != nil {
			return d, err
		}
		reported = reported && !r.Submitted.IsZero()
		switch {
		case joined > month:
			dm.State = DossierNotMember
		case reported:
			dm.State, dm.Praised = DossierReported, r.Exemplary
		case exemptIn(month):
			dm.State = DossierExempt
		case month > now1:
			dm.State = DossierAhead
		case m.PausedOutOf(month, loc, grace) || month >= pauseFrom && month <= pauseTo:
			dm.State = DossierPaused
		case month >= open:
			dm.State = DossierOpen
		default:
			dm.State = DossierMissing
		}
		d.Months = append(d.Months, dm)
		// Member.CountsIn with miễn as it was in the month; a pause leaves
		// out only a month without a report.
		if m.Cell != "" && joined <= month && !exemptIn(month) && (reported || month < open && !m.PausedOutOf(month, loc, grace)) {
			d.Due++
		}
		if !reported || joined > month {
			continue
		}
		d.Reported++
		deeds := d.addDeeds(r)
		if r.Exemplary {
			d.Praised = append(d.Praised, deeds...)
		}
	}
	return d, nil
}

// addDeeds files the deeds of r, a submitted report, under their pledge
// items (or among the others) and returns them: each entry done, begun or
// told, then the deed outside the pledge.
func (d *Dossier) addDeeds(r Report) []DossierDeed {
	var out []DossierDeed
	for _, en := range r.Entries {
		if en.Status == NotYet && en.Text == "" {
			continue
		}
		dd := DossierDeed{Month: r.Month, Item: en.Item, Status: en.Status, Text: en.Text}
		filed := false
		for i := range d.Items {
			if it := &d.Items[i]; it.No == en.Item && en.Item != 0 {
				dd.ItemText = it.Text
				it.Deeds = append(it.Deeds, dd)
				filed = true
			}
		}
		if !filed {
			dd.Other = true
			d.Others = append(d.Others, dd)
		}
		out = append(out, dd)
	}
	if r.Other != "" {
		dd := DossierDeed{Month: r.Month, Other: true, Status: Done, Text: r.Other}
		d.Others = append(d.Others, dd)
		out = append(out, dd)
	}
	return out
}
