package flows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

// budgetCell is a harness whose Zalo bot has a month of quota messages,
// with one cell (C01) of n Zalo members and a Zalo group, its secretary on
// Telegram, and a Zalo admin.
func budgetCell(t *testing.T, quota, n int) (*harness, []flows.Member, flows.Member, bot.UserID) {
	t.Helper()
	admin := zl("admin")
	h := newHarness(t, time.Date(2026, 11, 20, 8, 0, 0, 0, vnZone(t)), admin, tg("900"))
	h.eng.Cfg.Plans = map[bot.Platform]flows.Plan{bot.Zalo: {Messages: quota}}
	h.addCell("C01", "Chi bộ thôn Đông", zlGroup("g1"))
	sec := h.addMember(flows.Member{Name: "Nguyễn Thị Lan", Cell: "C01", Secretary: true, Users: []bot.UserID{tg("10")}})
	var ms []flows.Member
	for i := range n {
		ms = append(ms, h.addMember(flows.Member{Name: fmt.Sprintf("Trần Văn Số%02d", i), Cell: "C01", Users: []bot.UserID{zl(fmt.Sprint("z", i))}}))
	}
	return h, ms, sec, admin
}

// spent makes the store count n messages sent on p this month, as the
// outbox sender's Finish does.
func (h *harness) spent(p bot.Platform, n int) {
	h.t.Helper()
	chat := bot.ChatID{Platform: p, ID: "spent"}
	h.update(func(tx flows.Tx) error { return tx.Enqueue(bot.Reply{Chat: chat, Text: "x"}) })
	for _, e := range h.pending(h.seq) {
		if e.Reply.Chat == chat {
			if err := h.db.Outbox(p).Finish(context.Background(), e.Seq, bot.Result{Sent: n}); err != nil {
				h.t.Fatal(err)
			}
		}
	}
	h.replies()
}

// deliver finishes every queued envelope as the outbox sender does after
// sending it, and returns them.
func (h *harness) deliver() []bot.Reply {
	h.t.Helper()
	var out []bot.Reply
	for _, e := range h.pending(0) {
		if err := h.db.Outbox(e.Reply.Chat.Platform).Finish(context.Background(), e.Seq, bot.Result{Sent: 1}); err != nil {
			h.t.Fatal(err)
		}
		out = append(out, e.Reply)
	}
	return out
}

func (h *harness) run(job flows.Job, slot time.Time) []bot.Reply {
	h.t.Helper()
	h.at(slot)
	if ran, err := h.eng.RunJob(context.Background(), job, slot, ""); err != nil || !ran {
		h.t.Fatalf("%s: ran=%v err=%v", job, ran, err)
	}
	return h.replies()
}

// privatesTo counts the replies to the private chats of ms.
func privatesTo(reps []bot.Reply, ms []flows.Member) int {
	n := 0
	for _, m := range ms {
		n += len(to(reps, m.Users[0].PrivateChat()))
	}
	return n
}

// TestBudgetEnough: with budget to spare, reminders go privately as ever,
// and nothing is noted.
func TestBudgetEnough(t *testing.T) {
	h, ms, _, _ := budgetCell(t, 3000, 20)
	reps := h.run(flows.JobRemindFirst, h.date(2026, 11, 20, 8))
	if n := privatesTo(reps, ms); n != 20 {
		t.Errorf("%d private reminders, want 20", n)
	}
	if g := to(reps, zlGroup("g1")); len(g) != 0 {
		t.Errorf("a group message with budget to spare: %s", dump(g))
	}
	h.view(func(tx flows.Tx) error {
		if notes, _ := tx.BudgetNotes(bot.Zalo, 202611); len(notes) != 0 {
			t.Errorf("notes with budget to spare: %+v", notes)
		}
		return nil
	})
}

// TestBudgetShortLadder: when the month's budget cannot cover a rung, the
// first rungs post the cell's counts (never names) in its Zalo group
// instead of the private reminders; the last rung posts and sends as many
// private ones as fit; each cut is noted and /lichnhac shows it; the
// secretary's list of names still goes.
func TestBudgetShortLadder(t *testing.T) {
	h, ms, sec, _ := budgetCell(t, 1000, 20)
	h.spent(bot.Zalo, 1000-150-10) // 10 left above the reserve of 150
	reps := h.run(flows.JobRemindFirst, h.date(2026, 11, 20, 8))
	h.deliver()
	if n := privatesTo(reps, ms); n != 0 {
		t.Errorf("%d private reminders on a short budget, want none", n)
	}
	g := joined(to(reps, zlGroup("g1")))
	wantIn(t, g, "tháng 11/2026: Chi bộ thôn Đông đã có 0/21 đồng chí báo cáo", "«Bot Xã Thử»", "/baocao")
	wantNotIn(t, g, "Số01")
	for _, r := range to(reps, zlGroup("g1")) {
		if !r.Bulk {
			t.Error("the group message is not a broadcast (Bulk)")
		}
	}

	reps = h.run(flows.JobRemindLast, h.date(2026, 11, 30, 8))
	h.deliver()
	// 10 were left above the reserve: the first rung's group message and
	// the admin's warning at 80 % took two, this group message one.
	if n := privatesTo(reps, ms); n != 7 {
		t.Errorf("last rung: %d private reminders, want the 7 that fit", n)
	}
	if len(to(reps, zlGroup("g1"))) != 1 {
		t.Errorf("last rung: no group message:\n%s", dump(reps))
	}
	wantIn(t, joined(to(reps, sec.Users[0].PrivateChat())), "Trần Văn Số00") // names go to the secretary

	h.view(func(tx flows.Tx) error {
		notes, err := tx.BudgetNotes(bot.Zalo, 202611)
		if err != nil || len(notes) != 2 {
			t.Fatalf("notes = %+v, %v; want two", notes, err)
		}
		if n := notes[0]; n.Kind != flows.BudgetGroupOnly || n.Planned != 20 || n.Done != 0 || !n.Group || n.Job != flows.JobRemindFirst {
			t.Errorf("first note = %+v", n)
		}
		if n := notes[1]; n.Kind != flows.BudgetReduced || n.Planned != 20 || n.Done != 7 || !n.Group {
			t.Errorf("last note = %+v", n)
		}
		return nil
	})
	view := joined(h.send(sec.Users[0], "/lichnhac"))
	wantIn(t, view, "Bot «Bot Xã Thử»: đã gửi 850/1.000 tin trong tháng 11/2026 (85%)",
		"20/11 08:00: Nhắc báo cáo lần 1 cho Chi bộ thôn Đông: không đủ hạn mức, chỉ gửi vào nhóm chi bộ (20 tin riêng không gửi).",
		"30/11 08:00: Nhắc báo cáo lần cuối (bí thư nhận danh sách) cho Chi bộ thôn Đông: không đủ hạn mức cho 20 tin riêng, chỉ gửi 7 tin và một tin vào nhóm.")
}

// TestBudgetShortLeaderboard: a leaderboard on a short budget reaches the
// groups only; the private copies on the bot are noted, not sent, while
// those on unbudgeted platforms go.
func TestBudgetShortLeaderboard(t *testing.T) {
	h, ms, _, admin := budgetCell(t, 1000, 3)
	h.putReport(flows.Report{Member: ms[0].ID, Month: 202611, Other: "Dọn đường làng"}) // a cell is ranked
	h.addCell("C02", "Chi bộ thôn Tây")
	h.addMember(flows.Member{Name: "Lê Thị Mai", Cell: "C02", Secretary: true, Users: []bot.UserID{zl("s2")}})
	h.at(h.date(2026, 12, 6, 8))
	h.spent(bot.Zalo, 850) // nothing left above the reserve
	reps := h.run(flows.JobLeaderboard, h.date(2026, 12, 6, 8))
	if len(to(reps, zlGroup("g1"))) != 1 {
		t.Errorf("no leaderboard in the group:\n%s", dump(reps))
	}
	table := func(reps []bot.Reply) (n int) {
		for _, r := range reps {
			if strings.HasPrefix(r.Text, "Bảng xếp hạng") || strings.Contains(r.Text, "gửi bảng xếp hạng riêng") {
				n++
			}
		}
		return n
	}
	if n := table(to(reps, zl("s2").PrivateChat())) + table(to(reps, admin.PrivateChat())); n != 0 {
		t.Errorf("%d private copies on the short bot:\n%s", n, dump(reps))
	}
	if table(to(reps, tg("900").PrivateChat())) != 1 {
		t.Error("the Telegram admin did not get the table")
	}
	h.view(func(tx flows.Tx) error {
		notes, _ := tx.BudgetNotes(bot.Zalo, 202612)
		kinds := map[flows.BudgetKind]int{}
		for _, n := range notes {
			kinds[n.Kind]++
		}
		if kinds[flows.BudgetDeferred] != 1 || kinds[flows.BudgetGroupOnly] != 1 {
			t.Errorf("notes = %+v; want C02's copy deferred (no group) and the admins' group-only", notes)
		}
		return nil
	})
}

// TestQuotaWarnings: the admins are warned privately once at 80 % and
// once at 95 % of a bot's month, wherever the messages came from.
func TestQuotaWarnings(t *testing.T) {
	h, ms, _, admin := budgetCell(t, 1000, 1)
	warnings := func(reps []bot.Reply) []bot.Reply {
		var out []bot.Reply
		for _, r := range reps {
			if strings.Contains(r.Text, "hạn mức của gói Zalo") {
				out = append(out, r)
			}
		}
		return out
	}
	h.spent(bot.Zalo, 700)
	if w := warnings(h.send(ms[0].Users[0], "/help")); len(w) != 0 {
		t.Errorf("warned at 70 %%: %s", dump(w))
	}
	h.deliver()
	h.spent(bot.Zalo, 109)
	w := warnings(h.send(ms[0].Users[0], "/help"))
	if len(w) != 2 || len(to(w, admin.PrivateChat())) != 1 || len(to(w, tg("900").PrivateChat())) != 1 {
		t.Fatalf("at 81 %%: %s; want one warning to each admin", dump(w))
	}
	wantIn(t, w[0].Text, "đã gửi 810/1.000 tin trong tháng 11/2026 (81%)")
	if w := warnings(h.send(ms[0].Users[0], "/help")); len(w) != 0 {
		t.Errorf("warned twice at 81 %%: %s", dump(w))
	}
	h.deliver()
	h.spent(bot.Zalo, 145)
	w = warnings(h.run(flows.JobRemindFirst, h.date(2026, 11, 20, 8)))
	if len(w) != 2 || !strings.Contains(w[0].Text, "96%") || !strings.Contains(w[0].Text, "chỉ còn gửi vào nhóm") {
		t.Errorf("at 96 %%: %s", dump(w))
	}
	// Next month starts over.
	h.at(h.date(2026, 12, 2, 9))
	if w := warnings(h.send(ms[0].Users[0], "/help")); len(w) != 0 {
		t.Errorf("warned in a new month with nothing sent: %s", dump(w))
	}
}

// TestNudgeOnShortBudget: /nhacnho sends what fits and tells the secretary
// who was not nudged and why.
func TestNudgeOnShortBudget(t *testing.T) {
	h, _, sec, _ := budgetCell(t, 1000, 5)
	h.spent(bot.Zalo, 1000-150-2)
	reps := h.send(sec.Users[0], "/nhacnho")
	out := joined(to(reps, sec.Users[0].PrivateChat()))
	wantIn(t, out, "Đã nhắc 2 đồng chí", "Chưa nhắc được vì bot đã gần hết hạn mức tin nhắn của tháng: Trần Văn Số02, Trần Văn Số03, Trần Văn Số04")
}
