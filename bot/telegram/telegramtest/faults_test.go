package telegramtest

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// TestFaultsAfterEffect injects faults after a call took effect: the
// message is delivered, and the client gets an error or a hang instead of
// its result, so sending again repeats it. Each is recorded as such.
func TestFaultsAfterEffect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewServer(t, InProcess())
		b := inProcessBot(t, f, 10*time.Second)
		f.FailNext("sendMessage", 1, Fault{Code: 500, After: true})
		f.FailNext("sendMessage", 1, Fault{Hang: true, After: true})
		_, err := b.Send(tgbotapi.NewMessage(501, "một"))
		var te *tgbotapi.Error
		if !errors.As(err, &te) || te.Code != 500 {
			t.Errorf("500 after effect: err = %v", err)
		}
		start := time.Now()
		_, err = b.Send(tgbotapi.NewMessage(501, "hai"))
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 10*time.Second {
			t.Errorf("hang after effect: err = %v after %v, want the client's deadline after 10s", err, time.Since(start))
		}
		var got []string
		for _, m := range f.Sent(501) {
			got = append(got, m.Text)
		}
		if !slices.Equal(got, []string{"một", "hai"}) {
			t.Errorf("delivered %q, want both messages despite the faults", got)
		}
		errs := f.Errors()
		if len(errs) != 2 || !errs[0].After || errs[0].Code != 500 || !errs[1].After || !errs[1].Hang {
			t.Errorf("errors = %+v, want a 500 and a hang, both after the effect", errs)
		}
	})
}

func TestFaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewServer(t, InProcess())
		b := inProcessBot(t, f, 10*time.Second)
		msg := tgbotapi.NewMessage(501, "x")

		f.FailNext("sendMessage", 1, Fault{Code: 429, RetryAfter: 7})
		f.FailNext("", 1, Fault{Code: 500})
		_, err := b.Send(msg)
		var te *tgbotapi.Error
		if !errors.As(err, &te) || te.Code != 429 || te.RetryAfter != 7 || !strings.Contains(te.Message, "retry after 7") {
			t.Errorf("429: err = %#v", err)
		}
		_, err = b.Send(msg)
		if !errors.As(err, &te) || te.Code != 500 {
			t.Errorf("500: err = %v", err)
		}

		f.FailNext("sendMessage", 1, Fault{Hang: true})
		start := time.Now()
		_, err = b.Send(msg)
		var ue *url.Error
		if !errors.As(err, &ue) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("hang: err = %v, want a url.Error with a deadline", err)
		}
		if d := time.Since(start); d != 10*time.Second {
			t.Errorf("hang lasted %v, want the client's 10s", d)
		}

		if _, err := b.Send(msg); err != nil {
			t.Errorf("after the faults: %v", err)
		}
		if n := len(f.Sent(501)); n != 1 {
			t.Errorf("sent %d messages, want 1", n)
		}
		if errs := f.Errors(); len(errs) != 2 || errs[0].Method != "sendMessage" || errs[0].RetryAfter != 7 {
			t.Errorf("errors = %+v", errs)
		}
		if f.TooManyRequests() != 1 || f.Calls("sendMessage") != 4 {
			t.Errorf("429s = %d, calls = %d", f.TooManyRequests(), f.Calls("sendMessage"))
		}

		f.Block(502)
		_, err = b.Send(tgbotapi.NewMessage(502, "x"))
		if !errors.As(err, &te) || te.Code != 403 || !strings.Contains(te.Message, "blocked") {
			t.Errorf("blocked: err = %v", err)
		}
	})
}

func TestFailRandomly(t *testing.T) {
	run := func() (failed int) {
		f := NewServer(t, InProcess())
		b := inProcessBot(t, f, 0)
		f.FailRandomly(0.2, 7, []Fault{{Code: 500}})
		for range 500 {
			if _, err := b.Send(tgbotapi.NewMessage(501, "x")); err != nil {
				failed++
			}
		}
		return failed
	}
	a, b := run(), run()
	if a != b {
		t.Errorf("same seed, different failures: %d vs %d", a, b)
	}
	if a < 70 || a > 130 {
		t.Errorf("%d of 500 failed, want about 100", a)
	}
}
