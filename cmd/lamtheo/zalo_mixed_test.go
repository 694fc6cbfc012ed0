package main

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot/telegram/telegramtest"
	"lamtheo/bot/zalo/zalotest"
)

// The Telegram side of the mixed cell: the secretary and a member who
// later moves to Zalo, their Telegram names as Zalo shows them.
var (
	tgLanMixed  = telegramtest.User{ID: 301, FirstName: "Nguyễn Thị Lan"}
	tgHungMixed = telegramtest.User{ID: 302, FirstName: "Trần Văn Hùng"}
)

// tgPress presses the button labelled label on the last message the bot
// sent to chat on Telegram, as from, and lets the bot settle; it returns
// the last message sent to chat then.
func (w *zaloWorld) tgPress(chat telegramtest.Chat, from telegramtest.User, label string) telegramtest.Sent {
	w.t.Helper()
	m := w.tgLast(chat.ID)
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				w.tg.PushCallback(chat, from, m.MessageID, b.CallbackData)
				w.settle()
				return w.tgLast(chat.ID)
			}
		}
	}
	w.t.Fatalf("no button %q under %q (%+v)", label, m.Plain, m.Buttons)
	return telegramtest.Sent{}
}

// tgSay sends text from from in chat on Telegram, lets the bot settle and
// returns the last message sent to chat.
func (w *zaloWorld) tgSay(chat telegramtest.Chat, from telegramtest.User, text string) telegramtest.Sent {
	w.t.Helper()
	w.tg.PushText(chat, from, text)
	w.settle()
	return w.tgLast(chat.ID)
}

// tgLast returns the last message sent to chat on Telegram.
func (w *zaloWorld) tgLast(chat int64) telegramtest.Sent {
	w.t.Helper()
	sent := w.tg.Sent(chat)
	if len(sent) == 0 {
		w.t.Fatalf("nothing sent to %d on Telegram", chat)
	}
	return sent[len(sent)-1]
}

// tgCount returns how many of sent contain s.
func tgCount(sent []telegramtest.Sent, s string) int {
	n := 0
	for _, m := range sent {
		if strings.Contains(m.Plain, s) {
			n++
		}
	}
	return n
}

// TestMixedCellMonth serves one cell on Telegram and Zalo from one
// process: its secretary and one member on Telegram, two members on Zalo,
// a group on each. The member on Telegram pledges there, then connects on
// Zalo under the same name; the secretary confirms the move with /duyet on
// Telegram; the member keeps the pledge (/cuatoi on Zalo) and from then on
// is reminded on Zalo only. Summaries are answered in the group asked,
// reminders reach each member on their platform, the last rung's list
// reaches the secretary on Telegram, and the leaderboard is posted in both
// groups, once each.
func TestMixedCellMonth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		tg := telegramtest.NewServer(t, telegramtest.InProcess())
		tg.EnforceLimits(telegramtest.DefaultLimits())
		time.Sleep(17*24*time.Hour + 2*time.Hour) // Tuesday 18 January, 09:00
		cfg := zaloConfig(f, t.TempDir())
		cfg.Telegram.Token, cfg.Telegram.Endpoint = tg.Token, tg.URL
		cfg.Telegram.PollTimeout = time.Minute
		cfg.Admins.Telegram = []int64{tgAdmin.ID}
		w := &zaloWorld{t: t, cfg: cfg, fakes: []*zalotest.Server{f}, tg: tg, logs: &syncBuffer{}}
		w.start()

		// The Telegram group, linked by the admin; Lan and Hùng connect
		// through its button; Lan becomes secretary.
		tg.PushMyChatMember(tgGroup1, tgAdmin, "left", "member")
		w.tgSay(tgGroup1, tgAdmin, "/link@"+tg.Bot.Username)
		linked := w.tgPress(tgGroup1, tgAdmin, "Chi bộ thôn Đông")
		var payload string
		for _, row := range linked.Buttons {
			for _, b := range row {
				if _, p, ok := strings.Cut(b.URL, "?start="); ok {
					payload = p
				}
			}
		}
		if payload == "" {
			t.Fatalf("no join button in %q", linked.Plain)
		}
		for _, u := range []telegramtest.User{tgLanMixed, tgHungMixed} {
			tg.SetMember(tgGroup1.ID, u.ID, "member") // the button checks the group
			me := telegramtest.Private(u)
			w.tgSay(me, u, "/start "+payload)
			if got := w.tgPress(me, u, "Đúng tên này").Plain; !strings.Contains(got, "Đồng chí "+u.FirstName) || !strings.Contains(got, "đã kết nối với bot") {
				t.Fatalf("%s got %q, want the welcome", u.FirstName, got)
			}
		}
		admin := telegramtest.Private(tgAdmin)
		w.tgSay(admin, tgAdmin, "/bithu")
		w.tgPress(admin, tgAdmin, "Chi bộ thôn Đông")
		w.tgPress(admin, tgAdmin, tgLanMixed.FirstName)
		if got := w.tgPress(admin, tgAdmin, "Cấp quyền").Plain; !strings.Contains(got, "Đã cấp quyền bí thư") {
			t.Fatalf("/bithu ended with %q", got)
		}

		// Hùng pledges on Telegram; Lan approves there.
		hungTG := telegramtest.Private(tgHungMixed)
		w.tgSay(hungTG, tgHungMixed, "/dangky")
		w.tgSay(hungTG, tgHungMixed, "Tham gia dọn vệ sinh đường làng")
		w.tgPress(hungTG, tgHungMixed, "Đoàn kết, kỷ cương, tình thương, trách nhiệm")
		w.tgPress(hungTG, tgHungMixed, "Không có chỉ tiêu")
		w.tgPress(hungTG, tgHungMixed, "Gửi bí thư duyệt")
		w.tgPress(hungTG, tgHungMixed, "Gửi")
		lanTG := telegramtest.Private(tgLanMixed)
		w.tgPress(lanTG, tgLanMixed, "Xem và duyệt")
		if got := w.tgPress(lanTG, tgLanMixed, "Duyệt").Plain; !strings.Contains(got, "Đã duyệt bản đăng ký của đồng chí Trần Văn Hùng") {
			t.Fatalf("the approval ended with %q", got)
		}

		// The Zalo group, linked by the admin's Zalo account; Mai and Tuấn
		// connect there.
		code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
		w.zaloJoin(f, zMai, code)
		w.zaloJoin(f, zTuan, code)

		// Hùng connects on Zalo with the same name: he is asked whether he
		// moves, says yes, and Lan confirms with /duyet on Telegram.
		hung := zalotest.Private(zHung)
		ask := w.say(f, hung, zHung, "/join "+code)
		ask = w.say(f, hung, zHung, numberOf(t, ask, "Đúng tên này"))
		wantIn(t, "Hùng on Zalo", ask, "đã có đồng chí «Trần Văn Hùng» kết nối với bot qua Telegram")
		wantIn(t, "Hùng's move", w.say(f, hung, zHung, numberOf(t, ask, "Đúng, tôi chuyển sang đây")), "Bot đã gửi đề nghị tới bí thư Chi bộ thôn Đông")
		if got := w.tgLast(lanTG.ID).Plain; !strings.Contains(got, "Đồng chí Trần Văn Hùng đề nghị chuyển sang dùng bot qua Zalo") {
			t.Fatalf("Lan was told %q, want the move to confirm", got)
		}
		w.tgSay(lanTG, tgLanMixed, "/duyet")
		w.tgPress(lanTG, tgLanMixed, "Trần Văn Hùng: chuyển sang Zalo")
		if got := w.tgPress(lanTG, tgLanMixed, "Xác nhận").Plain; !strings.Contains(got, "Đã xác nhận: đồng chí Trần Văn Hùng từ nay dùng bot qua Zalo") {
			t.Fatalf("the move ended with %q", got)
		}
		wantIn(t, "Hùng on Zalo", lastOf(t, f, zHung), "Bí thư đã xác nhận", "với bản đăng ký và các báo cáo cũ")
		wantIn(t, "/cuatoi on Zalo", w.say(f, hung, zHung, "/cuatoi"), "Tham gia dọn vệ sinh đường làng")

		// Mai reports on the 19th; the others do not.
		w.until("2000-01-19 10:00")
		mai := zalotest.Private(zMai)
		ask = w.say(f, mai, zMai, "/baocao khác: thăm hỏi gia đình chính sách")
		wantIn(t, "Mai's report", w.say(f, mai, zMai, numberOf(t, ask, "Gửi báo cáo")), "Đã nhận báo cáo tháng 1/2000")

		// The 26th: a summary in each group, answered there.
		w.until("2000-01-26 20:00")
		tgBefore, zBefore := len(tg.Sent(tgGroup1.ID)), len(f.Sent(zGroup.ID))
		w.tgSay(tgGroup1, tgLanMixed, "/summary@"+tg.Bot.Username)
		w.say(f, zGroup, zTuan, "/summary")
		for _, got := range []string{joined(f.Sent(zGroup.ID)[zBefore:]), w.tgLast(tgGroup1.ID).Plain} {
			wantIn(t, "a group's summary", got, "Đã báo cáo: 1/4 đồng chí")
		}
		if n, m := len(tg.Sent(tgGroup1.ID))-tgBefore, len(f.Sent(zGroup.ID))-zBefore; n != 1 || m != 1 {
			t.Errorf("the groups got %d (Telegram) and %d (Zalo) summaries, want one each", n, m)
		}

		w.until("2000-02-06 09:00")
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}
		tgWhen := func(sent []telegramtest.Sent) []string {
			loc, _ := cfg.Location()
			var out []string
			for _, s := range sent {
				if isReminder(s.Plain) {
					out = append(out, s.Time.In(loc).Format("02/01 15:04"))
				}
			}
			return out
		}
		rungs := []string{"20/01 08:00", "25/01 08:00", "31/01 08:00"}
		for _, c := range []struct {
			who       string
			got, want []string
		}{
			{"Lan on Telegram", tgWhen(tg.Sent(tgLanMixed.ID)), rungs},
			{"Hùng on Telegram", tgWhen(tg.Sent(tgHungMixed.ID)), nil},
			{"Hùng on Zalo", w.reminders(f.Sent(zHung.ID)), rungs},
			{"Tuấn on Zalo", w.reminders(f.Sent(zTuan.ID)), rungs},
			{"Mai on Zalo", w.reminders(f.Sent(zMai.ID)), nil},
		} {
			if !equal(c.got, c.want) {
				t.Errorf("%s: reminded at %v, want %v", c.who, c.got, c.want)
			}
		}
		// Lan, the secretary, has not reported either: her own reminder
		// says so, and her list is of the two others.
		if n := tgCount(tg.Sent(tgLanMixed.ID), "Bot đã nhắc lần cuối. Ngoài đồng chí, còn 2 đồng chí chưa báo cáo"); n != 1 {
			t.Errorf("Lan got the last rung's list %d times on Telegram, want once", n)
		}
		if n := tgCount(tg.Sent(tgLanMixed.ID), "Đồng chí chưa báo cáo tháng 1/2000 (gõ /baocao để gửi)."); n != 0 {
			t.Errorf("Lan's list repeated her own reminder %d times", n)
		}
		if n := count(f.Sent(zLan.ID), "Bot đã nhắc lần cuối"); n != 0 {
			t.Errorf("the list went to Zalo %d times", n)
		}
		board := "Bảng xếp hạng báo cáo việc làm tháng 1/2000"
		if n, m := tgCount(tg.Sent(tgGroup1.ID), board), count(f.Sent(zGroup.ID), board); n != 1 || m != 1 {
			t.Errorf("January's leaderboard reached the Telegram group %d times and the Zalo group %d times, want once each", n, m)
		}
		if n := tg.TooManyRequests(); n != 0 {
			t.Errorf("Telegram answered 429 %d times", n)
		}
		checkZaloTexts(t, f)
		w.quiet()
	})
}
