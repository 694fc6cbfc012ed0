package flows

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"slices"
	"time"

	"lamtheo/bot"
)

// RosterID identifies a roster entry inside one lamtheo instance. IDs are
// assigned by the store, increase, and are never reused.
type RosterID uint64

// RosterStatus is a person's standing on their cell's roster.
type RosterStatus int

// Roster statuses, as the party's records name them.
const (
	RosterFull      RosterStatus = iota // đảng viên chính thức
	RosterProbation                     // đảng viên dự bị
	RosterExempt                        // miễn công tác và sinh hoạt đảng (a formal decision)
)

// Valid reports whether s is one of the known statuses.
func (s RosterStatus) Valid() bool { return s >= RosterFull && s <= RosterExempt }

// RosterEntry is one person on a cell's roster (danh sách đảng viên), whether
// or not they use the bot. Removing a person keeps the entry, marked
// Removed, so that their history stays readable.
type RosterEntry struct {
	ID     RosterID
	Cell   string       // cell code
	Name   string       // full name, NFC, as the cell wrote it
	Folded string       // FoldName(Name): what names are matched by
	Status RosterStatus // chính thức, dự bị, miễn
	Role   string       // role in the cell ("Bí thư", "Phó bí thư"…); "" for none
	Added  time.Time
	// Removed is when the person was taken off the roster; zero while on it.
	Removed time.Time
	// Claims are the member accounts that claimed the entry, at most one
	// per platform.
	Claims []RosterClaim
	// Moves are the entry's moves between cells, oldest first (Cell is
	// where the last one led): the past months of a cell the person left
	// still count them there (CellIn).
	Moves []RosterMove
	// Statuses are the entry's status changes, oldest first (Status is
	// where the last one led): the months before a change keep the status
	// they had (StatusIn). Entries written before the history have none.
	Statuses []RosterStatusChange
}

// RosterClaim links a roster entry to the member account of one platform.
type RosterClaim struct {
	// Platform is the account's platform; "" for a member known before
	// rosters existed whose platform was not recorded (no identity).
	Platform bot.Platform
	Member   MemberID
	At       time.Time
}

// OnRoster reports whether the entry is on its cell's roster (not removed).
func (e RosterEntry) OnRoster() bool { return e.Removed.IsZero() }

// Connected reports whether an account on a chat platform claims e. A
// claim on no platform is a member without any account (recorded for by
// the secretary, /baocaothay, or known before platforms were recorded):
// the entry is not connected, and the person may still connect to it.
func (e RosterEntry) Connected() bool {
	return slices.ContainsFunc(e.Claims, func(c RosterClaim) bool { return c.Platform != "" })
}

// Claimed returns the member that claimed e on platform p.
func (e RosterEntry) Claimed(p bot.Platform) (MemberID, bool) {
	for _, c := range e.Claims {
		if c.Platform == p {
			return c.Member, true
		}
	}
	return 0, false
}

// Errors of Tx.PutRosterEntry.
var (
	// ErrRosterClaim is wrapped when an entry has two claims of one
	// platform, or names a member who already claims another entry.
	ErrRosterClaim = errors.New("roster: claim taken")
	// ErrRosterEntry is wrapped when an entry has no cell or no name, or
	// an unknown status.
	ErrRosterEntry = errors.New("roster: invalid entry")
)

// RosterStamp returns the fingerprint of a cell's roster: it changes when an
// entry is added, removed, renamed, or changes status, role or claims.
// An import and the secretary's edits in chat (/danhsach) remember it
// when they show the roster, and refuse to write when it changed since.
func RosterStamp(entries []RosterEntry) uint64 {
	var s RosterStamper
	for i := range entries {
		s.Add(&entries[i])
	}
	return s.Sum()
}

// RosterStamper computes RosterStamp one entry at a time, for a roster
// read without holding it whole. Its zero value is ready.
type RosterStamper struct {
	h hash.Hash64
	b []byte
}

// Add adds the next entry of the roster.
func (s *RosterStamper) Add(e *RosterEntry) {
	if s.h == nil {
		s.h = fnv.New64a()
	}
	b := binary.AppendUvarint(s.b[:0], uint64(e.ID))
	b = binary.AppendVarint(b, int64(e.Status))
	b = binary.AppendVarint(b, e.Removed.UnixNano())
	for _, str := range []string{e.Name, e.Role} {
		b = binary.AppendUvarint(b, uint64(len(str)))
		b = append(b, str...)
	}
	for _, c := range e.Claims {
		b = append(b, c.Platform...)
		b = binary.AppendUvarint(append(b, 0), uint64(c.Member))
	}
	s.h.Write(b)
	s.b = b
}

// Sum returns the stamp of the entries added.
func (s *RosterStamper) Sum() uint64 {
	if s.h == nil {
		s.h = fnv.New64a()
	}
	return s.h.Sum64()
}

// FoldName folds a name for matching: lowercase, without diacritics (đ
// becomes d), words joined with single spaces. "Trần  Văn HÙNG" gives
// "tran van hung".
func FoldName(name string) string { return foldName(name) }

// RosterEntryOf returns the roster entry of a member known before rosters
// existed: their name and cell, added when they connected, claimed by them
// on each platform of their identities (on "" when they have none), miễn
// when they are exempt. A member without a name (a record of an early
// build) is entered as "#" and their ID, for the secretary to rename.
func RosterEntryOf(m Member) *RosterEntry {
	e := &RosterEntry{Cell: m.Cell, Name: NormalizeText(m.Name), Added: m.Joined}
	if e.Name == "" {
		e.Name = fmt.Sprintf("#%d", m.ID)
	}
	if m.Status == Exempt {
		e.Status = RosterExempt
	}
	e.Folded = FoldName(e.Name)
	for _, u := range m.Users {
		if _, dup := e.Claimed(u.Platform); !dup {
			e.Claims = append(e.Claims, RosterClaim{Platform: u.Platform, Member: m.ID, At: m.Joined})
		}
	}
	if len(e.Claims) == 0 {
		e.Claims = []RosterClaim{{Member: m.ID, At: m.Joined}}
	}
	return e
}
