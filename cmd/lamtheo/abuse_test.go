package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot/telegram/telegramtest"
)

// TestStrangerFloodDelaysNobody has a stranger send 5,000 wrong /join
// codes through the fake Telegram Bot API (Telegram's limits enforced),
// the whole pipeline answering each; then a member of nothing else asks for
// /help. The answer must go out within a second, as Telegram's limits
// allow, not after the stranger's answers (at 1 message a second, 83
// minutes of them). The stranger's answers keep their order. (Flood
// control at the door may answer the stranger less; the Sender must be
// fair anyway.)
func TestStrangerFloodDelaysNobody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const flood = 5000
		f := telegramtest.NewServer(t, telegramtest.InProcess(), telegramtest.WithLimits(telegramtest.DefaultLimits()))
		w := newTGWorld(t, f, t.TempDir())
		defer w.stop()
		stranger := telegramtest.User{ID: 666, FirstName: "Lạ"}
		for i := range flood {
			f.PushText(telegramtest.Private(stranger), stranger, fmt.Sprintf("/join SAI%04d", i))
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if n := f.Pending(); n != 0 {
			t.Fatalf("%d of the stranger's updates not fetched after 10 s", n)
		}
		lan := telegramtest.Private(tgLan)
		asked := time.Now()
		f.PushText(lan, tgLan, "/help")
		for len(f.Sent(lan.ID)) == 0 && time.Since(asked) < 2*time.Minute {
			time.Sleep(100 * time.Millisecond)
		}
		got := f.Sent(lan.ID)
		if len(got) == 0 {
			t.Fatalf("no answer to /help within 2 minutes behind %d answers to a stranger (%d of them sent)", flood, len(f.Sent(stranger.ID)))
		}
		delay := got[0].Time.Sub(asked)
		if delay > time.Second {
			t.Errorf("/help answered %v after it was sent, want at most 1s", delay)
		}
		// The answers that name a code name them in order (a limit on
		// attempts may answer some differently).
		answers, last := f.Sent(stranger.ID), -1
		for i, m := range answers {
			_, code, ok := strings.Cut(m.Plain, "SAI")
			if !ok || len(code) < 4 {
				continue
			}
			n, err := strconv.Atoi(code[:4])
			if err != nil || n <= last {
				t.Fatalf("the stranger's answer %d is %q, after the one about SAI%04d: out of order", i+1, m.Plain, last)
			}
			last = n
		}
		if n := f.TooManyRequests(); n != 0 {
			t.Errorf("%d 429s", n)
		}
		t.Logf("/help answered %v after it was sent, behind %d answers to a stranger (%d sent so far)", delay, flood, len(answers))
	})
}

// TestTelegramStrangerFlood (finding 1): a stranger sends 2,000 wrong
// /join codes, then Lan asks for /help: her answer comes within the
// platform's own pace (seconds, not the stranger's backlog), the stranger
// gets a handful of answers and one notice, and every update is confirmed.
func TestTelegramStrangerFlood(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		f.EnforceLimits(telegramtest.DefaultLimits())
		w := newTGWorld(t, f, t.TempDir())
		defer func() { w.stop() }()
		stranger := telegramtest.User{ID: 666, FirstName: "Người", LastName: "Lạ"}
		for i := range 2000 {
			f.PushText(telegramtest.Private(stranger), stranger, fmt.Sprintf("/join ZZ%04d", i))
		}
		time.Sleep(time.Second)
		synctest.Wait()
		asked := time.Now()
		last := f.PushText(telegramtest.Private(tgLan), tgLan, "/help")
		var answered time.Time
		for range 600 {
			time.Sleep(time.Second)
			synctest.Wait()
			if sent := f.Sent(tgLan.ID); len(sent) > 0 {
				answered = sent[0].Time
				break
			}
		}
		if answered.IsZero() || answered.Sub(asked) > 10*time.Second {
			t.Fatalf("Lan's /help answered after %v (zero: not within 10 minutes)", answered.Sub(asked))
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		sent := f.Sent(stranger.ID)
		if len(sent) > 25 || len(sent) == 0 || !strings.Contains(sent[len(sent)-1].Plain, "gửi nhanh quá") {
			t.Errorf("the stranger got %d replies, the last %q; want about 20 and the notice", len(sent), sent[len(sent)-1].Plain)
		}
		if got := f.Confirmed(); got < last {
			t.Errorf("confirmed up to %d, want %d (every update)", got, last)
		}
	})
}
