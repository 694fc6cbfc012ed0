package flows_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

func TestCollectingMonth(t *testing.T) {
	loc := vnZone(t)
	at := func(mo time.Month, d, h int) time.Time { return time.Date(2026, mo, d, h, 0, 0, 0, loc) }
	for _, c := range []struct {
		name  string
		now   time.Time
		grace int
		want  flows.Month
	}{
		{"grace day itself", at(12, 5, 20), 5, 202611},
		{"day after the grace", at(12, 6, 0), 5, 202612},
		{"meeting on the 7th", at(12, 6, 9), 7, 202611},
		{"no grace", at(12, 1, 9), 0, 202612},
		{"mid-month", at(11, 20, 9), 5, 202611},
		{"January, December still collected", time.Date(2027, 1, 3, 9, 0, 0, 0, loc), 5, 202612},
		{"UTC clock, already the 6th in Việt Nam", time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC), 5, 202612},
	} {
		if got := flows.CollectingMonth(c.now, loc, c.grace); got != c.want {
			t.Errorf("%s: CollectingMonth(%s, %d) = %s, want %s", c.name, c.now, c.grace, got, c.want)
		}
	}
}

func TestLadderDue(t *testing.T) {
	loc := vnZone(t)
	day := func(y int, mo time.Month, d int) time.Time { return time.Date(y, mo, d, 8, 0, 0, 0, loc) }
	for _, c := range []struct {
		name    string
		t       time.Time
		meeting int
		month   flows.Month
		step    flows.LadderStep
	}{
		{"not set", day(2026, 11, 28), 0, 0, flows.LadderNone},
		{"before the first reminder", day(2026, 11, 27), 5, 0, flows.LadderNone},
		{"a week before the 5th", day(2026, 11, 28), 5, 202611, flows.LadderFirst},
		{"between the reminders", day(2026, 12, 2), 5, 202611, flows.LadderFirst},
		{"two days before", day(2026, 12, 3), 5, 202611, flows.LadderSecond},
		{"the day before", day(2026, 12, 4), 5, 202611, flows.LadderSecond},
		{"the meeting", day(2026, 12, 5), 5, 202611, flows.LadderMeeting},
		{"after the meeting", day(2026, 12, 6), 5, 0, flows.LadderNone},
		{"meeting on the 1st: first", day(2026, 11, 24), 1, 202611, flows.LadderFirst},
		{"meeting on the 1st: second", day(2026, 11, 29), 1, 202611, flows.LadderSecond},
		{"meeting on the 1st: meeting", day(2026, 12, 1), 1, 202611, flows.LadderMeeting},
		{"meeting on the 28th: first", day(2027, 2, 21), 28, 202701, flows.LadderFirst},
		{"meeting on the 28th: meeting", day(2027, 2, 28), 28, 202701, flows.LadderMeeting},
		{"meeting on the 28th: between", day(2027, 2, 10), 28, 0, flows.LadderNone},
		{"late evening is the same day", time.Date(2026, 12, 5, 23, 59, 0, 0, loc), 5, 202611, flows.LadderMeeting},
	} {
		m, step := flows.LadderDue(c.t, c.meeting, loc)
		if step != c.step || (step != flows.LadderNone && m != c.month) {
			t.Errorf("%s: LadderDue(%s, %d) = %s %d, want %s %d", c.name, c.t.Format("02/01/2006"), c.meeting, m, step, c.month, c.step)
		}
	}
}

// setMeetingDay gives cell code the meeting day d.
func (h *harness) setMeetingDay(code string, d int) {
	h.t.Helper()
	h.update(func(tx flows.Tx) error {
		c, _, err := tx.Cell(code)
		if err != nil {
			return err
		}
		c.MeetingDay = d
		return tx.PutCell(c)
	})
}

// TestMeetingLadder: C01 meets on the 7th. The organisation's rungs leave
// it out; the daily job reminds its members a week and two days before the
// meeting (deadline: the meeting day) and sends its secretary the month's
// summary on the meeting's morning, each once however often it runs. C03,
// without a meeting day, keeps the organisation's ladder.
func TestMeetingLadder(t *testing.T) {
	o := newOrg(t)
	o.setMeetingDay("C01", 7)
	daily := func(d, hour int) []bot.Reply {
		o.t.Helper()
		o.at(o.date(2026, 11, 1, 9).AddDate(0, 0, d-1).Add(time.Duration(hour-9) * time.Hour))
		_, got := o.runJob(flows.JobMeetingLadder, o.now.Truncate(time.Hour), "")
		return got
	}

	_, got := o.runJob(flows.JobRemindFirst, o.date(2026, 11, 20, 8), "")
	if n := len(to(got, o.uSau.PrivateChat())); n != 0 {
		t.Errorf("the organisation's rung reminded a member of a cell with a meeting day: %s", joined(got))
	}
	wantIn(t, joined(to(got, o.uChin.PrivateChat())), "Hạn gửi: hết ngày 05/12/2026")

	if got := daily(29, 9); len(got) != 0 {
		t.Errorf("29/11, before the ladder: %s", dump(got))
	}
	got = daily(30, 9)
	sau := joined(to(got, o.uSau.PrivateChat()))
	wantIn(t, sau, "chưa nhận được báo cáo việc làm tháng 11/2026", "Hạn gửi: hết ngày 07/12/2026")
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "Kính gửi đồng chí Trần Văn Hai") // the secretary too
	if n := len(to(got, o.uChin.PrivateChat())) + len(to(got, o.g1)); n != 0 {
		t.Errorf("30/11: %d messages to C03 or a group", n)
	}
	if n := len(got); n != 2 {
		t.Errorf("30/11: %d messages, want 2:\n%s", n, dump(got))
	}
	// The same day again, at another slot (a second process, a changed
	// schedule): nothing twice.
	if got := daily(30, 15); len(got) != 0 {
		t.Errorf("30/11 again: %s", dump(got))
	}
	if got := daily(31, 9); len(got) != 0 { // 1/12
		t.Errorf("1/12: %s", dump(got))
	}
	got = daily(35, 9) // 5/12, two days before
	wantIn(t, joined(to(got, o.uSau.PrivateChat())), "vẫn chưa nhận được", "Hạn gửi: hết ngày 07/12/2026.")
	if got := daily(36, 9); len(got) != 0 {
		t.Errorf("6/12: %s", dump(got))
	}
	got = daily(37, 8) // 7/12, the meeting's morning
	hai := joined(to(got, o.uHai.PrivateChat()))
	wantIn(t, hai, "Hôm nay là ngày sinh hoạt của Chi bộ thôn Đông", "tháng 11/2026",
		"Đồng chí chưa báo cáo tháng 11/2026", "Chưa báo cáo (1):\n1. Hoàng Văn Sáu", "/dongthang 11 để chốt tháng")
	if n := len(got) - len(to(got, o.uHai.PrivateChat())); n != 0 {
		t.Errorf("7/12: %d messages to others than the secretary:\n%s", n, dump(got))
	}
	if got := daily(37, 12); len(got) != 0 {
		t.Errorf("7/12 again: %s", dump(got))
	}
	if got := daily(38, 9); len(got) != 0 {
		t.Errorf("8/12: %s", dump(got))
	}
}

// TestMeetingLadderCatchUp: after an outage over the first reminder, the
// next run sends the latest step due, once.
func TestMeetingLadderCatchUp(t *testing.T) {
	o := newOrg(t)
	o.setMeetingDay("C01", 7)
	o.at(o.date(2026, 12, 6, 10))
	_, got := o.runJob(flows.JobMeetingLadder, o.date(2026, 12, 6, 8), "")
	wantIn(t, joined(to(got, o.uSau.PrivateChat())), "vẫn chưa nhận được")
	if n := len(to(got, o.uSau.PrivateChat())); n != 1 {
		t.Errorf("%d reminders to Sáu, want the latest only", n)
	}
}

// TestMeetingDayIsTheDeadline: a cell meeting on the 7th takes reports of
// the previous month until then, while the organisation's grace days (5)
// hold for the others; /summary and /nhacnho default to the month the cell
// is still collecting.
func TestMeetingDayIsTheDeadline(t *testing.T) {
	o := newOrg(t)
	o.setMeetingDay("C01", 7)
	o.at(o.date(2026, 12, 6, 9))
	wantIn(t, joined(o.send(o.uSau, "/baocao 11")), "Trong tháng, đồng chí đã làm được việc tốt nào?")
	o.send(o.uSau, "/huy")
	wantIn(t, joined(o.send(o.uChin, "/baocao 11")), "báo cáo của mỗi tháng chỉ nhận đến hết ngày 5 của tháng sau")

	got := joined(o.send(o.uHai, "/summary"))
	wantIn(t, got, "báo cáo việc làm tháng 11/2026", "(Để xem tháng 12/2026, đồng chí gõ /summary 12.)")
	got = joined(o.send(o.uBay, "/summary"))
	wantIn(t, got, "báo cáo việc làm tháng 12/2026", "(Để xem tháng 11/2026, đồng chí gõ /summary 11.)")
	got = joined(o.send(o.uHai, "/summary 12"))
	wantNotIn(t, got, "Để xem")
	got = joined(o.sendIn(o.g1, o.uBa, "/summary"))
	wantIn(t, got, "báo cáo việc làm tháng 11/2026")

	got = joined(o.send(o.uHai, "/nhacnho"))
	wantIn(t, got, "Đã nhắc 1 đồng chí chưa báo cáo tháng 11/2026", "1. Hoàng Văn Sáu")

	o.at(o.date(2026, 12, 8, 9))
	wantIn(t, joined(o.send(o.uSau, "/baocao 11")), "đã hết hạn")
	got = joined(o.send(o.uHai, "/summary"))
	wantIn(t, got, "báo cáo việc làm tháng 12/2026", "/summary 11.")
}

// TestSummaryDefaultsToCollectingMonth: on the 2nd, a cell without a
// meeting day is still collecting the previous month (grace days), and
// /summary says how to see the current one, also across a year.
func TestSummaryDefaultsToCollectingMonth(t *testing.T) {
	o := newOrg(t)
	o.at(o.date(2026, 12, 2, 9))
	got := joined(o.sendIn(o.g2, o.uBay, "/summary"))
	wantIn(t, got, "Chi bộ thôn Tây — báo cáo việc làm tháng 11/2026", "Đã báo cáo: 2/2", "/summary 12.)")
	got = joined(o.send(o.admin, "/summary"))
	wantIn(t, got, "Báo cáo việc làm tháng 11/2026 của các chi bộ", "/summary 12.)")
	o.at(time.Date(2027, 1, 3, 9, 0, 0, 0, o.loc))
	got = joined(o.send(o.uTam, "/summary"))
	wantIn(t, got, "tháng 12/2026", "(Để xem tháng 1/2027, đồng chí gõ /summary 1.)")
	o.at(time.Date(2027, 1, 10, 9, 0, 0, 0, o.loc))
	got = joined(o.send(o.uTam, "/summary"))
	wantIn(t, got, "tháng 1/2027", "(Để xem tháng 12/2026, đồng chí gõ /summary 12/2026.)")
	if strings.Contains(got, flows.T(text.ReportFuture, nil)) {
		t.Error("refused")
	}
}

// TestSummaryAdminSecretary: an admin who is also the secretary of a cell
// meeting on the 7th gets, on the 6th, the organisation's table of the
// month the organisation is collecting (December: its grace days are
// over), then the cell's November, each saying how to see the other month.
func TestSummaryAdminSecretary(t *testing.T) {
	o := newOrg(t, tg("10")) // Hai, secretary of C01
	o.setMeetingDay("C01", 7)
	o.at(o.date(2026, 12, 6, 9))
	got := o.send(o.uHai, "/summary")
	if len(got) < 2 {
		t.Fatalf("want the table and the cell:\n%s", dump(got))
	}
	wantIn(t, got[0].Text, "Báo cáo việc làm tháng 12/2026 của các chi bộ", "(Để xem tháng 11/2026, đồng chí gõ /summary 11.)")
	wantIn(t, joined(got[1:]), "Chi bộ thôn Đông — báo cáo việc làm tháng 11/2026", "(Để xem tháng 12/2026, đồng chí gõ /summary 12.)")
	// When both are the same month, it is said once.
	o.setMeetingDay("C01", 0)
	o.at(o.date(2026, 12, 2, 9))
	got = o.send(o.uHai, "/summary")
	wantIn(t, got[0].Text, "Báo cáo việc làm tháng 11/2026 của các chi bộ")
	wantNotIn(t, got[0].Text, "Để xem")
	wantIn(t, joined(got[1:]), "(Để xem tháng 12/2026, đồng chí gõ /summary 12.)")
}

// TestScheduleViewLadder: /lichnhac shows a secretary of a cell with a
// meeting day its own ladder, with dates and the daily job's hour, instead
// of the organisation's rungs; a cell without one keeps them and is told
// so.
func TestScheduleViewLadder(t *testing.T) {
	o := newOrg(t)
	o.setMeetingDay("C01", 5)
	o.eng.Schedules = map[flows.Job]flows.Schedule{flows.JobRemindFirst: localDaily(8), flows.JobMeetingLadder: localDaily(8)}
	o.at(o.date(2026, 12, 2, 9))
	got := joined(o.send(o.uHai, "/lichnhac"))
	wantIn(t, got, "Chi bộ thôn Đông sinh hoạt ngày 5 hằng tháng", "Báo cáo tháng 11/2026 nhận đến hết ngày 05/12/2026",
		"Nhắc báo cáo lần 1: thứ Bảy 28/11/2026 08:00", "Nhắc báo cáo lần 2: thứ Năm 03/12/2026 08:00",
		"Gửi riêng bí thư bản tổng hợp tháng 11/2026 (sáng ngày sinh hoạt): thứ Bảy 05/12/2026 08:00",
		"lời nhắc tháng 11/2026")
	wantNotIn(t, got, flows.T(text.JobRemindFirst, nil)+": lần tới", flows.T(text.JobMeetingLadder, nil))
	// After the meeting's summary went, the next month's ladder.
	o.at(o.date(2026, 12, 5, 9))
	wantIn(t, joined(o.send(o.uHai, "/lichnhac")), "Báo cáo tháng 12/2026 nhận đến hết ngày 05/01/2027",
		"lần 1: thứ Ba 29/12/2026 08:00")

	got = joined(o.send(o.uBay, "/lichnhac"))
	wantIn(t, got, flows.T(text.JobRemindFirst, nil)+": lần tới", "Chi bộ thôn Tây chưa đặt ngày sinh hoạt")
	wantNotIn(t, got, flows.T(text.JobMeetingLadder, nil), "hằng tháng")
}

func TestCampaignOpen(t *testing.T) {
	loc := vnZone(t)
	at := func(y int, mo time.Month, d int) time.Time { return time.Date(y, mo, d, 8, 0, 0, 0, loc) }
	for _, c := range []struct {
		name      string
		slot, now time.Time
		want      bool
	}{
		{"December, for the coming year", at(2026, 12, 7), at(2026, 12, 7).Add(time.Hour), true},
		{"late December slot run in January: the same campaign", at(2026, 12, 28), at(2027, 1, 2), true},
		{"March", at(2027, 3, 29), at(2027, 3, 29).Add(time.Hour), true},
		{"November", at(2026, 11, 30), at(2026, 11, 30).Add(time.Hour), false},
		{"March slot run in April", at(2027, 3, 30), at(2027, 4, 1), false},
		{"last year's March slot in December", at(2026, 3, 30), at(2026, 12, 1), false},
		{"more than a week late", at(2027, 1, 4), at(2027, 1, 12), false},
	} {
		if got := flows.CampaignOpen(c.slot, c.now, loc); got != c.want {
			t.Errorf("%s: CampaignOpen = %v, want %v", c.name, got, c.want)
		}
	}
	for _, c := range []struct {
		now  time.Time
		want int
	}{{at(2026, 11, 30), 2026}, {at(2026, 12, 1), 2027}, {time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC), 2027}, {at(2027, 1, 1), 2027}} {
		if got := flows.PledgeYear(c.now, loc); got != c.want {
			t.Errorf("PledgeYear(%s) = %d, want %d", c.now, got, c.want)
		}
	}
}

// TestDecemberOpensNextYearsPledge: in December the campaign invites to
// the coming year's pledge, /dangky opens it and says so, and /duyet
// approves it.
func TestDecemberOpensNextYearsPledge(t *testing.T) {
	o := newOrg(t)
	o.at(o.date(2026, 12, 7, 9))
	ran, got := o.runJob(flows.JobCampaign, o.date(2026, 12, 7, 8), "")
	if !ran {
		t.Fatal("the December campaign did not run")
	}
	wantIn(t, joined(to(got, o.uSau.PrivateChat())), "năm 2027", "Đồng chí chưa có bản đăng ký năm 2027")
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "đăng ký làm theo năm 2027") // the secretary is asked too

	got = o.send(o.uBa, "/dangky") // Ba has a pledge of 2026
	wantIn(t, joined(got), "Từ tháng 12, bot mở đăng ký làm theo Bác cho năm tới.\nBản đăng ký làm theo Bác năm 2027")
	o.send(o.uBa, "Trồng cây")
	o.send(o.uBa, "1")
	o.send(o.uBa, "1")
	var p flows.Pledge
	o.view(func(tx flows.Tx) error {
		var err error
		p, _, err = tx.Pledge(o.ba.ID, 2027)
		return err
	})
	if len(p.Items) != 1 || p.Items[0].Text != "Trồng cây" {
		t.Errorf("the pledge of 2027 is %+v", p)
	}
	o.at(o.date(2026, 11, 30, 9))
	wantNotIn(t, joined(o.send(o.uSau, "/dangky")), "năm 2027", "năm tới")
}

// TestFeatureNotOwnReport: a secretary's own report is not in her list to
// feature, a direct attempt (an old button, a forged callback) is refused
// kindly, and so is a month in which hers is the only report; an admin may
// feature it.
func TestFeatureNotOwnReport(t *testing.T) {
	o := newOrg(t)
	o.putReport(flows.Report{Member: o.hai.ID, Month: nov, Other: "Vận động quyên góp"})
	o.putReport(flows.Report{Member: o.hai.ID, Month: nov.Prev(), Other: "Thăm gia đình chính sách"})
	refusal := flows.T(text.FeatureSelf, map[string]any{"Month": "tháng 11/2026", "Only": false})

	got := o.send(o.uHai, "/neuguong")
	if l := labels(got); slices.Contains(l, "Trần Văn Hai") || len(l) != 3 {
		t.Errorf("choices %v: want the three others, not the secretary", l)
	}
	// A forged press of her own report: not among the choices offered,
	// so nothing happens (featureAnswer refuses it too, should it come).
	_, toast := o.serve(bot.Message{Chat: o.uHai.PrivateChat(), From: o.uHai, Kind: bot.KindCallback, CallbackID: "cb",
		Data: "m:" + strconv.FormatUint(uint64(o.hai.ID), 10)})
	if toast != flows.T(text.OldButton, nil) {
		t.Errorf("own report pressed: toast %q", toast)
	}
	var rep flows.Report
	o.view(func(tx flows.Tx) error { rep, _, _ = tx.Report(o.hai.ID, nov); return nil })
	if rep.Exemplary {
		t.Error("the secretary featured her own report")
	}
	if got := strings.TrimSpace(joined(o.send(o.uHai, "/neuguong 10"))); got != "Trong tháng 10/2026, mới có báo cáo của chính đồng chí. "+refusal {
		t.Errorf("/neuguong 10 with only her report: %q", got)
	}

	got = o.send(o.admin, "/neuguong")
	got = o.choose(o.admin, got, "Chi bộ thôn Đông")
	got = o.choose(o.admin, got, "Trần Văn Hai")
	got = o.choose(o.admin, got, "Biểu dương")
	wantIn(t, joined(got), "Đã biểu dương việc làm tháng 11/2026 của đồng chí Trần Văn Hai")
}

// TestNudgeTellsSecretaryHerOwnGap: /nhacnho does not message the
// secretary who asks, but tells her when her own report is missing too.
func TestNudgeTellsSecretaryHerOwnGap(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uHai, "/nhacnho")
	s := joined(to(got, o.uHai.PrivateChat()))
	wantIn(t, s, "Đã nhắc 1 đồng chí", "1. Hoàng Văn Sáu", "Đồng chí cũng chưa báo cáo tháng 11/2026")
	if n := len(to(got, o.uHai.PrivateChat())); n != 1 {
		t.Errorf("%d messages to the secretary, want her account only", n)
	}
	o.putReport(flows.Report{Member: o.hai.ID, Month: nov, Other: "Vận động quyên góp", Submitted: o.now})
	wantNotIn(t, joined(o.send(o.uHai, "/nhacnho")), "Đồng chí cũng chưa báo cáo")
}

// TestSummaryOtherMonthHint: /summary offers the other open month only
// when someone of the cell counts in it, and in a Zalo group writes the
// command with the bot's name that the group needs.
func TestSummaryOtherMonthHint(t *testing.T) {
	tests := []struct {
		name   string
		joined time.Time // when the cell's members connected
		group  bool
		want   string // "" when no hint
	}{
		{"counted in November, private", time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC), false,
			"(Để xem tháng 11/2026, đồng chí gõ /summary 11.)"},
		{"counted in November, Zalo group", time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC), true,
			"(Để xem tháng 11/2026, đồng chí gõ @Bot Xã Thử /summary 11.)"},
		{"nobody counted in November", time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC), false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := zaloHarness(t, flows.Plan{})
			g := zlGroup("g1")
			h.setGroups("C01", g)
			mb := h.addMember(flows.Member{Name: "Lê Văn Bốn", Cell: "C01", Users: []bot.UserID{zl("m1")}, Joined: tc.joined})
			h.at(time.Date(2026, 12, 10, 9, 0, 0, 0, vnZone(t)))
			var got string
			if tc.group {
				got = joined(h.sendIn(g, mb.Users[0], "/summary"))
			} else {
				got = joined(h.send(mb.Users[0], "/summary"))
			}
			wantIn(t, got, "báo cáo việc làm tháng 12/2026")
			if tc.want == "" {
				wantNotIn(t, got, "Để xem")
			} else {
				wantIn(t, got, tc.want)
			}
		})
	}
}

// TestReportNoPledgeDecember: a member without a pledge who reports is told
// to register with /dangky, except in December, when /dangky opens the
// coming year's pledge, which would not serve the month reported.
func TestReportNoPledgeDecember(t *testing.T) {
	for _, tt := range []struct {
		day     [3]int
		month   string
		dangky  bool
		comment string
	}{
		{[3]int{2026, 11, 20}, "11", true, "November: the 2026 pledge can still be written"},
		{[3]int{2026, 12, 3}, "11", false, "December, reporting November"},
		{[3]int{2026, 12, 20}, "12", false, "December, reporting December"},
		{[3]int{2027, 1, 3}, "12", false, "January, reporting December of the year before"},
		{[3]int{2027, 1, 10}, "1", true, "January, reporting January"},
	} {
		o := newOrg(t)
		o.at(o.date(tt.day[0], tt.day[1], tt.day[2], 9))
		got := joined(o.send(o.uSau, "/baocao "+tt.month))
		wantIn(t, got, "chưa có bản đăng ký năm")
		if has := strings.Contains(got, "gõ /dangky"); has != tt.dangky {
			t.Errorf("%s: mentions /dangky %v, want %v:\n%s", tt.comment, has, tt.dangky, got)
		}
	}
}
