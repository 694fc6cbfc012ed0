package bot_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

// telegramLimits are Telegram's sending limits as the adapter declares them,
// with the shipped bound on sends in flight.
var telegramLimits = bot.Limits{PerSecond: 30, PerChat: time.Second, PerGroup: 20, GroupWindow: time.Minute,
	MaxConcurrent: bot.DefaultMaxConcurrent}

// telegramConn returns a Conn that answers 429 past 30 msg/s or 1 s per
// chat, with a Bot API's latency.
func telegramConn() *bottest.Conn {
	conn := bottest.NewConn()
	conn.Limits = bot.Limits{PerSecond: 30, PerChat: time.Second}
	conn.Latency = 80 * time.Millisecond
	return conn
}

// deliveredAt returns when the only message with text txt to chat was sent,
// failing t unless there was exactly one.
func deliveredAt(t *testing.T, conn *bottest.Conn, chat bot.ChatID, txt string) time.Time {
	t.Helper()
	var at []time.Time
	for _, s := range conn.SentTo(chat) {
		if s.Reply.Text == txt {
			at = append(at, s.Time)
		}
	}
	if len(at) != 1 {
		t.Fatalf("%q to %s delivered %d times, want once", txt, chat, len(at))
	}
	return at[0]
}

// TestSenderRepliesOvertakeBulkWave queues a reminder wave to 10,000
// members, then, mid-wave, answers two of them: one who got the reminder
// already and one whose reminder is still far back in the queue. Both
// answers must go out within 2 s (the wave ahead of them would take five
// minutes), and the wave must still reach everyone once, at the full rate,
// without a 429.
func TestSenderRepliesOvertakeBulkWave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 10000
		ob, conn := bottest.NewOutbox(), telegramConn()
		for i := range n {
			ob.Enqueue(bot.Reply{Chat: tg(100000 + i), Text: text(tg(100000+i), 0), Bulk: true})
		}
		s := start(t, ob, conn, telegramLimits, true)

		time.Sleep(30 * time.Second)
		early, late := tg(100000), tg(100000+n-1)
		queued := time.Now()
		ob.Enqueue(bot.Reply{Chat: early, Text: "trả lời 1"}, bot.Reply{Chat: late, Text: "trả lời 2"})
		time.Sleep(45 * time.Second)
		for _, c := range []bot.ChatID{early, late} {
			want := map[bot.ChatID]string{early: "trả lời 1", late: "trả lời 2"}[c]
			if d := deliveredAt(t, conn, c, want).Sub(queued); d > 2*time.Second {
				t.Errorf("reply to %s delivered %v after it was queued, want at most 2s", c, d)
			}
		}

		waitIdle(t, s, 24*time.Hour)
		sent := conn.Sent()
		if len(sent) != n+2 {
			t.Errorf("%d messages sent, want %d", len(sent), n+2)
		}
		seen := make(map[string]bool)
		for _, m := range sent {
			if seen[m.Reply.Text] {
				t.Errorf("%q sent twice", m.Reply.Text)
			}
			seen[m.Reply.Text] = true
		}
		for i := range n {
			if c := tg(100000 + i); !seen[text(c, 0)] {
				t.Fatalf("reminder to %s never sent", c)
			}
		}
		if got := conn.Throttled(); got != 0 {
			t.Errorf("%d 429s, want 0", got)
		}
		rate := float64(len(sent)-1) / sent[len(sent)-1].Time.Sub(sent[0].Time).Seconds()
		if rate < 0.95*30 {
			t.Errorf("wave sent at %.1f msg/s, want at least 95%% of 30", rate)
		}
	})
}

// TestSenderOrderPerChatPerKind interleaves bulk and non-bulk replies to a
// few chats, more bulk ones than the Sender holds at once, some of them long
// enough to be split, with sends of varying latency. Each chat must get
// every reply once, the replies of each kind in the order they were queued,
// and the parts of a split reply one after the other.
func TestSenderOrderPerChatPerKind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		conn.Fail = func(call int, r bot.Reply) error {
			time.Sleep(time.Duration(call%7+1) * 5 * time.Millisecond)
			return nil
		}
		const rounds = 1200
		chats := []bot.ChatID{tg(1), tg(2), tg(3), tg(4), tg(-5)}
		rng := rand.New(rand.NewPCG(1, 2))
		want := make(map[bot.ChatID]map[bool][]string)
		for _, c := range chats {
			want[c] = map[bool][]string{}
		}
		var mu sync.Mutex
		enqueue := func(i int) {
			for _, c := range chats {
				bulk := rng.IntN(4) != 0
				id := text(c, i)
				txt := id
				if i%50 == 0 {
					// Long enough to be split at MaxText 100; every line
					// names the reply, so every part does.
					txt += strings.Repeat("\n"+id+" dòng", 12)
				}
				mu.Lock()
				want[c][bulk] = append(want[c][bulk], id)
				mu.Unlock()
				ob.Enqueue(bot.Reply{Chat: c, Text: txt, Bulk: bulk})
			}
		}
		for i := range 800 {
			enqueue(i)
		}
		conn.Declared.MaxText = 100
		s := start(t, ob, conn, bot.Limits{MaxConcurrent: 3}, true)
		for i := 800; i < rounds; i++ {
			enqueue(i)
			if i%20 == 0 {
				time.Sleep(50 * time.Millisecond)
			}
		}
		waitIdle(t, s, time.Hour)

		split := 0
		for _, c := range chats {
			got := map[bool][]string{}
			done := map[string]bool{}
			prev := ""
			for _, m := range conn.SentTo(c) {
				id, _, _ := strings.Cut(m.Reply.Text, "\n")
				id = strings.TrimSuffix(id, " dòng")
				if id == prev {
					split++
					continue // the next part of the same reply
				}
				if done[id] {
					t.Fatalf("chat %s: %q sent again, or its parts not one after the other", c, id)
				}
				done[id], prev = true, id
				got[m.Reply.Bulk] = append(got[m.Reply.Bulk], id)
			}
			for _, bulk := range []bool{false, true} {
				if !slices.Equal(got[bulk], want[c][bulk]) {
					t.Errorf("chat %s bulk=%v: got %d replies, want %d in queue order", c, bulk, len(got[bulk]), len(want[c][bulk]))
				}
			}
		}
		if split == 0 {
			t.Error("no reply was split: the test does not test the parts")
		}
		if n := ob.Len(); n != 0 {
			t.Errorf("%d envelopes not finished", n)
		}
	})
}

// TestSenderBulkNotStarved keeps interactive replies coming at 20 msg/s for
// a minute, under a 30 msg/s limit, while a wave waits. Every reply must go
// out within 2 s, and the wave must take the 10 msg/s they leave.
func TestSenderBulkNotStarved(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const wave, perSecond, minute = 3000, 20, 60
		ob, conn := bottest.NewOutbox(), telegramConn()
		for i := range wave {
			ob.Enqueue(bot.Reply{Chat: tg(100000 + i), Text: text(tg(100000+i), 0), Bulk: true})
		}
		s := start(t, ob, conn, telegramLimits, true)
		begin := time.Now()
		queued := make(map[string]time.Time)
		for i := range perSecond * minute {
			c := tg(500000 + i)
			queued[text(c, 0)] = time.Now()
			ob.Enqueue(bot.Reply{Chat: c, Text: text(c, 0)})
			time.Sleep(time.Second / perSecond)
		}
		end := time.Now()
		bulk := 0
		for _, m := range conn.Sent() {
			switch {
			case m.Reply.Bulk && m.Time.Before(end):
				bulk++
			case !m.Reply.Bulk:
				if d := m.Time.Sub(queued[m.Reply.Text]); d > 2*time.Second {
					t.Errorf("%q sent %v after it was queued, want at most 2s", m.Reply.Text, d)
				}
			}
		}
		if want := int(0.9 * (30 - perSecond) * end.Sub(begin).Seconds()); bulk < want {
			t.Errorf("%d bulk replies sent during the interactive minute, want at least %d", bulk, want)
		}
		waitIdle(t, s, 24*time.Hour)
		if got, want := len(conn.Sent()), wave+perSecond*minute; got != want {
			t.Errorf("%d messages sent, want %d", got, want)
		}
		if got := conn.Throttled(); got != 0 {
			t.Errorf("%d 429s, want 0", got)
		}
	})
}
