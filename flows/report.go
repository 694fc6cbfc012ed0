package flows

import (
	"errors"
	"strconv"
	"strings"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// The monthly report flow and its photo step.
const (
	flowReport = "report"
	stepPhoto  = "photo"
)

// monthData is what month texts need.
func monthData(m Month) map[string]any {
	return map[string]any{"Month": FormatMonth(m)}
}

// currentMonth returns the month now falls in, in the organisation's zone.
func (r *req) currentMonth() Month { return MonthOf(r.now, r.e.Cfg.Loc) }

// inGrace reports whether the previous month is still open for reports by
// the grace period.
func (r *req) inGrace() bool { return r.now.In(r.e.Cfg.Loc).Day() <= r.e.Cfg.GraceDays }

// closed reports whether cell's month m is closed.
func (r *req) closed(cell string, m Month) (bool, error) {
	st, err := r.tx.MonthState(cell, m)
	return st.Closed, err
}

// openMonths returns the months cell's members may report now, oldest first.
func (r *req) openMonths(cell string) ([]Month, error) {
	cur := r.currentMonth()
	var out []Month
	if r.inGrace() {
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

// checkOpen returns a refusal unless cell's members may report month m now.
func (r *req) checkOpen(cell string, m Month) error {
	cur := r.currentMonth()
	switch {
	case m > cur:
		return refuse(text.ReportFuture, monthData(m))
	case m != cur && !(m == cur.Prev() && r.inGrace()):
		return refuse(text.MonthNotOpen, map[string]any{"Month": FormatMonth(m), "Grace": r.e.Cfg.GraceDays})
	}
	if c, err := r.closed(cell, m); err != nil {
		return err
	} else if c {
		return refuse(text.MonthClosed, monthData(m))
	}
	return nil
}

// parseMonthArg reads a month typed after a command.
func (r *req) parseMonthArg(s string) (Month, error) {
	m, err := ParseMonth(s, r.now, r.e.Cfg.Loc)
	var pe *MonthParseError
	if errors.As(err, &pe) {
		return 0, refuse(text.BadMonth, map[string]string{"Input": pe.Input})
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
	begin, quick := r.reportBegin, ""
	if isQuickReport(args) {
		q, err := parseQuick(args)
		if err != nil {
			return err
		}
		quick, args = args, q.Month
		begin = func(m Month) error { return r.quickBegin(m, quick) }
	}
	if args != "" {
		m, err := r.parseMonthArg(args)
		if err != nil {
			return err
		}
		if err := r.checkOpen(cell, m); err != nil {
			return err
		}
		return begin(m)
	}
	months, err := r.openMonths(cell)
	if err != nil {
		return err
	}
	switch len(months) {
	case 0:
		return refuse(text.MonthClosed, monthData(r.currentMonth()))
	case 1:
		return begin(months[0])
	}
	r.start(flowReport, "month")
	if quick != "" {
		r.set("quick", quick) // shown once the month is chosen
	}
	rows := make([][]bot.Choice, 0, len(months))
	for _, m := range months {
		rows = append(rows, row(choice(text.T(text.MonthLabel, monthData(m)), "mo:"+strconv.Itoa(int(m)))))
	}
	r.ask(text.ReportWhichMonth, map[string]any{"Grace": r.e.Cfg.GraceDays}, rows...)
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
	r.start(flowReport, "")
	r.set("month", strconv.Itoa(int(m)))
	r.set("cell", r.member.Cell)
	old, ok, err := r.tx.Report(r.member.ID, m)
	if err != nil {
		return err
	}
	p, hasItems, err := r.reportItems(m)
	if err != nil {
		return err
	}
	if ok && !old.Submitted.IsZero() {
		r.loadDraft(old)
		r.step("existing")
		r.say(text.ReportExisting, monthData(m))
		r.ask(text.ReportView, map[string]any{"Body": RenderMemberReport(r.member, p, old)},
			row(choice(text.T(text.ReportEdit, nil), "ex:edit")),
			row(choice(text.T(text.ReportKeep, nil), "ex:keep")))
		return nil
	}
	if !hasItems {
		r.say(text.ReportNoPledge, monthData(m))
		return r.askOther()
	}
	r.say(text.ReportIntro, map[string]any{"Month": FormatMonth(m), "N": len(p.Items)})
	return r.askStatus(p, 0)
}

// loadDraft copies a stored report into the session, to edit it.
func (r *req) loadDraft(rep Report) {
	for _, e := range rep.Entries {
		if e.Item == 0 {
			continue
		}
		n := strconv.Itoa(e.Item)
		r.set("s"+n, strconv.Itoa(int(e.Status)))
		r.set("t"+n, e.Text)
	}
	r.set("other", rep.Other)
	r.set("photo", rep.Photo)
	r.set("edit", "1")
}

// statusName returns the Vietnamese name of s.
func statusName(s ItemStatus) string {
	switch s {
	case Done:
		return text.T(text.StatusDone, nil)
	case Doing:
		return text.T(text.StatusDoing, nil)
	}
	return text.T(text.StatusNotYet, nil)
}

// askStatus asks the status of the i-th pledge item.
func (r *req) askStatus(p Pledge, i int) error {
	it := p.Items[i]
	r.set("i", strconv.Itoa(i))
	r.step("status")
	n := strconv.Itoa(it.No)
	data := map[string]any{"I": i + 1, "Total": len(p.Items), "No": it.No, "Text": it.Text, "Target": it.Target, "Current": "", "CurrentText": ""}
	rows := [][]bot.Choice{
		row(choice(text.T(text.StatusDone, nil), "st:2")),
		row(choice(text.T(text.StatusDoing, nil), "st:1")),
		row(choice(text.T(text.StatusNotYet, nil), "st:0")),
	}
	if s := r.val("s" + n); s != "" {
		st, _ := strconv.Atoi(s)
		data["Current"] = statusName(ItemStatus(st))
		data["CurrentText"] = r.val("t" + n)
	}
	r.ask(text.ReportAskStatus, data, rows...)
	return nil
}

func (r *req) askOther() error {
	r.step("other")
	rows := [][]bot.Choice{row(choice(text.T(text.ReportNoOther, nil), "o:none"))}
	if r.val("other") != "" {
		rows = append(rows, row(choice(text.T(text.KeepAsIs, nil), "o:keep")))
	}
	r.ask(text.ReportAskOther, map[string]any{"Current": r.val("other")}, rows...)
	return nil
}

// afterOther moves on to the photo (where the platform has photos) or the
// review.
func (r *req) afterOther() error {
	if r.e.caps(r.m.Chat.Platform).ReceivePhotos {
		r.step(stepPhoto)
		rows := [][]bot.Choice{row(choice(text.T(text.ReportNoPhoto, nil), "ph:skip"))}
		if r.val("photo") != "" {
			rows = append(rows, row(choice(text.T(text.KeepAsIs, nil), "ph:keep")))
		}
		r.ask(text.ReportAskPhoto, nil, rows...)
		return nil
	}
	return r.review()
}

// draft builds the report from the session.
func (r *req) draft(p Pledge, m Month) Report {
	rep := Report{Member: r.member.ID, Month: m, Other: r.val("other"), Photo: r.val("photo")}
	for _, it := range p.Items {
		n := strconv.Itoa(it.No)
		s := r.val("s" + n)
		if s == "" {
			continue
		}
		st, _ := strconv.Atoi(s)
		rep.Entries = append(rep.Entries, Entry{Item: it.No, Status: ItemStatus(st), Text: r.val("t" + n)})
	}
	return rep
}

func (r *req) review() error {
	m := Month(r.intVal("month"))
	p, _, err := r.reportItems(m)
	if err != nil {
		return err
	}
	rep := r.draft(p, m)
	r.step("review")
	r.ask(text.ReportReview, map[string]any{"Month": FormatMonth(m), "Body": RenderMemberReport(r.member, p, rep)},
		row(choice(text.T(text.ReportSend, nil), "rv:send")),
		row(choice(text.T(text.ReportRedo, nil), "rv:redo"), choice(text.T(text.No, nil), "rv:cancel")))
	return nil
}

func (r *req) reportStep(in input) error {
	m := Month(r.intVal("month"))
	if r.sess.Step == "month" {
		if !r.isMember || r.member.Cell == "" {
			r.finish()
			return refuse(text.NeedMember, nil)
		}
		s, ok := strings.CutPrefix(in.Data, "mo:")
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		n, _ := strconv.Atoi(s)
		if err := r.checkOpen(r.member.Cell, Month(n)); err != nil {
			r.finish()
			return err
		}
		if quick := r.val("quick"); quick != "" {
			if err := r.quickBegin(Month(n), quick); err != nil {
				r.finish()
				return err
			}
			return nil
		}
		return r.reportBegin(Month(n))
	}
	if !r.isMember || r.member.Cell == "" || r.member.Cell != r.val("cell") {
		r.finish()
		return refuse(text.MemberLeftCell, nil)
	}
	p, _, err := r.reportItems(m)
	if err != nil {
		return err
	}
	i := r.intVal("i")
	switch r.sess.Step {
	case "existing":
		switch in.Data {
		case "ex:edit":
			if len(p.Items) == 0 {
				return r.askOther()
			}
			return r.askStatus(p, 0)
		case "ex:keep":
			r.finish()
			r.say(text.ReportKept, monthData(m))
			return nil
		}
		return refuse(text.ChooseAbove, nil)
	case "status":
		s, ok := strings.CutPrefix(in.Data, "st:")
		if !ok || i >= len(p.Items) {
			return refuse(text.ChooseAbove, nil)
		}
		n := strconv.Itoa(p.Items[i].No)
		r.set("s"+n, s)
		if s == "0" {
			r.set("t"+n, "")
			return r.nextItem(p, i)
		}
		r.step("what")
		rows := [][]bot.Choice{row(choice(text.T(text.ReportSkipWhat, nil), "w:skip"))}
		if r.val("t"+n) != "" {
			rows = append(rows, row(choice(text.T(text.KeepAsIs, nil), "w:keep")))
		}
		r.ask(text.ReportAskWhat, map[string]any{"No": p.Items[i].No, "Current": r.val("t" + n)}, rows...)
		return nil
	case "what":
		if i >= len(p.Items) {
			return r.askOther()
		}
		n := strconv.Itoa(p.Items[i].No)
		switch in.Data {
		case "w:skip":
			r.set("t"+n, "")
		case "w:keep":
		case "":
			t, err := cleanInput(in.Text, MaxItemText)
			if err != nil {
				return err
			}
			r.set("t"+n, t)
		default:
			return refuse(text.ChooseAbove, nil)
		}
		return r.nextItem(p, i)
	case "other":
		switch in.Data {
		case "o:none":
			r.set("other", "")
		case "o:keep":
		case "":
			t, err := cleanInput(in.Text, MaxItemText)
			if err != nil {
				return err
			}
			r.set("other", t)
		default:
			return refuse(text.ChooseAbove, nil)
		}
		return r.afterOther()
	case stepPhoto:
		switch {
		case in.Photo != "":
			r.set("photo", in.Photo)
		case in.Data == "ph:skip":
			r.set("photo", "")
		case in.Data == "ph:keep":
		default:
			return refuse(text.ReportAskPhotoAgain, nil)
		}
		return r.review()
	case stepQuick:
		return r.quickStep(p, m, in)
	case "review":
		switch in.Data {
		case "rv:send":
			return r.reportSubmit(p, m)
		case "rv:redo":
			if len(p.Items) == 0 {
				return r.askOther()
			}
			return r.askStatus(p, 0)
		case "rv:cancel":
			r.finish()
			r.say(text.ReportNotSent, monthData(m))
			return nil
		}
		return refuse(text.ChooseAbove, nil)
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

func (r *req) nextItem(p Pledge, i int) error {
	if i+1 < len(p.Items) {
		return r.askStatus(p, i+1)
	}
	return r.askOther()
}

// reportSubmit stores the report, if its month is still open.
func (r *req) reportSubmit(p Pledge, m Month) error {
	if err := r.checkOpen(r.member.Cell, m); err != nil {
		r.finish()
		return err
	}
	rep := r.draft(p, m)
	if len(rep.Entries) == 0 && rep.Other == "" {
		r.step("review")
		return refuse(text.ReportEmpty, nil)
	}
	old, ok, err := r.tx.Report(r.member.ID, m)
	if err != nil {
		return err
	}
	rep.Exemplary = ok && old.Exemplary
	rep.Submitted = r.now
	if err := r.tx.PutReport(rep); err != nil {
		return err
	}
	r.finish()
	k := text.ReportSaved
	if ok && !old.Submitted.IsZero() {
		k = text.ReportUpdated
	}
	r.say(k, monthData(m))
	return nil
}
