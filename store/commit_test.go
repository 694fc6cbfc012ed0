package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
)

// TestConcurrentUpdates runs 64 Updates at once, some failing, and checks
// that every successful one and none of the failed ones was applied.
func TestConcurrentUpdates(t *testing.T) {
	db := openDB(t, nil)
	const n = 64
	fail := errors.New("fail")
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = db.Update(context.Background(), func(tx flows.Tx) error {
				key := fmt.Sprintf("u:%d", i)
				if seen, err := tx.MarkSeen(bot.Telegram, key, 0); err != nil || seen {
					return fmt.Errorf("mark %s: seen=%v %w", key, seen, err)
				}
				if err := tx.PutReport(flows.Report{Member: flows.MemberID(i + 1), Month: 202611}); err != nil {
					return err
				}
				if err := tx.Enqueue(bot.Reply{Chat: group, Text: key}); err != nil {
					return err
				}
				if i%8 == 7 {
					return fail
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if i%8 == 7 {
			if !errors.Is(err, fail) {
				t.Errorf("update %d = %v, want fail", i, err)
			}
		} else if err != nil {
			t.Errorf("update %d = %v", i, err)
		}
	}
	view(t, db, func(tx flows.Tx) error {
		got := map[flows.MemberID]bool{}
		if err := tx.Reports(202611, func(r flows.Report) error { got[r.Member] = true; return nil }); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if want := i%8 != 7; got[flows.MemberID(i+1)] != want {
				t.Errorf("report of update %d present=%v, want %v", i, !want, want)
			}
		}
		return nil
	})
	envs, err := db.Outbox(bot.Telegram).Pending(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if want := n - n/8; len(envs) != want {
		t.Errorf("outbox holds %d envelopes, want %d", len(envs), want)
	}
	for i, e := range envs {
		if e.Seq != uint64(i+1) {
			t.Errorf("envelope %d has Seq %d: gaps from failed updates", i, e.Seq)
			break
		}
	}
}

func TestPanicInUpdateIsAnError(t *testing.T) {
	db := openDB(t, nil)
	err := db.Update(context.Background(), func(tx flows.Tx) error { panic("boom") })
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("Update with panicking fn = %v", err)
	}
	update(t, db, func(tx flows.Tx) error { return nil })
}

func TestUpdateRollback(t *testing.T) {
	db := openDB(t, nil)
	fail := errors.New("flow failed")
	err := db.Update(context.Background(), func(tx flows.Tx) error {
		if _, err := tx.MarkSeen(bot.Telegram, "u:1", 1); err != nil {
			return err
		}
		if err := tx.PutReport(flows.Report{Member: 1, Month: 202611}); err != nil {
			return err
		}
		if err := tx.Enqueue(bot.Reply{Chat: group, Text: "x"}); err != nil {
			return err
		}
		return fail
	})
	if !errors.Is(err, fail) {
		t.Fatalf("Update = %v, want the fn's error", err)
	}
	select {
	case <-db.Outbox(group.Platform).Wake():
		t.Error("Wake signalled for a rolled-back Update")
	default:
	}
	view(t, db, func(tx flows.Tx) error {
		if _, ok, _ := tx.Report(1, 202611); ok {
			t.Error("report kept after rollback")
		}
		if c, _ := tx.Cursor(bot.Telegram); c != 0 {
			t.Errorf("cursor %d kept after rollback", c)
		}
		return nil
	})
	update(t, db, func(tx flows.Tx) error {
		if seen, err := tx.MarkSeen(bot.Telegram, "u:1", 1); seen || err != nil {
			t.Errorf("marker kept after rollback: seen=%v err=%v", seen, err)
		}
		return tx.Enqueue(bot.Reply{Chat: group, Text: "y"})
	})
	envs, err := db.Outbox(group.Platform).Pending(context.Background(), 0, 10)
	if err != nil || len(envs) != 1 || envs[0].Seq != 1 {
		t.Errorf("Pending = %+v, %v; want one envelope with Seq 1 (sequence rolled back)", envs, err)
	}
}

func TestCanceledContext(t *testing.T) {
	db := openDB(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := db.Update(ctx, func(flows.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("Update with canceled ctx = %v, ran=%v", err, ran)
	}
	if err := db.View(ctx, func(flows.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("View with canceled ctx = %v, ran=%v", err, ran)
	}
}
