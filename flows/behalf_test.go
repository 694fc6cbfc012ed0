package flows_test

import (
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
)

// behalfPledge has u record, for the person named name of C01's roster,
// a pledge of one item, sent (/dangkythay NAME), and returns the replies
// to the sending.
func behalfPledge(t *testing.T, env *accessEnv, u bot.UserID, name string) []bot.Reply {
	t.Helper()
	h := env.harness
	if got := joined(h.send(u, "/dangkythay "+name)); !strings.Contains(got, "đang ghi hộ bản đăng ký") {
		t.Fatalf("/dangkythay %s: %s", name, got)
	}
	h.send(u, "Kể chuyện Bác cho thiếu nhi")
	h.send(u, "1") // the category
	h.send(u, "1") // no target
	h.send(u, "4") // send
	return h.send(u, "1")
}

// pledgeOf returns the pledge of the member claiming C01's roster entry
// called name, for 2026.
func pledgeOf(t *testing.T, h *harness, name string) (flows.Member, flows.Pledge) {
	t.Helper()
	var m flows.Member
	var p flows.Pledge
	h.view(func(tx flows.Tx) error {
		roster, err := tx.Roster("C01")
		if err != nil {
			return err
		}
		for _, e := range roster {
			if e.Name == name && len(e.Claims) > 0 {
				m = h.member(e.Claims[0].Member)
				p, _, err = tx.Pledge(m.ID, 2026)
				return err
			}
		}
		t.Fatalf("no member claims %q: %+v", name, roster)
		return nil
	})
	return m, p
}

// TestPledgeBehalfApproval (issue 11): a pledge the secretary records for
// a member without a phone is approved as recorded (she would approve it
// herself); one a delegated member records goes to the secretary for
// approval, as the member's own would. Both are marked as recorded by
// whom, and the member is stored without any account (not connected).
func TestPledgeBehalfApproval(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	h.seedRoster("C01", "Hoàng Văn Bảy", "Đỗ Thị Sáu")
	sec, del := env.users["secOwn"], env.users["delegate"]

	reps := behalfPledge(t, env, sec, "hoang van bay")
	if got := joined(reps); !strings.Contains(got, "được duyệt luôn") {
		t.Errorf("secretary's recording: %s", got)
	}
	bay, p := pledgeOf(t, h, "Hoàng Văn Bảy")
	secM, _ := h.memberOf(sec)
	if p.Status != flows.PledgeApproved || p.Recorded.By != secM.ID || p.Recorded.At.IsZero() || len(p.Items) != 1 {
		t.Errorf("pledge recorded by the secretary: %+v", p)
	}
	if bay.Connected() || bay.Cell != "C01" {
		t.Errorf("member recorded for: %+v", bay)
	}

	reps = behalfPledge(t, env, del, "Đỗ Thị Sáu")
	delM, _ := h.memberOf(del)
	_, p = pledgeOf(t, h, "Đỗ Thị Sáu")
	if p.Status != flows.PledgeSubmitted || p.Recorded.By != delM.ID {
		t.Errorf("pledge recorded by the delegate: %+v", p)
	}
	if got := repliesTo(reps, sec); !strings.Contains(got, "Đỗ Thị Sáu") || !strings.Contains(got, "chờ đồng chí duyệt") {
		t.Errorf("the secretary is not asked to approve: %q", got)
	}
}

// TestDelegate (issue 11): /uyquyen NAME delegates a connected member of
// the secretary's cell (named without diacritics), who is told; a
// delegation taken back (/uyquyen bỏ) mid-recording stops the next
// answer.
func TestDelegate(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	h.seedRoster("C01", "Hoàng Văn Bảy")
	sec, mem := env.users["secOwn"], env.users["member"]
	reps := h.send(sec, "/uyquyen pham van bon")
	if got := repliesTo(reps, mem); !strings.Contains(got, "ủy quyền cho đồng chí Phạm Văn Bốn") {
		t.Fatalf("the member is not told: %s", dump(reps))
	}
	if m, _ := h.memberOf(mem); !m.Recorder {
		t.Fatalf("not delegated: %+v", m)
	}
	if got := strings.Join(labels(h.send(mem, "/baocaothay")), "|"); !strings.HasPrefix(got, "Hoàng Văn Bảy|") {
		t.Fatalf("the delegate's /baocaothay offers %s", got)
	}
	h.send(sec, "/uyquyen bỏ")
	if m, _ := h.memberOf(mem); m.Recorder {
		t.Fatalf("still delegated: %+v", m)
	}
	if got := joined(h.send(mem, "1")); !strings.Contains(got, "Chỉ bí thư chi bộ, hoặc đồng chí được bí thư ủy quyền") {
		t.Errorf("an answer after the delegation ended: %s", got)
	}
	if got := joined(h.send(sec, "/uyquyen Không Có Ai")); !strings.Contains(got, "Không thấy đảng viên nào") {
		t.Errorf("an unknown name: %s", got)
	}
}

// memberOf reloads the member of the platform identity u.
func (h *harness) memberOf(u bot.UserID) (flows.Member, bool) {
	h.t.Helper()
	var m flows.Member
	var ok bool
	h.view(func(tx flows.Tx) error {
		var err error
		m, ok, err = tx.MemberOf(u)
		return err
	})
	return m, ok
}

// memberCount returns how many member records the organisation has.
func (h *harness) memberCount() int {
	h.t.Helper()
	var n int
	h.view(func(tx flows.Tx) error {
		ms, err := tx.Members("")
		n = len(ms)
		return err
	})
	return n
}

// recordedForBay returns the access table's organisation with C01's
// roster of Hoàng Văn Bảy and other, and a pledge its secretary (sec)
// recorded for Bảy, who has no account.
func recordedForBay(t *testing.T, other string) (env *accessEnv, sec bot.UserID) {
	t.Helper()
	env = newAccessEnv(t)
	env.harness.seedRoster("C01", "Hoàng Văn Bảy", other)
	sec = env.users["secOwn"]
	behalfPledge(t, env, sec, "Hoàng Văn Bảy")
	return env, sec
}

// TestRecordedForConnects (issue 11): a member the secretary recorded for
// (no account) who later connects with the cell's code under their name is
// offered their roster entry like any single match; once they confirm,
// their account joins that member, so that the pledge recorded for them
// is theirs (one person, one history), and the member record made when
// they connected is not left behind, empty: the organisation counts as
// many members as before. A second account on the same platform under
// that name is ambiguous, as for any claimed entry.
func TestRecordedForConnects(t *testing.T) {
	env, sec := recordedForBay(t, "Đỗ Thị Sáu")
	h := env.harness
	bay, _ := pledgeOf(t, h, "Hoàng Văn Bảy")
	before := h.memberCount()

	code := h.code(sec)
	u := tg("66")
	reps := h.connectTyped(u, "Hoang Van Bay", code)
	if got := repliesTo(reps, u); !strings.Contains(got, "có phải là đồng chí Hoàng Văn Bảy") {
		t.Fatalf("join: %s", got)
	}
	reps = h.choose(u, reps, "Đúng, là tôi")
	if got := repliesTo(reps, u); !strings.Contains(got, "Hoàng Văn Bảy trong danh sách") {
		t.Fatalf("claim: %s", got)
	}
	m, roster := h.rosterState(u, "C01")
	if m.ID != bay.ID || !m.Connected() || m.Cell != "C01" {
		t.Fatalf("the account joined member %+v, want member %d", m, bay.ID)
	}
	e := roster[0]
	if id, ok := e.Claimed(bot.Telegram); !ok || id != bay.ID || len(e.Claims) != 1 {
		t.Errorf("claims %+v, want member %d on Telegram only", e.Claims, bay.ID)
	}
	if _, p := pledgeOf(t, h, "Hoàng Văn Bảy"); p.Member != bay.ID || len(p.Items) != 1 {
		t.Errorf("the recorded pledge: %+v", p)
	}
	if n := h.memberCount(); n != before {
		t.Errorf("%d members after Bảy connected, want %d as before", n, before)
	}

	u2 := tg("67")
	reps = h.connect(u2, "Hoàng Văn Bảy", code)
	checkAmbiguous(t, env, u2, reps, 2, "(đã có tài khoản kết nối)")
}

// TestNudgeListsOffline (issue 11): /nhacnho lists the people of the
// roster who do not use the bot, the member recorded for (no account) and
// the one never connected, apart as «không dùng bot», as the private
// /summary does, never as people the bot could not write to; /danhsach
// counts both as not connected.
func TestNudgeListsOffline(t *testing.T) {
	env, sec := recordedForBay(t, "Vũ Thị Tám")
	h := env.harness
	got := joined(h.send(sec, "/nhacnho"))
	if !strings.Contains(got, "không dùng bot (bot không nhắc được; gõ /baocaothay để ghi hộ): Hoàng Văn Bảy, Vũ Thị Tám.") {
		t.Errorf("/nhacnho does not list who does not use the bot apart: %s", got)
	}
	if strings.Contains(got, "Bot không nhắn được") {
		t.Errorf("/nhacnho says the bot could not write to someone: %s", got)
	}
	if sum := joined(h.send(sec, "/summary")); !strings.Contains(sum, "không dùng bot: 2 đồng chí") {
		t.Errorf("the private /summary says otherwise: %s", sum)
	}
	if list := joined(h.send(sec, "/danhsach")); !strings.Contains(list, "đã kết nối với bot 0, chưa kết nối 2") {
		t.Errorf("/danhsach counts the member recorded for as connected: %s", list)
	}
}

// TestRecordedForConnectsKeepsHistory (issue 11): when the account that
// connects and joins the member recorded for has records of its own (here
// a report written before it confirmed the entry), its member record is
// kept, without accounts or cell, so that nothing written is lost.
func TestRecordedForConnectsKeepsHistory(t *testing.T) {
	env, sec := recordedForBay(t, "Đỗ Thị Sáu")
	h := env.harness
	before := h.memberCount()
	u := tg("66")
	reps := h.connectTyped(u, "Hoang Van Bay", h.code(sec))
	fresh, _ := h.memberOf(u)
	h.update(func(tx flows.Tx) error {
		return tx.PutReport(flows.Report{Member: fresh.ID, Month: flows.MonthOf(h.now, vnZone(t)), Other: "Dọn vệ sinh đường làng", Submitted: h.now})
	})
	h.choose(u, reps, "Đúng, là tôi")
	if n := h.memberCount(); n != before+1 {
		t.Errorf("%d members, want %d: the record with a report of its own is kept", n, before+1)
	}
	if m := h.member(fresh.ID); len(m.Users) != 0 || m.Cell != "" {
		t.Errorf("the record kept: %+v", m)
	}
}
