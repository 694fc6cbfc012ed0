package store

import (
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"lamtheo/bot"
	"lamtheo/flows"
)

// Pending implements bot.Outbox: up to n envelopes with Seq greater than
// after, in Seq order.
func (db *DB) Pending(ctx context.Context, after uint64, n int) ([]bot.Envelope, error) {
	if n <= 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	db.closeMu.RLock()
	defer db.closeMu.RUnlock()
	if db.closed {
		return nil, ErrClosed
	}
	var out []bot.Envelope
	err := db.bolt.View(func(btx *bolt.Tx) error {
		c := btx.Bucket(bucketOutbox).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < n; k, v = c.Next() {
			if len(k) != 8 {
				continue
			}
			seq := binary.BigEndian.Uint64(k)
			if seq <= after { // after+1 overflowed
				break
			}
			env, err := decodeEnvelope(seq, v)
			if err != nil {
				return fmt.Errorf("outbox %d: %w", seq, err)
			}
			out = append(out, env)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pending: %w", err)
	}
	return out, nil
}

// Finish implements bot.Outbox: it deletes envelope seq (finishing one that
// is gone is not an error) and, when res.Unreachable, records its chat as
// unreachable. It is committed with concurrent Updates.
func (db *DB) Finish(ctx context.Context, seq uint64, res bot.Result) error {
	var dropped bot.ChatID // set when the envelope existed and was dropped
	err := db.Update(ctx, func(ftx flows.Tx) error {
		dropped = bot.ChatID{}
		t := ftx.(*tx)
		out := t.b(bucketOutbox)
		k := u64(seq)
		v := out.Get(k)
		if v == nil {
			return nil
		}
		if res.Unreachable || res.Dropped != "" {
			env, err := decodeEnvelope(seq, v)
			if err != nil {
				return fmt.Errorf("outbox %d: %w", seq, err)
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
		}
		return out.Delete(k)
	})
	if err != nil {
		return fmt.Errorf("finish %d: %w", seq, err)
	}
	if !dropped.IsZero() {
		db.log.Warn("outbox message dropped", "seq", seq, "chat", dropped.String(), "reason", res.Dropped)
	}
	return nil
}
