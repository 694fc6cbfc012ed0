package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
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
	scratch  []byte // PutRosterEntry's encoding buffer
	// buckets are a View's top-level buckets, each opened once: bbolt
	// opens one again on every lookup in a read-only transaction (a seek
	// and an allocation), which an export's millions of reads would pay.
	buckets map[string]*bolt.Bucket
	reports keyCursor // a View's cursor of the report lookups (getReport)
}

// writable returns flows.ErrReadOnly in a View.
func (t *tx) writable() error {
	if t.ro {
		return flows.ErrReadOnly
	}
	return nil
}

func (t *tx) b(name []byte) *bolt.Bucket {
	if !t.ro { // bbolt keeps a writable transaction's buckets
		return t.btx.Bucket(name)
	}
	if b, ok := t.buckets[string(name)]; ok {
		return b
	}
	b := t.btx.Bucket(name)
	if t.buckets == nil {
		t.buckets = map[string]*bolt.Bucket{}
	}
	t.buckets[string(name)] = b
	return b
}

// getReport returns the value of report key k, as the bucket's Get does.
// In a View it keeps one cursor for the transaction: Get makes a cursor,
// and allocates its path, on every lookup, and lookups in key order (a
// cell's members' reports of one month, by member) mostly step to the next
// key instead of searching from the root.
func (t *tx) getReport(k []byte) []byte {
	if !t.ro {
		return t.b(bucketReports).Get(k)
	}
	rc := &t.reports
	if rc.c == nil {
		rc.c = t.b(bucketReports).Cursor()
	}
	if rc.on && bytes.Compare(rc.at, k) < 0 {
		ck, v := rc.c.Next()
		switch {
		case ck == nil: // at was the last key
			rc.on = false
			return nil
		case bytes.Equal(ck, k):
			rc.at = append(rc.at[:0], ck...)
			return v
		case bytes.Compare(ck, k) > 0: // no key between at and ck
			rc.at = append(rc.at[:0], ck...)
			return nil
		}
	}
	ck, v := rc.c.Seek(k)
	if ck == nil {
		rc.on = false
		return nil
	}
	rc.at, rc.on = append(rc.at[:0], ck...), true
	if bytes.Equal(ck, k) {
		return v
	}
	return nil
}

// keyCursor is a transaction's cursor on a bucket and the key it is on.
type keyCursor struct {
	c  *bolt.Cursor // nil until the first lookup
	at []byte       // the key c is on, when on
	on bool
}

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
