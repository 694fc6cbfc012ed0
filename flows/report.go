package flows

import (
	"errors"
	"slices"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// flowReport is the monthly report (see reportDraft).
var flowReport = conversation[reportDraft, reportStep]{name: "report"}

// monthData is what month texts need.
func (r *req) monthData(m Month) monthView {
	return monthView{Month: FormatMonth(r.e.text(), m)}
}

// currentMonth returns the month now falls in, in the organisation's zone.
func (r *req) currentMonth() Month { return MonthOf(r.now, r.e.loc()) }

// inGrace reports whether the previous month is still open for reports by
// the grace period of cell (until its meeting day, or the organisation's
// grace days), and returns that grace.
func (r *req) inGrace(cell string) (bool, int, error) {
	grace, err := r.e.cellGrace(r.tx, cell)
	if err != nil {
		return false, 0, err
	}
	return r.now.In(r.e.loc()).Day() <= grace, grace, nil
}

// closed reports whether cell's month m is closed.
func (r *req) closed(cell string, m Month) (bool, error) {
	st, err := r.tx.MonthState(cell, m)
	return st.Closed, err
}

// openMonths returns the months the sender, a member of cell, may report
// now, oldest first: never a month before they connected.
func (r *req) openMonths(cell string) ([]Month, error) {
	cur := r.currentMonth()
	var out []Month
	if in, _, err := r.inGrace(cell); err != nil {
		return nil, err
	} else if in && cur.Prev() >= r.member.JoinedMonth(r.e.loc()) {
		if c, err := r.closed(cell, cur.Prev()); err != nil {
			return nil, err
		} else if !c {
			out = append(out, cur.Prev())
		}
	}
	if c, err := r.closed(cell, cur); err != nil {
		return nil, err
	} else if !c {
		out = append(out, cur)
	}
	return out, nil
}

// checkOpen returns a refusal unless the sender, a member of cell, may
// report month m now: not a month before they connected either.
func (r *req) checkOpen(cell string, m Month) error {
	cur := r.currentMonth()
	in, grace, err := r.inGrace(cell)
	if err != nil {
		return err
	}
	switch {
	case m > cur:
		return refuse(text.ReportFuture, r.monthData(m))
	case m != cur && !(m == cur.Prev() && in):
		return refuse(text.MonthNotOpen, monthGraceView{Month: FormatMonth(r.e.text(), m), Grace: grace})
	case m < r.member.JoinedMonth(r.e.loc()):
		return refuse(text.ReportBeforeJoined, r.monthData(m))
	}
	if c, err := r.closed(cell, m); err != nil {
		return err
	} else if c {
		return refuse(text.MonthClosed, r.monthData(m))
	}
	return nil
}

// parseMonthArg reads a month typed after a command.
func (r *req) parseMonthArg(s string) (Month, error) {
	m, err := ParseMonth(s, r.now, r.e.loc())
	var pe *MonthParseError
	if errors.As(err, &pe) {
		return 0, refuse(text.BadMonth, inputView{Input: pe.Input})
	}
	return m, err
}

// cmdReport opens the monthly report: /baocao [month], or /baocao followed
// by the whole month's report in one message (see isQuickReport and
// ParseQuickReport), or /baocao ? for how to write one.
func (r *req) cmdReport(args string) error {
	if args == "?" {
		r.say(text.QuickHelp, nil)
		return nil
	}
	cell := r.member.Cell
	open, quick := r.reportBegin, ""
	if isQuickReport(args) || r.caption != "" {
		q, err := r.parseQuick(args)
		if err != nil {
			return err
		}
		quick, args = args, q.Month
		open = func(m Month) error { return r.quickBegin(m, quick) }
	}
	if args != "" {
		m, err := r.parseMonthArg(args)
		if err != nil {
			return err
		}
		if err := r.checkOpen(cell, m); err != nil {
			return err
		}
		return open(m)
	}
	months, err := r.openMonths(cell)
	if err != nil {
		return err
	}
	switch len(months) {
	case 0:
		return refuse(text.MonthClosed, r.monthData(r.currentMonth()))
	case 1:
		return open(months[0])
	}
	// The quick report is shown once the month is chosen; a photo and a
	// caption wait with it.
	flowReport.begin(r, reportMonth, &reportDraft{Quick: quick, Photo: r.photo, Other: r.caption})
	rows := make([][]bot.Choice, 0, len(months))
	for _, m := range months {
		rows = append(rows, row(choice(r.t(text.MonthLabel, r.monthData(m)), monthChoice(m))))
	}
	_, grace, err := r.inGrace(cell)
	if err != nil {
		return err
	}
	r.ask(text.ReportWhichMonth, monthGraceView{Grace: grace}, rows...)
	return nil
}

// reportItems returns the pledge items a report for m walks through.
func (r *req) reportItems(m Month) (Pledge, bool, error) {
	p, ok, err := r.tx.Pledge(r.member.ID, m.Year())
	if err != nil || !ok || len(p.Items) == 0 {
		return Pledge{Member: r.member.ID, Year: m.Year()}, false, err
	}
	return p, true, nil
}

// reportBegin starts the report for month m.
func (r *req) reportBegin(m Month) error {
	old, ok, err := r.tx.Report(r.member.ID, m)
	if err != nil {
		return err
	}
	p, hasItems, err := r.reportItems(m)
	if err != nil {
		return err
	}
	d := &reportDraft{Month: m, Cell: r.member.Cell}
	flowReport.begin(r, reportStart, d)
	existing := ok && !old.Submitted.IsZero()
	if existing {
		d.load(old)
	}
	r.attach(d)
	if existing {
		moveTo(r, reportExisting)
		r.say(text.ReportExisting, r.monthData(m))
		r.ask(text.ReportView, memberMonthView{Body: RenderMemberReport(r.e.text(), r.member, p, old)},
			row(choice(r.t(text.ReportKeep, nil), reportKeep)),
			row(choice(r.t(text.ReportEdit, nil), reportEdit)))
		return nil
	}
	if !hasItems {
		// In December /dangky opens the coming year's pledge: not one that
		// would serve this report.
		r.say(text.ReportNoPledge, noPledgeView{Month: FormatMonth(r.e.text(), m), Year: m.Year(), CanPledge: r.year() == m.Year()})
		return r.askOther(d, p)
	}
	r.say(text.ReportIntro, reportIntroView{Month: FormatMonth(r.e.text(), m), N: len(p.Items)})
	return r.askStatus(d, p, 0)
}

// statusName returns the Vietnamese name of s.
func (r *req) statusName(s ItemStatus) string {
	switch s {
	case Done:
		return r.t(text.StatusDone, nil)
	case Doing:
		return r.t(text.StatusDoing, nil)
	}
	return r.t(text.StatusNotYet, nil)
}

// askStatus asks the status of the i-th pledge item.
func (r *req) askStatus(d *reportDraft, p Pledge, i int) error {
	it := p.Items[i]
	d.Item = i
	moveTo(r, reportStatus)
	data := reportItemView{I: i + 1, Total: len(p.Items), No: it.No, Text: it.Text, Target: it.Target}
	var rows [][]bot.Choice
	if s, ok := d.Status[it.No]; ok {
		data.Current = r.statusName(s)
		data.CurrentText = d.Texts[it.No]
		rows = append(rows, keepRow(r, reportKeepStatus))
	}
	rows = append(rows,
		row(choice(r.t(text.StatusDone, nil), statusChoice(Done))),
		row(choice(r.t(text.StatusDoing, nil), statusChoice(Doing))),
		row(choice(r.t(text.StatusNotYet, nil), statusChoice(NotYet))))
	r.ask(text.ReportAskStatus, data, rows...)
	return nil
}

// askWhat asks what was done for item it.
func (r *req) askWhat(d *reportDraft, it PledgeItem) error {
	moveTo(r, reportWhat)
	rows := [][]bot.Choice{row(choice(r.t(text.ReportSkipWhat, nil), reportSkipWhat))}
	if d.Texts[it.No] != "" {
		rows = slices.Insert(rows, 0, keepRow(r, reportKeepWhat))
	}
	r.askOpen(text.ReportAskWhat, reportItemView{No: it.No, Current: d.Texts[it.No]}, rows...)
	return nil
}

// askOther asks for the deeds beyond the items of pledge p (or, without
// a pledge, for the month's deeds).
func (r *req) askOther(d *reportDraft, p Pledge) error {
	moveTo(r, reportOther)
	rows := [][]bot.Choice{row(choice(r.t(text.ReportNoOther, nil), reportNoOther))}
	if d.Other != "" {
		rows = slices.Insert(rows, 0, keepRow(r, reportKeepOther))
	}
	r.askOpen(text.ReportAskOther, reportItemView{Current: d.Other, NoPledge: len(p.Items) == 0}, rows...)
	return nil
}

// askPhoto asks for a photo, where the platform has photos.
func (r *req) askPhoto(d *reportDraft) error {
	moveTo(r, reportPhoto)
	rows := [][]bot.Choice{row(choice(r.t(text.ReportNoPhoto, nil), reportNoPhoto))}
	if d.Photo != "" {
		rows = slices.Insert(rows, 0, keepRow(r, reportKeepPhoto))
	}
	r.ask(text.ReportAskPhoto, nil, rows...)
	return nil
}

// review shows the report as it will be sent and asks to send it.
func (r *req) review(d *reportDraft, p Pledge) error {
	rep := d.report(r.member.ID, p)
	moveTo(r, reportReview)
	r.ask(text.ReportReview, memberMonthView{Month: FormatMonth(r.e.text(), d.Month), Body: RenderMemberReport(r.e.text(), r.member, p, rep)},
		row(choice(r.t(text.ReportSend, nil), reportSend)),
		row(choice(r.t(text.ReportRedo, nil), reportRedo), choice(r.t(text.No, nil), reportCancel)))
	return nil
}

// reportAnswer takes an answer to the report flow.
func (r *req) reportAnswer(d *reportDraft, in input) error {
	step := reportStep(r.sess.Step)
	if step == reportMonth {
		if !r.isMember || r.member.Cell == "" {
			r.finish()
			return refuse(text.NeedMember, nil)
		}
		n, ok := cutNumber(in.Data, reportMonthPrefix)
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		if err := r.checkOpen(r.member.Cell, Month(n)); err != nil {
			r.finish()
			return err
		}
		r.photo, r.caption = d.Photo, d.Other
		if d.Quick != "" || r.caption != "" {
			if err := r.quickBegin(Month(n), d.Quick); err != nil {
				r.finish()
				return err
			}
			return nil
		}
		return r.reportBegin(Month(n))
	}
	if !r.isMember || r.member.Cell == "" || r.member.Cell != d.Cell {
		r.finish()
		return refuse(text.MemberLeftCell, nil)
	}
	p, _, err := r.reportItems(d.Month)
	if err != nil {
		return err
	}
	next, to, out, err := nextReport(*d, step, p, r.e.caps(r.m.Chat.Platform).ReceivePhotos, in)
	if out == reportLost {
		r.finish()
		return err
	}
	if err != nil {
		return err
	}
	*d = next
	switch out {
	case reportSubmit:
		return r.reportSubmit(d, p)
	case reportDropped:
		r.finish()
		// A dropped correction leaves the report sent before as it was.
		k := text.ReportNotSent
		if rep, ok, err := r.tx.Report(r.member.ID, d.Month); err != nil {
			return err
		} else if ok && !rep.Submitted.IsZero() {
			k = text.ReportEditDropped
		}
		r.say(k, r.monthData(d.Month))
		return nil
	case reportKept:
		r.finish()
		r.say(text.ReportKept, r.monthData(d.Month))
		return nil
	}
	return r.askReport(d, p, to)
}

// askReport asks the question of step.
func (r *req) askReport(d *reportDraft, p Pledge, step reportStep) error {
	switch step {
	case reportStatus:
		return r.askStatus(d, p, d.Item)
	case reportWhat:
		return r.askWhat(d, p.Items[d.Item])
	case reportOther:
		return r.askOther(d, p)
	case reportPhoto:
		return r.askPhoto(d)
	}
	return r.review(d, p)
}

// reportSubmit stores the report, if its month is still open.
func (r *req) reportSubmit(d *reportDraft, p Pledge) error {
	m := d.Month
	if err := r.checkOpen(r.member.Cell, m); err != nil {
		r.finish()
		return err
	}
	rep := d.report(r.member.ID, p)
	if len(rep.Entries) == 0 && rep.Other == "" {
		moveTo(r, reportReview)
		return refuse(text.ReportEmpty, nil)
	}
	old, ok, err := r.tx.Report(r.member.ID, m)
	if err != nil {
		return err
	}
	rep.Exemplary = ok && old.Exemplary
	rep.Submitted = r.now
	rep.Recorded = r.recording()
	r.finish()
	k := text.ReportSaved
	if ok && !old.Submitted.IsZero() {
		k = text.ReportUpdated
	}
	if rep.Recorded.Zero() {
		r.say(k, r.monthData(m))
	} else {
		r.say(text.BehalfReportSaved, behalfSavedView{Name: r.member.Name, Month: r.monthData(m).Month})
	}
	return r.tx.PutReport(rep)
}

// monthGraceView feeds the texts that say a month opens for reports, or
// stays open, until day Grace of the next.
type monthGraceView struct {
	Month string
	Grace int
}

// reportIntroView feeds the start of a month's report of N items.
type reportIntroView struct {
	Month string
	N     int
}

// reportItemView feeds the questions about item No (the I-th of Total) of
// a report, or its other deeds (NoPledge: the member has no pledge items,
// so these are all the month's deeds): the item, and what was answered
// before.
type reportItemView struct {
	I, Total, No         int
	Text, Target         string
	Current, CurrentText string
	NoPledge             bool
}
