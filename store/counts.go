package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"lamtheo/bot"
	"lamtheo/flows"
)

// countSent adds n to the messages sent on platform p in the current month
// of the store's zone.
func (t *tx) countSent(p bot.Platform, n int) error {
	k, err := sentKey(p, int(flows.MonthOf(t.db.month(), t.db.loc)))
	if err != nil {
		return fmt.Errorf("count sent: %w", err)
	}
	b := t.b(bucketSent)
	var total uint64
	if v := b.Get(k); len(v) == 8 {
		total = binary.BigEndian.Uint64(v)
	}
	return b.Put(k, u64(total+uint64(n)))
}

// Sent implements flows.Tx.
func (t *tx) Sent(p bot.Platform, m flows.Month) (int, error) {
	k, err := sentKey(p, int(m))
	if err != nil {
		return 0, fmt.Errorf("sent: %w", err)
	}
	if v := t.b(bucketSent).Get(k); len(v) == 8 {
		return int(binary.BigEndian.Uint64(v)), nil
	}
	return 0, nil
}

// Queued implements flows.Tx: it counts the partition's envelopes, so its
// cost grows with what waits there.
func (t *tx) Queued(p bot.Platform) (int, error) {
	prefix, err := appendPlatform(nil, p)
	if err != nil {
		return 0, fmt.Errorf("queued: %w", err)
	}
	n := 0
	c := t.b(bucketOutbox).Cursor()
	for k, _ := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		n++
	}
	return n, nil
}

// Users implements flows.Tx: it counts the platform's keys in the identity
// index.
func (t *tx) Users(p bot.Platform) (int, error) {
	prefix, err := appendPlatform(nil, p)
	if err != nil {
		return 0, fmt.Errorf("users: %w", err)
	}
	n := 0
	c := t.b(bucketIdentities).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		n++
	}
	return n, nil
}

// AddBudgetNote implements flows.Tx.
func (t *tx) AddBudgetNote(p bot.Platform, m flows.Month, n flows.BudgetNote) error {
	if err := t.writable(); err != nil {
		return err
	}
	b := t.b(bucketBudgetNotes)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("budget note: %w", err)
	}
	k, err := sentKey(p, int(m))
	if err != nil {
		return fmt.Errorf("budget note: %w", err)
	}
	return b.Put(binary.BigEndian.AppendUint64(k, seq), encodeBudgetNote(n))
}

// BudgetNotes implements flows.Tx.
func (t *tx) BudgetNotes(p bot.Platform, m flows.Month) ([]flows.BudgetNote, error) {
	prefix, err := sentKey(p, int(m))
	if err != nil {
		return nil, fmt.Errorf("budget notes: %w", err)
	}
	var out []flows.BudgetNote
	c := t.b(bucketBudgetNotes).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		n, err := decodeBudgetNote(v)
		if err != nil {
			return nil, fmt.Errorf("budget note %x: %w", k, err)
		}
		out = append(out, n)
	}
	return out, nil
}

func encodeBudgetNote(n flows.BudgetNote) []byte {
	e := newEnc(48 + len(n.Job) + len(n.Cell))
	e.time(n.At)
	e.str(string(n.Job))
	e.str(n.Cell)
	e.int(int(n.Kind))
	e.int(n.Planned)
	e.int(n.Done)
	e.bool(n.Group)
	return e.b
}

func decodeBudgetNote(v []byte) (flows.BudgetNote, error) {
	d := newDec(v)
	n := flows.BudgetNote{At: d.time(), Job: flows.Job(d.str()), Cell: d.str(), Kind: flows.BudgetKind(d.int()),
		Planned: d.int(), Done: d.int(), Group: d.bool()}
	return n, d.err
}
