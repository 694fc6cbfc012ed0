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
// One entry that no account claims is a match. Several entries of the
// name, or one that an account claims already (on this platform or
// another: someone connected under that name before), are ambiguous: the
// bot does not guess who the person is.
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
		case len(found) == 1 && len(found[0].Claims) == 0:
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
// unless they claim an entry already. The entry of their name that nobody
// claims becomes theirs on their platform, and m takes the roster's
// written name (the name they typed when only it has diacritics); m is
// saved again when renamed. Several entries of the name, or one claimed
// already, leave m on no entry and tell the cell's secretaries once; no
// entry makes a new one, claimed by m, and tells the secretaries when the
// cell's roster has people who have not connected (an imported roster), so
// that a stranger with a forwarded code does not pass unseen.
func (r *req) onRoster(m *Member, cell Cell) error {
	if _, ok, err := r.tx.RosterOf(m.ID); err != nil || ok {
		return err
	}
	roster, err := r.tx.Roster(cell.Code)
	if err != nil {
		return err
	}
	data := rosterConnectView{Name: m.Name, Cell: cell.Name, Where: r.e.where(r.m.From.Platform)}
	note := "roster:" + r.m.From.String() + "#" + cell.Code
	how, found := matchRoster(roster, m.Name)
	switch how {
	case rosterMatched:
		e := found[0]
		if hasMarks(m.Name) && !hasMarks(e.Name) {
			e.Name = NormalizeText(m.Name)
		}
		e.Claims = append(e.Claims, RosterClaim{Platform: r.m.From.Platform, Member: m.ID, At: r.now})
		if err := r.tx.PutRosterEntry(&e); err != nil {
			return fmt.Errorf("roster of %s: %w", cell.Code, err)
		}
		if e.Name == m.Name {
			return nil
		}
		m.Name = e.Name
		return r.tx.PutMember(m)
	case rosterAmbiguous:
		for _, e := range found {
			data.Found = append(data.Found, rosterNameView{Name: e.Name, Connected: len(e.Claims) > 0})
		}
		return r.tellLeadersOnce(note, cell.Code, r.t(text.RosterConnectAmbiguous, data))
	}
	if err := r.tx.PutRosterEntry(RosterEntryOf(*m)); err != nil {
		return fmt.Errorf("roster of %s: %w", cell.Code, err)
	}
	if !slices.ContainsFunc(roster, func(e RosterEntry) bool { return e.OnRoster() && len(e.Claims) == 0 }) {
		return nil
	}
	return r.tellLeadersOnce(note, cell.Code, r.t(text.RosterConnectStranger, data))
}

// rosterConnectView feeds the notes to a secretary about a person who
// connected to Cell under Name, Where: the roster entries Found of that
// name when the match is ambiguous.
type rosterConnectView struct {
	Name, Cell, Where string
	Found             []rosterNameView
}

// rosterNameView is one roster entry in a note: its name, and whether an
// account claims it already.
type rosterNameView struct {
	Name      string
	Connected bool
}
