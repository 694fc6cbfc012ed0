package store_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

// seqs returns the Seqs of envs.
func seqs(envs []bot.Envelope) []uint64 {
	var out []uint64
	for _, e := range envs {
		out = append(out, e.Seq)
	}
	return out
}

// TestOutboxQueuesByChat reads each chat's queues with PendingTo: only
// that chat's envelopes of that kind, in Seq order, after a Seq and up to a
// count; a finished envelope leaves its queue; a chat of another platform
// has no queue in the partition.
func TestOutboxQueuesByChat(t *testing.T) {
	db := openDB(t, newClock().Now)
	ctx := context.Background()
	a, b := bot.ChatID{Platform: bot.Telegram, ID: "101"}, bot.ChatID{Platform: bot.Telegram, ID: "-1002"}
	z := bot.ChatID{Platform: bot.Zalo, ID: "101"}
	// Seq 1..12: a, b, z in turn; every third round bulk.
	update(t, db, func(tx flows.Tx) error {
		for i := range 4 {
			for _, c := range []bot.ChatID{a, b, z} {
				if err := tx.Enqueue(bot.Reply{Chat: c, Text: fmt.Sprint(c, i), Bulk: i == 2}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	out := db.Outbox(bot.Telegram)
	for _, tt := range []struct {
		chat  bot.ChatID
		bulk  bool
		after uint64
		n     int
		want  []uint64
	}{
		{a, false, 0, 10, []uint64{1, 4, 10}},
		{a, true, 0, 10, []uint64{7}},
		{a, false, 1, 1, []uint64{4}},
		{a, false, 4, 10, []uint64{10}},
		{a, false, 10, 10, nil},
		{b, false, 0, 2, []uint64{2, 5}},
		{b, true, 6, 10, []uint64{8}},
		{z, false, 0, 10, nil}, // another partition's chat
	} {
		envs, err := out.PendingTo(ctx, tt.chat, tt.bulk, tt.after, tt.n)
		if err != nil {
			t.Fatal(err)
		}
		if got := seqs(envs); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("PendingTo(%s, bulk %v, %d, %d) = %v, want %v", tt.chat, tt.bulk, tt.after, tt.n, got, tt.want)
		}
		for _, e := range envs {
			if e.Reply.Chat != tt.chat || e.Reply.Bulk != tt.bulk {
				t.Errorf("envelope %d is to %s bulk %v", e.Seq, e.Reply.Chat, e.Reply.Bulk)
			}
		}
	}
	if envs, _ := db.Outbox(bot.Zalo).PendingTo(ctx, z, false, 0, 10); !reflect.DeepEqual(seqs(envs), []uint64{3, 6, 12}) {
		t.Errorf("zalo PendingTo = %v, want [3 6 12]", seqs(envs))
	}
	if err := out.Finish(ctx, 4, bot.Result{Sent: 1}); err != nil {
		t.Fatal(err)
	}
	if envs, _ := out.PendingTo(ctx, a, false, 0, 10); !reflect.DeepEqual(seqs(envs), []uint64{1, 10}) {
		t.Errorf("after Finish(4): PendingTo(a) = %v, want [1 10]", seqs(envs))
	}
}

// TestOutboxProgress records the parts of long replies as they go out:
// Pending and PendingTo tell them in Envelope.Sent, the month's count of
// sent messages takes each part once (Progress, then Finish with the
// total), a smaller or repeated Progress changes nothing, and an envelope
// that is gone is no error.
func TestOutboxProgress(t *testing.T) {
	clk := newClock()
	db := openDB(t, clk.Now)
	ctx := context.Background()
	c := bot.ChatID{Platform: bot.Zalo, ID: "u1"}
	update(t, db, func(tx flows.Tx) error {
		for i := range 2 {
			if err := tx.Enqueue(bot.Reply{Chat: c, Text: fmt.Sprint("tin dài ", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	out := db.Outbox(bot.Zalo)
	sent := func() (n int) {
		view(t, db, func(tx flows.Tx) (err error) { n, err = tx.Sent(bot.Zalo, 202611); return err })
		return n
	}
	for _, p := range []int{1, 2, 1, 2} {
		if err := out.Progress(ctx, 1, p); err != nil {
			t.Fatal(err)
		}
	}
	if got := sent(); got != 2 {
		t.Errorf("after parts 1 and 2: %d sent, want 2", got)
	}
	envs, err := out.Pending(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	to, err := out.PendingTo(ctx, c, false, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range [][]bot.Envelope{envs, to} {
		if len(got) != 2 || got[0].Sent != 2 || got[1].Sent != 0 {
			t.Errorf("envelopes %+v, want Sent 2 and 0", got)
		}
	}
	if err := out.Finish(ctx, 1, bot.Result{Sent: 3}); err != nil {
		t.Fatal(err)
	}
	if got := sent(); got != 3 {
		t.Errorf("after Finish of 3 parts: %d sent, want 3", got)
	}
	if err := out.Progress(ctx, 1, 5); err != nil {
		t.Errorf("Progress of a finished envelope: %v", err)
	}
	if got := sent(); got != 3 {
		t.Errorf("after Progress of a finished envelope: %d sent, want 3", got)
	}
}

// TestOpenSchema3Outbox opens a schema 3 file, whose outbox has no index
// by chat: Open builds it, so that each chat's queues read back whole, and
// Finish keeps it.
func TestOpenSchema3Outbox(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	chats := []bot.ChatID{{Platform: bot.Telegram, ID: "7"}, {Platform: bot.Telegram, ID: "-100"}, {Platform: bot.Zalo, ID: "abc"}}
	update(t, db, func(tx flows.Tx) error {
		for i := range 9 {
			if err := tx.Enqueue(bot.Reply{Chat: chats[i%3], Text: fmt.Sprint(i), Bulk: i >= 6}); err != nil {
				return err
			}
		}
		return nil
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rewrite(t, path, 3, nil)
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("Open of a schema 3 file: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	for i, c := range chats {
		out := db.Outbox(c.Platform)
		for _, bulk := range []bool{false, true} {
			want := []uint64{uint64(i + 1), uint64(i + 4)}
			if bulk {
				want = []uint64{uint64(i + 7)}
			}
			envs, err := out.PendingTo(ctx, c, bulk, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := seqs(envs); !reflect.DeepEqual(got, want) {
				t.Errorf("after the upgrade: PendingTo(%s, bulk %v) = %v, want %v", c, bulk, got, want)
			}
		}
	}
	tg := db.Outbox(bot.Telegram)
	if err := tg.Finish(ctx, 1, bot.Result{Sent: 1}); err != nil {
		t.Fatal(err)
	}
	if envs, _ := tg.PendingTo(ctx, chats[0], false, 0, 10); !reflect.DeepEqual(seqs(envs), []uint64{4}) {
		t.Errorf("after Finish(1): PendingTo = %v, want [4]", seqs(envs))
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
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
		if n := tx.Bucket([]byte("outbox_chat")).Stats().KeyN; n != 8 {
			t.Errorf("%d envelopes indexed, want 8", n)
		}
		return nil
	})
}
