package flows_test

import (
	"fmt"
	"testing"
	"time"

	"lamtheo/flows"
)

func TestLeaderboardDue(t *testing.T) {
	loc := vnZone(t)
	at := func(mo, d, h int) time.Time { return time.Date(2026, time.Month(mo), d, h, 0, 0, 0, loc) }
	for _, c := range []struct {
		t     time.Time
		grace int
		month flows.Month // 0: none due
	}{
		{at(12, 1, 8), 5, 0},
		{at(12, 5, 23), 5, 0},
		{at(12, 6, 0), 5, nov},
		{at(12, 6, 8), 5, nov},
		{at(12, 12, 23), 5, nov},
		{at(12, 13, 0), 5, 0}, // a week after the deadline: stale
		{at(12, 3, 8), 3, 0},
		{at(12, 4, 8), 3, nov},
		{at(12, 1, 8), 0, nov}, // no grace: the 1st
		{at(11, 30, 8), 0, 0},
		{at(12, 29, 8), 28, nov},
	} {
		m, due := flows.LeaderboardDue(c.t, loc, c.grace)
		if due != (c.month != 0) || (due && m != c.month) {
			t.Errorf("LeaderboardDue(%s, grace %d) = %s, %v; want %s", c.t.Format("02/01 15:04"), c.grace, m, due, c.month)
		}
	}
}

// TestLeaderboardPosting: November's board goes out once, on the first run
// after the organisation's deadline; C02 (100 %) meeting on the 10th is
// still collecting then and is shown with its figure so far, unranked,
// while C01 (50 %) is ranked alone; after C02's meeting its group is told
// its place, once.
func TestLeaderboardPosting(t *testing.T) {
	type run struct {
		now, slot [2]int // December day and hour
		want      string // "": nothing posted; "open": C02 still collecting; "final": C02 ranked; "late": C02 told its place once final
	}
	for _, c := range []struct {
		name           string
		grace, meeting int
		runs           []run
	}{
		{"grace 5, meeting on the 10th", 5, 10, []run{
			{[2]int{5, 9}, [2]int{5, 8}, ""},
			{[2]int{6, 9}, [2]int{6, 8}, "open"},
			{[2]int{6, 9}, [2]int{6, 8}, ""},   // the same slot twice
			{[2]int{6, 21}, [2]int{6, 20}, ""}, // another slot the same day
			{[2]int{7, 9}, [2]int{7, 8}, ""},
			{[2]int{10, 9}, [2]int{10, 8}, ""},     // C02's meeting: still collecting
			{[2]int{11, 9}, [2]int{11, 8}, "late"}, // C02 final now: its place, to it alone
			{[2]int{11, 21}, [2]int{11, 20}, ""},
			{[2]int{12, 9}, [2]int{12, 8}, ""},
		}},
		{"grace 3, meeting on the 10th", 3, 10, []run{
			{[2]int{3, 9}, [2]int{3, 8}, ""},
			{[2]int{4, 9}, [2]int{4, 8}, "open"},
		}},
		{"grace 5, no meeting day", 5, 0, []run{
			{[2]int{6, 9}, [2]int{6, 8}, "final"},
		}},
		{"grace 5, meeting on the 3rd", 5, 3, []run{
			{[2]int{6, 9}, [2]int{6, 8}, "final"},
		}},
		{"grace 3, no meeting day", 3, 0, []run{
			{[2]int{4, 9}, [2]int{4, 8}, "final"},
		}},
		{"catch-up after an outage, before C02's meeting", 5, 10, []run{
			{[2]int{9, 10}, [2]int{9, 8}, "open"},
			{[2]int{10, 9}, [2]int{10, 8}, ""},
			{[2]int{15, 9}, [2]int{15, 8}, "late"}, // after another outage
		}},
		{"catch-up after an outage, after C02's meeting", 5, 10, []run{
			{[2]int{11, 10}, [2]int{11, 8}, "final"},
			{[2]int{12, 9}, [2]int{12, 8}, ""},
		}},
		{"catch-up a week after the deadline: too late", 5, 0, []run{
			{[2]int{13, 10}, [2]int{13, 8}, ""},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := newOrg(t)
			o.eng.Cfg.GraceDays = c.grace
			o.setMeetingDay("C02", c.meeting)
			for i, r := range c.runs {
				o.at(o.date(2026, 12, r.now[0], r.now[1]))
				_, got := o.runJob(flows.JobLeaderboard, o.date(2026, 12, r.slot[0], r.slot[1]), "")
				g2 := joined(to(got, o.g2))
				step := fmt.Sprintf("run %d (%d/12 %d:00)", i+1, r.now[0], r.now[1])
				switch r.want {
				case "":
					if len(got) != 0 {
						t.Errorf("%s posted:\n%s", step, dump(got))
					}
				case "open":
					wantIn(t, g2, "Bảng xếp hạng báo cáo việc làm tháng 11/2026\n1. Chi bộ thôn Đông — 50%\n"+
						"— Chi bộ thôn Tây (chi bộ ta): 100% đến nay (còn nhận báo cáo đến hết ngày 10/12/2026, chưa tính xếp hạng)\n",
						"Chi bộ thôn Tây còn nhận báo cáo tháng 11/2026 đến hết ngày 10/12/2026 (đến nay 2/2 đồng chí đã báo cáo), nên bảng xếp hạng này chưa tính chi bộ; khi hết hạn, bot sẽ báo thứ hạng của chi bộ.")
					wantNotIn(t, g2, "xếp thứ", "bậc")
					wantIn(t, joined(to(got, o.g1)), "1. Chi bộ thôn Đông (chi bộ ta) — 50%\n", "xếp thứ 1/1")
					wantIn(t, joined(to(got, o.admin.PrivateChat())),
						"— C02 Chi bộ thôn Tây: 2/2 (100%) đến nay, còn nhận báo cáo đến hết ngày 10/12/2026, chưa tính xếp hạng")
				case "late":
					if c := len(got); c != 1 || len(to(got, o.g2)) != 1 {
						t.Errorf("%s: want one message, to C02's group:\n%s", step, dump(got))
					}
					wantIn(t, g2, "Chi bộ thôn Tây đã hết hạn nhận báo cáo tháng 11/2026: 2/2 đồng chí đã báo cáo (100%). "+
						"Tính cùng các chi bộ khác trong bảng xếp hạng tháng 11/2026, chi bộ xếp thứ 1/2.")
				case "final":
					wantIn(t, g2, "1. Chi bộ thôn Tây (chi bộ ta) — 100%\n2. Chi bộ thôn Đông — 50%\n", "xếp thứ 1/2")
					wantNotIn(t, g2, "đến nay")
				}
				if t.Failed() {
					t.Fatalf("%s", step)
				}
			}
		})
	}
}
