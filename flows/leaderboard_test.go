package flows

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestLeaderboard(t *testing.T) {
	prev := SummarizeOrg(202610, []CellSummary{
		testSummary("C1", "Chi bộ A", 5, 5),  // 1
		testSummary("C2", "Chi bộ B", 3, 5),  // 2
		testSummary("C3", "Chi bộ C", 1, 5),  // 4
		testSummary("C4", "Chi bộ D", 2, 5),  // 3
		testSummary("C5", "Chi bộ E", 0, 0),  // unranked
		testSummary("C7", "Chi bộ G", 1, 10), // 5
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
	})
	rows := Leaderboard(cur, prev)
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s %s %s %s", r.Place(), r.Cell, r.Percent(), r.Move()))
	}
	want := []string{
		"1 C4 100% ↑2", "1 C6 100% ", "3 C1 60% ↓2", "3 C3 60% ↑1", "5 C5 50% ", "6 C2 20% ↓4", "7 C8 10% ", "— C7 — ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows\n got %q\nwant %q", got, want)
	}
	for _, r := range rows {
		if r.Month != 202611 {
			t.Errorf("row month %d", r.Month)
		}
	}

	// Same standing as before shows "=".
	same := Leaderboard(prev, prev)
	if same[0].Move() != "=" || same[len(same)-1].Move() != "" {
		t.Errorf("same standing: %+v", same)
	}
	// No previous month: no change anywhere.
	for _, r := range Leaderboard(cur, OrgSummary{}) {
		if r.Moved || r.Move() != "" {
			t.Errorf("no previous month, yet %+v", r)
		}
	}
}

func TestLeaderRowMove(t *testing.T) {
	for _, tt := range []struct {
		r    LeaderRow
		want string
	}{
		{LeaderRow{Change: 2, Moved: true}, "↑2"},
		{LeaderRow{Change: -1, Moved: true}, "↓1"},
		{LeaderRow{Moved: true}, "="},
		{LeaderRow{Change: 3}, ""},
	} {
		if got := tt.r.Move(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.r, got, tt.want)
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
	rows := Leaderboard(cur, prev)
	deeds := []ExemplaryDeed{{Member: 9, Name: "Nguyễn Văn An", Cell: "C1", CellName: "Chi bộ thôn Đông", Text: "Sửa  nhà cho bà Tư"}}

	tests := []struct {
		own  string
		want []string
		not  []string
	}{
		{"C1", []string{
			"tháng 11/2026", "1. Chi bộ thôn Đông — 80% ↑2 ◀", "1. Chi bộ thôn Tây — 80% ↑1", "3. Chi bộ Trường học — 60% ↓2",
			"— Chi bộ Quân sự", "Chi bộ thôn Đông xếp thứ 1/3, 12/15 đồng chí đã báo cáo, tăng 2 bậc",
			"Đồng chí Nguyễn Văn An (Chi bộ thôn Đông): Sửa nhà cho bà Tư",
		}, nil},
		{"C3", []string{"xếp thứ 3/3", "giảm 2 bậc", "Trường học — 60% ↓2 ◀"}, []string{"tăng"}},
		{"C4", []string{"Chi bộ Quân sự chưa có đảng viên phải báo cáo"}, []string{"xếp thứ"}},
		{"", []string{"1. Chi bộ thôn Đông — 80% ↑2\n"}, []string{"xếp thứ", "◀"}},
		{"C9", nil, []string{"xếp thứ", "◀"}},
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
	same := Leaderboard(prev, prev)
	if out := RenderLeaderboardGroup(Text(), same, "C2", 202610, nil); !strings.Contains(out, "giữ nguyên") || strings.Contains(out, "biểu dương") {
		t.Errorf("same standing:\n%s", out)
	}
	if out := RenderLeaderboardGroup(Text(), Leaderboard(cur, OrgSummary{}), "C1", 202611, nil); strings.Contains(out, "tháng trước") {
		t.Errorf("change shown without a previous month:\n%s", out)
	}
	checkUserText(t, RenderLeaderboardGroup(Text(), nil, "C1", 202611, nil))
}

func TestRenderLeaderboardGroupLong(t *testing.T) {
	var cells []CellSummary
	for i := range 40 {
		cells = append(cells, testSummary(fmt.Sprintf("C%02d", i), fmt.Sprintf("Chi bộ số %02d", i), 40-i, 40))
	}
	rows := Leaderboard(SummarizeOrg(202611, cells), OrgSummary{})
	var deeds []ExemplaryDeed
	for i := range 8 {
		deeds = append(deeds, ExemplaryDeed{Name: fmt.Sprintf("Lê Văn %c", 'A'+i), CellName: "Chi bộ số 01", Text: strings.Repeat("việc tốt ", 100)})
	}
	out := RenderLeaderboardGroup(Text(), rows, "C25", 202611, deeds)
	checkUserText(t, out)
	for _, w := range []string{"10. Chi bộ số 09", "…\n26. Chi bộ số 25 — 38% ◀\n…", "xếp thứ 26/40", "và 3 việc làm khác"} {
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
	if out := RenderLeaderboardGroup(Text(), rows, "C39", 202611, nil); !strings.Contains(out, "…\n40. Chi bộ số 39 — 3% ◀\n\n") {
		t.Errorf("last own cell:\n%s", out)
	}
}

func TestRenderLeaderboardAdmin(t *testing.T) {
	cur := SummarizeOrg(202611, []CellSummary{
		testSummary("C1", "Chi bộ thôn Đông", 12, 15),
		testSummary("C4", "Chi bộ Quân sự", 0, 0),
	})
	prev := SummarizeOrg(202610, []CellSummary{testSummary("C1", "Chi bộ thôn Đông", 1, 15)})
	out := RenderLeaderboardAdmin(Text(), Leaderboard(cur, prev))
	checkUserText(t, out)
	for _, w := range []string{"tháng 11/2026", "1. C1 Chi bộ thôn Đông — 12/15 (80%) =", "— C4 Chi bộ Quân sự: không có"} {
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
