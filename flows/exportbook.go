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

// ExportMember is one member's row of the export, with the deeds of their
// reports in the period.
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
	PausedTo   time.Time    // reminders paused until then (tạm hoãn); zero: not paused
	Joined     Month        // the month the member connected, when inside the period; 0 otherwise
	Deeds      []ExportDeed // the deeds of the member's reports, by month (the deed sheet's rows)
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

// ExportBook is what /xuat writes into a workbook. Its rows are not held:
// Members reads them from the store as the writer asks for them, one
// member at a time (an organisation's year is hundreds of thousands of
// rows), so the writer runs inside the read transaction the book was made
// in (Engine.makeExport). The member sheet's rows come in order (cells by
// name, members by Vietnamese name order), each with its deeds (the deed
// sheet's rows, by member then month); the cell sheet's rows are tallied
// on the way and complete once Members has run to its end.
type ExportBook struct {
	Org    string // the organisation's name
	Scope  string // the cell's name, "" for the whole organisation
	Period Period
	// Members calls yield with each member's row in order until yield
	// returns false; it returns the first error reading the store. The row
	// and its deeds are reused: they are valid during the call only.
	Members func(yield func(*ExportMember) bool) error
	// Cells returns the cell sheet's rows, by name, and the organisation's
	// (or the one cell's) total: those of the cells Members went through,
	// so all of them once it has run to its end.
	Cells func() ([]ExportCell, ExportCell)
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

// exportRows reads an export's rows from a read transaction (ExportBook),
// with the counting rules of the summaries (CountsIn, cellTally). It holds
// one cell's people at a time.
type exportRows struct {
	e      *Engine
	tx     Tx
	cells  []Cell
	p      Period
	months []Month   // p's
	now    time.Time // tells whose reminders are paused
	loc    *time.Location

	got     []monthReport // the cell's people's months (fetch), reused
	pledged []yearPledge  // the cell's people's pledges of the year (fetch), reused
	order   []int         // the cell's people by member ID (fetch), reused
	row     ExportMember  // the row being read, reused
	done    map[int]bool  // the row's pledge items reported done in the period
	last    map[MemberID]Report
	pledges map[MemberID]Pledge

	sheet          []ExportCell // the cell sheet's rows so far
	total          ExportCell
	members, deeds int // rows read so far
}

// exportBook returns the book of cells' members, pledges and reports of p,
// read from tx as the writer asks (ExportBook); rows counts them.
func (e *Engine) exportBook(tx Tx, cells []Cell, scope string, p Period, now time.Time) (ExportBook, *exportRows) {
	vnSortTitles(cells, func(c Cell) string { return c.Name }, func(a, c Cell) int { return strings.Compare(a.Code, c.Code) })
	rows := &exportRows{e: e, tx: tx, cells: cells, p: p, months: p.Months(), now: now, loc: e.loc(),
		done: map[int]bool{}, last: map[MemberID]Report{}, pledges: map[MemberID]Pledge{}}
	rows.row.Marks = make([]ExportMark, len(rows.months))
	b := ExportBook{Org: e.Cfg.OrgName, Scope: scope, Period: p, Members: rows.each,
		Cells: func() ([]ExportCell, ExportCell) { return rows.sheet, rows.total }}
	return b, rows
}

// each reads the rows cell by cell (ExportBook.Members).
func (s *exportRows) each(yield func(*ExportMember) bool) error {
	for _, c := range s.cells {
		people, err := exportPeople(s.tx, c.Code, s.p, s.loc)
		if err != nil {
			return err
		}
		t := newCellTally(c, s.p.Last, s.loc, MonthState{}, false)
		grace := s.e.graceDays(c)
		t.deadline = ReportDeadline(s.p.Last, s.loc, grace)
		row := ExportCell{Name: c.Name}
		if err := s.fetch(people, c.Code); err != nil {
			return err
		}
		n := len(s.months)
		for i := range people {
			s.read(&people[i], s.pledged[i], s.got[i*n:(i+1)*n], c, grace, &t)
			xm := &s.row
			row.ReportedSum += xm.Reported
			row.DueSum += xm.Due
			row.Praised += xm.Praised
			s.members++
			s.deeds += len(xm.Deeds)
			if !yield(xm) {
				return nil
			}
		}
		row.SummaryCounts = t.summary().SummaryCounts
		s.sheet = append(s.sheet, row)
		s.total.add(row)
	}
	return nil
}

// monthReport is one person's month of the period: whether they count in
// it (CountsIn) and then their submitted report, if any.
type monthReport struct {
	counts, ok bool
	r          Report
}

// yearPledge is one person's pledge of the period's year, if any.
type yearPledge struct {
	pl Pledge
	ok bool
}

// fetch reads the pledges and months of people, cell's, in order: person
// i's pledge into s.pledged[i], their month k into s.got[i×len(s.months)+k].
// The pledges are looked up by member ID, the reports month by month, each
// month's by member ID: the store keeps them in that order, so it mostly
// steps from one to the next instead of searching for each. Only one
// cell's period is held.
func (s *exportRows) fetch(people []RosterPerson, cell string) error {
	n := len(s.months)
	s.got = slices.Grow(s.got[:0], len(people)*n)[:len(people)*n]
	clear(s.got)
	s.pledged = slices.Grow(s.pledged[:0], len(people))[:len(people)]
	clear(s.pledged)
	s.order = s.order[:0]
	for i := range people {
		s.order = append(s.order, i)
	}
	slices.SortFunc(s.order, func(a, b int) int { return cmp.Compare(people[a].Member.ID, people[b].Member.ID) })
	for _, i := range s.order {
		if !people[i].HasMember() {
			continue
		}
		pl, ok, err := s.tx.Pledge(people[i].Member.ID, s.p.Year())
		if err != nil {
			return err
		}
		s.pledged[i] = yearPledge{pl: pl, ok: ok && pl.Status != PledgeDraft}
	}
	for k, month := range s.months {
		for _, i := range s.order {
			person, g := &people[i], &s.got[i*n+k]
			if g.counts = person.CountsIn(cell, month, s.loc); !g.counts || !person.HasMember() {
				continue
			}
			r, ok, err := s.tx.Report(person.Member.ID, month)
			if err != nil {
				return err
			}
			g.r, g.ok = r, ok && !r.Submitted.IsZero()
		}
	}
	return nil
}

// read reads person's row of cell c into s.row, from their pledge and
// months (fetch), and counts them in t.
func (s *exportRows) read(person *RosterPerson, yp yearPledge, months []monthReport, c Cell, grace int, t *cellTally) {
	p, loc := s.p, s.loc
	m := &person.Member
	pl, hasPledge := yp.pl, yp.ok
	marks, deeds := s.row.Marks, s.row.Deeds[:0]
	clear(marks)
	s.row = ExportMember{Name: m.Name, Cell: c.Name, Status: person.Entry.Status, Connected: person.Connected(),
		Exempt: person.Entry.ExemptIn(person.member()), Marks: marks}
	xm := &s.row
	if xm.Exempt {
		xm.Status = RosterExempt
	}
	clear(s.done)
	clear(s.last) // the report of p.Last, read below when the person counts in it (the summary wants no other)
	if m.Paused(s.now) {
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
	for k, month := range s.months {
		g := &months[k]
		if !g.counts {
			if person.Entry.OnRosterIn(c.Code, month, loc) && person.Entry.ExemptDuring(month, loc, person.member()) {
				xm.Marks[k] = MarkExempt
			}
			continue
		}
		r, ok := g.r, g.ok
		if ok && month == p.Last {
			s.last[m.ID] = r // counted in the summary's month
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
					s.done[it.No] = true
				}
			}
		}
		deeds = appendDeeds(deeds, m.Name, c.Name, r, pl, hasPledge)
	}
	xm.ItemsDone = len(s.done)
	xm.Deeds = deeds
	clear(s.pledges)
	if hasPledge {
		s.pledges[m.ID] = pl
	}
	t.addRosterPerson(person, s.last, s.pledges)
}

// exportPeople returns the people of cell's roster who are on it in a
// month of p (RosterEntry.OnRosterIn), in Vietnamese name order.
func exportPeople(tx Tx, cell string, p Period, loc *time.Location) ([]RosterPerson, error) {
	roster, err := cellRoster(tx, cell, p.First, loc)
	if err != nil {
		return nil, err
	}
	months := p.Months()
	var out []RosterEntry
	for _, e := range roster {
		if slices.ContainsFunc(months, func(m Month) bool { return e.OnRosterIn(cell, m, loc) }) {
			out = append(out, e)
		}
	}
	ms, err := tx.Members(cell)
	if err != nil {
		return nil, err
	}
	byID := make(map[MemberID]*Member, len(ms))
	for i := range ms {
		byID[ms[i].ID] = &ms[i]
	}
	var lookupErr error
	people := rosterPeople(out, func(id MemberID) (Member, bool) {
		if m, ok := byID[id]; ok { // read with the cell's members
			return *m, true
		}
		m, ok, err := tx.Member(id) // moved to another cell since
		if err != nil && lookupErr == nil {
			lookupErr = err
		}
		return m, ok
	})
	if lookupErr != nil {
		return nil, lookupErr
	}
	for _, person := range withUnlisted(nil, roster, ms, cell) {
		if slices.ContainsFunc(months, func(m Month) bool { return person.Entry.OnRosterIn(cell, m, loc) }) {
			people = append(people, person)
		}
	}
	vnSortKeyed(people, func(p RosterPerson) string { return p.Member.Name }, func(a, b RosterPerson) int {
		return cmp.Compare(a.Entry.ID, b.Entry.ID)
	})
	return people, nil
}

// appendDeeds appends to out the deeds of r, a submitted report of the
// member called name: each entry done or begun or told, then the deed
// outside the pledge.
func appendDeeds(out []ExportDeed, name, cell string, r Report, pl Pledge, hasPledge bool) []ExportDeed {
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
