package flows_test

import (
	"slices"
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// TestUnknownCommandNear: an unknown command a letter or two off one the
// sender may use here is answered with that command and its description;
// otherwise with the plain refusal.
func TestUnknownCommandNear(t *testing.T) {
	o := newOrg(t)
	plain := func(cmd string) string { return flows.T(text.UnknownCommand, map[string]string{"Cmd": cmd}) }
	tests := []struct {
		who   bot.UserID
		group bool
		typed string
		want  string // the command suggested; "" for none
	}{
		{o.uSau, false, "/dangki", "dangky"},
		{o.uSau, false, "/đăngki", "dangky"},
		{o.uSau, false, "/baocao1", "baocao"},
		{o.uSau, false, "/sumary", "summary"},
		{o.uSau, false, "/tamhoang 30/12", "tamhoan"},
		{o.uSau, false, "/duyett", ""}, // a secretary's command: not for Sáu
		{o.uHai, false, "/duyett", "duyet"},
		{o.uSau, false, "/joim", ""}, // Sáu is connected: /join is not for him
		{o.uStranger, false, "/joim", "join"},
		{o.uStranger, false, "/dangki", ""}, // a member's command
		{o.uSau, true, "/sumary", "summary"},
		{o.uSau, true, "/dangki", ""}, // private only
		{o.uSau, false, "/xyz", ""},
	}
	for _, tc := range tests {
		var got []bot.Reply
		if tc.group {
			got = o.sendIn(o.g1, tc.who, tc.typed)
		} else {
			got = o.send(tc.who, tc.typed)
		}
		for _, r := range got {
			if tc.group && tc.want == "" && r.Chat != tc.who.PrivateChat() {
				t.Errorf("%s by %s in the group: a reply to %v, want only their private chat", tc.typed, tc.who, r.Chat)
			}
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(tc.typed, "/"), " ")
		switch all := joined(got); {
		case tc.want == "" && !tc.group && all != plain(name)+"\n":
			t.Errorf("%s by %s: %q, want the plain refusal", tc.typed, tc.who, all)
		case tc.want == "" && tc.group && all != flows.T(text.GroupRefusal, map[string]any{"Cell": "Chi bộ thôn Đông", "Text": plain(name)})+"\n":
			t.Errorf("%s by %s in the group: %q, want the plain refusal privately", tc.typed, tc.who, all)
		case tc.want != "":
			wantIn(t, all, "Không có lệnh /"+name+". Có phải đồng chí muốn gõ /"+tc.want+"?", "\n/"+tc.want+" — ")
		}
	}
}

// TestCommandsWithDiacritics: a command typed with diacritics, in any
// case, or in two words, does what the command does.
func TestCommandsWithDiacritics(t *testing.T) {
	for _, typed := range []string{"/báocáo", "/BÁOCÁO", "/Báo Cáo", "/baocao@lamtheo_test_bot"} {
		want := joined(newOrg(t).send(tg("14"), "/baocao"))
		if got := joined(newOrg(t).send(tg("14"), typed)); got != want {
			t.Errorf("%s: %q, want what /baocao says: %q", typed, got, want)
		}
	}
	o := newOrg(t)
	wantIn(t, joined(o.send(o.uSau, "/tạmhoãn 30/12")), "đến hết ngày 30/12/2026", "lý do")
	wantIn(t, joined(o.sendIn(o.g1, o.uSau, "/tổnghợp")), "tháng 11/2026")
}

// labelsOf returns the labels of the choices of the last reply offering
// some.
func labelsOf(replies []bot.Reply) []string {
	for i := len(replies) - 1; i >= 0; i-- {
		if l := labels(replies[i : i+1]); len(l) > 0 {
			return l
		}
	}
	return nil
}

// hintOf returns the hint of the last reply offering choices.
func hintOf(replies []bot.Reply) string {
	for i := len(replies) - 1; i >= 0; i-- {
		if len(replies[i].Flat()) > 0 {
			return replies[i].Hint
		}
	}
	return ""
}

// TestReportEditKeepIsOne: changing a report sent before, «Giữ như cũ» is
// choice 1 at every step, so that answering 1 throughout sends the report
// unchanged; the choices are picked by their words too.
func TestReportEditKeepIsOne(t *testing.T) {
	o := newOrg(t)
	var before flows.Report
	o.view(func(tx flows.Tx) (err error) { before, _, err = tx.Report(o.ba.ID, nov); return err })

	got := o.send(o.uBa, "/baocao")
	if l := labelsOf(got); l[0] != flows.T(text.ReportKeep, nil) {
		t.Fatalf("keeping the report sent is not choice 1: %q", l)
	}
	got = o.send(o.uBa, "sửa") // «✏️ Sửa báo cáo», by its first word
	keep := flows.T(text.KeepAsIs, nil)
	steps := []struct {
		ask   string   // in the question
		first string   // choice 1
		open  bool     // the question takes typed text
		hint  []string // in the hint
	}{
		{"Việc 1/2", keep, false, []string{"từ 1 đến 4"}},
		{"Đã ghi: Tặng gạo cho 2 hộ", keep, true, []string{"gõ câu trả lời", "từ 1 đến 2"}},
		{"Việc 2/2", keep, false, []string{"từ 1 đến 4"}},
		{"Đồng chí đã làm gì?", "Bỏ qua", true, []string{"gõ câu trả lời; hoặc gõ 1 để chọn «Bỏ qua»"}},
		{"việc tốt nào khác", "Không có", true, []string{"gõ 1 để chọn «Không có»"}},
		{"ảnh", "Không gửi ảnh", false, []string{"gõ 1 để chọn mục ở trên"}},
	}
	for _, st := range steps {
		wantIn(t, joined(got), st.ask)
		if l := labelsOf(got); len(l) == 0 || l[0] != st.first {
			t.Fatalf("at %q choice 1 is not %q: %q", st.ask, st.first, l)
		}
		wantIn(t, hintOf(got), st.hint...)
		got = o.send(o.uBa, "1")
	}
	wantIn(t, joined(got), "xem lại báo cáo")
	got = o.send(o.uBa, "gửi") // «📨 Gửi báo cáo»
	wantIn(t, joined(got), "Đã cập nhật báo cáo")
	var after flows.Report
	o.view(func(tx flows.Tx) (err error) { after, _, err = tx.Report(o.ba.ID, nov); return err })
	if !slices.Equal(after.Entries, before.Entries) || after.Other != before.Other || after.Photo != before.Photo {
		t.Errorf("answering 1 throughout changed the report: %+v, was %+v", after, before)
	}
}

// TestReportTypedStatus: a status typed in words picks it; a word that
// names no choice is refused.
func TestReportTypedStatus(t *testing.T) {
	o := newOrg(t)
	o.putPledge(flows.Pledge{Member: o.sau.ID, Year: 2026, Status: flows.PledgeApproved, NextNo: 3, Items: []flows.PledgeItem{
		{No: 1, Text: "Giúp đỡ hộ nghèo", Category: "cm1"}, {No: 2, Text: "Trồng cây", Category: "cm1"}}})
	o.send(o.uSau, "/baocao")
	wantIn(t, joined(o.send(o.uSau, "ĐÃ LÀM")), "Đồng chí đã làm gì?")
	wantIn(t, joined(o.send(o.uSau, "Tặng gạo")), "Việc 2/2")
	wantIn(t, joined(o.send(o.uSau, "đa")), flows.T(text.ChooseAbove, nil)) // too short to guess
	wantIn(t, joined(o.send(o.uSau, "chưa")), "việc tốt nào khác")
	wantIn(t, joined(o.send(o.uSau, "không có")), "ảnh")
}

// TestPledgeEditKeepIsOne: changing a pledge item, «Giữ như cũ» is choice 1
// at the text, category and target steps, so that 1, 1, 1 keeps the item
// as it was (a category no longer configured too).
func TestPledgeEditKeepIsOne(t *testing.T) {
	o := newOrg(t)
	item := flows.PledgeItem{No: 1, Text: "Giúp đỡ hộ nghèo", Category: "trach-nhiem", Target: "mỗi tháng 1 lần"}
	o.putPledge(flows.Pledge{Member: o.sau.ID, Year: 2026, NextNo: 2, Items: []flows.PledgeItem{item}})
	o.send(o.uSau, "/dangky")
	o.send(o.uSau, "sửa việc")
	got := o.send(o.uSau, "1") // item 1
	keep := flows.T(text.KeepAsIs, nil)
	for _, ask := range []string{"Việc số 1 hiện là", "thuộc chuẩn mực nào", "Đã ghi: mỗi tháng 1 lần"} {
		wantIn(t, joined(got), ask)
		if l := labelsOf(got); len(l) == 0 || l[0] != keep {
			t.Fatalf("at %q choice 1 is not %q: %q", ask, keep, l)
		}
		got = o.send(o.uSau, "1")
	}
	wantIn(t, joined(got), "Đã ghi việc vào bản đăng ký")
	var p flows.Pledge
	o.view(func(tx flows.Tx) (err error) { p, _, err = tx.Pledge(o.sau.ID, 2026); return err })
	if len(p.Items) != 1 || p.Items[0] != item {
		t.Errorf("1, 1, 1 changed the item: %+v, was %+v", p.Items, item)
	}
}

// TestOpenQuestionNumbers: a question that takes typed text says so under
// it, and a number that is none of its choices is refused as such (not
// «từ 1 đến 1»); its choice is picked by number or words.
func TestOpenQuestionNumbers(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uSau, "/dangky")
	if h := hintOf(got); h != "(Đồng chí gõ câu trả lời; hoặc gõ 1 để chọn «Quay lại».)" {
		t.Errorf("hint under the deed's question: %q", h)
	}
	o.send(o.uSau, "Dọn vệ sinh đường làng")
	got = o.send(o.uSau, "1") // the category
	if h := hintOf(got); h != "(Đồng chí gõ câu trả lời; hoặc gõ 1 để chọn «Không có chỉ tiêu».)" {
		t.Errorf("hint under the target's question: %q", h)
	}
	got = o.send(o.uSau, "2")
	if want := "Không có mục số 2. Đồng chí gõ câu trả lời, hoặc gõ 1 để chọn «Không có chỉ tiêu». Gõ /huy để thôi.\n"; joined(got) != want {
		t.Errorf("2 at the target: %q, want %q", joined(got), want)
	}
	got = o.send(o.uSau, "không")
	wantIn(t, joined(got), "Đã ghi việc vào bản đăng ký")
	var p flows.Pledge
	o.view(func(tx flows.Tx) (err error) { p, _, err = tx.Pledge(o.sau.ID, 2026); return err })
	if len(p.Items) != 1 || p.Items[0].Target != "" {
		t.Errorf("items %+v, want one without a target", p.Items)
	}
}

// TestNoticeAnswers: a number or the words of a notice's button press it
// when no question waits; a question with choices shown after the notice
// takes its place, even once its conversation ended.
func TestNoticeAnswers(t *testing.T) {
	for _, typed := range []string{"1", "xem và duyệt", "Xem"} {
		o := newOrg(t)
		o.putPledge(flows.Pledge{Member: o.sau.ID, Year: 2026, NextNo: 2, Items: []flows.PledgeItem{{No: 1, Text: "Giúp đỡ hộ nghèo", Category: "cm1"}}})
		o.send(o.uSau, "/dangky")
		o.send(o.uSau, "gửi bí thư duyệt")
		wantIn(t, joined(to(o.send(o.uSau, "gửi"), o.uHai.PrivateChat())), "chờ đồng chí duyệt")
		wantIn(t, joined(o.send(o.uHai, typed)), "Bản đăng ký năm 2026 của đồng chí Hoàng Văn Sáu", "duyệt hay trả lại")

		o.send(o.uHai, "/huy")
		o.send(o.uHai, "/mien") // a question with choices, after the notice
		o.send(o.uHai, "/huy")
		if got := joined(o.send(o.uHai, typed)); got != flows.T(text.NotUnderstood, nil)+"\n" {
			t.Errorf("%q after a later question: %q, want «not understood»", typed, got)
		}
	}
}

// TestYesNoWords: at a confirmation whose yes is harmless or undone later
// (granting a secretary's rights) «vâng» confirms; at closing a month a
// yes word is refused and the month stays open, the choice's own words or
// number close it, and «không» cancels. The marks never show.
func TestYesNoWords(t *testing.T) {
	o := newOrg(t)
	o.send(o.admin, "/bithu")
	o.send(o.admin, "Chi bộ thôn Đông")
	got := o.send(o.admin, "Lê Văn Bốn")
	for _, l := range labelsOf(got) {
		if strings.ContainsAny(l, "\x01\x02") {
			t.Errorf("a mark shows in the label %q", l)
		}
	}
	if hint := hintOf(got); strings.ContainsAny(hint, "\x01\x02") {
		t.Errorf("a mark shows in the hint %q", hint)
	}
	wantIn(t, joined(o.send(o.admin, "Vâng ạ")), "Đã cấp quyền bí thư")

	o.at(o.date(2026, 12, 6, 9))
	o.send(o.uHai, "/dongthang 11")
	wantIn(t, joined(o.send(o.uHai, "chốt tháng")), "Chốt tháng 11/2026 của Chi bộ thôn Đông?")
	for _, yes := range []string{"có", "vâng", "ok"} {
		wantIn(t, joined(o.send(o.uHai, yes)), flows.T(text.ChooseAbove, nil))
	}
	wantIn(t, joined(o.send(o.uHai, "không")), flows.T(text.Cancelled, nil))
	o.view(func(tx flows.Tx) error {
		st, err := tx.MonthState("C01", nov)
		if st.Closed {
			t.Error("a yes word closed the month")
		}
		return err
	})
	o.send(o.uHai, "/dongthang 11")
	o.send(o.uHai, "chốt tháng")
	wantNotIn(t, joined(o.send(o.uHai, "đồng ý chốt")), flows.T(text.ChooseAbove, nil))
	o.view(func(tx flows.Tx) error {
		st, err := tx.MonthState("C01", nov)
		if !st.Closed {
			t.Error("the choice's own words did not close the month")
		}
		return err
	})
}
