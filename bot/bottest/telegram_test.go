package bottest

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

var (
	tgAn    = TelegramUser{ID: 501, FirstName: "An", LastName: "Nguyễn"}
	tgGroup = TelegramGroup(-1001234567890, "Chi bộ 1")
)

// tgClient returns a real tgbotapi client talking to f over TCP.
func tgClient(t *testing.T, f *FakeTelegram) *tgbotapi.BotAPI {
	t.Helper()
	b, err := tgbotapi.NewBotAPIWithAPIEndpoint(f.Token, f.URL)
	if err != nil {
		t.Fatalf("new bot: %v", err)
	}
	return b
}

// tgInProcess returns a real tgbotapi client talking to f in process.
func tgInProcess(t *testing.T, f *FakeTelegram, timeout time.Duration) *tgbotapi.BotAPI {
	t.Helper()
	c := f.Client()
	c.Timeout = timeout
	b, err := tgbotapi.NewBotAPIWithClient(f.Token, f.URL, c)
	if err != nil {
		t.Fatalf("new bot: %v", err)
	}
	return b
}

func TestTelegramGetMeAndToken(t *testing.T) {
	f := NewTelegram(t, WithTelegramBot(42, "cell_bot"))
	b := tgClient(t, f)
	if b.Self.ID != 42 || b.Self.UserName != "cell_bot" {
		t.Errorf("getMe = %+v", b.Self)
	}
	_, err := tgbotapi.NewBotAPIWithAPIEndpoint("1:wrong", f.URL)
	var te *tgbotapi.Error
	if !errors.As(err, &te) || te.Code != 401 {
		t.Errorf("wrong token: err = %v, want 401", err)
	}
}

func TestTelegramOffsetConfirms(t *testing.T) {
	f := NewTelegram(t)
	b := tgClient(t, f)
	var ids []int64
	for _, text := range []string{"a", "b", "c"} {
		ids = append(ids, f.PushText(TelegramPrivate(tgAn), tgAn, text))
	}
	got, err := b.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(got) != 3 {
		t.Fatalf("first poll: %d updates, %v", len(got), err)
	}
	if got[0].Message.Text != "a" || int64(got[2].UpdateID) != ids[2] {
		t.Errorf("first poll = %+v", got)
	}
	if f.Confirmed() != 0 || f.Pending() != 3 {
		t.Errorf("after poll without offset: confirmed %d, pending %d", f.Confirmed(), f.Pending())
	}
	// Asking from the second confirms the first only.
	got, err = b.GetUpdates(tgbotapi.UpdateConfig{Offset: int(ids[1]), Limit: 1})
	if err != nil || len(got) != 1 || int64(got[0].UpdateID) != ids[1] {
		t.Fatalf("offset poll = %+v, %v", got, err)
	}
	if f.Confirmed() != ids[0] || f.Pending() != 2 {
		t.Errorf("confirmed %d pending %d, want %d and 2", f.Confirmed(), f.Pending(), ids[0])
	}
	if f.Calls("getUpdates") != 2 {
		t.Errorf("getUpdates calls = %d", f.Calls("getUpdates"))
	}
}

// getUpdates treats offsets as the Bot API server does: one beyond the
// queue's tail (more than 10 above it) or far below it is ignored, so the
// call starts at the head and confirms nothing; 0 confirms nothing; a
// negative one keeps the last -offset updates.
func TestTelegramOffsetBounds(t *testing.T) {
	f := NewTelegram(t)
	b := tgClient(t, f)
	me := TelegramPrivate(tgAn)
	ids := func(us []tgbotapi.Update) (out []int) {
		for _, u := range us {
			out = append(out, u.UpdateID)
		}
		return out
	}
	poll := func(offset int) []int {
		t.Helper()
		got, err := b.GetUpdates(tgbotapi.UpdateConfig{Offset: offset})
		if err != nil {
			t.Fatalf("offset %d: %v", offset, err)
		}
		return ids(got)
	}
	for range 3 {
		f.PushText(me, tgAn, "x") // 1001..1003; the tail is 1004
	}
	for _, offset := range []int{0, 1015, 5000} { // 1015 > 1004+10
		if got := poll(offset); !slices.Equal(got, []int{1001, 1002, 1003}) {
			t.Errorf("offset %d: got %v, want every update", offset, got)
		}
	}
	if f.Confirmed() != 0 || f.Pending() != 3 {
		t.Errorf("confirmed %d, pending %d after ignored offsets", f.Confirmed(), f.Pending())
	}
	if got := poll(-1); !slices.Equal(got, []int{1003}) || f.Confirmed() != 1002 {
		t.Errorf("offset -1: got %v, confirmed %d", got, f.Confirmed())
	}
	if got := poll(1014); len(got) != 0 || f.Confirmed() != 1003 || f.Pending() != 0 { // tail+10: accepted
		t.Errorf("offset 1014: got %v, confirmed %d, pending %d", got, f.Confirmed(), f.Pending())
	}
	if lost := f.Lost(); len(lost) != 0 {
		t.Errorf("lost %v, though every update was delivered", lost)
	}

	// A week without updates: Telegram numbers the next ones afresh, here
	// below the offset the bot keeps. That offset is ignored: the new
	// updates come, and come again, until an offset above them confirms
	// them.
	f.RenumberUpdates(17)
	f.PushText(me, tgAn, "sau Tết")
	f.PushText(me, tgAn, "lần hai")
	for range 2 {
		if got := poll(1004); !slices.Equal(got, []int{17, 18}) {
			t.Errorf("stale offset: got %v, want [17 18]", got)
		}
	}
	if got := poll(19); len(got) != 0 || f.Confirmed() != 18 {
		t.Errorf("offset 19: got %v, confirmed %d", got, f.Confirmed())
	}

	// Updates confirmed before any poll returned them are lost; the fake
	// tells.
	f.PushText(me, tgAn, "a") // 19
	f.PushText(me, tgAn, "b") // 20
	if got := poll(21); len(got) != 0 || !slices.Equal(f.Lost(), []int64{19, 20}) {
		t.Errorf("offset 21: got %v, lost %v", got, f.Lost())
	}

	// Far below the tail is ignored too.
	f.RenumberUpdates(3_000_000)
	f.PushText(me, tgAn, "c")
	if got := poll(1); !slices.Equal(got, []int{3_000_000}) || f.Pending() != 1 {
		t.Errorf("offset 1 far below the tail: got %v, pending %d", got, f.Pending())
	}
	defer func() {
		if recover() == nil {
			t.Error("RenumberUpdates with updates queued did not panic")
		}
	}()
	f.RenumberUpdates(5)
}

// A long poll applies its offset again when an update arrives: parked with
// an offset that the renumbered updates are below, it returns them.
func TestTelegramLongPollRenumbered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewTelegram(t, TelegramInProcess())
		b := tgInProcess(t, f, 0)
		f.PushText(TelegramPrivate(tgAn), tgAn, "x") // 1001
		if _, err := b.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
			t.Fatal(err)
		}
		done := make(chan []tgbotapi.Update)
		go func() {
			got, _ := b.GetUpdates(tgbotapi.UpdateConfig{Offset: 1002, Timeout: 50})
			done <- got
		}()
		synctest.Wait()
		if f.Confirmed() != 1001 {
			t.Errorf("confirmed %d, want 1001", f.Confirmed())
		}
		f.RenumberUpdates(40)
		f.PushText(TelegramPrivate(tgAn), tgAn, "y")
		if got := <-done; len(got) != 1 || got[0].UpdateID != 40 {
			t.Errorf("parked poll got %+v, want update 40", got)
		}
		if f.Pending() != 1 || len(f.Lost()) != 0 {
			t.Errorf("pending %d, lost %v", f.Pending(), f.Lost())
		}
	})
}

// FailFor fails every call for a while; DetectSpin stops a poll loop that
// spins in a synctest bubble.
func TestTelegramFailForAndSpin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewTelegram(t, TelegramInProcess())
		b := tgInProcess(t, f, 0)
		f.FailFor("getUpdates", 2*time.Minute, TelegramFault{Code: 401})
		var te *tgbotapi.Error
		if _, err := b.GetUpdates(tgbotapi.UpdateConfig{}); !errors.As(err, &te) || te.Code != 401 {
			t.Errorf("within the 2 minutes: %v", err)
		}
		if _, err := b.Send(tgbotapi.NewMessage(501, "x")); err != nil {
			t.Errorf("another method: %v", err)
		}
		time.Sleep(2 * time.Minute)
		if _, err := b.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
			t.Errorf("after the 2 minutes: %v", err)
		}

		f.DetectSpin(5)
		f.PushText(TelegramPrivate(tgAn), tgAn, "x")
		for i := range 5 {
			if _, err := b.GetUpdates(tgbotapi.UpdateConfig{Offset: 5000}); err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		if _, err := b.GetUpdates(tgbotapi.UpdateConfig{Offset: 5000}); !errors.As(err, &te) || te.Code != 500 || f.Spins() != 1 {
			t.Errorf("6th call at one instant: %v, %d spins", err, f.Spins())
		}
		time.Sleep(time.Millisecond)
		if _, err := b.GetUpdates(tgbotapi.UpdateConfig{Offset: 5000}); err != nil {
			t.Errorf("a moment later: %v", err)
		}
	})
}

func TestTelegramLongPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewTelegram(t, TelegramInProcess())
		b := tgInProcess(t, f, 0)

		// An idle poll returns empty after its timeout.
		start := time.Now()
		got, err := b.GetUpdates(tgbotapi.UpdateConfig{Timeout: 20})
		if err != nil || len(got) != 0 {
			t.Fatalf("idle poll = %v, %v", got, err)
		}
		if d := time.Since(start); d != 20*time.Second {
			t.Errorf("idle poll took %v, want 20s", d)
		}

		// A parked poll returns as soon as an update is pushed.
		done := make(chan []tgbotapi.Update)
		go func() {
			got, _ := b.GetUpdates(tgbotapi.UpdateConfig{Timeout: 50, AllowedUpdates: []string{"message"}})
			done <- got
		}()
		synctest.Wait()
		if err := f.WaitPolling(t.Context()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Second)
		f.PushText(TelegramPrivate(tgAn), tgAn, "xin chào")
		got = <-done
		if len(got) != 1 || got[0].Message.Text != "xin chào" {
			t.Errorf("parked poll got %+v", got)
		}
		if d := time.Since(start); d != 23*time.Second {
			t.Errorf("parked poll returned at %v, want 23s", d)
		}
		if a := f.AllowedUpdates(); len(a) != 1 || a[0] != "message" {
			t.Errorf("allowed updates = %v", a)
		}
		// Disallowed kinds are not delivered.
		f.PushCallback(tgGroup, tgAn, 7, "x")
		got, _ = b.GetUpdates(tgbotapi.UpdateConfig{Offset: got[0].UpdateID + 1})
		if len(got) != 0 {
			t.Errorf("callback delivered despite allowed_updates: %+v", got)
		}
	})
}

// TestTelegramFaultsAfterEffect injects faults after a call took effect: the
// message is delivered, and the client gets an error or a hang instead of
// its result, so sending again repeats it. Each is recorded as such.
func TestTelegramFaultsAfterEffect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewTelegram(t, TelegramInProcess())
		b := tgInProcess(t, f, 10*time.Second)
		f.FailNext("sendMessage", 1, TelegramFault{Code: 500, After: true})
		f.FailNext("sendMessage", 1, TelegramFault{Hang: true, After: true})
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

func TestTelegramFaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewTelegram(t, TelegramInProcess())
		b := tgInProcess(t, f, 10*time.Second)
		msg := tgbotapi.NewMessage(501, "x")

		f.FailNext("sendMessage", 1, TelegramFault{Code: 429, RetryAfter: 7})
		f.FailNext("", 1, TelegramFault{Code: 500})
		_, err := b.Send(msg)
		var te *tgbotapi.Error
		if !errors.As(err, &te) || te.Code != 429 || te.RetryAfter != 7 || !strings.Contains(te.Message, "retry after 7") {
			t.Errorf("429: err = %#v", err)
		}
		_, err = b.Send(msg)
		if !errors.As(err, &te) || te.Code != 500 {
			t.Errorf("500: err = %v", err)
		}

		f.FailNext("sendMessage", 1, TelegramFault{Hang: true})
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

func TestTelegramFailRandomly(t *testing.T) {
	run := func() (failed int) {
		f := NewTelegram(t, TelegramInProcess())
		b := tgInProcess(t, f, 0)
		f.FailRandomly(0.2, 7, []TelegramFault{{Code: 500}})
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

func TestTelegramLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewTelegram(t, TelegramInProcess(), WithTelegramLimits(DefaultTelegramLimits()))
		b := tgInProcess(t, f, 0)
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
			if te := send(tgGroup.ID); te != nil {
				t.Fatalf("group send %d: %v", i, te)
			}
		}
		time.Sleep(time.Second)
		if te := send(tgGroup.ID); te == nil || te.RetryAfter != 40 {
			t.Errorf("21st group send in a minute: %v, want retry after 40", te)
		}
		if f.TooManyRequests() != 3 {
			t.Errorf("429s = %d, want 3", f.TooManyRequests())
		}
	})
}

// A sender pacing at exactly 30 a second, with the rounding of 1/30 s,
// is never refused.
func TestTelegramLimitsExactPace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewTelegram(t, TelegramInProcess(), WithTelegramLimits(DefaultTelegramLimits()))
		b := tgInProcess(t, f, 0)
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

func TestTelegramSendRecords(t *testing.T) {
	f := NewTelegram(t)
	b := tgClient(t, f)
	m := tgbotapi.NewMessage(501, "<b>Chào</b> &lt;x&gt; &amp; y")
	m.ParseMode = tgbotapi.ModeHTML
	m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Có", "y"), tgbotapi.NewInlineKeyboardButtonURL("Mở", "https://t.me/x")))
	sent, err := b.Send(m)
	if err != nil {
		t.Fatal(err)
	}
	edit := tgbotapi.NewEditMessageText(501, sent.MessageID, "đã sửa")
	if _, err := b.Send(edit); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Send(edit); err == nil || !strings.Contains(err.Error(), "not modified") {
		t.Errorf("same edit again: %v", err)
	}
	doc := tgbotapi.NewDocument(501, tgbotapi.FileBytes{Name: "bao-cao.csv", Bytes: []byte("a,b\n")})
	doc.Caption = "Báo cáo"
	if _, err := b.Send(doc); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Send(tgbotapi.NewPhoto(501, tgbotapi.FileID("AgAD-photo"))); err != nil {
		t.Fatal(err)
	}
	got := f.Sent(501)
	if len(got) != 4 {
		t.Fatalf("sent %d, want 4: %+v", len(got), got)
	}
	if g := got[0]; g.Plain != "Chào <x> & y" || g.ParseMode != "HTML" || len(g.Buttons) != 1 ||
		g.Buttons[0][0].CallbackData != "y" || g.Buttons[0][1].URL != "https://t.me/x" || g.MessageID != int64(sent.MessageID) {
		t.Errorf("message = %+v", g)
	}
	if g := got[1]; g.Method != "editMessageText" || g.MessageID != int64(sent.MessageID) || g.Text != "đã sửa" {
		t.Errorf("edit = %+v", g)
	}
	if g := got[2]; g.Method != "sendDocument" || g.FileName != "bao-cao.csv" || string(g.FileData) != "a,b\n" || g.Text != "Báo cáo" {
		t.Errorf("document = %+v", g)
	}
	if g := got[3]; g.Method != "sendPhoto" || g.Photo != "AgAD-photo" {
		t.Errorf("photo = %+v", g)
	}

	if _, err := b.Request(tgbotapi.NewCallback("cb1", "ok")); err != nil {
		t.Fatal(err)
	}
	if a := f.CallbackAnswers(); len(a) != 1 || a[0].ID != "cb1" || a[0].Text != "ok" {
		t.Errorf("answers = %+v", a)
	}
	if _, err := b.Request(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeAllGroupChats(),
		tgbotapi.BotCommand{Command: "summary", Description: "Tổng hợp"})); err != nil {
		t.Fatal(err)
	}
	if c := f.Commands("all_group_chats", ""); len(c) != 1 || c[0].Command != "summary" {
		t.Errorf("group commands = %+v", c)
	}
	if c := f.Commands("all_private_chats", ""); len(c) != 0 {
		t.Errorf("private commands = %+v", c)
	}
	f.SetMember(tgGroup.ID, 501, "administrator")
	cm, err := b.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: tgGroup.ID, UserID: 501}})
	if err != nil || !cm.IsAdministrator() {
		t.Errorf("chat member = %+v, %v", cm, err)
	}
}

// editMessageReplyMarkup replaces or removes a message's buttons, refuses
// what Telegram refuses, and counts against the rate limits; the edit is
// not a sent message.
func TestTelegramEditMarkup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewTelegram(t, TelegramInProcess(), WithTelegramLimits(DefaultTelegramLimits()))
		b := tgInProcess(t, f, 0)
		m := tgbotapi.NewMessage(tgGroup.ID, "Miễn cho Hùng?")
		m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("Đồng ý", "y"), tgbotapi.NewInlineKeyboardButtonData("Thôi", "n")))
		sent, err := b.Send(m)
		if err != nil {
			t.Fatal(err)
		}
		strip := tgbotapi.NewEditMessageReplyMarkup(tgGroup.ID, sent.MessageID,
			tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
		if _, err := b.Request(strip); err == nil || !strings.Contains(err.Error(), "Too Many Requests") {
			t.Errorf("strip within a second of the send: %v, want 429", err)
		}
		time.Sleep(time.Second)
		if _, err := b.Request(strip); err != nil {
			t.Fatal(err)
		}
		got, ok := f.Message(tgGroup.ID, int64(sent.MessageID))
		if !ok || len(got.Buttons) != 0 || got.Plain != "Miễn cho Hùng?" {
			t.Errorf("message after the strip = %+v", got)
		}
		if e := f.MarkupEdits(tgGroup.ID); len(e) != 1 || e[0].MessageID != int64(sent.MessageID) || len(e[0].Buttons) != 0 {
			t.Errorf("markup edits = %+v", e)
		}
		if n := len(f.Sent(tgGroup.ID)); n != 1 {
			t.Errorf("%d messages sent, want 1: a markup edit is not a message", n)
		}
		time.Sleep(time.Second)
		if _, err := b.Request(strip); err == nil || !strings.Contains(err.Error(), "message is not modified") {
			t.Errorf("strip again: %v", err)
		}
		missing := tgbotapi.NewEditMessageReplyMarkup(tgGroup.ID, 999, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
		if _, err := b.Request(missing); err == nil || !strings.Contains(err.Error(), "message to edit not found") {
			t.Errorf("strip of an unknown message: %v", err)
		}
		if _, err := b.Request(tgbotapi.NewCallback("cb1", strings.Repeat("á", 201))); err == nil {
			t.Error("a callback answer of 201 characters was accepted")
		}
	})
}

func TestTelegramSendValidation(t *testing.T) {
	f := NewTelegram(t)
	b := tgClient(t, f)
	long := strings.Repeat("a", 4097)
	tests := []struct {
		name string
		cfg  tgbotapi.Chattable
		want string
	}{
		{"too long", tgbotapi.NewMessage(501, long), "message is too long"},
		{"empty", tgbotapi.NewMessage(501, ""), "message text is empty"},
		{"bad html", func() tgbotapi.Chattable {
			m := tgbotapi.NewMessage(501, "<b>x</b> & y")
			m.ParseMode = tgbotapi.ModeHTML
			return m
		}(), "can't parse entities"},
		{"long data", func() tgbotapi.Chattable {
			m := tgbotapi.NewMessage(501, "x")
			m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
				tgbotapi.NewInlineKeyboardButtonData("x", strings.Repeat("d", 65))))
			return m
		}(), "BUTTON_DATA_INVALID"},
		{"edit missing", tgbotapi.NewEditMessageText(501, 999, "x"), "message to edit not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.Send(tt.cfg)
			var te *tgbotapi.Error
			if !errors.As(err, &te) || te.Code != 400 || !strings.Contains(te.Message, tt.want) {
				t.Errorf("err = %v, want 400 %q", err, tt.want)
			}
		})
	}
	if n := len(f.Sent(501)); n != 0 {
		t.Errorf("%d invalid messages recorded as sent", n)
	}
}

func TestTelegramPlain(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"a &lt;b&gt; &amp; &quot;c&quot; &#65;&#x42;", `a <b> & "c" AB`, true},
		{"<b>đậm</b>\n<i>nghiêng <u>x</u></i>", "đậm\nnghiêng x", true},
		{`<a href="https://t.me/x">link</a>`, "link", true},
		{"a < b", "", false},
		{"a > b", "", false},
		{"a & b", "", false},
		{"<b>x", "", false},
		{"<b>x</i>", "", false},
		{"<script>x</script>", "", false},
	}
	for _, tt := range tests {
		got, err := tgPlain(tt.in, "HTML")
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("tgPlain(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if got, err := tgPlain("a < b", ""); err != nil || got != "a < b" {
		t.Errorf("no parse mode: %q, %v", got, err)
	}
}
