package flows

import (
	"slices"
	"strings"
	"time"

	"lamtheo/flows/text"
)

// LeaderRow is one cell's place on the month's leaderboard.
type LeaderRow struct {
	Month      Month
	Rank       int    // 1-based, shared by equal rates; 0 when the cell is not ranked (see Ranked)
	Cell       string // cell code
	Name       string // cell name
	Reported   int
	MustReport int
	Change     int  // places gained since the previous month (negative: lost); meaningful only when Moved
	Moved      bool // the cell was ranked both this month and the previous one, so Change is shown
	// Until is, for a cell still collecting the month when the board
	// goes out (its meeting is later than the organisation's deadline),
	// the last day it takes reports on: the cell is shown with its
	// figure so far, unranked and without a change. Zero: the month is
	// final for the cell.
	Until time.Time
}

// Open reports whether the cell was still collecting the month (Until).
func (r LeaderRow) Open() bool { return !r.Until.IsZero() }

// UntilDay returns Until as people read a date: "10/12/2026".
func (r LeaderRow) UntilDay() string { return r.Until.Format("02/01/2006") }

// Place returns the rank as shown: "3", or "—" for a cell without a rank.
func (r LeaderRow) Place() string { return summaryPlace(r.Rank) }

// Percent formats Reported/MustReport with FormatPercent.
func (r LeaderRow) Percent() string { return FormatPercent(r.Reported, r.MustReport) }

// Steps returns the number of places gained or lost, without sign.
func (r LeaderRow) Steps() int { return max(r.Change, -r.Change) }

// NoReport reports whether the cell had members who could report in the
// month and none did: it is listed after the ranked cells, without a rank.
func (r LeaderRow) NoReport() bool { return r.MustReport > 0 && r.Reported == 0 }

// leaderRanked reports whether a cell gets a place on the leaderboard: only
// a cell in which somebody could report and somebody did. The bot never
// rates a cell at 0 %, nor one in which nobody could report.
func leaderRanked(r OrgRow) bool { return r.Rank > 0 && r.Reported > 0 }

// Leaderboard ranks the cells of cur by participation rate (the ranks of
// SummarizeOrg: fair across cell sizes, ties share a rank), leaving cells at
// 0 % and cells nobody had to report in without a rank, last, and computes
// each ranked cell's change of place from prev. A cell absent or unranked in
// prev, or unranked now, shows no change; so does every cell when prev has
// no ranked cell.
//
// The cells in open (code → the last day they take reports on) are still
// collecting cur: they are ranked only once final, so they are listed
// last, in name order, with their figure so far and Until, without a rank
// or a change, and the other cells are ranked among themselves, in cur and
// in prev alike (so a change compares the same cells); they come after the
// ranked cells. A partial month
// would shame a cell that reports at its meeting, and its figure would
// push the final cells' places around.
func Leaderboard(cur, prev OrgSummary, open map[string]time.Time) []LeaderRow {
	cur, late := finalRows(cur, open)
	prev, _ = finalRows(prev, open)
	before := make(map[string]int, len(prev.Rows))
	for _, r := range prev.Rows {
		if leaderRanked(r) {
			before[r.Cell.Code] = r.Rank
		}
	}
	rows := make([]LeaderRow, 0, len(cur.Rows))
	for _, r := range cur.Rows {
		lr := LeaderRow{
			Month: cur.Month, Cell: r.Cell.Code, Name: r.Cell.Name,
			Reported: r.Reported, MustReport: r.MustReport,
		}
		if leaderRanked(r) {
			// Cells at 0 % sort after every cell above 0 %, so leaving
			// them out changes no other cell's rank.
			lr.Rank = r.Rank
		}
		if p := before[r.Cell.Code]; p > 0 && lr.Rank > 0 {
			lr.Change, lr.Moved = p-lr.Rank, true
		}
		rows = append(rows, lr)
	}
	// The cells still collecting come after the ranked ones, before
	// those at 0 % and those nobody had to report in.
	at := 0
	for at < len(rows) && rows[at].Rank > 0 {
		at++
	}
	opened := make([]LeaderRow, 0, len(late))
	for _, r := range late {
		opened = append(opened, LeaderRow{Month: cur.Month, Cell: r.Cell.Code, Name: r.Cell.Name,
			Reported: r.Reported, MustReport: r.MustReport, Until: open[r.Cell.Code]})
	}
	return slices.Insert(rows, at, opened...)
}

// finalRows returns o ranked again without the cells of open in which
// somebody has to report, and those cells apart, in name order.
func finalRows(o OrgSummary, open map[string]time.Time) (OrgSummary, []OrgRow) {
	if len(open) == 0 {
		return o, nil
	}
	var keep []CellSummary
	var late []OrgRow
	for _, r := range o.Rows {
		if _, ok := open[r.Cell.Code]; ok && r.MustReport > 0 {
			late = append(late, r)
			continue
		}
		keep = append(keep, r.CellSummary)
	}
	if len(late) == 0 {
		return o, nil
	}
	vnSortTitles(late, func(r OrgRow) string { return r.Cell.Name }, func(a, b OrgRow) int {
		return strings.Compare(a.Cell.Code, b.Cell.Code)
	})
	return SummarizeOrg(o.Month, keep), late
}

// How much of a long leaderboard a group message shows.
const (
	leaderGroupAll   = 15 // up to this many rows, all are shown
	leaderGroupTop   = 10 // otherwise the top rows, then the group's own cell
	leaderGroupDeeds = 5  // exemplary deeds listed; the rest are counted
)

// leaderLine is a row as a group message shows it.
type leaderLine struct {
	LeaderRow
	Gap bool // rows were left out before this one
	Own bool // the group's own cell
}

// RenderLeaderboardGroup renders the month's leaderboard as one message for
// the group of the cell with code own: the ranking (the top rows and the
// own cell when the list is long), the own cell's place and change, and the
// month's exemplary deeds with the members' names (nêu gương is public
// praise). It shows no names of members who did not report.
func RenderLeaderboardGroup(cat *text.Catalog, rows []LeaderRow, own string, month Month, exemplary []ExemplaryDeed) string {
	v := struct {
		MonthText string
		Lines     []leaderLine
		Own       *LeaderRow
		Ranked    int
		Deeds     []ExemplaryDeed
		MoreDeeds int
		Tail      bool // rows were left out after the last line
	}{MonthText: FormatMonth(cat, month)}
	ownAt := -1
	for i, r := range rows {
		if r.Rank > 0 {
			v.Ranked++
		}
		if r.Cell == own && own != "" {
			ownAt = i
			v.Own = &rows[i]
		}
	}
	for i, r := range rows {
		show := len(rows) <= leaderGroupAll || i < leaderGroupTop || i == ownAt
		if !show {
			continue
		}
		v.Lines = append(v.Lines, leaderLine{LeaderRow: r, Gap: len(v.Lines) < i, Own: i == ownAt})
		v.Tail = i < len(rows)-1
	}
	if len(v.Lines) == len(rows) {
		v.Tail = false
	}
	for i, d := range exemplary {
		if i == leaderGroupDeeds {
			v.MoreDeeds = len(exemplary) - i
			break
		}
		d.Name, d.CellName = NormalizeText(d.Name), NormalizeText(d.CellName)
		d.Text = summaryShorten(NormalizeText(d.Text), summaryDeedRunes)
		v.Deeds = append(v.Deeds, d)
	}
	return cat.Render(text.SummaryLeaderGroup, v)
}

// RenderLeaderboardLate renders, for the group of the cell with code own,
// which was still collecting month when the leaderboard went out, its
// figure and place now that its month is final (rows: the leaderboard
// now); "" when rows have no such cell.
func RenderLeaderboardLate(cat *text.Catalog, rows []LeaderRow, own string, month Month) string {
	v := struct {
		LeaderRow
		MonthText string
		Ranked    int
	}{MonthText: FormatMonth(cat, month)}
	found := false
	for _, r := range rows {
		if r.Rank > 0 {
			v.Ranked++
		}
		if r.Cell == own {
			v.LeaderRow, found = r, true
		}
	}
	if !found {
		return ""
	}
	return cat.Render(text.SummaryLeaderLate, v)
}

// RenderLeaderboardAdmin renders every row of the leaderboard, with cell
// codes, counts and changes, for the organisation's staff.
func RenderLeaderboardAdmin(cat *text.Catalog, rows []LeaderRow) string {
	v := struct {
		MonthText string
		Rows      []LeaderRow
	}{Rows: rows}
	if len(rows) > 0 && rows[0].Month.Valid() {
		v.MonthText = FormatMonth(cat, rows[0].Month)
	}
	return cat.Render(text.SummaryLeaderAdmin, v)
}

// anyRanked reports whether rows rank at least one cell.
func anyRanked(rows []LeaderRow) bool {
	for _, r := range rows {
		if r.Rank > 0 {
			return true
		}
	}
	return false
}
