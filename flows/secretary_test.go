package flows_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

func TestExemptToggle(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uHai, "/mien")
	if l, want := labels(got), []string{"Nguyễn Thị Ba", "Lê Văn Bốn", "Trần Văn Hai", "Phạm Thị Năm (được miễn)", "Hoàng Văn Sáu"}; !slices.Equal(l, want) {
		t.Fatalf("choices %v, want %v", l, want)
	}
	got = o.choose(o.uHai, got, "Hoàng Văn Sáu")
	wantIn(t, joined(got), "Ghi nhận đồng chí Hoàng Văn Sáu được chi bộ miễn công tác và sinh hoạt đảng?")
	got = o.choose(o.uHai, got, "Đồng ý")
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "Đã ghi nhận đồng chí Hoàng Văn Sáu được miễn công tác và sinh hoạt đảng")
	wantIn(t, joined(to(got, o.uSau.PrivateChat())), "Kính gửi đồng chí Hoàng Văn Sáu", "được miễn công tác và sinh hoạt đảng")
	if m := o.member(o.sau.ID); m.Status != flows.Exempt {
		t.Fatalf("status %v, want exempt", m.Status)
	}
	// Out of every denominator and of the reminders.
	wantIn(t, joined(o.sendIn(o.g1, o.uBa, "/summary")), "Đã báo cáo: 2/3", "Được miễn công tác và sinh hoạt đảng: 2 đồng chí")
	got = o.send(o.uHai, "/nhacnho")
	if n := len(to(got, o.uSau.PrivateChat())); n != 0 {
		t.Errorf("exempt member nudged %d times", n)
	}
	// And back.
	got = o.send(o.uHai, "/mien")
	got = o.choose(o.uHai, got, "Hoàng Văn Sáu (được miễn)")
	wantIn(t, joined(got), "Ghi nhận đồng chí Hoàng Văn Sáu sinh hoạt đảng trở lại?")
	got = o.send(o.uHai, "1")
	wantIn(t, joined(to(got, o.uSau.PrivateChat())), "sinh hoạt đảng trở lại")
	if m := o.member(o.sau.ID); m.Status != flows.Active {
		t.Fatalf("status %v, want active", m.Status)
	}
	// "Thôi" cancels without a change.
	got = o.send(o.uHai, "/mien")
	got = o.choose(o.uHai, got, "Lê Văn Bốn")
	got = o.choose(o.uHai, got, "Thôi")
	wantIn(t, joined(got), flows.T(text.Cancelled, nil))
	if m := o.member(o.bon.ID); m.Status != flows.Active {
		t.Fatalf("cancel changed status to %v", m.Status)
	}
}

func TestCloseAndReopen(t *testing.T) {
	o := newOrg(t)
	// Sáu starts a report before the month is closed.
	started := o.send(o.uSau, "/baocao")
	wantIn(t, joined(started), "tháng 11/2026")

	got := o.send(o.uHai, "/dongthang")
	wantIn(t, joined(got), "Chi bộ thôn Đông — tháng 11/2026: đang mở", "Đã báo cáo: 2/4 đồng chí (50%)")
	got = o.choose(o.uHai, got, "Chốt tháng")
	wantIn(t, joined(got), "Chốt tháng 11/2026 của Chi bộ thôn Đông?")
	got = o.choose(o.uHai, got, "Đồng ý chốt")
	wantIn(t, joined(got), "Đã chốt tháng 11/2026", "Đã báo cáo: 2/4 đồng chí (50%); chưa báo cáo: 2 đồng chí")

	closed := flows.T(text.MonthClosed, map[string]string{"Month": "tháng 11/2026"})
	// The report in progress cannot be sent, nor a new one started.
	got = o.reportOther(o.uSau, started, "Quét dọn đường làng")
	wantIn(t, joined(got), closed)
	wantIn(t, joined(o.send(o.uSau, "/baocao")), closed)
	wantIn(t, joined(o.send(o.uSau, "/baocao 11/2026")), closed)
	// Nor can a member who reported edit.
	wantIn(t, joined(o.send(o.uBon, "/baocao 11")), closed)
	// The group summary says so.
	wantIn(t, joined(o.sendIn(o.g1, o.uBa, "/summary")), "đã chốt tháng 11/2026")

	got = o.send(o.uHai, "/dongthang")
	wantIn(t, joined(got), "đã chốt")
	got = o.choose(o.uHai, got, "Mở lại")
	got = o.choose(o.uHai, got, "Đồng ý mở lại")
	wantIn(t, joined(got), "Đã mở lại tháng 11/2026", "Đảng viên gửi và sửa được")

	got = o.reportOther(o.uSau, o.send(o.uSau, "/baocao"), "Quét dọn đường làng")
	wantIn(t, joined(got), flows.T(text.ReportSaved, map[string]string{"Month": "tháng 11/2026"}))
	wantIn(t, joined(o.sendIn(o.g1, o.uBa, "/summary")), "Đã báo cáo: 3/4")
}

func TestCloseOtherMonth(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uHai, "/dongthang 9/2026")
	got = o.choose(o.uHai, got, "Chốt tháng")
	got = o.choose(o.uHai, got, "Đồng ý chốt")
	wantIn(t, joined(got), "Đã chốt tháng 9/2026", "Đã báo cáo: 0/4")
	got = o.send(o.uHai, "/dongthang 9/2026")
	got = o.choose(o.uHai, got, "Mở lại")
	got = o.choose(o.uHai, got, "Đồng ý mở lại")
	wantIn(t, joined(got), "Đã mở lại tháng 9/2026", "quá hạn báo cáo")
	// November is untouched.
	wantIn(t, joined(o.send(o.uHai, "/dongthang")), "tháng 11/2026: đang mở")
	// The future is refused.
	wantIn(t, joined(o.send(o.uHai, "/dongthang 1/2027")), "Chưa đến")
	// "Thôi" leaves the month as it was.
	got = o.send(o.uHai, "/dongthang")
	wantIn(t, joined(o.choose(o.uHai, got, "Thôi")), flows.T(text.Cancelled, nil))
}

func TestNudge(t *testing.T) {
	o := newOrg(t)
	paused := o.addMember(flows.Member{Name: "Đặng Văn Mười", Cell: "C01", Users: []bot.UserID{tg("15")},
		PausedUntil: o.date(2026, 12, 31, 0), PauseReason: "ốm"})
	pauseOver := o.addMember(flows.Member{Name: "Ngô Văn Mười Hai", Cell: "C01", Users: []bot.UserID{tg("17")},
		PausedUntil: o.date(2026, 11, 1, 0)})
	gone := o.addMember(flows.Member{Name: "Lý Thị Mười Một", Cell: "C01", Users: []bot.UserID{tg("16")}})
	twoApps := o.addMember(flows.Member{Name: "Cao Văn Mười Ba", Cell: "C01",
		Users: []bot.UserID{tg("18"), {Platform: bot.Zalo, ID: "z18"}}})
	o.unreachable(tg("16").PrivateChat())
	o.unreachable(tg("18").PrivateChat())

	got := o.send(o.uHai, "/nhacnho")
	nudged := map[bot.ChatID]bool{}
	for _, r := range got {
		if r.Chat == o.uHai.PrivateChat() {
			continue
		}
		nudged[r.Chat] = true
		if !strings.Contains(r.Text, "tháng 11/2026") {
			t.Errorf("nudge without the month: %s", r.Text)
		}
		c, ok := findChoice([]bot.Reply{r}, "Báo cáo ngay")
		if !ok || c.Data != "go:baocao:202611" {
			t.Errorf("nudge to %s has choices %v", r.Chat, r.Choices)
		}
	}
	want := map[bot.ChatID]bool{
		o.uSau.PrivateChat(): true, tg("17").PrivateChat(): true, {Platform: bot.Zalo, ID: "z18"}: true,
	}
	if !maps(nudged, want) {
		t.Errorf("nudged %v, want %v", nudged, want)
	}
	sec := joined(to(got, o.uHai.PrivateChat()))
	wantIn(t, sec, "Đã nhắc 3 đồng chí chưa báo cáo tháng 11/2026", "Hoàng Văn Sáu", pauseOver.Name, twoApps.Name,
		"không nhắn được", gone.Name, "tạm hoãn, không nhắc: "+paused.Name)
	wantNotIn(t, sec, "Nguyễn Thị Ba", "Phạm Thị Năm", "Trần Văn Hai")

	// The month typed is the month the form ParseMonth reads from the button.
	if m, err := flows.ParseMonth("202611", o.now, o.loc); err != nil || m != nov {
		t.Fatalf("ParseMonth(202611) = %v, %v", m, err)
	}
	// Pressing the button opens the report of that month.
	got = o.press(o.uSau, "go:baocao:202611")
	wantIn(t, joined(got), "tháng 11/2026", "đã làm được việc tốt nào")
	got = o.reportOther(o.uSau, got, "Giúp hàng xóm sửa nhà")
	wantIn(t, joined(got), "Đã nhận báo cáo tháng 11/2026")

	// A second nudge skips who has now reported.
	got = o.send(o.uHai, "/nhacnho")
	if n := len(to(got, o.uSau.PrivateChat())); n != 0 {
		t.Errorf("reported member nudged again")
	}
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "Đã nhắc 2 đồng chí")
}

func TestNudgeButtonInGraceDays(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uHai, "/nhacnho")
	c, ok := findChoice(to(got, o.uSau.PrivateChat()), "Báo cáo ngay")
	if !ok {
		t.Fatalf("no button:\n%s", dump(got))
	}
	// Pressed on 3 December: November is still open by the grace days.
	o.at(o.date(2026, 12, 3, 9))
	wantIn(t, joined(o.press(o.uSau, c.Data)), "tháng 11/2026", "đã làm được việc tốt nào")
	// Pressed on 10 December: too late.
	o.at(o.date(2026, 12, 10, 9))
	wantIn(t, joined(o.press(o.uSau, c.Data)), flows.T(text.MonthNotOpen, map[string]any{"Month": "tháng 11/2026", "Grace": 5}))
	// The secretary cannot nudge for a month past its grace days, nor a closed one.
	wantIn(t, joined(o.send(o.uHai, "/nhacnho 11/2026")), "quá hạn báo cáo tháng 11/2026")
	o.update(func(tx flows.Tx) error {
		return tx.PutMonthState(flows.MonthState{Cell: "C01", Month: 202612, Closed: true})
	})
	wantIn(t, joined(o.send(o.uHai, "/nhacnho")), "Chi bộ đã chốt tháng 12/2026")
}

// TestNudgeFromJoining: in December's grace days, /nhacnho 11 reminds who
// had connected by November only; /nhacnho (December) reminds the newcomer
// too.
func TestNudgeFromJoining(t *testing.T) {
	o := newOrg(t)
	o.at(o.date(2026, 12, 2, 9))
	muoi := o.addMember(flows.Member{Name: "Mai Văn Mười", Cell: "C01", Users: []bot.UserID{tg("31")},
		Joined: time.Date(2026, 11, 30, 17, 30, 0, 0, time.UTC)}) // 00:30 on 1 December in Hà Nội
	got := o.send(o.uHai, "/nhacnho 11")
	if n := len(to(got, muoi.Users[0].PrivateChat())); n != 0 {
		t.Errorf("the newcomer was nudged for November:\n%s", dump(got))
	}
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "Đã nhắc 1 đồng chí chưa báo cáo tháng 11/2026")
	wantNotIn(t, joined(to(got, o.uHai.PrivateChat())), muoi.Name)
	got = o.send(o.uHai, "/nhacnho 12")
	if n := len(to(got, muoi.Users[0].PrivateChat())); n != 1 {
		t.Errorf("the newcomer was not nudged for December:\n%s", dump(got))
	}
}

func maps[K comparable](a, b map[K]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func TestFeature(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uHai, "/neuguong")
	if l := labels(got); !slices.Equal(l, []string{"Nguyễn Thị Ba", "Lê Văn Bốn", "Phạm Thị Năm"}) {
		t.Fatalf("choices %v", l)
	}
	got = o.choose(o.uHai, got, "Nguyễn Thị Ba")
	wantIn(t, joined(got), "Báo cáo tháng 11/2026 của đồng chí Nguyễn Thị Ba", "Biểu dương việc làm này?")
	got = o.choose(o.uHai, got, "Biểu dương")
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "Đã biểu dương việc làm tháng 11/2026 của đồng chí Nguyễn Thị Ba")
	wantIn(t, joined(to(got, o.uBa.PrivateChat())), "Chúc mừng đồng chí Nguyễn Thị Ba", "Chi bộ thôn Đông")

	// In the secretary's summary with the deed, in the group's as a count.
	got = o.send(o.uHai, "/summary")
	wantIn(t, joined(got), "Được biểu dương:\n- Nguyễn Thị Ba: Tặng gạo cho 2 hộ")
	if !slices.Contains(labels(got), "★ Nguyễn Thị Ba") {
		t.Errorf("featured report not starred: %v", labels(got))
	}
	g := joined(o.sendIn(o.g1, o.uBon, "/summary"))
	wantIn(t, g, "Việc làm được biểu dương: 1")
	wantNotIn(t, g, "Nguyễn Thị Ba")
	// In the leaderboard.
	var lb string
	o.view(func(tx flows.Tx) error {
		cur, err := o.eng.OrgSummary(tx, nov)
		if err != nil {
			return err
		}
		prev, err := o.eng.OrgSummary(tx, nov.Prev())
		if err != nil {
			return err
		}
		lb = flows.RenderLeaderboardGroup(flows.Text(), flows.Leaderboard(cur, prev, nil), "C01", nov, cur.Deeds())
		return nil
	})
	wantIn(t, lb, "Đồng chí Nguyễn Thị Ba (Chi bộ thôn Đông): Tặng gạo cho 2 hộ")

	// The secretary can take it back.
	got = o.send(o.uHai, "/neuguong")
	got = o.choose(o.uHai, got, "★ Nguyễn Thị Ba")
	wantIn(t, joined(got), "Thôi biểu dương việc làm này")
	got = o.choose(o.uHai, got, "Thôi biểu dương")
	wantIn(t, joined(got), "Đã thôi biểu dương")
	if n := len(to(got, o.uBa.PrivateChat())); n != 0 {
		t.Errorf("member told of the removal")
	}
	wantNotIn(t, joined(o.send(o.uHai, "/summary")), "Được biểu dương:")
	// A month without reports has nothing to feature.
	wantIn(t, joined(o.send(o.uHai, "/neuguong 10")), "Chưa có báo cáo tháng 10/2026 nào")
}

func TestOtherCellSecretaryRefused(t *testing.T) {
	o := newOrg(t)
	// Bảy's summary is of C02 only.
	got := joined(o.send(o.uBay, "/summary"))
	wantIn(t, got, "Chi bộ thôn Tây", "Đã báo cáo: 2/2")
	wantNotIn(t, got, "Chi bộ thôn Đông", "Hoàng Văn Sáu")
	// In C01's group Bảy is a guest: counts only, and no secretary tool.
	got = joined(o.sendIn(o.g1, o.uBay, "/summary"))
	wantNotIn(t, got, o.c01Names...)
	// Bảy's tools act on C02 only, and a choice of C01 is not accepted.
	got = joined(o.send(o.uBay, "/dongthang"))
	wantIn(t, got, "Chi bộ thôn Tây — tháng 11/2026")
	mien := o.send(o.uBay, "/mien")
	wantNotIn(t, strings.Join(labels(mien), ","), "Hoàng Văn Sáu")
	if got := o.tap(o.uBay, fmt.Sprint("m:", o.sau.ID)); len(got) != 0 {
		t.Errorf("a choice of C01's member was answered:\n%s", dump(got))
	}
	if m := o.member(o.sau.ID); m.Status != flows.Active {
		t.Fatal("status changed by another cell's secretary")
	}
	// A plain member is refused every tool.
	for _, cmd := range []string{"/dongthang", "/mien", "/nhacnho", "/neuguong"} {
		wantIn(t, joined(o.send(o.uBa, cmd)), flows.T(text.NeedSecretary, nil))
	}
	// A secretary who lost the role midway is refused at the next step.
	got2 := o.send(o.uHai, "/mien")
	o.update(func(tx flows.Tx) error {
		m := o.hai
		m.Secretary = false
		return tx.PutMember(&m)
	})
	wantIn(t, joined(o.choose(o.uHai, got2, "Hoàng Văn Sáu")), flows.T(text.NeedSecretary, nil))
	if m := o.member(o.sau.ID); m.Status != flows.Active {
		t.Fatal("status changed by a former secretary")
	}
}

func TestAdminToolsPickCell(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.admin, "/dongthang")
	got = o.choose(o.admin, got, "Chi bộ thôn Tây")
	wantIn(t, joined(got), "Chi bộ thôn Tây — tháng 11/2026: đang mở")
	got = o.choose(o.admin, got, "Chốt tháng")
	got = o.choose(o.admin, got, "Đồng ý chốt")
	wantIn(t, joined(got), "Đã chốt tháng 11/2026 của Chi bộ thôn Tây")
	o.view(func(tx flows.Tx) error {
		st, err := tx.MonthState("C02", nov)
		if err == nil && !st.Closed {
			err = errors.New("C02 not closed")
		}
		return err
	})
}

// TestSummarySelfGap: the secretary's own gap heads her summary, with how
// to report only while the month is still open for her.
func TestSummarySelfGap(t *testing.T) {
	tests := []struct {
		name string
		day  int // of December 2026
		want string
	}{
		{"November still open (grace days)", 3, "Đồng chí chưa báo cáo tháng 11/2026 (gõ /baocao để gửi)."},
		{"November past its deadline", 10, "Đồng chí chưa báo cáo tháng 11/2026.\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrg(t)
			o.at(o.date(2026, 12, tc.day, 9))
			got := joined(o.send(o.uHai, "/summary 11"))
			wantIn(t, got, tc.want)
		})
	}
}
