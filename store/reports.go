package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"lamtheo/flows"
)

// Report implements flows.Tx.
func (t *tx) Report(member flows.MemberID, month flows.Month) (flows.Report, bool, error) {
	k, err := reportKey(month, member)
	if err != nil {
		return flows.Report{}, false, fmt.Errorf("report: %w", err)
	}
	v := t.getReport(k)
	if v == nil {
		return flows.Report{}, false, nil
	}
	r, err := decodeReport(month, member, v)
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
	if err := t.b(bucketTallyReports).Put(k, encodeReportTally(r)); err != nil {
		return fmt.Errorf("put report %d %s: tally: %w", r.Member, r.Month, err)
	}
	return nil
}

// Reports implements flows.Tx as a range scan over the month's keys.
func (t *tx) Reports(month flows.Month, fn func(r flows.Report) error) error {
	prefix := monthPrefix(month)
	c := t.b(bucketReports).Cursor()
	var dmg damage
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != 12 {
			continue
		}
		member := flows.MemberID(binary.BigEndian.Uint64(k[4:]))
		r, err := decodeReport(month, member, v)
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

func encodeReport(r flows.Report) []byte {
	size := 32 + len(r.Other) + len(r.Photo)
	for _, en := range r.Entries {
		size += 4 + len(en.Text)
	}
	e := newEnc(size)
	e.uvarint(uint64(len(r.Entries)))
	for _, en := range r.Entries {
		e.int(en.Item)
		e.int(int(en.Status))
		e.str(en.Text)
	}
	e.str(r.Other)
	e.str(r.Photo)
	e.time(r.Submitted)
	e.bool(r.Exemplary)
	if !r.Recorded.Zero() {
		e.b[0] = recordedV2
		e.recorded(r.Recorded)
	}
	return e.b
}

func decodeReport(month flows.Month, member flows.MemberID, v []byte) (flows.Report, error) {
	d := newDecUpTo(v, recordedV2)
	r := flows.Report{Member: member, Month: month}
	if n := d.count(3); n > 0 {
		r.Entries = make([]flows.Entry, n)
		for i := range r.Entries {
			en := &r.Entries[i]
			en.Item = d.int()
			en.Status = flows.ItemStatus(d.int())
			en.Text = d.str()
		}
	}
	r.Other = d.str()
	r.Photo = d.str()
	r.Submitted = d.time()
	r.Exemplary = d.bool()
	if d.ver >= recordedV2 {
		r.Recorded = d.recorded()
	}
	return r, d.err
}
