package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot/bottest"
)

// tgWorld is one organisation served on the fake Telegram Bot API, inside
// a synctest bubble: the real tgbotapi client, adapter, engine, store and
// outbox sender, with virtual time.
type tgWorld struct {
	t    *testing.T
	f    *bottest.FakeTelegram
	cfg  Config
	stop func() error
}

var (
	tgAdmin  = bottest.TelegramUser{ID: 100, FirstName: "Quản", LastName: "Trị"}
	tgLan    = bottest.TelegramUser{ID: 201, FirstName: "Lan", LastName: "Nguyễn Thị"}
	tgHung   = bottest.TelegramUser{ID: 202, FirstName: "Hùng", LastName: "Trần Văn"}
	tgGroup1 = bottest.TelegramGroup(-1001234, "Chi bộ thôn Đông")
)

func newTGWorld(t *testing.T, f *bottest.FakeTelegram, dir string) *tgWorld {
	cfg := DemoConfig()
	cfg.Telegram.Token = f.Token
	cfg.Telegram.Endpoint = f.URL
	cfg.Telegram.PollTimeout = 10 * time.Second
	cfg.Admins.Telegram = []int64{tgAdmin.ID}
	cfg.Data.Path = filepath.Join(dir, "lamtheo.db")
	w := &tgWorld{t: t, f: f, cfg: cfg}
	w.start()
	return w
}

// start runs the bot until stop is called.
func (w *tgWorld) start() {
	ctx, cancel := context.WithCancel(context.Background())
	a, err := openApp(ctx, w.cfg, slog.New(slog.DiscardHandler))
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
func (w *tgWorld) last(chat int64) bottest.TelegramSent {
	w.t.Helper()
	sent := w.f.Sent(chat)
	if len(sent) == 0 {
		w.t.Fatalf("nothing sent to %d", chat)
	}
	return sent[len(sent)-1]
}

// button finds the button whose callback data or URL contains s in m.
func button(t *testing.T, m bottest.TelegramSent, s string) bottest.TelegramButton {
	t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.CallbackData, s) || strings.Contains(b.URL, s) {
				return b
			}
		}
	}
	t.Fatalf("no button with %q in %q (%+v)", s, m.Plain, m.Buttons)
	return bottest.TelegramButton{}
}

// TestTelegramJoinThroughGroupButton plays the foundation on the fake Bot
// API: an admin links a group, two members join through the group's deep
// link, every button press is answered, and the command menus are set.
func TestTelegramJoinThroughGroupButton(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := bottest.NewTelegram(t, bottest.TelegramInProcess())
		f.EnforceLimits(bottest.DefaultTelegramLimits())
		w := newTGWorld(t, f, t.TempDir())
		defer func() { w.stop() }()

		f.PushMyChatMember(tgGroup1, tgAdmin, "left", "member")
		f.PushText(tgGroup1, tgAdmin, "/link@"+f.Bot.Username)
		w.settle()
		ask := w.last(tgGroup1.ID)
		if !strings.Contains(ask.Plain, "chi bộ nào") {
			t.Fatalf("group got %q, want the cell question", ask.Plain)
		}
		f.PushCallback(tgGroup1, tgAdmin, ask.MessageID, button(t, ask, "C01").CallbackData)
		w.settle()
		linked := w.last(tgGroup1.ID)
		link := button(t, linked, "start=j_").URL
		if !strings.HasPrefix(link, "https://t.me/"+f.Bot.Username+"?start=j_") {
			t.Fatalf("join button URL %q", link)
		}
		payload := link[strings.Index(link, "start=")+len("start="):]

		for _, u := range []bottest.TelegramUser{tgLan, tgHung} {
			me := bottest.TelegramPrivate(u)
			f.PushText(me, u, "/start "+payload)
			w.settle()
			confirm := w.last(me.ID)
			f.PushCallback(me, u, confirm.MessageID, button(t, confirm, "nm:ok").CallbackData)
			w.settle()
			if got := w.last(me.ID).Plain; !strings.Contains(got, "Chào mừng đồng chí "+u.FirstName+" "+u.LastName) {
				t.Errorf("%s got %q, want the welcome", u.FirstName, got)
			}
		}
		if n := len(f.CallbackAnswers()); n != 3 {
			t.Errorf("%d button presses answered, want 3", n)
		}
		for _, scope := range []string{"all_private_chats", "all_group_chats", "all_chat_administrators"} {
			if len(f.Commands(scope, "")) == 0 {
				t.Errorf("no command menu for %s", scope)
			}
		}
		if n := f.TooManyRequests(); n != 0 {
			t.Errorf("the fake answered %d times with 429", n)
		}
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTelegramRestartAndDuplicates restarts the bot while Telegram hands out
// updates it already handled: it resumes at the stored offset and answers
// only the new one.
func TestTelegramRestartAndDuplicates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := bottest.NewTelegram(t, bottest.TelegramInProcess())
		dir := t.TempDir()
		w := newTGWorld(t, f, dir)
		lan := bottest.TelegramPrivate(tgLan)
		f.PushText(lan, tgLan, "/help")
		f.PushText(lan, tgLan, "xin chào")
		w.settle()
		if got := len(f.Sent(lan.ID)); got != 2 {
			t.Fatalf("%d replies before the restart, want 2", got)
		}
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}
		f.Close()

		// Telegram hands the same updates out again (its session was lost),
		// plus a new one: the bot resumes at its stored offset.
		f2 := bottest.NewTelegram(t, bottest.TelegramInProcess())
		for _, text := range []string{"/help", "xin chào", "/help"} {
			f2.PushText(lan, tgLan, text) // ids 1001..1003, as before
		}
		w2 := newTGWorld(t, f2, dir)
		w2.settle()
		if got := len(f2.Sent(lan.ID)); got != 1 {
			t.Errorf("after the restart %d replies, want 1 (the third update only)", got)
		}
		if got := f2.Confirmed(); got < 1002 {
			t.Errorf("the restarted bot confirmed up to %d, want at least 1002 (the stored offset)", got)
		}
		if err := w2.stop(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTelegram429Storm makes Telegram answer 429 to a run of sends: replies
// are delayed by retry_after but none is lost, and order is kept.
func TestTelegram429Storm(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := bottest.NewTelegram(t, bottest.TelegramInProcess())
		w := newTGWorld(t, f, t.TempDir())
		defer func() {
			if err := w.stop(); err != nil && !errors.Is(err, context.Canceled) {
				t.Error(err)
			}
		}()
		f.FailNext("sendMessage", 5, bottest.TelegramFault{Code: 429, RetryAfter: 7})
		users := []bottest.TelegramUser{tgLan, tgHung, tgAdmin}
		for i := range 3 {
			for _, u := range users {
				f.PushText(bottest.TelegramPrivate(u), u, []string{"/help", "xin chào", "/huy"}[i])
			}
		}
		time.Sleep(5 * time.Minute)
		synctest.Wait()
		for _, u := range users {
			sent := f.Sent(u.ID)
			if len(sent) != 3 {
				t.Fatalf("%s got %d messages, want 3", u.FirstName, len(sent))
			}
			if !strings.Contains(sent[2].Plain, "Hiện không có việc gì") {
				t.Errorf("%s: last message %q, want the /huy answer (order kept)", u.FirstName, sent[2].Plain)
			}
		}
		if got := f.TooManyRequests(); got != 5 {
			t.Errorf("the fake answered 429 %d times, want 5", got)
		}
	})
}

// TestTelegramFaults makes the fake Bot API fail 20 % of all calls, half
// of them before they take effect (429 with retry_after, 500, a request
// that hangs until the client gives up) and half after (the message is
// delivered, then a 500 or a hang: the response is lost): every update is
// answered, every reply delivered in order per chat, and a reply is
// repeated only right after itself and at most once per fault after the
// effect (delivery is at least once).
func TestTelegramFaults(t *testing.T) {
	for seed := range uint64(5) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { telegramFaults(t, seed) })
	}
}

func telegramFaults(t *testing.T, seed uint64) {
	synctest.Test(t, func(t *testing.T) {
		f := bottest.NewTelegram(t, bottest.TelegramInProcess())
		faults := []bottest.TelegramFault{
			{Code: 429, RetryAfter: 1}, {Code: 500}, {Hang: true},
			{Code: 500, After: true}, {Hang: true, After: true},
		}
		f.FailRandomly(0.2, seed, faults, "getUpdates", "sendMessage", "answerCallbackQuery")
		w := newTGWorld(t, f, t.TempDir())
		defer func() { w.stop() }()
		lines := []string{"/help", "xin chào", "/huy"}
		var users []bottest.TelegramUser
		for i := range 20 {
			u := bottest.TelegramUser{ID: int64(300 + i), FirstName: "Người", LastName: strconv.Itoa(i)}
			users = append(users, u)
		}
		for _, line := range lines {
			for _, u := range users {
				f.PushText(bottest.TelegramPrivate(u), u, line)
			}
		}
		time.Sleep(30 * time.Minute)
		synctest.Wait()
		dups := 0
		for _, u := range users {
			var replies []string // adjacent repeats folded
			for _, m := range f.Sent(u.ID) {
				if n := len(replies); n > 0 && replies[n-1] == m.Plain {
					dups++
					continue
				}
				replies = append(replies, m.Plain)
			}
			if len(replies) != len(lines) {
				t.Fatalf("%s got %d different replies in a row, want %d", u.LastName, len(replies), len(lines))
			}
			if !strings.Contains(replies[0], "/help") || !strings.Contains(replies[2], "Hiện không có việc gì") {
				t.Errorf("%s: replies out of order: %q … %q", u.LastName, replies[0], replies[2])
			}
		}
		var before, after int
		for _, e := range f.Errors() {
			switch {
			case e.After && e.Method == "sendMessage":
				after++
			case !e.After:
				before++
			}
		}
		if before == 0 || after == 0 {
			t.Fatalf("the fake injected %d faults before and %d after a send took effect, want some of both", before, after)
		}
		if dups > after {
			t.Errorf("%d replies repeated for %d responses lost after delivery, want at most one each", dups, after)
		}
		// No busy loop: at most a poll per 10 s timeout (plus retries), and
		// few sends beyond the 60 replies.
		if n := f.Calls("getupdates"); n > 400 {
			t.Errorf("%d getUpdates calls in 30 minutes", n)
		}
		if n := f.Calls("sendmessage"); n > 120 {
			t.Errorf("%d sendMessage calls for 60 replies", n)
		}
		t.Logf("%d faults before a call took effect, %d after a send did; %d repeated replies; %d getUpdates and %d sendMessage calls",
			before, after, dups, f.Calls("getupdates"), f.Calls("sendmessage"))
	})
}
