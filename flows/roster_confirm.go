package flows

import (
	"fmt"
	"slices"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// flowClaim asks a person who has just connected whether they are the one
// roster entry of their name (see claiming).
var flowClaim = conversation[claiming, claimStep]{name: "claim"}

// claiming is the state of the claim flow: the cell connected to and the
// entry offered.
type claiming struct {
	Cell  string
	Entry RosterID
}

// claimStep is a step of the claim flow; its choices are choiceYes and
// choiceNo.
type claimStep string

// The claim flow's only step.
const claimConfirm claimStep = "confirm"

// claimView feeds the question and answers of the claim flow: the roster's
// Name of the entry, and the cell's name.
type claimView struct{ Name, Cell string }

// askClaim asks the sender, just connected to cell, whether they are the
// person of roster entry e, which nobody claims: nothing is claimed before
// they say yes, so that a stranger with a forwarded code does not become a
// member of the roster unseen (the secretary is told either way).
func (r *req) askClaim(e RosterEntry, cell Cell) {
	flowClaim.begin(r, claimConfirm, &claiming{Cell: cell.Code, Entry: e.ID})
	r.ask(text.RosterClaimAsk, claimView{Name: e.Name, Cell: cell.Name},
		row(yesChoice(r.t(text.RosterClaimYes, nil), choiceYes)),
		row(noChoice(r.t(text.RosterClaimNo, nil), choiceNo)))
}

// claimAnswer takes the answer to askClaim. Yes claims the entry, when it
// is still on the roster and nobody else claims it, and tells the
// secretaries, who can undo it; no, or an entry taken meanwhile, asks the
// secretaries who the person is (see askWho).
func (r *req) claimAnswer(c *claiming, in input) error {
	if !r.isMember || r.member.Cell != c.Cell {
		r.finish()
		return refuse(text.StaleChoice, nil)
	}
	cell, err := r.flowCell(c.Cell)
	if err != nil {
		return err
	}
	yes := choiceData(in.Data) == choiceYes
	if !yes && choiceData(in.Data) != choiceNo {
		return refuse(text.ChooseAbove, nil)
	}
	r.finish()
	e, ok, err := r.tx.RosterEntry(c.Entry)
	if err != nil {
		return err
	}
	m := r.member
	if !yes {
		r.say(text.RosterClaimDenied, nil)
		var found []RosterEntry
		if ok && e.OnRoster() && e.Cell == c.Cell {
			found = []RosterEntry{e}
		}
		return r.askWho(m, cell, text.RosterClaimDeniedNote, found, e.Name)
	}
	if !ok || !e.OnRoster() || e.Cell != c.Cell || slices.ContainsFunc(e.Claims, func(c RosterClaim) bool { return c.Member != m.ID && c.Platform != "" }) {
		r.say(text.RosterClaimTaken, claimView{Name: e.Name, Cell: cell.Name})
		roster, err := r.tx.Roster(c.Cell)
		if err != nil {
			return err
		}
		_, found := matchRoster(roster, m.Name)
		return r.askWho(m, cell, text.RosterConnectAmbiguous, found, "")
	}
	if err := r.attachAccount(e, &m); err != nil {
		return err
	}
	if err := r.claim(e, &m); err != nil {
		return err
	}
	r.member = m
	r.say(text.RosterClaimDone, claimView{Name: m.Name, Cell: cell.Name})
	data := rosterConnectView{Name: m.Name, Cell: cell.Name, Where: r.e.where(r.m.From.Platform), Entry: e.Name}
	return r.tellLeadersOnce(fmt.Sprintf("claim:%d#%d", m.ID, e.ID), cell.Code, r.t(text.RosterClaimNote, data),
		row(choice(r.t(text.RosterClaimUndo, nil), rosterGo(rosterUnclaim, m.ID, e.ID))))
}

// attachAccount makes the accounts of m, who has just connected and
// confirmed roster entry e, those of the member without any account that
// e's claim on no platform names (recorded for by the secretary, see
// behalfMember), so that the person stays one member with one history:
// that member takes m's accounts and m becomes them. The member record
// made when m connected is then empty and deleted (the organisation's
// member count is unchanged); one with a history of its own (a member
// who had left another cell, or reported meanwhile) is kept, without
// accounts and without a cell. An entry without such a claim, or whose
// member has an account meanwhile, leaves m as it is.
func (r *req) attachAccount(e RosterEntry, m *Member) error {
	id, ok := e.Claimed("")
	if !ok || id == m.ID {
		return nil
	}
	x, ok, err := r.tx.Member(id)
	if err != nil || !ok || len(x.Users) > 0 || x.Cell != e.Cell {
		return err
	}
	if old, ok, err := r.tx.RosterOf(m.ID); err != nil {
		return err
	} else if ok {
		if err := r.unclaim(old, m.ID); err != nil {
			return err
		}
	}
	x.Users, x.Pending = m.Users, m.Pending
	left := *m
	left.Users, left.Pending, left.Cell, left.Secretary, left.Recorder = nil, nil, "", false, false
	if err := r.tx.PutMember(&left); err != nil {
		return fmt.Errorf("attach to member %d: %w", x.ID, err)
	}
	if err := r.tx.PutMember(&x); err != nil {
		return fmt.Errorf("attach to member %d: %w", x.ID, err)
	}
	if kept, err := r.hasHistory(*m); err != nil {
		return err
	} else if !kept {
		if err := r.tx.DeleteMember(left.ID); err != nil {
			return fmt.Errorf("attach to member %d: %w", x.ID, err)
		}
	}
	*m = x
	return nil
}

// hasHistory reports whether member m has records of their own: a report
// of a month since they joined, a pledge of a year since, a transfer
// request, or a part in the cell's work (secretary, recorder).
// A member without a joining time (older data) is taken to have one.
func (r *req) hasHistory(m Member) (bool, error) {
	if m.Secretary || m.Recorder || m.Joined.IsZero() {
		return true, nil
	}
	if _, ok, err := r.tx.Transfer(m.ID); err != nil || ok {
		return ok, err
	}
	loc := r.e.loc()
	first, now := MonthOf(m.Joined, loc), r.currentMonth()
	for month := first; month <= now; month = month.Next() {
		if _, ok, err := r.tx.Report(m.ID, month); err != nil || ok {
			return ok, err
		}
	}
	for y := first.Year(); y <= now.Year(); y++ {
		if _, ok, err := r.tx.Pledge(m.ID, y); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// accountPlatforms returns the platforms of m's accounts, each once; a
// member without any (known before platforms were recorded) has "".
func accountPlatforms(m Member) []bot.Platform {
	var out []bot.Platform
	for _, u := range m.Users {
		if !slices.Contains(out, u.Platform) {
			out = append(out, u.Platform)
		}
	}
	if len(out) == 0 {
		out = []bot.Platform{""}
	}
	return out
}

// claim makes roster entry e (as read in this transaction) m's on each
// platform of m's accounts: the claims of other accounts on those
// platforms are taken away (their members stay connected, on no entry),
// and m's claim of another entry is dropped first. The entry takes m's
// name when only m's is written with diacritics; otherwise m takes the
// entry's name, and m is saved again.
func (r *req) claim(e RosterEntry, m *Member) error {
	if old, ok, err := r.tx.RosterOf(m.ID); err != nil {
		return err
	} else if ok && old.ID != e.ID {
		if err := r.unclaim(old, m.ID); err != nil {
			return err
		}
	}
	ps := accountPlatforms(*m)
	claims := make([]RosterClaim, 0, len(e.Claims)+len(ps))
	for _, c := range e.Claims {
		if c.Member != m.ID && !slices.Contains(ps, c.Platform) {
			claims = append(claims, c)
		}
	}
	for _, p := range ps {
		claims = append(claims, RosterClaim{Platform: p, Member: m.ID, At: r.now})
	}
	e.Claims = claims
	if hasMarks(m.Name) && !hasMarks(e.Name) {
		e.Name = NormalizeText(m.Name)
	}
	if err := r.tx.PutRosterEntry(&e); err != nil {
		return fmt.Errorf("claim roster entry %d: %w", e.ID, err)
	}
	if m.Name == e.Name {
		return nil
	}
	m.Name = e.Name
	return r.tx.PutMember(m)
}

// unclaim takes member id's claims off roster entry e.
func (r *req) unclaim(e RosterEntry, id MemberID) error {
	e.Claims = slices.DeleteFunc(slices.Clone(e.Claims), func(c RosterClaim) bool { return c.Member == id })
	if err := r.tx.PutRosterEntry(&e); err != nil {
		return fmt.Errorf("unclaim roster entry %d: %w", e.ID, err)
	}
	return nil
}
