package telegramtest

import (
	"testing"
	"testing/synctest"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// TestLatency: a call arrives half a round trip after it left, is recorded
// and counted then, and returns a whole round trip after it left; a client
// that gives up before the call arrives delivers nothing.
func TestLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewServer(t, InProcess(), WithLatency(300*time.Millisecond))
		b := inProcessBot(t, f, 0) // getMe took a round trip
		start := time.Now()
		if _, err := b.Send(tgbotapi.NewMessage(1000, "x")); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 300*time.Millisecond {
			t.Errorf("send took %v, want 300ms", d)
		}
		if at := f.AllSent()[0].Time.Sub(start); at != 150*time.Millisecond {
			t.Errorf("message recorded %v after the send, want 150ms", at)
		}
		short := inProcessBot(t, f, 500*time.Millisecond)
		f.SetLatency(2 * time.Second)
		if _, err := short.Send(tgbotapi.NewMessage(1001, "y")); err == nil {
			t.Error("a call abandoned on its way succeeded")
		}
		time.Sleep(5 * time.Second)
		if n := len(f.AllSent()); n != 1 {
			t.Errorf("%d messages recorded, want 1 (the abandoned one never arrived)", n)
		}
	})
}
