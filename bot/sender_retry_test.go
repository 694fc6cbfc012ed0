package bot_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

func TestSenderRetryAfterPausesThatChat(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		a, b := tg(1), tg(2)
		var mu sync.Mutex
		var refusedAt time.Time
		conn.Fail = func(call int, r bot.Reply) error {
			mu.Lock()
			defer mu.Unlock()
			if r.Chat == a && refusedAt.IsZero() {
				refusedAt = time.Now()
				return &bot.SendError{Code: 429, RetryAfter: 7 * time.Second, Message: "Too Many Requests: retry after 7"}
			}
			return nil
		}
		enqueueRounds(ob, []bot.ChatID{a, b}, 3)
		start0 := time.Now()
		s := start(t, ob, conn, bot.Limits{PerChat: time.Second}, true)
		waitIdle(t, s, time.Hour)
		checkDelivered(t, ob, conn, []bot.ChatID{a, b}, 3)

		sentA := conn.SentTo(a)
		if got := sentA[0].Time.Sub(refusedAt); got != 7*time.Second {
			t.Errorf("chat a resent %v after the 429, want exactly 7s", got)
		}
		for i := 1; i < len(sentA); i++ {
			if gap := sentA[i].Time.Sub(sentA[i-1].Time); gap != time.Second {
				t.Errorf("chat a gap %d = %v, want 1s", i, gap)
			}
		}
		// One chat's 429 does not pause the others.
		sentB := conn.SentTo(b)
		if got := sentB[len(sentB)-1].Time.Sub(start0); got != 2*time.Second {
			t.Errorf("chat b finished after %v, want 2s", got)
		}
	})
}

func TestSenderRetryAfterFromTwoChatsPausesAll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		a, b, c := tg(1), tg(2), tg(3)
		var mu sync.Mutex
		refused := map[bot.ChatID]bool{}
		conn.Fail = func(call int, r bot.Reply) error {
			mu.Lock()
			defer mu.Unlock()
			if r.Chat != c && !refused[r.Chat] {
				refused[r.Chat] = true
				return &bot.SendError{Code: 429, RetryAfter: 5 * time.Second}
			}
			return nil
		}
		ob.Enqueue(bot.Reply{Chat: a, Text: "a"}, bot.Reply{Chat: b, Text: "b"})
		start0 := time.Now()
		// One send at a time: a, b (both refused) and only then c.
		s := start(t, ob, conn, bot.Limits{MaxConcurrent: 1}, true)
		synctest.Wait()
		ob.Enqueue(bot.Reply{Chat: c, Text: "c"})
		waitIdle(t, s, time.Hour)
		sent := conn.SentTo(c)
		if len(sent) != 1 {
			t.Fatalf("chat c got %d messages", len(sent))
		}
		if got := sent[0].Time.Sub(start0); got != 5*time.Second {
			t.Errorf("chat c sent after %v, want the global pause of 5s", got)
		}
		if len(conn.Sent()) != 3 {
			t.Errorf("delivered %d, want 3", len(conn.Sent()))
		}
	})
}

func TestSenderBacksOffOnServerErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		chats := []bot.ChatID{tg(1), tg(2), tg(3)}
		begin := time.Now()
		outage := 20 * time.Minute
		var mu sync.Mutex
		calls := map[bot.ChatID][]time.Duration{}
		conn.Fail = func(call int, r bot.Reply) error {
			mu.Lock()
			defer mu.Unlock()
			now := time.Since(begin)
			calls[r.Chat] = append(calls[r.Chat], now)
			if now < outage {
				return &bot.SendError{Code: 502, Message: "Bad Gateway"}
			}
			return nil
		}
		enqueueRounds(ob, chats, 2)
		s := start(t, ob, conn, bot.Limits{PerSecond: 30, PerChat: time.Second}, false)
		waitIdle(t, s, 2*time.Hour)
		checkDelivered(t, ob, conn, chats, 2)

		// Each chat: 1 s, doubling, capped at 5 min: 12 failed calls in
		// 20 minutes, not a busy loop.
		want := []time.Duration{1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300}
		for _, c := range chats {
			got := calls[c]
			if len(got) != len(want)+2 {
				t.Errorf("chat %s: %d calls, want %d", c, len(got), len(want)+2)
				continue
			}
			for i, w := range want {
				gap := got[i+1] - got[i]
				if gap != w*time.Second {
					t.Errorf("chat %s: gap %d = %v, want %v", c, i, gap, w*time.Second)
				}
			}
			if last := got[len(got)-1] - got[len(got)-2]; last != time.Second {
				t.Errorf("chat %s: second message %v after the first, want 1s", c, last)
			}
		}
	})
}

func TestSenderUnreachable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		blocked, ok := tg(1), tg(2)
		var tries atomic.Int32
		conn.Fail = func(call int, r bot.Reply) error {
			if r.Chat == blocked {
				tries.Add(1)
				return &bot.SendError{Code: 403, Unreachable: true, Message: "Forbidden: bot was blocked by the user"}
			}
			return nil
		}
		seqs := ob.Enqueue(bot.Reply{Chat: blocked, Text: "x"}, bot.Reply{Chat: ok, Text: "y"})
		s := start(t, ob, conn, bot.Limits{}, true)
		waitIdle(t, s, time.Hour)
		time.Sleep(time.Hour) // a retry would happen in here
		if res, _ := ob.Result(seqs[0]); !res.Unreachable || res.Ref != "" || res.Dropped != "" {
			t.Errorf("blocked chat finished with %+v, want Unreachable", res)
		}
		if n := tries.Load(); n != 1 {
			t.Errorf("blocked chat tried %d times, want 1", n)
		}
		if res, _ := ob.Result(seqs[1]); res.Ref == "" {
			t.Errorf("other chat finished with %+v", res)
		}
	})
}

func TestSenderPermanentDrops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		c := tg(1)
		var tries atomic.Int32
		conn.Fail = func(call int, r bot.Reply) error {
			if r.Text == "bad" {
				tries.Add(1)
				return &bot.SendError{Code: 400, Permanent: true, Message: "Bad Request: can't parse entities"}
			}
			return nil
		}
		seqs := ob.Enqueue(bot.Reply{Chat: c, Text: "bad"}, bot.Reply{Chat: c, Text: "good"})
		s := start(t, ob, conn, bot.Limits{PerChat: time.Second}, true)
		waitIdle(t, s, time.Hour)
		time.Sleep(time.Hour)
		if res, _ := ob.Result(seqs[0]); res.Dropped != "Bad Request: can't parse entities" || res.Unreachable {
			t.Errorf("bad message finished with %+v, want dropped", res)
		}
		if n := tries.Load(); n != 1 {
			t.Errorf("bad message tried %d times, want 1", n)
		}
		if sent := conn.SentTo(c); len(sent) != 1 || sent[0].Reply.Text != "good" {
			t.Errorf("chat got %+v, want only the good message", sent)
		}
	})
}

func TestSenderFaultMix(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		limits := bot.Limits{PerSecond: 30, PerChat: time.Second, PerGroup: 20, GroupWindow: time.Minute, MaxConcurrent: 8}
		conn.Limits = limits
		conn.Latency = 20 * time.Millisecond
		var mu sync.Mutex
		rng := rand.New(rand.NewPCG(5, 20))
		faults := map[string]int{}
		conn.Fail = func(call int, r bot.Reply) error {
			mu.Lock()
			defer mu.Unlock()
			if rng.IntN(5) != 0 {
				return nil
			}
			switch rng.IntN(3) {
			case 0:
				faults["429"]++
				return &bot.SendError{Code: 429, RetryAfter: time.Duration(1+rng.IntN(3)) * time.Second}
			case 1:
				faults["500"]++
				return &bot.SendError{Code: 500, Message: "Internal Server Error"}
			default:
				faults["timeout"]++
				return fmt.Errorf("post sendMessage: %w", context.DeadlineExceeded)
			}
		}
		var chats []bot.ChatID
		for i := range 40 {
			chats = append(chats, tg(10+i))
		}
		chats = append(chats, tg(-100), tg(-200))
		enqueueRounds(ob, chats, 15)
		s := start(t, ob, conn, limits, true)
		waitIdle(t, s, 24*time.Hour)
		checkDelivered(t, ob, conn, chats, 15)
		if n := conn.Throttled(); n != 0 {
			t.Errorf("the limits answered %d 429s", n)
		}
		for _, k := range []string{"429", "500", "timeout"} {
			if faults[k] < 10 {
				t.Errorf("only %d injected %s faults", faults[k], k)
			}
		}
		calls, delivered := conn.Calls(), len(conn.Sent())
		if calls > delivered*3/2 {
			t.Errorf("%d calls for %d messages: retrying too eagerly", calls, delivered)
		}
	})
}
