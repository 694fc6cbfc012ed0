package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot/telegram/telegramtest"
)

// tgWorld is one organisation served on the fake Telegram Bot API, inside
// a synctest bubble: the real tgbotapi client, adapter, engine, store and
// outbox sender, with virtual time.
type tgWorld struct {
	t    *testing.T
	f    *telegramtest.Server
	cfg  Config
	stop func() error
}

var (
	tgAdmin  = telegramtest.User{ID: 100, FirstName: "Quản", LastName: "Trị"}
	tgLan    = telegramtest.User{ID: 201, FirstName: "Lan", LastName: "Nguyễn Thị"}
	tgHung   = telegramtest.User{ID: 202, FirstName: "Hùng", LastName: "Trần Văn"}
	tgGroup1 = telegramtest.Group(-1001234, "Chi bộ thôn Đông")
)

func newTGWorld(t *testing.T, f *telegramtest.Server, dir string, opts ...func(*Config)) *tgWorld {
	cfg := DemoConfig()
	cfg.Telegram.Token = f.Token
	cfg.Telegram.Endpoint = f.URL
	cfg.Telegram.PollTimeout = 10 * time.Second
	cfg.Admins.Telegram = []int64{tgAdmin.ID}
	cfg.Data.Path = filepath.Join(dir, "lamtheo.db")
	for _, o := range opts {
		o(&cfg)
	}
	w := &tgWorld{t: t, f: f, cfg: cfg}
	w.start()
	return w
}

// start runs the bot until stop is called.
func (w *tgWorld) start() {
	ctx, cancel := context.WithCancel(context.Background())
	a, err := openApp(ctx, w.cfg, testText(), slog.New(slog.DiscardHandler))
	if err != nil {
		w.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.serveChats(ctx, chatOptions{telegram: w.f.Client()}) }()
	var once sync.Once
	var err2 error
	w.stop = func() error {
		once.Do(func() {
			cancel()
			err2 = <-done
			a.Close()
		})
		return err2
	}
}

// settle lets the bot handle everything pushed so far and send its replies.
func (w *tgWorld) settle() {
	time.Sleep(30 * time.Second) // virtual: the sender paces at 1 message/s per chat
	synctest.Wait()
}

// last returns the last message sent to chat.
func (w *tgWorld) last(chat int64) telegramtest.Sent {
	w.t.Helper()
	sent := w.f.Sent(chat)
	if len(sent) == 0 {
		w.t.Fatalf("nothing sent to %d", chat)
	}
	return sent[len(sent)-1]
}

// button finds the button whose callback data or URL contains s in m.
func button(t *testing.T, m telegramtest.Sent, s string) telegramtest.Button {
	t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.CallbackData, s) || strings.Contains(b.URL, s) {
				return b
			}
		}
	}
	t.Fatalf("no button with %q in %q (%+v)", s, m.Plain, m.Buttons)
	return telegramtest.Button{}
}
