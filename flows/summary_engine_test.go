package flows_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

func TestSummaryInGroupHasCountsOnly(t *testing.T) {
	o := newOrg(t)
	for _, u := range []bot.UserID{o.uBa, o.uHai, o.admin, o.uBay} {
		got := o.sendIn(o.g1, u, "/summary")
		if len(got) != 1 || got[0].Chat != o.g1 {
			t.Fatalf("want one reply in the group, got:\n%s", dump(got))
		}
		wantIn(t, got[0].Text, "Chi bộ thôn Đông", "tháng 11/2026", "Đã báo cáo: 2/4 đồng chí (50%)",
			"Chưa báo cáo: 2 đồng chí", "Được miễn công tác và sinh hoạt đảng: 1 đồng chí")
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
	wantIn(t, got, flows.T(text.ReportFuture, map[string]string{"Month": "tháng 12/2026"}))
	// A group linked to no cell.
	got = joined(o.sendIn(o.g3, o.admin, "/summary"))
	wantIn(t, got, flows.T(text.GroupNotLinked, nil))
	// A stranger, whom the bot cannot write to privately, is asked in one
	// neutral line to write to the bot; the group is not told why.
	reps := o.sendIn(o.g1, o.uStranger, "/summary")
	if len(reps) != 1 || reps[0].Chat != o.g1 || reps[0].Text != flows.T(text.GroupAskPrivate, map[string]string{"Bot": "@lamtheo_test_bot"}) {
		t.Errorf("a stranger's /summary in the group got:\n%s", dump(reps))
	}
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
	// Hai, the secretary, has not reported: that is said to him first,
	// not mixed into the list of the others.
	wantIn(t, s, "Đã báo cáo: 2/4", "Chưa báo cáo (1):\n1. Hoàng Văn Sáu")
	if !strings.HasPrefix(s, "Đồng chí chưa báo cáo tháng 11/2026") {
		t.Errorf("the secretary's own gap is not said first:\n%s", s)
	}
	wantNotIn(t, s, "Trần Văn Hai")
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
	wantIn(t, joined(got), "tháng 10/2026", "Chưa báo cáo (3)")
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
	wantIn(t, got[1].Text, "Đồng chí chưa báo cáo tháng 11/2026", "Chưa báo cáo (1):", "Hoàng Văn Sáu")
	if l := labels(got); !slices.Contains(l, "Lê Văn Bốn") {
		t.Errorf("cell view has no reports to read: %v", l)
	}
}

// countTx counts the reads of a Tx, to check what a summary costs.
type countTx struct {
	flows.Tx
	report, reports, pledge, pledges, members int
}

func (c *countTx) TallyReports(m flows.Month, fn func(flows.ReportTally) error) error {
	c.reports++
	return c.Tx.TallyReports(m, fn)
}

func (c *countTx) TallyPledges(y int, fn func(flows.PledgeTally) error) error {
	c.pledges++
	return c.Tx.TallyPledges(y, fn)
}

func (c *countTx) TallyMembers(fn func(flows.MemberTally) error) error {
	c.members++
	return c.Tx.TallyMembers(fn)
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

func (c *countTx) EachMember(fn func(flows.Member) error) error {
	c.members++
	return c.Tx.EachMember(fn)
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
	// The org: one range scan of November's report digests, one of the
	// year's pledge digests, one of the member digests; no record read.
	if ot.report != 0 || ot.reports != 1 || ot.pledge != 0 || ot.pledges != 1 || ot.members != 1 {
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

// TestSummaryCountsFromJoining: a member who connected at 00:30 on
// 1 December in Hà Nội (30 November in UTC) counts in December's cell and
// organisation summaries, not in November's, even with a report of
// November (typed in the grace days), and is not listed as missing in
// November.
func TestSummaryCountsFromJoining(t *testing.T) {
	o := newOrg(t)
	o.at(o.date(2026, 12, 2, 9))
	muoi := o.addMember(flows.Member{Name: "Mai Văn Mười", Cell: "C01", Users: []bot.UserID{tg("31")},
		Joined: time.Date(2026, 11, 30, 17, 30, 0, 0, time.UTC)})
	o.putReport(flows.Report{Member: muoi.ID, Month: nov, Other: "Dọn đường làng"})
	for _, tc := range []struct {
		month                   flows.Month
		reported, must, members int
		orgReported, orgMu      int
	}{
		{nov, 2, 4, 5, 4, 7}, // Mười is on the roster from December
		{nov.Next(), 0, 5, 6, 0, 8},
	} {
		var cell flows.CellSummary
		var org flows.OrgSummary
		o.view(func(tx flows.Tx) error {
			var err error
			if cell, err = o.eng.CellSummary(tx, "C01", tc.month); err != nil {
				return err
			}
			org, err = o.eng.OrgSummary(tx, tc.month)
			return err
		})
		if cell.Reported != tc.reported || cell.MustReport != tc.must || cell.Members != tc.members {
			t.Errorf("%s: cell %+v, want %d/%d of %d", tc.month, cell.SummaryCounts, tc.reported, tc.must, tc.members)
		}
		if in := slices.ContainsFunc(cell.Missing, func(m flows.Member) bool { return m.ID == muoi.ID }); in != (tc.month != nov) {
			t.Errorf("%s: Mười missing = %v", tc.month, in)
		}
		if org.Total.Reported != tc.orgReported || org.Total.MustReport != tc.orgMu {
			t.Errorf("%s: org %+v, want %d/%d", tc.month, org.Total, tc.orgReported, tc.orgMu)
		}
	}
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
