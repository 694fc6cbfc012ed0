package bot_test

import (
	"math/rand/v2"
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
