package telegramtest

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewServer(t, InProcess(), WithLimits(DefaultLimits()))
		b := inProcessBot(t, f, 0)
		send := func(chat int64) *tgbotapi.Error {
			_, err := b.Send(tgbotapi.NewMessage(chat, "x"))
			var te *tgbotapi.Error
			if err != nil && !errors.As(err, &te) {
				t.Fatalf("send: %v", err)
			}
			return te
		}
		// 30 chats at one instant pass, the 31st does not.
		for i := range 30 {
			if te := send(int64(1000 + i)); te != nil {
				t.Fatalf("send %d: %v", i, te)
			}
		}
		if te := send(2000); te == nil || te.Code != 429 || te.RetryAfter != 1 {
			t.Errorf("31st send in a second: %v, want 429 retry after 1", te)
		}
		time.Sleep(time.Second)
		// One chat: a second message within a second is refused.
		if te := send(1000); te != nil {
			t.Errorf("after a second: %v", te)
		}
		time.Sleep(500 * time.Millisecond)
		if te := send(1000); te == nil || te.RetryAfter != 1 {
			t.Errorf("second message to a chat within 1s: %v", te)
		}
		// A group takes 20 a minute.
		for i := range 20 {
			time.Sleep(time.Second)
			if te := send(group.ID); te != nil {
				t.Fatalf("group send %d: %v", i, te)
			}
		}
		time.Sleep(time.Second)
		if te := send(group.ID); te == nil || te.RetryAfter != 40 {
			t.Errorf("21st group send in a minute: %v, want retry after 40", te)
		}
		if f.TooManyRequests() != 3 {
			t.Errorf("429s = %d, want 3", f.TooManyRequests())
		}
	})
}

// A sender pacing at exactly 30 a second, with the rounding of 1/30 s,
// is never refused.
func TestLimitsExactPace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewServer(t, InProcess(), WithLimits(DefaultLimits()))
		b := inProcessBot(t, f, 0)
		gap := time.Second / 30 // 33.333333ms, rounded down
		for i := range 300 {
			if _, err := b.Send(tgbotapi.NewMessage(int64(1000+i), "x")); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
			time.Sleep(gap)
		}
		// Twice as fast is refused about half of the time.
		for i := range 60 {
			b.Send(tgbotapi.NewMessage(int64(5000+i), "x"))
			time.Sleep(gap / 2)
		}
		if n := f.TooManyRequests(); n < 25 || n > 35 {
			t.Errorf("%d of 60 sends at 60/s refused, want about 30", n)
		}
	})
}
