package flows

import (
	"errors"
	"fmt"
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
// them (SummarizeOrg). It reads the store's tally index (Tx.TallyMembers
// and its kin): every roster entry's and member's digest, the digests of
// the month's reports and of the year's pledges, each with one range scan
// (never other months), the full records of the exemplary reports only,
// and each cell's month state: its cost grows with the members, never
// with the stored history. The rows carry no Missing list, as the
// organisation's table shows no names; their Deeds are those of
// SummarizeCell. It is safe for concurrent use.
func (e *Engine) OrgSummary(tx Tx, m Month) (OrgSummary, error) {
	return e.orgSummary(tx, m, nil, true)
}
