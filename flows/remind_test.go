package flows_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

func TestRemindTargets(t *testing.T) {
	loc := vnZone(t)
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, loc)
	m := flows.Month(202611)
	u := func(id string) []bot.UserID { return []bot.UserID{tg(id)} }
	members := []flows.Member{
		{ID: 1, Name: "Trần Văn Hai", Cell: "C01", Users: u("1")},
		{ID: 2, Name: "Nguyễn Thị Ba", Cell: "C01", Users: u("2")},                                             // reported
		{ID: 3, Name: "Lê Văn Bốn", Cell: "C01", Status: flows.Exempt, Users: u("3")},                          // exempt
		{ID: 4, Name: "Phạm Thị Năm", Cell: "C01", Users: u("4"), PausedUntil: now.Add(time.Hour)},             // paused
		{ID: 5, Name: "Hoàng Văn Sáu", Cell: "C01", Users: u("5"), PausedUntil: now},                           // pause just over
		{ID: 6, Name: "Đỗ Thị Bảy", Cell: "C01", Users: u("6")},                                                // unreachable
		{ID: 7, Name: "Vũ Văn Tám", Cell: "C01", Users: []bot.UserID{tg("7"), {Platform: bot.Zalo, ID: "z7"}}}, // one chat left
		{ID: 8, Name: "Bùi Văn Chín", Cell: "C02", Users: u("8")},                                              // other cell
		{ID: 9, Name: "An Văn Mười", Cell: "C01", Users: u("9")},                                               // draft only
		{ID: 10, Name: "Lý Thị Mười Một", Cell: "C01", Users: u("10")},                                         // October's report only
		{ID: 11, Name: "Cao Văn Mười Hai", Cell: "", Users: u("11")},                                           // left the cell
	}
	// In the grace days of December, November's reminder goes to who had
	// connected by November only.
	dec2 := time.Date(2026, 12, 2, 9, 0, 0, 0, loc)
	late := append(slices.Clone(members),
		flows.Member{ID: 12, Name: "Kim Văn Mười Ba", Cell: "C02", Users: u("12"), Joined: time.Date(2026, 11, 30, 23, 30, 0, 0, loc)},
		flows.Member{ID: 13, Name: "La Thị Mười Bốn", Cell: "C02", Users: u("13"), Joined: time.Date(2026, 12, 1, 0, 30, 0, 0, loc)})
	reports := map[flows.MemberID]flows.Report{
		2:  {Member: 2, Month: m, Submitted: now},
		3:  {Member: 3, Month: m, Submitted: now},
		9:  {Member: 9, Month: m},
		10: {Member: 10, Month: m.Prev(), Submitted: now},
	}
	unreachable := map[bot.ChatID]bool{tg("6").PrivateChat(): true, tg("7").PrivateChat(): true}
	tests := []struct {
		name    string
		cell    string
		members []flows.Member
		un      map[bot.ChatID]bool
		now     time.Time // zero: 20/11
		want    []string
	}{
		{"C01", "C01", members, unreachable, time.Time{}, []string{"Hoàng Văn Sáu", "Trần Văn Hai", "An Văn Mười", "Vũ Văn Tám", "Lý Thị Mười Một"}},
		{"C01 all reachable", "C01", members, nil, time.Time{}, []string{"Đỗ Thị Bảy", "Hoàng Văn Sáu", "Trần Văn Hai", "An Văn Mười", "Vũ Văn Tám", "Lý Thị Mười Một"}},
		{"C02", "C02", members, unreachable, time.Time{}, []string{"Bùi Văn Chín"}},
		{"C02 in December's grace days", "C02", late, unreachable, dec2, []string{"Bùi Văn Chín", "Kim Văn Mười Ba"}},
		{"no cell", "", members, nil, time.Time{}, nil},
		{"empty", "C01", nil, nil, time.Time{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at := now
			if !tc.now.IsZero() {
				at = tc.now
			}
			got := names(flows.RemindTargets(tc.cell, tc.members, reports, m, at, loc, tc.un))
			want := slices.Clone(tc.want)
			slices.SortFunc(want, flows.CompareNames)
			if !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestRemindFirstRung(t *testing.T) {
	o := newOrg(t)
	paused := o.addMember(flows.Member{Name: "Đặng Văn Mười", Cell: "C01", Users: []bot.UserID{tg("15")},
		PausedUntil: o.date(2026, 12, 1, 0), PauseReason: "ốm"})
	gone := o.addMember(flows.Member{Name: "Lý Thị Mười Một", Cell: "C01", Users: []bot.UserID{tg("16")}})
	o.unreachable(tg("16").PrivateChat())
	slot := o.date(2026, 11, 20, 8)

	ran, got := o.runJob(flows.JobRemindFirst, slot, "")
	if !ran {
		t.Fatal("first rung did not run")
	}
	want := map[bot.ChatID]int{o.uHai.PrivateChat(): 1, o.uSau.PrivateChat(): 1, o.uChin.PrivateChat(): 1}
	if c := chats(got); !sameCount(c, want) {
		t.Fatalf("prompts to %v, want %v:\n%s", c, want, dump(got))
	}
	for _, r := range got {
		wantIn(t, r.Text, "chưa nhận được báo cáo việc làm tháng 11/2026", "hết ngày 05/12/2026")
		if c := r.Flat(); len(c) != 1 || c[0].Data != "go:baocao:202611" {
			t.Errorf("prompt choices %+v, want the report button", c)
		}
	}
	wantIn(t, joined(to(got, o.uSau.PrivateChat())), "Hoàng Văn Sáu", "Chi bộ thôn Đông")
	_, _ = paused, gone

	// The same slot again (a restart replaying it): nothing more.
	if ran, got := o.runJob(flows.JobRemindFirst, slot, ""); ran || len(got) != 0 {
		t.Fatalf("second run of the slot: ran=%v, %d replies", ran, len(got))
	}

	// Pressing the button opens the report for November.
	got = o.press(o.uSau, "go:baocao:202611")
	if len(got) == 0 || strings.Contains(joined(got), flows.T(text.StaleChoice, nil)) {
		t.Fatalf("report button: %s", dump(got))
	}
}

func TestRemindRungsDiffer(t *testing.T) {
	seen := map[string]flows.Job{}
	for i, job := range []flows.Job{flows.JobRemindFirst, flows.JobRemindSecond, flows.JobRemindLast} {
		o := newOrg(t)
		o.at(o.date(2026, 11, 20+i, 9))
		_, got := o.runJob(job, o.date(2026, 11, 20+i, 8), "")
		body := joined(to(got, o.uSau.PrivateChat()))
		if body == "" {
			t.Fatalf("%s: no prompt to Sáu", job)
		}
		if prev, dup := seen[body]; dup {
			t.Errorf("%s says the same as %s", job, prev)
		}
		seen[body] = job
	}
}

func TestRemindLastRung(t *testing.T) {
	o := newOrg(t)
	o.addMember(flows.Member{Name: "Đặng Văn Mười", Cell: "C01", Users: []bot.UserID{tg("15")},
		PausedUntil: o.date(2026, 12, 11, 0), PauseReason: "ốm"})
	o.addMember(flows.Member{Name: "Lý Thị Mười Một", Cell: "C01", Users: []bot.UserID{tg("16")}})
	o.unreachable(tg("16").PrivateChat())
	o.at(o.date(2026, 11, 30, 19))

	ran, got := o.runJob(flows.JobRemindLast, o.date(2026, 11, 30, 18), "")
	if !ran {
		t.Fatal("last rung did not run")
	}
	sec := joined(to(got, o.uHai.PrivateChat()))
	// Hai is both a member who has not reported and the secretary: he
	// gets his own reminder, which tells him his gap (the list does not
	// say it again), and the list is of the others.
	wantIn(t, sec, "lần nhắc cuối", "đã nhận 2/6",
		"Ngoài đồng chí, còn 3 đồng chí", "1. Lý Thị Mười Một (bot không nhắn được)\n", "2. Đặng Văn Mười (tạm hoãn đến 10/12)\n", "3. Hoàng Văn Sáu\n")
	wantNotIn(t, sec, "Trần Văn Hai\n", "Đồng chí chưa báo cáo tháng 11/2026 (gõ /baocao")
	wantIn(t, joined(to(got, o.uBay.PrivateChat())), "Tất cả đảng viên của chi bộ đã báo cáo")
	for _, g := range []bot.ChatID{o.g1, o.g2, o.g3} {
		if n := len(to(got, g)); n != 0 {
			t.Errorf("%d messages to group %s: names never go to a group", n, g)
		}
	}
	for _, r := range got {
		if r.Chat != o.uHai.PrivateChat() {
			wantNotIn(t, r.Text, "Đặng Văn Mười")
		}
	}
	if n := len(to(got, o.uChin.PrivateChat())); n != 1 {
		t.Errorf("Chín got %d messages, want the prompt", n)
	}
}

// TestRemindLastRungSelfNotReminded: a secretary whose reminders are
// paused gets no reminder of her own, so her list states her gap.
func TestRemindLastRungSelfNotReminded(t *testing.T) {
	o := newOrg(t)
	hai := o.hai
	hai.PausedUntil, hai.PauseReason = o.date(2026, 12, 11, 0), "ốm"
	o.update(func(tx flows.Tx) error { return tx.PutMember(&hai) })
	o.at(o.date(2026, 11, 30, 19))
	_, got := o.runJob(flows.JobRemindLast, o.date(2026, 11, 30, 18), "")
	sec := joined(to(got, o.uHai.PrivateChat()))
	wantIn(t, sec, "Đồng chí chưa báo cáo tháng 11/2026 (gõ /baocao để gửi).", "Ngoài đồng chí, còn")
	wantNotIn(t, sec, "lần nhắc cuối")
}

func TestRemindNotMeaningful(t *testing.T) {
	tests := []struct {
		name  string
		setup func(o *org)
		now   time.Time
		slot  time.Time
	}{
		{"every cell closed", func(o *org) {
			for _, c := range []string{"C01", "C02", "C03"} {
				o.update(func(tx flows.Tx) error { return tx.PutMonthState(flows.MonthState{Cell: c, Month: nov, Closed: true}) })
			}
		}, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)},
		{"past the grace", func(*org) {}, time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrg(t)
			tc.setup(o)
			o.replies()
			o.at(tc.now)
			ran, got := o.runJob(flows.JobRemindSecond, tc.slot, "")
			if ran || len(got) != 0 {
				t.Fatalf("ran=%v with %d replies:\n%s", ran, len(got), dump(got))
			}
			// The slot is recorded, so a restart does not try it again.
			var done bool
			o.view(func(tx flows.Tx) error {
				var err error
				done, err = tx.JobRan("remind_second@" + tc.slot.UTC().Format(time.RFC3339))
				return err
			})
			if !done {
				t.Error("a slot no longer meaningful is not recorded")
			}
		})
	}
}

func TestRemindOneCellClosed(t *testing.T) {
	o := newOrg(t)
	o.update(func(tx flows.Tx) error {
		return tx.PutMonthState(flows.MonthState{Cell: "C01", Month: nov, Closed: true})
	})
	ran, got := o.runJob(flows.JobRemindFirst, o.date(2026, 11, 20, 8), "")
	want := map[bot.ChatID]int{o.uChin.PrivateChat(): 1}
	if !ran || !sameCount(chats(got), want) {
		t.Fatalf("ran=%v, prompts to %v, want %v", ran, chats(got), want)
	}
}

// TestRemindAfterDowntime: when a later rung's slot has passed too, the
// earlier one is skipped, so nobody gets every missed rung at once.
func TestRemindAfterDowntime(t *testing.T) {
	o := newOrg(t)
	o.eng.Schedules = map[flows.Job]flows.Schedule{
		flows.JobRemindFirst:  fixedSchedule{o.date(2026, 11, 20, 8), o.date(2026, 12, 20, 8)},
		flows.JobRemindSecond: fixedSchedule{o.date(2026, 11, 25, 8), o.date(2026, 12, 25, 8)},
	}
	o.at(o.date(2026, 11, 26, 9))
	if ran, got := o.runJob(flows.JobRemindFirst, o.date(2026, 11, 20, 8), ""); ran || len(got) != 0 {
		t.Fatalf("superseded first rung ran=%v with %d replies", ran, len(got))
	}
	if ran, got := o.runJob(flows.JobRemindSecond, o.date(2026, 11, 25, 8), ""); !ran || len(got) != 3 {
		t.Fatalf("second rung ran=%v with %d replies, want 3:\n%s", ran, len(got), dump(got))
	}
	// Before the second rung's slot, the first one runs.
	o2 := newOrg(t)
	o2.eng.Schedules = o.eng.Schedules
	o2.at(o2.date(2026, 11, 24, 9))
	if ran, _ := o2.runJob(flows.JobRemindFirst, o2.date(2026, 11, 20, 8), ""); !ran {
		t.Fatal("first rung not run before the second's slot")
	}
}
