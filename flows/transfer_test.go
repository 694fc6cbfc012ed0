package flows_test

import (
	"fmt"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

// transferHarness is two cells with a secretary each and Tư, a member of
// C01 with a pledge, holding C02's code.
type transferHarness struct {
	*harness
	dong, tay flows.Member // the secretaries of C01 and C02
	tu        flows.Member
	code      string // C02's code
}

func newTransferHarness(t *testing.T, admins ...bot.UserID) *transferHarness {
	t.Helper()
	h := newHarness(t, time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t)), admins...)
	h.addCell("C01", "Chi bộ thôn Đông")
	h.addCell("C02", "Chi bộ thôn Tây")
	th := &transferHarness{harness: h}
	th.dong = h.addMember(flows.Member{Name: "Nguyễn Thị Lan", Cell: "C01", Secretary: true, Users: []bot.UserID{tg("10")}})
	th.tay = h.addMember(flows.Member{Name: "Lê Văn Ba", Cell: "C02", Secretary: true, Users: []bot.UserID{tg("20")}})
	th.tu = h.addMember(flows.Member{Name: "Nguyễn Thị Tư", Cell: "C01", Users: []bot.UserID{tg("30")}})
	h.putPledge(flows.Pledge{Member: th.tu.ID, Year: 2026, Items: []flows.PledgeItem{{No: 1, Text: "Dọn vệ sinh", Category: "cm1"}},
		NextNo: 2, Status: flows.PledgeApproved})
	th.code = h.code(th.tay.Users[0])
	return th
}

// request has Tư ask to transfer to C02 and returns the replies.
func (th *transferHarness) request() []bot.Reply {
	th.t.Helper()
	reps := th.send(th.tu.Users[0], "/join "+th.code)
	wantIn(th.t, joined(reps), "Trên bot, đồng chí Nguyễn Thị Tư đang thuộc Chi bộ thôn Đông", "xin chọn «Chuyển»")
	return th.choose(th.tu.Users[0], reps, "Chuyển")
}

// TestTransferConfirmed: the request leaves Tư in C01 until the receiving
// secretary confirms; both secretaries are told; then Tư belongs to C02
// from that day with her pledge.
func TestTransferConfirmed(t *testing.T) {
	th := newTransferHarness(t)
	reps := th.request()
	wantIn(t, joined(to(reps, th.tu.Users[0].PrivateChat())), "tới bí thư Chi bộ thôn Tây để xác nhận")
	wantIn(t, joined(to(reps, th.tay.Users[0].PrivateChat())), "đề nghị chuyển sang Chi bộ thôn Tây")
	wantIn(t, joined(to(reps, th.dong.Users[0].PrivateChat())), "Xin báo để đồng chí biết")
	if m := th.member(th.tu.ID); m.Cell != "C01" {
		t.Fatalf("before the confirmation Tư is in %q", m.Cell)
	}

	// The secretary opens the request from the note's button.
	btn, ok := findChoice(to(reps, th.tay.Users[0].PrivateChat()), "Xem và xác nhận")
	if !ok {
		t.Fatalf("no button in:\n%s", dump(reps))
	}
	at := th.date(2026, 11, 25, 10)
	th.at(at)
	reps = th.press(th.tay.Users[0], btn.Data)
	wantIn(t, joined(reps), "Đồng chí Nguyễn Thị Tư đề nghị chuyển từ Chi bộ thôn Đông sang Chi bộ thôn Tây (gửi ngày 20/11/2026)")
	reps = th.choose(th.tay.Users[0], reps, "Xác nhận")
	wantIn(t, joined(to(reps, th.tu.Users[0].PrivateChat())), "Chi bộ thôn Tây đã xác nhận")
	wantIn(t, joined(to(reps, th.dong.Users[0].PrivateChat())), "từ nay thuộc Chi bộ thôn Tây")
	m := th.member(th.tu.ID)
	if m.Cell != "C02" || !m.Joined.Equal(at) {
		t.Errorf("after the confirmation Tư is in %q since %v; want C02 since %v", m.Cell, m.Joined, at)
	}
	wantIn(t, joined(th.send(th.tu.Users[0], "/cuatoi")), "Dọn vệ sinh", "Chi bộ thôn Tây")

	// The button pressed again.
	wantIn(t, joined(th.press(th.tay.Users[0], btn.Data)), "không còn chờ xác nhận: trên bot, đồng chí Nguyễn Thị Tư đã thuộc Chi bộ thôn Tây")
	th.view(func(tx flows.Tx) error {
		if ts, err := tx.Transfers(""); err != nil || len(ts) != 0 {
			t.Errorf("transfers left: %v, %v", ts, err)
		}
		return nil
	})
}

// TestTransferRefused: Tư stays in C01, is told whom to ask, and may ask
// again.
func TestTransferRefused(t *testing.T) {
	th := newTransferHarness(t)
	th.request()
	reps := th.send(th.tay.Users[0], "/duyet")
	wantIn(t, joined(reps), "Các bản đăng ký và đề nghị đang chờ")
	reps = th.choose(th.tay.Users[0], reps, "Nguyễn Thị Tư: chuyển từ Chi bộ thôn Đông")
	reps = th.choose(th.tay.Users[0], reps, "Không xác nhận")
	wantIn(t, joined(to(reps, th.tu.Users[0].PrivateChat())), "chưa được xác nhận", "đồng chí Lê Văn Ba, bí thư Chi bộ thôn Tây")
	wantIn(t, joined(to(reps, th.dong.Users[0].PrivateChat())), "chưa xác nhận đề nghị chuyển")
	if m := th.member(th.tu.ID); m.Cell != "C01" {
		t.Errorf("after the refusal Tư is in %q", m.Cell)
	}
	th.request()
}

// TestTransferWaiting: a second request while one waits, for the same or
// another cell, is answered with the one waiting; nothing is sent again.
func TestTransferWaiting(t *testing.T) {
	th := newTransferHarness(t)
	th.addCell("C03", "Chi bộ Trường Tiểu học")
	th.request()
	reps := th.send(th.tu.Users[0], "/join "+th.code)
	wantIn(t, joined(reps), "đang chờ bí thư Chi bộ thôn Tây xác nhận", "gửi ngày 20/11/2026")
	if len(reps) != 1 {
		t.Errorf("a second request sent %d messages:\n%s", len(reps), dump(reps))
	}
	var other string
	th.update(func(tx flows.Tx) error {
		other = "TRG001"
		return tx.PutInvite(flows.Invite{Code: other, Cell: "C03", Created: th.now, Expires: th.now.Add(24 * time.Hour)})
	})
	wantIn(t, joined(th.send(th.tu.Users[0], "/join "+other)), "Mỗi lần chỉ gửi được một đề nghị chuyển")
	// Her own cell's code: already there.
	wantIn(t, joined(th.send(th.tu.Users[0], "/join "+th.harness.code(th.dong.Users[0]))),
		"đã kết nối với bot của Chi bộ thôn Đông rồi")
}

// TestTransferLostSecretary: the receiving cell's secretary loses the
// rights while a request waits: the member asking again is told the
// office confirms, and the admins are told once, with the button.
func TestTransferLostSecretary(t *testing.T) {
	admin := tg("99")
	th := newTransferHarness(t, admin)
	th.request()
	tay := th.member(th.tay.ID)
	tay.Secretary = false
	th.update(func(tx flows.Tx) error { return tx.PutMember(&tay) })
	for i := range 2 {
		reps := th.send(th.tu.Users[0], "/join "+th.code)
		wantIn(t, joined(to(reps, th.tu.Users[0].PrivateChat())), "đang chờ văn phòng Đảng ủy xác nhận")
		toAdmin := to(reps, admin.PrivateChat())
		if want := 1 - i; len(toAdmin) != want {
			t.Fatalf("ask %d: %d notes to the admin, want %d:\n%s", i+1, len(toAdmin), want, dump(reps))
		}
	}
	// The former secretary's button no longer works; the admin's does.
	wantIn(t, joined(th.press(th.tay.Users[0], fmt.Sprintf("go:duyet:tf%d", th.tu.ID))), "bí thư")
	reps := th.press(admin, fmt.Sprintf("go:duyet:tf%d", th.tu.ID))
	reps = th.choose(admin, reps, "Chi bộ thôn Tây")
	reps = th.choose(admin, reps, "Xác nhận")
	wantIn(t, joined(to(reps, th.tu.Users[0].PrivateChat())), "Chi bộ thôn Tây đã xác nhận")
}

// TestTransferMemberLeft: a request of a member who left their cell since
// is not listed, and its button says so.
func TestTransferMemberLeft(t *testing.T) {
	th := newTransferHarness(t)
	th.request()
	tu := th.member(th.tu.ID)
	tu.Cell = ""
	th.update(func(tx flows.Tx) error { return tx.PutMember(&tu) })
	wantIn(t, joined(th.send(th.tay.Users[0], "/duyet")), "Không có bản đăng ký nào chờ duyệt, cũng không có đề nghị chuyển nào")
	wantIn(t, joined(th.press(th.tay.Users[0], fmt.Sprintf("go:duyet:tf%d", th.tu.ID))), "không còn thuộc Chi bộ thôn Đông")
	th.view(func(tx flows.Tx) error {
		if _, ok, _ := tx.Transfer(th.tu.ID); ok {
			t.Error("the request of a member who left was kept")
		}
		return nil
	})
}

// TestTransferMovesRosterEntry (issue 11): a confirmed transfer moves the
// member's roster entry to the new cell with the move recorded: C01's
// October (before the move) still counts Tư there, with her report; from
// November, the month of the move, she counts in C02 only. The
// organisation's table counts each cell as its summary does, Bảy (on
// C01's roster, never connected) included.
func TestTransferMovesRosterEntry(t *testing.T) {
	th := newTransferHarness(t)
	th.update(func(tx flows.Tx) error { return tx.PutRosterEntry(flows.RosterEntryOf(th.tu)) }) // Tư on C01's roster
	th.seedRoster("C01", "Hoàng Văn Bảy")                                                       // on the roster from November, without a phone
	th.putReport(flows.Report{Member: th.tu.ID, Month: 202610, Other: "Dọn đường làng", Submitted: th.date(2026, 10, 28, 9)})
	reps := th.request()
	btn, _ := findChoice(to(reps, th.tay.Users[0].PrivateChat()), "Xem và xác nhận")
	at := th.date(2026, 11, 25, 10)
	th.at(at)
	th.choose(th.tay.Users[0], th.press(th.tay.Users[0], btn.Data), "Xác nhận")
	th.view(func(tx flows.Tx) error {
		e, ok, err := tx.RosterOf(th.tu.ID)
		if err != nil || !ok {
			t.Fatalf("Tư's roster entry: %v %v", ok, err)
		}
		if e.Cell != "C02" || len(e.Moves) != 1 || e.Moves[0].From != "C01" || !e.Moves[0].At.Equal(at) {
			t.Errorf("entry after the transfer: %+v", e)
		}
		for _, tc := range []struct {
			cell            string
			month           flows.Month
			must, reported  int
			missingTuInCell bool
		}{
			{"C01", 202610, 2, 1, false}, // Lan and Tư; Tư reported
			{"C02", 202610, 1, 0, false}, // Ba only
			{"C01", 202611, 2, 0, false}, // Lan and Bảy
			{"C02", 202611, 2, 0, true},  // Ba and Tư
		} {
			s, err := th.eng.CellSummary(tx, tc.cell, tc.month)
			if err != nil {
				return err
			}
			tuMissing := false
			for _, m := range s.Missing {
				tuMissing = tuMissing || m.ID == th.tu.ID
			}
			if s.MustReport != tc.must || s.Reported != tc.reported || tuMissing != tc.missingTuInCell {
				t.Errorf("%s %s: %d/%d, Tư missing %v; want %d/%d, %v", tc.cell, tc.month, s.Reported, s.MustReport, tuMissing,
					tc.reported, tc.must, tc.missingTuInCell)
			}
			// The organisation's table counts each cell as its summary does.
			o, err := th.eng.OrgSummary(tx, tc.month)
			if err != nil {
				return err
			}
			for _, row := range o.Rows {
				if row.Cell.Code == tc.cell && row.SummaryCounts != s.SummaryCounts {
					t.Errorf("%s %s: organisation's row %+v, cell's %+v", tc.cell, tc.month, row.SummaryCounts, s.SummaryCounts)
				}
			}
		}
		return nil
	})
}
