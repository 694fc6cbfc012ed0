package bot_test

import (
	"context"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

// farConn is a bottest.Conn at a round trip from the Sender: a send
// arrives (is limited and recorded) half of rtt after it left and returns
// the other half later. It counts the sends in flight.
type farConn struct {
	*bottest.Conn
	rtt time.Duration

	mu       sync.Mutex
	inflight int
	peak     int
}

func (c *farConn) Send(ctx context.Context, r bot.Reply) (string, error) {
	c.mu.Lock()
	c.inflight++
	c.peak = max(c.peak, c.inflight)
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.inflight--
		c.mu.Unlock()
	}()
	time.Sleep(c.rtt / 2)
	ref, err := c.Conn.Send(ctx, r)
	time.Sleep(c.rtt - c.rtt/2)
	return ref, err
}

// latencyWave enqueues the unfavourable shape of a broadcast: 1,800
// private chats with one message, 150 with three, and 4 groups with 25
// (more than the 20 a minute a group takes). It returns every chat with the
// number of messages it gets.
func latencyWave(ob *bottest.Outbox) map[bot.ChatID]int {
	want := map[bot.ChatID]int{}
	add := func(c bot.ChatID, n int) {
		want[c] = n
		for i := range n {
			ob.Enqueue(bot.Reply{Chat: c, Text: text(c, i), Bulk: true})
		}
	}
	for i := range 4 {
		add(tg(-100-i), 25)
	}
	for i := range 150 {
		add(tg(5000+i), 3)
	}
	for i := range 1800 {
		add(tg(10000+i), 1)
	}
	return want
}

// drain runs a Sender over ob and conn until the outbox is empty.
func drain(t *testing.T, ob *bottest.Outbox, conn bot.Conn, l bot.Limits, log *slog.Logger) {
	t.Helper()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &bot.Sender{Outbox: ob, Conn: conn, Limits: l, Wake: ob.Wake(), Log: log}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	waitIdle(t, s, time.Hour)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// checkWave fails t unless every chat of want got its messages once and in
// order, at least a second apart, and no group more than 20 in a minute.
func checkWave(t *testing.T, conn *farConn, want map[bot.ChatID]int) {
	t.Helper()
	total := 0
	for c, n := range want {
		total += n
		got := conn.SentTo(c)
		if len(got) != n {
			t.Fatalf("chat %s got %d messages, want %d", c, len(got), n)
		}
		for i, m := range got {
			if m.Reply.Text != text(c, i) {
				t.Errorf("chat %s message %d is %q", c, i, m.Reply.Text)
			}
			if i > 0 && m.Time.Sub(got[i-1].Time) < time.Second {
				t.Errorf("chat %s: %v between two messages", c, m.Time.Sub(got[i-1].Time))
			}
			if i >= 20 && strings.HasPrefix(c.ID, "-") && m.Time.Sub(got[i-20].Time) < time.Minute {
				t.Errorf("group %s: 21 messages within %v", c, m.Time.Sub(got[i-20].Time))
			}
		}
	}
	if n := len(conn.Sent()); n != total {
		t.Errorf("%d sends, want %d (none repeated)", n, total)
	}
}

// TestSenderFullRateAtLatency broadcasts a wave with groups and several
// messages per chat, with Telegram's limits and the shipped bound on sends
// in flight, to a platform 0, 300 or 600 ms away that refuses any send over its
// limits. The Sender must reach 95 % of the allowed rate without a single
// 429, keep every chat's order and deliver each message once, and keep no
// more sends in flight than the rate times the round trip needs.
func TestSenderFullRateAtLatency(t *testing.T) {
	for _, rtt := range []time.Duration{0, 300 * time.Millisecond, 600 * time.Millisecond} {
		t.Run("rtt="+rtt.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ob := bottest.NewOutbox()
				conn := &farConn{Conn: bottest.NewConn(), rtt: rtt}
				conn.Limits = telegramLimits
				want := latencyWave(ob)
				drain(t, ob, conn, telegramLimits, nil)
				if n := conn.Throttled(); n != 0 {
					t.Errorf("%d sends answered 429", n)
				}
				checkWave(t, conn, want)
				sent := conn.Sent()
				if n := maxInWindow(sent, time.Second); n > 30 {
					t.Errorf("%d sends arrived within one second", n)
				}
				rate := float64(len(sent)-1) / sent[len(sent)-1].Time.Sub(sent[0].Time).Seconds()
				if rate < 0.95*30 {
					t.Errorf("%.2f messages/s at a %v round trip, want at least %.2f", rate, rtt, 0.95*30)
				}
				need := int(math.Ceil(30*rtt.Seconds())) + 2
				if conn.peak > need {
					t.Errorf("%d sends in flight, want at most %d (30/s × %v and a little)", conn.peak, need, rtt)
				}
			})
		})
	}
}

// TestSenderRetryAfterWithManyInFlight: with a 300 ms round trip about ten
// sends are in flight when the platform starts answering 429. Once two
// chats were told to wait, no send may start until the pause is over (the
// sends already on their way arrive); then the wave goes on at the full
// rate, each message delivered once and in order.
func TestSenderRetryAfterWithManyInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const rtt = 300 * time.Millisecond
		ob := bottest.NewOutbox()
		conn := &farConn{Conn: bottest.NewConn(), rtt: rtt}
		conn.Limits = telegramLimits
		begin := time.Now()
		var mu sync.Mutex
		var refused []time.Time // when the refused sends arrived
		conn.Fail = func(_ int, r bot.Reply) error {
			mu.Lock()
			defer mu.Unlock()
			if at := time.Since(begin); at >= 5*time.Second && at < 5*time.Second+100*time.Millisecond {
				refused = append(refused, time.Now())
				return &bot.SendError{Code: 429, RetryAfter: 3 * time.Second, Message: "Too Many Requests: retry after 3"}
			}
			return nil
		}
		want := latencyWave(ob)
		drain(t, ob, conn, telegramLimits, nil)

		if len(refused) < 2 {
			t.Fatalf("%d sends refused, want several", len(refused))
		}
		// The Sender learns of the second 429 half a round trip after it
		// arrived and pauses every chat for 3 s from then: what it sent
		// before arrives within the other half, nothing more until the
		// pause ends and the next send has travelled.
		quietFrom := refused[1].Add(rtt)
		quietTo := refused[1].Add(rtt + 3*time.Second)
		sent := conn.Sent()
		for _, m := range sent {
			if m.Time.After(quietFrom) && m.Time.Before(quietTo) {
				t.Errorf("a send arrived %v after the second 429, during the pause", m.Time.Sub(refused[1]))
			}
		}
		checkWave(t, conn, want)
	})
}

// TestSenderSaysWhenBoundHoldsRate: with 2 sends in flight at most and a
// 300 ms round trip, 30/s cannot be reached; the Sender says so once.
func TestSenderSaysWhenBoundHoldsRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob := bottest.NewOutbox()
		conn := &farConn{Conn: bottest.NewConn(), rtt: 300 * time.Millisecond}
		for i := range 40 {
			ob.Enqueue(bot.Reply{Chat: tg(100 + i), Text: "x"})
		}
		var logs bottest.Buffer
		limits := telegramLimits
		limits.MaxConcurrent = 2
		drain(t, ob, conn, limits, slog.New(slog.NewTextHandler(&logs, nil)))
		if n := strings.Count(logs.String(), "sends in flight reached their bound"); n != 1 {
			t.Errorf("told %d times that the bound holds the rate, want once:\n%s", n, logs.String())
		}
	})
}
