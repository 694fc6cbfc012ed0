package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// rosterConfirmView feeds the questions and reports of the roster flow's
// changes: the cell, the person's Name (the new one when renamed, Old the
// former name or status), the Status, the Account of a connection and
// Where it connected, Via the platforms a person on the roster connected
// on; Same counts the entries of the same name (add), Replaces says
// another account claims the entry (link), Exempt the new status is miễn.
type rosterConfirmView struct {
	Cell, Name, Old, Status string
	Account, Where, Via     string
	Same                    int
	Connected, Replaces     bool
	Exempt                  bool
	NoMarks                 bool // the name typed has no diacritics
}

// rosterEntry returns the entry id of roster, on it.
func rosterEntry(roster []RosterEntry, id RosterID) (RosterEntry, bool) {
	i := slices.IndexFunc(roster, func(e RosterEntry) bool { return e.ID == id && e.OnRoster() })
	if i < 0 {
		return RosterEntry{}, false
	}
	return roster[i], true
}

// accountWhere names the platform of member m's account («Telegram»), ""
// when it has no name (the terminal).
func (r *req) accountWhere(m Member) string {
	if len(m.Users) == 0 {
		return ""
	}
	return r.e.caps(m.Users[0].Platform).Service
}

// rosterNow reads what the change s acts on, as it is now: the cell's
// roster, the entry and the account s names. When the roster changed since
// it was shown, or the entry left it, the roster is shown again (ok is
// false, nothing to do); an account gone from the cell is refused.
func (r *req) rosterNow(s *rostering) (roster []RosterEntry, e RosterEntry, m Member, ok bool, err error) {
	if roster, err = r.tx.Roster(s.Cell); err != nil {
		return nil, e, m, false, err
	}
	e, has := rosterEntry(roster, s.Entry)
	if RosterStamp(roster) != s.Stamp || s.Entry != 0 && !has {
		return nil, e, m, false, r.rosterStale(s.Cell)
	}
	if s.Member != 0 {
		var found bool
		if m, found, err = r.tx.Member(s.Member); err != nil {
			return nil, e, m, false, err
		} else if !found || m.Cell != s.Cell {
			r.finish()
			return nil, e, m, false, refuse(text.RosterDecided, nil)
		}
	}
	return roster, e, m, true, nil
}

// askRosterConfirm asks the secretary to confirm the change s describes.
func (r *req) askRosterConfirm(s *rostering, cell Cell) error {
	roster, e, m, ok, err := r.rosterNow(s)
	if !ok {
		return err
	}
	v := rosterConfirmView{Cell: cell.Name, Name: s.Name, Status: r.rosterStatusName(s.Status), Account: m.Name, Where: r.accountWhere(m),
		NoMarks: s.Name != "" && !hasMarks(s.Name)}
	var k text.Key
	switch s.Action {
	case rosterAdd:
		k = text.RosterConfirmAdd
		folded := FoldName(s.Name)
		for _, o := range onRosterOnly(roster) {
			if o.Folded == folded || FoldName(o.Name) == folded {
				v.Same++
			}
		}
	case rosterRename:
		if s.Name == e.Name {
			r.finish()
			r.say(text.RosterNoChange, rosterConfirmView{Name: e.Name})
			return nil
		}
		k, v.Old = text.RosterConfirmRename, e.Name
	case rosterStatus:
		if s.Status == e.Status {
			r.finish()
			r.say(text.RosterNoChange, rosterConfirmView{Name: e.Name, Status: v.Status})
			return nil
		}
		k, v.Name, v.Old, v.Exempt = text.RosterConfirmStatus, e.Name, r.rosterStatusName(e.Status), s.Status == RosterExempt
	case rosterRemove:
		if r.isMember && slices.ContainsFunc(e.Claims, func(c RosterClaim) bool { return c.Member == r.member.ID }) {
			r.finish()
			return refuse(text.RosterRemoveSelf, nil)
		}
		k, v.Name, v.Connected, v.Via = text.RosterConfirmRemove, e.Name, e.Connected(), r.via(e)
	case rosterLink:
		k, v.Name = text.RosterAskLink, e.Name
		v.Replaces = slices.ContainsFunc(e.Claims, func(c RosterClaim) bool { return c.Member != m.ID })
	case rosterNew:
		k = text.RosterAskNew
	case rosterDrop:
		k = text.RosterAskDrop
	case rosterUnclaim:
		k, v.Name = text.RosterAskUnclaim, e.Name
	default:
		r.finish()
		return refuse(text.StaleChoice, nil)
	}
	moveTo(r, rosterConfirm)
	r.ask(k, v, r.yesNo(text.RosterYes))
	return nil
}

// applyRoster writes the change s describes, confirmed, unless the cell's
// roster changed since it was shown (then it is shown again).
func (r *req) applyRoster(s *rostering, cell Cell) error {
	_, e, m, ok, err := r.rosterNow(s)
	if !ok {
		return err
	}
	r.finish()
	v := rosterConfirmView{Cell: cell.Name, Name: s.Name, Status: r.rosterStatusName(s.Status), Account: m.Name}
	switch s.Action {
	case rosterAdd:
		n := RosterEntry{Cell: s.Cell, Name: s.Name, Status: s.Status, Added: r.now}
		if err := r.tx.PutRosterEntry(&n); err != nil {
			return err
		}
		r.say(text.RosterDoneAdd, v)
	case rosterRename:
		e.Name = s.Name
		if err := r.putEntry(e, func(m *Member) { m.Name = e.Name }); err != nil {
			return err
		}
		r.say(text.RosterDoneRename, v)
	case rosterStatus:
		e.SetStatus(s.Status, r.now)
		if err := r.putEntry(e, func(m *Member) {
			if e.Status == RosterExempt {
				m.Status = Exempt
			} else if m.Status == Exempt {
				m.Status = Active
			}
		}); err != nil {
			return err
		}
		v.Name = e.Name
		r.say(text.RosterDoneStatus, v)
	case rosterRemove:
		if err := RemoveRosterEntry(r.tx, e, r.now, func(m Member) { r.tell(m, text.RosterYouRemoved, cellView{Cell: cell.Name}) }); err != nil {
			return err
		}
		v.Name, v.Connected = e.Name, e.Connected()
		r.say(text.RosterDoneRemove, v)
	case rosterLink:
		if err := r.claim(e, &m); err != nil {
			return err
		}
		v.Name = m.Name
		r.say(text.RosterDoneLink, v)
		r.tell(m, text.RosterYouLinked, claimView{Name: m.Name, Cell: cell.Name})
	case rosterNew:
		n := RosterEntry{Cell: s.Cell, Name: NormalizeText(m.Name), Added: r.now}
		if err := r.tx.PutRosterEntry(&n); err != nil {
			return err
		}
		if err := r.claim(n, &m); err != nil {
			return err
		}
		v.Name = m.Name
		r.say(text.RosterDoneAdd, v)
	case rosterDrop:
		if err := r.dropAccount(&m, cell); err != nil {
			return err
		}
		r.say(text.RosterDoneDrop, v)
	case rosterUnclaim:
		if err := r.unclaim(e, m.ID); err != nil {
			return err
		}
		v.Name = e.Name
		r.say(text.RosterDoneUnclaim, v)
		fresh, err := r.tx.Roster(s.Cell)
		if err != nil {
			return err
		}
		_, found := matchRoster(fresh, m.Name)
		found = slices.DeleteFunc(found, func(f RosterEntry) bool { return f.ID == e.ID })
		choices, err := r.decideChoices(m.ID, found)
		if err != nil {
			return err
		}
		r.send(bot.Reply{Chat: r.m.Chat, Text: r.t(text.RosterWho, v), Choices: choices})
	}
	return nil
}

// putEntry saves entry e and, through change, the members who claim it.
func (r *req) putEntry(e RosterEntry, change func(m *Member)) error {
	if err := r.tx.PutRosterEntry(&e); err != nil {
		return err
	}
	for _, c := range e.Claims {
		m, ok, err := r.tx.Member(c.Member)
		if err != nil {
			return err
		}
		if !ok || m.Cell != e.Cell {
			continue
		}
		change(&m)
		if err := r.tx.PutMember(&m); err != nil {
			return err
		}
	}
	return nil
}

// exemptOnRoster keeps the roster entry member m claims in step with
// /mien: miễn when m is exempt, chính thức again when the exemption is
// taken back (the other way, /danhsach's status change sets m's).
func (r *req) exemptOnRoster(m Member) error {
	e, ok, err := r.tx.RosterOf(m.ID)
	if err != nil || !ok || !e.OnRoster() {
		return err
	}
	switch {
	case m.Status == Exempt && e.Status != RosterExempt:
		e.SetStatus(RosterExempt, r.now)
	case m.Status != Exempt && e.Status == RosterExempt:
		e.SetStatus(RosterFull, r.now)
	default:
		return nil
	}
	return r.tx.PutRosterEntry(&e)
}

// RemoveRosterEntry takes entry e off its cell's roster at now (marked
// removed, never deleted: the member's history is kept) and takes each
// member who claims it and is in its cell out of the cell, as /danhsach's
// removal and a roster import's do; tell is called with each member taken
// out, to tell them (text.RosterYouRemoved).
func RemoveRosterEntry(tx Tx, e RosterEntry, now time.Time, tell func(m Member)) error {
	e.Removed = now
	e.Claims = slices.Clone(e.Claims)
	if err := tx.PutRosterEntry(&e); err != nil {
		return err
	}
	for _, c := range e.Claims {
		m, ok, err := tx.Member(c.Member)
		if err != nil {
			return err
		}
		if !ok || m.Cell != e.Cell {
			continue
		}
		m.Cell, m.Secretary = "", false
		if err := tx.PutMember(&m); err != nil {
			return err
		}
		tell(m)
	}
	return nil
}

// leaveCell takes member m out of cell (no longer counted, reminded or
// able to report for it; their records are kept) and tells them with k.
func (r *req) leaveCell(m *Member, k text.Key, cell Cell) {
	m.Cell, m.Secretary = "", false
	r.tell(*m, k, cellView{Cell: cell.Name})
}

// dropAccount disconnects m, a connected account the secretary says is
// nobody of cell: m leaves the cell, and the entry made for m when they
// connected (added since) is taken off the roster with m's claim.
func (r *req) dropAccount(m *Member, cell Cell) error {
	if e, ok, err := r.tx.RosterOf(m.ID); err != nil {
		return err
	} else if ok {
		e.Claims = slices.DeleteFunc(slices.Clone(e.Claims), func(c RosterClaim) bool { return c.Member == m.ID })
		if len(e.Claims) == 0 && !e.Added.Before(m.Joined) && e.OnRoster() {
			e.Removed = r.now
		}
		if err := r.tx.PutRosterEntry(&e); err != nil {
			return err
		}
	}
	r.leaveCell(m, text.RosterYouDropped, cell)
	return r.tx.PutMember(m)
}

// decideChoices returns the choices of a note asking who member m, who
// connected and is on no entry, is: one of the entries found (on the
// roster of their cell), a new person, or nobody of the cell.
func (r *req) decideChoices(m MemberID, found []RosterEntry) ([][]bot.Choice, error) {
	var rows [][]bot.Choice
	if len(found) > 0 {
		roster, err := r.tx.Roster(found[0].Cell)
		if err != nil {
			return nil, err
		}
		list := onRosterOnly(roster)
		for _, e := range found {
			n := slices.IndexFunc(list, func(o RosterEntry) bool { return o.ID == e.ID }) + 1
			v := rosterNameView{Name: e.Name, N: n, Connected: e.Connected()}
			rows = append(rows, row(choice(r.t(text.RosterDecideLink, v), rosterGo(rosterLink, m, e.ID))))
		}
	}
	return append(rows,
		row(choice(r.t(text.RosterDecideNew, nil), rosterGo(rosterNew, m, 0))),
		row(choice(r.t(text.RosterDecideDrop, nil), rosterGo(rosterDrop, m, 0)))), nil
}

// rosterDecision starts action a of a note's button on "member:entry"
// (rest): the change is asked for confirmation like /danhsach's.
func (r *req) rosterDecision(a rosterAction, rest string) error {
	ms, es, _ := strings.Cut(rest, ":")
	mid, err1 := strconv.ParseUint(ms, 10, 64)
	eid, err2 := strconv.ParseUint(es, 10, 64)
	if err1 != nil || err2 != nil || !slices.Contains([]rosterAction{rosterLink, rosterNew, rosterDrop, rosterUnclaim}, a) {
		return refuse(text.StaleChoice, nil)
	}
	m, ok, err := r.tx.Member(MemberID(mid))
	if err != nil {
		return err
	}
	if !ok || m.Cell == "" {
		return refuse(text.RosterDecided, nil)
	}
	if !r.mayActOn(m.Cell) {
		return refuse(text.NeedSecretary, nil)
	}
	cell, err := r.flowCell(m.Cell)
	if err != nil {
		return err
	}
	roster, err := r.tx.Roster(m.Cell)
	if err != nil {
		return err
	}
	mine, claims := RosterEntry{}, false
	for _, e := range roster {
		if e.OnRoster() && slices.ContainsFunc(e.Claims, func(c RosterClaim) bool { return c.Member == m.ID }) {
			mine, claims = e, true
		}
	}
	switch {
	case a == rosterUnclaim && (!claims || mine.ID != RosterID(eid)),
		a == rosterLink && claims && mine.ID == RosterID(eid),
		a == rosterNew && claims:
		return refuse(text.RosterDecided, nil)
	}
	if _, ok := rosterEntry(roster, RosterID(eid)); eid != 0 && !ok {
		return refuse(text.RosterDecided, nil)
	}
	s := &rostering{Cell: m.Cell, Stamp: RosterStamp(roster), Action: a, Member: m.ID, Entry: RosterID(eid)}
	flowRoster.begin(r, rosterConfirm, s)
	return r.askRosterConfirm(s, cell)
}

// sendTemplate sends the roster template of cell as a file where one can
// reach the chat (uploaded, or linked to the file endpoint), built by the
// FileWorker (makeRosterTemplate), and says how to get it elsewhere.
func (r *req) sendTemplate(cell Cell) error {
	if !r.e.fileReaches(r.m.Chat, true) || r.e.RosterTemplate == nil {
		r.say(text.RosterTemplateElsewhere, nil)
		return nil
	}
	r.requestFile(FileRoster, []string{cell.Code}, bot.Reply{Chat: r.m.Chat, Text: r.t(text.RosterTemplateSent, nil)}, true, false)
	return nil
}

// makeRosterTemplate builds the roster template of the cell q names.
func (e *Engine) makeRosterTemplate(ctx context.Context, q FileRequest, _ *bot.Reply) (*bot.File, error) {
	if e.RosterTemplate == nil || len(q.Args) != 1 {
		return nil, errors.New("no roster template writer, or no cell")
	}
	var cell Cell
	err := e.Store.View(ctx, func(tx Tx) error {
		c, ok, err := tx.Cell(q.Args[0])
		if err == nil && !ok {
			err = fmt.Errorf("no cell %q", q.Args[0])
		}
		cell = c
		return err
	})
	if err != nil {
		return nil, err
	}
	b, err := e.RosterTemplate(cell)
	if err != nil {
		return nil, err
	}
	return &bot.File{Name: "danh-sach-mau-" + strings.ReplaceAll(foldName(cell.Code), " ", "-") + ".xlsx", Data: b}, nil
}
