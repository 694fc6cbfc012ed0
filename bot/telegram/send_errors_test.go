package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/bot/telegram"
	"lamtheo/bot/telegram/telegramtest"
)

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name   string
		method string
		reply  bot.Reply
		fault  telegramtest.Fault
		check  func(*testing.T, error)
	}{
		{"429", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 429, RetryAfter: 3}, wantSendError(429, 3*time.Second, false, false)},
		{"429 on a multipart upload (Code 0)", "sendDocument", bot.Reply{File: &bot.File{Name: "a.csv", Data: []byte("a")}},
			telegramtest.Fault{Code: 429, RetryAfter: 5}, wantSendError(429, 5*time.Second, false, false)},
		{"429 on a photo upload (Code 0)", "sendPhoto", bot.Reply{File: &bot.File{Name: "a.png", Data: []byte("png"), Photo: true}},
			telegramtest.Fault{Code: 429, RetryAfter: 4}, wantSendError(429, 4*time.Second, false, false)},
		{"429 on a photo by id", "sendPhoto", bot.Reply{Photo: "p", Text: "x"}, telegramtest.Fault{Code: 429, RetryAfter: 2}, wantSendError(429, 2*time.Second, false, false)},
		{"blocked", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 403, Description: "Forbidden: bot was blocked by the user"}, wantSendError(403, 0, true, false)},
		{"kicked", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 403, Description: "Forbidden: bot was kicked from the group chat"}, wantSendError(403, 0, true, false)},
		{"deactivated", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 403, Description: "Forbidden: user is deactivated"}, wantSendError(403, 0, true, false)},
		{"can't initiate", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 403, Description: "Forbidden: bot can't initiate conversation with a user"}, wantSendError(403, 0, true, false)},
		{"blocked on upload (Code 0)", "sendDocument", bot.Reply{File: &bot.File{Name: "a.csv", Data: []byte("a")}},
			telegramtest.Fault{Code: 403, Description: "Forbidden: bot was blocked by the user"}, wantSendError(403, 0, true, false)},
		{"413 on an upload (Code 0)", "sendDocument", bot.Reply{File: &bot.File{Name: "a.xlsx", Data: []byte("a")}},
			telegramtest.Fault{Code: 413, Description: "Request Entity Too Large"}, wantSendError(413, 0, false, true)},
		{"chat not found", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 400, Description: "Bad Request: chat not found"}, wantSendError(400, 0, true, false)},
		{"bad request", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 400, Description: "Bad Request: can't parse entities"}, wantSendError(400, 0, false, true)},
		{"migrated", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat", MigrateTo: -1009},
			func(t *testing.T, err error) {
				wantSendError(400, 0, false, true)(t, err)
				if !strings.Contains(err.Error(), "-1009") {
					t.Errorf("migration target missing: %v", err)
				}
			}},
		{"500", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 500}, wantTransient(nil)},
		{"502 html", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 502, Body: "<html>Bad Gateway</html>"}, wantTransient(nil)},
		{"timeout", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Hang: true}, wantTransient(context.DeadlineExceeded)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := telegramtest.NewServer(t, telegramtest.InProcess())
				c := dialInProcess(t, f, telegram.Options{RequestTimeout: 5 * time.Second})
				f.FailNext(tt.method, 1, tt.fault)
				r := tt.reply
				r.Chat = tgChat("501")
				start := time.Now()
				_, err := c.Send(t.Context(), r)
				if err == nil {
					t.Fatal("no error")
				}
				tt.check(t, err)
				if strings.Contains(err.Error(), f.Token) {
					t.Errorf("token in error: %v", err)
				}
				if tt.fault.Hang {
					if d := time.Since(start); d != 5*time.Second {
						t.Errorf("timed out after %v, want 5s", d)
					}
				}
				if n := f.Calls(tt.method); n != 1 {
					t.Errorf("%d calls of %s, want 1", n, tt.method)
				}
			})
		})
	}
}

// The token is in every request URL, and so in the HTTP client's errors; it
// must never reach an error text or a log line.
// TestSendOverUploadLimit: a file over Telegram's upload limits is refused
// as Permanent before it is sent (the Sender drops it instead of sending
// 50 MB again and again), a document and a photo each by its own limit.
func TestSendOverUploadLimit(t *testing.T) {
	for _, tt := range []struct {
		method string
		size   int
		photo  bool
	}{
		{"sendDocument", telegram.MaxUpload + 1, false},
		{"sendPhoto", telegram.MaxPhotoUpload + 1, true},
	} {
		t.Run(tt.method, func(t *testing.T) {
			f := telegramtest.NewServer(t, telegramtest.InProcess())
			c := dialInProcess(t, f, telegram.Options{})
			_, err := c.Send(t.Context(), bot.Reply{Chat: tgChat("501"), Text: "x", File: &bot.File{Name: "a", Data: make([]byte, tt.size), Photo: tt.photo}})
			wantSendError(413, 0, false, true)(t, err)
			if n := f.Calls(tt.method); n != 0 {
				t.Errorf("%d calls of %s, want none", n, tt.method)
			}
		})
	}
}

func TestTokenRedacted(t *testing.T) {
	f := telegramtest.NewServer(t)
	var logs bottest.Buffer
	c, err := telegram.New(t.Context(), telegram.Options{Token: f.Token, Endpoint: f.URL,
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f.Close() // every call now fails in the transport

	var errs []error
	_, err = c.Send(t.Context(), bot.Reply{Chat: tgChat("501"), Text: "x"})
	errs = append(errs, err)
	_, err = c.Send(t.Context(), bot.Reply{Chat: tgChat("501"), File: &bot.File{Name: "a", Data: []byte("a")}})
	errs = append(errs, err)
	errs = append(errs, c.Ack(t.Context(), bot.Message{CallbackID: "cb1"}))
	errs = append(errs, c.SetCommands(t.Context(), bot.CommandSet{Private: []bot.Command{{Name: "help", Description: "Trợ giúp"}}}))
	_, err = c.MemberStatus(t.Context(), tgChat("-4001"), tgUser("501"))
	errs = append(errs, err)
	dead := httptest.NewServer(nil)
	dead.Close()
	_, err = telegram.New(t.Context(), telegram.Options{Token: f.Token, Endpoint: dead.URL + "/bot%s/%s"})
	errs = append(errs, err)

	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d: no error", i)
			continue
		}
		if strings.Contains(err.Error(), f.Token) || strings.Contains(err.Error(), "secret") {
			t.Errorf("call %d: token in error: %v", i, err)
		}
	}
	if !strings.Contains(errs[0].Error(), "<token>") {
		t.Errorf("expected a redacted URL in %v", errs[0])
	}
	if out := logs.String(); strings.Contains(out, f.Token) || strings.Contains(out, "secret") {
		t.Errorf("token in logs:\n%s", out)
	}
}

// Receive logs transport failures (which carry the request URL) without the
// token.
func TestTokenRedactedInReceiveLogs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		var logs bottest.Buffer
		c := dialInProcess(t, f, telegram.Options{Log: slog.New(slog.NewTextHandler(&logs, nil))})
		f.Close() // the in-process client now fails like a refused connection
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if _, err := c.Receive(ctx); !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), f.Token) {
			t.Errorf("Receive = %v", err)
		}
		out := logs.String()
		if n := strings.Count(out, "getUpdates failed"); n != 4 { // after 0, 1, 3 and 7 s
			t.Errorf("%d failures logged, want 4:\n%s", n, out)
		}
		if !strings.Contains(out, "<token>") || strings.Contains(out, f.Token) || strings.Contains(out, "secret") {
			t.Errorf("token not redacted in logs:\n%s", out)
		}
	})
}

// TestSendPhotoUploadLostAnswer: Telegram took the uploaded photo but its
// answer was lost. Send reports a transient error (the Sender will send it
// again: the group may see the picture twice, which is better than never),
// and the upload was whole: the fake holds every byte.
func TestSendPhotoUploadLostAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		c := dialInProcess(t, f, telegram.Options{RequestTimeout: 5 * time.Second})
		f.FailNext("sendPhoto", 1, telegramtest.Fault{Code: 500, After: true})
		png := []byte("\x89PNG\r\n\x1a\n-the-chart")
		r := bot.Reply{Chat: tgChat("-4001"), Text: "Bảng xếp hạng", File: &bot.File{Name: "bxh.png", Data: png, Photo: true}}
		_, err := c.Send(t.Context(), r)
		var se *bot.SendError
		if err == nil || errors.As(err, &se) && (se.Permanent || se.Unreachable) {
			t.Fatalf("err = %v, want a transient error", err)
		}
		got := f.Sent(-4001)
		if len(got) != 1 || got[0].Method != "sendPhoto" || string(got[0].FileData) != string(png) || got[0].Plain != "Bảng xếp hạng" {
			t.Fatalf("sent %+v, want the photo taken whole", got)
		}
		if errs := f.Errors(); len(errs) != 1 || !errs[0].After || errs[0].Method != "sendPhoto" {
			t.Errorf("errors %+v, want one sendPhoto fault after effect", errs)
		}
		if _, err := c.Send(t.Context(), r); err != nil {
			t.Fatalf("again: %v", err)
		}
		if got := f.Sent(-4001); len(got) != 2 {
			t.Errorf("after the retry %d photos, want 2", len(got))
		}
	})
}
