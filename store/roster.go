package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/bot"
	"lamtheo/flows"
)

// RosterEntry implements flows.Tx.
func (t *tx) RosterEntry(id flows.RosterID) (flows.RosterEntry, bool, error) {
	v := t.b(bucketRoster).Get(u64(uint64(id)))
	if v == nil {
		return flows.RosterEntry{}, false, nil
	}
	e, err := decodeRosterEntry(id, v)
	if err != nil {
		return flows.RosterEntry{}, false, fmt.Errorf("roster entry %d: %w", id, err)
	}
	return e, true, nil
}

// PutRosterEntry implements flows.Tx; it sets e.Folded from e.Name. A new entry gets the next ID of the
// roster bucket (e.ID is set even if the transaction later fails; saving
// the same e again keeps that ID and never reuses it).
func (t *tx) PutRosterEntry(e *flows.RosterEntry) error {
	if err := t.writable(); err != nil {
		return err
	}
	if e.Cell == "" || e.Name == "" || !e.Status.Valid() {
		return fmt.Errorf("put roster entry %q of cell %q, status %d: %w", e.Name, e.Cell, e.Status, flows.ErrRosterEntry)
	}
	e.Folded = flows.FoldName(e.Name)
	seen := map[bot.Platform]bool{}
	for _, c := range e.Claims {
		if seen[c.Platform] || c.Member == 0 {
			return fmt.Errorf("put roster entry %q: two claims on %q or no member: %w", e.Name, c.Platform, flows.ErrRosterClaim)
		}
		seen[c.Platform] = true
	}
	roster := t.b(bucketRoster)
	fresh := e.ID == 0 // a new ID: no record to replace
	if fresh {
		// New IDs come in order, so the roster and its cell index mostly
		// grow at their ends (an import adds a cell's rows one after
		// the other): full pages split cheaply there and a large import
		// writes half the pages. The setting lasts for this transaction.
		roster.FillPercent = appendFill
		t.b(bucketRosterCell).FillPercent = appendFill
		seq, err := roster.NextSequence()
		if err != nil {
			return fmt.Errorf("put roster entry: %w", err)
		}
		e.ID = flows.RosterID(seq)
	} else if uint64(e.ID) > roster.Sequence() {
		// An ID assigned in a transaction that was rolled back.
		if err := roster.SetSequence(uint64(e.ID)); err != nil {
			return fmt.Errorf("put roster entry %d: %w", e.ID, err)
		}
	}
	idKey := u64(uint64(e.ID))
	claims := t.b(bucketRosterClaim)
	for _, c := range e.Claims {
		if v := claims.Get(memberKey(c.Member)); v != nil && !bytes.Equal(v, idKey) {
			return fmt.Errorf("put roster entry %d: member %d claims entry %d: %w", e.ID, c.Member, binary.BigEndian.Uint64(v), flows.ErrRosterClaim)
		}
	}
	var old flows.RosterEntry
	var had bool
	if !fresh {
		var err error
		if old, had, err = t.RosterEntry(e.ID); err != nil {
			return err
		}
	}
	cells := t.b(bucketRosterCell)
	if had {
		if old.Cell != e.Cell {
			k, err := rosterCellKey(old.Cell, e.ID)
			if err != nil {
				return fmt.Errorf("put roster entry %d: %w", e.ID, err)
			}
			if err := cells.Delete(k); err != nil {
				return fmt.Errorf("put roster entry %d: %w", e.ID, err)
			}
		}
		for _, c := range old.Claims {
			if bytes.Equal(claims.Get(memberKey(c.Member)), idKey) {
				if err := claims.Delete(memberKey(c.Member)); err != nil {
					return fmt.Errorf("put roster entry %d: %w", e.ID, err)
				}
			}
		}
	}
	if had && old.Cell != e.Cell {
		if err := t.bumpRosterVersion(old.Cell); err != nil {
			return fmt.Errorf("put roster entry %d: %w", e.ID, err)
		}
	}
	if err := t.bumpRosterVersion(e.Cell); err != nil {
		return fmt.Errorf("put roster entry %d: %w", e.ID, err)
	}
	k, err := rosterCellKey(e.Cell, e.ID)
	if err != nil {
		return fmt.Errorf("put roster entry %d: %w", e.ID, err)
	}
	// The cell index holds the entry's tally digest (tally.go).
	t.scratch = appendRosterTally(t.scratch[:0], e)
	if err := cells.Put(k, bytes.Clone(t.scratch)); err != nil {
		return fmt.Errorf("put roster entry %d: %w", e.ID, err)
	}
	for _, mv := range e.Moves {
		k, err := rosterCellKey(mv.From, e.ID)
		if err != nil {
			return fmt.Errorf("put roster entry %d: %w", e.ID, err)
		}
		if err := t.b(bucketRosterPast).Put(k, nil); err != nil {
			return fmt.Errorf("put roster entry %d: %w", e.ID, err)
		}
	}
	for _, c := range e.Claims {
		if err := claims.Put(memberKey(c.Member), idKey); err != nil {
			return fmt.Errorf("put roster entry %d: %w", e.ID, err)
		}
	}
	// bbolt holds the value until the commit: encoded in the
	// transaction's scratch buffer, then copied to its exact size (a
	// province's import holds 250,000 of them).
	t.scratch = appendRosterEntry(t.scratch[:0], e)
	if err := roster.Put(idKey, bytes.Clone(t.scratch)); err != nil {
		return fmt.Errorf("put roster entry %d: %w", e.ID, err)
	}
	return nil
}

// appendFill is the fill percent of the roster buckets in a transaction
// that adds entries.
const appendFill = 0.95

// Roster implements flows.Tx: it reads only cell's index range and its
// entries' records.
func (t *tx) Roster(cell string) ([]flows.RosterEntry, error) {
	return t.rosterIndex(bucketRosterCell, cell)
}

// RosterPast implements flows.Tx, like Roster over the index of the cells
// entries moved out of.
func (t *tx) RosterPast(cell string) ([]flows.RosterEntry, error) {
	return t.rosterIndex(bucketRosterPast, cell)
}

// EachRosterEntry calls fn with each entry of cell's roster (removed
// entries included), by ID, as Roster returns them, without holding them
// all: a province's roster is planned entry by entry. An error of fn stops
// it and is returned.
func (t *tx) EachRosterEntry(cell string, fn func(flows.RosterEntry) error) error {
	return t.eachRosterIndex(bucketRosterCell, cell, fn)
}

// rosterIndex returns the entries index lists under cell, by ID.
func (t *tx) rosterIndex(index []byte, cell string) ([]flows.RosterEntry, error) {
	var out []flows.RosterEntry
	err := t.eachRosterIndex(index, cell, func(e flows.RosterEntry) error {
		out = append(out, e)
		return nil
	})
	return out, err // the entries read, even with damaged ones skipped
}

// eachRosterIndex calls fn with each entry index lists under cell, by ID.
// An entry it cannot read is skipped and reported once the others are
// (damage), unless there are too many.
func (t *tx) eachRosterIndex(index []byte, cell string, fn func(flows.RosterEntry) error) error {
	prefix, err := appendStr(nil, cell)
	if err != nil {
		return fmt.Errorf("roster of %q: %w", cell, err)
	}
	var dmg damage
	c := t.b(index).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != len(prefix)+8 {
			continue
		}
		id := flows.RosterID(binary.BigEndian.Uint64(k[len(prefix):]))
		e, ok, err := t.RosterEntry(id)
		if err != nil {
			if err := dmg.add(fmt.Sprint("roster entry ", id), err); err != nil {
				return err
			}
			continue
		}
		if ok {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return dmg.err()
}

// RosterVersion returns the version of cell's roster: a number that every
// write of an entry of the cell (PutRosterEntry, in the same transaction)
// changes, so that comparing it tells whether the roster changed without
// reading it. ok is false for a roster not written since versions were
// kept (a data file of an older lamtheo): the caller compares the entries
// themselves (flows.RosterStamp). The versions live in the meta bucket,
// created by the first write: the schema is unchanged.
func (t *tx) RosterVersion(cell string) (v uint64, ok bool, err error) {
	var kb [64]byte
	k, err := rosterVersionKey(kb[:0], cell)
	if err != nil {
		return 0, false, err
	}
	return t.rosterVersion(k)
}

// rosterVersion is RosterVersion by the version's key.
func (t *tx) rosterVersion(k []byte) (v uint64, ok bool, err error) {
	b := t.b(bucketMeta).Get(k)
	if b == nil {
		return 0, false, nil
	}
	if len(b) != 8 {
		return 0, false, fmt.Errorf("roster version %q: %d bytes: %w", k, len(b), errCorrupt)
	}
	return binary.BigEndian.Uint64(b), true, nil
}

// bumpRosterVersion adds one to cell's roster version (see RosterVersion),
// creating it when missing: its first value is then any number the cell
// never had, the time mixed with the roster's sequence.
func (t *tx) bumpRosterVersion(cell string) error {
	var kb [64]byte
	k, err := rosterVersionKey(kb[:0], cell)
	if err != nil {
		return err
	}
	v, ok, err := t.rosterVersion(k)
	if err != nil {
		return err
	}
	if ok {
		v++
	} else {
		v = uint64(time.Now().UnixNano())<<8 ^ t.b(bucketRoster).Sequence()
	}
	// bbolt holds the key and the value until the commit: one allocation
	// for both (an import writes 250,000 entries).
	kv := binary.BigEndian.AppendUint64(append(make([]byte, 0, len(k)+8), k...), v)
	return t.b(bucketMeta).Put(kv[:len(k):len(k)], kv[len(k):])
}

// rosterVersionKey appends to dst the meta bucket's key of cell's roster
// version.
func rosterVersionKey(dst []byte, cell string) ([]byte, error) {
	k, err := appendStr(append(dst, "roster_version|"...), cell)
	if err != nil {
		return nil, fmt.Errorf("roster version of %q: %w", cell, err)
	}
	return k, nil
}

// RosterOf implements flows.Tx.
func (t *tx) RosterOf(member flows.MemberID) (flows.RosterEntry, bool, error) {
	v := t.b(bucketRosterClaim).Get(memberKey(member))
	if len(v) != 8 {
		return flows.RosterEntry{}, false, nil
	}
	return t.RosterEntry(flows.RosterID(binary.BigEndian.Uint64(v)))
}

// rosterCellKey returns the cell index key of roster entry id in cell.
func rosterCellKey(cell string, id flows.RosterID) ([]byte, error) {
	return memberCellKey(cell, flows.MemberID(id))
}

func encodeRosterEntry(e *flows.RosterEntry) []byte {
	return appendRosterEntry(make([]byte, 0, 64+2*len(e.Name)+len(e.Cell)+len(e.Role)+32*len(e.Claims)), e)
}

// appendRosterEntry appends the record of e to dst.
func appendRosterEntry(dst []byte, e *flows.RosterEntry) []byte {
	start := len(dst)
	r := &enc{b: append(dst, recordV1)}
	r.str(e.Cell)
	r.str(e.Name)
	r.str(e.Folded)
	r.int(int(e.Status))
	r.str(e.Role)
	r.time(e.Added)
	r.time(e.Removed)
	r.uvarint(uint64(len(e.Claims)))
	for _, c := range e.Claims {
		r.str(string(c.Platform))
		r.uvarint(uint64(c.Member))
		r.time(c.At)
	}
	if len(e.Moves) > 0 {
		r.b[start] = rosterV2
		r.uvarint(uint64(len(e.Moves)))
		for _, mv := range e.Moves {
			r.str(mv.From)
			r.time(mv.At)
		}
	}
	if len(e.Statuses) > 0 {
		if len(e.Moves) == 0 {
			r.uvarint(0)
		}
		r.b[start] = rosterV3
		r.uvarint(uint64(len(e.Statuses)))
		for _, c := range e.Statuses {
			r.int(int(c.From))
			r.time(c.At)
		}
	}
	return r.b
}

// rosterV3 is the version byte of a roster entry with status changes:
// version 2's fields (the moves always, maybe none), then the changes.
// Entries without are still written as version 1 or 2.
const rosterV3 = 3

// rosterV2 is the version byte of a roster entry with moves between cells:
// version 1's fields, then the moves. Entries without are still written as
// version 1.
const rosterV2 = 2

func decodeRosterEntry(id flows.RosterID, v []byte) (flows.RosterEntry, error) {
	d := newDecUpTo(v, rosterV3)
	e := flows.RosterEntry{ID: id}
	e.Cell = d.str()
	e.Name = d.str()
	e.Folded = d.str()
	e.Status = flows.RosterStatus(d.int())
	e.Role = d.str()
	e.Added = d.time()
	e.Removed = d.time()
	if n := d.count(3); n > 0 {
		e.Claims = make([]flows.RosterClaim, n)
		for i := range e.Claims {
			e.Claims[i] = flows.RosterClaim{Platform: bot.Platform(d.str()), Member: flows.MemberID(d.uvarint()), At: d.time()}
		}
	}
	if d.ver >= rosterV2 {
		if n := d.count(2); n > 0 {
			e.Moves = make([]flows.RosterMove, n)
			for i := range e.Moves {
				e.Moves[i] = flows.RosterMove{From: d.str(), At: d.time()}
			}
		}
	}
	if d.ver >= rosterV3 {
		if n := d.count(2); n > 0 {
			e.Statuses = make([]flows.RosterStatusChange, n)
			for i := range e.Statuses {
				e.Statuses[i] = flows.RosterStatusChange{From: flows.RosterStatus(d.int()), At: d.time()}
			}
		}
	}
	if d.err == nil && !e.Status.Valid() {
		d.fail("status")
	}
	return e, d.err
}

// migrateRoster5 puts every member of a schema 4 file who is in a cell on
// that cell's roster, claimed by the member on each platform of their
// identities (on "" when they have none), with the miễn status for an
// exempt member (schema 5). A member record it cannot read stops the
// upgrade: the file is refused, as a damaged file is, rather than opened
// with a person missing from their cell's roster.
func migrateRoster5(btx *bolt.Tx) error {
	t := &tx{btx: btx}
	members, err := t.Members("")
	if err != nil {
		return fmt.Errorf("the members could not all be read, so they cannot be put on their cells' rosters: %w", err)
	}
	for _, m := range members {
		if m.Cell == "" {
			continue
		}
		if _, ok, err := t.RosterOf(m.ID); err != nil || ok {
			if err != nil {
				return err
			}
			continue
		}
		if err := t.PutRosterEntry(flows.RosterEntryOf(m)); err != nil {
			return fmt.Errorf("member %d: %w", m.ID, err)
		}
	}
	return nil
}
