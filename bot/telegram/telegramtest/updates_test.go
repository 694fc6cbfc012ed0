package telegramtest

import (
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestOffsetConfirms(t *testing.T) {
	f := NewServer(t)
	b := tcpBot(t, f)
	var ids []int64
	for _, text := range []string{"a", "b", "c"} {
		ids = append(ids, f.PushText(Private(an), an, text))
	}
	got, err := b.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(got) != 3 {
		t.Fatalf("first poll: %d updates, %v", len(got), err)
	}
	if got[0].Message.Text != "a" || int64(got[2].UpdateID) != ids[2] {
		t.Errorf("first poll = %+v", got)
	}
	if f.Confirmed() != 0 || f.Pending() != 3 {
		t.Errorf("after poll without offset: confirmed %d, pending %d", f.Confirmed(), f.Pending())
	}
	// Asking from the second confirms the first only.
	got, err = b.GetUpdates(tgbotapi.UpdateConfig{Offset: int(ids[1]), Limit: 1})
	if err != nil || len(got) != 1 || int64(got[0].UpdateID) != ids[1] {
		t.Fatalf("offset poll = %+v, %v", got, err)
	}
	if f.Confirmed() != ids[0] || f.Pending() != 2 {
		t.Errorf("confirmed %d pending %d, want %d and 2", f.Confirmed(), f.Pending(), ids[0])
	}
	if f.Calls("getUpdates") != 2 {
		t.Errorf("getUpdates calls = %d", f.Calls("getUpdates"))
	}
}

// getUpdates treats offsets as the Bot API server does: one beyond the
// queue's tail (more than 10 above it) or far below it is ignored, so the
// call starts at the head and confirms nothing; 0 confirms nothing; a
// negative one keeps the last -offset updates.
func TestOffsetBounds(t *testing.T) {
	f := NewServer(t)
	b := tcpBot(t, f)
	me := Private(an)
	ids := func(us []tgbotapi.Update) (out []int) {
		for _, u := range us {
			out = append(out, u.UpdateID)
		}
		return out
	}
	poll := func(offset int) []int {
		t.Helper()
		got, err := b.GetUpdates(tgbotapi.UpdateConfig{Offset: offset})
		if err != nil {
			t.Fatalf("offset %d: %v", offset, err)
		}
		return ids(got)
	}
	for range 3 {
		f.PushText(me, an, "x") // 1001..1003; the tail is 1004
	}
	for _, offset := range []int{0, 1015, 5000} { // 1015 > 1004+10
		if got := poll(offset); !slices.Equal(got, []int{1001, 1002, 1003}) {
			t.Errorf("offset %d: got %v, want every update", offset, got)
		}
	}
	if f.Confirmed() != 0 || f.Pending() != 3 {
		t.Errorf("confirmed %d, pending %d after ignored offsets", f.Confirmed(), f.Pending())
	}
	if got := poll(-1); !slices.Equal(got, []int{1003}) || f.Confirmed() != 1002 {
		t.Errorf("offset -1: got %v, confirmed %d", got, f.Confirmed())
	}
	if got := poll(1014); len(got) != 0 || f.Confirmed() != 1003 || f.Pending() != 0 { // tail+10: accepted
		t.Errorf("offset 1014: got %v, confirmed %d, pending %d", got, f.Confirmed(), f.Pending())
	}
	if lost := f.Lost(); len(lost) != 0 {
		t.Errorf("lost %v, though every update was delivered", lost)
	}

	// A week without updates: Telegram numbers the next ones afresh, here
	// below the offset the bot keeps. That offset is ignored: the new
	// updates come, and come again, until an offset above them confirms
	// them.
	f.RenumberUpdates(17)
	f.PushText(me, an, "sau Tết")
	f.PushText(me, an, "lần hai")
	for range 2 {
		if got := poll(1004); !slices.Equal(got, []int{17, 18}) {
			t.Errorf("stale offset: got %v, want [17 18]", got)
		}
	}
	if got := poll(19); len(got) != 0 || f.Confirmed() != 18 {
		t.Errorf("offset 19: got %v, confirmed %d", got, f.Confirmed())
	}

	// Updates confirmed before any poll returned them are lost; the fake
	// tells.
	f.PushText(me, an, "a") // 19
	f.PushText(me, an, "b") // 20
	if got := poll(21); len(got) != 0 || !slices.Equal(f.Lost(), []int64{19, 20}) {
		t.Errorf("offset 21: got %v, lost %v", got, f.Lost())
	}

	// Far below the tail is ignored too.
	f.RenumberUpdates(3_000_000)
	f.PushText(me, an, "c")
	if got := poll(1); !slices.Equal(got, []int{3_000_000}) || f.Pending() != 1 {
		t.Errorf("offset 1 far below the tail: got %v, pending %d", got, f.Pending())
	}
	defer func() {
		if recover() == nil {
			t.Error("RenumberUpdates with updates queued did not panic")
		}
	}()
	f.RenumberUpdates(5)
}

// A long poll applies its offset again when an update arrives: parked with
// an offset that the renumbered updates are below, it returns them.
func TestLongPollRenumbered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewServer(t, InProcess())
		b := inProcessBot(t, f, 0)
		f.PushText(Private(an), an, "x") // 1001
		if _, err := b.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
			t.Fatal(err)
		}
		done := make(chan []tgbotapi.Update)
		go func() {
			got, _ := b.GetUpdates(tgbotapi.UpdateConfig{Offset: 1002, Timeout: 50})
			done <- got
		}()
		synctest.Wait()
		if f.Confirmed() != 1001 {
			t.Errorf("confirmed %d, want 1001", f.Confirmed())
		}
		f.RenumberUpdates(40)
		f.PushText(Private(an), an, "y")
		if got := <-done; len(got) != 1 || got[0].UpdateID != 40 {
			t.Errorf("parked poll got %+v, want update 40", got)
		}
		if f.Pending() != 1 || len(f.Lost()) != 0 {
			t.Errorf("pending %d, lost %v", f.Pending(), f.Lost())
		}
	})
}

// FailFor fails every call for a while; DetectSpin stops a poll loop that
// spins in a synctest bubble.
func TestFailForAndSpin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewServer(t, InProcess())
		b := inProcessBot(t, f, 0)
		f.FailFor("getUpdates", 2*time.Minute, Fault{Code: 401})
		var te *tgbotapi.Error
		if _, err := b.GetUpdates(tgbotapi.UpdateConfig{}); !errors.As(err, &te) || te.Code != 401 {
			t.Errorf("within the 2 minutes: %v", err)
		}
		if _, err := b.Send(tgbotapi.NewMessage(501, "x")); err != nil {
			t.Errorf("another method: %v", err)
		}
		time.Sleep(2 * time.Minute)
		if _, err := b.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
			t.Errorf("after the 2 minutes: %v", err)
		}

		f.DetectSpin(5)
		f.PushText(Private(an), an, "x")
		for i := range 5 {
			if _, err := b.GetUpdates(tgbotapi.UpdateConfig{Offset: 5000}); err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		if _, err := b.GetUpdates(tgbotapi.UpdateConfig{Offset: 5000}); !errors.As(err, &te) || te.Code != 500 || f.Spins() != 1 {
			t.Errorf("6th call at one instant: %v, %d spins", err, f.Spins())
		}
		time.Sleep(time.Millisecond)
		if _, err := b.GetUpdates(tgbotapi.UpdateConfig{Offset: 5000}); err != nil {
			t.Errorf("a moment later: %v", err)
		}
	})
}

func TestLongPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewServer(t, InProcess())
		b := inProcessBot(t, f, 0)

		// An idle poll returns empty after its timeout.
		start := time.Now()
		got, err := b.GetUpdates(tgbotapi.UpdateConfig{Timeout: 20})
		if err != nil || len(got) != 0 {
			t.Fatalf("idle poll = %v, %v", got, err)
		}
		if d := time.Since(start); d != 20*time.Second {
			t.Errorf("idle poll took %v, want 20s", d)
		}

		// A parked poll returns as soon as an update is pushed.
		done := make(chan []tgbotapi.Update)
		go func() {
			got, _ := b.GetUpdates(tgbotapi.UpdateConfig{Timeout: 50, AllowedUpdates: []string{"message"}})
			done <- got
		}()
		synctest.Wait()
		if err := f.WaitPolling(t.Context()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Second)
		f.PushText(Private(an), an, "xin chào")
		got = <-done
		if len(got) != 1 || got[0].Message.Text != "xin chào" {
			t.Errorf("parked poll got %+v", got)
		}
		if d := time.Since(start); d != 23*time.Second {
			t.Errorf("parked poll returned at %v, want 23s", d)
		}
		if a := f.AllowedUpdates(); len(a) != 1 || a[0] != "message" {
			t.Errorf("allowed updates = %v", a)
		}
		// Disallowed kinds are not delivered.
		f.PushCallback(group, an, 7, "x")
		got, _ = b.GetUpdates(tgbotapi.UpdateConfig{Offset: got[0].UpdateID + 1})
		if len(got) != 0 {
			t.Errorf("callback delivered despite allowed_updates: %+v", got)
		}
	})
}
