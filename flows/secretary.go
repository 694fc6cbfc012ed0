package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// Flows of the summaries and the secretary's tools.
const (
	flowSummary = "summary" // reading the reports behind a summary
	flowClose   = "close"   // closing or reopening a month
	flowExempt  = "exempt"  // exempting a member or taking it back
	flowFeature = "feature" // featuring a report (nêu gương)
)

// ErrUnknownCell is wrapped by the error of Engine.CellSummary for a cell
// code that is not stored.
var ErrUnknownCell = errors.New("flows: unknown cell")

// cellMonth is what a cell's month is computed from.
type cellMonth struct {
	cell    Cell
	members []Member
	reports map[MemberID]Report // submitted or not, of every member (exempt too)
	pledges map[MemberID]Pledge // of the active members
	state   MonthState
}

// loadCellMonth reads cell code's members, their reports of m and the
// active members' pledges of m's year: a few lookups per member, whatever
// the history stored. With a non-nil dmg, a member whose record, report or
// pledge cannot be read is left out (and collected in dmg) rather than
// failing the whole cell.
func loadCellMonth(tx Tx, code string, m Month, dmg *damage) (cellMonth, error) {
	cell, ok, err := tx.Cell(code)
	if err != nil {
		return cellMonth{}, fmt.Errorf("load cell %s: %w", code, err)
	}
	if !ok {
		return cellMonth{}, fmt.Errorf("load cell %s: %w", code, ErrUnknownCell)
	}
	ms, err := tx.Members(code)
	if err := dmg.listing(err); err != nil {
		return cellMonth{}, fmt.Errorf("load members of %s: %w", code, err)
	}
	cm := cellMonth{cell: cell, members: ms[:0:0],
		reports: make(map[MemberID]Report, len(ms)), pledges: make(map[MemberID]Pledge, len(ms))}
	for _, mb := range ms {
		if mb.Cell != code {
			cm.members = append(cm.members, mb)
			continue
		}
		rep, ok, err := tx.Report(mb.ID, m)
		if err != nil {
			if dmg.skip(fmt.Sprintf("report %d %s", mb.ID, m), err) == nil {
				continue
			}
			return cellMonth{}, fmt.Errorf("load report %d %s: %w", mb.ID, m, err)
		}
		if ok {
			cm.reports[mb.ID] = rep
		}
		if mb.Status == Active {
			p, ok, err := tx.Pledge(mb.ID, m.Year())
			if err != nil {
				if dmg.skip(fmt.Sprintf("pledge %d %d", mb.ID, m.Year()), err) == nil {
					delete(cm.reports, mb.ID)
					continue
				}
				return cellMonth{}, fmt.Errorf("load pledge %d %d: %w", mb.ID, m.Year(), err)
			}
			if ok {
				cm.pledges[mb.ID] = p
			}
		}
		cm.members = append(cm.members, mb)
	}
	cm.state, err = tx.MonthState(code, m)
	if err != nil {
		return cellMonth{}, fmt.Errorf("load month state %s %s: %w", code, m, err)
	}
	return cm, nil
}

func (cm cellMonth) summary(m Month) CellSummary {
	return SummarizeCell(cm.cell, cm.members, cm.reports, cm.pledges, m, cm.state)
}

// submitted returns the members with a submitted report, in Vietnamese name
// order.
func (cm cellMonth) submitted() []Member {
	var out []Member
	for _, mb := range cm.members {
		if rep, ok := cm.reports[mb.ID]; ok && !rep.Submitted.IsZero() && mb.Cell == cm.cell.Code {
			out = append(out, mb)
		}
	}
	SortByName(out)
	return out
}

// CellSummary computes the summary of the cell with code for month m inside
// tx. It reads the cell's members and, per member, the month's report and
// the year's pledge, so its cost grows with the cell's members only. A code
// that is not stored yields an error wrapping ErrUnknownCell. It is safe for
// concurrent use (each call uses only its tx).
func (e *Engine) CellSummary(tx Tx, code string, m Month) (CellSummary, error) {
	cm, err := loadCellMonth(tx, code, m, nil)
	if err != nil {
		return CellSummary{}, fmt.Errorf("cell summary: %w", err)
	}
	return cm.summary(m), nil
}

// OrgSummary computes every cell's summary of month m inside tx and ranks
// them (SummarizeOrg). It reads every member, the month's reports with one
// range scan (never other months), each active member's pledge of the year
// and each cell's month state: its cost grows with the members, never with
// the stored history. The rows carry no Missing list, as the organisation's
// table shows no names; their Deeds are those of SummarizeCell. It is safe
// for concurrent use.
func (e *Engine) OrgSummary(tx Tx, m Month) (OrgSummary, error) {
	return e.orgSummary(tx, m, nil)
}

// orgSummary is OrgSummary; with a non-nil dmg, the records it cannot read
// are left out (a damaged cell is not ranked, a damaged member, report or
// pledge not counted) and collected in dmg.
func (e *Engine) orgSummary(tx Tx, m Month, dmg *damage) (OrgSummary, error) {
	cells, err := tx.Cells()
	if err := dmg.listing(err); err != nil {
		return OrgSummary{}, fmt.Errorf("org summary: load cells: %w", err)
	}
	tallies := make([]cellTally, len(cells))
	cellAt := make(map[string]int, len(cells))
	for i, c := range cells {
		st, err := tx.MonthState(c.Code, m)
		if err != nil {
			return OrgSummary{}, fmt.Errorf("org summary: month state %s: %w", c.Code, err)
		}
		tallies[i] = newCellTally(c, m, st, false)
		cellAt[c.Code] = i
	}
	ms, err := tx.Members("")
	if err := dmg.listing(err); err != nil {
		return OrgSummary{}, fmt.Errorf("org summary: load members: %w", err)
	}
	// Members and the month's reports both come by member ID: merge them.
	next := 0                  // the next member of ms to count
	lastCell, lastAt := "", -1 // the cell of the member counted last, and its tally
	count := func(r *Report) error {
		mb := &ms[next]
		next++
		if mb.Cell == "" {
			return nil
		}
		if mb.Cell != lastCell {
			i, ok := cellAt[mb.Cell]
			if !ok {
				i = -1 // a cell that is not stored: not summarised
			}
			lastCell, lastAt = mb.Cell, i
		}
		if lastAt < 0 {
			return nil
		}
		var pp *Pledge
		if mb.Status == Active {
			p, ok, err := tx.Pledge(mb.ID, m.Year())
			if err != nil {
				if dmg.skip(fmt.Sprintf("pledge %d %d", mb.ID, m.Year()), err) == nil {
					return nil // not counted
				}
				return fmt.Errorf("load pledge %d: %w", mb.ID, err)
			}
			if ok {
				pp = &p
			}
		}
		tallies[lastAt].add(mb, r, pp)
		return nil
	}
	var prev MemberID
	seen := false
	err = tx.Reports(m, func(rep Report) error {
		if seen && rep.Member <= prev {
			return fmt.Errorf("report %d after %d: not in member order", rep.Member, prev)
		}
		prev, seen = rep.Member, true
		for next < len(ms) && ms[next].ID < rep.Member {
			if err := count(nil); err != nil {
				return err
			}
		}
		if next < len(ms) && ms[next].ID == rep.Member {
			return count(&rep)
		}
		return nil // the report of a member no longer stored
	})
	err = dmg.listing(err) // damaged reports are skipped: their members count as not reported
	for err == nil && next < len(ms) {
		err = count(nil)
	}
	if err != nil {
		return OrgSummary{}, fmt.Errorf("org summary of %s: %w", m, err)
	}
	sums := make([]CellSummary, len(tallies))
	for i := range tallies {
		sums[i] = tallies[i].summary()
	}
	return SummarizeOrg(m, sums), nil
}

// sayText queues a rendered text to the current chat.
func (r *req) sayText(s string) { r.send(bot.Reply{Chat: r.m.Chat, Text: s}) }

// askText queues a rendered text with choices the current flow expects.
func (r *req) askText(s string, rows [][]bot.Choice) {
	rep := bot.Reply{Chat: r.m.Chat, Text: s, Choices: rows}
	r.offer(&rep)
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
		return 0, refuse(text.ReportFuture, monthData(m))
	}
	return m, nil
}

// reportable reports whether the calendar lets members report month m now
// (the current month, or the previous one during the grace days).
func (r *req) reportable(m Month) bool {
	cur := r.currentMonth()
	return m == cur || (m == cur.Prev() && r.inGrace())
}

// mayRunCell checks, at every step of a secretary flow, that the sender is
// still an admin or the secretary of cell.
func (r *req) mayRunCell(cell string) error {
	if r.admin() || r.secretaryOf(cell) {
		return nil
	}
	r.finish()
	return refuse(text.NeedSecretary, nil)
}

// yesNo is the confirmation row of the secretary's tools.
func yesNo(yes text.Key) []bot.Choice {
	return row(choice(text.T(yes, nil), "y"), choice(text.T(text.No, nil), "n"))
}

// memberRows returns one choice per member, data "m:<id>".
func memberRows(ms []Member, label func(Member) string) [][]bot.Choice {
	rows := make([][]bot.Choice, 0, len(ms))
	for _, mb := range ms {
		rows = append(rows, row(choice(label(mb), "m:"+idString(mb.ID))))
	}
	return rows
}

// reportLabel labels a member whose report can be read or featured.
func reportLabel(cm cellMonth) func(Member) string {
	return func(mb Member) string {
		return text.T(text.SumReportLabel, map[string]any{"Name": mb.Name, "Exemplary": cm.reports[mb.ID].Exemplary})
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
func (r *req) cmdSummary(args string) error {
	m, err := r.monthArg(args)
	if err != nil {
		return err
	}
	if r.m.Group {
		cell, err := r.actingCell()
		if err != nil {
			return err
		}
		s, err := r.e.CellSummary(r.tx, cell, m)
		if err != nil {
			return err
		}
		r.sayText(RenderCellGroup(s))
		return nil
	}
	secretary := r.isMember && r.member.Secretary && r.member.Cell != ""
	if r.admin() {
		o, err := r.e.OrgSummary(r.tx, m)
		if err != nil {
			return err
		}
		if secretary {
			r.sayText(RenderOrg(o))
			return r.secretarySummary(r.member.Cell, m)
		}
		cells, err := r.tx.Cells()
		if err != nil {
			return err
		}
		if len(cells) == 0 {
			r.sayText(RenderOrg(o))
			return nil
		}
		r.start(flowSummary, "cell")
		r.set("month", strconv.Itoa(int(m)))
		r.askText(RenderOrg(o)+"\n\n"+text.T(text.SumPickCell, nil), cellChoices(cells, "c:"))
		return nil
	}
	if secretary {
		return r.secretarySummary(r.member.Cell, m)
	}
	s, err := r.e.CellSummary(r.tx, r.member.Cell, m)
	if err != nil {
		return err
	}
	r.sayText(RenderCellGroup(s))
	return nil
}

// secretarySummary shows cell's month as its secretary reads it and offers
// the submitted reports to read.
func (r *req) secretarySummary(cell string, m Month) error {
	cm, err := loadCellMonth(r.tx, cell, m, nil)
	if err != nil {
		return err
	}
	body := renderCellSecretary(cm.summary(m), r.now, r.e.Cfg.Loc)
	subs := cm.submitted()
	if len(subs) == 0 {
		if r.sess.Flow == flowSummary {
			r.finish()
		}
		r.sayText(body)
		return nil
	}
	r.start(flowSummary, "read")
	r.set("cell", cell)
	r.set("month", strconv.Itoa(int(m)))
	r.askText(body+"\n\n"+text.T(text.SumPickReport, monthData(m)), memberRows(subs, reportLabel(cm)))
	return nil
}

// summaryStep answers the choices of /summary: a cell to open (admins) or
// a member whose report to read. The choices stay open, so several reports
// can be read one after the other.
func (r *req) summaryStep(in input) error {
	m := Month(r.intVal("month"))
	if code, ok := strings.CutPrefix(in.Data, "c:"); ok {
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
		return r.secretarySummary(code, m)
	}
	id, ok := strings.CutPrefix(in.Data, "m:")
	if !ok {
		return refuse(text.ChooseAbove, nil)
	}
	cell := r.val("cell")
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	mb, rep, err := r.submittedReport(id, cell, m)
	if err != nil {
		return err
	}
	data := map[string]any{"Name": mb.Name, "Month": FormatMonth(m)}
	p, _, err := r.tx.Pledge(mb.ID, m.Year())
	if err != nil {
		return err
	}
	r.sayText(RenderMemberReport(mb, p, rep))
	if rep.Photo != "" && onlyOn(mb, r.m.Chat.Platform) {
		r.send(bot.Reply{Chat: r.m.Chat, Photo: rep.Photo, Text: text.T(text.SumPhotoCaption, data)})
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

func viewCellMonth(s CellSummary) cellMonthView {
	return cellMonthView{
		Cell: s.Cell.Name, Month: FormatMonth(s.Month), Closed: s.Closed,
		Reported: s.Reported, MustReport: s.MustReport, NotReported: s.NotReported, Percent: s.Percent(),
	}
}

// cmdClose shows the state of the cell's month and offers to close or
// reopen it: /dongthang [month].
func (r *req) cmdClose(args string) error {
	cell, m, err := r.cellMonth(args)
	if err != nil {
		return err
	}
	s, err := r.e.CellSummary(r.tx, cell, m)
	if err != nil {
		return err
	}
	r.start(flowClose, "act")
	r.set("cell", cell)
	r.set("month", strconv.Itoa(int(m)))
	act := choice(text.T(text.CloseButton, nil), "close")
	if s.Closed {
		act = choice(text.T(text.ReopenButton, nil), "open")
	}
	r.ask(text.CloseState, viewCellMonth(s), row(act), row(choice(text.T(text.No, nil), "n")))
	return nil
}

func (r *req) closeStep(in input) error {
	cell, m := r.val("cell"), Month(r.intVal("month"))
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	if in.Data == "n" {
		r.finish()
		r.say(text.Cancelled, nil)
		return nil
	}
	c, ok, err := r.tx.Cell(cell)
	if err != nil {
		return err
	}
	if !ok {
		r.finish()
		return refuse(text.StaleChoice, nil)
	}
	data := map[string]any{"Cell": c.Name, "Month": FormatMonth(m)}
	switch r.sess.Step {
	case "act":
		switch in.Data {
		case "close":
			r.set("want", "close")
			r.step("confirm")
			r.ask(text.CloseAsk, data, yesNo(text.CloseYes))
			return nil
		case "open":
			r.set("want", "open")
			r.step("confirm")
			r.ask(text.ReopenAsk, data, yesNo(text.ReopenYes))
			return nil
		}
		return refuse(text.ChooseAbove, nil)
	case "confirm":
		if in.Data != "y" {
			return refuse(text.ChooseAbove, nil)
		}
		closing := r.val("want") == "close"
		if err := r.tx.PutMonthState(MonthState{Cell: cell, Month: m, Closed: closing}); err != nil {
			return err
		}
		r.finish()
		s, err := r.e.CellSummary(r.tx, cell, m)
		if err != nil {
			return err
		}
		v := viewCellMonth(s)
		if closing {
			r.say(text.CloseDone, v)
			return nil
		}
		v.Late = !r.reportable(m)
		r.say(text.ReopenDone, v)
		return nil
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

// cmdExempt lets the secretary exempt a member (miễn sinh hoạt) or take the
// exemption back: /mien.
func (r *req) cmdExempt(string) error {
	cell, err := r.actingCell()
	if err != nil {
		return err
	}
	c, _, err := r.tx.Cell(cell)
	if err != nil {
		return err
	}
	ms, err := r.tx.Members(cell)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return refuse(text.CellEmpty, map[string]string{"Cell": c.Name})
	}
	SortByName(ms)
	r.start(flowExempt, "pick")
	r.set("cell", cell)
	r.ask(text.ExemptPick, nil, memberRows(ms, func(mb Member) string {
		if mb.Status == Exempt {
			return text.T(text.ExemptMarked, map[string]string{"Name": mb.Name})
		}
		return mb.Name
	})...)
	return nil
}

func (r *req) exemptStep(in input) error {
	cell := r.val("cell")
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	switch r.sess.Step {
	case "pick":
		id, ok := strings.CutPrefix(in.Data, "m:")
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		mb, err := r.memberInCell(id, cell)
		if err != nil {
			return err
		}
		r.set("member", id)
		r.step("confirm")
		k := text.ExemptAskOn
		if mb.Status == Exempt {
			k = text.ExemptAskOff
		}
		r.set("want", strconv.FormatBool(mb.Status != Exempt))
		r.ask(k, map[string]string{"Name": mb.Name}, yesNo(text.ExemptYes))
		return nil
	case "confirm":
		if yes, err := r.confirmed(in); !yes {
			return err
		}
		mb, err := r.memberInCell(r.val("member"), cell)
		if err != nil {
			return err
		}
		c, _, err := r.tx.Cell(cell)
		if err != nil {
			return err
		}
		exempt := r.val("want") == "true"
		mb.Status = Active
		if exempt {
			mb.Status = Exempt
		}
		if err := r.tx.PutMember(&mb); err != nil {
			return err
		}
		r.finish()
		data := map[string]string{"Name": mb.Name, "Cell": c.Name}
		toSec, toMember := text.ExemptDoneOn, text.ExemptYouOn
		if !exempt {
			toSec, toMember = text.ExemptDoneOff, text.ExemptYouOff
		}
		r.say(toSec, data)
		r.tell(mb, toMember, data)
		return nil
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

// cmdNudge sends a private reminder, with a "report now" button, to each
// active member of the cell who has not reported the month (the current one,
// or the month typed after the command while it is open): /nhacnho [month].
// Members whose reminders are paused, the secretary who asks and chats known
// unreachable are skipped; the secretary is told who was reminded.
func (r *req) cmdNudge(args string) error {
	cell, m, err := r.cellMonth(args)
	if err != nil {
		return err
	}
	if !r.reportable(m) {
		return refuse(text.NudgeNotOpen, monthData(m))
	}
	if closed, err := r.closed(cell, m); err != nil {
		return err
	} else if closed {
		return refuse(text.NudgeClosed, monthData(m))
	}
	c, _, err := r.tx.Cell(cell)
	if err != nil {
		return err
	}
	ms, err := r.tx.Members(cell)
	if err != nil {
		return err
	}
	SortByName(ms)
	button := nudgeButton(m)
	var nudged, paused, unreachable []string
	nudges := cast{cell: c}
	names := map[bot.ChatID]string{}
	for _, mb := range ms {
		if mb.Cell != cell || mb.Status != Active || (r.isMember && mb.ID == r.member.ID) {
			continue
		}
		rep, ok, err := r.tx.Report(mb.ID, m)
		if err != nil {
			return err
		}
		if ok && !rep.Submitted.IsZero() {
			continue
		}
		if mb.PausedUntil.After(r.now) {
			paused = append(paused, mb.Name)
			continue
		}
		body := text.T(r.e.textKey(firstPlatform(mb), text.NudgeMember), map[string]string{"Name": mb.Name, "Cell": c.Name, "Month": FormatMonth(m)})
		reps, err := privateReplies(r.tx, mb.PrivateChats(), body, button)
		if err != nil {
			return err
		}
		for _, rep := range reps {
			names[rep.Chat] = mb.Name
		}
		nudges.privates = append(nudges.privates, reps...)
		if len(reps) == 0 {
			unreachable = append(unreachable, mb.Name)
		}
	}
	out, err := r.e.newBudget(r.tx, r.now).spend([]cast{nudges}, cutToFit, JobNudge, r.now)
	if err != nil {
		return err
	}
	sent := map[bot.ChatID]bool{}
	for _, rep := range out {
		sent[rep.Chat] = true
	}
	var cut []string
	for _, rep := range nudges.privates {
		if sent[rep.Chat] {
			nudged = append(nudged, names[rep.Chat])
		} else {
			cut = append(cut, names[rep.Chat])
		}
	}
	r.out = append(r.out, out...)
	r.say(text.NudgeDone, map[string]any{
		"Month": FormatMonth(m), "Nudged": nudged, "Budget": strings.Join(cut, ", "),
		"Paused": strings.Join(paused, ", "), "Unreachable": strings.Join(unreachable, ", "),
	})
	return nil
}

// cmdFeature lets the secretary feature a submitted report of the month
// (nêu gương) or take the feature back: /neuguong [month].
func (r *req) cmdFeature(args string) error {
	cell, m, err := r.cellMonth(args)
	if err != nil {
		return err
	}
	cm, err := loadCellMonth(r.tx, cell, m, nil)
	if err != nil {
		return err
	}
	subs := cm.submitted()
	if len(subs) == 0 {
		return refuse(text.FeatureNone, monthData(m))
	}
	r.start(flowFeature, "pick")
	r.set("cell", cell)
	r.set("month", strconv.Itoa(int(m)))
	r.ask(text.FeaturePick, monthData(m), memberRows(subs, reportLabel(cm))...)
	return nil
}

func (r *req) featureStep(in input) error {
	cell, m := r.val("cell"), Month(r.intVal("month"))
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	var id string
	switch r.sess.Step {
	case "pick":
		var ok bool
		if id, ok = strings.CutPrefix(in.Data, "m:"); !ok {
			return refuse(text.ChooseAbove, nil)
		}
	case "confirm":
		if yes, err := r.confirmed(in); !yes {
			return err
		}
		id = r.val("member")
	default:
		r.finish()
		return refuse(text.NotUnderstood, nil)
	}
	mb, rep, err := r.submittedReport(id, cell, m)
	if err != nil {
		r.finish()
		return err
	}
	data := map[string]any{"Name": mb.Name, "Month": FormatMonth(m)}
	if r.sess.Step == "pick" {
		p, _, err := r.tx.Pledge(mb.ID, m.Year())
		if err != nil {
			return err
		}
		r.set("member", id)
		r.set("want", strconv.FormatBool(!rep.Exemplary))
		r.step("confirm")
		data["Body"] = RenderMemberReport(mb, p, rep)
		k, yes := text.FeatureAskOn, text.FeatureYes
		if rep.Exemplary {
			k, yes = text.FeatureAskOff, text.FeatureNoMore
		}
		r.ask(k, data, yesNo(yes))
		return nil
	}
	rep.Exemplary = r.val("want") == "true"
	if err := r.tx.PutReport(rep); err != nil {
		return err
	}
	r.finish()
	if !rep.Exemplary {
		r.say(text.FeatureDoneOff, data)
		return nil
	}
	r.say(text.FeatureDoneOn, data)
	c, _, err := r.tx.Cell(cell)
	if err != nil {
		return err
	}
	data["Cell"] = c.Name
	r.tell(mb, text.FeatureYou, data)
	return nil
}

// submittedReport loads member id of cell and their submitted report for m;
// a refusal the secretary reads when there is none.
func (r *req) submittedReport(id, cell string, m Month) (Member, Report, error) {
	mb, err := r.memberInCell(id, cell)
	if err != nil {
		return Member{}, Report{}, err
	}
	rep, ok, err := r.tx.Report(mb.ID, m)
	if err != nil {
		return Member{}, Report{}, err
	}
	if !ok || rep.Submitted.IsZero() {
		return Member{}, Report{}, refuse(text.SumNoReport, map[string]any{"Name": mb.Name, "Month": FormatMonth(m)})
	}
	return mb, rep, nil
}

// cellMonth returns the cell a cell-scoped command acts on and the month
// typed after it (the current month when none).
func (r *req) cellMonth(args string) (string, Month, error) {
	m, err := r.monthArg(args)
	if err != nil {
		return "", 0, err
	}
	cell, err := r.actingCell()
	return cell, m, err
}
