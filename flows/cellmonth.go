package flows

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"
)

// ErrUnknownCell is wrapped by the error of Engine.CellSummary for a cell
// code that is not stored.
var ErrUnknownCell = errors.New("flows: unknown cell")

// cellMonth is what a cell's month is computed from.
type cellMonth struct {
	cell    Cell
	members []Member            // the members whose Cell is the cell (and records found under its index)
	people  []RosterPerson      // the cell's roster (see cellRoster) and its members
	reports map[MemberID]Report // submitted or not, of the cell's members and its roster's (exempt too)
	pledges map[MemberID]Pledge // of the people counted in the month
	state   MonthState
	loc     *time.Location // the organisation's zone, which months are in
	grace   int            // the cell's grace (Engine.graceDays): its months' reporting deadline
}

// loadCellMonth reads cell code's members, its roster, their reports of m
// and the pledges of m's year of the people who count in m
// (RosterPerson.CountsIn, months in loc): a few lookups per person,
// whatever the history stored. With a non-nil dmg, a member whose record,
// report or pledge cannot be read is left out (and collected in dmg)
// rather than failing the whole cell.
func loadCellMonth(tx Tx, code string, m Month, loc *time.Location, orgGrace int, dmg *damage) (cellMonth, error) {
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
	roster, err := cellRoster(tx, code, m, loc)
	if err := dmg.listing(err); err != nil {
		return cellMonth{}, fmt.Errorf("load roster of %s: %w", code, err)
	}
	grace := orgGrace
	if cell.MeetingDay > 0 {
		grace = cell.MeetingDay // as Engine.graceDays
	}
	cm := cellMonth{cell: cell, members: ms, loc: loc, grace: grace,
		reports: make(map[MemberID]Report, len(ms)), pledges: make(map[MemberID]Pledge, len(ms))}
	byID := make(map[MemberID]Member, len(ms))
	for _, mb := range ms {
		byID[mb.ID] = mb
	}
	bad := map[MemberID]bool{} // members whose records could not be read
	member := func(id MemberID) (Member, bool) {
		if mb, ok := byID[id]; ok {
			return mb, true
		}
		mb, ok, err := tx.Member(id) // a member who moved on: the cell's past months
		if err != nil {
			bad[id] = true
			return Member{}, false
		}
		return mb, ok
	}
	cm.people = withUnlisted(rosterPeople(roster, member), roster, ms, code)
	for id := range bad {
		if err := dmg.skip(fmt.Sprintf("member %d", id), ErrDamaged); err != nil {
			return cellMonth{}, fmt.Errorf("load member %d: %w", id, err)
		}
	}
	loaded := make(map[MemberID]bool, len(ms))
	load := func(mb Member, counts bool) error {
		if loaded[mb.ID] {
			return nil
		}
		loaded[mb.ID] = true
		rep, ok, err := tx.Report(mb.ID, m)
		if err != nil {
			if dmg.skip(fmt.Sprintf("report %d %s", mb.ID, m), err) == nil {
				return nil
			}
			return fmt.Errorf("load report %d %s: %w", mb.ID, m, err)
		}
		if ok {
			cm.reports[mb.ID] = rep
		}
		if counts {
			p, ok, err := tx.Pledge(mb.ID, m.Year())
			if err != nil {
				if dmg.skip(fmt.Sprintf("pledge %d %d", mb.ID, m.Year()), err) == nil {
					delete(cm.reports, mb.ID)
					return nil
				}
				return fmt.Errorf("load pledge %d %d: %w", mb.ID, m.Year(), err)
			}
			if ok {
				cm.pledges[mb.ID] = p
			}
		}
		return nil
	}
	for _, p := range cm.people {
		if p.HasMember() && p.Entry.OnRosterIn(code, m, loc) {
			if err := load(p.Member, p.CountsIn(code, m, loc)); err != nil {
				return cellMonth{}, err
			}
		}
	}
	for _, mb := range ms {
		if mb.Cell == code {
			if err := load(mb, false); err != nil {
				return cellMonth{}, err
			}
		}
	}
	cm.state, err = tx.MonthState(code, m)
	if err != nil {
		return cellMonth{}, fmt.Errorf("load month state %s %s: %w", code, m, err)
	}
	return cm, nil
}

// cellRoster returns the roster entries that may be on cell's roster in a
// month from month on: those of its roster now, and those that moved out
// of it after month began (RosterEntry.CellIn tells which month is whose).
// Months are in loc.
func cellRoster(tx Tx, cell string, month Month, loc *time.Location) ([]RosterEntry, error) {
	roster, err := tx.Roster(cell)
	if err != nil {
		return roster, err
	}
	past, err := tx.RosterPast(cell)
	for _, e := range past {
		if e.Cell != cell && slices.ContainsFunc(e.Moves, func(mv RosterMove) bool { return mv.From == cell && MonthOf(mv.At, loc) > month }) {
			roster = append(roster, e)
		}
	}
	return roster, err
}

func (cm cellMonth) summary(m Month) CellSummary {
	return summarizeRoster(cm.cell, cm.people, cm.reports, cm.pledges, m, cm.loc, cm.state, ReportDeadline(m, cm.loc, cm.grace))
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
	cm, err := loadCellMonth(tx, code, m, e.loc(), e.Cfg.GraceDays, nil)
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
// pledge not counted) and collected in dmg. It reads each cell's roster,
// keeping of each claimed entry only what the month's rule needs
// (orgEntry), then merges every member with the month's reports, both by
// member ID: its memory grows with the claimed entries by a few words
// each, never with the history.
func (e *Engine) orgSummary(tx Tx, m Month, dmg *damage) (OrgSummary, error) {
	loc := e.loc()
	cells, err := tx.Cells()
	if err := dmg.listing(err); err != nil {
		return OrgSummary{}, fmt.Errorf("org summary: load cells: %w", err)
	}
	tallies := make([]cellTally, len(cells))
	claimed := map[MemberID]orgEntry{}
	listed := map[MemberID]bool{} // the members of the entries' other claims: counted with the first
	cellAt := make(map[string]int32, len(cells))
	for i, c := range cells {
		cellAt[c.Code] = int32(i)
		st, err := tx.MonthState(c.Code, m)
		if err != nil {
			return OrgSummary{}, fmt.Errorf("org summary: month state %s: %w", c.Code, err)
		}
		tallies[i] = newCellTally(c, m, loc, st, false)
		tallies[i].deadline = ReportDeadline(m, loc, e.graceDays(c))
		roster, err := cellRoster(tx, c.Code, m, loc)
		if err := dmg.listing(err); err != nil {
			return OrgSummary{}, fmt.Errorf("org summary: roster of %s: %w", c.Code, err)
		}
		for _, en := range roster {
			if !en.OnRosterIn(c.Code, m, loc) {
				continue
			}
			oe := orgEntry{at: int32(i), rosterExempt: en.StatusIn(m, loc) == RosterExempt, history: len(en.Statuses) > 0, own: c.Code == en.Cell}
			if len(en.Claims) == 0 {
				oe.tally(&tallies[i], nil, m, loc, nil, nil)
				continue
			}
			claimed[en.Claims[0].Member] = oe
			for _, cl := range en.Claims[1:] {
				listed[cl.Member] = true
			}
		}
	}
	// Members and the month's reports both come by member ID: merge the
	// two streams, one member at a time.
	members, stop := pullMembers(tx)
	defer stop()
	mb, more := members()
	count := func(r *Report) error {
		cur := mb
		mb, more = members()
		oe, ok := claimed[cur.ID]
		if !ok {
			// A member on no entry (see withUnlisted): their own entry.
			at, inCell := cellAt[cur.Cell]
			if listed[cur.ID] || !inCell || !RosterEntryOf(cur).OnRosterIn(cur.Cell, m, loc) {
				return nil
			}
			oe = orgEntry{at: at, own: true}
		}
		delete(claimed, cur.ID)
		var pp *Pledge
		if oe.counts(m, loc, &cur) {
			p, ok, err := tx.Pledge(cur.ID, m.Year())
			if err != nil {
				if dmg.skip(fmt.Sprintf("pledge %d %d", cur.ID, m.Year()), err) == nil {
					return nil // not counted
				}
				return fmt.Errorf("load pledge %d: %w", cur.ID, err)
			}
			if ok {
				pp = &p
			}
		}
		oe.tally(&tallies[oe.at], &cur, m, loc, r, pp)
		return nil
	}
	var prev MemberID
	seen := false
	err = tx.Reports(m, func(rep Report) error {
		if seen && rep.Member <= prev {
			return fmt.Errorf("report %d after %d: not in member order", rep.Member, prev)
		}
		prev, seen = rep.Member, true
		for more && mb.ID < rep.Member {
			if err := count(nil); err != nil {
				return err
			}
		}
		if more && mb.ID == rep.Member {
			return count(&rep)
		}
		return nil // the report of a member no longer stored
	})
	err = dmg.listing(err) // damaged reports are skipped: their members count as not reported
	for err == nil && more {
		err = count(nil)
	}
	if err == nil {
		err = dmg.listing(stop())
	}
	if err != nil {
		return OrgSummary{}, fmt.Errorf("org summary of %s: %w", m, err)
	}
	for _, oe := range claimed { // entries whose member is not stored (or unreadable): by their entry only
		oe.tally(&tallies[oe.at], nil, m, loc, nil, nil)
	}
	sums := make([]CellSummary, len(tallies))
	for i := range tallies {
		sums[i] = tallies[i].summary()
	}
	return SummarizeOrg(m, sums), nil
}

// pullMembers returns tx's members one at a time, by ID (Tx.EachMember as
// a pull iterator): next returns the next member and whether there was
// one; stop ends the listing (it may be called more than once) and
// returns the listing's error, a *DamagedError for skipped records.
func pullMembers(tx Tx) (next func() (Member, bool), stop func() error) {
	var err error
	var stopped bool
	seq := func(yield func(Member) bool) {
		err = tx.EachMember(func(m Member) error {
			if !yield(m) {
				return errStopped
			}
			return nil
		})
	}
	n, s := iter.Pull(seq)
	return n, func() error {
		if !stopped {
			stopped = true
			s()
		}
		if errors.Is(err, errStopped) {
			return nil
		}
		return err
	}
}

// errStopped ends a listing whose reader stopped early.
var errStopped = errors.New("flows: listing stopped")

// orgEntry is what the organisation's summary keeps of a roster entry on
// a cell's roster in the month: the cell's tally, and the entry's part of
// the rule (RosterEntry.CountsIn).
type orgEntry struct {
	at           int32 // the tally of the cell the entry is on in the month
	rosterExempt bool  // miễn by the roster's status in the month (RosterEntry.StatusIn)
	history      bool  // the entry has recorded status changes (exemptDuring)
	own          bool  // that cell is the entry's cell now: its member's rules hold
}

// counts reports whether the entry, with mb its member (nil for none),
// counts in month (see RosterEntry.CountsIn).
func (oe orgEntry) counts(month Month, loc *time.Location, mb *Member) bool {
	return rosterCounts(exemptDuring(oe.rosterExempt, oe.history, mb), oe.own, month, loc, mb)
}

// tally counts the entry in t, with mb its member (nil for none), r and p
// its report and pledge.
func (oe orgEntry) tally(t *cellTally, mb *Member, month Month, loc *time.Location, r *Report, p *Pledge) {
	how := tallied{onRoster: true, exempt: exemptDuring(oe.rosterExempt, oe.history, mb),
		counts: oe.counts(month, loc, mb), connected: mb != nil && mb.Connected()}
	if mb == nil {
		mb = &Member{}
	}
	t.add(mb, how, r, p)
}
