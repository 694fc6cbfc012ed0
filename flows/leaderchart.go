package flows

import (
	"context"
	"fmt"
	"strconv"

	"lamtheo/bot"
	"lamtheo/chart"
	"lamtheo/flows/text"
)

// LeaderChart builds the leaderboard picture of month m for the readers of
// cell own ("" highlights none): the rows in the order of the text
// leaderboard, with its percentages, the organisation's name under the
// title. A cell still collecting the month (LeaderRow.Open) is unranked, as
// in the text: no bar, its figure so far and its deadline beside its name.
func LeaderChart(cat *text.Catalog, org string, m Month, rows []LeaderRow, own string) chart.Chart {
	month := struct{ MonthText string }{FormatMonth(cat, m)}
	c := chart.Chart{
		Labels: chart.Labels{
			Title:    cat.Render(text.LeaderChartTitle, month),
			Subtitle: org,
			NoReport: cat.Render(text.LeaderChartNoReport, nil),
			More:     func(n int) string { return cat.Render(text.LeaderChartMore, struct{ N int }{n}) },
		},
		Rows: make([]chart.Row, 0, len(rows)),
	}
	noMembers := cat.Render(text.LeaderChartNoMembers, nil)
	for _, r := range rows {
		cr := chart.Row{
			Name: r.Name, Rank: r.Rank, Reported: r.Reported, MustReport: r.MustReport,
			Value: r.Percent(), Own: own != "" && r.Cell == own,
		}
		switch {
		case r.Open():
			cr.Note = cat.Render(text.LeaderChartOpen, struct{ Percent, Until string }{r.Percent(), r.UntilDay()})
		case r.Rank == 0 && !r.NoReport():
			cr.Note = noMembers
		}
		c.Rows = append(c.Rows, cr)
	}
	return c
}

// leaderPhoto renders the leaderboard picture for the readers of cell own
// as a photo to upload with a reply (see LeaderChart).
func (e *Engine) leaderPhoto(m Month, rows []LeaderRow, own string) (*bot.File, error) {
	cat := e.text()
	png, err := chart.Render(LeaderChart(cat, e.Cfg.OrgName, m, rows, own))
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

// sendLeader sends rep, the leaderboard of month m for the readers of cell
// own, with its picture where the picture can reach rep's chat (uploaded
// or linked): the FileWorker draws it (makeLeaderPhoto) and sends them
// together; rep goes alone where it cannot, or when it cannot be drawn.
func (e *Engine) sendLeader(rep bot.Reply, m Month, own string, send func(bot.Reply), request func(FileRequest)) {
	if !e.fileReaches(rep.Chat, false) {
		send(rep)
		return
	}
	request(FileRequest{Kind: FileLeader, Args: []string{strconv.Itoa(int(m)), own}, Reply: rep, Optional: true})
}

// makeLeaderPhoto draws the leaderboard picture of a request (fileMaker):
// the month's and the month before's summaries read in one read-only
// transaction, the rows ranked as at the request.
func (e *Engine) makeLeaderPhoto(ctx context.Context, q FileRequest, _ *bot.Reply) (*bot.File, error) {
	if len(q.Args) != 2 {
		return nil, fmt.Errorf("leaderboard request: %d args", len(q.Args))
	}
	n, err := strconv.Atoi(q.Args[0])
	if err != nil {
		return nil, fmt.Errorf("leaderboard request: %w", err)
	}
	m := Month(n)
	var rows []LeaderRow
	err = e.Store.View(ctx, func(tx Tx) error {
		cur, err := e.orgSummary(tx, m, nil, false)
		if err != nil {
			return err
		}
		prev, err := e.orgSummary(tx, m.Prev(), nil, false)
		if err != nil {
			return err
		}
		rows = Leaderboard(cur, prev, e.stillOpen(cur, q.At))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("leaderboard picture %s: %w", m, err)
	}
	return e.leaderPhoto(m, rows, q.Args[1])
}

// cmdLeader (/bangxephang) shows the leaderboard of the latest month the
// organisation has stopped collecting, as the groups got it (a cell still
// collecting it shown apart with its figure so far), for the group's cell in a group and
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
	m := CollectingMonth(r.now, r.e.loc(), r.e.Cfg.GraceDays).Prev()
	cur, err := r.e.OrgSummary(r.tx, m)
	if err != nil {
		return err
	}
	prev, err := r.e.orgSummary(r.tx, m.Prev(), nil, false)
	if err != nil {
		return err
	}
	rows := Leaderboard(cur, prev, r.e.stillOpen(cur, r.now))
	if !anyRanked(rows) {
		r.say(text.LeaderNone, struct{ MonthText string }{FormatMonth(r.e.text(), m)})
		return nil
	}
	body := RenderLeaderboardGroup(r.e.text(), rows, own, m, cur.Deeds())
	r.e.sendLeader(bot.Reply{Chat: r.m.Chat, Text: body}, m, own, r.send, r.addFile)
	return nil
}
