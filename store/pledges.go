package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"lamtheo/flows"
)

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
	if err := t.b(bucketTallyPledges).Put(tallyKey(uint32(p.Year), p.Member), encodePledgeTally(p)); err != nil {
		return fmt.Errorf("put pledge %d/%d: tally: %w", p.Member, p.Year, err)
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

// pledgeV2 is the version byte of the pledge records this build writes:
// version 1's fields, then the name of who approved or returned it.
// Version 1 records decode with no name.
const pledgeV2 = 2

// pledgeV3 is the version byte of a pledge the cell recorded for its
// member (flows.Recorded): version 2's fields, then who recorded it and
// when. The member's own are still written as version 2.
const pledgeV3 = 3

func encodePledge(p flows.Pledge) []byte {
	size := 32 + len(p.Comment) + len(p.DecidedBy)
	for _, it := range p.Items {
		size += 8 + len(it.Text) + len(it.Category) + len(it.Target)
	}
	e := newEnc(size)
	e.b[0] = pledgeV2
	e.uvarint(uint64(len(p.Items)))
	for _, it := range p.Items {
		e.int(it.No)
		e.str(it.Text)
		e.str(it.Category)
		e.str(it.Target)
	}
	e.int(p.NextNo)
	e.int(int(p.Status))
	e.str(p.Comment)
	e.time(p.Submitted)
	e.time(p.Decided)
	e.str(p.DecidedBy)
	if !p.Recorded.Zero() {
		e.b[0] = pledgeV3
		e.recorded(p.Recorded)
	}
	return e.b
}

func decodePledge(member flows.MemberID, year int, v []byte) (flows.Pledge, error) {
	d := newDecUpTo(v, pledgeV3)
	p := flows.Pledge{Member: member, Year: year}
	if n := d.count(4); n > 0 {
		p.Items = make([]flows.PledgeItem, n)
		for i := range p.Items {
			it := &p.Items[i]
			it.No = d.int()
			it.Text = d.str()
			it.Category = d.str()
			it.Target = d.str()
		}
	}
	p.NextNo = d.int()
	p.Status = flows.PledgeStatus(d.int())
	p.Comment = d.str()
	p.Submitted = d.time()
	p.Decided = d.time()
	if d.ver >= pledgeV2 {
		p.DecidedBy = d.str()
	}
	if d.ver >= pledgeV3 {
		p.Recorded = d.recorded()
	}
	return p, d.err
}
