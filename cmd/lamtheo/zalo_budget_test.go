package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/zalo/zalotest"
	"lamtheo/flows"
)

// TestZaloBudgetMonth plays January for a cell of 50 members on one Zalo
// bot: they connect, the pledge campaign invites them on Mondays and a
// quarter of them register (by numbers) after each invitation, the
// secretary approves every pledge, everyone reports on a day spread over
// the month (half with the guided questions, half in one message), so the
// reminders go out to those who have not, and the leaderboard follows. The
// messages the fake counted against January must stay within the free
// plan's 3,000 with at least 30 % to spare.
func TestZaloBudgetMonth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f) // Saturday 1 January, 07:00
		ms := cellOf(50)
		sec := ms[0]

		code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
		w.each(f, ms, func(int, string) string { return "/join " + code })
		w.each(f, ms, func(i int, last string) string { return numberOf(t, last, "Đúng tên này") })
		w.zaloSecretary(f, "Chi bộ thôn Đông", sec.Name)

		// The campaign: a quarter of the cell answers each Monday's
		// invitation with 1 and registers one deed.
		week := func(i int) int { return i * 4 / len(ms) }
		for k := range 4 {
			w.until(fmt.Sprintf("2000-01-%02d 09:00", 3+7*k))
			var wave []zalotest.User
			for i, u := range ms {
				if week(i) == k {
					wave = append(wave, u)
				}
			}
			w.each(f, wave, func(int, string) string { return "1" }) // under the invitation
			w.each(f, wave, func(int, string) string { return "Tham gia dọn vệ sinh đường làng mỗi tháng" })
			w.each(f, wave, func(_ int, last string) string {
				return numberOf(t, last, "Đoàn kết, kỷ cương, tình thương, trách nhiệm")
			})
			w.each(f, wave, func(_ int, last string) string { return numberOf(t, last, "Không có chỉ tiêu") })
			w.each(f, wave, func(_ int, last string) string { return numberOf(t, last, "Gửi bí thư duyệt") })
			w.each(f, wave, func(_ int, last string) string { return numberOf(t, last, "Gửi") })
			for _, u := range wave {
				if count(f.Sent(u.ID), "Đã gửi bản đăng ký năm 2000") != 1 {
					t.Fatalf("%s's pledge was not sent:\n%s", u.Name, lastOf(t, f, u))
				}
			}
			// The secretary approves each pledge waiting for her.
			me := zalotest.Private(sec)
			for range len(wave) {
				list := w.say(f, me, sec, "/duyet")
				wantIn(t, "/duyet", list, "Các bản đăng ký đang chờ duyệt")
				show := w.say(f, me, sec, "1")
				done := w.say(f, me, sec, numberOf(t, show, "Duyệt"))
				wantIn(t, "the approval", done, "Đã duyệt bản đăng ký")
			}
			wantIn(t, "/duyet", w.say(f, me, sec, "/duyet"), "Không có bản đăng ký nào chờ duyệt, cũng không có đề nghị chuyển nào chờ xác nhận")
		}

		// The reports, from the 5th (the first wave) to the 31st (the
		// last), each after its member's pledge.
		day := func(i int) int { return max(5+27*i/len(ms), 3+7*week(i)+2) }
		for d := 5; d <= 31; d++ {
			var guided, quick []zalotest.User
			for i, u := range ms {
				switch {
				case day(i) != d:
				case i%2 == 0:
					guided = append(guided, u)
				default:
					quick = append(quick, u)
				}
			}
			if len(guided)+len(quick) == 0 {
				continue
			}
			w.until(fmt.Sprintf("2000-01-%02d 10:00", d))
			w.each(f, quick, func(int, string) string {
				return "/baocao 1 xong: dọn vệ sinh đường làng 2 buổi; khác: thăm hỏi gia đình chính sách"
			})
			w.each(f, guided, func(int, string) string { return "/baocao" })
			w.each(f, guided, func(_ int, last string) string { return numberOf(t, last, "Đã làm") })
			w.each(f, guided, func(int, string) string { return "Dọn vệ sinh đường làng 2 buổi" })
			w.each(f, guided, func(_ int, last string) string { return numberOf(t, last, "Không có") })
			w.each(f, guided, func(_ int, last string) string { return numberOf(t, last, "Không gửi ảnh") })
			w.each(f, append(guided, quick...), func(_ int, last string) string { return numberOf(t, last, "Gửi báo cáo") })
			for _, u := range append(guided, quick...) {
				if count(f.Sent(u.ID), "Đã nhận báo cáo tháng 1/2000") != 1 {
					t.Fatalf("%s's report was not received:\n%s", u.Name, lastOf(t, f, u))
				}
			}
		}
		sum := w.say(f, zGroup, sec, "/summary")
		wantIn(t, "the summary", sum, "Đã báo cáo: 50/50 đồng chí (100%)", "Việc đã đăng ký, trong tháng đã làm: 50/50 việc")

		w.until("2000-02-06 09:00")
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}
		jan := time.Date(2000, 1, 15, 0, 0, 0, 0, time.UTC)
		used := f.SentInMonth(jan)
		var reminders, invites, group int
		for _, s := range f.AllSent() {
			if s.Time.After(time.Date(2000, 1, 31, 17, 0, 0, 0, time.UTC)) {
				continue // February, Vietnam time
			}
			switch {
			case isReminder(s.Text):
				reminders++
			case strings.Contains(s.Text, "triển khai đăng ký làm theo"):
				invites++
			case s.ChatID == zGroup.ID:
				group++
			}
		}
		t.Logf("January on one Zalo bot, 50 members: %d messages counted (%d reminders, %d campaign invitations, %d in the group), %d of 3,000 left (%.0f %%)",
			used, reminders, invites, group, 3000-used, float64(3000-used)/30)
		if used > 2100 {
			t.Errorf("%d messages in January, want at most 2,100 (30 %% of the 3,000 to spare)", used)
		}
		rungs := map[string]int{}
		for _, u := range ms {
			for _, at := range w.reminders(f.Sent(u.ID)) {
				rungs[at]++
			}
		}
		if len(rungs) != 3 || rungs["20/01 08:00"] == 0 || rungs["25/01 08:00"] == 0 || rungs["31/01 08:00"] == 0 {
			t.Errorf("reminders went out at %v, want each of the three rungs (the reports spread over the month)", rungs)
		}
		if n := count(f.Sent(zGroup.ID), "Bảng xếp hạng báo cáo việc làm tháng 1/2000"); n != 1 {
			t.Errorf("the group got January's leaderboard %d times, want once", n)
		}
		checkZaloTexts(t, f)
		w.quiet()
	})
}

// preload makes the store count this month's messages sent on p up to
// target, as if the bot had sent the difference (the world must be
// stopped): it finishes an envelope with that many messages sent. It
// returns the difference.
func (w *zaloWorld) preload(p bot.Platform, target int) int {
	w.t.Helper()
	ctx := context.Background()
	a, err := openApp(ctx, w.cfg, testText(), slog.New(slog.DiscardHandler))
	if err != nil {
		w.t.Fatal(err)
	}
	defer a.Close()
	loc, _ := w.cfg.Location()
	var sent int
	err = a.db.Update(ctx, func(tx flows.Tx) error {
		if sent, err = tx.Sent(p, flows.MonthOf(time.Now(), loc)); err != nil {
			return err
		}
		return tx.Enqueue(bot.Reply{Chat: bot.ChatID{Platform: p, ID: "preload"}, Text: "đã gửi trước"})
	})
	if err != nil {
		w.t.Fatal(err)
	}
	out := a.db.Outbox(p)
	envs, err := out.Pending(ctx, 0, 10)
	if err != nil || len(envs) != 1 {
		w.t.Fatalf("the outbox holds %d envelopes (%v), want the preload's", len(envs), err)
	}
	if err := out.Finish(ctx, envs[0].Seq, bot.Result{Sent: target - sent}); err != nil {
		w.t.Fatal(err)
	}
	return target - sent
}

// storeSent returns the messages the store counted as sent on p this month.
func (w *zaloWorld) storeSent(p bot.Platform) int {
	w.t.Helper()
	loc, _ := w.cfg.Location()
	var n int
	err := w.a.db.View(context.Background(), func(tx flows.Tx) (err error) {
		n, err = tx.Sent(p, flows.MonthOf(time.Now(), loc))
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

// TestZaloBudgetShort plays April on a Zalo bot whose month is nearly
// used: the first reminder rung does not fit what is left for broadcasts,
// so it goes to the cell's group as counts only and to no member
// privately; the admin is warned privately at 80 % and at 95 %, once each;
// the secretary's /lichnhac shows the bot's use and the cut broadcasts.
// The store's count of the month (preloaded, as if sent earlier) and the
// fake's agree on what the bot really sent.
func TestZaloBudgetShort(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		loc, _ := DemoConfig().Location()
		time.Sleep(time.Until(time.Date(2000, 4, 6, 9, 0, 0, 0, loc))) // no campaign, March closed
		w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f)
		ms := []zalotest.User{zLan, zHung, zMai, zTuan}
		code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
		for _, u := range ms {
			w.zaloJoin(f, u, code)
		}
		w.zaloSecretary(f, "Chi bộ thôn Đông", zLan.Name)
		hung := zalotest.Private(zHung)
		ask := w.say(f, hung, zHung, "/baocao khác: dọn vệ sinh đường làng")
		wantIn(t, "Hùng's report", w.say(f, hung, zHung, numberOf(t, ask, "Gửi báo cáo")), "Đã nhận báo cáo tháng 4/2000")
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}

		// 2,548 of 3,000 used: 85 % of the month goes to broadcasts (the
		// rest is kept for replies), so 2 more fit, and 3 members miss.
		preloaded := w.preload(bot.Zalo, 2548)
		w.start()
		w.until("2000-04-20 09:00")
		group := f.Sent(zGroup.ID)
		wantIn(t, "the group on the 20th", group[len(group)-1].Text,
			"Nhắc báo cáo việc làm theo Bác tháng 4/2000: Chi bộ thôn Đông đã có 1/4 đồng chí báo cáo", "«Bot Xã Demo»")
		for _, u := range ms {
			if got := w.reminders(f.Sent(u.ID)); len(got) != 0 {
				t.Errorf("%s was reminded privately at %v, want no private reminder", u.Name, got)
			}
			if strings.Contains(group[len(group)-1].Text, u.Name) {
				t.Errorf("the group's reminder names %s", u.Name)
			}
		}
		view := w.say(f, zalotest.Private(zLan), zLan, "/lichnhac")
		wantIn(t, "/lichnhac", view, "Bot «Bot Xã Demo»: đã gửi ", "/3.000 tin trong tháng 4/2000 (85%)",
			"Nhắc báo cáo lần 1 cho Chi bộ thôn Đông: không đủ hạn mức, chỉ gửi vào nhóm chi bộ (3 tin riêng không gửi).",
			"Nhắc báo cáo lần 1: lần tới thứ Bảy 20/05/2000 08:00")

		// A restart later the month is at 95 %.
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}
		preloaded += w.preload(bot.Zalo, 2860)
		w.start()
		w.until("2000-04-30 20:00")

		admin := f.Sent(zAdmin.ID)
		if n := count(admin, "Bot đã bớt tin nhắn riêng"); n != 1 {
			t.Errorf("the admin got the 80 %% warning %d times, want once:\n%s", n, joined(admin))
		}
		if n := count(admin, "Khi hết hạn mức, Zalo không cho bot gửi thêm tin"); n != 1 {
			t.Errorf("the admin got the 95 %% warning %d times, want once:\n%s", n, joined(admin))
		}
		wantIn(t, "the warnings", joined(admin), "Bot «Bot Xã Demo» đã gửi 2.548/3.000 tin trong tháng 4/2000", "Bot «Bot Xã Demo» đã gửi 2.860/3.000")
		for _, u := range ms {
			if got := w.reminders(f.Sent(u.ID)); len(got) != 0 {
				t.Errorf("%s was reminded privately at %v, want no private reminder", u.Name, got)
			}
		}
		if n := count(f.Sent(zGroup.ID), "Nhắc báo cáo việc làm theo Bác tháng 4/2000"); n != 3 {
			t.Errorf("the group got %d reminders with counts, want one per rung", n)
		}
		if got, want := w.storeSent(bot.Zalo), preloaded+f.SentInMonth(time.Now()); got != want {
			t.Errorf("the store counted %d messages this month, want %d (%d preloaded, %d delivered)", got, want, preloaded, f.SentInMonth(time.Now()))
		}
		checkZaloTexts(t, f)
	})
}
