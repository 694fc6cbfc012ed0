package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migrateOutbox3 moves every envelope of a schema 2 file, keyed by its
// Seq alone, under its chat's platform (schema 3).
func migrateOutbox3(btx *bolt.Tx) error {
	b := btx.Bucket(bucketOutbox)
	type move struct{ old, new, v []byte }
	var moves []move
	err := b.ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			return nil
		}
		seq := binary.BigEndian.Uint64(k)
		env, err := decodeEnvelope(seq, v)
		if err != nil {
			return fmt.Errorf("outbox %d: %w", seq, err)
		}
		nk, err := outboxKey(env.Reply.Chat.Platform, seq)
		if err != nil {
			return fmt.Errorf("outbox %d: %w", seq, err)
		}
		moves = append(moves, move{old: append([]byte(nil), k...), new: nk, v: append([]byte(nil), v...)})
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range moves {
		if err := b.Delete(m.old); err != nil {
			return err
		}
		if err := b.Put(m.new, m.v); err != nil {
			return err
		}
	}
	return nil
}

// migrateOutbox4 indexes every envelope of a schema 3 file under its chat
// and kind (bucket outbox_chat), which the Sender reads each chat's queue
// by (schema 4). A key or record it cannot read is left as it is, unindexed:
// the upgrade must not make a damaged envelope keep the file from opening.
func migrateOutbox4(btx *bolt.Tx) error {
	index := btx.Bucket(bucketOutboxChat)
	return btx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		end := bytes.IndexByte(k, 0)
		if end < 0 || len(k) != end+1+8 {
			return nil
		}
		seq := binary.BigEndian.Uint64(k[end+1:])
		env, err := decodeEnvelope(seq, v)
		if err != nil {
			return nil
		}
		ck, err := outboxChatKey(env.Reply, seq)
		if err != nil {
			return nil
		}
		return index.Put(ck, nil)
	})
}
