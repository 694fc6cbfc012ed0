package flows

import (
	"errors"
	"slices"
	"strconv"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// Flows of the summaries and the secretary's tools.
var (
	flowSummary = conversation[summaryView, summaryStep]{name: "summary"} // reading the reports behind a summary
	flowClose   = conversation[closing, closeStep]{name: "close"}         // closing or reopening a month
	flowExempt  = conversation[exempting, exemptStep]{name: "exempt"}     // exempting a member or taking it back
	flowFeature = conversation[featuring, featureStep]{name: "feature"}   // featuring a report (nêu gương)
)

// summaryView is the state of the summary flow: the month shown and, once
// a cell is open, that cell.
type summaryView struct {
	Month Month
	Cell  string
}

// summaryStep is a step of the summary flow; its answers are the same at
// both (a cell, or a member whose report to read).
type summaryStep string

// The summary flow's steps.
const (
	summaryCell summaryStep = "cell" // an admin chooses a cell
	summaryRead summaryStep = "read" // a report to read
)

// sayText queues a rendered text to the current chat.
func (r *req) sayText(s string) { r.send(bot.Reply{Chat: r.m.Chat, Text: s}) }

// askText queues a rendered text with choices the current flow expects.
func (r *req) askText(s string, rows [][]bot.Choice) {
	rep := bot.Reply{Chat: r.m.Chat, Text: s, Choices: rows}
	r.offer(&rep, false)
	r.send(rep)
}

// monthArg reads the month typed after a command (the current month when
// none) and refuses a future one.
func (r *req) monthArg(args string) (Month, error) {
	m, err := r.parseMonthArg(args)
	if err != nil {
		return 0, err
	}
	if m > r.currentMonth() {
		return 0, refuse(text.ReportFuture, r.monthData(m))
	}
	return m, nil
}

// reportable reports whether the calendar lets cell's members report month
// m now (the current month, or the previous one until the cell's meeting
// day or during the organisation's grace days).
func (r *req) reportable(cell string, m Month) (bool, error) {
	in, _, err := r.inGrace(cell)
	cur := r.currentMonth()
	return m == cur || (m == cur.Prev() && in), err
}

// mayRunCell checks, at every step of a secretary flow, that the sender is
// still an admin or the secretary of cell.
func (r *req) mayRunCell(cell string) error {
	if r.mayActOn(cell) {
		return nil
	}
	r.finish()
	return refuse(text.NeedSecretary, nil)
}

// yesNo is the confirmation row of the secretary's tools: yes takes its
// number or its own words only; «Thôi» a no word too (see yesChoice).
func (r *req) yesNo(yes text.Key) []bot.Choice {
	return row(choice(r.t(yes, nil), choiceYes), noChoice(r.t(text.No, nil), choiceNo))
}

// easyYesNo is yesNo for a step that is harmless or undone later (grant
// rights, reopen a month, praise a deed): a yes word takes yes too.
func (r *req) easyYesNo(yes text.Key) []bot.Choice {
	return row(yesChoice(r.t(yes, nil), choiceYes), noChoice(r.t(text.No, nil), choiceNo))
}

// memberRows returns one choice per member, data "m:<id>".
func memberRows(ms []Member, label func(Member) string) [][]bot.Choice {
	rows := make([][]bot.Choice, 0, len(ms))
	for _, mb := range ms {
		rows = append(rows, row(choice(label(mb), memberPrefix+choiceData(idString(mb.ID)))))
	}
	return rows
}

// reportLabelView feeds the label of a member whose report can be read,
// starred when exemplary.
type reportLabelView struct {
	Name      string
	Exemplary bool
}

// reportLabel labels a member whose report can be read or featured.
func (r *req) reportLabel(cm cellMonth) func(Member) string {
	return func(mb Member) string {
		return r.t(text.SumReportLabel, reportLabelView{Name: mb.Name, Exemplary: cm.reports[mb.ID].Exemplary})
	}
}

// cmdSummary shows a month's summary: /summary [month].
//
// In a cell's group it shows that cell's counts, never a name. In private,
// a secretary sees their cell with the names of who has not reported and can
// read each report; an admin who is not a secretary sees every cell ranked
// by participation and can open any cell as its secretary would; an admin
// who is also a secretary gets the organisation's table and then their own
// cell's secretary view; any other member sees their cell's counts.
//
// Without a month it shows the month the cell is still collecting (see
// collectingMonth; for an admin's table, by the organisation's grace
// days) and says how to see the other open month.
func (r *req) cmdSummary(args string) error {
	m, err := r.monthArg(args)
	if err != nil {
		return err
	}
	// month returns the month to show of cell ("" for the organisation),
	// and the line that says how to see the other one.
	month := func(cell string) (Month, string, error) {
		if args != "" {
			return m, "", nil
		}
		dm := CollectingMonth(r.now, r.e.loc(), r.e.Cfg.GraceDays)
		if cell != "" {
			var err error
			if dm, err = r.collectingMonth(cell); err != nil {
				return 0, "", err
			}
		}
		hint, err := r.otherMonthHint(cell, dm)
		return dm, hint, err
	}
	if r.m.Group {
		cell, asked, err := r.actingCell()
		if err != nil || asked {
			return err
		}
		m, hint, err := month(cell)
		if err != nil {
			return err
		}
		s, err := r.e.CellSummary(r.tx, cell, m)
		if err != nil {
			return err
		}
		r.sayText(RenderCellGroup(r.e.text(), s) + hint)
		return nil
	}
	secretary := r.isMember && r.member.SecretaryOf(r.member.Cell)
	if r.admin() {
		// The organisation's table shows the month the organisation is
		// collecting, whatever the admin's own cell is collecting.
		m, hint, err := month("")
		if err != nil {
			return err
		}
		o, err := r.e.orgSummary(r.tx, m, nil, false) // the table shows no deeds
		if err != nil {
			return err
		}
		if secretary {
			cm, chint, err := month(r.member.Cell)
			if err != nil {
				return err
			}
			if cm == m {
				hint = "" // said once, under the cell's summary
			}
			r.sayText(RenderOrg(r.e.text(), o) + hint)
			return r.secretarySummary(r.member.Cell, cm, chint)
		}
		cells, err := r.tx.Cells()
		if err != nil {
			return err
		}
		if len(cells) == 0 {
			r.sayText(RenderOrg(r.e.text(), o))
			return nil
		}
		flowSummary.begin(r, summaryCell, &summaryView{Month: m})
		r.askText(RenderOrg(r.e.text(), o)+hint+"\n\n"+r.t(text.SumPickCell, nil), cellChoices(cells))
		return nil
	}
	m, hint, err := month(r.member.Cell)
	if err != nil {
		return err
	}
	if secretary {
		return r.secretarySummary(r.member.Cell, m, hint)
	}
	s, err := r.e.CellSummary(r.tx, r.member.Cell, m)
	if err != nil {
		return err
	}
	r.sayText(RenderCellGroup(r.e.text(), s) + hint)
	return nil
}

// otherMonthHint returns, to put under a summary of cell's month m ("":
// the organisation's) shown by default, the line that says how to ask for
// the other month open now (the current one under the previous, the
// previous under the current), after a blank line; "" when nobody of cell
// counts in that month (CountsIn): it would show nothing.
func (r *req) otherMonthHint(cell string, m Month) (string, error) {
	cur := r.currentMonth()
	other := cur.Prev()
	if m != cur {
		other = cur
	}
	counts := func(mb Member) bool { return mb.CountsIn(other, r.e.loc()) }
	var found bool
	if cell == "" {
		// The whole organisation: one member at a time, up to the first.
		err := r.tx.EachMember(func(mb Member) error {
			if found = counts(mb); found {
				return errStopped
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopped) {
			return "", err
		}
	} else {
		ms, err := r.tx.Members(cell)
		if err != nil {
			return "", err
		}
		found = slices.ContainsFunc(ms, counts)
	}
	if !found {
		return "", nil
	}
	return "\n\n" + r.t(text.SummaryOtherMonth, otherMonthView{Month: FormatMonth(r.e.text(), other),
		Arg: monthArgOf(other, cur), Bot: r.mentionHere()}), nil
}

// monthArgOf returns month m as typed after a command in month cur: "11",
// or "12/2026" in another year (ParseMonth reads both).
func monthArgOf(m, cur Month) string {
	if m.Year() != cur.Year() {
		return m.String()
	}
	return strconv.Itoa(m.Num())
}

// otherMonthView feeds the line under a summary that names another month
// and the argument of /summary that shows it ("12", or "12/2026" in
// another year), with the bot's name to mention first in a group that
// needs it.
type otherMonthView struct{ Month, Arg, Bot string }

// secretarySummary shows cell's month as its secretary reads it, followed
// by hint, and offers the submitted reports to read.
func (r *req) secretarySummary(cell string, m Month, hint string) error {
	cm, err := loadCellMonth(r.tx, cell, m, r.e.loc(), r.e.Cfg.GraceDays, nil)

	if err != nil {
		return err
	}
	var self MemberID
	open := false
	if r.isMember {
		self = r.member.ID
		if r.member.Cell == cell {
			months, err := r.openMonths(cell)
			if err != nil {
				return err
			}
			open = slices.Contains(months, m)
		}
	}
	body := renderCellSecretary(r.e.text(), cm.summary(m), r.now, r.e.loc(), self, open) + hint
	subs := cm.submitted()
	if len(subs) == 0 {
		if flowName(r.sess.Flow) == flowSummary.name {
			r.finish()
		}
		r.sayText(body)
		return nil
	}
	flowSummary.begin(r, summaryRead, &summaryView{Month: m, Cell: cell})
	r.askText(body+"\n\n"+r.t(text.SumPickReport, r.monthData(m)), memberRows(subs, r.reportLabel(cm)))
	return nil
}

// summaryAnswer answers the choices of /summary: a cell to open (admins)
// or a member whose report to read. The choices stay open, so several
// reports can be read one after the other.
func (r *req) summaryAnswer(sv *summaryView, in input) error {
	m := sv.Month
	if code, ok := cutChoice(in.Data, cellPrefix); ok {
		if !r.admin() {
			r.finish()
			return refuse(text.NeedAdmin, nil)
		}
		if _, found, err := r.tx.Cell(code); err != nil {
			return err
		} else if !found {
			r.finish()
			return refuse(text.StaleChoice, nil)
		}
		return r.secretarySummary(code, m, "")
	}
	id, ok := cutChoice(in.Data, memberPrefix)
	if !ok {
		return refuse(text.ChooseAbove, nil)
	}
	cell := sv.Cell
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	mb, rep, err := r.submittedReport(id, cell, m)
	if err != nil {
		return err
	}
	data := memberMonthView{Name: mb.Name, Month: FormatMonth(r.e.text(), m)}
	p, _, err := r.tx.Pledge(mb.ID, m.Year())
	if err != nil {
		return err
	}
	r.sayText(RenderMemberReport(r.e.text(), mb, p, rep))
	if rep.Photo != "" && onlyOn(mb, r.m.Chat.Platform) {
		r.send(bot.Reply{Chat: r.m.Chat, Photo: rep.Photo, Text: r.t(text.SumPhotoCaption, data)})
	}
	return nil
}

// onlyOn reports whether every identity of mb is on platform p, so that a
// file id mb sent is one p knows.
func onlyOn(mb Member, p bot.Platform) bool {
	for _, u := range mb.Users {
		if u.Platform != p {
			return false
		}
	}
	return len(mb.Users) > 0
}

// cellMonthView is the data of the texts about one cell's month.
type cellMonthView struct {
	Cell, Month                       string
	Closed, Late                      bool
	Reported, MustReport, NotReported int
	Percent                           string
}

func viewCellMonth(cat *text.Catalog, s CellSummary) cellMonthView {
	return cellMonthView{
		Cell: s.Cell.Name, Month: FormatMonth(cat, s.Month), Closed: s.Closed,
		Reported: s.Reported, MustReport: s.MustReport, NotReported: s.NotReported, Percent: s.Percent(),
	}
}

// cellMonth returns the cell a cell-scoped command acts on and the month
// typed after it (when none, the month the cell is still collecting:
// collectingMonth); asked is as for actingCell.
func (r *req) cellMonth(args string) (cell string, m Month, asked bool, err error) {
	if m, err = r.monthArg(args); err != nil {
		return "", 0, false, err
	}
	cell, asked, err = r.actingCell()
	if err != nil || asked || args != "" {
		return cell, m, asked, err
	}
	m, err = r.collectingMonth(cell)
	return cell, m, false, err
}

// collectingMonth returns the month cell is still collecting now: the
// previous month until the cell's meeting day (or the organisation's grace
// days), then the current one (CollectingMonth).
func (r *req) collectingMonth(cell string) (Month, error) {
	grace, err := r.e.cellGrace(r.tx, cell)
	if err != nil {
		return 0, err
	}
	return CollectingMonth(r.now, r.e.loc(), grace), nil
}
