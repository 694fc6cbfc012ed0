package flows_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// say sends a text as role in private and returns the replies' texts.
func (env *accessEnv) say(t *testing.T, role, line string) []string {
	t.Helper()
	var out []string
	for _, r := range env.send(t, role, false, bot.Message{Kind: bot.KindText, Text: line}) {
		out = append(out, r.Text)
	}
	return out
}

func lastOf(t *testing.T, texts []string) string {
	t.Helper()
	if len(texts) == 0 {
		t.Fatal("no reply")
	}
	return texts[len(texts)-1]
}

// TestReportMemberLeavesMidFlow: a member whose cell changes while a report
// is open is told so at the next answer, and nothing is stored.
func TestReportMemberLeavesMidFlow(t *testing.T) {
	env := newAccessEnv(t)
	env.say(t, "member", "/baocao")
	ctx := context.Background()
	err := env.db.Update(ctx, func(tx flows.Tx) error {
		m, _, err := tx.MemberOf(env.users["member"])
		if err != nil {
			return err
		}
		m.Cell = "C02"
		return tx.PutMember(&m)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := lastOf(t, env.say(t, "member", "Nhặt rác")), flows.T(text.MemberLeftCell, nil); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	env.db.View(ctx, func(tx flows.Tx) error {
		m, _, _ := tx.MemberOf(env.users["member"])
		if _, ok, _ := tx.Report(m.ID, 202611); ok {
			t.Error("a report was stored for a member who left mid-flow")
		}
		return nil
	})
}

// TestEmptyAndLongPledgeItem: an item of spaces or longer than a phone
// screen is refused and the question stays open.
func TestEmptyAndLongPledgeItem(t *testing.T) {
	env := newAccessEnv(t)
	env.say(t, "member", "/dangky")
	if got, want := lastOf(t, env.say(t, "member", "   ")), flows.T(text.EmptyInput, nil); got != want {
		t.Errorf("spaces: got %q, want %q", got, want)
	}
	long := strings.Repeat("dọn đường ", 40)
	if got := lastOf(t, env.say(t, "member", long)); !strings.Contains(got, "dài quá") {
		t.Errorf("long item: got %q", got)
	}
	if got := lastOf(t, env.say(t, "member", "Trồng cây")); !strings.Contains(got, "chuẩn mực") {
		t.Errorf("after the refusals the question is still open; got %q", got)
	}
}

// TestMonthBoundaryInZone: the month of a report is the month in
// Asia/Ho_Chi_Minh, not in UTC, around midnight of the last day.
func TestMonthBoundaryInZone(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	tests := []struct {
		now   time.Time
		which bool // the member is asked which month (grace days)
		month string
	}{
		{time.Date(2026, 11, 30, 23, 59, 0, 0, loc), false, "tháng 11/2026"}, // 16:59 UTC
		{time.Date(2026, 12, 1, 0, 1, 0, 0, loc), true, ""},                  // still 30 Nov in UTC
		{time.Date(2026, 12, 5, 23, 59, 0, 0, loc), true, ""},                // last grace day
		{time.Date(2026, 12, 6, 0, 1, 0, 0, loc), false, "tháng 12/2026"},
	}
	for _, tc := range tests {
		t.Run(tc.now.Format(time.RFC3339), func(t *testing.T) {
			env := newAccessEnv(t)
			env.eng.Now = func() time.Time { return tc.now }
			got := strings.Join(env.say(t, "member", "/baocao"), "\n")
			asked := strings.Contains(got, "tháng nào")
			if asked != tc.which {
				t.Fatalf("asked which month = %v, want %v:\n%s", asked, tc.which, got)
			}
			if !tc.which && !strings.Contains(got, tc.month) {
				t.Errorf("report opened for the wrong month:\n%s", got)
			}
		})
	}
}

// TestFastMessagesSameChat: two messages of one person handled at once
// leave one consistent conversation (the store serialises them).
func TestFastMessagesSameChat(t *testing.T) {
	env := newAccessEnv(t)
	env.say(t, "member", "/dangky")
	ctx := context.Background()
	var wg sync.WaitGroup
	for i, line := range []string{"Trồng cây", "Dọn đường"} {
		m := bot.Message{Key: "fast" + string(rune('a'+i)), Kind: bot.KindText, Text: line}
		m.From = env.users["member"]
		m.Chat = m.From.PrivateChat()
		wg.Go(func() {
			if err := env.eng.Handle(ctx, m); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	envs, err := env.db.Outbox(bot.Telegram).Pending(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	// One message took the item text, the other answered the category
	// question with text and was asked to choose.
	var sawCategory, sawChoose bool
	for _, e := range envs {
		sawCategory = sawCategory || strings.Contains(e.Reply.Text, "chuẩn mực nào")
		sawChoose = sawChoose || e.Reply.Text == flows.T(text.ChooseAbove, nil)
	}
	if !sawCategory || !sawChoose {
		t.Fatalf("replies %+v: want the category question and one 'choose above'", envs)
	}
}

// TestReportFromJoining: a member who connected at 00:30 on 1 December in
// Hà Nội (30 November in UTC) is not asked which month in December's grace
// days: they report December, and November is refused; a member who
// connected before is asked.
func TestReportFromJoining(t *testing.T) {
	o := newOrg(t)
	o.at(o.date(2026, 12, 2, 9))
	u := tg("31")
	o.addMember(flows.Member{Name: "Mai Văn Mười", Cell: "C01", Users: []bot.UserID{u},
		Joined: time.Date(2026, 11, 30, 17, 30, 0, 0, time.UTC)})
	got := joined(o.send(u, "/baocao"))
	wantNotIn(t, got, "tháng nào")
	wantIn(t, got, "tháng 12/2026")
	o.send(u, "/huy")
	wantIn(t, joined(o.send(u, "/baocao 11")), flows.T(text.ReportBeforeJoined, map[string]string{"Month": "tháng 11/2026"}))
	wantIn(t, joined(o.send(o.uSau, "/baocao")), "tháng nào")
}
