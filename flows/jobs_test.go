package flows_test

import (
	"context"
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

// fixedSchedule fires at the listed instants only.
type fixedSchedule []time.Time

func (s fixedSchedule) Next(t time.Time) time.Time {
	for _, at := range s {
		if at.After(t) {
			return at
		}
	}
	return time.Time{}
}

func names(ms []flows.Member) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}

func TestReportOpen(t *testing.T) {
	loc := vnZone(t)
	at := func(mo, d int) time.Time { return time.Date(2026, time.Month(mo), d, 9, 0, 0, 0, loc) }
	tests := []struct {
		m      flows.Month
		closed bool
		now    time.Time
		grace  int
		want   bool
	}{
		{202611, false, at(11, 20), 5, true},
		{202611, true, at(11, 20), 5, false}, // closed by the secretary
		{202611, false, at(12, 5), 5, true},  // last grace day
		{202611, false, at(12, 6), 5, false}, // past the grace
		{202611, false, at(12, 1), 0, false}, // no grace
		{202612, false, at(11, 30), 5, false},
		{202610, false, at(12, 1), 5, false},
	}
	for _, tc := range tests {
		if got := flows.ReportOpen(tc.m, tc.closed, tc.now, loc, tc.grace); got != tc.want {
			t.Errorf("ReportOpen(%v, closed=%v, %s, grace %d) = %v, want %v", tc.m, tc.closed, tc.now, tc.grace, got, tc.want)
		}
	}
}

func TestJobBackupAndErrors(t *testing.T) {
	o := newOrg(t)
	slot := o.date(2026, 11, 20, 3)
	if ran, got := o.runJob(flows.JobBackup, slot, ""); !ran || len(got) != 0 {
		t.Fatalf("backup: ran=%v, %d replies", ran, len(got))
	}
	if ran, _ := o.runJob(flows.JobBackup, slot, ""); ran {
		t.Fatal("backup slot ran twice")
	}
	// A slot in the future is neither run nor recorded.
	later := o.date(2026, 11, 21, 3)
	if ran, _ := o.runJob(flows.JobBackup, later, ""); ran {
		t.Fatal("future slot ran")
	}
	o.at(later)
	if ran, _ := o.runJob(flows.JobBackup, later, ""); !ran {
		t.Fatal("slot did not run once due")
	}
	if _, err := o.eng.RunJob(context.Background(), "nosuch", slot, ""); !errors.Is(err, flows.ErrUnknownJob) {
		t.Errorf("unknown job: %v", err)
	}
	if _, err := o.eng.RunJob(context.Background(), flows.JobRemindFirst, slot, "C99"); !errors.Is(err, flows.ErrUnknownCell) {
		t.Errorf("unknown cell: %v", err)
	}
}

func TestLeaderboardJob(t *testing.T) {
	o := newOrg(t)
	muoi := o.addMember(flows.Member{Name: "Mai Văn Mười", Cell: "C03", Secretary: true, Users: []bot.UserID{tg("31")}})
	o.at(o.date(2026, 12, 1, 9))
	slot := o.date(2026, 12, 1, 8)

	ran, got := o.runJob(flows.JobLeaderboard, slot, "")
	if !ran {
		t.Fatal("leaderboard did not run")
	}
	want := map[bot.ChatID]int{o.g1: 1, o.g2: 1, muoi.Users[0].PrivateChat(): 1, o.admin.PrivateChat(): 1}
	if c := chats(got); !sameCount(c, want) {
		t.Fatalf("posts to %v, want %v:\n%s", c, want, dump(got))
	}
	g1 := joined(to(got, o.g1))
	// C02 2/2, C01 2/4 (Năm is exempt), C03 0/2: no rank at 0 %. In October
	// nobody reported, so there is no change to show.
	wantIn(t, g1, "tháng 11/2026", "1. Chi bộ thôn Tây — 100%\n2. Chi bộ thôn Đông (chi bộ ta) — 50%\n— Chi bộ Trường học: chưa có báo cáo\n",
		"xếp thứ 2/2, 2/4 đồng chí đã báo cáo.")
	wantNotIn(t, g1, "tháng trước", "bậc", "3.")
	wantNotIn(t, g1, o.sau.Name, o.hai.Name, o.chin.Name, o.nam.Name)
	wantIn(t, joined(to(got, o.g2)), "Chi bộ thôn Tây (chi bộ ta) — 100%\n", "xếp thứ 1/2")
	wantIn(t, joined(to(got, muoi.Users[0].PrivateChat())), "chưa gắn nhóm với bot", "— Chi bộ Trường học (chi bộ ta): chưa có báo cáo\n",
		"Chi bộ Trường học chưa có báo cáo nào trong tháng 11/2026.")
	wantIn(t, joined(to(got, o.admin.PrivateChat())), "1. C02 Chi bộ thôn Tây — 2/2 (100%)", "— C03 Chi bộ Trường học: 0/2, chưa có báo cáo")

	if ran, got := o.runJob(flows.JobLeaderboard, slot, ""); ran || len(got) != 0 {
		t.Fatalf("second run: ran=%v, %d replies", ran, len(got))
	}
	// No cell is ranked for October, in which nobody reported: no post at
	// all, not even to the admins (as on a fresh start).
	if ran, got := o.runJob(flows.JobLeaderboard, o.date(2026, 11, 28, 8), ""); ran || len(got) != 0 {
		t.Fatalf("leaderboard of October: ran=%v:\n%s", ran, dump(got))
	}
	// A week after its slot, a missed leaderboard is still posted; later not.
	o.at(o.date(2026, 12, 8, 6))
	if ran, _ := o.runJob(flows.JobLeaderboard, o.date(2026, 12, 1, 7), ""); !ran {
		t.Error("leaderboard 7 days late was skipped")
	}
	o.at(o.date(2026, 12, 8, 9))
	if ran, got := o.runJob(flows.JobLeaderboard, o.date(2026, 12, 1, 6), ""); ran || len(got) != 0 {
		t.Error("leaderboard more than 7 days late was posted")
	}
}

// TestLeaderboardGenerated ranks generated cells: equal rates share a
// place, exempt members do not count, a cell at 0 % and then a cell nobody
// has to report in come last without a rank, and each group gets the board
// once.
func TestLeaderboardGenerated(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 2, 9, 0, 0, 0, vnZone(t)))
	type gen struct {
		code            string
		active, reports int
		exempt          int
	}
	cells := []gen{{"G1", 4, 3, 1}, {"G2", 4, 3, 0}, {"G3", 2, 1, 2}, {"G4", 0, 0, 0}, {"G5", 3, 0, 1}, {"G6", 10, 10, 0}}
	n := 100
	for i, c := range cells {
		g := tgGroup(fmt.Sprint("-20", i))
		h.addCell(c.code, "Chi bộ "+c.code, g)
		for k := 0; k < c.active+c.exempt; k++ {
			n++
			st := flows.Active
			if k >= c.active {
				st = flows.Exempt
			}
			m := h.addMember(flows.Member{Name: fmt.Sprintf("Người %s %d", c.code, k), Cell: c.code, Status: st,
				Users: []bot.UserID{tg(fmt.Sprint(n))}})
			if k < c.reports || st == flows.Exempt {
				h.putReport(flows.Report{Member: m.ID, Month: nov, Other: "việc tốt"})
			}
		}
	}
	ran, got := h.runJob(flows.JobLeaderboard, h.date(2026, 12, 1, 8), "")
	if !ran {
		t.Fatal("did not run")
	}
	for i := range cells {
		if n := len(to(got, tgGroup(fmt.Sprint("-20", i)))); n != 1 {
			t.Errorf("group of %s got %d posts, want 1", cells[i].code, n)
		}
	}
	body := joined(to(got, tgGroup("-200")))
	wantIn(t, body, "1. Chi bộ G6 — 100%\n2. Chi bộ G1 (chi bộ ta) — 75%\n2. Chi bộ G2 — 75%\n4. Chi bộ G3 — 50%\n"+
		"— Chi bộ G5: chưa có báo cáo\n— Chi bộ G4: không có đảng viên phải báo cáo\n", "xếp thứ 2/4")
	wantIn(t, joined(to(got, tgGroup("-203"))), "— Chi bộ G4 (chi bộ ta): không có đảng viên phải báo cáo\n", "chưa có đảng viên phải báo cáo")
}

func TestCampaignJob(t *testing.T) {
	o := newOrg(t)
	o.at(o.date(2027, 1, 10, 9))
	slot := o.date(2027, 1, 10, 8)
	o.putPledge(flows.Pledge{Member: o.ba.ID, Year: 2027, Status: flows.PledgeApproved, NextNo: 2,
		Items: []flows.PledgeItem{{No: 1, Text: "Trồng cây", Category: "cm1"}}})
	o.putPledge(flows.Pledge{Member: o.bon.ID, Year: 2027, Status: flows.PledgeSubmitted, NextNo: 2,
		Items: []flows.PledgeItem{{No: 1, Text: "Quét ngõ", Category: "cm1"}}})
	o.putPledge(flows.Pledge{Member: o.sau.ID, Year: 2027, Status: flows.PledgeDraft, NextNo: 1}) // empty draft
	o.putPledge(flows.Pledge{Member: o.tam.ID, Year: 2027, Status: flows.PledgeDraft, NextNo: 2,
		Items: []flows.PledgeItem{{No: 1, Text: "Sửa đường", Category: "cm1"}}}) // writing it
	o.addMember(flows.Member{Name: "Đặng Văn Mười", Cell: "C02", Users: []bot.UserID{tg("15")},
		PausedUntil: o.date(2027, 2, 1, 0)})

	ran, got := o.runJob(flows.JobCampaign, slot, "")
	if !ran {
		t.Fatal("campaign did not run")
	}
	invited := map[bot.ChatID]bool{}
	for _, r := range got {
		if len(r.Flat()) == 1 && r.Flat()[0].Data == "go:dangky:" {
			invited[r.Chat] = true
			wantIn(t, r.Text, "năm 2027", "đăng ký học tập và làm theo Bác")
		}
	}
	want := []bot.ChatID{o.uHai.PrivateChat(), o.uSau.PrivateChat(), o.uBay.PrivateChat(), o.uChin.PrivateChat()}
	if len(invited) != len(want) {
		t.Errorf("invited %v, want %v:\n%s", invited, want, dump(got))
	}
	for _, c := range want {
		if !invited[c] {
			t.Errorf("%s not invited", c)
		}
	}
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "2/4 đồng chí đã gửi bản đăng ký (50%)", "1 bản đang chờ", "mời 2 đồng chí")
	wantIn(t, joined(to(got, o.uBay.PrivateChat())), "0/3 đồng chí", "mời 1 đồng chí")
	if ran, _ := o.runJob(flows.JobCampaign, slot, ""); ran {
		t.Error("campaign slot ran twice")
	}
	// The invitation's button opens the pledge flow.
	got = o.press(o.uSau, "go:dangky:")
	wantIn(t, joined(got), "2027")
	wantNotIn(t, joined(got), flows.T(text.StaleChoice, nil))

	// Outside December to March, or more than a week late: not meaningful.
	for _, tc := range []struct{ slot, now time.Time }{
		{o.date(2027, 4, 1, 8), o.date(2027, 4, 1, 9)},
		{o.date(2026, 11, 30, 8), o.date(2026, 12, 1, 9)},
		{o.date(2027, 2, 1, 8), o.date(2027, 2, 9, 9)},
		{o.date(2027, 3, 30, 8), o.date(2027, 4, 2, 9)},
	} {
		o.at(tc.now)
		if ran, got := o.runJob(flows.JobCampaign, tc.slot, ""); ran || len(got) != 0 {
			t.Errorf("campaign at %s for slot %s ran", tc.now, tc.slot)
		}
	}
}

func TestCampaignTargetsAndRate(t *testing.T) {
	now := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	ms := []flows.Member{
		{ID: 1, Name: "A", Cell: "C", Users: []bot.UserID{tg("1")}},
		{ID: 2, Name: "B", Cell: "C", Users: []bot.UserID{tg("2")}},
		{ID: 3, Name: "C", Cell: "C", Users: []bot.UserID{tg("3")}, Status: flows.Exempt},
		{ID: 4, Name: "D", Cell: "C", Users: []bot.UserID{tg("4")}},
		{ID: 5, Name: "E", Cell: "C", Users: []bot.UserID{tg("5")}},
		{ID: 6, Name: "F", Cell: "X", Users: []bot.UserID{tg("6")}},
		{ID: 7, Name: "G", Cell: "C", Users: []bot.UserID{tg("7")}},
		{ID: 8, Name: "H", Cell: "C", Users: []bot.UserID{tg("8")}, Joined: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)}, // connects in February
	}
	pledges := map[flows.MemberID]flows.Pledge{
		2: {Member: 2, Year: 2027, Status: flows.PledgeApproved},
		4: {Member: 4, Year: 2026, Status: flows.PledgeApproved}, // last year's
		5: {Member: 5, Year: 2027, Status: flows.PledgeReturned, Items: []flows.PledgeItem{{No: 1}}},
		7: {Member: 7, Year: 2027, Status: flows.PledgeSubmitted, Items: []flows.PledgeItem{{No: 1}}},
	}
	got := names(flows.CampaignTargets("C", ms, pledges, 2027, now, time.UTC, map[bot.ChatID]bool{}))
	if want := []string{"A", "D"}; !slices.Equal(got, want) {
		t.Errorf("targets %q, want %q", got, want)
	}
	reg, waiting, must := flows.PledgeRate("C", ms, pledges, 2027, 202701, time.UTC)
	if reg != 2 || waiting != 1 || must != 5 {
		t.Errorf("rate %d (%d waiting)/%d, want 2 (1)/5", reg, waiting, must)
	}
	if got := names(flows.CampaignTargets("C", ms, pledges, 2027, now.AddDate(0, 1, 0), time.UTC, nil)); !slices.Contains(got, "H") {
		t.Errorf("targets in February %q, want H among them", got)
	}
	if _, _, must := flows.PledgeRate("C", ms, pledges, 2027, 202702, time.UTC); must != 6 {
		t.Errorf("must in February %d, want 6", must)
	}
}

func TestScheduleView(t *testing.T) {
	o := newOrg(t)
	o.eng.Schedules = map[flows.Job]flows.Schedule{
		flows.JobRemindFirst: fixedSchedule{o.date(2026, 12, 20, 8)},
		flows.JobLeaderboard: fixedSchedule{o.date(2026, 12, 1, 8)},
	}
	got := o.send(o.uHai, "/lichnhac")
	wantIn(t, joined(got), "Nhắc báo cáo lần 1: lần tới Chủ nhật 20/12/2026 08:00",
		"Bảng xếp hạng các chi bộ: lần tới thứ Ba 01/12/2026 08:00", "Sao lưu dữ liệu: chưa đặt lịch")
	wantIn(t, strings.Join(labels(got), "|"), "Gửi ngay bảng xếp hạng cho Chi bộ thôn Đông")
	if got := flows.FormatSlot(flows.Text(), o.date(2026, 11, 23, 8), o.loc); got != "thứ Hai 23/11/2026 08:00" {
		t.Errorf("FormatSlot = %q", got)
	}
	// A member may not.
	wantIn(t, joined(o.send(o.uBa, "/lichnhac")), flows.T(text.NeedSecretary, nil))
}

// localDaily fires every day at hour, computed in the zone of the time it
// is given, as robfig's schedules without a location do.
type localDaily int

func (h localDaily) Next(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), int(h), 0, 0, 0, t.Location())
	if !d.After(t) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// TestScheduleViewServerZone checks that /lichnhac shows an 08:00 job at
// 08:00 in the organisation's zone when the engine's clock runs in UTC,
// as on most servers, not at 15:00.
func TestScheduleViewServerZone(t *testing.T) {
	o := newOrg(t)
	now := o.eng.Now
	o.eng.Now = func() time.Time { return now().UTC() }
	o.eng.Schedules = map[flows.Job]flows.Schedule{flows.JobRemindFirst: localDaily(8)}
	got := joined(o.send(o.uHai, "/lichnhac"))
	if !strings.Contains(got, "Nhắc báo cáo lần 1: lần tới ") || !strings.Contains(got, " 08:00\n") {
		t.Errorf("/lichnhac does not show the reminder at 08:00:\n%s", got)
	}
}

func TestScheduleManualLeaderboard(t *testing.T) {
	o := newOrg(t)
	// In October nobody reported: no cell is ranked, nothing is posted.
	got := o.send(o.uHai, "/lichnhac")
	got = o.choose(o.uHai, got, "Gửi ngay bảng xếp hạng")
	if c := chats(got); !sameCount(c, map[bot.ChatID]int{o.uHai.PrivateChat(): 1}) {
		t.Fatalf("empty board: posts to %v, want the secretary's answer only:\n%s", c, dump(got))
	}
	wantIn(t, joined(got), "Trong tháng 10/2026 chưa có chi bộ nào có báo cáo nên bot không gửi bảng xếp hạng.")

	o.putReport(flows.Report{Member: o.tam.ID, Month: nov.Prev(), Other: "Sửa đường làng"})
	o.at(o.now.Add(time.Minute))
	got = o.send(o.uHai, "/lichnhac")
	got = o.choose(o.uHai, got, "Gửi ngay bảng xếp hạng")
	want := map[bot.ChatID]int{o.g1: 1, o.uHai.PrivateChat(): 2}
	if c := chats(got); !sameCount(c, want) {
		t.Fatalf("posts to %v, want %v:\n%s", c, want, dump(got))
	}
	wantIn(t, joined(to(got, o.g1)), "tháng 10/2026")
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "Đã gửi bảng xếp hạng tháng 10/2026 vào 1 nhóm của Chi bộ thôn Đông")
	// Again in the same minute: refused; a minute later: runs again.
	got = o.send(o.uHai, "/lichnhac")
	got = o.choose(o.uHai, got, "Gửi ngay bảng xếp hạng")
	wantIn(t, joined(got), "vừa làm xong")
	o.at(o.now.Add(time.Minute))
	got = o.send(o.uHai, "/lichnhac")
	got = o.choose(o.uHai, got, "Gửi ngay bảng xếp hạng")
	if n := len(to(got, o.g1)); n != 1 {
		t.Errorf("re-run a minute later posted %d times", n)
	}
}

func TestScheduleManualRemindByAdmin(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.admin, "/lichnhac")
	got = o.choose(o.admin, got, "Nhắc ngay")
	wantIn(t, joined(got), flows.T(text.PickCell, nil))
	got = o.choose(o.admin, got, "Chi bộ Trường học")
	want := map[bot.ChatID]int{o.uChin.PrivateChat(): 1, o.admin.PrivateChat(): 1}
	if c := chats(got); !sameCount(c, want) {
		t.Fatalf("messages to %v, want %v:\n%s", c, want, dump(got))
	}
	wantIn(t, joined(to(got, o.admin.PrivateChat())), "Đã nhắc riêng 1 đồng chí của Chi bộ Trường học chưa báo cáo tháng 11/2026")

	// A closed month is not reminded.
	o.update(func(tx flows.Tx) error {
		return tx.PutMonthState(flows.MonthState{Cell: "C01", Month: nov, Closed: true})
	})
	got = o.send(o.uHai, "/lichnhac")
	got = o.choose(o.uHai, got, "Nhắc ngay")
	wantIn(t, joined(got), "không còn nhận báo cáo tháng 11/2026")
	if n := len(to(got, o.uSau.PrivateChat())); n != 0 {
		t.Error("a member of a closed month was reminded")
	}
}
