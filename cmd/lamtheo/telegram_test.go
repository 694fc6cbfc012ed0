package main

import (
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot/telegram/telegramtest"
)

// TestTelegramJoinThroughGroupButton plays the foundation on the fake Bot
// API: an admin links a group, two members of the group join through its
// deep link (someone outside it is refused), every button press is
// answered, and the command menus are set.
func TestTelegramJoinThroughGroupButton(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		f.EnforceLimits(telegramtest.DefaultLimits())
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

		// Someone outside the group who got hold of the button is refused
		// (getChatMember says "left").
		outsider := telegramtest.User{ID: 299, FirstName: "Người", LastName: "Lạ"}
		f.PushText(telegramtest.Private(outsider), outsider, "/start "+payload)
		w.settle()
		if got := w.last(outsider.ID).Plain; !strings.Contains(got, "không thấy đồng chí trong nhóm") {
			t.Errorf("a person outside the group got %q", got)
		}
		for _, u := range []telegramtest.User{tgLan, tgHung} {
			f.SetMember(tgGroup1.ID, u.ID, "member")
		}
		for _, u := range []telegramtest.User{tgLan, tgHung} {
			me := telegramtest.Private(u)
			f.PushText(me, u, "/start "+payload)
			w.settle()
			confirm := w.last(me.ID)
			f.PushCallback(me, u, confirm.MessageID, button(t, confirm, "nm:ok").CallbackData)
			w.settle()
			if got := w.last(me.ID).Plain; !strings.Contains(got, "Đồng chí "+u.FirstName+" "+u.LastName+" đã kết nối với bot") {
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
// updates it already handled: it takes every update Telegram gives, skips
// the ones it handled by their keys, and answers only the new one.
func TestTelegramRestartAndDuplicates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		dir := t.TempDir()
		w := newTGWorld(t, f, dir)
		lan := telegramtest.Private(tgLan)
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
		// plus a new one.
		f2 := telegramtest.NewServer(t, telegramtest.InProcess())
		for _, text := range []string{"/help", "xin chào", "/help"} {
			f2.PushText(lan, tgLan, text) // ids 1001..1003, as before
		}
		w2 := newTGWorld(t, f2, dir)
		w2.settle()
		if got := len(f2.Sent(lan.ID)); got != 1 {
			t.Errorf("after the restart %d replies, want 1 (the third update only)", got)
		}
		if got := f2.Confirmed(); got != 1003 {
			t.Errorf("the restarted bot confirmed up to %d, want 1003", got)
		}
		if err := w2.stop(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTelegramQuietWeek: after a week without updates Telegram numbers the
// next ones afresh, at random (finding 11). Here the new ids first overlap
// the week-old ones (the bot's old offset is within reach of them, and two
// of them equal ids handled before the week), then, after a second quiet
// week, fall far below. The bot is restarted between the two, while the
// updates it handled last are not yet confirmed, so Telegram hands them out
// again. Every update is answered exactly once, none is confirmed unseen,
// and the bot never polls in a busy loop.
func TestTelegramQuietWeek(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		f.DetectSpin(50)
		dir := t.TempDir()
		longPoll := func(c *Config) { c.Telegram.PollTimeout = 50 * time.Second } // fewer idle polls in two weeks
		w := newTGWorld(t, f, dir, longPoll)
		var people []telegramtest.User
		for i := range 10 {
			people = append(people, telegramtest.User{ID: int64(300 + i), FirstName: "Người", LastName: strconv.Itoa(i)})
		}
		for _, u := range people {
			f.PushText(telegramtest.Private(u), u, "/help") // 1001..1010
		}
		w.settle()
		lan, hung := telegramtest.Private(tgLan), telegramtest.Private(tgHung)
		want := map[int64]int{lan.ID: 0, hung.ID: 0}
		for _, u := range people {
			want[u.ID] = 1
		}
		check := func(when string) {
			t.Helper()
			for id, n := range want {
				if got := len(f.Sent(id)); got != n {
					t.Errorf("%s: chat %d got %d replies, want %d", when, id, got, n)
				}
			}
		}
		check("before the quiet week")

		// A quiet week; then ids from 1009: two of them were handled before.
		time.Sleep(8 * 24 * time.Hour)
		synctest.Wait()
		f.RenumberUpdates(1009)
		// The bot will handle the next two updates, then fail to confirm
		// them and stop.
		f.FailFor("getUpdates", 10*time.Minute, telegramtest.Fault{Code: 502, Body: "<html>Bad Gateway</html>"})
		f.Together(func() { // one getUpdates answer, so neither waits behind the 502s
			f.PushText(lan, tgLan, "/help")   // 1009
			f.PushText(hung, tgHung, "/help") // 1010
		})
		w.settle()
		want[lan.ID], want[hung.ID] = 1, 1
		check("after the first quiet week")
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}
		if n := f.Pending(); n != 2 {
			t.Fatalf("%d updates unconfirmed at the restart, want 2", n)
		}

		// Restarted: Telegram hands 1009 and 1010 out again, then a new one.
		w = newTGWorld(t, f, dir, longPoll)
		defer func() { w.stop() }()
		time.Sleep(10 * time.Minute)
		f.PushText(hung, tgHung, "xin chào") // 1011
		w.settle()
		want[hung.ID] = 2
		check("after the restart")

		// Another quiet week; then ids far below every one seen.
		time.Sleep(8 * 24 * time.Hour)
		synctest.Wait()
		f.RenumberUpdates(17)
		f.PushText(lan, tgLan, "xin chào")
		want[lan.ID]++
		for _, u := range people[:3] {
			f.PushText(telegramtest.Private(u), u, "/help")
			want[u.ID]++
		}
		w.settle()
		check("after the second quiet week")

		if lost := f.Lost(); len(lost) != 0 {
			t.Errorf("updates %v confirmed without being received", lost)
		}
		if n := f.Spins(); n != 0 {
			t.Errorf("the bot polled in a busy loop (%d polls refused)", n)
		}
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}
		if n := f.Pending(); n != 0 {
			t.Errorf("%d updates left unconfirmed", n)
		}
	})
}
