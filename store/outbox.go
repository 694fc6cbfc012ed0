package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/bot"
	"lamtheo/flows"
)

// Outbox is one platform's partition of the outbox: the replies to that
// platform's chats, which one Sender drains through that platform's Conn.
// It implements bot.Outbox. Get one with DB.Outbox; it is safe for
// concurrent use.
//
// An envelope is kept under its partition and Seq (bucket outbox, read in
// Seq order by Pending), indexed under its chat, kind and Seq (bucket
// outbox_chat, read by PendingTo: one chat's queue without the others'),
// and, once the first of its several messages went out, the number
// delivered (bucket outbox_sent, written by Progress).
type Outbox struct {
	db     *DB
	p      bot.Platform
	prefix []byte // the partition's key prefix: the platform

	mu      sync.Mutex
	damaged map[uint64]bool // envelopes that cannot be read, logged once
}

var _ bot.Outbox = (*Outbox)(nil)

// Outbox returns the partition of the outbox that holds the replies to
// chats of platform p. Envelopes keep one Seq order across partitions.
func (db *DB) Outbox(p bot.Platform) *Outbox {
	prefix, err := appendPlatform(nil, p)
	if err != nil {
		prefix = nil // an invalid platform has no envelopes: Pending finds none
	}
	return &Outbox{db: db, p: p, prefix: prefix}
}

// outboxKey returns the key of envelope seq to a chat of platform p, in
// buckets outbox and outbox_sent.
func outboxKey(p bot.Platform, seq uint64) ([]byte, error) {
	k, err := appendPlatform(make([]byte, 0, len(p)+9), p)
	if err != nil {
		return nil, err
	}
	return binary.BigEndian.AppendUint64(k, seq), nil
}

// queueKey returns the key prefix of chat's queue of the kind bulk in
// bucket outbox_chat: the chat, then 1 for bulk or 0.
func queueKey(chat bot.ChatID, bulk bool) ([]byte, error) {
	k, err := chatKey(chat)
	if err != nil {
		return nil, err
	}
	if bulk {
		return append(k, 1), nil
	}
	return append(k, 0), nil
}

// outboxChatKey returns the key of envelope seq in its chat's queue.
func outboxChatKey(r bot.Reply, seq uint64) ([]byte, error) {
	k, err := queueKey(r.Chat, r.Bulk)
	if err != nil {
		return nil, err
	}
	return binary.BigEndian.AppendUint64(k, seq), nil
}

// putEnvelope stores r as envelope seq: its record, and its place in its
// chat's queue.
func putEnvelope(btx *bolt.Tx, seq uint64, r bot.Reply, v []byte) error {
	k, err := outboxKey(r.Chat.Platform, seq)
	if err != nil {
		return err
	}
	ck, err := outboxChatKey(r, seq)
	if err != nil {
		return err
	}
	if err := btx.Bucket(bucketOutbox).Put(k, v); err != nil {
		return err
	}
	return btx.Bucket(bucketOutboxChat).Put(ck, nil)
}

// sentOf returns the parts of the envelope under key k recorded as
// delivered.
func sentOf(btx *bolt.Tx, k []byte) int {
	v := btx.Bucket(bucketOutboxSent).Get(k)
	n, w := binary.Uvarint(v)
	if w <= 0 || n > 1<<20 {
		return 0
	}
	return int(n)
}

// view runs fn in a read-only bbolt transaction, unless ctx is done or the
// DB closed.
func (o *Outbox) view(ctx context.Context, fn func(btx *bolt.Tx) error) error {
	return o.db.view(ctx, fn)
}

// envelope decodes the envelope under key k of the partition, with its
// recorded progress.
func (o *Outbox) envelope(btx *bolt.Tx, k, v []byte) (bot.Envelope, error) {
	seq := binary.BigEndian.Uint64(k[len(o.prefix):])
	env, err := decodeEnvelope(seq, v)
	if err != nil {
		return bot.Envelope{Seq: seq}, fmt.Errorf("outbox %s %d: %w", o.p, seq, err)
	}
	env.Sent = sentOf(btx, k)
	return env, nil
}

// skipDamaged logs, once per envelope, one that cannot be read: it is
// skipped, so it stalls neither its chat nor the platform's sender.
func (o *Outbox) skipDamaged(seq uint64, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.damaged[seq] {
		return
	}
	if o.damaged == nil {
		o.damaged = make(map[uint64]bool)
	}
	o.damaged[seq] = true
	o.db.log.Error("outbox envelope damaged: skipped, not sent", bot.LogKeyPlatform, string(o.p), bot.LogKeySeq, seq, bot.LogKeyErr, err)
}

// Pending implements bot.Outbox: up to n envelopes of the partition with
// Seq greater than after, in Seq order. An envelope that cannot be read is
// skipped (and logged once).
func (o *Outbox) Pending(ctx context.Context, after uint64, n int) ([]bot.Envelope, error) {
	if n <= 0 || o.prefix == nil {
		return nil, nil
	}
	var out []bot.Envelope
	err := o.view(ctx, func(btx *bolt.Tx) error {
		c := btx.Bucket(bucketOutbox).Cursor()
		start := binary.BigEndian.AppendUint64(append([]byte(nil), o.prefix...), after+1)
		for k, v := c.Seek(start); k != nil && len(out) < n; k, v = c.Next() {
			if len(k) != len(o.prefix)+8 || !bytes.HasPrefix(k, o.prefix) {
				break // past the partition
			}
			if binary.BigEndian.Uint64(k[len(o.prefix):]) <= after { // after+1 overflowed
				break
			}
			env, err := o.envelope(btx, k, v)
			if err != nil {
				o.skipDamaged(env.Seq, err)
				continue
			}
			out = append(out, env)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pending %s: %w", o.p, err)
	}
	return out, nil
}

// PendingTo implements bot.Outbox: up to n envelopes to chat of the kind
// bulk with Seq greater than after, in Seq order. It reads the chat's
// queue from its index, so its cost does not depend on the other chats'.
func (o *Outbox) PendingTo(ctx context.Context, chat bot.ChatID, bulk bool, after uint64, n int) ([]bot.Envelope, error) {
	if n <= 0 || o.prefix == nil || chat.Platform != o.p {
		return nil, nil
	}
	prefix, err := queueKey(chat, bulk)
	if err != nil {
		return nil, fmt.Errorf("pending to %s: %w", chat, err)
	}
	var out []bot.Envelope
	err = o.view(ctx, func(btx *bolt.Tx) error {
		c := btx.Bucket(bucketOutboxChat).Cursor()
		records := btx.Bucket(bucketOutbox)
		start := binary.BigEndian.AppendUint64(append([]byte(nil), prefix...), after+1)
		for ck, _ := c.Seek(start); ck != nil && len(out) < n; ck, _ = c.Next() {
			if len(ck) != len(prefix)+8 || !bytes.HasPrefix(ck, prefix) {
				break // past the queue
			}
			seq := binary.BigEndian.Uint64(ck[len(prefix):])
			if seq <= after { // after+1 overflowed
				break
			}
			k := binary.BigEndian.AppendUint64(append([]byte(nil), o.prefix...), seq)
			v := records.Get(k)
			if v == nil {
				continue // finished in a file an older build wrote: no record
			}
			env, err := o.envelope(btx, k, v)
			if err != nil {
				o.skipDamaged(env.Seq, err)
				continue
			}
			out = append(out, env)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pending to %s: %w", chat, err)
	}
	return out, nil
}

// Progress implements bot.Outbox: it records that the first sent messages
// of envelope seq were delivered, and counts the new ones as sent on the
// platform this month. It is committed with concurrent Updates.
func (o *Outbox) Progress(ctx context.Context, seq uint64, sent int) error {
	k, err := outboxKey(o.p, seq)
	if err != nil {
		return fmt.Errorf("progress %s %d: %w", o.p, seq, err)
	}
	err = o.db.Update(ctx, func(ftx flows.Tx) error {
		t := ftx.(*tx)
		if t.b(bucketOutbox).Get(k) == nil {
			return nil
		}
		prev := sentOf(t.btx, k)
		if sent <= prev {
			return nil
		}
		if err := t.countSent(o.p, sent-prev); err != nil {
			return err
		}
		return t.b(bucketOutboxSent).Put(k, binary.AppendUvarint(nil, uint64(sent)))
	})
	if err != nil {
		return fmt.Errorf("progress %s %d: %w", o.p, seq, err)
	}
	return nil
}

// Finish implements bot.Outbox: it deletes envelope seq of the partition
// (finishing one that is gone is not an error), counts the messages of
// res.Sent not counted by Progress as sent on the platform this month and,
// when res.Unreachable, records the chat as unreachable. It is committed
// with concurrent Updates.
func (o *Outbox) Finish(ctx context.Context, seq uint64, res bot.Result) error {
	db := o.db
	k, err := outboxKey(o.p, seq)
	if err != nil {
		return fmt.Errorf("finish %s %d: %w", o.p, seq, err)
	}
	var dropped bot.ChatID // set when the envelope existed and was dropped
	err = db.Update(ctx, func(ftx flows.Tx) error {
		dropped = bot.ChatID{}
		t := ftx.(*tx)
		out := t.b(bucketOutbox)
		v := out.Get(k)
		if v == nil {
			return nil
		}
		env, err := decodeEnvelope(seq, v)
		if err != nil {
			return fmt.Errorf("outbox %d: %w", seq, err)
		}
		if n := res.Sent - sentOf(t.btx, k); n > 0 {
			if err := t.countSent(o.p, n); err != nil {
				return err
			}
		}
		if res.Dropped != "" {
			dropped = env.Reply.Chat
		}
		if res.Unreachable {
			ck, err := chatKey(env.Reply.Chat)
			if err != nil {
				return err
			}
			if err := t.b(bucketUnreachable).Put(ck, timeKey(db.now().UnixMilli())); err != nil {
				return err
			}
		}
		if ck, err := outboxChatKey(env.Reply, seq); err == nil {
			if err := t.b(bucketOutboxChat).Delete(ck); err != nil {
				return err
			}
		}
		if err := t.b(bucketOutboxSent).Delete(k); err != nil {
			return err
		}
		return out.Delete(k)
	})
	if err != nil {
		return fmt.Errorf("finish %s %d: %w", o.p, seq, err)
	}
	if !dropped.IsZero() {
		db.log.Warn("outbox message dropped", bot.LogKeySeq, seq, bot.LogKeyChat, dropped.String(), bot.LogKeyReason, res.Dropped)
	}
	return nil
}

// Wake returns a channel that receives a value after every committed
// Update that enqueued a reply to the partition. It has a buffer of one and
// is never closed; the partition's sender drains it, then waits on it.
func (o *Outbox) Wake() <-chan struct{} { return o.db.wakeOf(o.p) }

// Partitions returns the platforms that have replies waiting in the
// outbox, in name order. It steps from one partition to the next without
// reading their envelopes.
func (db *DB) Partitions(ctx context.Context) ([]bot.Platform, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	db.closeMu.RLock()
	defer db.closeMu.RUnlock()
	if db.closed {
		return nil, ErrClosed
	}
	var out []bot.Platform
	err := db.boltView(func(btx *bolt.Tx) error {
		c := btx.Bucket(bucketOutbox).Cursor()
		for k, _ := c.First(); k != nil; {
			end := bytes.IndexByte(k, 0)
			if end < 0 {
				return fmt.Errorf("outbox key %x has no platform", k)
			}
			out = append(out, bot.Platform(k[:end]))
			next := append(append([]byte(nil), k[:end]...), 1) // just past "platform\x00..."
			k, _ = c.Seek(next)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("outbox partitions: %w", err)
	}
	return out, nil
}

// envelopeV2 is version 1's fields, then Bulk. Version 1 envelopes (schema
// 1 files) still decode, as not bulk.
const envelopeV2 = 2

// envelopeV3 is version 2's fields, then Strip.
const envelopeV3 = 3

// envelopeV4 is version 3's fields, then the File's Photo and Alt.
const envelopeV4 = 4

// envelopeV5 is the version byte of the outbox envelopes this build
// writes: version 4's fields, then the File's ID (a stored file, whose
// bytes are not in the envelope).
const envelopeV5 = 5

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

func encodeEnvelope(r bot.Reply, queued time.Time) []byte {
	size := 64 + len(r.Title) + len(r.Text) + len(r.Hint) + len(r.Photo) + len(r.Edit)
	if r.File != nil {
		size += len(r.File.Data) + len(r.File.Name) + len(r.File.Alt)
	}
	e := newEnc(size)
	e.b[0] = envelopeV5
	e.user(r.Chat.Platform, r.Chat.ID)
	e.str(r.Title)
	e.str(r.Text)
	e.uvarint(uint64(len(r.Choices)))
	for _, row := range r.Choices {
		e.uvarint(uint64(len(row)))
		for _, c := range row {
			e.str(c.Label)
			e.str(c.Data)
		}
	}
	e.str(r.Hint)
	e.bool(r.Link != nil)
	if r.Link != nil {
		e.str(r.Link.Label)
		e.str(r.Link.Payload)
		e.str(r.Link.Alt)
	}
	e.str(r.Photo)
	e.bool(r.File != nil)
	if r.File != nil {
		e.str(r.File.Name)
		e.bytes(r.File.Data)
	}
	e.str(r.Edit)
	e.time(queued)
	e.bool(r.Bulk)
	e.str(r.Strip)
	e.bool(r.File != nil && r.File.Photo)
	if r.File != nil {
		e.str(r.File.Alt)
		e.str(r.File.ID)
	} else {
		e.str("")
		e.str("")
	}
	return e.b
}

func decodeEnvelope(seq uint64, v []byte) (bot.Envelope, error) {
	d := newDecUpTo(v, envelopeV5)
	env := bot.Envelope{Seq: seq}
	r := &env.Reply
	r.Chat = bot.ChatID{Platform: bot.Platform(d.str()), ID: d.str()}
	r.Title = d.str()
	r.Text = d.str()
	if n := d.count(1); n > 0 {
		r.Choices = make([][]bot.Choice, n)
		for i := range r.Choices {
			if m := d.count(2); m > 0 {
				r.Choices[i] = make([]bot.Choice, m)
				for j := range r.Choices[i] {
					r.Choices[i][j] = bot.Choice{Label: d.str(), Data: d.str()}
				}
			}
		}
	}
	r.Hint = d.str()
	if d.bool() {
		r.Link = &bot.Link{Label: d.str(), Payload: d.str(), Alt: d.str()}
	}
	r.Photo = d.str()
	if d.bool() {
		r.File = &bot.File{Name: d.str(), Data: d.bytes()}
	}
	r.Edit = d.str()
	env.Queued = d.time()
	if d.ver >= envelopeV2 {
		r.Bulk = d.bool()
	}
	if d.ver >= envelopeV3 {
		r.Strip = d.str()
	}
	if d.ver >= envelopeV4 {
		photo, alt := d.bool(), d.str()
		if r.File != nil {
			r.File.Photo, r.File.Alt = photo, alt
		}
	}
	if d.ver >= envelopeV5 {
		if id := d.str(); r.File != nil {
			r.File.ID = id
		}
	}
	return env, d.err
}
