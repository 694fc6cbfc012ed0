package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"lamtheo/bot"
	"lamtheo/flows"
)

// memberV2 is the version byte of the member records this build writes:
// version 1's fields, then the pending identities.
const memberV2 = 2

// memberV3 is the version byte of a member record with a delegation
// (flows.Member.Recorder): version 2's fields, then the flag. Records
// without one are still written as version 2.
const memberV3 = 3

// memberV4 is the version byte of a member record with a pause history
// (flows.Member.Pauses): version 3's fields (the flag always), then the
// pauses. Records without one are still written as version 2 or 3.
const memberV4 = 4

// Member implements flows.Tx.
func (t *tx) Member(id flows.MemberID) (flows.Member, bool, error) {
	v := t.b(bucketMembers).Get(memberKey(id))
	if v == nil {
		return flows.Member{}, false, nil
	}
	m, err := decodeMember(id, v)
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
	if err := t.b(bucketTallyMembers).Put(idKey, encodeMemberTally(m)); err != nil {
		return fmt.Errorf("put member %d: tally: %w", m.ID, err)
	}
	return nil
}

// DeleteMember implements flows.Tx. It refuses a member who still has an
// account, a cell or a roster claim: only an empty record is forgotten,
// and its ID is never handed out again.
func (t *tx) DeleteMember(id flows.MemberID) error {
	if err := t.writable(); err != nil {
		return err
	}
	m, ok, err := t.Member(id)
	if err != nil || !ok {
		return err
	}
	if len(m.Users) > 0 || len(m.Pending) > 0 || m.Cell != "" || t.b(bucketRosterClaim).Get(memberKey(id)) != nil {
		return fmt.Errorf("delete member %d: it still has an account, a cell or a roster claim", id)
	}
	if err := t.b(bucketMembers).Delete(memberKey(id)); err != nil {
		return fmt.Errorf("delete member %d: %w", id, err)
	}
	if err := t.b(bucketTallyMembers).Delete(memberKey(id)); err != nil {
		return fmt.Errorf("delete member %d: tally: %w", id, err)
	}
	return nil
}

// Members implements flows.Tx. With a cell it reads only that cell's
// index range and its members' records.
func (t *tx) Members(cell string) ([]flows.Member, error) {
	if cell == "" {
		// IDs are never reused, so the sequence bounds the count.
		out := make([]flows.Member, 0, min(t.b(bucketMembers).Sequence(), 1<<24))
		err := t.EachMember(func(m flows.Member) error {
			out = append(out, m)
			return nil
		})
		return out, err
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

// EachMember implements flows.Tx: one pass over the member records in ID
// order, holding one member at a time.
func (t *tx) EachMember(fn func(m flows.Member) error) error {
	var dmg damage
	c := t.b(bucketMembers).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != 8 {
			continue
		}
		id := binary.BigEndian.Uint64(k)
		m, err := decodeMember(flows.MemberID(id), v)
		if err != nil {
			if err := dmg.add(fmt.Sprint("member ", id), fmt.Errorf("member %d: %w", id, err)); err != nil {
				return err
			}
			continue
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return dmg.err()
}

func encodeMember(m *flows.Member) []byte {
	e := newEnc(64 + len(m.Name) + len(m.PauseReason) + 24*(len(m.Users)+len(m.Pending)))
	e.b[0] = memberV2
	e.str(m.Name)
	e.str(m.Cell)
	e.bool(m.Secretary)
	e.int(int(m.Status))
	e.uvarint(uint64(len(m.Users)))
	for _, u := range m.Users {
		e.user(u.Platform, u.ID)
	}
	e.time(m.Joined)
	e.time(m.PausedUntil)
	e.str(m.PauseReason)
	e.uvarint(uint64(len(m.Pending)))
	for _, u := range m.Pending {
		e.user(u.Platform, u.ID)
	}
	if m.Recorder || len(m.Pauses) > 0 {
		e.b[0] = memberV3
		e.bool(m.Recorder)
	}
	if len(m.Pauses) > 0 {
		e.b[0] = memberV4
		e.uvarint(uint64(len(m.Pauses)))
		for _, p := range m.Pauses {
			e.time(p.Set)
			e.time(p.Until)
		}
	}
	return e.b
}

func decodeMember(id flows.MemberID, v []byte) (flows.Member, error) {
	d := newDecUpTo(v, memberV4)
	m := flows.Member{ID: id}
	m.Name = d.str()
	m.Cell = d.str()
	m.Secretary = d.bool()
	m.Status = flows.Status(d.int())
	if n := d.count(2); n > 0 {
		m.Users = make([]bot.UserID, n)
		for i := range m.Users {
			m.Users[i] = bot.UserID{Platform: bot.Platform(d.str()), ID: d.str()}
		}
	}
	m.Joined = d.time()
	m.PausedUntil = d.time()
	m.PauseReason = d.str()
	if d.ver >= memberV2 {
		if n := d.count(2); n > 0 {
			m.Pending = make([]bot.UserID, n)
			for i := range m.Pending {
				m.Pending[i] = bot.UserID{Platform: bot.Platform(d.str()), ID: d.str()}
			}
		}
	}
	if d.ver >= memberV3 {
		m.Recorder = d.bool()
	}
	if d.ver >= memberV4 {
		if n := d.count(2); n > 0 {
			m.Pauses = make([]flows.Pause, n)
			for i := range m.Pauses {
				m.Pauses[i] = flows.Pause{Set: d.time(), Until: d.time()}
			}
		}
	}
	return m, d.err
}
