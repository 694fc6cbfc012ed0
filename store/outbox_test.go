package store_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

func TestOutboxRoundTripOrderAndFinish(t *testing.T) {
	clk := newClock()
	db := openDB(t, clk.Now)
	ctx := context.Background()
	full := bot.Reply{
		Chat:  group,
		Title: "Tổng hợp tháng 11/2026",
		Text:  "Đã báo cáo: 12/15\nChưa báo cáo: 3",
		Choices: [][]bot.Choice{
			{{Label: "Đã làm", Data: "st:done"}, {Label: "Đang làm", Data: "st:doing"}},
			{{Label: "Hủy", Data: "cancel"}},
		},
		Hint:  "Đồng chí gõ số để chọn.",
		Link:  &bot.Link{Label: "Mở trò chuyện riêng", Payload: "join_Xy7", Alt: "Gõ /join Xy7"},
		Photo: "AgACAgUAAxkBAAI",
		File:  &bot.File{Name: "bang-xep-hang-11-2026.png", Data: []byte("\x89PNG\r\n"), Photo: true, Alt: "bảng xếp hạng tháng 11/2026"},
		Edit:  "4711",
		Strip: "4710",
	}
	replies := []bot.Reply{full}
	for i := range 4 {
		replies = append(replies, bot.Reply{Chat: bot.ChatID{Platform: bot.Zalo, ID: fmt.Sprintf("z%d", i)}, Text: fmt.Sprint(i)})
	}
	update(t, db, func(tx flows.Tx) error {
		for _, r := range replies[:3] {
			if err := tx.Enqueue(r); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, db, func(tx flows.Tx) error {
		for _, r := range replies[3:] {
			if err := tx.Enqueue(r); err != nil {
				return err
			}
		}
		return nil
	})

	tgOut, zaloOut := db.Outbox(bot.Telegram), db.Outbox(bot.Zalo)
	envs, err := tgOut.Pending(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	zaloEnvs, err := zaloOut.Pending(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) != 1 {
		t.Fatalf("Telegram's partition holds %d envelopes, want the one to its chat", len(envs))
	}
	envs = append(envs, zaloEnvs...)
	if len(envs) != len(replies) {
		t.Fatalf("Pending returned %d envelopes, want %d", len(envs), len(replies))
	}
	for i, env := range envs {
		if env.Seq != uint64(i+1) {
			t.Errorf("envelope %d has Seq %d, want %d", i, env.Seq, i+1)
		}
		if !reflect.DeepEqual(env.Reply, replies[i]) {
			t.Errorf("envelope %d reply:\ngot  %#v\nwant %#v", i, env.Reply, replies[i])
		}
		if !env.Queued.Equal(clk.Now()) {
			t.Errorf("envelope %d queued at %v, want %v", i, env.Queued, clk.Now())
		}
	}

	seqs := func(after uint64, n int) []uint64 {
		t.Helper()
		envs, err := zaloOut.Pending(ctx, after, n)
		if err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for _, e := range envs {
			out = append(out, e.Seq)
		}
		return out
	}
	if got, want := seqs(2, 2), []uint64{3, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("Pending(2, 2) = %v, want %v", got, want)
	}
	if err := tgOut.Finish(ctx, 1, bot.Result{Ref: "99", Sent: 1}); err != nil {
		t.Fatal(err)
	}
	if err := zaloOut.Finish(ctx, 3, bot.Result{Dropped: "message is too long"}); err != nil {
		t.Fatal(err)
	}
	if err := zaloOut.Finish(ctx, 3, bot.Result{}); err != nil {
		t.Errorf("Finish of a finished envelope: %v", err)
	}
	if err := tgOut.Finish(ctx, 4, bot.Result{Sent: 1}); err != nil {
		t.Errorf("Finish of another partition's envelope: %v", err)
	}
	if got, want := seqs(0, 10), []uint64{2, 4, 5}; !reflect.DeepEqual(got, want) {
		t.Errorf("Pending after Finish = %v, want %v (a partition finishes only its own)", got, want)
	}
	if got, _ := tgOut.Pending(ctx, 0, 10); len(got) != 0 {
		t.Errorf("Telegram's partition still holds %d envelopes", len(got))
	}
	if got := seqs(5, 10); got != nil {
		t.Errorf("Pending(5) = %v, want none", got)
	}
	view(t, db, func(tx flows.Tx) error {
		if u, _ := tx.Unreachable(group); u {
			t.Error("chat unreachable after a successful Finish")
		}
		return nil
	})
	if err := zaloOut.Finish(ctx, 2, bot.Result{Unreachable: true}); err != nil {
		t.Fatal(err)
	}
	view(t, db, func(tx flows.Tx) error {
		if u, _ := tx.Unreachable(replies[1].Chat); !u {
			t.Errorf("chat %v not recorded unreachable", replies[1].Chat)
		}
		if u, _ := tx.Unreachable(replies[3].Chat); u {
			t.Errorf("chat %v recorded unreachable", replies[3].Chat)
		}
		return nil
	})
}

func TestWake(t *testing.T) {
	db := openDB(t, nil)
	wokenOf := func(p bot.Platform) bool {
		select {
		case <-db.Outbox(p).Wake():
			return true
		default:
			return false
		}
	}
	woken := func() bool { return wokenOf(group.Platform) }
	update(t, db, func(tx flows.Tx) error { return tx.PutCell(flows.Cell{Code: "C01"}) })
	if woken() {
		t.Error("Wake signalled after an Update that enqueued nothing")
	}
	update(t, db, func(tx flows.Tx) error {
		for range 3 {
			if err := tx.Enqueue(bot.Reply{Chat: group, Text: "x"}); err != nil {
				return err
			}
		}
		return nil
	})
	if !woken() {
		t.Error("Wake not signalled after an Update that enqueued")
	}
	if woken() {
		t.Error("Wake signalled twice for one Update")
	}
	// Two commits without a reader in between leave one pending signal.
	for range 2 {
		update(t, db, func(tx flows.Tx) error { return tx.Enqueue(bot.Reply{Chat: group, Text: "y"}) })
	}
	if !woken() || woken() {
		t.Error("want exactly one pending wake-up after two enqueuing Updates")
	}
	// Each partition has its own wake-up.
	update(t, db, func(tx flows.Tx) error {
		return tx.Enqueue(bot.Reply{Chat: bot.ChatID{Platform: bot.Zalo, ID: "z"}, Text: "z"})
	})
	if woken() {
		t.Error("Telegram's sender woken for a Zalo reply")
	}
	if !wokenOf(bot.Zalo) {
		t.Error("Zalo's sender not woken for a Zalo reply")
	}
}

// TestOutboxCounts checks what the message budget of a platform reads:
// Queued counts a partition's waiting envelopes, Sent the messages that
// Finish reported delivered in each calendar month of the store's zone,
// and Partitions names the partitions with envelopes.
func TestOutboxCounts(t *testing.T) {
	clk := newClock() // 3 Nov 2026 08:30 UTC
	loc := time.FixedZone("ICT", 7*3600)
	db, err := store.Open(filepath.Join(t.TempDir(), "lamtheo.db"), store.Options{Now: clk.Now, Loc: loc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	zalo2 := bot.Platform("zalo.xa2")
	update(t, db, func(tx flows.Tx) error {
		for i := range 5 {
			p := bot.Zalo
			if i%2 == 1 {
				p = zalo2
			}
			if err := tx.Enqueue(bot.Reply{Chat: bot.ChatID{Platform: p, ID: fmt.Sprint("u", i)}, Text: "x"}); err != nil {
				return err
			}
		}
		return nil
	})
	if got, err := db.Partitions(ctx); err != nil || !reflect.DeepEqual(got, []bot.Platform{bot.Zalo, zalo2}) {
		t.Errorf("Partitions = %v, %v; want [zalo zalo.xa2]", got, err)
	}
	queued := func(p bot.Platform) (n int) {
		view(t, db, func(tx flows.Tx) (err error) { n, err = tx.Queued(p); return err })
		return n
	}
	sent := func(p bot.Platform, m flows.Month) (n int) {
		view(t, db, func(tx flows.Tx) (err error) { n, err = tx.Sent(p, m); return err })
		return n
	}
	if queued(bot.Zalo) != 3 || queued(zalo2) != 2 || queued(bot.Telegram) != 0 {
		t.Errorf("Queued = %d, %d, %d; want 3, 2, 0", queued(bot.Zalo), queued(zalo2), queued(bot.Telegram))
	}
	out := db.Outbox(bot.Zalo)
	if err := out.Finish(ctx, 1, bot.Result{Sent: 2}); err != nil { // a text in two parts
		t.Fatal(err)
	}
	if err := out.Finish(ctx, 1, bot.Result{Sent: 2}); err != nil { // finished twice: counted once
		t.Fatal(err)
	}
	if err := out.Finish(ctx, 3, bot.Result{Unreachable: true}); err != nil { // nothing delivered
		t.Fatal(err)
	}
	clk.Add(30*24*time.Hour - 8*time.Hour) // 2 Dec 00:30 UTC: 07:30 on 2 Dec in ICT
	if err := out.Finish(ctx, 5, bot.Result{Sent: 1}); err != nil {
		t.Fatal(err)
	}
	if got := sent(bot.Zalo, 202611); got != 2 {
		t.Errorf("Sent(zalo, 11/2026) = %d, want 2", got)
	}
	if got := sent(bot.Zalo, 202612); got != 1 {
		t.Errorf("Sent(zalo, 12/2026) = %d, want 1", got)
	}
	if got := sent(zalo2, 202611); got != 0 {
		t.Errorf("Sent(zalo.xa2, 11/2026) = %d, want 0", got)
	}
	if queued(bot.Zalo) != 0 || queued(zalo2) != 2 {
		t.Errorf("Queued after Finish = %d, %d; want 0, 2", queued(bot.Zalo), queued(zalo2))
	}
	if got, _ := db.Partitions(ctx); !reflect.DeepEqual(got, []bot.Platform{zalo2}) {
		t.Errorf("Partitions = %v, want [zalo.xa2]", got)
	}
}

// TestOpenSchema2Outbox opens a schema 2 file whose outbox keys envelopes
// by Seq alone, for chats of three platforms: Open moves each into its
// platform's partition, in the same Seq order, and nothing is lost.
func TestOpenSchema2Outbox(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	platforms := []bot.Platform{bot.Telegram, bot.Zalo, bot.Console, bot.Telegram, bot.Zalo}
	var want []bot.Reply
	for i, p := range platforms {
		want = append(want, bot.Reply{Chat: bot.ChatID{Platform: p, ID: fmt.Sprint(100 + i)}, Text: fmt.Sprint("tin ", i), Bulk: i%2 == 0})
	}
	update(t, db, func(tx flows.Tx) error {
		for _, r := range want {
			if err := tx.Enqueue(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rewrite(t, path, 2, func(tx *bolt.Tx) error {
		out := tx.Bucket([]byte("outbox"))
		type kv struct{ k, v []byte }
		var all []kv
		if err := out.ForEach(func(k, v []byte) error {
			all = append(all, kv{append([]byte(nil), k...), append([]byte(nil), v...)})
			return nil
		}); err != nil {
			return err
		}
		for _, e := range all {
			if err := out.Delete(e.k); err != nil {
				return err
			}
			if err := out.Put(e.k[len(e.k)-8:], e.v); err != nil { // the schema 2 key: Seq alone
				return err
			}
		}
		return nil
	})
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("Open of a schema 2 file: %v", err)
	}
	defer db.Close()
	for _, p := range []bot.Platform{bot.Telegram, bot.Zalo, bot.Console} {
		envs, err := db.Outbox(p).Pending(context.Background(), 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got, wantP []bot.Reply
		for _, e := range envs {
			got = append(got, e.Reply)
			if int(e.Seq) < 1 || int(e.Seq) > len(want) || !reflect.DeepEqual(e.Reply, want[e.Seq-1]) {
				t.Errorf("%s: envelope %d is %+v, not the one enqueued with that Seq", p, e.Seq, e.Reply)
			}
		}
		for _, r := range want {
			if r.Chat.Platform == p {
				wantP = append(wantP, r)
			}
		}
		if !reflect.DeepEqual(got, wantP) {
			t.Errorf("%s partition after the upgrade:\ngot  %+v\nwant %+v", p, got, wantP)
		}
	}
}

// TestOutboxDamagedEnvelope: an envelope whose record cannot be read is
// skipped by Pending and PendingTo, so it stalls neither its chat nor the
// platform's sender.
func TestOutboxDamagedEnvelope(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	chat := bot.ChatID{Platform: bot.Telegram, ID: "42"}
	update(t, db, func(tx flows.Tx) error {
		for _, txt := range []string{"một", "hai", "ba"} {
			if err := tx.Enqueue(bot.Reply{Chat: chat, Text: txt}); err != nil {
				return err
			}
		}
		return nil
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rewrite(t, path, 4, func(tx *bolt.Tx) error {
		k := binary.BigEndian.AppendUint64([]byte("telegram\x00"), 2)
		return tx.Bucket([]byte("outbox")).Put(k, []byte{9, 9, 9})
	})
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := db.Outbox(bot.Telegram)
	texts := func(envs []bot.Envelope, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, e := range envs {
			s = append(s, e.Reply.Text)
		}
		return s
	}
	want := []string{"một", "ba"}
	if got := texts(out.Pending(context.Background(), 0, 10)); !reflect.DeepEqual(got, want) {
		t.Errorf("Pending = %q, want %q", got, want)
	}
	if got := texts(out.PendingTo(context.Background(), chat, false, 0, 10)); !reflect.DeepEqual(got, want) {
		t.Errorf("PendingTo = %q, want %q", got, want)
	}
}
