package rosterfile

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
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
	// from (its version's, when the store keeps one: cellStamp); Apply
	// refuses when the roster no longer has it.
	Stamp uint64
	// versioned: Stamp is the version's (else the entries').
	versioned bool
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
	p, _ := newPlan(f, cells, func(cell string) (rosterReader, error) {
		return sliceRoster(current[cell]), nil
	})
	return p
}

// PlanIn plans f against the current rosters of cells, read in tx, as
// NewPlan does. It reads them entry by entry, keeping only the entries the
// file changes or removes: a province's roster is never held whole.
func PlanIn(tx flows.Tx, f *File, cells []flows.Cell) (*Plan, error) {
	return newPlan(f, cells, func(cell string) (rosterReader, error) { return txRoster(tx, cell) })
}

// newPlan is NewPlan over the rosters roster reads, one cell at a time.
func newPlan(f *File, cells []flows.Cell, roster func(cell string) (rosterReader, error)) (*Plan, error) {
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
		rr, err := roster(c.Code)
		if err != nil {
			return nil, err
		}
		cp, err := planCell(f, c, rows, rr)
		if err != nil {
			return nil, fmt.Errorf("roster of %s: %w", c.Code, err)
		}
		p.Cells = append(p.Cells, cp)
	}
	return p, nil
}

// planCell plans rows, cell c's rows of f, against c's roster read from
// rr. It holds the rows' index by folded name (rowIndex) and, of the
// roster, only the entries the file changes, removes or restores.
func planCell(f *File, c flows.Cell, rows []int32, rr rosterReader) (CellPlan, error) {
	cp := CellPlan{Cell: c}
	var idx *rowIndex // made at the first entry: not for an empty roster
	var stamp flows.RosterStamper
	var gone []flows.RosterEntry // removed entries: matched after those on the roster
	match := func(e flows.RosterEntry) {
		if idx == nil {
			idx = newRowIndex(f, rows)
		}
		i := idx.take(e.Folded)
		if i < 0 {
			if e.OnRoster() {
				cp.Removed = append(cp.Removed, e)
			}
			return
		}
		r := f.Rows[rows[i]]
		after := e
		if !noMarks(r.Name) || noMarks(after.Name) {
			after.Name = r.Name
		}
		after.Status, after.Role = r.Status, r.Role
		if !after.OnRoster() {
			after.Removed, after.Claims = time.Time{}, nil
		}
		ch := Change{Row: r, Before: e, After: after}
		if same(ch.Before, ch.After) {
			cp.Unchanged++
		} else {
			cp.Changed = append(cp.Changed, ch)
		}
	}
	err := rr.each(func(e flows.RosterEntry) error {
		if !rr.versioned {
			stamp.Add(&e)
		}
		if e.OnRoster() {
			match(e)
		} else {
			gone = append(gone, e)
		}
		return nil
	})
	if err != nil {
		return CellPlan{}, err
	}
	for _, e := range gone {
		match(e)
	}
	cp.Stamp, cp.versioned = rr.stamp, rr.versioned
	if !rr.versioned {
		cp.Stamp = stamp.Sum()
	}
	// The changes in the file's order, as the rows matched them.
	slices.SortStableFunc(cp.Changed, func(a, b Change) int { return cmp.Compare(a.Row.Line, b.Row.Line) })
	cp.New = rows // an empty roster: every row is new
	if idx != nil {
		cp.New = idx.untaken()
	}
	return cp, nil
}

// rosterReader reads one cell's roster: each calls fn with its entries
// (removed ones included) by ID. When versioned, stamp is the stamp of the
// roster's version (the store keeps one, store's RosterVersion); when not,
// the roster's stamp is that of its entries (flows.RosterStamp).
type rosterReader struct {
	each      func(fn func(flows.RosterEntry) error) error
	versioned bool
	stamp     uint64
}

// sliceRoster reads entries.
func sliceRoster(entries []flows.RosterEntry) rosterReader {
	return rosterReader{each: func(fn func(flows.RosterEntry) error) error {
		for _, e := range entries {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}}
}

// versionedTx is what the store's transactions offer besides flows.Tx: a
// roster read entry by entry, and its version, which every write of an
// entry of the cell changes in the same transaction (store's RosterVersion;
// ok is false for a roster not written since versions were kept).
type versionedTx interface {
	EachRosterEntry(cell string, fn func(flows.RosterEntry) error) error
	RosterVersion(cell string) (v uint64, ok bool, err error)
}

// txRoster reads cell's roster in tx: by version and entry by entry when
// tx is the store's, else whole (flows.Tx.Roster).
func txRoster(tx flows.Tx, cell string) (rosterReader, error) {
	vt, ok := tx.(versionedTx)
	if !ok {
		entries, err := tx.Roster(cell)
		if err != nil {
			return rosterReader{}, err
		}
		return sliceRoster(entries), nil
	}
	rr := rosterReader{each: func(fn func(flows.RosterEntry) error) error { return vt.EachRosterEntry(cell, fn) }}
	v, known, err := vt.RosterVersion(cell)
	if err != nil {
		return rosterReader{}, err
	}
	if known {
		rr.versioned = true
		rr.stamp = fnvStamp(binary.AppendUvarint([]byte("roster version\x00"), v))
	}
	return rr, nil
}

// cellStamp returns the stamp of cell's roster in tx, as a plan made in tx
// has it: its version's, or its entries' when it has none or when
// versioned is false (a plan NewPlan made from entries).
func cellStamp(tx flows.Tx, cell string, versioned bool) (uint64, error) {
	rr, err := txRoster(tx, cell)
	if err != nil || rr.versioned && versioned {
		return rr.stamp, err
	}
	var s flows.RosterStamper
	err = rr.each(func(e flows.RosterEntry) error {
		s.Add(&e)
		return nil
	})
	return s.Sum(), err
}

// rowIndex finds a cell's rows by folded name, the first not yet taken
// first. It keeps a hash of each name, not the name: a province's rows are
// not folded twice over in memory.
type rowIndex struct {
	f     *File
	rows  []int32          // the cell's rows, as indexes into f.Rows
	head  map[uint64]int32 // the first row of each hash not taken, into rows
	next  []int32          // the next row of the same hash, -1 for none
	taken []bool
	seed  maphash.Seed
}

func newRowIndex(f *File, rows []int32) *rowIndex {
	x := &rowIndex{f: f, rows: rows, head: make(map[uint64]int32, len(rows)), next: make([]int32, len(rows)), taken: make([]bool, len(rows)), seed: maphash.MakeSeed()}
	for i := len(rows) - 1; i >= 0; i-- {
		h := maphash.String(x.seed, flows.FoldName(f.Rows[rows[i]].Name))
		n, ok := x.head[h]
		if !ok {
			n = -1
		}
		x.next[i], x.head[h] = n, int32(i)
	}
	return x
}

// take returns the first row not taken whose folded name is folded, as an
// index into the cell's rows, and marks it taken; -1 when there is none.
func (x *rowIndex) take(folded string) int {
	h := maphash.String(x.seed, folded)
	i, ok := x.head[h]
	if !ok {
		return -1
	}
	first := true
	for ; i >= 0; i = x.next[i] {
		if x.taken[i] {
			continue
		}
		if flows.FoldName(x.f.Rows[x.rows[i]].Name) == folded {
			x.taken[i] = true
			if first {
				x.head[h] = x.next[i]
			}
			return int(i)
		}
		first = false // another name of the same hash stays first
	}
	return -1
}

// untaken returns the rows not taken, in order.
func (x *rowIndex) untaken() []int32 {
	var out []int32
	for i, t := range x.taken {
		if !t {
			out = append(out, x.rows[i])
		}
	}
	return out
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
		stamp, err := cellStamp(tx, cp.Cell.Code, cp.versioned)
		if err != nil {
			return fmt.Errorf("roster of %s: %w", cp.Cell.Code, err)
		}
		if stamp != cp.Stamp {
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
