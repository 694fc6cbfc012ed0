package flows

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"lamtheo/flows/text"
)

// checkUserText fails when s is not fit to show: empty, a catalogue miss
// ("[key]") or addressing someone as "bạn".
func checkUserText(t *testing.T, s string) {
	t.Helper()
	if strings.TrimSpace(s) == "" {
		t.Errorf("empty text")
	}
	if strings.Contains(s, "[") {
		t.Errorf("catalogue miss in %q", s)
	}
	if strings.Contains(strings.ToLower(s), "bạn") {
		t.Errorf("text says \"bạn\": %q", s)
	}
	if strings.Contains(s, "<no value>") || strings.Contains(s, "%!") {
		t.Errorf("template defect in %q", s)
	}
}

func TestSummaryKeysInCatalogue(t *testing.T) {
	cat, err := text.Default()
	if err != nil {
		t.Fatal(err)
	}
	declared := map[text.Key]bool{}
	for _, k := range text.SummaryKeys {
		declared[k] = true
		if !cat.Has(k) {
			t.Errorf("key %s declared but not in the catalogue", k)
		}
	}
	for _, k := range cat.Keys() {
		if strings.HasPrefix(string(k), "summary.") && !declared[k] {
			t.Errorf("catalogue entry %s has no key constant in SummaryKeys", k)
		}
	}
}

var (
	testFamily = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Đặng", "Bùi", "Ngô"}
	testMiddle = []string{"Văn", "Thị", "Đức", "Minh", "Thu", ""}
	testGiven  = []string{"An", "Ánh", "Ân", "Bình", "Chi", "Dũng", "Đức", "Hà", "Hải", "Lan", "Long", "Ơn", "Uyên", "Ưng", "Yến"}
)

func testName(r *rand.Rand) string {
	return strings.Join(strings.Fields(strings.Join([]string{
		testFamily[r.IntN(len(testFamily))], testMiddle[r.IntN(len(testMiddle))], testGiven[r.IntN(len(testGiven))],
	}, " ")), " ")
}

// testCell generates a cell's members, reports and pledges for month: some
// members exempt, some in another cell, some connected after month (or at
// its last instant), reports in this and the neighbouring months, drafts,
// and pledges of other years.
func testCell(r *rand.Rand, code string, month Month) ([]Member, map[MemberID]Report, map[MemberID]Pledge) {
	sub := month.Start(time.UTC).Add(72 * time.Hour)
	n := r.IntN(121)
	ms := make([]Member, 0, n)
	reports := map[MemberID]Report{}
	pledges := map[MemberID]Pledge{}
	for i := range n {
		m := Member{ID: MemberID(1000*r.IntN(5) + i + 1), Name: testName(r), Cell: code}
		switch r.IntN(10) {
		case 0, 1:
			m.Status = Exempt
		case 2:
			m.Cell = "OTHER"
		case 3:
			m.Cell = ""
		}
		switch r.IntN(8) {
		case 0:
			m.Joined = month.Next().Start(time.UTC) // the first instant after month
		case 1:
			m.Joined = month.Next().Start(time.UTC).Add(-time.Nanosecond)
		case 2:
			m.Joined = month.Start(time.UTC).AddDate(-1, 0, 0)
		}
		ms = append(ms, m)
		p := Pledge{Member: m.ID, Year: month.Year(), Status: PledgeApproved}
		for no := 1; no <= r.IntN(5); no++ {
			p.Items = append(p.Items, PledgeItem{No: no, Text: fmt.Sprintf("việc %d", no)})
		}
		switch r.IntN(6) {
		case 0:
			p.Year--
		case 1:
			p.Status = PledgeDraft
		case 2:
			p.Status = PledgeSubmitted
		}
		if r.IntN(8) > 0 {
			pledges[m.ID] = p
		}
		rep := Report{Member: m.ID, Month: month, Submitted: sub, Exemplary: r.IntN(8) == 0}
		for no := 1; no <= 5; no++ {
			if r.IntN(2) == 0 {
				rep.Entries = append(rep.Entries, Entry{Item: no, Status: ItemStatus(r.IntN(3)), Text: "đã làm việc tốt"})
			}
		}
		if r.IntN(2) == 0 { // a duplicate entry must not count twice
			rep.Entries = append(rep.Entries, Entry{Item: 1, Status: Done})
		}
		switch r.IntN(7) {
		case 0:
			continue // no report
		case 1:
			rep.Month = month.Prev()
		case 2:
			rep.Month = month.Next()
		case 3:
			rep.Submitted = time.Time{} // a draft
		}
		reports[m.ID] = rep
	}
	return ms, reports, pledges
}

func TestSummarizeCellGenerated(t *testing.T) {
	const code = "C07"
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 7))
		month := Month(202601 + r.IntN(12))
		ms, reports, pledges := testCell(r, code, month)
		cell := Cell{Code: code, Name: "Chi bộ thôn Đông"}
		got := SummarizeCell(cell, ms, reports, pledges, month, time.UTC, MonthState{Cell: code, Month: month})

		// The expected numbers, computed the plain way.
		var want SummaryCounts
		var missing []MemberID
		for _, m := range ms {
			if m.Cell != code {
				continue
			}
			want.Members++
			if m.Status == Exempt {
				want.Exempt++
				continue
			}
			if !m.Joined.IsZero() && !m.Joined.Before(month.Next().Start(time.UTC)) {
				continue // connected after month: not counted
			}
			want.MustReport++
			want.Connected++ // SummarizeCell: every member uses the bot
			p, ok := pledges[m.ID]
			pledged := ok && p.Year == month.Year() && p.Status != PledgeDraft
			if pledged {
				want.Pledged++
				want.ItemsPledged += len(p.Items)
			}
			rep, ok := reports[m.ID]
			if !ok || rep.Month != month || rep.Submitted.IsZero() {
				missing = append(missing, m.ID)
				continue
			}
			want.Reported++
			if rep.Exemplary {
				want.Exemplary++
			}
			if pledged {
				done := map[int]bool{}
				for _, e := range rep.Entries {
					if e.Status == Done && e.Item <= len(p.Items) {
						done[e.Item] = true
					}
				}
				want.ItemsDone += len(done)
			}
		}
		want.NotReported = want.MustReport - want.Reported
		if got.SummaryCounts != want {
			t.Fatalf("seed %d: counts\n got %+v\nwant %+v", seed, got.SummaryCounts, want)
		}
		if got.Reported+got.NotReported != got.MustReport || got.MustReport+got.Exempt > got.Members {
			t.Fatalf("seed %d: inconsistent %+v", seed, got.SummaryCounts)
		}
		var gotMissing []MemberID
		for i, m := range got.Missing {
			gotMissing = append(gotMissing, m.ID)
			if i > 0 && CompareNames(got.Missing[i-1].Name, m.Name) > 0 {
				t.Fatalf("seed %d: missing not in name order: %q before %q", seed, got.Missing[i-1].Name, m.Name)
			}
		}
		slices.Sort(gotMissing)
		slices.Sort(missing)
		if !slices.Equal(gotMissing, missing) {
			t.Fatalf("seed %d: missing %v, want %v", seed, gotMissing, missing)
		}
		if len(got.Deeds) != want.Exemplary {
			t.Fatalf("seed %d: %d deeds, want %d", seed, len(got.Deeds), want.Exemplary)
		}
		for _, d := range got.Deeds {
			if rep := reports[d.Member]; !rep.Exemplary || d.Cell != code || d.CellName != cell.Name {
				t.Fatalf("seed %d: deed %+v", seed, d)
			}
		}
		if got.Closed {
			t.Fatalf("seed %d: closed", seed)
		}

		// What the group sees names nobody.
		group := RenderCellGroup(Text(), got)
		checkUserText(t, group)
		for _, m := range ms {
			if strings.Contains(group, m.Name) {
				t.Fatalf("seed %d: group text names %q:\n%s", seed, m.Name, group)
			}
		}
		sec := RenderCellSecretary(Text(), got)
		checkUserText(t, sec)
		for _, m := range got.Missing {
			if !strings.Contains(sec, m.Name) {
				t.Fatalf("seed %d: secretary text lacks %q", seed, m.Name)
			}
		}
	}
}

func TestSummarizeCellCases(t *testing.T) {
	const month = Month(202611)
	sub := time.Date(2026, 11, 5, 8, 0, 0, 0, time.UTC)
	cell := Cell{Code: "C01", Name: "Chi bộ thôn Đông"}
	ms := []Member{
		{ID: 1, Name: "Nguyễn Văn An", Cell: "C01"},
		{ID: 2, Name: "Trần Thị Bình", Cell: "C01"},
		{ID: 3, Name: "Lê Đức", Cell: "C01"},
		{ID: 4, Name: "Phạm Hà", Cell: "C01", Status: Exempt},
		{ID: 5, Name: "Hoàng Ánh", Cell: "C01"},
	}
	pledges := map[MemberID]Pledge{
		1: {Member: 1, Year: 2026, Status: PledgeApproved, Items: []PledgeItem{{No: 1, Text: "Giúp hộ nghèo"}, {No: 3, Text: "Trồng cây"}}},
		4: {Member: 4, Year: 2026, Status: PledgeApproved, Items: []PledgeItem{{No: 1, Text: "Tuyên truyền"}}},
	}
	reports := map[MemberID]Report{
		1: {Member: 1, Month: month, Submitted: sub, Exemplary: true, Other: "dọn  đường\tlàng",
			Entries: []Entry{{Item: 1, Status: Done, Text: "sửa nhà cho bà Tư"}, {Item: 3, Status: Doing, Text: "đã đào hố"}, {Item: 2, Status: Done}}},
		2: {Member: 2, Month: month, Submitted: sub},
		3: {Member: 3, Month: month.Prev(), Submitted: sub},                                                      // last month's
		4: {Member: 4, Month: month, Submitted: sub, Exemplary: true, Entries: []Entry{{Item: 1, Status: Done}}}, // exempt
		5: {Member: 5, Month: month, Exemplary: true},                                                            // not submitted
	}
	s := SummarizeCell(cell, ms, reports, pledges, month, time.UTC, MonthState{})
	want := SummaryCounts{Members: 5, Exempt: 1, MustReport: 4, Connected: 4, Reported: 2, NotReported: 2, Pledged: 1, ItemsPledged: 2, ItemsDone: 1, Exemplary: 1}
	if s.SummaryCounts != want {
		t.Fatalf("counts\n got %+v\nwant %+v", s.SummaryCounts, want)
	}
	if s.Percent() != "50%" {
		t.Errorf("percent %s", s.Percent())
	}
	if len(s.Missing) != 2 || s.Missing[0].Name != "Hoàng Ánh" || s.Missing[1].Name != "Lê Đức" {
		t.Errorf("missing %+v", s.Missing)
	}
	if len(s.Deeds) != 1 || s.Deeds[0].Member != 1 || s.Deeds[0].Text != "sửa nhà cho bà Tư; dọn đường làng" {
		t.Errorf("deeds %+v", s.Deeds)
	}

	group := RenderCellGroup(Text(), s)
	for _, want := range []string{"Chi bộ thôn Đông", "tháng 11/2026", "2/4", "50%", "Chưa báo cáo: 2", "Được miễn công tác và sinh hoạt đảng: 1"} {
		if !strings.Contains(group, want) {
			t.Errorf("group text lacks %q:\n%s", want, group)
		}
	}
	sec := RenderCellSecretary(Text(), s)
	counts := strings.TrimSuffix(group, "\nĐồng chí nào chưa báo cáo xin nhắn riêng cho bot để gửi báo cáo.")
	if counts == group {
		t.Errorf("group text lacks the invitation to report privately:\n%s", group)
	}
	// In private the list of names says how many have not reported: the
	// count is not said twice.
	counts = strings.Replace(counts, "\nChưa báo cáo: 2 đồng chí", "", 1)
	if strings.Contains(sec, "xin nhắn riêng") || strings.Contains(sec, "Chưa báo cáo: 2") {
		t.Errorf("secretary text repeats the group's invitation or count:\n%s", sec)
	}
	for _, want := range []string{counts, "1. Hoàng Ánh\n2. Lê Đức", "Nguyễn Văn An: sửa nhà cho bà Tư"} {
		if !strings.Contains(sec, want) {
			t.Errorf("secretary text lacks %q:\n%s", want, sec)
		}
	}
	if strings.Contains(sec, "Phạm Hà") {
		t.Errorf("secretary text shows the exempt member:\n%s", sec)
	}

	// Closed: only a state of this month closes it.
	for _, tt := range []struct {
		st   MonthState
		want bool
	}{
		{MonthState{Cell: "C01", Month: month, Closed: true}, true},
		{MonthState{Closed: true}, true},
		{MonthState{Cell: "C01", Month: month.Prev(), Closed: true}, false},
		{MonthState{Cell: "C02", Month: month, Closed: true}, false},
		{MonthState{Cell: "C01", Month: month}, false},
	} {
		cs := SummarizeCell(cell, ms, reports, pledges, month, time.UTC, tt.st)
		if cs.Closed != tt.want {
			t.Errorf("state %+v: closed %v", tt.st, cs.Closed)
		}
		if out := RenderCellGroup(Text(), cs); strings.Contains(out, "đã chốt") != tt.want {
			t.Errorf("state %+v: group text\n%s", tt.st, out)
		}
	}

	// Everybody reported, nobody to report.
	all := SummarizeCell(cell, ms[:2], reports, pledges, month, time.UTC, MonthState{})
	if out := RenderCellGroup(Text(), all); !strings.Contains(out, "2/2 đồng chí (100%)") || strings.Contains(out, "Chưa báo cáo") {
		t.Errorf("all reported:\n%s", out)
	}
	empty := SummarizeCell(cell, ms[3:4], reports, pledges, month, time.UTC, MonthState{})
	if empty.MustReport != 0 || empty.Percent() != "—" {
		t.Errorf("empty %+v", empty.SummaryCounts)
	}
	for _, out := range []string{RenderCellGroup(Text(), all), RenderCellSecretary(Text(), all), RenderCellGroup(Text(), empty), RenderCellSecretary(Text(), empty)} {
		checkUserText(t, out)
	}
}

func testSummary(code, name string, reported, must int) CellSummary {
	return CellSummary{Cell: Cell{Code: code, Name: name}, Month: 202611,
		SummaryCounts: SummaryCounts{Members: must + 1, Exempt: 1, MustReport: must, Reported: reported, NotReported: must - reported}}
}

func TestSummarizeOrg(t *testing.T) {
	cells := []CellSummary{
		testSummary("C1", "Chi bộ Trường học", 0, 0),
		testSummary("C2", "Chi bộ thôn Đông", 4, 6),
		testSummary("C3", "Chi bộ thôn Dương", 2, 3), // same rate as C2: same rank, D before Đ
		testSummary("C4", "Chi bộ Công an", 1, 1),
		testSummary("C5", "Chi bộ thôn Bắc", 0, 5),
		testSummary("C6", "Chi bộ Quân sự", 0, 0),
		testSummary("C7", "Chi bộ thôn Nam", 67, 100), // shows 67% like 2/3: the same rank
		testSummary("C8", "Chi bộ thôn Ấp", 0, 7),
		testSummary("C9", "Chi bộ Y tế", 199, 200), // shows 99%, below 100%
	}
	o := SummarizeOrg(202611, cells)
	var got []string
	for _, r := range o.Rows {
		got = append(got, r.Place()+" "+r.Cell.Code)
	}
	want := []string{"1 C4", "2 C9", "3 C3", "3 C2", "3 C7", "6 C8", "6 C5", "— C6", "— C1"}
	if !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	wantTotal := SummaryCounts{Members: 331, Exempt: 9, MustReport: 322, Reported: 273, NotReported: 49}
	if o.Total != wantTotal {
		t.Errorf("total %+v, want %+v", o.Total, wantTotal)
	}

	out := RenderOrg(Text(), o)
	checkUserText(t, out)
	for _, want := range []string{
		"tháng 11/2026", "1. Chi bộ Công an — 1/1 (100%)", "3. Chi bộ thôn Dương — 2/3 (67%)\n3. Chi bộ thôn Đông — 4/6 (67%)",
		"— Chi bộ Quân sự: không có", "Toàn Đảng bộ: 273/322 (85%)", "2. Chi bộ Y tế — 199/200 (99%)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("org text lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if n := len([]rune(line)); n > 60 {
			t.Errorf("line too long for a phone (%d): %q", n, line)
		}
	}

	if e := SummarizeOrg(202611, nil); len(e.Rows) != 0 {
		t.Errorf("empty org rows %v", e.Rows)
	} else {
		checkUserText(t, RenderOrg(Text(), e))
	}
}

func TestOrgDeeds(t *testing.T) {
	a := testSummary("C1", "Chi bộ A", 1, 2)
	a.Deeds = []ExemplaryDeed{{Member: 1, Name: "Lê An"}}
	b := testSummary("C2", "Chi bộ B", 2, 2)
	b.Deeds = []ExemplaryDeed{{Member: 2, Name: "Lê Bình"}, {Member: 3, Name: "Lê Chi"}}
	var names []string
	for _, d := range SummarizeOrg(202611, []CellSummary{a, b}).Deeds() {
		names = append(names, d.Name)
	}
	if want := []string{"Lê Bình", "Lê Chi", "Lê An"}; !slices.Equal(names, want) {
		t.Errorf("deeds %q, want %q", names, want)
	}
}

func TestRenderMemberReport(t *testing.T) {
	m := Member{ID: 1, Name: "Nguyễn Văn An"}
	p := Pledge{Member: 1, Year: 2026, Items: []PledgeItem{{No: 1, Text: "Giúp hộ nghèo"}, {No: 2, Text: "Trồng cây"}, {No: 4, Text: "Học nghị quyết"}}}
	r := Report{Member: 1, Month: 202611, Submitted: time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC), Photo: "file-1", Exemplary: true,
		Entries: []Entry{
			{Item: 1, Status: Done, Text: "Sửa nhà cho bà Tư"},
			{Item: 2, Status: Doing},
			{Item: 3, Status: Done, Text: "việc cũ"},
			{Item: 0, Status: Done, Text: "Hiến máu"},
		},
		Other: "Dọn đường làng"}
	out := RenderMemberReport(Text(), m, p, r)
	checkUserText(t, out)
	for _, want := range []string{
		"tháng 11/2026", "đồng chí Nguyễn Văn An",
		"1. Giúp hộ nghèo: đã làm — Sửa nhà cho bà Tư",
		"2. Trồng cây: đang làm\n",
		"4. Học nghị quyết: chưa làm",
		"Việc số 3", "- Hiến máu", "- Dọn đường làng", "Có ảnh minh chứng", "biểu dương",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "chưa gửi") {
		t.Errorf("submitted report shown as a draft:\n%s", out)
	}

	draft := RenderMemberReport(Text(), m, p, Report{Member: 1, Month: 202611})
	checkUserText(t, draft)
	for _, want := range []string{"(chưa gửi)", "Không có ảnh", "1. Giúp hộ nghèo: chưa làm"} {
		if !strings.Contains(draft, want) {
			t.Errorf("draft text lacks %q:\n%s", want, draft)
		}
	}
	none := RenderMemberReport(Text(), m, Pledge{}, Report{})
	checkUserText(t, none)
	if strings.Contains(none, "tháng 0") {
		t.Errorf("empty report text:\n%s", none)
	}
}

func BenchmarkSummarizeCell(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	ms, reports, pledges := testCell(r, "C01", 202611)
	for len(ms) < 120 {
		ms, reports, pledges = testCell(r, "C01", 202611)
	}
	cell := Cell{Code: "C01", Name: "Chi bộ thôn Đông"}
	b.ReportAllocs()
	for b.Loop() {
		s := SummarizeCell(cell, ms, reports, pledges, 202611, time.UTC, MonthState{})
		_ = RenderCellSecretary(Text(), s)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/cell")
}

// BenchmarkSummarizeOrg summarises 250,000 members in 2,000 cells.
func BenchmarkSummarizeOrg(b *testing.B) {
	const cells, per = 2000, 125
	r := rand.New(rand.NewPCG(3, 4))
	type in struct {
		cell    Cell
		ms      []Member
		reports map[MemberID]Report
		pledges map[MemberID]Pledge
	}
	ins := make([]in, cells)
	for i := range ins {
		code := fmt.Sprintf("C%04d", i)
		c := in{cell: Cell{Code: code, Name: "Chi bộ " + testName(r)}, reports: map[MemberID]Report{}, pledges: map[MemberID]Pledge{}}
		for j := range per {
			id := MemberID(i*per + j + 1)
			c.ms = append(c.ms, Member{ID: id, Name: testName(r), Cell: code, Status: Status(r.IntN(10) / 9)})
			c.pledges[id] = Pledge{Member: id, Year: 2026, Status: PledgeApproved, Items: []PledgeItem{{No: 1}, {No: 2}}}
			if r.IntN(4) > 0 {
				c.reports[id] = Report{Member: id, Month: 202611, Submitted: time.Unix(1, 0), Entries: []Entry{{Item: 1, Status: Done}}}
			}
		}
		ins[i] = c
	}
	b.ReportAllocs()
	for b.Loop() {
		sums := make([]CellSummary, len(ins))
		for i, c := range ins {
			sums[i] = SummarizeCell(c.cell, c.ms, c.reports, c.pledges, 202611, time.UTC, MonthState{})
		}
		o := SummarizeOrg(202611, sums)
		_ = RenderOrg(Text(), o)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/org")
}
