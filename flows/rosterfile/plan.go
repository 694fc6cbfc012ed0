package rosterfile

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// Plan is what applying a file would do to the rosters of the cells it
// names: the other cells are left alone.
type Plan struct {
	File  *File
	Cells []CellPlan // in the order of the configured cells
}

// CellPlan is what a file does to one cell's roster.
type CellPlan struct {
	Cell flows.Cell
	// New are the rows that become new entries, as indexes into
	// File.Rows: a province's file is not copied.
	New       []int32
	Changed   []Change
	Unchanged int                 // rows that leave their entry as it is
	Removed   []flows.RosterEntry // on the roster, not in the file
	// Kept are entries the file leaves out but that the person importing
	// claims (KeepClaimedBy): nobody takes themself off the roster.
	Kept []flows.RosterEntry
	// Stamp is the fingerprint of the cell's roster the plan was made
	// from; Apply refuses when the roster no longer has it.
	Stamp uint64
}

// Change pairs an entry of the roster with the row of the file that
// matches it, and the entry as the row would leave it.
type Change struct {
	Row    Row
	Before flows.RosterEntry
	After  flows.RosterEntry
}

// NewPlan compares f with current, the rosters (removed entries included)
// of the cells f names, by cell code. A row matches the entry of its cell
// with the same folded name, one on the roster first, then a removed one
// (which the import restores); rows of the same name match entries in
// order. A name written without diacritics does not replace the same name
// written with them. A restored entry comes back without its claims: the
// members who claimed it were taken out of the cell when it was removed
// (flows.RemoveRosterEntry), and they connect again to claim it, as they
// would a new entry added in chat.
func NewPlan(f *File, cells []flows.Cell, current map[string][]flows.RosterEntry) *Plan {
	// The rows of each cell, in order, as indexes into f.Rows: a file of
	// 250,000 people is not copied.
	counts := map[string]int{}
	for _, r := range f.Rows {
		counts[r.Cell]++
	}
	byCell := make(map[string][]int32, len(counts))
	for i, r := range f.Rows {
		if byCell[r.Cell] == nil {
			byCell[r.Cell] = make([]int32, 0, counts[r.Cell])
		}
		byCell[r.Cell] = append(byCell[r.Cell], int32(i))
	}
	p := &Plan{File: f}
	for _, c := range cells {
		rows, ok := byCell[c.Code]
		if !ok {
			continue
		}
		entries := current[c.Code]
		cp := CellPlan{Cell: c, Stamp: flows.RosterStamp(entries)}
		if len(entries) == 0 {
			// Every row is new: the rows' own index list is the plan.
			cp.New = rows
			p.Cells = append(p.Cells, cp)
			continue
		}
		used := make([]bool, len(entries))
		// The entries of each folded name, those on the roster first.
		byName := make(map[string][]int, len(entries))
		for _, onRoster := range []bool{true, false} {
			for i, e := range entries {
				if e.OnRoster() == onRoster {
					byName[e.Folded] = append(byName[e.Folded], i)
				}
			}
		}
		for _, ri := range rows {
			r := f.Rows[ri]
			folded := flows.FoldName(r.Name)
			i := -1
			if list := byName[folded]; len(list) > 0 {
				i, byName[folded] = list[0], list[1:]
			}
			if i < 0 {
				cp.New = append(cp.New, ri)
				continue
			}
			used[i] = true
			after := entries[i]
			if !noMarks(r.Name) || noMarks(after.Name) {
				after.Name = r.Name
			}
			after.Status, after.Role = r.Status, r.Role
			if !after.OnRoster() {
				after.Removed, after.Claims = time.Time{}, nil
			}
			ch := Change{Row: r, Before: entries[i], After: after}
			if same(ch.Before, ch.After) {
				cp.Unchanged++
			} else {
				cp.Changed = append(cp.Changed, ch)
			}
		}
		for i, e := range entries {
			if !used[i] && e.OnRoster() {
				cp.Removed = append(cp.Removed, e)
			}
		}
		p.Cells = append(p.Cells, cp)
	}
	return p
}

// Restored reports whether the change puts back an entry taken off the
// roster.
func (c Change) Restored() bool { return !c.Before.OnRoster() }

// KeepClaimedBy keeps on the roster the entries the file leaves out that
// member claims: the person importing (a secretary whose own row is
// missing from her file) is not taken off the roster, as /danhsach does
// not let anyone remove themself. The preview names them.
func (p *Plan) KeepClaimedBy(member flows.MemberID) {
	if member == 0 {
		return
	}
	for i := range p.Cells {
		cp := &p.Cells[i]
		cp.Removed = slices.DeleteFunc(cp.Removed, func(e flows.RosterEntry) bool {
			if slices.ContainsFunc(e.Claims, func(c flows.RosterClaim) bool { return c.Member == member }) {
				cp.Kept = append(cp.Kept, e)
				return true
			}
			return false
		})
	}
}

func same(a, b flows.RosterEntry) bool {
	return a.Name == b.Name && a.Status == b.Status && a.Role == b.Role && a.Removed.Equal(b.Removed)
}

// Errors of Apply.
var (
	// ErrBlocked: the file has rows that must be corrected first.
	ErrBlocked = errors.New("rosterfile: the file has rows to correct")
	// ErrStale: a cell's roster changed since the plan was made (another
	// import, a secretary's edit): make the plan again.
	ErrStale = errors.New("rosterfile: the roster changed since the preview")
)

// Apply writes the plan through tx, which the caller commits as one
// transaction: new rows become entries added at now, changed entries are
// rewritten, entries not in the file are marked removed at now (never
// deleted) and their connected members leave the cell, told with cat's
// text as /danhsach's removal tells them. It refuses, writing nothing it has not already written in tx
// (the caller's transaction then fails whole), when the file is blocked
// or when a cell's roster is no longer the one the plan was made from.
func (p *Plan) Apply(tx flows.Tx, cat *text.Catalog, now time.Time) error {
	if p.File.Blocked() {
		return ErrBlocked
	}
	for _, cp := range p.Cells {
		entries, err := tx.Roster(cp.Cell.Code)
		if err != nil {
			return fmt.Errorf("roster of %s: %w", cp.Cell.Code, err)
		}
		if flows.RosterStamp(entries) != cp.Stamp {
			return fmt.Errorf("cell %s: %w", cp.Cell.Code, ErrStale)
		}
	}
	for _, cp := range p.Cells {
		for _, ri := range cp.New {
			r := &p.File.Rows[ri]
			e := flows.RosterEntry{Cell: r.Cell, Name: r.Name, Status: r.Status, Role: r.Role, Added: now}
			if err := tx.PutRosterEntry(&e); err != nil {
				return fmt.Errorf("row %d: %w", r.Line, err)
			}
		}
		for _, ch := range cp.Changed {
			e := ch.After
			e.Claims = slices.Clone(e.Claims)
			if err := tx.PutRosterEntry(&e); err != nil {
				return fmt.Errorf("row %d: %w", ch.Row.Line, err)
			}
		}
		for _, e := range cp.Removed {
			var told error
			err := flows.RemoveRosterEntry(tx, e, now, func(m flows.Member) {
				if chats := m.PrivateChats(); len(chats) > 0 && told == nil {
					told = tx.Enqueue(bot.Reply{Chat: chats[0], Text: cat.Render(text.RosterYouRemoved, map[string]string{"Cell": cp.Cell.Name})})
				}
			})
			if err = cmp.Or(err, told); err != nil {
				return fmt.Errorf("removing %q: %w", e.Name, err)
			}
		}
	}
	return nil
}
