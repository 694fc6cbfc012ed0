package flows_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// quickEnv is one cell with a secretary and a member whose 2026 pledge has
// items 1, 2 and 4 (item 3 was removed), on the shared harness.
type quickEnv struct {
	*harness
	sec, mem   bot.UserID
	secM, memM flows.Member
}

func newQuickEnv(t *testing.T, now time.Time) *quickEnv {
	t.Helper()
	h := newHarness(t, now)
	h.addCell("C01", "Chi bộ Một", tgGroup("-1001"))
	env := &quickEnv{harness: h, sec: tg("2"), mem: tg("4")}
	env.secM = h.addMember(flows.Member{Name: "Trần Văn Hai", Cell: "C01", Secretary: true, Users: []bot.UserID{env.sec}})
	env.memM = h.addMember(flows.Member{Name: "Phạm Văn Bốn", Cell: "C01", Users: []bot.UserID{env.mem}})
	h.putPledge(flows.Pledge{Member: env.memM.ID, Year: 2026, Status: flows.PledgeApproved, NextNo: 5, Items: []flows.PledgeItem{
		{No: 1, Text: "Dọn vệ sinh đường làng", Category: "cm1"},
		{No: 2, Text: "Giúp đỡ hộ nghèo", Category: "cm1"},
		{No: 4, Text: "Đọc sách về Bác", Category: "cm1"},
	}})
	return env
}

// report returns the member's stored report of m, if any.
func (env *quickEnv) report(m flows.Month) (flows.Report, bool) {
	env.t.Helper()
	var rep flows.Report
	var ok bool
	env.view(func(tx flows.Tx) error {
		var err error
		rep, ok, err = tx.Report(env.memM.ID, m)
		return err
	})
	return rep, ok
}

// one fails the test unless replies is one message, and returns it.
func one(t *testing.T, replies []bot.Reply) bot.Reply {
	t.Helper()
	if len(replies) != 1 {
		t.Fatalf("got %d messages, want 1:\n%s", len(replies), dump(replies))
	}
	return replies[0]
}

// TestQuickReportLikeGuided: a month reported in one message is one
// question and one answer, and stores what the guided report stores for
// the same answers; the secretary reads the same.
func TestQuickReportLikeGuided(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t))

	guided := newQuickEnv(t, now)
	u := guided.mem
	guided.send(u, "/baocao")
	guided.tap(u, "st:2")
	guided.send(u, "Dọn đường làng 2 buổi")
	guided.tap(u, "st:1")
	guided.tap(u, "w:skip")
	guided.tap(u, "st:0")
	guided.send(u, "Thăm hỏi gia đình chính sách")
	guided.tap(u, "ph:skip")
	wantSaved := guided.tap(u, "rv:send")

	quick := newQuickEnv(t, now)
	got := one(t, quick.send(u, "/baocao 1 xong: Dọn đường làng 2 buổi; 2 đang làm; khác: Thăm hỏi gia đình chính sách"))
	wantIn(t, got.Text, "Báo cáo tháng 11/2026",
		"1. Dọn vệ sinh đường làng: đã làm — Dọn đường làng 2 buổi",
		"2. Giúp đỡ hộ nghèo: đang làm",
		"4. Đọc sách về Bác: chưa làm",
		"- Thăm hỏi gia đình chính sách",
		"không ghi trong tin nhắn thì tính là chưa làm")
	if l := labels([]bot.Reply{got}); !reflect.DeepEqual(l, []string{"📨 Gửi báo cáo", "✏️ Sửa từng mục", "Thôi"}) {
		t.Errorf("choices %q", l)
	}
	if _, ok := quick.report(202611); ok {
		t.Fatal("stored before the member confirmed")
	}
	saved := one(t, quick.choose(u, []bot.Reply{got}, "Gửi báo cáo"))
	if saved.Text != wantSaved[0].Text || saved.Text != flows.T(text.ReportSaved, map[string]any{"Month": "tháng 11/2026"}) {
		t.Errorf("saved %q, the guided report says %q", saved.Text, wantSaved[0].Text)
	}

	want, ok1 := guided.report(202611)
	have, ok2 := quick.report(202611)
	if !ok1 || !ok2 || !reflect.DeepEqual(have, want) {
		t.Fatalf("one message stored\n %+v\nthe guided report\n %+v", have, want)
	}
	if len(have.Entries) != 3 || have.Submitted.IsZero() {
		t.Errorf("stored %+v: want an entry per item and the sending time", have)
	}
	// The secretary's list and the member's report read the same.
	for _, steps := range [][]string{{"/summary"}, {"/summary", "1"}} {
		var a, b []bot.Reply
		for _, s := range steps {
			a, b = guided.send(guided.sec, s), quick.send(quick.sec, s)
		}
		if joined(a) != joined(b) {
			t.Errorf("secretary after %q:\n%s\nvs the guided report:\n%s", steps, joined(b), joined(a))
		}
	}
}

// TestQuickReportEditsExisting: items not in the message keep what the
// report already sent says, a status without a text keeps its text, and
// "khác: không" drops the other deed; the photo and the secretary's
// featuring stay.
func TestQuickReportEditsExisting(t *testing.T) {
	env := newQuickEnv(t, time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t)))
	env.putReport(flows.Report{Member: env.memM.ID, Month: 202611, Other: "Hiến máu", Photo: "ph1", Exemplary: true,
		Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "Dọn đường"}, {Item: 2, Status: flows.Doing, Text: "Tặng gạo"}, {Item: 4, Status: flows.NotYet}}})
	env.at(env.now.Add(time.Hour))
	got := one(t, env.send(env.mem, "/baocao 2 xong; 4 đang: đọc «Búp sen xanh»; khác: không"))
	wantIn(t, got.Text,
		"1. Dọn vệ sinh đường làng: đã làm — Dọn đường",
		"2. Giúp đỡ hộ nghèo: đã làm — Tặng gạo",
		"4. Đọc sách về Bác: đang làm — đọc «Búp sen xanh»",
		"Có ảnh minh chứng.",
		"không ghi trong tin nhắn thì giữ như báo cáo đã gửi")
	wantNotIn(t, got.Text, "Hiến máu")
	saved := one(t, env.choose(env.mem, []bot.Reply{got}, "Gửi báo cáo"))
	if want := flows.T(text.ReportUpdated, map[string]any{"Month": "tháng 11/2026"}); saved.Text != want {
		t.Errorf("saved %q, want %q", saved.Text, want)
	}
	rep, _ := env.report(202611)
	if !rep.Submitted.Equal(env.now) {
		t.Errorf("sent at %v, want %v", rep.Submitted, env.now)
	}
	want := flows.Report{Member: env.memM.ID, Month: 202611, Photo: "ph1", Exemplary: true, Submitted: rep.Submitted,
		Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "Dọn đường"}, {Item: 2, Status: flows.Done, Text: "Tặng gạo"}, {Item: 4, Status: flows.Doing, Text: "đọc «Búp sen xanh»"}}}
	if !reflect.DeepEqual(rep, want) {
		t.Errorf("stored\n %+v\nwant\n %+v", rep, want)
	}
}

// TestQuickReportGraceDays: while last month is still open, a report in one
// message without a month asks which month first, keeping the report; with
// a leading month it does not ask.
func TestQuickReportGraceDays(t *testing.T) {
	env := newQuickEnv(t, time.Date(2026, 12, 3, 9, 0, 0, 0, vnZone(t)))
	ask := one(t, env.send(env.mem, "/baocao 1 xong: Dọn đường; 2 chưa"))
	wantIn(t, ask.Text, "tháng nào")
	if l := labels([]bot.Reply{ask}); !reflect.DeepEqual(l, []string{"tháng 11/2026", "tháng 12/2026"}) {
		t.Fatalf("choices %q", l)
	}
	got := one(t, env.choose(env.mem, []bot.Reply{ask}, "tháng 11/2026"))
	wantIn(t, got.Text, "Báo cáo tháng 11/2026", "1. Dọn vệ sinh đường làng: đã làm — Dọn đường", "2. Giúp đỡ hộ nghèo: chưa làm")
	env.choose(env.mem, []bot.Reply{got}, "Gửi báo cáo")
	if rep, ok := env.report(202611); !ok || rep.Entries[0] != (flows.Entry{Item: 1, Status: flows.Done, Text: "Dọn đường"}) {
		t.Errorf("November: %+v, %v", rep, ok)
	}
	if _, ok := env.report(202612); ok {
		t.Error("December stored too")
	}

	got = one(t, env.send(env.mem, "/baocao tháng 12: 4 xong"))
	wantIn(t, got.Text, "Báo cáo tháng 12/2026", "4. Đọc sách về Bác: đã làm")
	env.choose(env.mem, []bot.Reply{got}, "Gửi báo cáo")
	if _, ok := env.report(202612); !ok {
		t.Error("December not stored")
	}
}

// TestQuickReportNewYearGrace: in early January the member picks the new
// year, for which there is no pledge yet: the items are refused and the
// conversation ends.
func TestQuickReportNewYearGrace(t *testing.T) {
	env := newQuickEnv(t, time.Date(2027, 1, 2, 9, 0, 0, 0, vnZone(t)))
	ask := one(t, env.send(env.mem, "/baocao 1 xong"))
	got := one(t, env.choose(env.mem, []bot.Reply{ask}, "tháng 1/2027"))
	if want := flows.T(text.QuickNoPledge, map[string]any{"Year": 2027, "Segment": "1 xong"}); got.Text != want {
		t.Errorf("got %q, want %q", got.Text, want)
	}
	if got := one(t, env.send(env.mem, "1")); got.Text != flows.T(text.NotUnderstood, nil) {
		t.Errorf("the conversation goes on: %q", got.Text)
	}
	ask = one(t, env.send(env.mem, "/baocao 1 xong"))
	got = one(t, env.choose(env.mem, []bot.Reply{ask}, "tháng 12/2026"))
	wantIn(t, got.Text, "Báo cáo tháng 12/2026", "1. Dọn vệ sinh đường làng: đã làm")
}

// TestQuickReportRefusals: what the member reads for a bad report in one
// message; nothing is stored and no conversation is left open.
func TestQuickReportRefusals(t *testing.T) {
	example := flows.T(text.QuickExample, nil)
	tests := []struct {
		name, line string
		want       string
	}{
		{"item not in the pledge", "/baocao 1 xong; 3 chưa",
			"Bản đăng ký năm 2026 của đồng chí không có việc số 3 (phần «3 chưa»). Các việc đã đăng ký: số 1, 2, 4."},
		{"no status", "/baocao 1 dọn đường",
			"Ở phần «1 dọn đường», bot chưa rõ việc số 1 đã làm chưa. Đồng chí ghi «xong», «đang làm» hoặc «chưa» ngay sau số thứ tự.\n" + example},
		{"not an item", "/baocao 1 xong; nhặt rác",
			"Bot chưa hiểu phần «nhặt rác». Đồng chí ghi mỗi việc bắt đầu bằng số thứ tự của việc trong bản đăng ký; việc tốt ngoài bản đăng ký thì bắt đầu bằng «khác:».\n" + example},
		{"twice", "/baocao 1 xong; 1 chưa",
			"Việc số 1 được ghi hai lần (lần sau ở phần «1 chưa»). Xin đồng chí ghi mỗi việc một lần.\n" + example},
		{"too long", "/baocao 2 xong: " + strings.Repeat("x", 301),
			"Phần «2 xong: " + strings.Repeat("x", 52) + "…» dài quá (301 ký tự). Xin đồng chí viết gọn lại, mỗi việc không quá 300 ký tự."},
		{"bad leading month", "/baocao tháng mười: 1 xong",
			"Bot không hiểu «tháng mười» là tháng nào. Đồng chí gõ tháng, ví dụ: 11 hoặc 11/2026."},
		{"future leading month", "/baocao tháng 1/2027: 1 xong", "Chưa đến tháng 1/2027, chưa báo cáo được."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newQuickEnv(t, time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t)))
			if got := one(t, env.send(env.mem, tc.line)); got.Text != tc.want || len(got.Choices) != 0 {
				t.Errorf("got %q\nwant %q", got.Text, tc.want)
			}
			if got := one(t, env.send(env.mem, "1")); got.Text != flows.T(text.NotUnderstood, nil) {
				t.Errorf("a conversation was left open: %q", got.Text)
			}
			if _, ok := env.report(202611); ok {
				t.Error("a report was stored")
			}
		})
	}
}

// TestQuickReportRefusalKeepsGuidedReport: a bad report in one message sent
// in the middle of the guided report leaves the guided report where it was.
func TestQuickReportRefusalKeepsGuidedReport(t *testing.T) {
	env := newQuickEnv(t, time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t)))
	env.send(env.mem, "/baocao")
	env.send(env.mem, "/baocao 9 xong")
	wantIn(t, joined(env.tap(env.mem, "st:2")), "Đồng chí đã làm gì?")
}

// TestQuickReportNoPledge: a member without a pledge reports the other
// deed in one message, stored as the guided report stores it; item numbers
// and an empty report are refused.
func TestQuickReportNoPledge(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t))
	guided, quick := newQuickEnv(t, now), newQuickEnv(t, now)
	s := guided.sec // the secretary has no pledge
	guided.send(s, "/baocao")
	guided.send(s, "Vận động bà con làm đường")
	guided.tap(s, "ph:skip")
	guided.tap(s, "rv:send")

	got := one(t, quick.send(s, "/baocao 1 xong"))
	if want := flows.T(text.QuickNoPledge, map[string]any{"Year": 2026, "Segment": "1 xong"}); got.Text != want {
		t.Errorf("item without a pledge: %q, want %q", got.Text, want)
	}
	got = one(t, quick.send(s, "/baocao khác: không"))
	if want := flows.T(text.QuickEmpty, map[string]any{"Example": flows.T(text.QuickExample, nil)}); got.Text != want {
		t.Errorf("nothing to report: %q, want %q", got.Text, want)
	}
	got = one(t, quick.send(s, "/baocao việc khác: Vận động bà con làm đường"))
	wantIn(t, got.Text, "Việc làm khác:\n- Vận động bà con làm đường")
	wantNotIn(t, got.Text, "không ghi trong tin nhắn")
	quick.choose(s, []bot.Reply{got}, "Gửi báo cáo")

	var a, b flows.Report
	guided.view(func(tx flows.Tx) error { a, _, _ = tx.Report(guided.secM.ID, 202611); return nil })
	quick.view(func(tx flows.Tx) error { b, _, _ = tx.Report(quick.secM.ID, 202611); return nil })
	if a.Other == "" || !reflect.DeepEqual(a, b) {
		t.Errorf("one message stored\n %+v\nthe guided report\n %+v", b, a)
	}
}

// TestQuickReportEditItemByItem: «Sửa từng mục» goes through the guided
// report with the message's answers as what was already said.
func TestQuickReportEditItemByItem(t *testing.T) {
	env := newQuickEnv(t, time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t)))
	u := env.mem
	got := one(t, env.send(u, "/baocao 1 xong: Dọn đường; khác: Hiến máu"))
	q := one(t, env.choose(u, []bot.Reply{got}, "Sửa từng mục"))
	wantIn(t, q.Text, "Việc 1/3: Dọn vệ sinh đường làng", "Đã báo: Đã làm — Dọn đường")
	env.tap(u, "st:2")
	env.tap(u, "w:keep")
	q = one(t, env.tap(u, "st:1"))
	wantIn(t, q.Text, "Đồng chí đã làm gì?")
	env.send(u, "Tặng gạo")
	q = one(t, env.tap(u, "st:0")) // item 4
	wantIn(t, q.Text, "Đã ghi: Hiến máu")
	env.tap(u, "o:keep")
	env.tap(u, "ph:skip")
	env.tap(u, "rv:send")
	rep, _ := env.report(202611)
	want := []flows.Entry{{Item: 1, Status: flows.Done, Text: "Dọn đường"}, {Item: 2, Status: flows.Doing, Text: "Tặng gạo"}, {Item: 4, Status: flows.NotYet}}
	if !reflect.DeepEqual(rep.Entries, want) || rep.Other != "Hiến máu" {
		t.Errorf("stored %+v", rep)
	}
}

// TestQuickReportCancel: «Thôi» stores nothing and ends the conversation.
func TestQuickReportCancel(t *testing.T) {
	env := newQuickEnv(t, time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t)))
	got := one(t, env.send(env.mem, "/baocao 1 xong"))
	if typed := one(t, env.send(env.mem, "gửi đi")); typed.Text != flows.T(text.ChooseAbove, nil) {
		t.Errorf("text at the confirmation: %q", typed.Text)
	}
	bye := one(t, env.choose(env.mem, []bot.Reply{got}, "Thôi"))
	if want := flows.T(text.ReportNotSent, map[string]any{"Month": "tháng 11/2026"}); bye.Text != want {
		t.Errorf("got %q, want %q", bye.Text, want)
	}
	if _, ok := env.report(202611); ok {
		t.Error("a report was stored")
	}
	if got := one(t, env.send(env.mem, "1")); got.Text != flows.T(text.NotUnderstood, nil) {
		t.Errorf("the conversation goes on: %q", got.Text)
	}
}

// TestQuickReportCancelCorrection: «Thôi» on a correction of a report
// sent before says that report stands, and keeps it.
func TestQuickReportCancelCorrection(t *testing.T) {
	env := newQuickEnv(t, time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t)))
	env.choose(env.mem, env.send(env.mem, "/baocao 1 xong"), "Gửi báo cáo")
	sent, ok := env.report(202611)
	if !ok {
		t.Fatal("no report stored")
	}
	got := one(t, env.send(env.mem, "/baocao 2 xong"))
	bye := one(t, env.choose(env.mem, []bot.Reply{got}, "Thôi"))
	if want := flows.T(text.ReportEditDropped, map[string]any{"Month": "tháng 11/2026"}); bye.Text != want {
		t.Errorf("got %q, want %q", bye.Text, want)
	}
	if rep, _ := env.report(202611); !reflect.DeepEqual(rep, sent) {
		t.Errorf("the report sent before changed:\n %+v\nwas\n %+v", rep, sent)
	}
}

// TestQuickReportMemberLeaves: a member moved to another cell before
// confirming is told so, and nothing is stored.
func TestQuickReportMemberLeaves(t *testing.T) {
	env := newQuickEnv(t, time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t)))
	got := one(t, env.send(env.mem, "/baocao 1 xong"))
	m := env.member(env.memM.ID)
	m.Cell = "C02"
	env.update(func(tx flows.Tx) error { return tx.PutMember(&m) })
	if bye := one(t, env.choose(env.mem, []bot.Reply{got}, "Gửi báo cáo")); bye.Text != flows.T(text.MemberLeftCell, nil) {
		t.Errorf("got %q", bye.Text)
	}
	if _, ok := env.report(202611); ok {
		t.Error("a report was stored")
	}
}

// TestQuickReportForms: /baocao ? explains the format; a report may start
// on the line after the command; a month alone still opens the guided
// report.
func TestQuickReportForms(t *testing.T) {
	env := newQuickEnv(t, time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t)))
	if got := one(t, env.send(env.mem, "/baocao ?")); got.Text != flows.T(text.QuickHelp, nil) {
		t.Errorf("/baocao ?: %q", got.Text)
	}
	got := one(t, env.send(env.mem, "/baocao\n1 xong: Dọn đường\n2 dang lam\nkhac: Hiến máu"))
	wantIn(t, got.Text, "1. Dọn vệ sinh đường làng: đã làm — Dọn đường", "2. Giúp đỡ hộ nghèo: đang làm", "- Hiến máu")
	for _, line := range []string{"/baocao", "/baocao 11", "/baocao tháng 11/2026", "/baocao tháng này", "/baocao 202611"} {
		got := env.send(env.mem, line)
		if len(got) != 2 || got[0].Text != flows.T(text.ReportIntro, map[string]any{"Month": "tháng 11/2026", "N": 3}) {
			t.Errorf("%s:\n%s", line, dump(got))
		}
	}
}
