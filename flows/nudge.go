package flows

import (
	"slices"
	"strings"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// cmdNudge sends a private reminder, with a "report now" button, to each
// active member of the cell who has not reported the month (the current one,
// or the month typed after the command while it is open): /nhacnho [month].
// Members whose reminders are paused, the secretary who asks and chats known
// unreachable are skipped; the secretary is told who was reminded, and
// that her own report is missing when it is. The people of the roster who
// do not use the bot (recorded for, or never connected) are listed apart,
// «không dùng bot», as her private /summary and the last reminder list
// them, not as people the bot could not write to.
func (r *req) cmdNudge(args string) error {
	cell, m, asked, err := r.cellMonth(args)
	if err != nil || asked {
		return err
	}
	if ok, err := r.reportable(cell, m); err != nil {
		return err
	} else if !ok {
		return refuse(text.NudgeNotOpen, r.monthData(m))
	}
	if closed, err := r.closed(cell, m); err != nil {
		return err
	} else if closed {
		return refuse(text.NudgeClosed, r.monthData(m))
	}
	cm, err := loadCellMonth(r.tx, cell, m, r.e.loc(), r.e.Cfg.GraceDays, nil)
	if err != nil {
		return err
	}
	c, ms := cm.cell, slices.Clone(cm.members)
	SortByName(ms)
	button := r.e.nudgeButton(m)
	var nudged, paused, unreachable []string
	self := false // the secretary asking has not reported either
	nudges := cast{cell: c}
	names := map[bot.ChatID]string{}
	for _, mb := range ms {
		if mb.Cell != cell || !mb.CountsIn(m, r.e.loc()) {
			continue
		}
		rep, ok, err := r.tx.Report(mb.ID, m)
		if err != nil {
			return err
		}
		if ok && !rep.Submitted.IsZero() {
			continue
		}
		if !mb.Connected() {
			continue // does not use the bot: listed apart (Offline)
		}
		if r.self(mb) {
			self = true
			continue
		}
		if mb.Paused(r.now) {
			paused = append(paused, mb.Name)
			continue
		}
		body := r.t(r.e.textKey(firstPlatform(mb), text.NudgeMember), remindView{Name: mb.Name, Cell: c.Name, Month: FormatMonth(r.e.text(), m)})
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
	r.say(text.NudgeDone, nudgeDoneView{
		Month: FormatMonth(r.e.text(), m), Nudged: nudged, Budget: strings.Join(cut, ", "),
		Paused: strings.Join(paused, ", "), Unreachable: strings.Join(unreachable, ", "), Self: self,
		Offline: offlineNames(cm.summary(m).Offline),
	})
	return nil
}

// nudgeDoneView is the data of the secretary's account of /nhacnho
// (nudge_done): who was reminded, and the names left out and why, each list
// joined with ", ".
type nudgeDoneView struct {
	Month       string   // "tháng 11/2026"
	Nudged      []string // reminded
	Budget      string   // not reminded: the platform's monthly budget ran out
	Paused      string   // not reminded: paused
	Unreachable string   // not reminded: the bot cannot write to them
	Self        bool     // the secretary asking has not reported either (never messaged)
	// Offline are the counted people without a report who do not use the
	// bot (recorded for, or never connected), joined with ", ": the bot
	// cannot remind them, the secretary reports for them (/baocaothay).
	Offline string
}

// offlineNames joins the names of ms, people who do not use the bot, with
// ", ".
func offlineNames(ms []Member) string {
	names := make([]string, len(ms))
	for i, mb := range ms {
		names[i] = mb.Name
	}
	return strings.Join(names, ", ")
}
