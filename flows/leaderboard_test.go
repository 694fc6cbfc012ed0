package flows

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// leaderMove is a row's change of place for the tests: "+2", "-1", "0",
// or "" when no change is shown.
func leaderMove(r LeaderRow) string {
	if !r.Moved {
		return ""
	}
	return fmt.Sprintf("%+d", r.Change)
}

func TestLeaderboard(t *testing.T) {
	prev := SummarizeOrg(202610, []CellSummary{
		testSummary("C1", "Chi bộ A", 5, 5),  // 1
		testSummary("C2", "Chi bộ B", 3, 5),  // 2
		testSummary("C3", "Chi bộ C", 1, 5),  // 4
		testSummary("C4", "Chi bộ D", 2, 5),  // 3
		testSummary("C5", "Chi bộ E", 0, 0),  // unranked
		testSummary("C7", "Chi bộ G", 1, 10), // 5
		testSummary("C9", "Chi bộ I", 0, 4),  // 0 %: unranked
	})
	cur := SummarizeOrg(202611, []CellSummary{
		testSummary("C1", "Chi bộ A", 3, 5),  // 2 (↓1), tie with C3
		testSummary("C2", "Chi bộ B", 1, 5),  // 4 (↓2)
		testSummary("C3", "Chi bộ C", 6, 10), // 2 (↑2)
		testSummary("C4", "Chi bộ D", 9, 9),  // 1 (↑2)
		testSummary("C5", "Chi bộ E", 1, 2),  // 3, unranked before: no change
		testSummary("C6", "Chi bộ F", 2, 2),  // 1, new: no change
		testSummary("C7", "Chi bộ G", 0, 0),  // unranked now
		testSummary("C8", "Chi bộ H", 1, 10), // 6, new
		testSummary("C9", "Chi bộ I", 1, 4),  // at 0 % before: no change
		testSummary("CA", "Chi bộ K", 0, 3),  // 0 % now: no rank, after the ranked cells
	})
	rows := Leaderboard(cur, prev, nil)
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s %s %s %s", r.Place(), r.Cell, r.Percent(), leaderMove(r)))
	}
	want := []string{
		"1 C4 100% +2", "1 C6 100% ", "3 C1 60% -2", "3 C3 60% +1", "5 C5 50% ", "6 C9 25% ", "7 C2 20% -5", "8 C8 10% ", "— CA 0% ", "— C7 — ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows\n got %q\nwant %q", got, want)
	}
	for _, r := range rows {
		if r.Month != 202611 {
			t.Errorf("row month %d", r.Month)
		}
		if r.NoReport() != (r.Cell == "CA") {
			t.Errorf("NoReport of %+v", r)
		}
	}

	// Same standing as before: a change of 0, shown.
	same := Leaderboard(prev, prev, nil)
	if !same[0].Moved || same[0].Change != 0 {
		t.Errorf("same standing: %+v", same)
	}
	// No previous month, or one in which no cell had a report: no change anywhere.
	silent := SummarizeOrg(202610, []CellSummary{
		testSummary("C1", "Chi bộ A", 0, 5), testSummary("C4", "Chi bộ D", 0, 5),
	})
	for _, p := range []OrgSummary{{}, silent} {
		for _, r := range Leaderboard(cur, p, nil) {
			if r.Moved {
				t.Errorf("no previous month, yet %+v", r)
			}
		}
	}
	// A month in which nobody could report, or nobody did: no cell ranked.
	for _, c := range []int{0, 3} {
		m := SummarizeOrg(202611, []CellSummary{testSummary("C1", "Chi bộ A", 0, c), testSummary("C2", "Chi bộ B", 0, c)})
		for _, r := range Leaderboard(m, prev, nil) {
			if r.Rank != 0 || r.Moved {
				t.Errorf("must report %d: ranked %+v", c, r)
			}
		}
	}
}

func TestRenderLeaderboardGroup(t *testing.T) {
	prev := SummarizeOrg(202610, []CellSummary{
		testSummary("C1", "Chi bộ thôn Đông", 3, 5),
		testSummary("C2", "Chi bộ thôn Tây", 4, 5),
		testSummary("C3", "Chi bộ Trường học", 5, 5),
	})
	cur := SummarizeOrg(202611, []CellSummary{
		testSummary("C1", "Chi bộ thôn Đông", 12, 15),
		testSummary("C2", "Chi bộ thôn Tây", 4, 5),
		testSummary("C3", "Chi bộ Trường học", 3, 5),
		testSummary("C4", "Chi bộ Quân sự", 0, 0),
	})
	rows := Leaderboard(cur, prev, nil)
	deeds := []ExemplaryDeed{{Member: 9, Name: "Nguyễn Văn An", Cell: "C1", CellName: "Chi bộ thôn Đông", Text: "Sửa  nhà cho bà Tư"}}

	tests := []struct {
		own  string
		want []string
		not  []string
	}{
		{"C1", []string{
			"tháng 11/2026", "1. Chi bộ thôn Đông (chi bộ ta) — 80%, tăng 2 bậc\n", "1. Chi bộ thôn Tây — 80%, tăng 1 bậc\n",
			"3. Chi bộ Trường học — 60%, giảm 2 bậc\n",
			"— Chi bộ Quân sự", "Chi bộ thôn Đông xếp thứ 1/3, 12/15 đồng chí đã báo cáo, tăng 2 bậc",
			"Đồng chí Nguyễn Văn An (Chi bộ thôn Đông): Sửa nhà cho bà Tư",
		}, nil},
		{"C3", []string{"xếp thứ 3/3", "giảm 2 bậc so với", "Trường học (chi bộ ta) — 60%, giảm 2 bậc\n"}, []string{"thôn Đông (chi bộ ta)"}},
		{"C4", []string{"Chi bộ Quân sự chưa có đảng viên phải báo cáo"}, []string{"xếp thứ"}},
		{"", []string{"1. Chi bộ thôn Đông — 80%, tăng 2 bậc\n"}, []string{"xếp thứ", "chi bộ ta"}},
		{"C9", nil, []string{"xếp thứ", "chi bộ ta"}},
	}
	for _, tt := range tests {
		out := RenderLeaderboardGroup(Text(), rows, tt.own, 202611, deeds)
		checkUserText(t, out)
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("own %q: text lacks %q:\n%s", tt.own, w, out)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(out, w) {
				t.Errorf("own %q: text has %q:\n%s", tt.own, w, out)
			}
		}
	}
	same := Leaderboard(prev, prev, nil)
	if out := RenderLeaderboardGroup(Text(), same, "C2", 202610, nil); !strings.Contains(out, "Tây (chi bộ ta) — 80%, giữ hạng\n") ||
		!strings.Contains(out, "giữ nguyên") || strings.Contains(out, "biểu dương") {
		t.Errorf("same standing:\n%s", out)
	}
	if out := RenderLeaderboardGroup(Text(), Leaderboard(cur, OrgSummary{}, nil), "C1", 202611, nil); strings.Contains(out, "tháng trước") {
		t.Errorf("change shown without a previous month:\n%s", out)
	}
	checkUserText(t, RenderLeaderboardGroup(Text(), nil, "C1", 202611, nil))
}

func TestRenderLeaderboardGroupLong(t *testing.T) {
	var cells []CellSummary
	for i := range 40 {
		cells = append(cells, testSummary(fmt.Sprintf("C%02d", i), fmt.Sprintf("Chi bộ số %02d", i), 40-i, 40))
	}
	rows := Leaderboard(SummarizeOrg(202611, cells), OrgSummary{}, nil)
	var deeds []ExemplaryDeed
	for i := range 8 {
		deeds = append(deeds, ExemplaryDeed{Name: fmt.Sprintf("Lê Văn %c", 'A'+i), CellName: "Chi bộ số 01", Text: strings.Repeat("việc tốt ", 100)})
	}
	out := RenderLeaderboardGroup(Text(), rows, "C25", 202611, deeds)
	checkUserText(t, out)
	for _, w := range []string{"10. Chi bộ số 09", "…\n26. Chi bộ số 25 (chi bộ ta) — 38%\n…", "xếp thứ 26/40", "và 3 việc làm khác"} {
		if !strings.Contains(out, w) {
			t.Errorf("text lacks %q:\n%s", w, out)
		}
	}
	for _, w := range []string{"11. Chi bộ", "27. Chi bộ", "Lê Văn F"} {
		if strings.Contains(out, w) {
			t.Errorf("text has %q:\n%s", w, out)
		}
	}
	if n := len([]rune(out)); n > 1900 {
		t.Errorf("message of %d characters is too long for Zalo", n)
	}
	// The own cell in the top rows: no gap line.
	if out := RenderLeaderboardGroup(Text(), rows, "C03", 202611, nil); strings.Count(out, "…") != 1 {
		t.Errorf("top own cell:\n%s", out)
	}
	// The own cell last: no trailing gap.
	if out := RenderLeaderboardGroup(Text(), rows, "C39", 202611, nil); !strings.Contains(out, "…\n40. Chi bộ số 39 (chi bộ ta) — 3%\n\n") {
		t.Errorf("last own cell:\n%s", out)
	}
}

func TestRenderLeaderboardAdmin(t *testing.T) {
	cur := SummarizeOrg(202611, []CellSummary{
		testSummary("C1", "Chi bộ thôn Đông", 12, 15),
		testSummary("C4", "Chi bộ Quân sự", 0, 0),
	})
	prev := SummarizeOrg(202610, []CellSummary{testSummary("C1", "Chi bộ thôn Đông", 1, 15)})
	out := RenderLeaderboardAdmin(Text(), Leaderboard(cur, prev, nil))
	checkUserText(t, out)
	for _, w := range []string{"tháng 11/2026", "1. C1 Chi bộ thôn Đông — 12/15 (80%), giữ hạng\n", "— C4 Chi bộ Quân sự: không có"} {
		if !strings.Contains(out, w) {
			t.Errorf("text lacks %q:\n%s", w, out)
		}
	}
	if out := RenderLeaderboardAdmin(Text(), nil); !strings.Contains(out, "Chưa có chi bộ") {
		t.Errorf("empty:\n%s", out)
	} else {
		checkUserText(t, out)
	}
}

// A cell at 0 % gets no rank and no change, in the group text and the
// admin table: it is listed after the ranked cells, kindly worded.
func TestRenderLeaderboardNoReport(t *testing.T) {
	prev := SummarizeOrg(202610, []CellSummary{
		testSummary("C1", "Chi bộ thôn Đông", 1, 5),
		testSummary("C2", "Chi bộ thôn Tây", 4, 5),
	})
	cur := SummarizeOrg(202611, []CellSummary{
		testSummary("C1", "Chi bộ thôn Đông", 0, 5),
		testSummary("C2", "Chi bộ thôn Tây", 2, 5),
		testSummary("C3", "Chi bộ Trường học", 0, 0),
	})
	rows := Leaderboard(cur, prev, nil)
	out := RenderLeaderboardGroup(Text(), rows, "C1", 202611, nil)
	checkUserText(t, out)
	want := "Bảng xếp hạng báo cáo việc làm tháng 11/2026\n" +
		"1. Chi bộ thôn Tây — 40%, giữ hạng\n" +
		"— Chi bộ thôn Đông (chi bộ ta): chưa có báo cáo\n" +
		"— Chi bộ Trường học: không có đảng viên phải báo cáo\n\n" +
		"Chi bộ thôn Đông chưa có báo cáo nào trong tháng 11/2026."
	if out != want {
		t.Errorf("group text\n got %q\nwant %q", out, want)
	}
	if out := RenderLeaderboardGroup(Text(), rows, "C2", 202611, nil); !strings.Contains(out, "Chi bộ thôn Tây xếp thứ 1/1,") {
		t.Errorf("the cells at 0 %% count in the ranking:\n%s", out)
	}
	admin := RenderLeaderboardAdmin(Text(), rows)
	checkUserText(t, admin)
	for _, w := range []string{"1. C2 Chi bộ thôn Tây — 2/5 (40%), giữ hạng\n— C1 Chi bộ thôn Đông: 0/5, chưa có báo cáo\n— C3"} {
		if !strings.Contains(admin, w) {
			t.Errorf("admin text lacks %q:\n%s", w, admin)
		}
	}

	// Nobody reported anywhere, and no month before: no rank, no change.
	none := Leaderboard(SummarizeOrg(202611, []CellSummary{testSummary("C1", "Chi bộ thôn Đông", 0, 1)}), OrgSummary{}, nil)
	out = RenderLeaderboardGroup(Text(), none, "C1", 202611, nil)
	checkUserText(t, out)
	for _, w := range []string{"xếp thứ", "1.", "tháng trước", "bậc", "hạng,"} {
		if strings.Contains(out, w) {
			t.Errorf("text has %q:\n%s", w, out)
		}
	}
}

// The leaderboards use words, not symbols, for a change of place and for
// the group's own cell.
func TestRenderLeaderboardNoSymbols(t *testing.T) {
	prev := SummarizeOrg(202610, []CellSummary{
		testSummary("C1", "Chi bộ A", 1, 5), testSummary("C2", "Chi bộ B", 4, 5), testSummary("C3", "Chi bộ C", 3, 5),
	})
	cur := SummarizeOrg(202611, []CellSummary{
		testSummary("C1", "Chi bộ A", 5, 5), testSummary("C2", "Chi bộ B", 3, 5), testSummary("C3", "Chi bộ C", 3, 5),
	})
	rows := Leaderboard(cur, prev, nil)
	for _, out := range []string{RenderLeaderboardGroup(Text(), rows, "C2", 202611, nil), RenderLeaderboardAdmin(Text(), rows)} {
		if i := strings.IndexAny(out, "=↑↓◀←→"); i >= 0 {
			t.Errorf("symbol at %d:\n%s", i, out)
		}
		for _, w := range []string{"tăng 2 bậc", "giảm 1 bậc", "giữ hạng"} {
			if !strings.Contains(out, w) {
				t.Errorf("text lacks %q:\n%s", w, out)
			}
		}
	}
}

// TestLeaderboardOpenCells: a cell still collecting the month is listed
// after the ranked cells with its figure so far, without a rank or a
// change, and the others are ranked among themselves now and before, so
// its figure moves nobody.
func TestLeaderboardOpenCells(t *testing.T) {
	until := time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)
	prev := SummarizeOrg(202610, []CellSummary{
		testSummary("C1", "Chi bộ A", 3, 5), testSummary("C2", "Chi bộ B", 5, 5), testSummary("C3", "Chi bộ C", 2, 5),
	})
	cur := SummarizeOrg(202611, []CellSummary{
		testSummary("C1", "Chi bộ A", 3, 5), testSummary("C2", "Chi bộ B", 5, 5), testSummary("C3", "Chi bộ C", 2, 4),
		testSummary("C4", "Chi bộ D", 0, 3), testSummary("C5", "Chi bộ E", 1, 4), testSummary("C6", "Chi bộ F", 0, 0),
	})
	open := map[string]time.Time{"C2": until, "C5": until, "C6": until}
	var got []string
	for _, r := range Leaderboard(cur, prev, open) {
		got = append(got, fmt.Sprintf("%s %s %s %s %v", r.Place(), r.Cell, r.Percent(), leaderMove(r), r.Open()))
	}
	want := []string{
		"1 C1 60% +0 false", "2 C3 50% +0 false", // C2 out of both months: C1 keeps its place
		"— C2 100%  true", "— C5 25%  true", // by name, not by rate
		"— C4 0%  false", "— C6 —  false", // nobody has to report in C6: nothing to wait for
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows\n got %q\nwant %q", got, want)
	}
	body := RenderLeaderboardGroup(Text(), Leaderboard(cur, prev, open), "C5", 202611, nil)
	for _, s := range []string{
		"— Chi bộ E (chi bộ ta): 25% đến nay (còn nhận báo cáo đến hết ngày 10/12/2026, chưa tính xếp hạng)",
		"Chi bộ E còn nhận báo cáo tháng 11/2026 đến hết ngày 10/12/2026 (đến nay 1/4 đồng chí đã báo cáo), nên bảng xếp hạng này chưa tính chi bộ; khi hết hạn, bot sẽ báo thứ hạng của chi bộ.",
	} {
		if !strings.Contains(body, s) {
			t.Errorf("missing %q in:\n%s", s, body)
		}
	}
}
