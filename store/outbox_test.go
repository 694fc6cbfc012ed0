package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
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
		File:  &bot.File{Name: "chi-bo-C01.csv", Data: []byte("stt,họ tên\n1,An\n")},
		Edit:  "4711",
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

	envs, err := db.Pending(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
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
		envs, err := db.Pending(ctx, after, n)
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
	if err := db.Finish(ctx, 1, bot.Result{Ref: "99"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Finish(ctx, 3, bot.Result{Dropped: "message is too long"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Finish(ctx, 3, bot.Result{}); err != nil {
		t.Errorf("Finish of a finished envelope: %v", err)
	}
	if got, want := seqs(0, 10), []uint64{2, 4, 5}; !reflect.DeepEqual(got, want) {
		t.Errorf("Pending after Finish = %v, want %v", got, want)
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
	if err := db.Finish(ctx, 2, bot.Result{Unreachable: true}); err != nil {
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
	woken := func() bool {
		select {
		case <-db.Wake():
			return true
		default:
			return false
		}
	}
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
}
