package zalo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/bot/zalo"
	"lamtheo/bot/zalo/zalotest"
)

// styles are Zalo's two ways of sending errors: HTTP 200 with ok:false
// (the current host) and the matching HTTP status (the legacy host).
var styles = []struct {
	name string
	opts []zalotest.Option
}{
	{"HTTP 200", nil},
	{"matching status", []zalotest.Option{zalotest.WithMatchingStatus()}},
}

// inStyles runs test in a synctest bubble once per error style, with an
// in-process fake.
func inStyles(t *testing.T, test func(t *testing.T, f *zalotest.Server)) {
	for _, st := range styles {
		t.Run(st.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				test(t, zalotest.NewServer(t, append([]zalotest.Option{zalotest.InProcess()}, st.opts...)...))
			})
		})
	}
}

// toPresent moves a synctest bubble's clock, which starts in 2000, to
// 2026: dates in milliseconds before September 2001 are below 1e12 and read
// as seconds (translate's rule for Zalo's date). It returns the new now.
func toPresent() time.Time {
	time.Sleep(time.Until(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)))
	return time.Now()
}

// receive calls Receive and wants exactly one message.
func receive(t *testing.T, c *zalo.Conn) bot.Message {
	t.Helper()
	got, err := c.Receive(t.Context())
	if err != nil || len(got) != 1 {
		t.Fatalf("Receive = %+v, %v; want one message", got, err)
	}
	return got[0]
}

// nothing wants Receive to hand up nothing within d.
func nothing(t *testing.T, c *zalo.Conn, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	if got, err := c.Receive(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Receive = %+v, %v; want nothing", got, err)
	}
}

// Updates of every kind come out of the fake translated, one per Receive.
func TestReceive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		c := dial(t, f, zalo.Options{})
		now := toPresent()
		private := zalotest.Private(lan)
		tests := []struct {
			push func() string
			want bot.Message
		}{
			{func() string { return f.PushText(private, lan, "/dangky 12 việc tốt") },
				bot.Message{Chat: chat(lan.ID), From: user(lan.ID), FromName: "Lan", Kind: bot.KindText, Text: "/dangky 12 việc tốt"}},
			{func() string { return f.PushText(cell, binh, "/summary 11") },
				bot.Message{Chat: chat("g:" + cell.ID), Group: true, From: user(binh.ID), FromName: "Bình", Kind: bot.KindText, Text: "/summary 11"}},
			{func() string { return f.PushPhoto(private, lan, "https://photo.zdn.vn/cay.jpg", "Trồng cây") },
				bot.Message{Chat: chat(lan.ID), From: user(lan.ID), FromName: "Lan", Kind: bot.KindPhoto, PhotoID: "https://photo.zdn.vn/cay.jpg", Text: "Trồng cây"}},
			{func() string { return f.PushSticker(private, lan) },
				bot.Message{Chat: chat(lan.ID), From: user(lan.ID), FromName: "Lan", Kind: bot.KindOther}},
			{func() string { return f.PushUnsupported(zalotest.Private(binh), binh) },
				bot.Message{Chat: chat(binh.ID), From: user(binh.ID), FromName: "Bình", Kind: bot.KindOther}},
		}
		for i, tt := range tests {
			id := tt.push()
			want := tt.want
			want.Key, want.Time = id, now
			if got := receive(t, c); got != want {
				t.Errorf("update %d:\n got %+v\nwant %+v", i, got, want)
			}
			if err := c.Ack(t.Context(), want); err != nil {
				t.Fatal(err)
			}
		}
		if n := f.Calls("getUpdates"); n != len(tests) {
			t.Errorf("%d getUpdates calls, want %d", n, len(tests))
		}
	})
}

// With nothing to receive, getUpdates is called about once per PollTimeout:
// no busy loop and not a line of warning.
func TestReceiveIdle(t *testing.T) {
	inStyles(t, func(t *testing.T, f *zalotest.Server) {
		var logs bottest.Buffer
		c := dial(t, f, zalo.Options{Log: logger(&logs)})
		nothing(t, c, 10*time.Minute)
		t.Logf("%d polls in 10 idle minutes", f.Calls("getUpdates"))
		if n := f.Calls("getUpdates"); n < 20 || n > 21 {
			t.Errorf("%d polls in 10 minutes with a 30 s poll timeout, want 20 or 21", n)
		}
		if out := logs.String(); strings.Contains(out, "level=WARN") || strings.Contains(out, "level=ERROR") || strings.Contains(out, "level=INFO") {
			t.Errorf("idle polls logged:\n%s", out)
		}
	})
}

// A server (or proxy) that answers every poll at once, idle, must not make
// Receive spin: the polls are spaced out, up to one per PollTimeout.
func TestReceiveInstantIdle(t *testing.T) {
	for _, fault := range []zalotest.Fault{{Code: 408, Description: "Request timeout"}, {Code: 408, Status: 408}} {
		synctest.Test(t, func(t *testing.T) {
			f := zalotest.NewServer(t, zalotest.InProcess())
			f.FailWith(func(call zalotest.Call) *zalotest.Fault {
				if call.Method == "getUpdates" {
					return &fault
				}
				return nil
			})
			var logs bottest.Buffer
			c := dial(t, f, zalo.Options{Log: logger(&logs)})
			nothing(t, c, 10*time.Minute)
			t.Logf("%d polls in 10 minutes against an instant 408", f.Calls("getUpdates"))
			// 1, 2, 4, 8, 16 s, then every 30 s: 5 + 19 polls and one.
			if n := f.Calls("getUpdates"); n > 26 {
				t.Errorf("%d polls in 10 minutes against an instant 408", n)
			}
			out := logs.String()
			if strings.Count(out, "level=INFO") != 1 || strings.Contains(out, "level=WARN") || strings.Contains(out, "level=ERROR") {
				t.Errorf("want one info line:\n%s", out)
			}
		})
	}
}

// Failed polls back off from 1 s doubling to 1 min, and each episode is
// logged once (plus one line when polling resumes).
func TestReceiveFailures(t *testing.T) {
	html := zalotest.Fault{Status: 502, Body: "<html><body>502 Bad Gateway</body></html>"}
	tests := []struct {
		name   string
		faults []zalotest.Fault
		opts   zalo.Options
		wait   time.Duration // virtual time until the update arrives
		logs   map[string]int
	}{
		{"connection dropped mid-poll", []zalotest.Fault{{Drop: true, Delay: 10 * time.Second}},
			zalo.Options{}, 10*time.Second + 1*time.Second,
			map[string]int{"getUpdates failing": 1, "polling resumed": 1}},
		{"5xx JSON, a proxy's HTML page, a plain text body", []zalotest.Fault{{Code: 500}, {Code: 503, Status: 503}, html, {Status: 200, Body: "OK"}},
			zalo.Options{}, (1 + 2 + 4 + 8) * time.Second,
			map[string]int{"getUpdates failing": 1, "polling resumed": 1, "level=WARN": 1}},
		{"backoff is capped at 1 min", []zalotest.Fault{{Code: 500}, {Code: 500}, {Code: 500}, {Code: 500}, {Code: 500}, {Code: 500}, {Code: 500}, {Code: 500}},
			zalo.Options{}, (1 + 2 + 4 + 8 + 16 + 32 + 60 + 60) * time.Second,
			map[string]int{"getUpdates failing": 1, "level=WARN": 1}},
		{"stalled poll times out", []zalotest.Fault{{Hang: true}},
			zalo.Options{PollTimeout: 2 * time.Second, RequestTimeout: 3 * time.Second}, 5*time.Second + 1*time.Second,
			map[string]int{"getUpdates failing": 1}},
		{"429 waits 30 s, doubling", []zalotest.Fault{{Code: 429, Description: "Quota exceeded"}, {Code: 429}},
			zalo.Options{}, (30 + 60) * time.Second,
			map[string]int{"rate limited": 1, "polling resumed": 1}},
		{"refused while a webhook is set", []zalotest.Fault{{Code: 400, Description: "getUpdates is not available while a webhook is set"}},
			zalo.Options{}, time.Second,
			map[string]int{"msg=\"zalo getUpdates refused: a webhook is set": 1, "level=ERROR": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inStyles(t, func(t *testing.T, f *zalotest.Server) {
				var logs bottest.Buffer
				o := tt.opts
				o.Log = logger(&logs)
				c := dial(t, f, o)
				for _, fault := range tt.faults {
					f.FailNext("getUpdates", 1, fault)
				}
				f.PushText(zalotest.Private(lan), lan, "x")
				start := time.Now()
				receive(t, c)
				if d := time.Since(start); d != tt.wait {
					t.Errorf("update arrived after %v, want %v", d, tt.wait)
				}
				if n := f.Calls("getUpdates"); n != len(tt.faults)+1 {
					t.Errorf("%d polls, want %d", n, len(tt.faults)+1)
				}
				out := logs.String()
				for text, n := range tt.logs {
					if got := strings.Count(out, text); got != n {
						t.Errorf("log %q %d times, want %d:\n%s", text, got, n, out)
					}
				}
			})
		})
	}
}

// Cancelling the context aborts a parked long poll at once, over real TCP.
func TestReceiveCancel(t *testing.T) {
	f := zalotest.NewServer(t)
	c, err := zalo.New(t.Context(), zalo.Options{Token: f.Token, Endpoint: f.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := c.Receive(ctx)
		done <- err
	}()
	if err := f.WaitPolling(t.Context()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Receive = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Receive did not return after cancel")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Receive took %v to return after cancel", d)
	}
}

// Cancelling during a backoff returns at once.
func TestReceiveCancelDuringBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		c := dial(t, f, zalo.Options{})
		f.FailNext("getUpdates", 1, zalotest.Fault{Code: 429})
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		start := time.Now()
		if _, err := c.Receive(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Receive = %v", err)
		}
		if d := time.Since(start); d != 3*time.Second {
			t.Errorf("returned after %v, want 3s", d)
		}
	})
}

// The same update delivered twice is handed up once.
func TestReceiveRedelivery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess(), zalotest.WithRedelivery())
		c := dial(t, f, zalo.Options{})
		id := f.PushText(zalotest.Private(lan), lan, "một lần")
		if m := receive(t, c); m.Key != id {
			t.Fatalf("got %+v", m)
		}
		nothing(t, c, time.Minute)
		if n := f.Pending(); n != 0 {
			t.Errorf("the redelivery was not polled: %d pending", n)
		}
		f.Redeliver(id)
		f.PushText(zalotest.Private(lan), lan, "hai")
		if m := receive(t, c); m.Text != "hai" {
			t.Errorf("after a late redelivery got %+v", m)
		}
	})
}

// The bot's own messages, echoed back as updates, are skipped.
func TestReceiveSelfEcho(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess(), zalotest.WithSelfEcho())
		c := dial(t, f, zalo.Options{})
		f.PushText(cell, lan, "/summary")
		receive(t, c)
		for _, r := range []bot.Reply{{Chat: chat("g:" + cell.ID), Text: "Tổng hợp tháng 11"}, {Chat: chat(lan.ID), Photo: "https://p.example/a.jpg", Text: "Ảnh"}} {
			if _, err := c.Send(t.Context(), r); err != nil {
				t.Fatal(err)
			}
		}
		if f.Pending() != 2 {
			t.Fatalf("%d echoes queued, want 2", f.Pending())
		}
		f.PushText(zalotest.Private(binh), binh, "sau")
		if m := receive(t, c); m.Text != "sau" {
			t.Errorf("got %+v, want the echoes skipped", m)
		}
	})
}

// Of a chat's stickers and unsupported contents only the first within 10
// minutes is handed up, so the bot answers a flood once.
func TestReceiveStickerFlood(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		c := dial(t, f, zalo.Options{})
		private := zalotest.Private(lan)
		first := f.PushSticker(private, lan)
		if m := receive(t, c); m.Key != first || m.Kind != bot.KindOther {
			t.Fatalf("got %+v", m)
		}
		for range 3 {
			time.Sleep(time.Minute)
			f.PushSticker(private, lan)
			f.PushUnsupported(private, lan)
		}
		other := f.PushSticker(zalotest.Private(binh), binh) // another chat
		if m := receive(t, c); m.Key != other {
			t.Errorf("got %+v, want the other chat's sticker", m)
		}
		f.PushText(private, lan, "chữ")
		if m := receive(t, c); m.Text != "chữ" {
			t.Errorf("got %+v, want the text", m)
		}
		time.Sleep(7 * time.Minute) // 10 minutes after the first
		later := f.PushSticker(private, lan)
		if m := receive(t, c); m.Key != later {
			t.Errorf("got %+v, want the sticker 10 minutes later", m)
		}
	})
}

// A token revoked while the Conn runs: Receive retries with backoff, logs an
// error at most once a minute and gives up after 10 minutes.
func TestReceiveUnauthorized(t *testing.T) {
	inStyles(t, func(t *testing.T, f *zalotest.Server) {
		var logs bottest.Buffer
		c := dial(t, f, zalo.Options{Log: logger(&logs)})
		f.Revoke()
		start := time.Now()
		_, err := c.Receive(t.Context())
		d := time.Since(start)
		if err == nil || !strings.Contains(err.Error(), `zalo bot "zalo.xa1"`) || !strings.Contains(err.Error(), "401") ||
			strings.Contains(err.Error(), f.Token) {
			t.Fatalf("Receive = %v", err)
		}
		if d < 10*time.Minute || d > 11*time.Minute {
			t.Errorf("gave up after %v, want about 10 minutes", d)
		}
		out := logs.String()
		t.Logf("gave up after %v: %d polls, %d error lines: %v", d, f.Calls("getUpdates"), strings.Count(out, "level=ERROR"), err)
		if n := strings.Count(out, "level=ERROR"); n < 5 || n > 11 {
			t.Errorf("%d error lines in 10 minutes, want one a minute at most:\n%s", n, out)
		}
		if n := f.Calls("getUpdates"); n > 20 {
			t.Errorf("%d polls in 10 minutes with a rejected token", n)
		}
	})
}

// A token restored within 10 minutes: Receive carries on.
func TestReceiveUnauthorizedRecovers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		var logs bottest.Buffer
		c := dial(t, f, zalo.Options{Log: logger(&logs)})
		f.Revoke()
		f.PushText(zalotest.Private(lan), lan, "vẫn đây")
		go func() {
			time.Sleep(3 * time.Minute)
			f.Restore()
		}()
		if m := receive(t, c); m.Text != "vẫn đây" {
			t.Errorf("got %+v", m)
		}
		if out := logs.String(); !strings.Contains(out, "polling resumed") {
			t.Errorf("no resume logged:\n%s", out)
		}
	})
}
