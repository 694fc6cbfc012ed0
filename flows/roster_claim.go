package flows

import (
	"fmt"
	"slices"
	"strings"

	"lamtheo/flows/text"
)

// rosterMatch is what a name finds on a cell's roster when a person
// connects to the cell under it (see matchRoster).
type rosterMatch int

// What matchRoster finds.
const (
	rosterNoMatch   rosterMatch = iota // nobody of that name: a new entry
	rosterMatched                      // one entry nobody claims: the person claims it
	rosterAmbiguous                    // several entries, or one claimed: the secretary decides
)

// matchRoster returns what a person connecting under name finds on roster,
// one cell's entries, and the entries found. Entries taken off the roster
// are not looked at. Names match by FoldName (case, spacing, diacritics);
// when none does, by their folded words in any order («Hùng Trần Văn»).
// One entry that no account claims is a match, also when a member without
// any account claims it (recorded for by the secretary, see behalfMember):
// the person connecting is offered that member (see attachAccount).
// Several entries of the name, or one that an account claims already (on
// this platform or another: someone connected under that name before),
// are ambiguous: the bot does not guess who the person is.
func matchRoster(roster []RosterEntry, name string) (rosterMatch, []RosterEntry) {
	folded := FoldName(name)
	words := sortedWords(folded)
	for _, same := range []func(f string) bool{
		func(f string) bool { return f == folded },
		func(f string) bool { return sortedWords(f) == words },
	} {
		var found []RosterEntry
		for _, e := range roster {
			if e.OnRoster() && same(FoldName(e.Name)) {
				found = append(found, e)
			}
		}
		switch {
		case len(found) == 0:
			continue
		case len(found) == 1 && !found[0].Connected():
			return rosterMatched, found
		}
		return rosterAmbiguous, found
	}
	return rosterNoMatch, nil
}

// sortedWords returns the words of a folded name in sorted order.
func sortedWords(folded string) string {
	w := strings.Fields(folded)
	slices.Sort(w)
	return strings.Join(w, " ")
}

// onRoster puts member m, who has just connected to cell, on its roster,
// unless they claim an entry of it already. The one entry of their name
// that nobody claims is returned (ask) for the person to confirm that it
// is them (see askClaim); nothing is claimed yet. Several entries of the
// name, or one claimed already, leave m on no entry and ask the cell's
// secretaries, once, who m is (see decideChoices); no entry makes a new
// one, claimed by m, and tells the secretaries when the cell's roster has
// people who have not connected (an imported roster), so that a stranger
// with a forwarded code does not pass unseen. A claim of m on an entry
// taken off the roster (m was removed, then connected again) is dropped
// first.
func (r *req) onRoster(m *Member, cell Cell) (ask *RosterEntry, err error) {
	if e, ok, err := r.tx.RosterOf(m.ID); err != nil || ok && e.OnRoster() {
		return nil, err
	} else if ok {
		if err := r.unclaim(e, m.ID); err != nil {
			return nil, err
		}
	}
	roster, err := r.tx.Roster(cell.Code)
	if err != nil {
		return nil, err
	}
	how, found := matchRoster(roster, m.Name)
	switch how {
	case rosterMatched:
		return &found[0], nil
	case rosterAmbiguous:
		return nil, r.askWho(*m, cell, text.RosterConnectAmbiguous, found, "")
	}
	e := RosterEntryOf(*m)
	e.Added = r.now
	if err := r.tx.PutRosterEntry(e); err != nil {
		return nil, fmt.Errorf("roster of %s: %w", cell.Code, err)
	}
	if !slices.ContainsFunc(roster, func(e RosterEntry) bool { return e.OnRoster() && !e.Connected() }) {
		return nil, nil
	}
	data := rosterConnectView{Name: m.Name, Cell: cell.Name, Where: r.e.where(r.m.From.Platform)}
	return nil, r.tellLeadersOnce("roster:"+r.m.From.String()+"#"+cell.Code, cell.Code, r.t(text.RosterConnectStranger, data),
		row(choice(r.t(text.RosterDecideDrop, nil), rosterGo(rosterDrop, m.ID, 0))))
}

// askWho asks the secretaries of cell, once for m and key, who m, just
// connected and on no roster entry, is: one of the entries found, a new
// person to add, or nobody of the cell (see decideChoices). entry names
// the entry m said they are not, for the text k.
func (r *req) askWho(m Member, cell Cell, k text.Key, found []RosterEntry, entry string) error {
	data := rosterConnectView{Name: m.Name, Cell: cell.Name, Where: r.e.where(r.m.From.Platform), Entry: entry}
	for _, e := range found {
		data.Found = append(data.Found, rosterNameView{Name: e.Name, Connected: e.Connected()})
	}
	choices, err := r.decideChoices(m.ID, found)
	if err != nil {
		return err
	}
	note := "roster:" + r.m.From.String() + "#" + cell.Code + "#" + string(k)
	return r.tellLeadersOnce(note, cell.Code, r.t(k, data), choices...)
}

// rosterConnectView feeds the notes to a secretary about a person who
// connected to Cell under Name, Where: the roster entries Found of that
// name when the match is ambiguous.
type rosterConnectView struct {
	Name, Cell, Where string
	Found             []rosterNameView
	// Entry is the roster's name the person confirmed, or said is not
	// theirs.
	Entry string
}

// rosterNameView is one roster entry in a note: its name, its number on
// the roster (STT, as /danhsach shows it), and whether an account claims
// it already.
type rosterNameView struct {
	Name      string
	N         int
	Connected bool
}
