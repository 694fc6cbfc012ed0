package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/bot"
	"lamtheo/flows"
)

// seenTTL is how long processed-update markers are kept. Platforms
// redeliver an unconfirmed update for at most 24 hours (Telegram); an older
// marker counts as none, because its key may come again for a new update:
// Telegram numbers its updates afresh, at random, after a week without any.
const seenTTL = 48 * time.Hour

// prunePerMark is how many expired markers each MarkSeen deletes at most,
// which keeps the marker buckets bounded without a separate sweep.
const prunePerMark = 2

// tx implements flows.Tx over one bbolt transaction. Every value it returns
// is decoded into fresh memory, so it stays valid after the transaction.
type tx struct {
	db       *DB
	btx      *bolt.Tx
	ro       bool
	enqueued map[bot.Platform]bool // partitions Enqueue registered a wake-up for
	pledges  pledgeCursor
}

// writable returns flows.ErrReadOnly in a View.
func (t *tx) writable() error {
	if t.ro {
		return flows.ErrReadOnly
	}
	return nil
}

func (t *tx) b(name []byte) *bolt.Bucket { return t.btx.Bucket(name) }

// MarkSeen implements flows.Tx. An empty key records nothing but the cursor.
func (t *tx) MarkSeen(p bot.Platform, key string, cursor int64) (bool, error) {
	if err := t.writable(); err != nil {
		return false, err
	}
	now := t.db.now().UnixMilli()
	if key != "" {
		k, err := seenKey(p, key)
		if err != nil {
			return false, fmt.Errorf("mark seen: %w", err)
		}
		seen := t.b(bucketSeen)
		if v := seen.Get(k); v != nil {
			if len(v) == 8 && int64(binary.BigEndian.Uint64(v)) >= now-seenTTL.Milliseconds() {
				return true, nil
			}
			// An expired marker not pruned yet: a new update with an old key.
			if err := t.b(bucketSeenTime).Delete(append(bytes.Clone(v), k...)); err != nil {
				return false, fmt.Errorf("mark seen: %w", err)
			}
		}
		if err := seen.Put(k, timeKey(now)); err != nil {
			return false, fmt.Errorf("mark seen: %w", err)
		}
		if err := t.b(bucketSeenTime).Put(append(timeKey(now), k...), nil); err != nil {
			return false, fmt.Errorf("mark seen: %w", err)
		}
		if err := t.pruneSeen(now - seenTTL.Milliseconds()); err != nil {
			return false, err
		}
	}
	if cursor != 0 {
		if old := t.b(bucketCursor).Get([]byte(p)); len(old) == 8 && int64(binary.BigEndian.Uint64(old)) >= cursor {
			return false, nil // the cursor only moves forward
		}
		if err := t.b(bucketCursor).Put([]byte(p), u64(uint64(cursor))); err != nil {
			return false, fmt.Errorf("store cursor %s: %w", p, err)
		}
	}
	return false, nil
}

// pruneSeen deletes up to prunePerMark markers recorded before cutoff (Unix
// ms), oldest first.
func (t *tx) pruneSeen(cutoff int64) error {
	byTime, seen := t.b(bucketSeenTime), t.b(bucketSeen)
	c := byTime.Cursor()
	for range prunePerMark {
		k, _ := c.First()
		if len(k) < 8 || int64(binary.BigEndian.Uint64(k[:8])) >= cutoff {
			return nil
		}
		if err := seen.Delete(k[8:]); err != nil {
			return fmt.Errorf("prune markers: %w", err)
		}
		if err := c.Delete(); err != nil {
			return fmt.Errorf("prune markers: %w", err)
		}
	}
	return nil
}

// Cursor implements flows.Tx.
func (t *tx) Cursor(p bot.Platform) (int64, error) {
	v := t.b(bucketCursor).Get([]byte(p))
	if len(v) != 8 {
		return 0, nil
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}

// Session implements flows.Tx.
func (t *tx) Session(chat bot.ChatID, user bot.UserID) (flows.Session, bool, error) {
	k, err := sessionKey(chat, user)
	if err != nil {
		return flows.Session{}, false, fmt.Errorf("session: %w", err)
	}
	v := t.b(bucketSessions).Get(k)
	if v == nil {
		return flows.Session{}, false, nil
	}
	s, err := decodeSession(v)
	if err != nil {
		return flows.Session{}, false, fmt.Errorf("session %s %s: %w", chat, user, err)
	}
	return s, true, nil
}

// PutSession implements flows.Tx.
func (t *tx) PutSession(chat bot.ChatID, user bot.UserID, s flows.Session) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, err := sessionKey(chat, user)
	if err != nil {
		return fmt.Errorf("put session: %w", err)
	}
	if err := t.b(bucketSessions).Put(k, encodeSession(s)); err != nil {
		return fmt.Errorf("put session %s %s: %w", chat, user, err)
	}
	return nil
}

// DeleteSession implements flows.Tx.
func (t *tx) DeleteSession(chat bot.ChatID, user bot.UserID) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, err := sessionKey(chat, user)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	if err := t.b(bucketSessions).Delete(k); err != nil {
		return fmt.Errorf("delete session %s %s: %w", chat, user, err)
	}
	return nil
}

// damage collects the records a listing skipped because it could not
// decode them.
type damage struct {
	records []string
	first   error
}

// add notes the record what that failed with err, when err is a decode
// failure, and returns nil; any other err is returned.
func (d *damage) add(what string, err error) error {
	if !errors.Is(err, flows.ErrDamaged) {
		return err
	}
	d.records = append(d.records, what)
	if d.first == nil {
		d.first = err
	}
	return nil
}

// err returns the listing's *flows.DamagedError, nil when nothing was
// skipped.
func (d *damage) err() error {
	if len(d.records) == 0 {
		return nil
	}
	return &flows.DamagedError{Records: d.records, Err: d.first}
}

// Cells implements flows.Tx.
func (t *tx) Cells() ([]flows.Cell, error) {
	var out []flows.Cell
	var dmg damage
	err := t.b(bucketCells).ForEach(func(k, v []byte) error {
		c, err := decodeCell(string(k), v)
		if err != nil {
			return dmg.add("cell "+string(k), fmt.Errorf("cell %s: %w", k, err))
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, dmg.err()
}

// Cell implements flows.Tx.
func (t *tx) Cell(code string) (flows.Cell, bool, error) {
	if code == "" {
		return flows.Cell{}, false, nil
	}
	v := t.b(bucketCells).Get([]byte(code))
	if v == nil {
		return flows.Cell{}, false, nil
	}
	c, err := decodeCell(code, v)
	if err != nil {
		return flows.Cell{}, false, fmt.Errorf("cell %s: %w", code, err)
	}
	return c, true, nil
}

// PutCell implements flows.Tx. Groups the cell no longer lists are
// unlinked; a group listed by c is linked to c even if another cell had it.
func (t *tx) PutCell(c flows.Cell) error {
	if err := t.writable(); err != nil {
		return err
	}
	if c.Code == "" || len(c.Code) > 255 {
		return fmt.Errorf("put cell: invalid code %q", c.Code)
	}
	old, had, err := t.Cell(c.Code)
	if errors.Is(err, flows.ErrDamaged) {
		// Writing the cell again repairs it; the groups the damaged record
		// listed stay indexed to it until they are linked elsewhere.
		had, err = false, nil
	}
	if err != nil {
		return err
	}
	groups := t.b(bucketGroups)
	if had {
		for _, g := range old.Groups {
			k, err := chatKey(g)
			if err != nil {
				return fmt.Errorf("put cell %s: %w", c.Code, err)
			}
			if string(groups.Get(k)) == c.Code {
				if err := groups.Delete(k); err != nil {
					return fmt.Errorf("put cell %s: %w", c.Code, err)
				}
			}
		}
	}
	for _, g := range c.Groups {
		k, err := chatKey(g)
		if err != nil {
			return fmt.Errorf("put cell %s: %w", c.Code, err)
		}
		if err := groups.Put(k, []byte(c.Code)); err != nil {
			return fmt.Errorf("put cell %s: %w", c.Code, err)
		}
	}
	if err := t.b(bucketCells).Put([]byte(c.Code), encodeCell(c)); err != nil {
		return fmt.Errorf("put cell %s: %w", c.Code, err)
	}
	return nil
}

// CellOfGroup implements flows.Tx.
func (t *tx) CellOfGroup(chat bot.ChatID) (flows.Cell, bool, error) {
	k, err := chatKey(chat)
	if err != nil {
		return flows.Cell{}, false, fmt.Errorf("cell of group: %w", err)
	}
	code := t.b(bucketGroups).Get(k)
	if code == nil {
		return flows.Cell{}, false, nil
	}
	return t.Cell(string(code))
}

// Member implements flows.Tx.
func (t *tx) Member(id flows.MemberID) (flows.Member, bool, error) {
	v := t.b(bucketMembers).Get(memberKey(id))
	if v == nil {
		return flows.Member{}, false, nil
	}
	m, err := decodeMember(id, v, nil)
	if err != nil {
		return flows.Member{}, false, fmt.Errorf("member %d: %w", id, err)
	}
	return m, true, nil
}

// MemberOf implements flows.Tx.
func (t *tx) MemberOf(u bot.UserID) (flows.Member, bool, error) {
	k, err := userKey(u)
	if err != nil {
		return flows.Member{}, false, fmt.Errorf("member of: %w", err)
	}
	v := t.b(bucketIdentities).Get(k)
	if len(v) != 8 {
		return flows.Member{}, false, nil
	}
	return t.Member(flows.MemberID(binary.BigEndian.Uint64(v)))
}

// PutMember implements flows.Tx. A new member gets the next ID of the
// members bucket (m.ID is set even if the transaction later fails; saving
// the same m again keeps that ID and never reuses it). An identity listed by
// m is linked to m even if another member had it.
func (t *tx) PutMember(m *flows.Member) error {
	if err := t.writable(); err != nil {
		return err
	}
	members := t.b(bucketMembers)
	if m.ID == 0 {
		seq, err := members.NextSequence()
		if err != nil {
			return fmt.Errorf("put member: %w", err)
		}
		m.ID = flows.MemberID(seq)
	} else if uint64(m.ID) > members.Sequence() {
		// An ID assigned in a transaction that was rolled back: keep
		// the sequence ahead of it so that it is never handed out twice.
		if err := members.SetSequence(uint64(m.ID)); err != nil {
			return fmt.Errorf("put member %d: %w", m.ID, err)
		}
	}
	old, had, err := t.Member(m.ID)
	if err != nil {
		return err
	}
	idKey := memberKey(m.ID)
	cells, ids := t.b(bucketMemberCell), t.b(bucketIdentities)
	if had {
		if old.Cell != "" && old.Cell != m.Cell {
			k, err := memberCellKey(old.Cell, m.ID)
			if err != nil {
				return fmt.Errorf("put member %d: %w", m.ID, err)
			}
			if err := cells.Delete(k); err != nil {
				return fmt.Errorf("put member %d: %w", m.ID, err)
			}
		}
		for _, u := range slices.Concat(old.Users, old.Pending) {
			k, err := userKey(u)
			if err != nil {
				return fmt.Errorf("put member %d: %w", m.ID, err)
			}
			if bytes.Equal(ids.Get(k), idKey) {
				if err := ids.Delete(k); err != nil {
					return fmt.Errorf("put member %d: %w", m.ID, err)
				}
			}
		}
	}
	if m.Cell != "" {
		k, err := memberCellKey(m.Cell, m.ID)
		if err != nil {
			return fmt.Errorf("put member %d: %w", m.ID, err)
		}
		if err := cells.Put(k, nil); err != nil {
			return fmt.Errorf("put member %d: %w", m.ID, err)
		}
	}
	for _, u := range slices.Concat(m.Users, m.Pending) {
		k, err := userKey(u)
		if err != nil {
			return fmt.Errorf("put member %d: %w", m.ID, err)
		}
		if err := ids.Put(k, idKey); err != nil {
			return fmt.Errorf("put member %d: %w", m.ID, err)
		}
	}
	if err := members.Put(idKey, encodeMember(m)); err != nil {
		return fmt.Errorf("put member %d: %w", m.ID, err)
	}
	return nil
}

// Members implements flows.Tx. With a cell it reads only that cell's
// index range and its members' records.
func (t *tx) Members(cell string) ([]flows.Member, error) {
	members := t.b(bucketMembers)
	if cell == "" {
		// IDs are never reused, so the sequence bounds the count.
		out := make([]flows.Member, 0, min(members.Sequence(), 1<<24))
		a := new(arena)
		var dmg damage
		err := members.ForEach(func(k, v []byte) error {
			if len(k) != 8 {
				return nil
			}
			id := binary.BigEndian.Uint64(k)
			m, err := decodeMember(flows.MemberID(id), v, a)
			if err != nil {
				return dmg.add(fmt.Sprint("member ", id), fmt.Errorf("member %d: %w", id, err))
			}
			out = append(out, m)
			return nil
		})
		if err != nil {
			return out, err
		}
		return out, dmg.err()
	}
	prefix, err := appendStr(nil, cell)
	if err != nil {
		return nil, fmt.Errorf("members of %q: %w", cell, err)
	}
	var out []flows.Member
	var dmg damage
	c := t.b(bucketMemberCell).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != len(prefix)+8 {
			continue
		}
		id := flows.MemberID(binary.BigEndian.Uint64(k[len(prefix):]))
		m, ok, err := t.Member(id)
		if err != nil {
			if err := dmg.add(fmt.Sprint("member ", id), err); err != nil {
				return nil, err
			}
			continue
		}
		if ok {
			out = append(out, m)
		}
	}
	return out, dmg.err()
}

// Invite implements flows.Tx.
func (t *tx) Invite(code string) (flows.Invite, bool, error) {
	if code == "" {
		return flows.Invite{}, false, nil
	}
	v := t.b(bucketInvites).Get([]byte(code))
	if v == nil {
		return flows.Invite{}, false, nil
	}
	inv, err := decodeInvite(code, v)
	if err != nil {
		return flows.Invite{}, false, fmt.Errorf("invite: %w", err)
	}
	return inv, true, nil
}

// PutInvite implements flows.Tx.
func (t *tx) PutInvite(inv flows.Invite) error {
	if err := t.writable(); err != nil {
		return err
	}
	if inv.Code == "" {
		return fmt.Errorf("put invite: empty code")
	}
	if err := t.b(bucketInvites).Put([]byte(inv.Code), encodeInvite(inv)); err != nil {
		return fmt.Errorf("put invite: %w", err)
	}
	return nil
}

// Invites implements flows.Tx. It reads the whole invites bucket, which
// holds the few codes each cell was ever given; cell "" lists them all.
func (t *tx) Invites(cell string) ([]flows.Invite, error) {
	var out []flows.Invite
	var dmg damage
	err := t.b(bucketInvites).ForEach(func(k, v []byte) error {
		inv, err := decodeInvite(string(k), v)
		if err != nil {
			return dmg.add("invite "+string(k), fmt.Errorf("invite %s: %w", k, err))
		}
		if cell == "" || inv.Cell == cell {
			out = append(out, inv)
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, dmg.err()
}

// JoinAttempts implements flows.Tx.
func (t *tx) JoinAttempts(u bot.UserID) (flows.JoinAttempts, error) {
	k, err := userKey(u)
	if err != nil {
		return flows.JoinAttempts{}, fmt.Errorf("join attempts: %w", err)
	}
	v := t.b(bucketAttempts).Get(k)
	if v == nil {
		return flows.JoinAttempts{}, nil
	}
	a, err := decodeAttempts(v)
	if err != nil {
		return flows.JoinAttempts{}, fmt.Errorf("join attempts of %s: %w", u, err)
	}
	return a, nil
}

// PutJoinAttempts implements flows.Tx.
func (t *tx) PutJoinAttempts(u bot.UserID, a flows.JoinAttempts) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, err := userKey(u)
	if err != nil {
		return fmt.Errorf("put join attempts: %w", err)
	}
	if a == (flows.JoinAttempts{}) {
		err = t.b(bucketAttempts).Delete(k)
	} else {
		err = t.b(bucketAttempts).Put(k, encodeAttempts(a))
	}
	if err != nil {
		return fmt.Errorf("put join attempts of %s: %w", u, err)
	}
	return nil
}

// Pledge implements flows.Tx. Looking up many members' pledges in member
// order (as the organisation's summary does) costs a step of a cursor each,
// not a search from the root: see pledgeCursor.
func (t *tx) Pledge(member flows.MemberID, year int) (flows.Pledge, bool, error) {
	if year <= 0 || year > 9999 {
		_, err := pledgeKey(member, year) // the same error as every key
		return flows.Pledge{}, false, fmt.Errorf("pledge: %w", err)
	}
	var k [pledgeKeyLen]byte
	binary.BigEndian.PutUint64(k[:8], uint64(member))
	binary.BigEndian.PutUint32(k[8:], uint32(year))
	if t.pledges.c == nil {
		t.pledges.c = t.b(bucketPledges).Cursor()
	}
	v := t.pledges.get(k)
	if v == nil {
		return flows.Pledge{}, false, nil
	}
	p, err := decodePledge(member, year, v)
	if err != nil {
		return flows.Pledge{}, false, fmt.Errorf("pledge %d/%d: %w", member, year, err)
	}
	return p, true, nil
}

// PutPledge implements flows.Tx.
func (t *tx) PutPledge(p flows.Pledge) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, err := pledgeKey(p.Member, p.Year)
	if err != nil {
		return fmt.Errorf("put pledge: %w", err)
	}
	t.pledges.reset()
	if err := t.b(bucketPledges).Put(k, encodePledge(p)); err != nil {
		return fmt.Errorf("put pledge %d/%d: %w", p.Member, p.Year, err)
	}
	return nil
}

// pledgeKeyLen is the length of a pledge key: 8B member id|4B year.
const pledgeKeyLen = 12

// pledgeCursor is the cursor of a transaction's pledge lookups. It stays on
// the key it found last, so that a lookup of a greater key first tries the
// next key: when that is the key wanted or a greater one, the answer costs
// one step instead of a search from the root. Any other lookup seeks. A
// write to the pledges bucket forgets the position (reset), as bbolt
// invalidates a cursor's position on writes; a seek is always valid. It
// allocates nothing after the first lookup.
type pledgeCursor struct {
	c   *bolt.Cursor       // on the pledges bucket; nil until the first lookup
	at  [pledgeKeyLen]byte // the key c is on, when on
	on  bool               // c is on the key at
	end bool               // c ran past the last key, which is at
}

// reset forgets the position (after a write to the bucket).
func (pc *pledgeCursor) reset() { pc.on, pc.end = false, false }

// get returns the value of key k (nil when not stored), as Bucket.Get.
func (pc *pledgeCursor) get(k [pledgeKeyLen]byte) []byte {
	if (pc.on || pc.end) && bytes.Compare(pc.at[:], k[:]) < 0 {
		if pc.end {
			return nil // no key is stored after at
		}
		ck, v := pc.c.Next()
		if ck == nil {
			pc.on, pc.end = false, true // at was the last key
			return nil
		}
		switch pc.moved(ck, k) {
		case 0:
			return v
		case 1:
			return nil // no key is stored between at and ck
		}
	}
	ck, v := pc.c.Seek(k[:])
	if ck == nil {
		pc.at, pc.on, pc.end = k, false, true // no key from k on
		return nil
	}
	if pc.moved(ck, k) != 0 {
		return nil
	}
	return v
}

// moved records that the cursor is on the key ck and compares ck with k.
func (pc *pledgeCursor) moved(ck []byte, k [pledgeKeyLen]byte) int {
	pc.end = false
	pc.on = len(ck) == pledgeKeyLen
	if pc.on {
		copy(pc.at[:], ck)
	}
	return bytes.Compare(ck, k[:])
}

// Report implements flows.Tx.
func (t *tx) Report(member flows.MemberID, month flows.Month) (flows.Report, bool, error) {
	k, err := reportKey(month, member)
	if err != nil {
		return flows.Report{}, false, fmt.Errorf("report: %w", err)
	}
	v := t.b(bucketReports).Get(k)
	if v == nil {
		return flows.Report{}, false, nil
	}
	r, err := decodeReport(month, member, v, nil)
	if err != nil {
		return flows.Report{}, false, fmt.Errorf("report %d %s: %w", member, month, err)
	}
	return r, true, nil
}

// PutReport implements flows.Tx.
func (t *tx) PutReport(r flows.Report) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, err := reportKey(r.Month, r.Member)
	if err != nil {
		return fmt.Errorf("put report: %w", err)
	}
	if err := t.b(bucketReports).Put(k, encodeReport(r)); err != nil {
		return fmt.Errorf("put report %d %s: %w", r.Member, r.Month, err)
	}
	return nil
}

// Reports implements flows.Tx as a range scan over the month's keys.
func (t *tx) Reports(month flows.Month, fn func(r flows.Report) error) error {
	prefix := monthPrefix(month)
	c := t.b(bucketReports).Cursor()
	a := new(arena)
	var dmg damage
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != 12 {
			continue
		}
		member := flows.MemberID(binary.BigEndian.Uint64(k[4:]))
		r, err := decodeReport(month, member, v, a)
		if err != nil {
			if err := dmg.add(fmt.Sprintf("report %d %s", member, month), fmt.Errorf("report %d %s: %w", member, month, err)); err != nil {
				return err
			}
			continue
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return dmg.err()
}

// PutAside implements flows.Tx: records get increasing sequence keys, and
// the one flows.MaxAsides before the new one is deleted.
func (t *tx) PutAside(a flows.Aside) error {
	if err := t.writable(); err != nil {
		return err
	}
	b := t.b(bucketAsides)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("put aside: %w", err)
	}
	if err := b.Put(u64(seq), encodeAside(a)); err != nil {
		return fmt.Errorf("put aside: %w", err)
	}
	if seq > flows.MaxAsides {
		if err := b.Delete(u64(seq - flows.MaxAsides)); err != nil {
			return fmt.Errorf("put aside: %w", err)
		}
	}
	return nil
}

// Asides implements flows.Tx.
func (t *tx) Asides() ([]flows.Aside, error) {
	var out []flows.Aside
	var dmg damage
	err := t.b(bucketAsides).ForEach(func(k, v []byte) error {
		a, err := decodeAside(v)
		if err != nil {
			return dmg.add(fmt.Sprintf("aside %x", k), fmt.Errorf("aside %x: %w", k, err))
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, dmg.err()
}

// MonthState implements flows.Tx. A month never set is open.
func (t *tx) MonthState(cell string, month flows.Month) (flows.MonthState, error) {
	s := flows.MonthState{Cell: cell, Month: month}
	k, err := monthStateKey(cell, month)
	if err != nil {
		return s, fmt.Errorf("month state: %w", err)
	}
	v := t.b(bucketMonthStates).Get(k)
	s.Closed = len(v) == 1 && v[0] == 1
	return s, nil
}

// PutMonthState implements flows.Tx.
func (t *tx) PutMonthState(s flows.MonthState) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, err := monthStateKey(s.Cell, s.Month)
	if err != nil {
		return fmt.Errorf("put month state: %w", err)
	}
	v := []byte{0}
	if s.Closed {
		v[0] = 1
	}
	if err := t.b(bucketMonthStates).Put(k, v); err != nil {
		return fmt.Errorf("put month state %s %s: %w", s.Cell, s.Month, err)
	}
	return nil
}

// JobRan implements flows.Tx.
func (t *tx) JobRan(key string) (bool, error) {
	if key == "" {
		return false, nil
	}
	return t.b(bucketJobs).Get([]byte(key)) != nil, nil
}

// MarkJob implements flows.Tx.
func (t *tx) MarkJob(key string, at time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if err := t.b(bucketJobs).Put([]byte(key), timeKey(at.UnixMilli())); err != nil {
		return fmt.Errorf("mark job %q: %w", key, err)
	}
	return nil
}

// Unreachable implements flows.Tx.
func (t *tx) Unreachable(chat bot.ChatID) (bool, error) {
	k, err := chatKey(chat)
	if err != nil {
		return false, fmt.Errorf("unreachable: %w", err)
	}
	return t.b(bucketUnreachable).Get(k) != nil, nil
}

// SetReachable implements flows.Tx.
func (t *tx) SetReachable(chat bot.ChatID) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, err := chatKey(chat)
	if err != nil {
		return fmt.Errorf("set reachable: %w", err)
	}
	if err := t.b(bucketUnreachable).Delete(k); err != nil {
		return fmt.Errorf("set reachable %s: %w", chat, err)
	}
	return nil
}

// Enqueue implements flows.Tx: r gets the next outbox Seq, which rolls back
// with the transaction, and Wake is signalled after the commit.
func (t *tx) Enqueue(r bot.Reply) error {
	if err := t.writable(); err != nil {
		return err
	}
	if r.Chat.IsZero() {
		return fmt.Errorf("enqueue: reply without chat")
	}
	seq, err := t.b(bucketOutbox).NextSequence()
	if err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	if err := putEnvelope(t.btx, seq, r, encodeEnvelope(r, t.db.now())); err != nil {
		return fmt.Errorf("enqueue %s: %w", r.Chat, err)
	}
	if p := r.Chat.Platform; !t.enqueued[p] {
		if t.enqueued == nil {
			t.enqueued = make(map[bot.Platform]bool)
		}
		t.enqueued[p] = true
		t.btx.OnCommit(func() { t.db.signal(p) })
	}
	return nil
}
