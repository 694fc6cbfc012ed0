package flows

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Period is the months an export covers: First to Last, both in one year.
type Period struct {
	First, Last Month
	Kind        PeriodKind
}

// PeriodKind says how a period was asked for, for its title.
type PeriodKind int

// Kinds of period.
const (
	PeriodMonth PeriodKind = iota // one month
	PeriodHalf                    // January to June (6 tháng đầu năm)
	PeriodYear                    // January to December, or to the current month
)

// Months returns the months of p, in order.
func (p Period) Months() []Month {
	var out []Month
	for m := p.First; m <= p.Last; m = m.Next() {
		out = append(out, m)
	}
	return out
}

// Year returns the year of p.
func (p Period) Year() int { return p.First.Year() }

// ParsePeriod reads the period of /xuat as people type it: "" or "năm"
// (the year so far), "năm 2025" or "2025" (a year), "6t", "6 tháng" or
// "6 tháng đầu năm" (January to June, optionally with a year), or a month
// as ParseMonth reads it ("11", "11/2026"). cur is the latest month an
// export may cover (the month being collected): a half-year or year of
// cur's year ends there; a month may be up to now's month (in loc), never
// later. ok is false for anything else.
func ParsePeriod(s string, cur Month, now time.Time, loc *time.Location) (Period, bool) {
	in := foldName(s)
	year := cur.Year()
	words := strings.Fields(in)
	if n := len(words); n > 0 {
		if y, err := strconv.Atoi(words[n-1]); err == nil && y >= 2000 && y <= 2100 {
			year, words = y, words[:n-1]
		}
	}
	rest := strings.Join(words, " ")
	kind := PeriodMonth
	switch rest {
	case "", "nam", "ca nam":
		kind = PeriodYear
	case "6t", "6 t", "6 thang", "6 thang dau nam", "sau thang dau nam", "nua nam", "nua dau nam":
		kind = PeriodHalf
	}
	if kind != PeriodMonth {
		if year > cur.Year() {
			return Period{}, false
		}
		last := Month(year*100 + 12)
		if kind == PeriodHalf {
			last = Month(year*100 + 6)
		}
		first := Month(year*100 + 1)
		last = min(last, cur)
		if last < first {
			return Period{}, false
		}
		return Period{First: first, Last: last, Kind: kind}, true
	}
	m, err := ParseMonth(s, now, loc)
	if err != nil || m > max(cur, MonthOf(now, loc)) {
		return Period{}, false
	}
	return Period{First: m, Last: m, Kind: PeriodMonth}, true
}

// ExportMark is one month of a member in the export's grid.
type ExportMark int

// Marks of the grid.
const (
	MarkNone     ExportMark = iota // not counted: connected after the month (blank)
	MarkReported                   // ✓ a submitted report
	MarkMissing                    // – counted, no report
	MarkExempt                     // M miễn công tác và sinh hoạt đảng in that month (RosterEntry.ExemptDuring)
	MarkPaused                     // T no report, a pause (tạm hoãn) over the month's deadline: not counted (Member.PausedOutOf)
)

// ExportMember is one member's row of the export.
type ExportMember struct {
	Name, Cell string       // full name; the cell's name
	Status     RosterStatus // on the roster: chính thức, dự bị, miễn
	Connected  bool         // uses the bot
	Recorded   bool         // the cell recorded the pledge or a report of the period for the member (chi bộ ghi hộ)
	Items      int          // items of the year's pledge (not a draft); 0: none
	ItemsDone  int          // of those, items reported done in a month of the period
	Pledged    time.Time    // when the pledge was submitted; zero: none
	Approved   time.Time    // when the cell approved it; zero: not approved
	Marks      []ExportMark
	Reported   int // months with a submitted report, of the counted ones
	Due        int // months the member counts in (CountsIn)
	Praised    int // reports featured as exemplary (biểu dương)
	Exempt     bool
	PausedTo   time.Time // reminders paused until then (tạm hoãn); zero: not paused
	Joined     Month     // the month the member connected, when inside the period; 0 otherwise
}

// ExportCell is one cell's row of the summary sheet: SummaryCounts of the
// period's last month, as /summary shows them, and the period's sums.
type ExportCell struct {
	Name string
	SummaryCounts
	ReportedSum, DueSum int // reports and counted members, summed over the period's months
	Praised             int // exemplary reports in the period
}

// add sums o into c (the organisation's total).
func (c *ExportCell) add(o ExportCell) {
	c.SummaryCounts.add(o.SummaryCounts)
	c.ReportedSum += o.ReportedSum
	c.DueSum += o.DueSum
	c.Praised += o.Praised
}

// ExportDeed is one entry of a submitted report.
type ExportDeed struct {
	Name, Cell string
	Month      Month
	Item       string // the pledge item's text; "" for a deed outside the pledge
	Other      bool   // a deed outside the pledge (Report.Other)
	Status     ItemStatus
	Text       string // what was done
	Recorded   bool   // the cell recorded the report (chi bộ ghi hộ)
}

// ExportBook is what /xuat writes into a workbook: the rows of its three
// sheets, in order (cells by name, members by cell then Vietnamese name
// order, deeds by member then month). It is built by Engine.exportBook and
// written by Engine.Spreadsheet.
type ExportBook struct {
	Org     string // the organisation's name
	Scope   string // the cell's name, "" for the whole organisation
	Period  Period
	Members []ExportMember
	Cells   []ExportCell
	Total   ExportCell // the organisation's (or the one cell's) total
	Deeds   []ExportDeed
}

// PercentValue returns num/den as the fraction a spreadsheet shows with a
// whole-percent format, rounded as FormatPercent rounds (so the file shows
// what /summary shows), and false when den is not positive.
func PercentValue(num, den int) (float64, bool) {
	if den <= 0 {
		return 0, false
	}
	return float64(vnPercent(num, den)) / 100, true
}

// exportBook gathers cells' members, pledges and reports of p from tx into
// an ExportBook, with the counting rules of the summaries (CountsIn,
// cellTally); now tells whose reminders are paused.
func (e *Engine) exportBook(tx Tx, cells []Cell, scope string, p Period, now time.Time) (ExportBook, error) {
	loc := e.loc()
	b := ExportBook{Org: e.Cfg.OrgName, Scope: scope, Period: p, Total: ExportCell{}}
	vnSortTitles(cells, func(c Cell) string { return c.Name }, func(a, c Cell) int { return strings.Compare(a.Code, c.Code) })
	months := p.Months()
	in := map[string]bool{}
	for _, c := range cells {
		in[c.Code] = true
	}
	// submitted returns member's submitted report of month: one lookup
	// (reports are keyed month-first, so a cell's members' reports of a
	// month are near each other), rather than holding every report of the
	// period at once.
	submitted := func(member MemberID, month Month) (Report, bool, error) {
		r, ok, err := tx.Report(member, month)
		return r, ok && !r.Submitted.IsZero(), err
	}
	for _, c := range cells {
		people, err := exportPeople(tx, c.Code, p, loc)
		if err != nil {
			return b, err
		}
		t := newCellTally(c, p.Last, loc, MonthState{}, false)
		grace := e.graceDays(c)
		t.deadline = ReportDeadline(p.Last, loc, grace)
		row := ExportCell{Name: c.Name}
		for i := range people {
			person := &people[i]
			m := &person.Member
			var pl Pledge
			hasPledge := false
			if person.HasMember() {
				pl, hasPledge, err = tx.Pledge(m.ID, p.Year())
				if err != nil {
					return b, err
				}
			}
			hasPledge = hasPledge && pl.Status != PledgeDraft
			xm := ExportMember{Name: m.Name, Cell: c.Name, Status: person.Entry.Status, Connected: person.Connected(),
				Exempt: person.Entry.ExemptIn(person.member()), Marks: make([]ExportMark, len(months))}
			if xm.Exempt {
				xm.Status = RosterExempt
			}
			done := map[int]bool{} // pledge items reported done in the period
			if m.Paused(now) {
				xm.PausedTo = m.PausedUntil.In(loc)
			}
			if j := person.joinedMonth(c.Code, loc); j > p.First && j <= p.Last {
				xm.Joined = j
			}
			if hasPledge {
				xm.Items, xm.Pledged, xm.Recorded = len(pl.Items), pl.Submitted.In(loc), !pl.Recorded.Zero()
				if pl.Status == PledgeApproved {
					xm.Approved = pl.Decided.In(loc)
				}
			}
			for k, month := range months {
				if !person.CountsIn(c.Code, month, loc) {
					if person.Entry.OnRosterIn(c.Code, month, loc) && person.Entry.ExemptDuring(month, loc, person.member()) {
						xm.Marks[k] = MarkExempt
					}
					continue
				}
				var r Report
				ok := false
				if person.HasMember() {
					if r, ok, err = submitted(m.ID, month); err != nil {
						return b, err
					}
				}
				if !ok && m.PausedOutOf(month, loc, grace) {
					xm.Marks[k] = MarkPaused
					continue
				}
				xm.Due++
				if !ok {
					xm.Marks[k] = MarkMissing
					continue
				}
				xm.Marks[k] = MarkReported
				xm.Reported++
				if r.Exemplary {
					xm.Praised++
				}
				xm.Recorded = xm.Recorded || !r.Recorded.Zero()
				if hasPledge {
					for _, it := range pl.Items {
						if slices.ContainsFunc(r.Entries, func(en Entry) bool { return en.Item == it.No && en.Status == Done }) {
							done[it.No] = true
						}
					}
				}
				b.Deeds = append(b.Deeds, exportDeeds(m.Name, c.Name, r, pl, hasPledge)...)
			}
			xm.ItemsDone = len(done)
			row.ReportedSum += xm.Reported
			row.DueSum += xm.Due
			row.Praised += xm.Praised
			last := map[MemberID]Report{}
			if person.HasMember() {
				r, ok, err := submitted(m.ID, p.Last)
				if err != nil {
					return b, err
				}
				if ok {
					last[m.ID] = r
				}
			}
			pledges := map[MemberID]Pledge{}
			if hasPledge {
				pledges[m.ID] = pl
			}
			t.addRosterPerson(person, last, pledges)
			b.Members = append(b.Members, xm)
		}
		row.SummaryCounts = t.summary().SummaryCounts
		b.Cells = append(b.Cells, row)
		b.Total.add(row)
	}
	return b, nil
}

// exportPeople returns the people of cell's roster who are on it in a
// month of p (RosterEntry.OnRosterIn), in Vietnamese name order.
func exportPeople(tx Tx, cell string, p Period, loc *time.Location) ([]RosterPerson, error) {
	roster, err := cellRoster(tx, cell, p.First, loc)
	if err != nil {
		return nil, err
	}
	var out []RosterEntry
	for _, e := range roster {
		if slices.ContainsFunc(p.Months(), func(m Month) bool { return e.OnRosterIn(cell, m, loc) }) {
			out = append(out, e)
		}
	}
	ms, err := tx.Members(cell)
	if err != nil {
		return nil, err
	}
	var lookupErr error
	people := rosterPeople(out, func(id MemberID) (Member, bool) {
		m, ok, err := tx.Member(id)
		if err != nil && lookupErr == nil {
			lookupErr = err
		}
		return m, ok
	})
	if lookupErr != nil {
		return nil, lookupErr
	}
	for _, person := range withUnlisted(nil, roster, ms, cell) {
		if slices.ContainsFunc(p.Months(), func(m Month) bool { return person.Entry.OnRosterIn(cell, m, loc) }) {
			people = append(people, person)
		}
	}
	vnSortKeyed(people, func(p RosterPerson) string { return p.Member.Name }, func(a, b RosterPerson) int {
		return cmp.Compare(a.Entry.ID, b.Entry.ID)
	})
	return people, nil
}

// exportDeeds returns the deeds of r, a submitted report of the member
// called name: each entry done or begun or told, then the deed outside
// the pledge.
func exportDeeds(name, cell string, r Report, pl Pledge, hasPledge bool) []ExportDeed {
	var out []ExportDeed
	for _, en := range r.Entries {
		if en.Status == NotYet && en.Text == "" {
			continue
		}
		d := ExportDeed{Name: name, Cell: cell, Month: r.Month, Status: en.Status, Text: en.Text, Recorded: !r.Recorded.Zero()}
		if hasPledge {
			for _, it := range pl.Items {
				if it.No == en.Item {
					d.Item = it.Text
				}
			}
		}
		out = append(out, d)
	}
	if r.Other != "" {
		out = append(out, ExportDeed{Name: name, Cell: cell, Month: r.Month, Other: true, Status: Done, Text: r.Other, Recorded: !r.Recorded.Zero()})
	}
	return out
}
