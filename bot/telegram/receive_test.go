package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/bot/telegram"
	"lamtheo/bot/telegram/telegramtest"
)

var (
	an    = telegramtest.User{ID: 501, FirstName: "An", LastName: "Nguyễn Văn"}
	binh  = telegramtest.User{ID: 502, FirstName: "Bình"}
	cell  = telegramtest.Group(-1001234567890, "Chi bộ 1")
	basic = telegramtest.Group(-4001, "Chi bộ 2")
)

// dial connects a Conn to f over TCP with a 1 s poll.
func dial(t *testing.T, f *telegramtest.Server) *telegram.Conn {
	t.Helper()
	c, err := telegram.New(t.Context(), telegram.Options{
		Token: f.Token, Endpoint: f.URL, PollTimeout: time.Second,
	})
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	return c
}

// dialInProcess connects a Conn to f in process (for synctest bubbles).
func dialInProcess(t *testing.T, f *telegramtest.Server, o telegram.Options) *telegram.Conn {
	t.Helper()
	o.Token, o.Endpoint, o.HTTPClient = f.Token, f.URL, f.Client()
	c, err := telegram.New(t.Context(), o)
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	return c
}

func tgChat(id string) bot.ChatID { return bot.ChatID{Platform: bot.Telegram, ID: id} }
func tgUser(id string) bot.UserID { return bot.UserID{Platform: bot.Telegram, ID: id} }

func TestNew(t *testing.T) {
	f := telegramtest.NewServer(t, telegramtest.WithBot(42, "ChiBoBot"))
	c := dial(t, f)
	if c.Username() != "ChiBoBot" {
		t.Errorf("Username = %q", c.Username())
	}
	want := bot.Caps{
		Platform: bot.Telegram, Service: "Telegram", Name: "@ChiBoBot", Buttons: true, Edit: true,
		MaxText: 4096, Measure: bot.UTF16, GroupPrefix: "-",
		Upload: true, MaxUpload: 50_000_000, MaxPhotoUpload: 10_000_000, PhotoURL: true, ReceivePhotos: true, ReceiveFiles: true,
		Limits: bot.Limits{PerSecond: 30, PerChat: time.Second, PerGroup: 20, GroupWindow: time.Minute, MaxConcurrent: bot.DefaultMaxConcurrent},
	}
	if c.Caps() != want {
		t.Errorf("Caps = %+v", c.Caps())
	}
	if !c.Caps().IsGroup(tgChat("-1001234")) || c.Caps().IsGroup(tgChat("42")) {
		t.Error("IsGroup does not tell Telegram groups by their negative ids")
	}
	if _, err := telegram.New(t.Context(), telegram.Options{Token: "42:wrong", Endpoint: f.URL}); err == nil ||
		!strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "42:wrong") {
		t.Errorf("wrong token: %v", err)
	}
	if _, err := telegram.New(t.Context(), telegram.Options{}); err == nil {
		t.Error("empty token accepted")
	}
}

func TestReceiveTranslates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		c := dialInProcess(t, f, telegram.Options{PollTimeout: 10 * time.Second})
		now := time.Now() // the bubble's clock starts on a whole second
		private := telegramtest.Private(an)

		type push func() int64
		tests := []struct {
			name string
			push push
			want *bot.Message // nil: skipped
		}{
			{"private text", func() int64 { return f.PushText(private, an, "Xin chào <b>") },
				&bot.Message{Chat: tgChat("501"), From: tgUser("501"), FromName: "An Nguyễn Văn", Kind: bot.KindText, Text: "Xin chào <b>", Time: now}},
			{"command to us in a group", func() int64 { return f.PushText(cell, binh, "/summary@lamtheo_test_bot 3 2026") },
				&bot.Message{Chat: tgChat("-1001234567890"), Group: true, ChatTitle: "Chi bộ 1", From: tgUser("502"), FromName: "Bình", Kind: bot.KindText, Text: "/summary 3 2026", Time: now}},
			{"bare command with username", func() int64 { return f.PushText(basic, binh, "/help@LamTheo_Test_Bot") },
				&bot.Message{Chat: tgChat("-4001"), Group: true, ChatTitle: "Chi bộ 2", From: tgUser("502"), FromName: "Bình", Kind: bot.KindText, Text: "/help", Time: now}},
			{"command with diacritics to us", func() int64 { return f.PushText(cell, binh, "/tổnghợp@lamtheo_test_bot 11") },
				&bot.Message{Chat: tgChat("-1001234567890"), Group: true, ChatTitle: "Chi bộ 1", From: tgUser("502"), FromName: "Bình", Kind: bot.KindText, Text: "/tổnghợp 11", Time: now}},
			{"command to another bot", func() int64 { return f.PushText(cell, binh, "/help@OtherBot") }, nil},
			{"start payload", func() int64 { return f.PushText(private, an, "/start join_7") },
				&bot.Message{Chat: tgChat("501"), From: tgUser("501"), FromName: "An Nguyễn Văn", Kind: bot.KindText, Text: "/start join_7", Time: now}},
			{"button press", func() int64 { id, _ := f.PushCallback(cell, an, 77, "pledge:ok"); return id },
				&bot.Message{Chat: tgChat("-1001234567890"), Group: true, ChatTitle: "Chi bộ 1", From: tgUser("501"), FromName: "An Nguyễn Văn",
					Kind: bot.KindCallback, Data: "pledge:ok", CallbackID: "cb1", Ref: "77", Time: now}},
			{"photo", func() int64 { return f.PushPhoto(private, an, "AgAD-big", "Ảnh trồng cây") },
				&bot.Message{Chat: tgChat("501"), From: tgUser("501"), FromName: "An Nguyễn Văn", Kind: bot.KindPhoto, PhotoID: "AgAD-big", Text: "Ảnh trồng cây", Time: now}},
			{"photo with a command to us as caption", func() int64 { return f.PushPhoto(private, an, "AgAD-2", "/baocao@lamtheo_test_bot 1 xong") },
				&bot.Message{Chat: tgChat("501"), From: tgUser("501"), FromName: "An Nguyễn Văn", Kind: bot.KindPhoto, PhotoID: "AgAD-2", Text: "/baocao 1 xong", Time: now}},
			{"photo with a command to another bot as caption", func() int64 { return f.PushPhoto(cell, an, "AgAD-3", "/baocao@OtherBot") }, nil},
			{"sticker", func() int64 { return f.PushSticker(private, an) },
				&bot.Message{Chat: tgChat("501"), From: tgUser("501"), FromName: "An Nguyễn Văn", Kind: bot.KindOther, Time: now}},
			{"voice", func() int64 {
				return f.PushMessage(private, an, map[string]any{"voice": map[string]any{"file_id": "v1", "file_unique_id": "v1", "duration": 3}})
			}, &bot.Message{Chat: tgChat("501"), From: tgUser("501"), FromName: "An Nguyễn Văn", Kind: bot.KindOther, Time: now}},
			{"service message", func() int64 { return f.PushMessage(cell, an, map[string]any{"new_chat_title": "Chi bộ 1A"}) }, nil},
			{"added to a group", func() int64 { return f.PushMyChatMember(cell, binh, "left", "member") },
				&bot.Message{Chat: tgChat("-1001234567890"), Group: true, ChatTitle: "Chi bộ 1", From: tgUser("502"), FromName: "Bình", Kind: bot.KindAdded, Time: now}},
			{"promoted", func() int64 { return f.PushMyChatMember(cell, binh, "member", "administrator") }, nil},
			{"added as admin", func() int64 { return f.PushMyChatMember(basic, binh, "left", "administrator") },
				&bot.Message{Chat: tgChat("-4001"), Group: true, ChatTitle: "Chi bộ 2", From: tgUser("502"), FromName: "Bình", Kind: bot.KindAdded, Time: now}},
			{"removed from a group", func() int64 { return f.PushMyChatMember(cell, binh, "administrator", "kicked") },
				&bot.Message{Chat: tgChat("-1001234567890"), Group: true, ChatTitle: "Chi bộ 1", From: tgUser("502"), FromName: "Bình", Kind: bot.KindRemoved, Time: now}},
			{"blocked in private", func() int64 { return f.PushMyChatMember(private, an, "member", "kicked") }, nil},
			{"anonymous administrator", func() int64 { return f.PushAsChat(cell, "/link") },
				&bot.Message{Chat: tgChat("-1001234567890"), Group: true, ChatTitle: "Chi bộ 1", From: tgUser("1087968824"), FromName: "Chi bộ 1",
					Anonymous: true, Kind: bot.KindText, Text: "/link", Time: now}},
			{"trailing skipped", func() int64 { return f.PushText(cell, binh, "/x@OtherBot") }, nil},
		}
		var want []bot.Message
		var last int64
		for _, tt := range tests {
			id := tt.push()
			last = id
			if tt.want != nil {
				m := *tt.want
				m.Key = strconv.FormatInt(id, 10)
				m.Cursor = id
				want = append(want, m)
			}
		}
		got, err := c.Receive(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %d messages, want %d:\n%+v", len(got), len(want), got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("message %d:\n got %+v\nwant %+v", i, got[i], want[i])
			}
		}
		if a := f.AllowedUpdates(); strings.Join(a, ",") != "message,callback_query,my_chat_member" {
			t.Errorf("allowed_updates = %v", a)
		}
		if f.Confirmed() != 0 {
			t.Errorf("confirmed %d before the next Receive", f.Confirmed())
		}

		// The next Receive confirms everything, the trailing skipped update
		// included, then waits.
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() {
			_, err := c.Receive(ctx)
			done <- err
		}()
		synctest.Wait()
		if f.Confirmed() != last {
			t.Errorf("confirmed %d, want %d", f.Confirmed(), last)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Receive: %v", err)
		}
	})
}

// A batch is confirmed only by the next Receive. A Conn stopped after
// handling part of a batch leaves all of it unconfirmed; a new Conn confirms
// nothing with its first poll, so it gets the whole batch again (the
// Handler skips the two it handled, by key).
func TestReceiveConfirmsOnNextReceive(t *testing.T) {
	f := telegramtest.NewServer(t)
	private := telegramtest.Private(an)
	for _, text := range []string{"1", "2", "3", "4", "5"} {
		f.PushText(private, an, text)
	}
	c1 := dial(t, f)
	batch, err := c1.Receive(t.Context())
	if err != nil || len(batch) != 5 {
		t.Fatalf("first batch: %d, %v", len(batch), err)
	}
	if f.Confirmed() != 0 {
		t.Fatalf("confirmed %d before the next Receive", f.Confirmed())
	}
	// c1 stops after handling two.

	c2 := dial(t, f)
	again, err := c2.Receive(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i, m := range again {
		if i < len(batch) && m.Key != batch[i].Key {
			t.Errorf("update %d after restart has key %s, want %s", i, m.Key, batch[i].Key)
		}
		keys = append(keys, m.Text)
	}
	if strings.Join(keys, ",") != "1,2,3,4,5" {
		t.Errorf("after restart got %v, want 1,2,3,4,5", keys)
	}
	if f.Confirmed() != 0 {
		t.Errorf("the restarted Conn's first poll confirmed %d", f.Confirmed())
	}

	f.PushText(private, an, "6")
	next, err := c2.Receive(t.Context())
	if err != nil || len(next) != 1 || next[0].Text != "6" {
		t.Fatalf("next batch = %+v, %v", next, err)
	}
	if f.Confirmed() != again[4].Cursor {
		t.Errorf("confirmed %d, want %d", f.Confirmed(), again[4].Cursor)
	}
	if lost := f.Lost(); len(lost) != 0 {
		t.Errorf("lost %v", lost)
	}
}

// Cancelling the context aborts an idle long poll at once, over real TCP.
func TestReceiveCancel(t *testing.T) {
	f := telegramtest.NewServer(t)
	c, err := telegram.New(t.Context(), telegram.Options{Token: f.Token, Endpoint: f.URL, PollTimeout: 50 * time.Second})
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

func TestReceiveFailures(t *testing.T) {
	tests := []struct {
		name    string
		faults  []telegramtest.Fault
		opts    telegram.Options
		wait    time.Duration // virtual time until the update arrives
		polls   int
		logs    map[string]int // log text -> times
		noLogOf string
	}{
		{
			name:   "429 honours retry_after",
			faults: []telegramtest.Fault{{Code: 429, RetryAfter: 7}},
			wait:   7 * time.Second, polls: 2,
			logs: map[string]int{"rate limited": 1},
		},
		{
			name:   "409 backs off and logs once",
			faults: []telegramtest.Fault{{Code: 409}, {Code: 409}, {Code: 409}},
			wait:   5*time.Second + 10*time.Second + 20*time.Second, polls: 4,
			logs: map[string]int{"another instance": 1, "polling resumed": 1},
		},
		{
			name:   "500 backs off exponentially",
			faults: []telegramtest.Fault{{Code: 500}, {Code: 500}, {Code: 500}, {Code: 502, Body: "<html>bad gateway</html>"}},
			wait:   1*time.Second + 2*time.Second + 4*time.Second + 8*time.Second, polls: 5,
			logs: map[string]int{"getUpdates failed": 4},
		},
		{
			name:   "backoff is capped at 30s",
			faults: []telegramtest.Fault{{Code: 500}, {Code: 500}, {Code: 500}, {Code: 500}, {Code: 500}, {Code: 500}, {Code: 500}},
			wait:   (1 + 2 + 4 + 8 + 16 + 30 + 30) * time.Second, polls: 8,
		},
		{
			name:   "stalled poll times out",
			faults: []telegramtest.Fault{{Hang: true}},
			opts:   telegram.Options{PollTimeout: 2 * time.Second, RequestTimeout: 3 * time.Second},
			wait:   5*time.Second + 1*time.Second, polls: 2,
			logs: map[string]int{"getUpdates failed": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := telegramtest.NewServer(t, telegramtest.InProcess())
				var logs bottest.Buffer
				o := tt.opts
				o.Log = slog.New(slog.NewTextHandler(&logs, nil))
				c := dialInProcess(t, f, o)
				for _, fault := range tt.faults {
					f.FailNext("getUpdates", 1, fault)
				}
				f.PushText(telegramtest.Private(an), an, "x")
				start := time.Now()
				got, err := c.Receive(t.Context())
				if err != nil || len(got) != 1 {
					t.Fatalf("Receive = %v, %v", got, err)
				}
				if d := time.Since(start); d != tt.wait {
					t.Errorf("update arrived after %v, want %v", d, tt.wait)
				}
				if n := f.Calls("getUpdates"); n != tt.polls {
					t.Errorf("%d polls, want %d", n, tt.polls)
				}
				out := logs.String()
				for text, n := range tt.logs {
					if got := strings.Count(out, text); got != n {
						t.Errorf("log %q %d times, want %d:\n%s", text, got, n, out)
					}
				}
				if strings.Contains(out, f.Token) {
					t.Errorf("token in logs:\n%s", out)
				}
			})
		})
	}
}

// Cancelling during a backoff returns at once.
func TestReceiveCancelDuringBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		c := dialInProcess(t, f, telegram.Options{})
		f.FailNext("getUpdates", 1, telegramtest.Fault{Code: 429, RetryAfter: 600})
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

// A 401 from getUpdates (finding 14) may be a proxy in the way or a short
// incident at Telegram: Receive retries with backoff and logs an error at
// most once a minute; it returns an error, naming the cause and never the
// token, only when the 401s have lasted 10 minutes.
func TestReceiveUnauthorized(t *testing.T) {
	for _, tt := range []struct {
		name      string
		lasts     time.Duration
		arrives   time.Duration // when the update is received; 0: never
		fails     time.Duration // when Receive gives up; 0: never
		errorLogs [2]int        // least and most error lines
	}{
		{name: "for 2 minutes", lasts: 2 * time.Minute, arrives: 2 * time.Minute, errorLogs: [2]int{2, 3}},
		{name: "for good", lasts: 24 * time.Hour, fails: 10 * time.Minute, errorLogs: [2]int{9, 11}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := telegramtest.NewServer(t, telegramtest.InProcess())
				var logs bottest.Buffer
				c := dialInProcess(t, f, telegram.Options{Log: slog.New(slog.NewTextHandler(&logs, nil))})
				f.FailFor("getUpdates", tt.lasts, telegramtest.Fault{Code: 401})
				f.PushText(telegramtest.Private(an), an, "x")
				start := time.Now()
				got, err := c.Receive(t.Context())
				d := time.Since(start)
				switch {
				case tt.arrives > 0:
					if err != nil || len(got) != 1 {
						t.Fatalf("Receive = %+v, %v; want the update", got, err)
					}
					if d < tt.arrives || d > tt.arrives+30*time.Second {
						t.Errorf("update received after %v, want soon after %v", d, tt.arrives)
					}
				default:
					if err == nil {
						t.Fatalf("Receive = %+v, want an error", got)
					}
					if msg := err.Error(); !strings.Contains(msg, "401") || !strings.Contains(msg, "token rejected") || !strings.Contains(msg, "10m0s") {
						t.Errorf("error %q does not name the cause", msg)
					}
					if d != tt.fails {
						t.Errorf("gave up after %v, want %v", d, tt.fails)
					}
				}
				out := logs.String()
				if n := strings.Count(out, "level=ERROR"); n < tt.errorLogs[0] || n > tt.errorLogs[1] {
					t.Errorf("%d error lines, want %d to %d:\n%s", n, tt.errorLogs[0], tt.errorLogs[1], out)
				}
				if n := strings.Count(out, "401"); n < tt.errorLogs[0] {
					t.Errorf("the log does not say 401:\n%s", out)
				}
				if tt.arrives > 0 && !strings.Contains(out, "polling resumed") {
					t.Errorf("recovery not logged:\n%s", out)
				}
				if strings.Contains(out, f.Token) || err != nil && strings.Contains(err.Error(), f.Token) {
					t.Errorf("token in logs or error:\n%s\n%v", out, err)
				}
				if n := f.Calls("getUpdates"); n > 30 {
					t.Errorf("%d polls in %v", n, d)
				}
				t.Logf("%d polls in %v; Receive: %v\n%s", f.Calls("getUpdates"), d, err, out)
			})
		})
	}
}

// After a week without updates Telegram numbers the next ones afresh, at
// random ("the identifier of the next update will be chosen randomly
// instead of sequentially"): below the ids seen before, just below them
// (an old offset within reach of the new ones would confirm them unseen), or
// above. Receive returns every new update, without a busy loop, and
// confirms each only after it was returned.
func TestReceiveAfterQuietWeek(t *testing.T) {
	for _, tt := range []struct {
		name string
		next int64
	}{
		{"far below", 17},
		{"just below", 1000},
		{"above", 5_000_000},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := telegramtest.NewServer(t, telegramtest.InProcess())
				f.DetectSpin(50)
				c := dialInProcess(t, f, telegram.Options{})
				me := telegramtest.Private(an)
				f.PushText(me, an, "trước Tết") // 1001
				if got, err := c.Receive(t.Context()); err != nil || len(got) != 1 {
					t.Fatalf("first Receive = %+v, %v", got, err)
				}

				// The bot keeps polling through a quiet week.
				ctx, cancel := context.WithTimeout(t.Context(), 8*24*time.Hour+time.Hour)
				defer cancel()
				done := make(chan []bot.Message, 1)
				go func() {
					got, err := c.Receive(ctx)
					if err != nil {
						t.Errorf("Receive after the quiet week: %v", err)
					}
					done <- got
				}()
				time.Sleep(8 * 24 * time.Hour)
				synctest.Wait()
				f.RenumberUpdates(tt.next)
				f.PushText(me, an, "sau Tết")
				f.PushText(me, an, "lần hai")
				var keys []string
				for _, m := range <-done {
					keys = append(keys, m.Key)
				}
				if len(keys) == 1 { // the poll returned before the second push
					got, err := c.Receive(ctx)
					if err != nil {
						t.Fatal(err)
					}
					for _, m := range got {
						keys = append(keys, m.Key)
					}
				}
				want := []string{strconv.FormatInt(tt.next, 10), strconv.FormatInt(tt.next+1, 10)}
				if strings.Join(keys, ",") != strings.Join(want, ",") {
					t.Errorf("got updates %v, want %v", keys, want)
				}
				if lost := f.Lost(); len(lost) != 0 {
					t.Errorf("updates %v confirmed without being received", lost)
				}
				if n := f.Spins(); n != 0 {
					t.Errorf("Receive polled in a busy loop (%d polls refused)", n)
				}

				// The next Receive confirms them.
				go func() { c.Receive(ctx) }()
				synctest.Wait()
				if f.Pending() != 0 || f.Confirmed() != tt.next+1 {
					t.Errorf("pending %d, confirmed %d; want 0 and %d", f.Pending(), f.Confirmed(), tt.next+1)
				}
				cancel()
			})
		})
	}
}
