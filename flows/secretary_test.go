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

// org is a small organisation on 20/11/2026 (no grace days left for
// October):
//
//	C01 Chi bộ thôn Đông (group -1001): Trần Văn Hai (secretary), Nguyễn Thị
//	    Ba and Lê Văn Bốn (reported), Phạm Thị Năm (exempt, reported), Hoàng
//	    Văn Sáu (not reported): 2/4.
//	C02 Chi bộ thôn Tây (group -1002): Đỗ Thị Bảy (secretary), Vũ Văn Tám,
//	    both reported: 2/2.
//	C03 Chi bộ Trường học (no group): Bùi Văn Chín, not reported: 0/1.
type org struct {
	*harness
	admin                        bot.UserID
	g1, g2, g3                   bot.ChatID
	hai, ba, bon, nam, sau       flows.Member
	bay, tam, chin               flows.Member
	uHai, uBa, uBon, uNam, uSau  bot.UserID
	uBay, uTam, uChin, uStranger bot.UserID
	c01Names                     []string
}

const nov = flows.Month(202611)

func newOrg(t *testing.T, extraAdmins ...bot.UserID) *org {
	t.Helper()
	o := &org{admin: tg("1"), g1: tgGroup("-1001"), g2: tgGroup("-1002"), g3: tgGroup("-1003")}
	o.harness = newHarness(t, time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t)), append([]bot.UserID{o.admin}, extraAdmins...)...)
	o.addCell("C01", "Chi bộ thôn Đông", o.g1)
	o.addCell("C02", "Chi bộ thôn Tây", o.g2)
	o.addCell("C03", "Chi bộ Trường học")
	o.uHai, o.uBa, o.uBon, o.uNam, o.uSau = tg("10"), tg("11"), tg("12"), tg("13"), tg("14")
	o.uBay, o.uTam, o.uChin, o.uStranger = tg("20"), tg("21"), tg("30"), tg("99")
	o.hai = o.addMember(flows.Member{Name: "Trần Văn Hai", Cell: "C01", Secretary: true, Users: []bot.UserID{o.uHai}})
	o.ba = o.addMember(flows.Member{Name: "Nguyễn Thị Ba", Cell: "C01", Users: []bot.UserID{o.uBa}})
	o.bon = o.addMember(flows.Member{Name: "Lê Văn Bốn", Cell: "C01", Users: []bot.UserID{o.uBon}})
	o.nam = o.addMember(flows.Member{Name: "Phạm Thị Năm", Cell: "C01", Status: flows.Exempt, Users: []bot.UserID{o.uNam}})
	o.sau = o.addMember(flows.Member{Name: "Hoàng Văn Sáu", Cell: "C01", Users: []bot.UserID{o.uSau}})
	o.bay = o.addMember(flows.Member{Name: "Đỗ Thị Bảy", Cell: "C02", Secretary: true, Users: []bot.UserID{o.uBay}})
	o.tam = o.addMember(flows.Member{Name: "Vũ Văn Tám", Cell: "C02", Users: []bot.UserID{o.uTam}})
	o.chin = o.addMember(flows.Member{Name: "Bùi Văn Chín", Cell: "C03", Users: []bot.UserID{o.uChin}})
	o.c01Names = []string{o.hai.Name, o.ba.Name, o.bon.Name, o.nam.Name, o.sau.Name}

	o.putPledge(flows.Pledge{Member: o.ba.ID, Year: 2026, Status: flows.PledgeApproved, NextNo: 3, Items: []flows.PledgeItem{
		{No: 1, Text: "Giúp đỡ hộ nghèo trong thôn", Category: "cm1"},
		{No: 2, Text: "Trồng cây xanh ven đường", Category: "cm1"},
	}})
	o.putReport(flows.Report{Member: o.ba.ID, Month: nov, Entries: []flows.Entry{
		{Item: 1, Status: flows.Done, Text: "Tặng gạo cho 2 hộ"}, {Item: 2, Status: flows.Doing},
	}})
	o.putReport(flows.Report{Member: o.bon.ID, Month: nov, Other: "Dọn vệ sinh nhà văn hóa"})
	o.putReport(flows.Report{Member: o.nam.ID, Month: nov, Other: "Thăm hỏi người già"})
	o.putReport(flows.Report{Member: o.bay.ID, Month: nov, Other: "Hòa giải mâu thuẫn"})
	o.putReport(flows.Report{Member: o.tam.ID, Month: nov, Other: "Sửa đường làng"})
	return o
}

func TestMe(t *testing.T) {
	tests := []struct {
		name    string
		reports map[flows.Month][]flows.Entry // Ba's reports besides the fixture's
		dropNov bool                          // remove Ba's November report
		now     [3]int                        // y, m, d
		want    []string
		notWant []string
	}{
		{
			name: "current month reported",
			reports: map[flows.Month][]flows.Entry{
				202608: {{Item: 1, Status: flows.Doing}},
				202609: {{Item: 1, Status: flows.Done}},
				202610: {{Item: 2, Status: flows.Done}},
			},
			now: [3]int{2026, 11, 20},
			want: []string{
				"Bản đăng ký năm 2026 (", "1. Giúp đỡ hộ nghèo trong thôn — Đã làm (tháng 11/2026)",
				"2. Trồng cây xanh ven đường — Đang làm (tháng 11/2026)",
				"T1 – T2 – T3 – T4 – T5 – T6 – T7 – T8 ✓ T9 ✓ T10 ✓ T11 ✓",
				"báo cáo liền 4 tháng",
			},
			notWant: []string{"T12", "gõ /baocao để gửi"},
		},
		{
			name: "current month not yet: the run ends last month, latest status from older reports",
			reports: map[flows.Month][]flows.Entry{
				202608: {{Item: 1, Status: flows.Doing}},
				202609: {{Item: 1, Status: flows.Done}},
				202610: {{Item: 2, Status: flows.Doing}},
			},
			dropNov: true,
			now:     [3]int{2026, 11, 20},
			want: []string{
				"1. Giúp đỡ hộ nghèo trong thôn — Đã làm (tháng 9/2026)",
				"2. Trồng cây xanh ven đường — Đang làm (tháng 10/2026)",
				"T8 ✓ T9 ✓ T10 ✓ T11 –", "báo cáo liền 3 tháng", "chưa báo cáo tháng 11/2026: gõ /baocao",
			},
		},
		{
			name: "a gap breaks the run",
			reports: map[flows.Month][]flows.Entry{
				202608: {{Item: 1, Status: flows.Done}},
				202610: {{Item: 1, Status: flows.Done}},
			},
			now:     [3]int{2026, 11, 20},
			want:    []string{"T8 ✓ T9 – T10 ✓ T11 ✓", "báo cáo liền 2 tháng"},
			notWant: []string{"liền 3", "liền 4"},
		},
		{
			name: "the run crosses the year; no pledge for the new year",
			reports: map[flows.Month][]flows.Entry{
				202610: {{Item: 1, Status: flows.Done}},
				202612: {{Item: 1, Status: flows.Done}},
			},
			now:     [3]int{2027, 1, 10},
			want:    []string{"Báo cáo năm 2027 (✓ đã gửi, – chưa):\nT1 –", "báo cáo liền 3 tháng", "chưa có bản đăng ký năm 2027"},
			notWant: []string{"T2", "Giúp đỡ"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrg(t)
			o.at(o.date(tc.now[0], tc.now[1], tc.now[2], 9))
			for m, es := range tc.reports {
				o.putReport(flows.Report{Member: o.ba.ID, Month: m, Entries: es})
			}
			if tc.dropNov {
				// A stored report without Submitted does not count.
				o.update(func(tx flows.Tx) error { return tx.PutReport(flows.Report{Member: o.ba.ID, Month: nov}) })
			}
			got := o.send(o.uBa, "/cuatoi")
			if len(got) != 1 || got[0].Chat != o.uBa.PrivateChat() {
				t.Fatalf("want one reply to Ba, got:\n%s", dump(got))
			}
			wantIn(t, got[0].Text, append([]string{"Nguyễn Thị Ba — Chi bộ thôn Đông"}, tc.want...)...)
			wantNotIn(t, got[0].Text, tc.notWant...)
		})
	}
}

func TestMeExempt(t *testing.T) {
	o := newOrg(t)
	got := joined(o.send(o.uNam, "/me"))
	wantIn(t, got, "miễn sinh hoạt", "chưa có bản đăng ký năm 2026", "T11 ✓")
	wantNotIn(t, got, "/baocao để gửi")
}

func TestSummaryInGroupHasCountsOnly(t *testing.T) {
	o := newOrg(t)
	for _, u := range []bot.UserID{o.uBa, o.uHai, o.admin, o.uBay} {
		got := o.sendIn(o.g1, u, "/summary")
		if len(got) != 1 || got[0].Chat != o.g1 {
			t.Fatalf("want one reply in the group, got:\n%s", dump(got))
		}
		wantIn(t, got[0].Text, "Chi bộ thôn Đông", "tháng 11/2026", "Đã báo cáo: 2/4 đồng chí (50%)",
			"Chưa báo cáo: 2 đồng chí", "Miễn sinh hoạt: 1 đồng chí")
		wantNotIn(t, got[0].Text, o.c01Names...)
		if len(got[0].Choices) != 0 {
			t.Errorf("group summary offers choices: %v", labels(got))
		}
	}
	// Another month, by argument.
	got := joined(o.sendIn(o.g2, o.uTam, "/tonghop 10/2026"))
	wantIn(t, got, "Chi bộ thôn Tây", "tháng 10/2026", "Đã báo cáo: 0/2")
	// A future month is refused.
	got = joined(o.sendIn(o.g1, o.uBa, "/summary 12/2026"))
	wantIn(t, got, text.T(text.ReportFuture, map[string]string{"Month": "tháng 12/2026"}))
	// A group linked to no cell.
	got = joined(o.sendIn(o.g3, o.admin, "/summary"))
	wantIn(t, got, text.T(text.GroupNotLinked, nil))
	// A stranger is refused.
	got = joined(o.sendIn(o.g1, o.uStranger, "/summary"))
	wantIn(t, got, text.T(text.NeedMember, nil))
}

func TestSummaryMemberInPrivateHasCountsOnly(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uBon, "/summary")
	wantIn(t, joined(got), "Đã báo cáo: 2/4")
	wantNotIn(t, joined(got), o.c01Names...)
	if l := labels(got); len(l) != 0 {
		t.Errorf("member gets choices %v", l)
	}
}

func TestSummarySecretaryHasNamesAndReadsReports(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uHai, "/summary")
	if len(got) != 1 {
		t.Fatalf("want one reply, got:\n%s", dump(got))
	}
	s := got[0].Text
	wantIn(t, s, "Đã báo cáo: 2/4", "Chưa báo cáo (2):\n1. Trần Văn Hai\n2. Hoàng Văn Sáu")
	wantNotIn(t, s, "Phạm Thị Năm\n", "Đỗ Thị Bảy", "Vũ Văn Tám")
	// The reports to read, in Vietnamese name order (by given name).
	if l, want := labels(got), []string{"Nguyễn Thị Ba", "Lê Văn Bốn", "Phạm Thị Năm"}; !slices.Equal(l, want) {
		t.Errorf("choices %v, want %v", l, want)
	}
	// Press Ba, then type 2 for Bốn: the list stays open.
	rep := joined(o.choose(o.uHai, got, "Ba"))
	wantIn(t, rep, "Báo cáo tháng 11/2026 của đồng chí Nguyễn Thị Ba", "1. Giúp đỡ hộ nghèo trong thôn: đã làm — Tặng gạo cho 2 hộ")
	rep = joined(o.send(o.uHai, "2"))
	wantIn(t, rep, "của đồng chí Lê Văn Bốn", "Dọn vệ sinh nhà văn hóa")
	// Another month: nobody reported October, so no choices.
	got = o.send(o.uHai, "/summary 10")
	wantIn(t, joined(got), "tháng 10/2026", "Chưa báo cáo (4)")
	if l := labels(got); len(l) != 0 {
		t.Errorf("choices %v with no report", l)
	}
}

func TestSummaryAdminRanksCells(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.admin, "/summary")
	s := joined(got)
	want := "1. Chi bộ thôn Tây — 2/2 (100%)\n2. Chi bộ thôn Đông — 2/4 (50%)\n3. Chi bộ Trường học — 0/1 (0%)\nToàn Đảng bộ: 4/7"
	wantIn(t, s, want)
	wantNotIn(t, s, "Hoàng Văn Sáu")
	// Opening a cell shows its secretary view.
	got = o.choose(o.admin, got, "Chi bộ thôn Đông")
	wantIn(t, joined(got), "Chưa báo cáo (2):", "Hoàng Văn Sáu")
	wantIn(t, joined(o.choose(o.admin, got, "Bốn")), "Dọn vệ sinh nhà văn hóa")
}

func TestSummaryAdminWhoIsSecretary(t *testing.T) {
	o := newOrg(t, tg("10")) // Trần Văn Hai is also an admin
	got := o.send(o.uHai, "/summary")
	if len(got) != 2 {
		t.Fatalf("want the org table and the cell view, got:\n%s", dump(got))
	}
	wantIn(t, got[0].Text, "1. Chi bộ thôn Tây — 2/2 (100%)")
	wantIn(t, got[1].Text, "Chưa báo cáo (2):", "Hoàng Văn Sáu")
	if l := labels(got); !slices.Contains(l, "Lê Văn Bốn") {
		t.Errorf("cell view has no reports to read: %v", l)
	}
}

func TestExemptToggle(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uHai, "/mien")
	if l, want := labels(got), []string{"Nguyễn Thị Ba", "Lê Văn Bốn", "Trần Văn Hai", "Phạm Thị Năm (miễn SH)", "Hoàng Văn Sáu"}; !slices.Equal(l, want) {
		t.Fatalf("choices %v, want %v", l, want)
	}
	got = o.choose(o.uHai, got, "Hoàng Văn Sáu")
	wantIn(t, joined(got), "Miễn sinh hoạt cho đồng chí Hoàng Văn Sáu?")
	got = o.choose(o.uHai, got, "Đồng ý")
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "Đã ghi đồng chí Hoàng Văn Sáu miễn sinh hoạt")
	wantIn(t, joined(to(got, o.uSau.PrivateChat())), "Kính gửi đồng chí Hoàng Văn Sáu", "được miễn sinh hoạt")
	if m := o.member(o.sau.ID); m.Status != flows.Exempt {
		t.Fatalf("status %v, want exempt", m.Status)
	}
	// Out of every denominator and of the reminders.
	wantIn(t, joined(o.sendIn(o.g1, o.uBa, "/summary")), "Đã báo cáo: 2/3", "Miễn sinh hoạt: 2 đồng chí")
	got = o.send(o.uHai, "/nhacnho")
	if n := len(to(got, o.uSau.PrivateChat())); n != 0 {
		t.Errorf("exempt member nudged %d times", n)
	}
	// And back.
	got = o.send(o.uHai, "/mien")
	got = o.choose(o.uHai, got, "Hoàng Văn Sáu (miễn SH)")
	wantIn(t, joined(got), "Thôi miễn sinh hoạt cho đồng chí Hoàng Văn Sáu?")
	got = o.send(o.uHai, "1")
	wantIn(t, joined(to(got, o.uSau.PrivateChat())), "thôi miễn sinh hoạt")
	if m := o.member(o.sau.ID); m.Status != flows.Active {
		t.Fatalf("status %v, want active", m.Status)
	}
	// "Thôi" cancels without a change.
	got = o.send(o.uHai, "/mien")
	got = o.choose(o.uHai, got, "Lê Văn Bốn")
	got = o.choose(o.uHai, got, "Thôi")
	wantIn(t, joined(got), text.T(text.Cancelled, nil))
	if m := o.member(o.bon.ID); m.Status != flows.Active {
		t.Fatalf("cancel changed status to %v", m.Status)
	}
}

// reportOther drives Sáu's report flow from its first question to the end,
// answering only the "other deed" question, and returns the last replies.
func (o *org) reportOther(u bot.UserID, got []bot.Reply, deed string) []bot.Reply {
	o.t.Helper()
	wantIn(o.t, joined(got), "việc tốt nào khác")
	got = o.send(u, deed)
	got = o.choose(u, got, "Không gửi ảnh")
	wantIn(o.t, joined(got), "xem lại báo cáo", deed)
	return o.tap(u, "rv:send")
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

	closed := text.T(text.MonthClosed, map[string]string{"Month": "tháng 11/2026"})
	// The report in progress cannot be sent, nor a new one started.
	got = o.reportOther(o.uSau, started, "Quét dọn đường làng")
	wantIn(t, joined(got), closed)
	wantIn(t, joined(o.send(o.uSau, "/baocao")), closed)
	wantIn(t, joined(o.send(o.uSau, "/baocao 11/2026")), closed)
	// Nor can a member who reported edit.
	wantIn(t, joined(o.send(o.uBon, "/baocao 11")), closed)
	// The group summary says so.
	wantIn(t, joined(o.sendIn(o.g1, o.uBa, "/summary")), "đã khóa sổ tháng 11/2026")

	got = o.send(o.uHai, "/dongthang")
	wantIn(t, joined(got), "đã chốt")
	got = o.choose(o.uHai, got, "Mở lại")
	got = o.choose(o.uHai, got, "Đồng ý mở lại")
	wantIn(t, joined(got), "Đã mở lại tháng 11/2026", "Đảng viên gửi và sửa được")

	got = o.reportOther(o.uSau, o.send(o.uSau, "/baocao"), "Quét dọn đường làng")
	wantIn(t, joined(got), text.T(text.ReportSaved, map[string]string{"Month": "tháng 11/2026"}))
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
	wantIn(t, joined(o.send(o.uHai, "/dongthang 1/2027")), "chưa đến")
	// "Thôi" leaves the month as it was.
	got = o.send(o.uHai, "/dongthang")
	wantIn(t, joined(o.choose(o.uHai, got, "Thôi")), text.T(text.Cancelled, nil))
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
	wantIn(t, joined(got), "tháng 11/2026", "việc tốt nào khác")
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
	wantIn(t, joined(o.press(o.uSau, c.Data)), "tháng 11/2026", "việc tốt nào khác")
	// Pressed on 10 December: too late.
	o.at(o.date(2026, 12, 10, 9))
	wantIn(t, joined(o.press(o.uSau, c.Data)), text.T(text.MonthNotOpen, map[string]any{"Month": "tháng 11/2026", "Grace": 5}))
	// The secretary cannot nudge for a month past its grace days, nor a closed one.
	wantIn(t, joined(o.send(o.uHai, "/nhacnho 11/2026")), "quá hạn báo cáo tháng 11/2026")
	o.update(func(tx flows.Tx) error {
		return tx.PutMonthState(flows.MonthState{Cell: "C01", Month: 202612, Closed: true})
	})
	wantIn(t, joined(o.send(o.uHai, "/nhacnho")), "Chi bộ đã chốt tháng 12/2026")
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
	wantIn(t, joined(got), "Báo cáo tháng 11/2026 của đồng chí Nguyễn Thị Ba", "Nêu gương báo cáo này?")
	got = o.choose(o.uHai, got, "Nêu gương")
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "Đã nêu gương báo cáo tháng 11/2026 của đồng chí Nguyễn Thị Ba")
	wantIn(t, joined(to(got, o.uBa.PrivateChat())), "Chúc mừng đồng chí Nguyễn Thị Ba", "Chi bộ thôn Đông")

	// In the secretary's summary with the deed, in the group's as a count.
	got = o.send(o.uHai, "/summary")
	wantIn(t, joined(got), "Nêu gương:\n- Nguyễn Thị Ba: Tặng gạo cho 2 hộ")
	if !slices.Contains(labels(got), "★ Nguyễn Thị Ba") {
		t.Errorf("featured report not starred: %v", labels(got))
	}
	g := joined(o.sendIn(o.g1, o.uBon, "/summary"))
	wantIn(t, g, "Việc làm được nêu gương: 1")
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
		lb = flows.RenderLeaderboardGroup(flows.Leaderboard(cur, prev), "C01", nov, cur.Deeds())
		return nil
	})
	wantIn(t, lb, "Đồng chí Nguyễn Thị Ba (Chi bộ thôn Đông): Tặng gạo cho 2 hộ")

	// The secretary can take it back.
	got = o.send(o.uHai, "/neuguong")
	got = o.choose(o.uHai, got, "★ Nguyễn Thị Ba")
	wantIn(t, joined(got), "Bỏ nêu gương báo cáo này")
	got = o.choose(o.uHai, got, "Bỏ nêu gương")
	wantIn(t, joined(got), "Đã bỏ nêu gương")
	if n := len(to(got, o.uBa.PrivateChat())); n != 0 {
		t.Errorf("member told of the removal")
	}
	wantNotIn(t, joined(o.send(o.uHai, "/summary")), "Nêu gương:")
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
		wantIn(t, joined(o.send(o.uBa, cmd)), text.T(text.NeedSecretary, nil))
	}
	// A secretary who lost the role midway is refused at the next step.
	got2 := o.send(o.uHai, "/mien")
	o.update(func(tx flows.Tx) error {
		m := o.hai
		m.Secretary = false
		return tx.PutMember(&m)
	})
	wantIn(t, joined(o.choose(o.uHai, got2, "Hoàng Văn Sáu")), text.T(text.NeedSecretary, nil))
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

// countTx counts the reads of a Tx, to check what a summary costs.
type countTx struct {
	flows.Tx
	report, reports, pledge, members int
}

func (c *countTx) Report(id flows.MemberID, m flows.Month) (flows.Report, bool, error) {
	c.report++
	return c.Tx.Report(id, m)
}

func (c *countTx) Reports(m flows.Month, fn func(flows.Report) error) error {
	c.reports++
	return c.Tx.Reports(m, fn)
}

func (c *countTx) Pledge(id flows.MemberID, y int) (flows.Pledge, bool, error) {
	c.pledge++
	return c.Tx.Pledge(id, y)
}

func (c *countTx) Members(cell string) ([]flows.Member, error) {
	c.members++
	return c.Tx.Members(cell)
}

func TestSummaryCostIgnoresHistory(t *testing.T) {
	o := newOrg(t)
	// Ten years of history for everyone.
	o.update(func(tx flows.Tx) error {
		for _, id := range []flows.MemberID{o.ba.ID, o.bon.ID, o.sau.ID, o.bay.ID, o.chin.ID} {
			for m := flows.Month(201601); m < nov; m = m.Next() {
				if err := tx.PutReport(flows.Report{Member: id, Month: m, Other: "cũ", Submitted: o.date(2016, 1, 1, 0)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	var cell flows.CellSummary
	var org flows.OrgSummary
	var ct, ot countTx
	o.view(func(tx flows.Tx) error {
		ct.Tx, ot.Tx = tx, tx
		var err error
		if cell, err = o.eng.CellSummary(&ct, "C01", nov); err != nil {
			return err
		}
		org, err = o.eng.OrgSummary(&ot, nov)
		return err
	})
	// C01 has 5 members: one report each, a pledge for the 4 active.
	if ct.report != 5 || ct.pledge != 4 || ct.reports != 0 || ct.members != 1 {
		t.Errorf("cell summary reads: %+v", ct)
	}
	if cell.Reported != 2 || cell.MustReport != 4 || cell.Exempt != 1 || cell.Pledged != 1 || cell.ItemsDone != 1 {
		t.Errorf("cell summary %+v", cell.SummaryCounts)
	}
	// The org: one range scan of November, a pledge per active member.
	if ot.report != 0 || ot.reports != 1 || ot.pledge != 7 || ot.members != 1 {
		t.Errorf("org summary reads: %+v", ot)
	}
	if org.Total.Reported != 4 || org.Total.MustReport != 7 || org.Rows[0].Cell.Code != "C02" {
		t.Errorf("org summary %+v", org.Total)
	}
	// An unknown cell.
	o.view(func(tx flows.Tx) error {
		_, err := o.eng.CellSummary(tx, "C99", nov)
		if !errors.Is(err, flows.ErrUnknownCell) {
			t.Errorf("unknown cell: %v", err)
		}
		return nil
	})
}

func TestSummaryReadShowsPhoto(t *testing.T) {
	o := newOrg(t)
	o.putReport(flows.Report{Member: o.bon.ID, Month: nov, Other: "Dọn vệ sinh nhà văn hóa", Photo: "photo-bon"})
	// Tám also uses Zalo: a Telegram file id of his is not sent to a Telegram chat blindly.
	tam := o.tam
	tam.Users = append(tam.Users, bot.UserID{Platform: bot.Zalo, ID: "z21"})
	o.update(func(tx flows.Tx) error { return tx.PutMember(&tam) })
	o.putReport(flows.Report{Member: o.tam.ID, Month: nov, Other: "Sửa đường làng", Photo: "photo-tam"})

	got := o.choose(o.uHai, o.send(o.uHai, "/summary"), "Bốn")
	if len(got) != 2 || got[1].Photo != "photo-bon" {
		t.Fatalf("want the report and its photo, got:\n%s", dump(got))
	}
	wantIn(t, got[0].Text, "Có ảnh minh chứng.")
	wantIn(t, got[1].Text, "Ảnh minh chứng của đồng chí Lê Văn Bốn, tháng 11/2026.")

	got = o.choose(o.uBay, o.send(o.uBay, "/summary"), "Tám")
	if len(got) != 1 || got[0].Photo != "" {
		t.Fatalf("want the report only, got:\n%s", dump(got))
	}
	wantIn(t, got[0].Text, "Sửa đường làng", "Có ảnh minh chứng.")
}

// benchOrg fills a store with cells × perCell members and years of monthly
// reports for each, and returns it with the month to summarise.
func benchOrg(b *testing.B, cells, perCell, years int) (*harness, flows.Month) {
	b.Helper()
	h := newHarness(b, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	ctx := b.Context()
	cur := flows.Month(202611)
	err := h.db.Update(ctx, func(tx flows.Tx) error {
		for c := range cells {
			code := fmt.Sprintf("C%02d", c)
			if err := tx.PutCell(flows.Cell{Code: code, Name: "Chi bộ " + code}); err != nil {
				return err
			}
			for i := range perCell {
				m := flows.Member{Name: fmt.Sprintf("Nguyễn Văn %d", i), Cell: code, Users: []bot.UserID{tg(fmt.Sprint(c*1000 + i + 1))}}
				if err := tx.PutMember(&m); err != nil {
					return err
				}
				if err := tx.PutPledge(flows.Pledge{Member: m.ID, Year: 2026, Status: flows.PledgeApproved, Items: []flows.PledgeItem{{No: 1, Text: "Việc"}}}); err != nil {
					return err
				}
				for mo := cur; mo > cur-flows.Month(years*100); mo = mo.Prev() {
					if i%3 == 0 && mo == cur {
						continue
					}
					if err := tx.PutReport(flows.Report{Member: m.ID, Month: mo, Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "Đã làm"}}, Submitted: time.Now()}); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return h, cur
}

// BenchmarkOrgSummary summarises an organisation of 16 cells of 50 members
// with 10 years of monthly reports each; the cost must be that of one
// month's reports.
func BenchmarkOrgSummary(b *testing.B) {
	for _, years := range []int{1, 10} {
		b.Run(fmt.Sprintf("years=%d", years), func(b *testing.B) {
			h, m := benchOrg(b, 16, 50, years)
			b.ResetTimer()
			for b.Loop() {
				err := h.db.View(b.Context(), func(tx flows.Tx) error {
					o, err := h.eng.OrgSummary(tx, m)
					if err == nil && o.Total.MustReport != 800 {
						err = fmt.Errorf("must report %d", o.Total.MustReport)
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/800, "µs/member")
		})
	}
}

// BenchmarkCellSummary summarises one cell of 50 members with 10 years of
// reports.
func BenchmarkCellSummary(b *testing.B) {
	h, m := benchOrg(b, 4, 50, 10)
	b.ResetTimer()
	for b.Loop() {
		err := h.db.View(b.Context(), func(tx flows.Tx) error {
			_, err := h.eng.CellSummary(tx, "C01", m)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
