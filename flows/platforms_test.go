package flows_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

func zl(id string) bot.UserID      { return bot.UserID{Platform: bot.Zalo, ID: id} }
func zlGroup(id string) bot.ChatID { return bot.ChatID{Platform: bot.Zalo, ID: "g:" + id} }

// zaloHarness is an organisation of two cells whose Zalo bot has plan.
func zaloHarness(t *testing.T, plan flows.Plan, admins ...bot.UserID) *harness {
	t.Helper()
	h := newHarness(t, time.Date(2026, 11, 10, 9, 0, 0, 0, vnZone(t)), admins...)
	h.eng.Cfg.Plans = map[bot.Platform]flows.Plan{bot.Zalo: plan}
	h.addCell("C01", "Chi bộ thôn Đông")
	h.addCell("C02", "Chi bộ thôn Tây")
	return h
}

// code asks for cell's connection code in sec's private chat and returns it.
func (h *harness) code(sec bot.UserID) string {
	h.t.Helper()
	out := joined(h.send(sec, "/link"))
	i := strings.Index(out, "/join ")
	if i < 0 {
		h.t.Fatalf("no code in:\n%s", out)
	}
	return strings.Fields(out[i+len("/join "):])[0]
}

// connect connects u with code under the profile name, confirming it, and
// returns the last replies.
func (h *harness) connect(u bot.UserID, name, code string) []bot.Reply {
	h.t.Helper()
	h.n++
	reps := h.handle(bot.Message{Chat: u.PrivateChat(), From: u, FromName: name, Kind: bot.KindText, Text: "/join " + code})
	if c, ok := findChoice(reps, "Đúng tên này"); ok {
		reps = h.handle(bot.Message{Chat: u.PrivateChat(), From: u, FromName: name, Kind: bot.KindCallback, Data: c.Data})
	}
	return reps
}

// TestCodeInPrivate: a secretary gets the cell's code privately (for a cell
// without a group, or to read out in a meeting), naming the bots that serve
// the cell; a member connects with it on Zalo.
func TestCodeInPrivate(t *testing.T) {
	h := zaloHarness(t, flows.Plan{Cells: []string{"C01"}})
	sec := h.addMember(flows.Member{Name: "Nguyễn Thị Lan", Cell: "C01", Secretary: true, Users: []bot.UserID{tg("10")}})
	out := joined(h.send(sec.Users[0], "/link"))
	wantIn(t, out, "Mã kết nối của Chi bộ thôn Đông:", "/join CODE", "«@lamtheo_test_bot»", "«Bot Xã Thử»", "08/02/2027")
	reps := h.connect(zl("z1"), "Trần Văn Hùng", h.code(sec.Users[0]))
	wantIn(t, joined(reps), "Đồng chí Trần Văn Hùng đã kết nối với bot")

	// A member cannot.
	if got := joined(h.send(zl("z1"), "/link")); !strings.Contains(got, "bí thư") {
		t.Errorf("a member got a code: %s", got)
	}
}

// TestConnectWrongBot: a Zalo bot serves only the cells of its plan; a code
// of another cell names the bots to write to instead.
func TestConnectWrongBot(t *testing.T) {
	h := zaloHarness(t, flows.Plan{Cells: []string{"C02"}})
	sec := h.addMember(flows.Member{Name: "Nguyễn Thị Lan", Cell: "C01", Secretary: true, Users: []bot.UserID{tg("10")}})
	code := h.code(sec.Users[0])
	out := joined(h.connect(zl("z1"), "Trần Văn Hùng", code))
	wantIn(t, out, "bot này không phục vụ Chi bộ thôn Đông", "«@lamtheo_test_bot»")
	wantNotIn(t, out, "Bot Xã Thử")
	h.view(func(tx flows.Tx) error {
		if _, ok, _ := tx.MemberOf(zl("z1")); ok {
			t.Error("connected through a bot that does not serve the cell")
		}
		return nil
	})
	// The same group cannot be linked to C01 either: only C02 is offered.
	admin := zl("a1")
	h.restart(func(c *flows.Config) { c.Admins = []bot.UserID{admin} })
	h.eng.NewCode = func() string { return "CODE2" }
	reps := h.sendIn(zlGroup("g1"), admin, "/link")
	if got := labels(reps); !reflect.DeepEqual(got, []string{"Chi bộ thôn Tây"}) {
		t.Errorf("/link in the Zalo group offers %v, want only the cell the bot serves", got)
	}
}

// TestConnectBotFull: a bot with as many people as its plan allows refuses
// the next one, says what happens, and tells the cell's secretary (once a
// day) what to do; members already connected are not refused.
func TestConnectBotFull(t *testing.T) {
	h := zaloHarness(t, flows.Plan{Users: 2})
	sec := h.addMember(flows.Member{Name: "Nguyễn Thị Lan", Cell: "C01", Secretary: true, Users: []bot.UserID{tg("10")}})
	code := h.code(sec.Users[0])
	for i, u := range []bot.UserID{zl("z1"), zl("z2")} {
		wantIn(t, joined(h.connect(u, []string{"Trần Văn Hùng", "Lê Thị Mai"}[i], code)), "đã kết nối với bot")
	}
	reps := h.connect(zl("z3"), "Phạm Văn Tư", code)
	wantIn(t, joined(to(reps, zl("z3").PrivateChat())), "đã có đủ 2 người kết nối")
	note := joined(to(reps, sec.Users[0].PrivateChat()))
	wantIn(t, note, "Phạm Văn Tư (Chi bộ thôn Đông) chưa kết nối được qua bot «Bot Xã Thử»", "Cần thêm một bot Zalo")
	// Trying again the same day does not tell the secretary again.
	reps = h.connect(zl("z3"), "Phạm Văn Tư", code)
	if n := len(to(reps, sec.Users[0].PrivateChat())); n != 0 {
		t.Errorf("secretary told %d more times the same day", n)
	}
	// Telegram has no plan: people connect there as before.
	wantIn(t, joined(h.connect(tg("33"), "Phạm Văn Tư", code)), "đã kết nối với bot")
	// A connected member may use the code again (already in the cell).
	wantIn(t, joined(h.send(zl("z1"), "/join "+code)), "không cần kết nối lại")
}

// TestLinkBotFull: a bot linked to as many groups as its plan allows
// refuses one more, and the cell's secretary is told.
func TestLinkBotFull(t *testing.T) {
	admin := zl("a1")
	h := zaloHarness(t, flows.Plan{Groups: 1}, admin)
	sec := h.addMember(flows.Member{Name: "Lê Thị Mai", Cell: "C02", Secretary: true, Users: []bot.UserID{zl("s2")}})
	link := func(g bot.ChatID, cell string) []bot.Reply {
		h.t.Helper()
		reps := h.sendIn(g, admin, "/link")
		c, ok := findChoice(reps, cell)
		if !ok {
			t.Fatalf("no choice %q:\n%s", cell, dump(reps))
		}
		return h.handle(bot.Message{Chat: g, Group: true, ChatTitle: "Nhóm " + cell, From: admin, Kind: bot.KindCallback, Data: c.Data})
	}
	wantIn(t, joined(link(zlGroup("g1"), "Chi bộ thôn Đông")), "đã được gắn với Chi bộ thôn Đông")
	// Relinking the same group takes no more room.
	wantIn(t, joined(link(zlGroup("g1"), "Chi bộ thôn Đông")), "đã được gắn với Chi bộ thôn Đông")
	reps := link(zlGroup("g2"), "Chi bộ thôn Tây")
	wantIn(t, joined(to(reps, zlGroup("g2"))), "đã phục vụ đủ 1 nhóm")
	wantIn(t, joined(to(reps, sec.Users[0].PrivateChat())), "Chưa gắn được nhóm «Nhóm Chi bộ thôn Tây» với Chi bộ thôn Tây")
	h.view(func(tx flows.Tx) error {
		if _, ok, _ := tx.CellOfGroup(zlGroup("g2")); ok {
			t.Error("the group over the limit was linked")
		}
		return nil
	})
}

// TestMovePlatform: a member connected on Telegram connects on Zalo under
// the same name; the secretary confirms; the member keeps their pledge, and
// reminders now reach them on Zalo only. Meanwhile the new identity acts as
// a stranger that is told it waits.
func TestMovePlatform(t *testing.T) {
	h := zaloHarness(t, flows.Plan{})
	sec := h.addMember(flows.Member{Name: "Nguyễn Thị Lan", Cell: "C01", Secretary: true, Users: []bot.UserID{tg("10")}})
	hung := h.addMember(flows.Member{Name: "Trần Văn Hùng", Cell: "C01", Users: []bot.UserID{tg("11")}})
	h.putPledge(flows.Pledge{Member: hung.ID, Year: 2026, Items: []flows.PledgeItem{{No: 1, Text: "Dọn vệ sinh", Category: "cm1"}}, NextNo: 2, Status: flows.PledgeApproved})
	code := h.code(sec.Users[0])

	// The Zalo profile has no diacritics: the full name is asked first, and
	// typed in lower case it still matches.
	reps := h.connect(zl("z11"), "Tran Van Hung", code)
	wantIn(t, joined(reps), "Xin đồng chí gõ họ và tên đầy đủ, có dấu")
	reps = h.send(zl("z11"), "trần văn hùng")
	reps = h.choose(zl("z11"), reps, "Đúng tên này")
	wantIn(t, joined(reps), "đã có đồng chí «Trần Văn Hùng» kết nối với bot qua Telegram (bot «@lamtheo_test_bot»)")
	reps = h.choose(zl("z11"), reps, "Đúng, tôi chuyển sang đây")
	wantIn(t, joined(to(reps, zl("z11").PrivateChat())), "đã gửi đề nghị tới bí thư Chi bộ thôn Đông")
	wantIn(t, joined(to(reps, sec.Users[0].PrivateChat())), "Trần Văn Hùng đề nghị chuyển sang dùng bot qua Zalo (bot «Bot Xã Thử»)")

	// Waiting: a stranger that is told so.
	wantIn(t, joined(h.send(zl("z11"), "/start")), "đang chờ bí thư Chi bộ thôn Đông xác nhận")
	wantIn(t, joined(h.send(zl("z11"), "/baocao")), "đảng viên")

	reps = h.send(sec.Users[0], "/duyet")
	reps = h.choose(sec.Users[0], reps, "Trần Văn Hùng: chuyển sang Zalo")
	wantIn(t, joined(reps), "đề nghị chuyển sang dùng bot qua Zalo")
	reps = h.choose(sec.Users[0], reps, "Xác nhận")
	wantIn(t, joined(to(reps, sec.Users[0].PrivateChat())), "từ nay dùng bot qua Zalo")
	wantIn(t, joined(to(reps, zl("z11").PrivateChat())), "Bí thư đã xác nhận")

	m := h.member(hung.ID)
	if want := []bot.UserID{zl("z11"), tg("11")}; !reflect.DeepEqual(m.Users, want) || len(m.Pending) != 0 {
		t.Errorf("after the move Users = %v, Pending = %v; want %v and none", m.Users, m.Pending, want)
	}
	wantIn(t, joined(h.send(zl("z11"), "/cuatoi")), "Dọn vệ sinh")

	// The reminder reaches Hùng once, on Zalo.
	h.at(h.date(2026, 11, 20, 8))
	if _, err := h.eng.RunJob(context.Background(), flows.JobRemindFirst, h.date(2026, 11, 20, 8), ""); err != nil {
		t.Fatal(err)
	}
	reps = h.replies()
	if n, m := len(to(reps, zl("z11").PrivateChat())), len(to(reps, tg("11").PrivateChat())); n != 1 || m != 0 {
		t.Errorf("reminders: %d on Zalo, %d on Telegram; want 1 and 0:\n%s", n, m, dump(reps))
	}
}

// TestMoveRefused: the secretary does not confirm; the person is told and
// may connect as someone else.
func TestMoveRefused(t *testing.T) {
	h := zaloHarness(t, flows.Plan{})
	sec := h.addMember(flows.Member{Name: "Nguyễn Thị Lan", Cell: "C01", Secretary: true, Users: []bot.UserID{tg("10")}})
	hung := h.addMember(flows.Member{Name: "Trần Văn Hùng", Cell: "C01", Users: []bot.UserID{tg("11")}})
	code := h.code(sec.Users[0])
	reps := h.connect(zl("z99"), "Trần Văn Hùng", code)
	h.choose(zl("z99"), reps, "Đúng, tôi chuyển sang đây")
	reps = h.send(sec.Users[0], fmt.Sprintf("/duyet mv%d", hung.ID)) // as the notice's button does
	reps = h.choose(sec.Users[0], reps, "Không xác nhận")
	wantIn(t, joined(to(reps, zl("z99").PrivateChat())), "chưa xác nhận", "«Không, tôi là người khác»")
	if m := h.member(hung.ID); len(m.Pending) != 0 || len(m.Users) != 1 {
		t.Errorf("after the refusal Users = %v, Pending = %v", m.Users, m.Pending)
	}
	// Connecting again as someone else works.
	reps = h.connect(zl("z99"), "Trần Văn Hùng", code)
	reps = h.choose(zl("z99"), reps, "Không, tôi là người khác")
	wantIn(t, joined(reps), "Đồng chí Trần Văn Hùng đã kết nối với bot")
	h.view(func(tx flows.Tx) error {
		m, ok, _ := tx.MemberOf(zl("z99"))
		if !ok || m.ID == hung.ID {
			t.Errorf("the other Hùng is member %d (ok=%v), want a new member", m.ID, ok)
		}
		return nil
	})
}

// TestStrangerSeesID: a person who is not connected sees their own id, to
// give the operator for [admins].
func TestStrangerSeesID(t *testing.T) {
	h := zaloHarness(t, flows.Plan{})
	wantIn(t, joined(h.send(zl("6ede9afa66b88fe6d6a9"), "/start")), "Mã tài khoản của đồng chí trên bot này: 6ede9afa66b88fe6d6a9")
}

// TestNumberAnswersNotice: where there are no buttons, a number typed
// after a notice (a reminder, a pledge to approve) answers its choices; a
// question of a conversation asked after it takes the number instead.
func TestNumberAnswersNotice(t *testing.T) {
	h := zaloHarness(t, flows.Plan{})
	h.at(h.date(2026, 11, 20, 8))
	hung := h.addMember(flows.Member{Name: "Trần Văn Hùng", Cell: "C01", Users: []bot.UserID{zl("z1")}})
	h.run(flows.JobRemindFirst, h.date(2026, 11, 20, 8))
	out := joined(h.send(hung.Users[0], "1"))
	wantIn(t, out, "tháng 11/2026")
	wantNotIn(t, out, "chưa hiểu")

	// Mid-report, a number answers the report's question, not the notice.
	h.run(flows.JobRemindSecond, h.date(2026, 11, 25, 8))
	reps := h.send(hung.Users[0], "/baocao")
	if len(labels(reps)) == 0 {
		t.Fatalf("the report asks nothing:\n%s", dump(reps))
	}
	first := labels(reps)[0]
	reps = h.send(hung.Users[0], "1")
	if got := joined(reps); strings.Contains(got, "chưa hiểu") {
		t.Errorf("the number did not answer the report's question %q:\n%s", first, got)
	}

	// Two weeks later the notice no longer answers.
	h.at(h.date(2026, 12, 12, 9))
	h.send(hung.Users[0], "/huy")
	wantIn(t, joined(h.send(hung.Users[0], "1")), "chưa hiểu")
}
