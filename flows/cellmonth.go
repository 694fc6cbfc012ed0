package flows

import (
	"errors"
	"fmt"
	"time"
)

// ErrUnknownCell is wrapped by the error of Engine.CellSummary for a cell
// code that is not stored.
var ErrUnknownCell = errors.New("flows: unknown cell")

// cellMonth is what a cell's month is computed from.
type cellMonth struct {
	cell    Cell
	members []Member
	reports map[MemberID]Report // submitted or not, of every member (exempt too)
	pledges map[MemberID]Pledge // of the members counted in the month
	state   MonthState
	loc     *time.Location // the organisation's zone, which months are in
}

// loadCellMonth reads cell code's members, their reports of m and the
// pledges of m's year of the members who count in m (CountsIn, months in
// loc): a few lookups per member, whatever
// the history stored. With a non-nil dmg, a member whose record, report or
// pledge cannot be read is left out (and collected in dmg) rather than
// failing the whole cell.
func loadCellMonth(tx Tx, code string, m Month, loc *time.Location, dmg *damage) (cellMonth, error) {
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
	cm := cellMonth{cell: cell, members: ms[:0:0], loc: loc,
		reports: make(map[MemberID]Report, len(ms)), pledges: make(map[MemberID]Pledge, len(ms))}
	for _, mb := range ms {
		if mb.Cell != code {
			cm.members = append(cm.members, mb)
			continue
		}
		rep, ok, err := tx.Report(mb.ID, m)
		if err != nil {
			if dmg.skip(fmt.Sprintf("report %d %s", mb.ID, m), err) == nil {
				continue
			}
			return cellMonth{}, fmt.Errorf("load report %d %s: %w", mb.ID, m, err)
		}
		if ok {
			cm.reports[mb.ID] = rep
		}
		if mb.CountsIn(m, loc) {
			p, ok, err := tx.Pledge(mb.ID, m.Year())
			if err != nil {
				if dmg.skip(fmt.Sprintf("pledge %d %d", mb.ID, m.Year()), err) == nil {
					delete(cm.reports, mb.ID)
					continue
				}
				return cellMonth{}, fmt.Errorf("load pledge %d %d: %w", mb.ID, m.Year(), err)
			}
			if ok {
				cm.pledges[mb.ID] = p
			}
		}
		cm.members = append(cm.members, mb)
	}
	cm.state, err = tx.MonthState(code, m)
	if err != nil {
		return cellMonth{}, fmt.Errorf("load month state %s %s: %w", code, m, err)
	}
	return cm, nil
}

func (cm cellMonth) summary(m Month) CellSummary {
	return SummarizeCell(cm.cell, cm.members, cm.reports, cm.pledges, m, cm.loc, cm.state)
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
	cm, err := loadCellMonth(tx, code, m, e.loc(), nil)
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
// pledge not counted) and collected in dmg.
func (e *Engine) orgSummary(tx Tx, m Month, dmg *damage) (OrgSummary, error) {
	cells, err := tx.Cells()
	if err := dmg.listing(err); err != nil {
		return OrgSummary{}, fmt.Errorf("org summary: load cells: %w", err)
	}
	tallies := make([]cellTally, len(cells))
	cellAt := make(map[string]int, len(cells))
	for i, c := range cells {
		st, err := tx.MonthState(c.Code, m)
		if err != nil {
			return OrgSummary{}, fmt.Errorf("org summary: month state %s: %w", c.Code, err)
		}
		tallies[i] = newCellTally(c, m, e.loc(), st, false)
		cellAt[c.Code] = i
	}
	ms, err := tx.Members("")
	if err := dmg.listing(err); err != nil {
		return OrgSummary{}, fmt.Errorf("org summary: load members: %w", err)
	}
	// Members and the month's reports both come by member ID: merge them.
	next := 0                  // the next member of ms to count
	lastCell, lastAt := "", -1 // the cell of the member counted last, and its tally
	count := func(r *Report) error {
		mb := &ms[next]
		next++
		if mb.Cell == "" {
			return nil
		}
		if mb.Cell != lastCell {
			i, ok := cellAt[mb.Cell]
			if !ok {
				i = -1 // a cell that is not stored: not summarised
			}
			lastCell, lastAt = mb.Cell, i
		}
		if lastAt < 0 {
			return nil
		}
		var pp *Pledge
		if mb.CountsIn(m, e.loc()) {
			p, ok, err := tx.Pledge(mb.ID, m.Year())
			if err != nil {
				if dmg.skip(fmt.Sprintf("pledge %d %d", mb.ID, m.Year()), err) == nil {
					return nil // not counted
				}
				return fmt.Errorf("load pledge %d: %w", mb.ID, err)
			}
			if ok {
				pp = &p
			}
		}
		tallies[lastAt].add(mb, r, pp)
		return nil
	}
	var prev MemberID
	seen := false
	err = tx.Reports(m, func(rep Report) error {
		if seen && rep.Member <= prev {
			return fmt.Errorf("report %d after %d: not in member order", rep.Member, prev)
		}
		prev, seen = rep.Member, true
		for next < len(ms) && ms[next].ID < rep.Member {
			if err := count(nil); err != nil {
				return err
			}
		}
		if next < len(ms) && ms[next].ID == rep.Member {
			return count(&rep)
		}
		return nil // the report of a member no longer stored
	})
	err = dmg.listing(err) // damaged reports are skipped: their members count as not reported
	for err == nil && next < len(ms) {
		err = count(nil)
	}
	if err != nil {
		return OrgSummary{}, fmt.Errorf("org summary of %s: %w", m, err)
	}
	sums := make([]CellSummary, len(tallies))
	for i := range tallies {
		sums[i] = tallies[i].summary()
	}
	return SummarizeOrg(m, sums), nil
}
