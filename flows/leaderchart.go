package flows

import (
	"fmt"
	"time"

	"lamtheo/bot"
	"lamtheo/chart"
	"lamtheo/flows/text"
)

// LeaderChart builds the leaderboard picture of month m for the readers of
// cell own ("" highlights none): the rows in the order of the text
// leaderboard, with its percentages, the organisation's name under the
// title; collecting, when not nil, tells which cells are still collecting
// the month (their bars are drawn lighter).
func LeaderChart(cat *text.Catalog, org string, m Month, rows []LeaderRow, own string, collecting func(cell string) bool) chart.Chart {
	month := struct{ MonthText string }{FormatMonth(cat, m)}
	c := chart.Chart{
		Labels: chart.Labels{
			Title:      cat.Render(text.LeaderChartTitle, month),
			Subtitle:   org,
			NoReport:   cat.Render(text.LeaderChartNoReport, nil),
			Collecting: cat.Render(text.LeaderChartOpen, nil),
			More:       func(n int) string { return cat.Render(text.LeaderChartMore, struct{ N int }{n}) },
		},
		Rows: make([]chart.Row, 0, len(rows)),
	}
	noMembers := cat.Render(text.LeaderChartNoMembers, nil)
	for _, r := range rows {
		cr := chart.Row{
			Name: r.Name, Rank: r.Rank, Reported: r.Reported, MustReport: r.MustReport,
			Value: r.Percent(), Own: own != "" && r.Cell == own,
			Collecting: collecting != nil && collecting(r.Cell),
		}
		if r.Rank == 0 && !r.NoReport() {
			cr.Note = noMembers
		}
		c.Rows = append(c.Rows, cr)
	}
	return c
}

// leaderPhoto renders the leaderboard picture for the readers of cell own
// as a photo to upload with a reply (see LeaderChart).
func (e *Engine) leaderPhoto(m Month, rows []LeaderRow, own string, collecting func(string) bool) (*bot.File, error) {
	cat := e.text()
	png, err := chart.Render(LeaderChart(cat, e.Cfg.OrgName, m, rows, own, collecting))
	if err != nil {
		return nil, fmt.Errorf("leaderboard picture %s: %w", m, err)
	}
	name := fmt.Sprintf("bang-xep-hang-%04d-%02d", m.Year(), m.Num())
	if own != "" {
		name += "-" + own
	}
	return &bot.File{
		Name: name + ".png", Data: png, Photo: true,
		Alt: cat.Render(text.LeaderChartAlt, struct{ MonthText string }{FormatMonth(cat, m)}),
	}, nil
}

// withLeaderPhoto returns rep with the leaderboard picture for the
// readers of cell own attached, when rep's platform can upload photos.
// Zalo cannot: it gets the text alone. (TODO(issue 12, point 4): send Zalo
// the picture by an expiring link to lamtheo's file endpoint.) A picture
// that cannot be drawn is logged and left out: the text still goes.
func (e *Engine) withLeaderPhoto(rep bot.Reply, m Month, rows []LeaderRow, own string, collecting func(string) bool) bot.Reply {
	if !e.caps(rep.Chat.Platform).Upload {
		return rep
	}
	f, err := e.leaderPhoto(m, rows, own, collecting)
	if err != nil {
		e.log().Error("leaderboard picture", "chat", rep.Chat.String(), "err", err)
		return rep
	}
	rep.File = f
	return rep
}

// cellsCollecting returns which cells are still collecting month m at now
// (their grace days after the month are not over), for LeaderChart.
func (e *Engine) cellsCollecting(tx Tx, m Month, now time.Time, rows []LeaderRow) (func(string) bool, error) {
	open := map[string]bool{}
	for _, r := range rows {
		grace, err := e.cellGrace(tx, r.Cell)
		if err != nil {
			return nil, err
		}
		if CollectingMonth(now, e.loc(), grace) == m {
			open[r.Cell] = true
		}
	}
	return func(cell string) bool { return open[cell] }, nil
}

// leaderMonth returns the last month whose leaderboard is final at now:
// the latest month no cell is still collecting (each cell collects a month
// until its own grace, its meeting day, is over).
func (e *Engine) leaderMonth(tx Tx, now time.Time) (Month, error) {
	cells, err := tx.Cells()
	if err != nil {
		return 0, fmt.Errorf("load cells: %w", err)
	}
	open := CollectingMonth(now, e.loc(), e.Cfg.GraceDays)
	for i, c := range cells {
		if m := CollectingMonth(now, e.loc(), e.graceDays(c)); i == 0 || m < open {
			open = m
		}
	}
	return open.Prev(), nil
}

// cmdLeader (/bangxephang) shows the last final month's leaderboard (see
// leaderMonth) as the groups got it, for the group's cell in a group and
// for the sender's own cell in private, with the picture where the
// platform uploads photos.
func (r *req) cmdLeader(string) error {
	own := ""
	if r.m.Group {
		cell, ok, err := r.tx.CellOfGroup(r.m.Chat)
		if err != nil {
			return err
		}
		if !ok {
			return refuse(text.GroupNotLinked, nil)
		}
		own = cell.Code
	} else if r.isMember {
		own = r.member.Cell
	}
	m, err := r.e.leaderMonth(r.tx, r.now)
	if err != nil {
		return err
	}
	cur, err := r.e.OrgSummary(r.tx, m)
	if err != nil {
		return err
	}
	prev, err := r.e.OrgSummary(r.tx, m.Prev())
	if err != nil {
		return err
	}
	rows := Leaderboard(cur, prev)
	if !anyRanked(rows) {
		r.say(text.LeaderNone, struct{ MonthText string }{FormatMonth(r.e.text(), m)})
		return nil
	}
	body := RenderLeaderboardGroup(r.e.text(), rows, own, m, cur.Deeds())
	r.send(r.e.withLeaderPhoto(bot.Reply{Chat: r.m.Chat, Text: body}, m, rows, own, nil))
	return nil
}
