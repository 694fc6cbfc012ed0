package flows_test

import (
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
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

// reportOther drives Sáu's report flow from its first question to the end,
// answering only the "other deed" question, and returns the last replies.
func (o *org) reportOther(u bot.UserID, got []bot.Reply, deed string) []bot.Reply {
	o.t.Helper()
	wantIn(o.t, joined(got), "đã làm được việc tốt nào")
	got = o.send(u, deed)
	got = o.choose(u, got, "Không gửi ảnh")
	wantIn(o.t, joined(got), "xem lại báo cáo", deed)
	return o.tap(u, "rv:send")
}
