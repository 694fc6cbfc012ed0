package bottest

import (
	"context"
	"errors"
	"io"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
)

func TestConnEnforcesLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := NewConn()
		c.Limits = bot.Limits{PerSecond: 3, PerChat: time.Second, PerGroup: 2, GroupWindow: time.Minute}
		ctx := context.Background()
		send := func(id string) error {
			_, err := c.Send(ctx, bot.Reply{Chat: bot.ChatID{Platform: bot.Telegram, ID: id}, Text: "x"})
			return err
		}
		retryAfter := func(err error) time.Duration {
			var se *bot.SendError
			if !errors.As(err, &se) || se.Code != 429 {
				t.Fatalf("got %v, want a 429", err)
			}
			return se.RetryAfter
		}
		for _, id := range []string{"1", "2", "3"} {
			if err := send(id); err != nil {
				t.Fatalf("send %s: %v", id, err)
			}
		}
		if ra := retryAfter(send("4")); ra != time.Second {
			t.Errorf("overall limit: retry after %v, want 1s", ra)
		}
		time.Sleep(500 * time.Millisecond)
		if ra := retryAfter(send("1")); ra != time.Second {
			t.Errorf("chat limit: retry after %v, want 1s (rounded up)", ra)
		}
		time.Sleep(500 * time.Millisecond)
		for i := range 2 {
			if err := send("-9"); err != nil {
				t.Fatalf("group send %d: %v", i, err)
			}
			time.Sleep(time.Second)
		}
		if ra := retryAfter(send("-9")); ra != 58*time.Second {
			t.Errorf("group limit: retry after %v, want 58s", ra)
		}
		if n, d := c.Throttled(), len(c.Sent()); n != 3 || d != 5 {
			t.Errorf("throttled %d, delivered %d; want 3 and 5", n, d)
		}
		if c.Calls() != 8 {
			t.Errorf("calls %d, want 8", c.Calls())
		}
	})
}

func TestConnFailAndInput(t *testing.T) {
	c := NewConn()
	boom := errors.New("boom")
	c.Fail = func(call int, r bot.Reply) error {
		if call == 1 {
			return boom
		}
		return nil
	}
	ctx := context.Background()
	chat := bot.ChatID{Platform: bot.Console, ID: "1"}
	if _, err := c.Send(ctx, bot.Reply{Chat: chat, Text: "a"}); !errors.Is(err, boom) {
		t.Fatalf("first send = %v, want boom", err)
	}
	ref, err := c.Send(ctx, bot.Reply{Chat: chat, Text: "b"})
	if err != nil || ref != "1" {
		t.Fatalf("second send = %q, %v", ref, err)
	}
	if s := c.SentTo(chat); len(s) != 1 || s[0].Reply.Text != "b" || s[0].Call != 2 {
		t.Errorf("sent %+v", s)
	}

	c.Push(bot.Message{Key: "1"}, bot.Message{Key: "2"})
	c.Close()
	b, err := c.Receive(ctx)
	if err != nil || len(b) != 2 {
		t.Fatalf("Receive = %v, %v", b, err)
	}
	if _, err := c.Receive(ctx); err != io.EOF {
		t.Errorf("Receive after close = %v, want EOF", err)
	}
	if err := c.Ack(ctx, b[1]); err != nil || len(c.Acks()) != 1 {
		t.Errorf("Ack: %v, %d acks", err, len(c.Acks()))
	}
}

func TestOutbox(t *testing.T) {
	ctx := context.Background()
	o := NewOutbox()
	chat := bot.ChatID{Platform: bot.Console, ID: "1"}
	seqs := o.Enqueue(bot.Reply{Chat: chat, Text: "a"}, bot.Reply{Chat: chat, Text: "b"}, bot.Reply{Chat: chat, Text: "c"})
	select {
	case <-o.Wake():
	default:
		t.Error("Enqueue did not signal Wake")
	}
	if err := o.Finish(ctx, seqs[1], bot.Result{Ref: "9"}); err != nil {
		t.Fatal(err)
	}
	if err := o.Finish(ctx, seqs[1], bot.Result{}); err == nil {
		t.Error("finishing twice succeeded")
	}
	got, err := o.Pending(ctx, 0, 10)
	if err != nil || len(got) != 2 || got[0].Seq != seqs[0] || got[1].Seq != seqs[2] {
		t.Fatalf("Pending = %+v, %v", got, err)
	}
	if got, _ := o.Pending(ctx, seqs[0], 1); len(got) != 1 || got[0].Reply.Text != "c" {
		t.Errorf("Pending after %d = %+v", seqs[0], got)
	}
	if res, ok := o.Result(seqs[1]); !ok || res.Ref != "9" {
		t.Errorf("Result = %+v, %v", res, ok)
	}
	if o.Len() != 2 {
		t.Errorf("Len = %d, want 2", o.Len())
	}
}

// TestConnSlidingSecond checks that PerSecond is counted in any sliding
// second, not per whole second of the clock: sends straddling a second's
// boundary count together.
func TestConnSlidingSecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := NewConn()
		c.Limits = bot.Limits{PerSecond: 3}
		ctx := context.Background()
		send := func(i int) error {
			_, err := c.Send(ctx, bot.Reply{Chat: bot.ChatID{Platform: bot.Telegram, ID: string(rune('a' + i))}, Text: "x"})
			return err
		}
		time.Sleep(600 * time.Millisecond)
		for i := range 3 {
			if err := send(i); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		// 1.1 s on the clock, another whole second: the three of 0.6–0.8 s count.
		time.Sleep(200 * time.Millisecond)
		if err := send(3); err == nil {
			t.Fatal("a 4th send within one sliding second was accepted")
		}
		time.Sleep(500 * time.Millisecond) // 1.6 s: the first has left the window
		if err := send(4); err != nil {
			t.Fatalf("send after the window moved: %v", err)
		}
	})
}
