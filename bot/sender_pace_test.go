package bot_test

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

// maxInWindow returns the most sends in any window of length w (a send at
// the end of a window is outside it, like the Conn counts).
func maxInWindow(sent []bottest.Sent, w time.Duration) int {
	most, j := 0, 0
	for i := range sent {
		for sent[i].Time.Sub(sent[j].Time) >= w {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

// TestSenderSlidingSecond sends bursts after idle periods through a Conn
// that counts sends when they arrive, a few milliseconds after the Sender
// sent them (the network's jitter), and answers 429 past its limits in any
// sliding second. The Sender must keep at most PerSecond sends in every
// sliding second as the platform counts them, without a 429, and still
// deliver at close to the full rate.
func TestSenderSlidingSecond(t *testing.T) {
	for _, tt := range []struct {
		name      string
		perSecond float64
		want      int // most sends in any sliding second
		minRate   float64
	}{
		{"30 per second", 30, 30, 0.95 * 30},
		{"2.5 per second", 2.5, 2, 0.95 * 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ob, conn := bottest.NewOutbox(), bottest.NewConn()
				conn.Limits = bot.Limits{PerSecond: tt.perSecond, PerChat: time.Second}
				var mu sync.Mutex
				rng := rand.New(rand.NewPCG(12, 12))
				conn.Fail = func(int, bot.Reply) error {
					mu.Lock()
					d := time.Duration(rng.IntN(10_000)) * time.Microsecond
					mu.Unlock()
					time.Sleep(d) // on its way to the platform
					return nil
				}
				conn.Latency = 60 * time.Millisecond
				limits := bot.Limits{PerSecond: tt.perSecond, PerChat: time.Second, MaxConcurrent: 8}
				s := start(t, ob, conn, limits, true)
				const burst = 150
				var sent []bottest.Sent
				for round := range 3 {
					time.Sleep(time.Minute) // idle
					for i := range burst {
						c := tg(1000*round + i)
						ob.Enqueue(bot.Reply{Chat: c, Text: text(c, 0)})
					}
					waitIdle(t, s, time.Hour)
					all := conn.Sent()
					wave := all[len(sent):]
					sent = all
					if len(wave) != burst {
						t.Fatalf("round %d: %d sent, want %d", round, len(wave), burst)
					}
					rate := float64(len(wave)-1) / wave[len(wave)-1].Time.Sub(wave[0].Time).Seconds()
					if rate < tt.minRate {
						t.Errorf("round %d: %.2f msg/s, want at least %.2f", round, rate, tt.minRate)
					}
				}
				if n := maxInWindow(sent, time.Second); n > tt.want {
					t.Errorf("%d sends arrived within one sliding second, want at most %d", n, tt.want)
				}
				if n := conn.Throttled(); n != 0 {
					t.Errorf("%d sends answered 429", n)
				}
			})
		})
	}
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
