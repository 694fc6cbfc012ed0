package zalo_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/bot/zalo"
	"lamtheo/bot/zalo/zalotest"
)

const platform bot.Platform = "zalo.xa1"

var (
	lan  = zalotest.User{ID: "6ede9afa66b88fe6d6a9", Name: "Lan"}
	binh = zalotest.User{ID: "0a1b2c3d4e5f60718293", Name: "Bình"}
	cell = zalotest.Group("f00dbabe1234567890ab")
)

func chat(id string) bot.ChatID { return bot.ChatID{Platform: platform, ID: id} }
func user(id string) bot.UserID { return bot.UserID{Platform: platform, ID: id} }

// dial connects a Conn to f through f's in-process client (usable inside
// synctest bubbles), with o's other settings.
func dial(t *testing.T, f *zalotest.Server, o zalo.Options) *zalo.Conn {
	t.Helper()
	o.Token, o.Endpoint, o.HTTPClient = f.Token, f.URL, f.Client()
	if o.Platform == "" {
		o.Platform = platform
	}
	c, err := zalo.New(t.Context(), o)
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	return c
}

// logger returns a logger writing text lines to buf, debug level included.
func logger(buf *bottest.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestNew(t *testing.T) {
	f := zalotest.NewServer(t)
	c, err := zalo.New(t.Context(), zalo.Options{Token: f.Token, Endpoint: f.URL, Platform: platform})
	if err != nil {
		t.Fatal(err)
	}
	want := bot.Caps{
		Platform: platform, Service: "Zalo", Name: zalotest.DefaultDisplayName, MaxText: 2000, Measure: bot.UTF16,
		GroupPrefix: "g:", GroupMention: true, PhotoURL: true, ReceivePhotos: true,
		Limits: bot.Limits{PerSecond: 5, PerChat: time.Second, PerGroup: 20, GroupWindow: time.Minute, MaxConcurrent: 4},
	}
	if got := c.Caps(); got != want {
		t.Errorf("Caps =\n %+v\nwant\n %+v", got, want)
	}
	if c.ID() != zalotest.DefaultBotID || c.Title() != zalotest.DefaultDisplayName {
		t.Errorf("ID %q Title %q", c.ID(), c.Title())
	}
	caps := c.Caps()
	if !caps.IsGroup(chat("g:f00dbabe1234567890ab")) || caps.IsGroup(chat("6ede9afa66b88fe6d6a9")) ||
		caps.IsGroup(bot.ChatID{Platform: bot.Zalo, ID: "g:f00d"}) {
		t.Error("IsGroup does not tell this bot's groups by their prefix")
	}
	if n := f.Calls("deleteWebhook"); n != 1 {
		t.Errorf("%d deleteWebhook calls in polling mode, want 1", n)
	}
	if n := f.Calls("setWebhook"); n != 0 {
		t.Errorf("%d setWebhook calls in polling mode", n)
	}
}

func TestNewDefaults(t *testing.T) {
	tests := []struct {
		name      string
		bot       zalotest.Bot
		o         zalo.Options
		wantTitle string
		wantPlat  bot.Platform
		wantLimit bot.Limits
	}{
		{"display name", zalotest.Bot{ID: "1", AccountName: "bot.x", DisplayName: "Bot Chi Bộ 3"}, zalo.Options{},
			"Bot Chi Bộ 3", bot.Zalo, zalo.DefaultLimits},
		{"account name when getMe has no display name", zalotest.Bot{ID: "1", AccountName: "bot.VDKyGxQvc"}, zalo.Options{},
			"bot.VDKyGxQvc", bot.Zalo, zalo.DefaultLimits},
		{"Title and Limits given", zalotest.Bot{ID: "1", AccountName: "bot.x", DisplayName: "Bot X"},
			zalo.Options{Title: " Bot Làm Theo Bác ", Platform: "zalo.xa2", Limits: bot.Limits{PerSecond: 1}},
			"Bot Làm Theo Bác", "zalo.xa2", bot.Limits{PerSecond: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := zalotest.NewServer(t, zalotest.WithBot(tt.bot))
			o := tt.o
			o.Token, o.Endpoint = f.Token, f.URL
			c, err := zalo.New(t.Context(), o)
			if err != nil {
				t.Fatal(err)
			}
			caps := c.Caps()
			if caps.Name != tt.wantTitle || caps.Platform != tt.wantPlat || caps.Limits != tt.wantLimit {
				t.Errorf("Caps = %+v", caps)
			}
		})
	}
}

// A wrong or revoked token is named as such, with the bot's platform and
// without the token, whichever HTTP status Zalo uses.
func TestNewWrongToken(t *testing.T) {
	for _, style := range []struct {
		name string
		opts []zalotest.Option
	}{{"HTTP 200", nil}, {"matching status", []zalotest.Option{zalotest.WithMatchingStatus()}}} {
		t.Run(style.name, func(t *testing.T) {
			f := zalotest.NewServer(t, style.opts...)
			var logs bottest.Buffer
			const wrong = "1459232241454765289:WrongSecretToken"
			_, err := zalo.New(t.Context(), zalo.Options{Token: wrong, Endpoint: f.URL, Platform: platform, Log: logger(&logs)})
			if err == nil || err.Error() != `zalo bot "zalo.xa1": token rejected (401)` {
				t.Errorf("wrong token: %v", err)
			}
			f.Revoke()
			_, err = zalo.New(t.Context(), zalo.Options{Token: f.Token, Endpoint: f.URL, Platform: platform, Log: logger(&logs)})
			if err == nil || !strings.Contains(err.Error(), "token rejected (401)") || strings.Contains(err.Error(), f.Token) {
				t.Errorf("revoked token: %v", err)
			}
			if strings.Contains(logs.String(), "Secret") {
				t.Errorf("token in logs: %s", logs.String())
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	f := zalotest.NewServer(t)
	tests := []struct {
		name string
		o    zalo.Options
		want string
	}{
		{"no token", zalo.Options{Endpoint: f.URL}, "empty token"},
		{"client timeout below the poll", zalo.Options{Token: f.Token, Endpoint: f.URL, HTTPClient: &http.Client{Timeout: 10 * time.Second}}, "must exceed the poll timeout"},
		{"secret without URL", zalo.Options{Token: f.Token, Endpoint: f.URL, WebhookSecret: "0123456789"}, "webhook secret without"},
		{"http webhook", zalo.Options{Token: f.Token, Endpoint: f.URL, WebhookURL: "http://x.example/z", WebhookSecret: "0123456789"}, "https"},
		{"short secret", zalo.Options{Token: f.Token, Endpoint: f.URL, WebhookURL: "https://x.example/z", WebhookSecret: "short"}, "8 to 256"},
		{"long secret", zalo.Options{Token: f.Token, Endpoint: f.URL, WebhookURL: "https://x.example/z", WebhookSecret: strings.Repeat("s", 257)}, "8 to 256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := zalo.New(t.Context(), tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), `zalo bot "zalo"`) {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
	if n := f.Calls("getMe"); n != 0 {
		t.Errorf("%d getMe calls for invalid options", n)
	}
}

// In polling mode New deletes a webhook left behind (getUpdates is refused
// while one is set); in webhook mode it registers its own.
func TestNewWebhookModes(t *testing.T) {
	f := zalotest.NewServer(t)
	dial(t, f, zalo.Options{WebhookURL: "https://lamtheo.example/zalo/xa1", WebhookSecret: "s3cret-webhook"})
	if u, s := f.Webhook(); u != "https://lamtheo.example/zalo/xa1" || s != "s3cret-webhook" {
		t.Errorf("webhook = %q, %q", u, s)
	}
	if f.Calls("deleteWebhook") != 0 {
		t.Error("webhook mode deleted the webhook")
	}
	c := dial(t, f, zalo.Options{PollTimeout: time.Second})
	if u, _ := f.Webhook(); u != "" {
		t.Errorf("polling mode left the webhook %q", u)
	}
	f.PushText(zalotest.Private(lan), lan, "xin chào")
	if got, err := c.Receive(t.Context()); err != nil || len(got) != 1 {
		t.Errorf("Receive after deleteWebhook = %v, %v", got, err)
	}
}

// A clean bot may answer 404 to deleteWebhook: nothing to delete.
func TestNewDeleteWebhook404(t *testing.T) {
	f := zalotest.NewServer(t)
	f.FailNext("deleteWebhook", 1, zalotest.Fault{Code: 404, Description: "Not Found"})
	dial(t, f, zalo.Options{})
	f.FailNext("deleteWebhook", 1, zalotest.Fault{Code: 500})
	_, err := zalo.New(t.Context(), zalo.Options{Token: f.Token, Endpoint: f.URL, HTTPClient: f.Client()})
	if err == nil || !strings.Contains(err.Error(), "deleteWebhook") {
		t.Errorf("deleteWebhook 500: %v", err)
	}
}

// The token is in every request URL, and so in the HTTP client's errors; it
// must never reach an error text or a log line.
func TestTokenNeverLeaks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		var logs bottest.Buffer
		c := dial(t, f, zalo.Options{Log: logger(&logs), PollTimeout: 5 * time.Second, RequestTimeout: 5 * time.Second})
		var errs []error
		f.FailNext("sendMessage", 1, zalotest.Fault{Drop: true})
		_, err := c.Send(t.Context(), bot.Reply{Chat: chat(lan.ID), Text: "x"})
		errs = append(errs, err)
		f.FailNext("sendMessage", 1, zalotest.Fault{Hang: true})
		_, err = c.Send(t.Context(), bot.Reply{Chat: chat(lan.ID), Text: "x"})
		errs = append(errs, err)
		f.FailNext("sendPhoto", 1, zalotest.Fault{Code: 400, Description: "The photo URL is invalid"})
		_, err = c.Send(t.Context(), bot.Reply{Chat: chat(lan.ID), Photo: "https://x/y.jpg"})
		errs = append(errs, err)
		f.FailNext("getUpdates", 3, zalotest.Fault{Drop: true})
		f.FailNext("getUpdates", 1, zalotest.Fault{Code: 401})
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		_, err = c.Receive(ctx)
		cancel()
		errs = append(errs, err)
		f.Close() // the in-process client now fails like a refused connection
		_, err = zalo.New(t.Context(), zalo.Options{Token: f.Token, Endpoint: f.URL, HTTPClient: f.Client()})
		errs = append(errs, err)

		for i, err := range errs {
			if err == nil {
				t.Errorf("call %d: no error", i)
			} else if strings.Contains(err.Error(), f.Token) || strings.Contains(err.Error(), "secret") {
				t.Errorf("call %d: token in error: %v", i, err)
			}
		}
		if !strings.Contains(errs[0].Error(), "<token>") {
			t.Errorf("expected a redacted URL in %v", errs[0])
		}
		if !errors.Is(errs[1], context.DeadlineExceeded) {
			t.Errorf("a timed-out send no longer wraps DeadlineExceeded: %v", errs[1])
		}
		out := logs.String()
		if !strings.Contains(out, "<token>") || strings.Contains(out, f.Token) || strings.Contains(out, "secret") {
			t.Errorf("token not redacted in logs:\n%s", out)
		}
	})
}

// Over real TCP: a dead endpoint's error names the bot, not the token.
func TestNewUnreachable(t *testing.T) {
	dead := httptest.NewServer(nil)
	dead.Close()
	_, err := zalo.New(t.Context(), zalo.Options{Token: zalotest.DefaultToken, Endpoint: dead.URL, Platform: platform})
	if err == nil || !strings.HasPrefix(err.Error(), `zalo bot "zalo.xa1": zalo getMe:`) || strings.Contains(err.Error(), zalotest.DefaultToken) {
		t.Errorf("err = %v", err)
	}
}
