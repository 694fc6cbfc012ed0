package flows_test

import (
	"testing"
	"time"

	"lamtheo/flows"
)

func TestMe(t *testing.T) {
	tests := []struct {
		name    string
		reports map[flows.Month][]flows.Entry // Ba's reports besides the fixture's
		dropNov bool                          // remove Ba's November report
		joined  [5]int                        // y, m, d, h, min in Hà Nội when Ba connected; zero: in 2020
		now     [3]int                        // y, m, d
		next    bool                          // Ba has sent her 2027 pledge
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
			want:    []string{"Báo cáo năm 2027 (✓ đã gửi, – chưa):\nT1 –", "báo cáo liền 3 tháng, đến tháng 12/2026", "chưa có bản đăng ký năm 2027"},
			notWant: []string{"T2", "Giúp đỡ"},
		},
		{
			name:    "connected on 15 November: only the months since, one month reported",
			joined:  [5]int{2026, 11, 15, 9, 0},
			now:     [3]int{2026, 12, 20},
			want:    []string{"(✓ đã gửi, – chưa):\nT11 ✓ T12 –\n", "Đồng chí đã báo cáo tháng 11/2026. Xin cảm ơn đồng chí!", "chưa báo cáo tháng 12/2026: gõ /baocao"},
			notWant: []string{"T10", "T1 ", "liền"},
		},
		{
			name:    "connected at 00:30 on 1 December in Hà Nội (30 November in UTC)",
			joined:  [5]int{2026, 12, 1, 0, 30},
			dropNov: true, // a November report would be shown (see the transfer case)
			now:     [3]int{2026, 12, 20},
			want:    []string{"(✓ đã gửi, – chưa):\nT12 –\n", "chưa báo cáo tháng 12/2026: gõ /baocao"},
			notWant: []string{"T11", "Xin cảm ơn"},
		},
		{
			name:    "transferred on 1 December: the former cell's reports stay in the line",
			joined:  [5]int{2026, 12, 1, 10, 0},
			reports: map[flows.Month][]flows.Entry{202609: {{Item: 1, Status: flows.Done}}},
			now:     [3]int{2026, 12, 20},
			want:    []string{"(✓ đã gửi, – chưa):\nT9 ✓ T10 – T11 ✓ T12 –\n"},
			notWant: []string{"T8"},
		},
		{
			name:    "connected last year: every month of this one",
			joined:  [5]int{2026, 11, 15, 9, 0},
			reports: map[flows.Month][]flows.Entry{202612: {{Item: 1, Status: flows.Done}}, 202701: {{Item: 1, Status: flows.Done}}},
			now:     [3]int{2027, 2, 3},
			want:    []string{"(✓ đã gửi, – chưa):\nT1 ✓ T2 –\n", "báo cáo liền 3 tháng, đến tháng 1/2027"},
		},
		{
			name:    "December: this year's pledge, and the coming year's that /dangky opens",
			now:     [3]int{2026, 12, 20},
			want:    []string{"Bản đăng ký năm 2026 (", "Đồng chí chưa có bản đăng ký năm 2027. Gõ /dangky để đăng ký."},
			notWant: []string{"chưa có bản đăng ký năm 2026"},
		},
		{
			name:    "December, the coming year's pledge sent",
			now:     [3]int{2026, 12, 20},
			next:    true,
			want:    []string{"Bản đăng ký năm 2026 (", "Bản đăng ký năm 2027: đã gửi, chờ bí thư duyệt."},
			notWant: []string{"Gõ /dangky"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrg(t)
			if j := tc.joined; j[0] != 0 {
				ba := o.member(o.ba.ID)
				ba.Joined = time.Date(j[0], time.Month(j[1]), j[2], j[3], j[4], 0, 0, o.loc)
				o.update(func(tx flows.Tx) error { return tx.PutMember(&ba) })
			}
			o.at(o.date(tc.now[0], tc.now[1], tc.now[2], 9))
			for m, es := range tc.reports {
				o.putReport(flows.Report{Member: o.ba.ID, Month: m, Entries: es})
			}
			if tc.next {
				o.update(func(tx flows.Tx) error {
					return tx.PutPledge(flows.Pledge{Member: o.ba.ID, Year: 2027, Status: flows.PledgeSubmitted,
						Items: []flows.PledgeItem{{No: 1, Text: "Trồng cây"}}})
				})
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
	wantIn(t, got, "miễn công tác và sinh hoạt đảng", "chưa có bản đăng ký năm 2026", "T11 ✓")
	wantNotIn(t, got, "/baocao để gửi")
}
