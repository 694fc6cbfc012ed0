package flows

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// Members without a phone: the cell's secretary, or a member they
// delegated (/uyquyen), records a monthly report (/baocaothay) or the
// year's pledge (/dangkythay) for a person on the cell's roster. The
// recorder picks the person, then the very flow the person would run
// themselves runs for them: its state carries who it is for (onBehalf),
// and each answer swaps the request's member for that person (see
// takeBehalf). What is stored is marked as recorded by the cell
// (Recorded), and counts like any other.

// flowBehalf is the picker of /baocaothay and /dangkythay (see behalfPicking).
var flowBehalf = conversation[behalfPicking, behalfStep]{name: "behalf"}

// behalfStep is a step of the picker.
type behalfStep string

// The picker's only step.
const behalfPick behalfStep = "pick"

// behalfKind says what is recorded for the person picked.
type behalfKind string

// What the picker records.
const (
	behalfReport behalfKind = "report"
	behalfPledge behalfKind = "pledge"
)

// behalfPicking is the state of the picker.
type behalfPicking struct {
	Kind behalfKind
	Cell string
}

// rosterPrefix marks a roster entry in the picker's choices (+ its id).
const rosterPrefix choiceData = "e:"

// onBehalf is embedded in the state of a flow that may run for another
// member (the report and pledge flows): For is that member, By the member
// recording for them; both zero when the member runs it themselves.
type onBehalf struct {
	For MemberID `json:",omitempty"`
	By  MemberID `json:",omitempty"`
}

func (b *onBehalf) behalf() *onBehalf { return b }

// behalfState is a flow state that embeds onBehalf.
type behalfState interface{ behalf() *onBehalf }

// mayRecordFor reports whether m may record for the members of cell who do
// not use the bot: its secretary, or a member of it they delegated.
func mayRecordFor(m Member, cell string) bool {
	return m.SecretaryOf(cell) || m.Recorder && cell != "" && m.Cell == cell
}

// recording returns what the current answer's record is marked with: who
// records it, when it is recorded for the member; zero otherwise.
func (r *req) recording() Recorded {
	if r.actor == nil {
		return Recorded{}
	}
	return Recorded{By: r.actor.ID, At: r.now}
}

// takeBehalf makes the request act for the member a flow state s runs for,
// if any: the sender, who must still be allowed to record for that
// member's cell, becomes r.actor and the member r.member.
func (r *req) takeBehalf(s any) error {
	b, ok := s.(behalfState)
	if !ok || b.behalf().For == 0 {
		return nil
	}
	who := *b.behalf()
	if !r.isMember || r.member.ID != who.By {
		r.finish()
		return refuse(text.StaleChoice, nil)
	}
	m, ok, err := r.tx.Member(who.For)
	if err != nil {
		return err
	}
	if !ok || !mayRecordFor(r.member, m.Cell) {
		r.finish()
		return refuse(text.BehalfNotAllowed, nil)
	}
	actor := r.member
	r.actor, r.member = &actor, m
	return nil
}

// keepBehalf writes into the flow state in progress whom the request acts
// for, so that the next answer acts for them too (a flow may begin afresh
// within one answer: the report flow once its month is chosen).
func (r *req) keepBehalf() {
	if b, ok := r.state.(behalfState); ok && r.actor != nil {
		*b.behalf() = onBehalf{For: r.member.ID, By: r.actor.ID}
	}
}

// cmdReportBehalf is /baocaothay [STT or name].
func (r *req) cmdReportBehalf(args string) error { return r.behalfBegin(behalfReport, args) }

// cmdPledgeBehalf is /dangkythay [STT or name].
func (r *req) cmdPledgeBehalf(args string) error { return r.behalfBegin(behalfPledge, args) }

// behalfBegin offers the people of the recorder's cell to record for, or
// takes the one args names.
func (r *req) behalfBegin(kind behalfKind, args string) error {
	if !r.isMember || !mayRecordFor(r.member, r.member.Cell) {
		return refuse(text.BehalfNotAllowed, nil)
	}
	cell := r.member.Cell
	flowBehalf.begin(r, behalfPick, &behalfPicking{Kind: kind, Cell: cell})
	offer, all, err := r.behalfPeople(kind, cell)
	if err != nil {
		return err
	}
	if args = strings.TrimSpace(args); args != "" {
		err := r.behalfTyped(kind, cell, args, offer, all)
		var fe *Error
		if !errors.As(err, &fe) {
			return err
		}
		r.say(fe.Key, fe.Data) // not found: then the list to pick from
	}
	return r.behalfAsk(kind, cell, offer)
}

// behalfAsk shows the people offered, numbered.
func (r *req) behalfAsk(kind behalfKind, cell string, offer []RosterPerson) error {
	c, _, err := r.tx.Cell(cell)
	if err != nil {
		return err
	}
	v := behalfPickView{Cell: c.Name, Report: kind == behalfReport, Month: FormatMonth(r.e.text(), r.behalfMonth(cell)), Year: r.year()}
	if len(offer) == 0 {
		r.askOpen(text.BehalfNoneLeft, v)
		return nil
	}
	rows := make([][]bot.Choice, 0, len(offer))
	for _, p := range offer {
		label := p.Member.Name
		if p.Connected() {
			label = r.t(text.BehalfConnectedLabel, nameView{Name: p.Member.Name})
		}
		rows = append(rows, row(choice(label, rosterPrefix+choiceData(strconv.FormatUint(uint64(p.Entry.ID), 10)))))
	}
	r.askOpen(text.BehalfPick, v, rows...)
	return nil
}

// behalfMonth is the month whose reports the picker looks at: the month
// the cell collects (CollectingMonth).
func (r *req) behalfMonth(cell string) Month {
	grace, err := r.e.cellGrace(r.tx, cell)
	if err != nil {
		grace = r.e.graceDays(Cell{})
	}
	return CollectingMonth(r.now, r.e.loc(), grace)
}

// behalfPeople returns the people of cell's roster who count now (all),
// and among them those offered by default: the ones without a report of
// the collecting month (or without a pledge of the year), those who do
// not use the bot first, each group in Vietnamese name order.
func (r *req) behalfPeople(kind behalfKind, cell string) (offer, all []RosterPerson, err error) {
	month := r.behalfMonth(cell)
	cm, err := loadCellMonth(r.tx, cell, month, r.e.loc(), r.e.Cfg.GraceDays, nil)
	if err != nil {
		return nil, nil, err
	}
	var offline, online []RosterPerson
	for _, p := range cm.people {
		if !p.CountsIn(cell, month, r.e.loc()) || p.HasMember() && p.Member.ID == r.member.ID {
			continue // the recorder reports for themselves
		}
		all = append(all, p)
		done := false
		if p.HasMember() {
			switch kind {
			case behalfReport:
				rep, ok := cm.reports[p.Member.ID]
				done = ok && !rep.Submitted.IsZero()
			case behalfPledge:
				pl, ok, err := r.tx.Pledge(p.Member.ID, r.year())
				if err != nil {
					return nil, nil, err
				}
				done = ok && pl.Status != PledgeDraft
			}
		}
		switch {
		case done:
		case p.Connected():
			online = append(online, p)
		default:
			offline = append(offline, p)
		}
	}
	byName := func(ps []RosterPerson) {
		vnSortKeyed(ps, func(p RosterPerson) string { return p.Member.Name }, func(a, b RosterPerson) int {
			return cmp.Compare(a.Entry.ID, b.Entry.ID)
		})
	}
	byName(offline)
	byName(online)
	byName(all)
	return append(offline, online...), all, nil
}

// behalfTyped takes what the recorder typed: a number of the list offered
// (STT), or a name of the cell's roster, matched as connecting matches
// names (case, spacing, diacritics, word order).
func (r *req) behalfTyped(kind behalfKind, cell, typed string, offer, all []RosterPerson) error {
	if n, err := strconv.Atoi(strings.TrimSuffix(typed, ".")); err == nil {
		if n < 1 || n > len(offer) {
			return refuse(text.BehalfNotFound, behalfTypedView{Input: typed})
		}
		return r.behalfStart(kind, offer[n-1])
	}
	entries := make([]RosterEntry, len(all))
	for i, p := range all {
		entries[i] = p.Entry
		entries[i].Claims = nil // matched by name only, connected or not
	}
	how, found := matchRoster(entries, typed)
	switch how {
	case rosterMatched:
		for _, p := range all {
			if p.Entry.ID == found[0].ID {
				return r.behalfStart(kind, p)
			}
		}
	case rosterAmbiguous:
		return refuse(text.BehalfAmbiguous, behalfTypedView{Input: typed, N: len(found)})
	}
	return refuse(text.BehalfNotFound, behalfTypedView{Input: typed})
}

// behalfAnswer takes the person picked, or typed.
func (r *req) behalfAnswer(b *behalfPicking, in input) error {
	if !r.isMember || !mayRecordFor(r.member, b.Cell) {
		r.finish()
		return refuse(text.BehalfNotAllowed, nil)
	}
	_, all, err := r.behalfPeople(b.Kind, b.Cell)
	if err != nil {
		return err
	}
	if id, ok := cutChoice(in.Data, rosterPrefix); ok {
		for _, p := range all {
			if strconv.FormatUint(uint64(p.Entry.ID), 10) == id {
				return r.behalfStart(b.Kind, p)
			}
		}
		r.finish()
		return refuse(text.StaleChoice, nil)
	}
	if in.Text == "" {
		return refuse(text.ChooseAbove, nil)
	}
	// A typed number is one of the choices (pickChoice); what is left is a name.
	return r.behalfTyped(b.Kind, b.Cell, in.Text, nil, all)
}

// behalfStart runs the report or pledge flow for p, the recorder acting
// for p's member, made now for a person nobody has recorded for before.
func (r *req) behalfStart(kind behalfKind, p RosterPerson) error {
	m, err := r.behalfMember(p)
	if err != nil {
		return err
	}
	c, _, err := r.tx.Cell(m.Cell)
	if err != nil {
		return err
	}
	r.finish()
	actor := r.member
	r.actor, r.member = &actor, m
	k := text.BehalfReportStart
	if kind == behalfPledge {
		k = text.BehalfPledgeStart
	}
	r.say(k, nameCellView{Name: m.Name, Cell: c.Name})
	if kind == behalfPledge {
		err = r.cmdPledge("")
	} else {
		err = r.cmdReport("")
	}
	r.keepBehalf()
	return err
}

// behalfMember returns the member of p's entry; for an entry without one
// it stores a member of the entry's name and cell without any account
// (not connected), on the roster since the entry was added, and claims
// the entry for them (on no platform).
func (r *req) behalfMember(p RosterPerson) (Member, error) {
	if p.HasMember() {
		return p.Member, nil
	}
	e := p.Entry
	m := Member{Name: e.Name, Cell: e.Cell, Joined: e.Added}
	if e.ExemptIn(nil) {
		m.Status = Exempt
	}
	if err := r.tx.PutMember(&m); err != nil {
		return Member{}, err
	}
	if _, taken := e.Claimed(""); taken {
		return Member{}, fmt.Errorf("roster entry %d: claimed on no platform by a member not stored", e.ID)
	}
	e.Claims = append([]RosterClaim{{Member: m.ID, At: r.now}}, e.Claims...)
	if err := r.tx.PutRosterEntry(&e); err != nil {
		return Member{}, err
	}
	return m, nil
}

// behalfPickView feeds the picker: the cell, and what is recorded (a
// report of Month, or the pledge of Year).
type behalfPickView struct {
	Cell, Month string
	Year        int
	Report      bool
}

// behalfTypedView feeds the refusals of what the recorder typed: Input,
// and how many people of that name (N).
type behalfTypedView struct {
	Input string
	N     int
}

// behalfSavedView feeds the note that a report of Month was recorded for
// the member called Name.
type behalfSavedView struct{ Name, Month string }
