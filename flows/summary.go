package flows

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lamtheo/flows/text"
)

// SummaryCounts are the numbers of a cell's (or the organisation's) month.
// Exempt members count in Members and Exempt only, never in a denominator;
// members who connected after the month count in Members only. "Counted"
// below is Member.CountsIn the month.
type SummaryCounts struct {
	Members      int // every member of the cell (on its roster in the month), exempt or not
	Exempt       int // miễn công tác và sinh hoạt đảng
	PausedOut    int // counted members left out for a pause (tạm hoãn) that covered the month's deadline, without a report (Member.PausedOutOf)
	MustReport   int // counted members: the denominator
	Connected    int // counted members who use the bot (RosterPerson.Connected)
	Reported     int // counted members with a submitted report for the month
	OnBehalf     int // of those, reports the cell recorded for the member (Report.Recorded)
	NotReported  int // MustReport − Reported
	Pledged      int // counted members with a pledge (not a draft) for the month's year
	ItemsPledged int // pledge items of the counted members' pledges
	ItemsDone    int // of those, items reported done in the month
	Exemplary    int // submitted reports of counted members featured as exemplary
}

// NotConnected returns how many counted members do not use the bot.
func (c SummaryCounts) NotConnected() int { return c.MustReport - c.Connected }

// Percent formats Reported/MustReport with FormatPercent ("—" when nobody
// has to report).
func (c SummaryCounts) Percent() string { return FormatPercent(c.Reported, c.MustReport) }

func (c *SummaryCounts) add(o SummaryCounts) {
	c.Members += o.Members
	c.Exempt += o.Exempt
	c.MustReport += o.MustReport
	c.Connected += o.Connected
	c.Reported += o.Reported
	c.OnBehalf += o.OnBehalf
	c.NotReported += o.NotReported
	c.Pledged += o.Pledged
	c.ItemsPledged += o.ItemsPledged
	c.ItemsDone += o.ItemsDone
	c.Exemplary += o.Exemplary
}

// rateCompare compares participation rates as shown (FormatPercent): it
// returns +1 when c's percentage is higher than o's, 0 when both show the
// same. Ranking by the shown number means two cells showing "67%" share a
// place, as people reading the list expect. Both must have MustReport > 0.
func (c SummaryCounts) rateCompare(o SummaryCounts) int {
	return cmp.Compare(vnPercent(c.Reported, c.MustReport), vnPercent(o.Reported, o.MustReport))
}

// ExemplaryDeed is a report the secretary featured (nêu gương), ready to
// show: nêu gương is public praise, so the name may appear in groups.
type ExemplaryDeed struct {
	Member   MemberID
	Name     string // the member's full name
	Cell     string // cell code
	CellName string
	Text     string // what was done: the done items' texts and the other deed, shortened
}

// CellSummary is one cell's month, computed by SummarizeCell. It is a value:
// safe to share once built.
type CellSummary struct {
	SummaryCounts
	Cell    Cell
	Month   Month
	Closed  bool     // the secretary closed the month
	Missing []Member // counted members who use the bot without a submitted report, in Vietnamese name order
	// Offline are the counted members who do not use the bot (not
	// connected) without a submitted report, in Vietnamese name order:
	// the secretary reports for them (/baocaothay). One without a member
	// record has ID 0.
	Offline    []Member
	OnBehalfOf []Member        // members whose report the cell recorded, in Vietnamese name order
	Deeds      []ExemplaryDeed // the exemplary reports, in Vietnamese name order
}

// summaryDeedRunes bounds the text of one exemplary deed, so that a group
// message with several stays short.
const summaryDeedRunes = 200

// SummarizeCell computes cell's summary of month from the cell's members,
// their reports and their pledges (keyed by member), each member being
// their own roster entry (RosterEntryOf) who uses the bot: the figures of a
// cell before rosters, kept for callers that have no roster. See
// SummarizeRoster for the rules.
func SummarizeCell(cell Cell, members []Member, reports map[MemberID]Report, pledges map[MemberID]Pledge, month Month, loc *time.Location, state MonthState) CellSummary {
	t := newCellTally(cell, month, loc, state, true)
	for i := range members {
		m := &members[i]
		if m.Cell != cell.Code {
			continue
		}
		t.addPerson(m, tallied{onRoster: true, exempt: m.Status == Exempt, counts: m.CountsIn(month, loc), connected: true}, reports, pledges)
	}
	return t.summary()
}

// SummarizeRoster computes cell's summary of month from the people of its
// roster (entries of other cells, removed or added later, are on no line),
// their reports and their pledges (keyed by member). Members counts the
// entries on the roster in the month (RosterEntry.OnRosterIn), Exempt the
// exempt among them; every other number counts only the people who count
// in month (RosterPerson.CountsIn, months in loc), whether or not they use
// the bot. A report counts only when it is the member's report of month
// and Submitted is set; a pledge when it is of month's year and not a
// draft. state.Closed is taken when state is of month (or the zero value).
func SummarizeRoster(cell Cell, people []RosterPerson, reports map[MemberID]Report, pledges map[MemberID]Pledge, month Month, loc *time.Location, state MonthState) CellSummary {
	return summarizeRoster(cell, people, reports, pledges, month, loc, state, time.Time{})
}

// summarizeRoster is SummarizeRoster with the month's reporting deadline
// in the cell (ReportDeadline): the people without a report whose pause
// (tạm hoãn) covered it are left out of every number but Members and
// counted in PausedOut (Member.PausedOutOf).
func summarizeRoster(cell Cell, people []RosterPerson, reports map[MemberID]Report, pledges map[MemberID]Pledge, month Month, loc *time.Location, state MonthState, deadline time.Time) CellSummary {
	t := newCellTally(cell, month, loc, state, true)
	t.deadline = deadline
	for i := range people {
		t.addRosterPerson(&people[i], reports, pledges)
	}
	return t.summary()
}

// tallied is how one person counts in a cell's month.
type tallied struct {
	onRoster  bool // on the cell's roster in the month: a line of Members
	exempt    bool // miễn công tác và sinh hoạt đảng
	counts    bool // in the denominators
	connected bool // uses the bot
}

// addRosterPerson counts p, with its report and pledge from reports and
// pledges, in the tally's cell month.
func (t *cellTally) addRosterPerson(p *RosterPerson, reports map[MemberID]Report, pledges map[MemberID]Pledge) {
	code, month := t.s.Cell.Code, t.s.Month
	how := tallied{onRoster: p.Entry.OnRosterIn(code, month, t.loc), exempt: p.Entry.ExemptDuring(month, t.loc, p.member()),
		counts: p.CountsIn(code, month, t.loc), connected: p.Connected()}
	if !how.onRoster {
		return
	}
	m := p.Member
	m.Name = cmp.Or(m.Name, p.Entry.Name)
	if !p.HasMember() {
		t.add(&m, how, nil, nil)
		return
	}
	t.addPerson(&m, how, reports, pledges)
}

// addPerson counts m as how says, with its report and pledge from reports
// and pledges when it counts (the others count without them).
func (t *cellTally) addPerson(m *Member, how tallied, reports map[MemberID]Report, pledges map[MemberID]Pledge) {
	var rp *Report
	var pp *Pledge
	if how.counts {
		if r, ok := reports[m.ID]; ok {
			rp = &r
		}
		if p, ok := pledges[m.ID]; ok {
			pp = &p
		}
	}
	t.add(m, how, rp, pp)
}

// cellTally computes one cell's summary member by member: the core of
// SummarizeCell and of Engine.OrgSummary, which feeds it from a merge of
// the members and the month's reports instead of maps. It is not safe for
// concurrent use.
type cellTally struct {
	s     CellSummary
	loc   *time.Location // the organisation's zone, which months are in
	names bool           // build Missing (the organisation's table shows no names)
	// deadline is the end of the month's reporting in the cell
	// (ReportDeadline): a member without a report whose pause covered it
	// is left out (PausedOut). Zero: nobody is (a caller with no deadline).
	deadline time.Time
}

// newCellTally starts the summary of cell's month; see SummarizeCell for
// loc and state. Without names the summary's Missing stays empty.
func newCellTally(cell Cell, month Month, loc *time.Location, state MonthState, names bool) cellTally {
	t := cellTally{s: CellSummary{Cell: cell, Month: month}, loc: loc, names: names}
	t.s.Closed = state.Closed && (state.Month == month || state.Month == 0) && (state.Cell == cell.Code || state.Cell == "")
	return t
}

// add counts m, a person of the tally's cell, as how says, with r its
// report of the month and p its pledge (each nil when there is none; p is
// used for a counted member only). The checks of SummarizeRoster apply: a
// report or pledge of another member, month or year does not count.
func (t *cellTally) add(m *Member, how tallied, r *Report, p *Pledge) {
	var rt *ReportTally
	var pt *PledgeTally
	if r != nil && r.Month == t.s.Month {
		d := ReportTallyOf(*r)
		rt = &d
	}
	if p != nil && p.Year == t.s.Month.Year() {
		d := PledgeTallyOf(*p)
		pt = &d
	}
	t.addTally(m, how, rt, pt, func() (string, string) { return m.Name, summaryDeedText(r) })
}

// addTally is add with the digests of m's report of the month and pledge
// of its year (nil for none); deed returns the name and the deed's text
// of an exemplary report (SummarizeCell's Deeds), asked only for one that
// counts; nil leaves Deeds out (the report still counts in Exemplary).
func (t *cellTally) addTally(m *Member, how tallied, r *ReportTally, p *PledgeTally, deed func() (name, text string)) {
	s := &t.s
	if !how.onRoster {
		return
	}
	s.Members++
	if how.exempt {
		s.Exempt++
	}
	if !how.counts {
		return
	}
	reported := r != nil && m.ID != 0 && r.Member == m.ID && r.Submitted
	if !reported && m.pausedAt(t.deadline) {
		s.PausedOut++
		return
	}
	s.MustReport++
	if how.connected {
		s.Connected++
	}
	hasPledge := p != nil && m.ID != 0 && p.Member == m.ID && p.Status != PledgeDraft
	if hasPledge {
		s.Pledged++
		s.ItemsPledged += len(p.Items)
	}
	if !reported {
		if t.names && how.connected {
			s.Missing = append(s.Missing, *m)
		} else if t.names {
			s.Offline = append(s.Offline, *m)
		}
		return
	}
	s.Reported++
	if r.OnBehalf {
		s.OnBehalf++
		if t.names {
			s.OnBehalfOf = append(s.OnBehalfOf, *m)
		}
	}
	if hasPledge {
		s.ItemsDone += itemsDone(p.Items, r.Done)
	}
	if r.Exemplary {
		s.Exemplary++
		if deed == nil {
			return
		}
		name, text := deed()
		s.Deeds = append(s.Deeds, ExemplaryDeed{
			Member: m.ID, Name: name, Cell: s.Cell.Code, CellName: s.Cell.Name, Text: text,
		})
	}
}

// summary finishes the tally: NotReported, and Missing and Deeds in
// Vietnamese name order.
func (t *cellTally) summary() CellSummary {
	s := t.s
	s.NotReported = s.MustReport - s.Reported
	SortByName(s.Missing)
	SortByName(s.Offline)
	SortByName(s.OnBehalfOf)
	vnSortKeyed(s.Deeds, func(d ExemplaryDeed) string { return d.Name }, func(a, b ExemplaryDeed) int {
		return summaryCmp(a.Member, b.Member)
	})
	return s
}

func summaryCmp(a, b MemberID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// summaryDeedText is what an exemplary report says was done: the texts of
// its done entries and its other deed (of its doing entries when there is
// nothing else), joined and shortened.
func summaryDeedText(r *Report) string {
	var parts []string
	for _, e := range r.Entries {
		if t := NormalizeText(e.Text); e.Status == Done && t != "" {
			parts = append(parts, t)
		}
	}
	if t := NormalizeText(r.Other); t != "" {
		parts = append(parts, t)
	}
	if len(parts) == 0 {
		for _, e := range r.Entries {
			if t := NormalizeText(e.Text); e.Status == Doing && t != "" {
				parts = append(parts, t)
			}
		}
	}
	t := strings.Join(strings.Fields(strings.Join(parts, "; ")), " ")
	return summaryShorten(t, summaryDeedRunes)
}

// summaryShorten cuts s to at most n runes, ending with "…" when cut.
func summaryShorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// OrgRow is one cell's line of an OrgSummary.
type OrgRow struct {
	Rank int // 1-based; equal rates share a rank; 0 when nobody in the cell has to report
	CellSummary
}

// Place returns the rank as shown: "3", or "—" for a cell without a rank.
func (r OrgRow) Place() string { return summaryPlace(r.Rank) }

func summaryPlace(rank int) string {
	if rank <= 0 {
		return "—"
	}
	return strconv.Itoa(rank)
}

// OrgSummary is the organisation's month: one row per cell ranked by
// participation rate, and the totals. Build it with SummarizeOrg.
type OrgSummary struct {
	Month Month
	Rows  []OrgRow      // ranked rows first (best rate first, ties by name), then cells nobody has to report in
	Total SummaryCounts // the sum over all cells
}

// SummarizeOrg ranks the cells' summaries of month by participation rate
// Reported/MustReport (fair across cell sizes), as the whole percentage
// FormatPercent shows: cells showing the same percentage share a rank
// (competition ranking: 1, 1, 3) and are ordered by cell name; cells with
// MustReport 0 come last, by name, with rank 0.
func SummarizeOrg(month Month, cells []CellSummary) OrgSummary {
	o := OrgSummary{Month: month, Rows: make([]OrgRow, 0, len(cells))}
	for _, c := range cells {
		o.Total.add(c.SummaryCounts)
		o.Rows = append(o.Rows, OrgRow{CellSummary: c})
	}
	// Name order first, then a stable sort by rate keeps ties by name.
	vnSortTitles(o.Rows, func(r OrgRow) string { return r.Cell.Name }, func(a, b OrgRow) int {
		return strings.Compare(a.Cell.Code, b.Cell.Code)
	})
	slices.SortStableFunc(o.Rows, func(a, b OrgRow) int {
		switch {
		case a.MustReport == 0 && b.MustReport == 0:
			return 0
		case a.MustReport == 0:
			return 1
		case b.MustReport == 0:
			return -1
		}
		return b.rateCompare(a.SummaryCounts)
	})
	for i := range o.Rows {
		r := &o.Rows[i]
		switch {
		case r.MustReport == 0:
			r.Rank = 0
		case i > 0 && o.Rows[i-1].MustReport > 0 && o.Rows[i-1].rateCompare(r.SummaryCounts) == 0:
			r.Rank = o.Rows[i-1].Rank
		default:
			r.Rank = i + 1
		}
	}
	return o
}

// Deeds returns the exemplary deeds of every cell, in row order.
func (o OrgSummary) Deeds() []ExemplaryDeed {
	var out []ExemplaryDeed
	for _, r := range o.Rows {
		out = append(out, r.Deeds...)
	}
	return out
}

// summaryCellView is the data of the cell texts.
type summaryCellView struct {
	CellSummary
	MonthText string
	Counts    string              // the counts, in the secretary's without the number missing (the list says it)
	Private   bool                // rendered for the secretary, not the group
	Self      bool                // the secretary reading it has not reported (not in Missing)
	SelfOpen  bool                // Self, and the month is still open for her report
	Paused    map[MemberID]string // missing members whose reminders are paused: last paused day "20/12"
}

// RenderCellGroup renders s for the cell's group chat: counts and
// percentages only, never a name. Like every Render function, it takes the
// catalogue the texts come from (the engine's Text) as its first argument.
func RenderCellGroup(cat *text.Catalog, s CellSummary) string {
	return cat.Render(text.SummaryCellGroup, summaryCellView{CellSummary: s, MonthText: FormatMonth(cat, s.Month)})
}

// RenderCellSecretary renders s for the cell's secretary in private: the
// group text's counts (without the number who have not reported, which
// the list then gives), the names of who has not reported and the
// exemplary deeds.
func RenderCellSecretary(cat *text.Catalog, s CellSummary) string {
	return renderCellSecretary(cat, s, time.Time{}, nil, 0, false)
}

// renderCellSecretary is RenderCellSecretary marking, with their last
// paused day, the missing members whose reminders are paused at now, and
// rendered for the secretary self: when self has not reported, that is
// said to them first (with how to report when open, the month being still
// open for them), and their name is not in the list of the others.
func renderCellSecretary(cat *text.Catalog, s CellSummary, now time.Time, loc *time.Location, self MemberID, open bool) string {
	counts := cat.Render(text.SummaryCellGroup, summaryCellView{CellSummary: s, MonthText: FormatMonth(cat, s.Month), Private: true})
	v := summaryCellView{CellSummary: s, MonthText: FormatMonth(cat, s.Month), Counts: counts, Private: true}
	v.Missing = nil
	for _, m := range s.Missing {
		if self != 0 && m.ID == self {
			v.Self, v.SelfOpen = true, open
			continue
		}
		v.Missing = append(v.Missing, m)
		if loc != nil && m.Paused(now) {
			if v.Paused == nil {
				v.Paused = map[MemberID]string{}
			}
			v.Paused[m.ID] = pausedThrough(m, loc).Format("02/01")
		}
	}
	return cat.Render(text.SummaryCellSecretary, v)
}

// RenderOrg renders o as a compact table for a phone screen, one line per
// cell ("1. Chi bộ thôn Đông — 12/15 (80%)") and the organisation's total.
func RenderOrg(cat *text.Catalog, o OrgSummary) string {
	v := orgView{Month: o.Month, MonthText: FormatMonth(cat, o.Month), Total: o.Total, Rows: make([]orgRowView, len(o.Rows))}
	for i, r := range o.Rows {
		v.Rows[i] = orgRowView{Rank: r.Rank, Cell: r.Cell, Month: r.Month, Closed: r.Closed,
			Members: r.Members, Exempt: r.Exempt, MustReport: r.MustReport, Reported: r.Reported, NotReported: r.NotReported,
			Pledged: r.Pledged, ItemsPledged: r.ItemsPledged, ItemsDone: r.ItemsDone, Exemplary: r.Exemplary,
			Place: r.Place(), Percent: r.Percent()}
	}
	return cat.Render(text.SummaryOrg, v)
}

// orgView is the data of the organisation's table (RenderOrg): OrgSummary
// with rows of flat fields. text/template finds a field promoted from an
// embedded struct with a search that allocates, at every use: over the
// rows of a province that cost more than the rest of the rendering, and so
// does a method call, hence Place and Percent as fields.
type orgView struct {
	Month     Month
	MonthText string
	Rows      []orgRowView
	Total     SummaryCounts
}

// orgRowView is an OrgRow without embedding and without the names (Missing,
// Deeds), which the table never shows.
type orgRowView struct {
	Rank         int
	Cell         Cell
	Month        Month
	Closed       bool
	Members      int
	Exempt       int
	MustReport   int
	Reported     int
	NotReported  int
	Pledged      int
	ItemsPledged int
	ItemsDone    int
	Exemplary    int
	Place        string // OrgRow.Place
	Percent      string // SummaryCounts.Percent
}

// summaryEntryView is one line of a member's report.
type summaryEntryView struct {
	No          int    // the pledge item's number; 0 for a deed not tied to an item
	Item        string // the pledge item's text; "" when not in the pledge
	Done, Doing bool
	Text        string // what the member wrote
}

// RenderMemberReport renders one member's report r as the secretary reads
// it: each item of the pledge p with its status (đã làm, đang làm, chưa làm)
// and what was written, the other deeds, whether a photo is attached.
func RenderMemberReport(cat *text.Catalog, m Member, p Pledge, r Report) string {
	v := struct {
		Name      string
		MonthText string
		Items     []summaryEntryView
		Extra     []summaryEntryView // entries for items no longer in the pledge
		Other     []string
		Photo     bool
		Draft     bool
		Exemplary bool
	}{
		Name:      NormalizeText(m.Name),
		Photo:     r.Photo != "",
		Draft:     r.Submitted.IsZero(),
		Exemplary: r.Exemplary,
	}
	if r.Month.Valid() {
		v.MonthText = FormatMonth(cat, r.Month)
	}
	inPledge := map[int]bool{}
	for _, it := range p.Items {
		inPledge[it.No] = true
		ev := summaryEntryView{No: it.No, Item: NormalizeText(it.Text)}
		for _, e := range r.Entries {
			if e.Item == it.No {
				ev.Done, ev.Doing, ev.Text = e.Status == Done, e.Status == Doing, NormalizeText(e.Text)
				break
			}
		}
		v.Items = append(v.Items, ev)
	}
	for _, e := range r.Entries {
		t := NormalizeText(e.Text)
		switch {
		case e.Item == 0:
			if t != "" {
				v.Other = append(v.Other, t)
			}
		case !inPledge[e.Item]:
			v.Extra = append(v.Extra, summaryEntryView{No: e.Item, Done: e.Status == Done, Doing: e.Status == Doing, Text: t})
		}
	}
	if t := NormalizeText(r.Other); t != "" {
		v.Other = append(v.Other, t)
	}
	return cat.Render(text.SummaryMemberReport, v)
}
