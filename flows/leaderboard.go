package flows

import (
	"fmt"

	"lamtheo/bot"
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
}

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
func Leaderboard(cur, prev OrgSummary) []LeaderRow {
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
	return rows
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

// leaderboard posts the ranking of the month before the slot's month, once
// to every linked group of every served cell (with the picture, own cell
// highlighted, where the platform uploads photos) (privately to the secretaries
// of a cell without a group), and the full table to the admins. A run for
// one cell posts to that cell's groups and its secretaries only. It is
// meaningful up to jobStale after the slot, and only when a cell is ranked:
// a table of cells nobody could report in, or nobody did, is not posted (as
// in the month before the bot was used).
func (j *jobRun) leaderboard() (bool, error) {
	if j.now.Sub(j.slot) > jobStale {
		return false, nil
	}
	m := MonthOf(j.slot, j.e.loc()).Prev()
	j.month = m
	cur, err := j.e.orgSummary(j.tx, m, &j.dmg)
	if err != nil {
		return false, err
	}
	prev, err := j.e.orgSummary(j.tx, m.Prev(), &j.dmg)
	if err != nil {
		return false, err
	}
	rows := Leaderboard(cur, prev)
	if !anyRanked(rows) {
		return false, nil
	}
	deeds := cur.Deeds()
	collecting, err := j.e.cellsCollecting(j.tx, m, j.now, rows)
	if err != nil {
		return false, err
	}
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
			j.out = append(j.out, j.e.withLeaderPhoto(bot.Reply{Chat: g, Text: body, Bulk: true}, m, rows, c.Code, collecting))
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
