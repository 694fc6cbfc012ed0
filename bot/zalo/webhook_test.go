package zalo_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/bot/zalo"
	"lamtheo/bot/zalo/zalotest"
)

const secret = "s3cret-webhook-value"

// hooked connects a Conn in webhook mode to an in-process fake.
func hooked(t *testing.T, logs *bottest.Buffer) (*zalotest.Server, *zalo.Conn) {
	t.Helper()
	f := zalotest.NewServer(t, zalotest.InProcess())
	o := zalo.Options{WebhookURL: "https://lamtheo.example/zalo/xa1", WebhookSecret: secret}
	if logs != nil {
		o.Log = logger(logs)
	}
	return f, dial(t, f, o)
}

// answer is a webhook response read in full.
type answer struct {
	status int
	body   string
}

func read(resp *http.Response) answer {
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(b)}
}

// post delivers body with secret in its own goroutine; the answer arrives
// on the returned channel.
func post(ctx context.Context, h http.Handler, secret string, body []byte) <-chan answer {
	ch := make(chan answer, 1)
	go func() { ch <- read(zalotest.PostWebhook(ctx, h, secret, body)) }()
	return ch
}

// answered reports the answer if there is one already.
func answered(ch <-chan answer) (answer, bool) {
	select {
	case a := <-ch:
		return a, true
	default:
		return answer{}, false
	}
}

var okAnswer = answer{200, `{"message":"Success"}`}

// Requests without the right secret are refused before anything else, and
// the secret they carried is not logged.
func TestWebhookRefuses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bottest.Buffer
		f, c := hooked(t, &logs)
		u := f.Text(zalotest.Private(lan), lan, "x").Bare()
		tests := []struct {
			name   string
			req    func() *http.Request
			status int
		}{
			{"wrong secret", func() *http.Request { return webhookReq(http.MethodPost, "wrong-secret-value", u) }, 403},
			{"secret with a suffix", func() *http.Request { return webhookReq(http.MethodPost, secret+"x", u) }, 403},
			{"missing secret", func() *http.Request { return webhookReq(http.MethodPost, "", u) }, 403},
			{"GET with a wrong secret", func() *http.Request { return webhookReq(http.MethodGet, "nope-nope-nope", nil) }, 403},
			{"GET", func() *http.Request { return webhookReq(http.MethodGet, secret, nil) }, 405},
			{"body over 1 MiB", func() *http.Request {
				big := `{"event_name":"message.text.received","message":{"text":"` + strings.Repeat("a", 1<<20) + `"}}`
				return webhookReq(http.MethodPost, secret, []byte(big))
			}, 413},
			{"not JSON", func() *http.Request { return webhookReq(http.MethodPost, secret, []byte("<html>")) }, 400},
		}
		for _, tt := range tests {
			rec := httptest.NewRecorder()
			c.ServeHTTP(rec, tt.req())
			if rec.Code != tt.status {
				t.Errorf("%s: status %d, want %d", tt.name, rec.Code, tt.status)
			}
		}
		nothing(t, c, time.Minute)
		out := logs.String()
		if strings.Count(out, "wrong or missing secret") != 4 || strings.Contains(out, "wrong-secret") || strings.Contains(out, "nope") {
			t.Errorf("logs:\n%s", out)
		}
	})
}

func webhookReq(method, secret string, body []byte) *http.Request {
	var r io.Reader
	if body != nil {
		r = strings.NewReader(string(body))
	}
	req := httptest.NewRequest(method, "https://lamtheo.example/zalo/xa1", r)
	if secret != "" {
		req.Header.Set(zalotest.SecretHeader, secret)
	}
	return req
}

// A polling Conn refuses every webhook delivery: it has no secret.
func TestWebhookRefusedWhilePolling(t *testing.T) {
	f := zalotest.NewServer(t)
	c := dial(t, f, zalo.Options{})
	for _, s := range []string{"", secret} {
		if a := read(zalotest.PostWebhook(t.Context(), c, s, []byte(`{}`))); a.status != 403 {
			t.Errorf("secret %q: %+v", s, a)
		}
	}
}

// Zalo's verification ping (no event_name) is answered 200 at once, and
// nothing is handed up.
func TestWebhookPing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, c := hooked(t, nil)
		for _, body := range []string{"", "{}", `{"message":"ping"}`, `{"ok":true,"result":null}`, `{"event_name":"user.follow"}`} {
			if a := read(zalotest.PostWebhook(t.Context(), c, secret, []byte(body))); a != okAnswer {
				t.Errorf("ping %q: %+v", body, a)
			}
		}
		nothing(t, c, time.Minute)
	})
}

// An update is handed to Receive, and the 200 comes only once Ack says it
// was committed; bare and enveloped bodies alike.
func TestWebhookAnswersAfterAck(t *testing.T) {
	for _, shape := range []string{"bare", "enveloped"} {
		synctest.Test(t, func(t *testing.T) {
			f, c := hooked(t, nil)
			toPresent()
			u := f.Text(cell, binh, "/summary")
			body := u.Bare()
			if shape == "enveloped" {
				body = u.Enveloped()
			}
			ch := post(t.Context(), c, secret, body)
			got := receive(t, c)
			want := bot.Message{Key: u.ID(), Chat: chat("g:" + cell.ID), Group: true, From: user(binh.ID), FromName: "Bình",
				Kind: bot.KindText, Text: "/summary", Time: time.Now()}
			if got != want {
				t.Errorf("%s:\n got %+v\nwant %+v", shape, got, want)
			}
			time.Sleep(5 * time.Second) // the handler commits slowly
			synctest.Wait()
			if a, ok := answered(ch); ok {
				t.Fatalf("%s: answered %+v before the commit", shape, a)
			}
			c.Ack(t.Context(), got)
			if a := <-ch; a != okAnswer {
				t.Errorf("%s: %+v", shape, a)
			}
		})
	}
}

// Never acked: 503 after the deadline, so Zalo may deliver it again; a
// delivery nobody receives is withdrawn and handed up when it comes again.
func TestWebhookDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bottest.Buffer
		f, c := hooked(t, &logs)
		u := f.Text(zalotest.Private(lan), lan, "chậm")

		// Nobody calls Receive.
		start := time.Now()
		if a := read(zalotest.PostWebhook(t.Context(), c, secret, u.Bare())); a.status != 503 || time.Since(start) != 8*time.Second {
			t.Errorf("unreceived: %+v after %v", a, time.Since(start))
		}
		// Redelivered: received this time, but the commit fails.
		ch := post(t.Context(), c, secret, u.Bare())
		m := receive(t, c)
		if m.Key != u.ID() {
			t.Fatalf("got %+v", m)
		}
		if a := <-ch; a.status != 503 {
			t.Errorf("unacked: %+v", a)
		}
		// Zalo tries again while the first is still being handled: it waits
		// for the same commit, and is not handed up twice.
		ch = post(t.Context(), c, secret, u.Bare())
		synctest.Wait()
		c.Ack(t.Context(), m)
		if a := <-ch; a != okAnswer {
			t.Errorf("redelivery after the late commit: %+v", a)
		}
		nothing(t, c, time.Minute)
		if n := strings.Count(logs.String(), "not committed in time"); n != 2 {
			t.Errorf("%d 503s logged, want 2:\n%s", n, logs.String())
		}
	})
}

// The same update delivered twice at once is handed up once, and both
// deliveries get their 200 from the one commit; later ones get it at once.
func TestWebhookRedelivery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, c := hooked(t, nil)
		u := f.Text(zalotest.Private(lan), lan, "hai lần")
		first := post(t.Context(), c, secret, u.Bare())
		synctest.Wait()
		second := post(t.Context(), c, secret, u.Enveloped())
		synctest.Wait()
		got, err := c.Receive(t.Context())
		if err != nil || len(got) != 1 {
			t.Fatalf("Receive = %+v, %v", got, err)
		}
		c.Ack(t.Context(), got[0])
		for i, ch := range []<-chan answer{first, second} {
			if a := <-ch; a != okAnswer {
				t.Errorf("delivery %d: %+v", i, a)
			}
		}
		if a := read(zalotest.PostWebhook(t.Context(), c, secret, u.Bare())); a != okAnswer {
			t.Errorf("late redelivery: %+v", a)
		}
		nothing(t, c, time.Minute)
	})
}

// The bot's own messages and sticker floods are answered 200 without being
// handed up.
func TestWebhookSkips(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, c := hooked(t, nil)
		sticker := f.Sticker(zalotest.Private(lan), lan)
		ch := post(t.Context(), c, secret, sticker.Bare())
		m := receive(t, c)
		c.Ack(t.Context(), m)
		<-ch
		botUser := zalotest.User{ID: f.Bot.ID, Name: f.Bot.Name()}
		for _, u := range []zalotest.Update{f.Sticker(zalotest.Private(lan), lan), f.Text(zalotest.Private(lan), botUser, "Đã ghi nhận")} {
			if a := read(zalotest.PostWebhook(t.Context(), c, secret, u.Bare())); a != okAnswer {
				t.Errorf("%s: %+v", u.Event, a)
			}
		}
		nothing(t, c, time.Minute)
	})
}

// End to end with a bot.Server, over real HTTP: Zalo's delivery is answered
// once the handler returned.
func TestWebhookServe(t *testing.T) {
	f := zalotest.NewServer(t)
	c, err := zalo.New(t.Context(), zalo.Options{Token: f.Token, Endpoint: f.URL,
		WebhookURL: "https://lamtheo.example/zalo", WebhookSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	hook := httptest.NewServer(c)
	defer hook.Close()
	var mu sync.Mutex
	var handled []string
	srv := &bot.Server{Conn: c, Handler: bot.HandlerFunc(func(ctx context.Context, m bot.Message) error {
		mu.Lock()
		defer mu.Unlock()
		handled = append(handled, m.Text)
		return nil
	})}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	for _, text := range []string{"một", "hai"} {
		resp, err := f.DeliverWebhookURL(t.Context(), hook.URL, f.Text(zalotest.Private(lan), lan, text))
		if err != nil {
			t.Fatal(err)
		}
		if a := read(resp); a != okAnswer {
			t.Errorf("%s: %+v", text, a)
		}
		mu.Lock()
		last := ""
		if len(handled) > 0 {
			last = handled[len(handled)-1]
		}
		mu.Unlock()
		if last != text {
			t.Errorf("answered before %q was handled (last handled %q)", text, last)
		}
	}
	cancel()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("Serve = %v", err)
	}
}
