package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
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
