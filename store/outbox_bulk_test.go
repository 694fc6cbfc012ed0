package store_test

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

// TestOutboxBulk queues bulk and non-bulk replies interleaved: Pending
// gives both kinds back in one Seq order with Bulk kept, and Finish works
// for either kind.
func TestOutboxBulk(t *testing.T) {
	db := openDB(t, newClock().Now)
	ctx := context.Background()
	var replies []bot.Reply
	for i, bulk := range []bool{true, false, true, true, false} {
		replies = append(replies, bot.Reply{
			Chat:    bot.ChatID{Platform: bot.Telegram, ID: string(rune('1' + i))},
			Text:    "Nhắc đồng chí báo cáo tháng 11/2026",
			Choices: [][]bot.Choice{{{Label: "Báo cáo ngay", Data: "go:baocao:202611"}}},
			Bulk:    bulk,
		})
	}
	update(t, db, func(tx flows.Tx) error {
		for _, r := range replies {
			if err := tx.Enqueue(r); err != nil {
				return err
			}
		}
		return nil
	})
	pending := func(after uint64) []bot.Reply {
		t.Helper()
		envs, err := db.Outbox(bot.Telegram).Pending(ctx, after, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []bot.Reply
		for i, e := range envs {
			if i > 0 && e.Seq <= envs[i-1].Seq {
				t.Errorf("Pending out of Seq order: %d after %d", e.Seq, envs[i-1].Seq)
			}
			out = append(out, e.Reply)
		}
		return out
	}
	if got := pending(0); !reflect.DeepEqual(got, replies) {
		t.Fatalf("Pending:\ngot  %+v\nwant %+v", got, replies)
	}
	if got := pending(2); !reflect.DeepEqual(got, replies[2:]) {
		t.Errorf("Pending(2) = %+v, want %+v", got, replies[2:])
	}
	for _, f := range []struct {
		seq uint64
		res bot.Result
	}{{1, bot.Result{Ref: "7"}}, {2, bot.Result{Ref: "8"}}, {4, bot.Result{Unreachable: true}}} {
		if err := db.Outbox(bot.Telegram).Finish(ctx, f.seq, f.res); err != nil {
			t.Fatalf("Finish %d: %v", f.seq, err)
		}
	}
	if got, want := pending(0), []bot.Reply{replies[2], replies[4]}; !reflect.DeepEqual(got, want) {
		t.Errorf("Pending after Finish = %+v, want %+v", got, want)
	}
	view(t, db, func(tx flows.Tx) error {
		if u, _ := tx.Unreachable(replies[3].Chat); !u {
			t.Errorf("chat %v of a bulk envelope not recorded unreachable", replies[3].Chat)
		}
		return nil
	})
}

// TestOpenSchema1Outbox opens a schema 1 file whose outbox holds a version
// 1 envelope (written before Reply.Bulk) under its Seq alone: Open upgrades
// the file to schema 5 and the envelope reads back unchanged, not bulk, in
// its platform's partition and in its chat's queue.
func TestOpenSchema1Outbox(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := bot.Reply{Chat: group, Title: "Tổng hợp", Text: "Đã báo cáo: 12/15", Link: &bot.Link{Label: "Mở", Payload: "p"}}
	update(t, db, func(tx flows.Tx) error {
		return tx.Enqueue(bot.Reply{Chat: want.Chat, Title: want.Title, Text: want.Text, Link: want.Link, Bulk: true})
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// Make it a schema 1 file: version byte 1, no trailing Bulk byte, keyed
	// by Seq alone.
	rewrite(t, path, 1, func(tx *bolt.Tx) error {
		out := tx.Bucket([]byte("outbox"))
		k := binary.BigEndian.AppendUint64([]byte("telegram\x00"), 1)
		v := append([]byte(nil), out.Get(k)...)
		if len(v) < 6 || v[0] != 5 || v[len(v)-5] != 1 || v[len(v)-4] != 0 || v[len(v)-3] != 0 || v[len(v)-2] != 0 || v[len(v)-1] != 0 {
			t.Fatalf("envelope record % x: want version 5 ending in Bulk true, no Strip, no photo, no file id", v)
		}
		v = v[:len(v)-3] // without the file's Photo, Alt and ID
		v[0] = 1
		if err := out.Delete(k); err != nil {
			return err
		}
		return out.Put(binary.BigEndian.AppendUint64(nil, 1), v[:len(v)-2])
	})

	for range 2 { // the upgrade, then the upgraded file
		db, err = store.Open(path, store.Options{})
		if err != nil {
			t.Fatalf("Open of a schema 1 file: %v", err)
		}
		envs, err := db.Outbox(bot.Telegram).Pending(context.Background(), 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(envs) != 1 || !reflect.DeepEqual(envs[0].Reply, want) {
			t.Errorf("Pending = %+v, want one envelope of %+v", envs, want)
		}
		envs, err = db.Outbox(bot.Telegram).PendingTo(context.Background(), want.Chat, false, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(envs) != 1 || !reflect.DeepEqual(envs[0].Reply, want) {
			t.Errorf("PendingTo = %+v, want one envelope of %+v", envs, want)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	_ = bdb.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte("meta")).Get([]byte("schema")); binary.BigEndian.Uint32(v) != 8 {
			t.Errorf("schema after Open = %d, want 8", binary.BigEndian.Uint32(v))
		}
		return nil
	})
}
