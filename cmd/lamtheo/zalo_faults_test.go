package main

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot/zalo/zalotest"
)

// TestZaloFaults runs the Zalo bot end to end against a misbehaving or
// unusual Bot API.
func TestZaloFaults(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("flaky sends seed", seed), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { zaloFlakySends(t, seed) })
		})
	}
	t.Run("wrong token", func(t *testing.T) { synctest.Test(t, zaloWrongToken) })
	t.Run("idle hour", func(t *testing.T) { synctest.Test(t, zaloIdleHour) })
	t.Run("redelivery", func(t *testing.T) { synctest.Test(t, zaloRedelivery) })
	t.Run("too long", func(t *testing.T) { synctest.Test(t, zaloTooLong) })
	t.Run("emoji name", func(t *testing.T) { synctest.Test(t, zaloEmojiName) })
}

// zaloFlakySends makes 20 % of sendMessage calls fail, before they take
// effect (500, a proxy's page, a dropped connection, a hang) and after
// (the message delivered, its answer lost), while a cell connects: twelve
// members each send four lines at once. Every reply is delivered, in order
// per chat; duplicates are at most one per lost answer; the calls stay
// bounded (no busy loop).
func zaloFlakySends(t *testing.T, seed uint64) {
	f := zalotest.NewServer(t, zalotest.InProcess())
	f.FailRandomly(0.2, seed, zalotest.DefaultFaults(), "sendMessage")
	w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f)
	code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
	ms := cellOf(12)
	lines := []string{"/join " + code, "1", "/help", "/huy"}
	want := []string{"«%s», đúng không?", "Đồng chí %s đã kết nối với bot", "Các lệnh đồng chí dùng được", "Hiện không có việc gì đang làm dở"}
	for _, line := range lines {
		for _, u := range ms {
			f.PushText(zalotest.Private(u), u, line)
		}
	}
	time.Sleep(time.Hour)
	synctest.Wait()
	if !w.idle() {
		t.Fatal("replies still wait after an hour")
	}
	dups := 0
	for _, u := range ms {
		var got []string
		seen := map[string]bool{}
		for _, s := range f.Sent(u.ID) {
			if seen[s.Text] {
				dups++
				continue
			}
			seen[s.Text] = true
			got = append(got, s.Text)
		}
		if len(got) != len(want) {
			t.Fatalf("%s got %d distinct replies, want %d:\n%s", u.Name, len(got), len(want), strings.Join(got, "\n\n"))
		}
		for i, s := range want {
			if strings.Contains(s, "%s") {
				s = fmt.Sprintf(s, u.Name)
			}
			if !strings.Contains(got[i], s) {
				t.Errorf("%s: reply %d is %q, want %q (order kept)", u.Name, i+1, got[i], s)
			}
		}
	}
	lost, before, after := f.Lost(), 0, 0
	for _, e := range f.Errors() {
		switch {
		case !e.Injected:
		case e.After:
			after++
		default:
			before++
		}
	}
	t.Logf("seed %d: %d faults before and %d after taking effect, %d answers lost, %d duplicates; %d sendMessage and %d getUpdates calls",
		seed, before, after, lost, dups, f.Calls("sendMessage"), f.Calls("getUpdates"))
	if before == 0 || after == 0 {
		t.Errorf("the fake injected %d faults before and %d after taking effect, want some of each", before, after)
	}
	if dups > lost {
		t.Errorf("%d duplicates for %d lost answers, want at most one each", dups, lost)
	}
	// No busy loop: the 50 replies take at most twice as many calls (plus
	// the retries of a few unlucky ones), the polls one per update and one
	// per 2-minute timeout.
	if n := f.Calls("sendMessage"); n > 2*(len(ms)*len(lines)+2)+20 {
		t.Errorf("%d sendMessage calls for %d replies", n, len(ms)*len(lines)+2)
	}
	if n := f.Calls("getUpdates"); n > len(ms)*len(lines)+2+40 {
		t.Errorf("%d getUpdates calls in an hour for %d updates", n, len(ms)*len(lines)+2)
	}
	checkZaloTexts(t, f)
}

// zaloWrongToken starts the bot with a token the API refuses: serveChats
// fails at once with an error that names the bot and not the token.
func zaloWrongToken(t *testing.T) {
	f := zalotest.NewServer(t, zalotest.InProcess())
	cfg := zaloConfig(f, t.TempDir())
	cfg.Zalo.Token = "1459232241454765289:WrongTokenTypedByHand-secret_q"
	logs := &syncBuffer{}
	a, err := openApp(t.Context(), cfg, testText(), slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	err = a.serveChats(t.Context(), chatOptions{zalo: f.Client()})
	if err == nil {
		t.Fatal("serveChats accepted a token the API refuses")
	}
	for _, s := range []string{err.Error(), logs.String()} {
		if strings.Contains(s, "WrongTokenTypedByHand") || strings.Contains(s, "1459232241454765289:") {
			t.Errorf("the token leaked: %s", s)
		}
	}
	if !strings.Contains(err.Error(), `zalo bot "zalo"`) || !strings.Contains(err.Error(), "401") {
		t.Errorf("error %q, want one naming the bot and the refusal", err)
	}
}

// zaloIdleHour leaves the bot polling for an hour with nobody writing:
// about one getUpdates call per poll timeout, and no warning in the log.
func zaloIdleHour(t *testing.T) {
	f := zalotest.NewServer(t, zalotest.InProcess())
	time.Sleep(2 * time.Hour) // 09:00, after the day's jobs
	cfg := zaloConfig(f, t.TempDir())
	cfg.Zalo.PollTimeout = 30 * time.Second
	w := newZaloWorld(t, cfg, f)
	synctest.Wait()
	start := f.Calls("getUpdates")
	time.Sleep(time.Hour)
	synctest.Wait()
	if n := f.Calls("getUpdates") - start; n < 118 || n > 122 {
		t.Errorf("%d getUpdates calls in an hour of 30 s polls, want about 120", n)
	}
	if err := w.stop(); err != nil {
		t.Fatal(err)
	}
	w.quiet()
	if !strings.Contains(w.logs.String(), "serving Zalo") {
		t.Errorf("the log was not captured:\n%s", w.logs.String())
	}
}

// zaloRedelivery has Zalo deliver every update twice in a row, and one
// again an hour later: each is answered once.
func zaloRedelivery(t *testing.T) {
	f := zalotest.NewServer(t, zalotest.InProcess(), zalotest.WithRedelivery())
	w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f)
	me := zalotest.Private(zMai)
	id := f.PushText(me, zMai, "/help")
	f.PushText(me, zMai, "/huy")
	w.settle()
	if got := f.Sent(zMai.ID); len(got) != 2 {
		t.Fatalf("%d replies to two updates delivered twice each, want 2:\n%s", len(got), joined(got))
	}
	time.Sleep(time.Hour)
	f.Redeliver(id)
	w.settle()
	if got := f.Sent(zMai.ID); len(got) != 2 {
		t.Errorf("%d replies after the redelivery an hour later, want still 2", len(got))
	}
	if n := f.Calls("getUpdates"); n < 5 {
		t.Errorf("only %d getUpdates calls: the duplicates were not delivered", n)
	}
}

// zaloTooLong sends a 5,000-character text in private: it gets the «too
// long» answer, once.
func zaloTooLong(t *testing.T) {
	f := zalotest.NewServer(t, zalotest.InProcess())
	w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f)
	long := string([]rune(strings.Repeat("Kính gửi bot, tôi xin báo cáo dài. ", 150))[:5000])
	got := w.say(f, zalotest.Private(zMai), zMai, long)
	if n := len(f.Sent(zMai.ID)); n != 1 {
		t.Errorf("%d replies to the long text, want 1", n)
	}
	wantIn(t, "the long text's answer", got, "Tin nhắn dài quá (5.000 ký tự)")
	checkZaloTexts(t, f)
}

// zaloEmojiName connects a person whose Zalo name is an emoji: the bot
// asks for the full name instead of taking the emoji, and refuses emoji.
func zaloEmojiName(t *testing.T) {
	f := zalotest.NewServer(t, zalotest.InProcess())
	w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f)
	code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
	flower := zalotest.User{ID: "e0000000000000000001", Name: "🌻"}
	me := zalotest.Private(flower)
	wantIn(t, "the emoji name", w.say(f, me, flower, "/join "+code), "Xin đồng chí gõ họ và tên đầy đủ")
	wantIn(t, "an emoji for a name", w.say(f, me, flower, "🌻🌻"), "Tên chỉ gồm chữ cái và dấu cách")
	ask := w.say(f, me, flower, "Phan Thị Hoa")
	wantIn(t, "the typed name", ask, "«Phan Thị Hoa», đúng không?")
	wantIn(t, "the welcome", w.say(f, me, flower, numberOf(t, ask, "Đúng tên này")), "Đồng chí Phan Thị Hoa đã kết nối với bot")
	checkZaloTexts(t, f)
}
