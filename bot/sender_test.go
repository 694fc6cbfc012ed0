package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

// tg returns a Telegram chat id.
func tg(id int) bot.ChatID { return bot.ChatID{Platform: bot.Telegram, ID: strconv.Itoa(id)} }

// start runs a Sender over ob and conn in the current synctest bubble and
// stops it when the test ends, failing the test if Run fails.
func start(t *testing.T, ob *bottest.Outbox, conn *bottest.Conn, l bot.Limits, wake bool) *bot.Sender {
	t.Helper()
	s := &bot.Sender{Outbox: ob, Conn: conn, Limits: l, Log: slog.New(slog.DiscardHandler)}
	if wake {
		s.Wake = ob.Wake()
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return s
}

// waitIdle calls s.WaitIdle with a generous virtual deadline.
func waitIdle(t *testing.T, s *bot.Sender, within time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatalf("WaitIdle: %v", err)
	}
}

func text(chat bot.ChatID, i int) string { return fmt.Sprintf("%s #%d", chat, i) }

// enqueueRounds enqueues rounds messages to each chat, interleaved.
func enqueueRounds(ob *bottest.Outbox, chats []bot.ChatID, rounds int) {
	for i := range rounds {
		for _, c := range chats {
			ob.Enqueue(bot.Reply{Chat: c, Text: text(c, i)})
		}
	}
}

// checkDelivered fails t unless every chat got exactly its rounds messages,
// once each and in order, and every envelope was finished with the ref of
// its delivery.
func checkDelivered(t *testing.T, ob *bottest.Outbox, conn *bottest.Conn, chats []bot.ChatID, rounds int) {
	t.Helper()
	for _, c := range chats {
		var got []string
		for _, s := range conn.SentTo(c) {
			got = append(got, s.Reply.Text)
		}
		var want []string
		for i := range rounds {
			want = append(want, text(c, i))
		}
		if !slices.Equal(got, want) {
			t.Errorf("chat %s got %q, want %q", c, got, want)
		}
	}
	if n := ob.Len(); n != 0 {
		t.Errorf("%d envelopes not finished", n)
	}
	refs := make(map[string]bool)
	for _, s := range conn.Sent() {
		refs[s.Ref] = true
	}
	for _, seq := range ob.Finished() {
		res, _ := ob.Result(seq)
		if !refs[res.Ref] || res.Unreachable || res.Dropped != "" {
			t.Errorf("envelope %d finished with %+v", seq, res)
		}
	}
}

func TestSenderOrderPerChatUnderConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		var inflight, peak atomic.Int32
		conn.Fail = func(call int, r bot.Reply) error {
			n := inflight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(time.Duration(call%5+1) * 10 * time.Millisecond)
			inflight.Add(-1)
			return nil
		}
		var chats []bot.ChatID
		for i := range 12 {
			chats = append(chats, tg(1000+i))
		}
		enqueueRounds(ob, chats, 25)
		s := start(t, ob, conn, bot.Limits{MaxConcurrent: 4}, true)
		waitIdle(t, s, time.Hour)
		checkDelivered(t, ob, conn, chats, 25)
		if p := peak.Load(); p < 2 || p > 4 {
			t.Errorf("peak concurrency %d, want 2..4", p)
		}
	})
}

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

func TestSenderKeepsRateLimits(t *testing.T) {
	limits := bot.Limits{PerSecond: 10, PerChat: time.Second, PerGroup: 5, GroupWindow: time.Minute, MaxConcurrent: 8}
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		conn.Limits = limits
		conn.Latency = 50 * time.Millisecond
		var chats []bot.ChatID
		for i := range 30 {
			chats = append(chats, tg(100+i))
		}
		group := tg(-1001)
		for i := range 12 {
			ob.Enqueue(bot.Reply{Chat: group, Text: text(group, i)})
		}
		enqueueRounds(ob, chats, 4)
		begin := time.Now()
		s := start(t, ob, conn, limits, true)
		waitIdle(t, s, time.Hour)
		checkDelivered(t, ob, conn, chats, 4)

		if n := conn.Throttled(); n != 0 {
			t.Errorf("%d sends answered 429", n)
		}
		sent := conn.Sent()
		for i := range sent {
			j := i
			for j > 0 && sent[i].Time.Sub(sent[j-1].Time) < time.Second {
				j--
			}
			if n := i - j + 1; n > 10 {
				t.Fatalf("%d sends within a second ending at %v", n, sent[i].Time.Sub(begin))
			}
		}
		for _, c := range append(chats, group) {
			got := conn.SentTo(c)
			for i := 1; i < len(got); i++ {
				if gap := got[i].Time.Sub(got[i-1].Time); gap < time.Second {
					t.Errorf("chat %s: gap %v", c, gap)
				}
			}
		}
		g := conn.SentTo(group)
		if len(g) != 12 {
			t.Fatalf("group got %d", len(g))
		}
		for i, s := range g {
			if s.Reply.Text != text(group, i) {
				t.Errorf("group message %d is %q", i, s.Reply.Text)
			}
		}
		for i := 5; i < len(g); i++ {
			if d := g[i].Time.Sub(g[i-5].Time); d < time.Minute {
				t.Errorf("group: 6 sends within %v", d)
			}
		}
		// 5 in any minute: once the others are done, the 12th goes out as
		// soon as the rolling window lets it, a minute after the 7th.
		if d := g[11].Time.Sub(g[6].Time); d != time.Minute {
			t.Errorf("group's last message %v after its 7th, want 1m0s", d)
		}
		var last time.Time
		for _, s := range sent {
			if s.Reply.Chat != group {
				last = s.Time
			}
		}
		// 125 sends (the group's first 5 among them) at 10 per 1.02 s.
		if d := last.Sub(begin); d > 12*time.Second+3*time.Second/4 {
			t.Errorf("120 private messages took %v at 10/s, want about 12.5s", d)
		}
	})
}

func TestSenderRemembersGroupWindowWhileIdle(t *testing.T) {
	limits := bot.Limits{PerChat: time.Second, PerGroup: 3, GroupWindow: 10 * time.Minute}
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		conn.Limits = limits
		group := tg(-5)
		ob.Enqueue(bot.Reply{Chat: group, Text: text(group, 0)}, bot.Reply{Chat: group, Text: text(group, 1)})
		begin := time.Now()
		s := start(t, ob, conn, limits, true)
		waitIdle(t, s, time.Hour)
		// Idle past the Sender's periodic clean-up, then more for the group.
		time.Sleep(70 * time.Second)
		for i := 2; i < 5; i++ {
			ob.Enqueue(bot.Reply{Chat: group, Text: text(group, i)})
		}
		waitIdle(t, s, time.Hour)
		checkDelivered(t, ob, conn, []bot.ChatID{group}, 5)
		if n := conn.Throttled(); n != 0 {
			t.Errorf("%d sends answered 429", n)
		}
		if got := conn.SentTo(group)[3].Time.Sub(begin); got != 10*time.Minute {
			t.Errorf("4th message at %v, want 10m0s when the first leaves the window", got)
		}
	})
}

func TestSenderWaitIdle(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ob := bottest.NewOutbox()
			s := &bot.Sender{Outbox: ob, Conn: bottest.NewConn()}
			// Without Run: an empty outbox is idle.
			waitIdle(t, s, time.Millisecond)
		})
	})
	t.Run("enqueued just before, polling", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ob, conn := bottest.NewOutbox(), bottest.NewConn()
			s := start(t, ob, conn, bot.Limits{}, false)
			time.Sleep(300 * time.Millisecond) // mid-way between two polls
			for line := range 5 {
				begin := time.Now()
				ob.Enqueue(bot.Reply{Chat: tg(1), Text: fmt.Sprint(line)})
				waitIdle(t, s, time.Hour)
				if n := len(conn.Sent()); n != line+1 {
					t.Fatalf("after line %d: %d sent", line, n)
				}
				if d := time.Since(begin); d != 0 {
					t.Errorf("line %d: WaitIdle took %v, want no wait for the poll", line, d)
				}
			}
		})
	})
	t.Run("waits for in-flight send", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ob, conn := bottest.NewOutbox(), bottest.NewConn()
			conn.Latency = 3 * time.Second
			s := start(t, ob, conn, bot.Limits{}, true)
			ob.Enqueue(bot.Reply{Chat: tg(1), Text: "x"})
			begin := time.Now()
			waitIdle(t, s, time.Hour)
			if d := time.Since(begin); d != 3*time.Second {
				t.Errorf("WaitIdle returned after %v, want 3s", d)
			}
		})
	})
	t.Run("deadline while failing", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ob, conn := bottest.NewOutbox(), bottest.NewConn()
			conn.Fail = func(int, bot.Reply) error { return errors.New("connection reset") }
			s := start(t, ob, conn, bot.Limits{}, true)
			ob.Enqueue(bot.Reply{Chat: tg(1), Text: "x"})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := s.WaitIdle(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("WaitIdle = %v, want deadline exceeded", err)
			}
		})
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

func TestSenderSplitsLongText(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		c := tg(7)
		var failed atomic.Bool
		conn.Fail = func(call int, r bot.Reply) error {
			if strings.Contains(r.Text, "dòng 3") && !failed.Swap(true) {
				return &bot.SendError{Code: 500}
			}
			return nil
		}
		long := "dòng 1 chào đồng chí\ndòng 2 báo cáo\ndòng 3 tháng này\ndòng 4 xin cảm ơn"
		choices := [][]bot.Choice{{{Label: "Có", Data: "y"}}}
		seqs := ob.Enqueue(
			bot.Reply{Chat: c, Title: "Tiêu đề", Text: long, Choices: choices, Hint: "Chọn số", Link: &bot.Link{Label: "Mở", Payload: "p"}},
			bot.Reply{Chat: c, Text: "sau đó"},
		)
		conn.Declared.MaxText = 40
		s := start(t, ob, conn, bot.Limits{PerChat: time.Second}, true)
		waitIdle(t, s, time.Hour)

		sent := conn.SentTo(c)
		var texts []string
		for _, s := range sent {
			texts = append(texts, s.Reply.Text)
		}
		// The title's 7 runes and a blank line leave 31 for the text.
		want := []string{"dòng 1 chào đồng chí", "dòng 2 báo cáo\ndòng 3 tháng này", "dòng 4 xin cảm ơn", "sau đó"}
		if !slices.Equal(texts, want) {
			t.Fatalf("sent %q, want %q", texts, want)
		}
		if sent[0].Reply.Title != "Tiêu đề" || sent[1].Reply.Title != "" || sent[2].Reply.Title != "" {
			t.Error("title not on the first part only")
		}
		for i, s := range sent[:2] {
			if s.Reply.Choices != nil || s.Reply.Link != nil || s.Reply.Hint != "" {
				t.Errorf("part %d carries choices, hint or link", i+1)
			}
		}
		if sent[2].Reply.Choices == nil || sent[2].Reply.Link == nil || sent[2].Reply.Hint != "Chọn số" {
			t.Error("choices, hint or link missing from the last part")
		}
		if !failed.Load() {
			t.Fatal("the third part never failed")
		}
		// The failed part was retried after 1 s; the first was not resent.
		if d := sent[1].Time.Sub(sent[0].Time); d != 2*time.Second {
			t.Errorf("second part %v after the first, want 2s (1s gap, failure, 1s backoff)", d)
		}
		if res, _ := ob.Result(seqs[0]); res.Ref != sent[2].Ref {
			t.Errorf("long reply finished with ref %q, want the last part's %q", res.Ref, sent[2].Ref)
		}
	})
}

func TestSenderFinishFailureDoesNotResend(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		var fails atomic.Int32
		ob.FinishErr = func(uint64) error {
			if fails.Add(1) <= 3 {
				return errors.New("disk full")
			}
			return nil
		}
		ob.Enqueue(bot.Reply{Chat: tg(1), Text: "x"})
		s := start(t, ob, conn, bot.Limits{}, true)
		waitIdle(t, s, time.Hour)
		if n := len(conn.Sent()); n != 1 {
			t.Errorf("sent %d times, want once", n)
		}
	})
}

func TestSenderStopsWithSendsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		conn.Latency = time.Hour
		ob.Enqueue(bot.Reply{Chat: tg(1), Text: "x"}, bot.Reply{Chat: tg(2), Text: "y"})
		s := &bot.Sender{Outbox: ob, Conn: conn}
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- s.Run(ctx) }()
		time.Sleep(time.Minute)
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run = %v", err)
		}
		if n := ob.Len(); n != 2 {
			t.Errorf("%d envelopes left, want both (not finished without an answer)", n)
		}
	})
}

func TestSenderFinishesSendCompletedDuringStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		// A Send that ignores its context and succeeds after the stop.
		conn.Fail = func(int, bot.Reply) error { time.Sleep(time.Minute); return nil }
		ob.Enqueue(bot.Reply{Chat: tg(1), Text: "x"})
		s := &bot.Sender{Outbox: ob, Conn: conn}
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- s.Run(ctx) }()
		time.Sleep(time.Second)
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run = %v", err)
		}
		if len(conn.Sent()) != 1 || ob.Len() != 0 {
			t.Errorf("sent %d, %d left in the outbox; want the delivered envelope finished", len(conn.Sent()), ob.Len())
		}
	})
}

func TestSenderNotSetUp(t *testing.T) {
	if err := (&bot.Sender{}).Run(context.Background()); err == nil {
		t.Error("Run without outbox and conn succeeded")
	}
}

func TestCapsIsGroup(t *testing.T) {
	tg := bot.Caps{Platform: bot.Telegram, GroupPrefix: "-"}
	zalo := bot.Caps{Platform: bot.Zalo, GroupPrefix: "g:"}
	tests := []struct {
		caps bot.Caps
		chat bot.ChatID
		want bool
	}{
		{tg, bot.ChatID{Platform: bot.Telegram, ID: "-1001234"}, true},
		{tg, bot.ChatID{Platform: bot.Telegram, ID: "-42"}, true},
		{tg, bot.ChatID{Platform: bot.Telegram, ID: "42"}, false},
		{tg, bot.ChatID{Platform: bot.Zalo, ID: "-abc"}, false}, // another platform's chat
		{zalo, bot.ChatID{Platform: bot.Zalo, ID: "g:f00dbabe"}, true},
		{zalo, bot.ChatID{Platform: bot.Zalo, ID: "6ede9afa66b88fe6d6a9"}, false},
		{bot.Caps{Platform: bot.Console}, bot.ChatID{Platform: bot.Console, ID: "g-C01"}, false}, // no groups declared
	}
	for _, tt := range tests {
		if got := tt.caps.IsGroup(tt.chat); got != tt.want {
			t.Errorf("%+v.IsGroup(%v) = %v, want %v", tt.caps, tt.chat, got, tt.want)
		}
	}
}

// BenchmarkSenderRate broadcasts 10,000 envelopes, one per chat, through a
// Sender with Telegram's limits to a bottest.Conn that enforces 30 msg/s
// overall and 1 s per chat itself, in synctest virtual time. It reports the
// achieved rate over the allowed one (between the first and the last
// delivery), the 429s the Conn answered and the duplicate deliveries.
//
// synctest.Test needs a *testing.T, which a benchmark has not, so each
// iteration runs the broadcast as a test through testing.RunTests.
func BenchmarkSenderRate(b *testing.B) {
	const n, perSecond = 10000, 30
	var st broadcastStats
	for b.Loop() {
		ok := testing.RunTests(func(string, string) (bool, error) { return true, nil },
			[]testing.InternalTest{{Name: "BenchmarkSenderRate/broadcast", F: func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) { st = broadcast(t, n, perSecond) })
			}}})
		if !ok {
			b.Fatal("broadcast failed")
		}
	}
	b.ReportMetric(st.rate/perSecond, "rate/limit")
	b.ReportMetric(float64(st.throttled), "429s")
	b.ReportMetric(float64(st.dups), "dups")
	b.ReportMetric(st.virtual.Seconds(), "virtual-s")
}

type broadcastStats struct {
	rate      float64 // deliveries per second between the first and the last
	throttled int
	dups      int
	virtual   time.Duration // from the first enqueue until idle
}

// broadcast sends n replies to n chats under Telegram's limits.
func broadcast(t *testing.T, n, perSecond int) broadcastStats {
	limits := bot.Limits{PerSecond: float64(perSecond), PerChat: time.Second, PerGroup: 20, GroupWindow: time.Minute, MaxConcurrent: 8}
	ob, conn := bottest.NewOutbox(), bottest.NewConn()
	conn.Limits = bot.Limits{PerSecond: float64(perSecond), PerChat: time.Second}
	conn.Latency = 80 * time.Millisecond
	begin := time.Now()
	for i := range n {
		ob.Enqueue(bot.Reply{Chat: tg(100000 + i), Text: "Nhắc đồng chí báo cáo tháng " + strconv.Itoa(i)})
	}
	s := start(t, ob, conn, limits, true)
	waitIdle(t, s, 24*time.Hour)
	st := broadcastStats{throttled: conn.Throttled(), virtual: time.Since(begin)}
	sent := conn.Sent()
	seen := make(map[string]bool, len(sent))
	for _, s := range sent {
		if seen[s.Reply.Text] {
			st.dups++
		}
		seen[s.Reply.Text] = true
	}
	if len(seen) != n {
		t.Errorf("delivered %d distinct messages, want %d", len(seen), n)
	}
	if len(sent) > 1 {
		st.rate = float64(len(sent)-1) / sent[len(sent)-1].Time.Sub(sent[0].Time).Seconds()
	}
	return st
}
