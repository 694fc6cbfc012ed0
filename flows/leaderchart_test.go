package flows_test

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"lamtheo/bot"
	"lamtheo/chart"
	"lamtheo/flows"
)

// photoOf returns the photo the replies carry, failing when there is not
// exactly one, after checking it is a PNG of the chart's width.
func photoOf(t *testing.T, replies []bot.Reply) *bot.File {
	t.Helper()
	var files []*bot.File
	for _, r := range replies {
		if r.File != nil {
			files = append(files, r.File)
		}
	}
	if len(files) != 1 || !files[0].Photo {
		t.Fatalf("want one photo, got %d files in:\n%s", len(files), dump(replies))
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(files[0].Data))
	if err != nil || cfg.Width != chart.Width {
		t.Fatalf("photo %s: %+v %v, want a PNG %d wide", files[0].Name, cfg, err, chart.Width)
	}
	return files[0]
}

// TestLeaderboardPicture: the monthly leaderboard post to each Telegram
// group carries the picture with that group's cell highlighted; a Zalo
// group, which cannot upload (and here has no file link), gets the text
// alone; private copies
// (secretaries without a group, admins) stay text.
func TestLeaderboardPicture(t *testing.T) {
	o := newOrg(t)
	zg := zlGroup("z1")
	o.addCell("C04", "Chi bộ thôn Bắc", zg)
	o.addMember(flows.Member{Name: "Lý Văn Mười Một", Cell: "C04", Users: []bot.UserID{zl("u11")}})
	o.at(o.date(2026, 12, 6, 9)) // the day after the organisation's deadline
	ran, got := o.runJob(flows.JobLeaderboard, o.date(2026, 12, 6, 8), "")
	if !ran {
		t.Fatal("leaderboard did not run")
	}
	p1, p2 := photoOf(t, to(got, o.g1)), photoOf(t, to(got, o.g2))
	if p1.Name != "bang-xep-hang-2026-11-C01.png" || p2.Name != "bang-xep-hang-2026-11-C02.png" {
		t.Errorf("names %q, %q", p1.Name, p2.Name)
	}
	if p1.Alt != "bảng xếp hạng tháng 11/2026" {
		t.Errorf("alt %q", p1.Alt)
	}
	if bytes.Equal(p1.Data, p2.Data) {
		t.Error("both groups got the same picture; each highlights its own cell")
	}
	zalo := to(got, zg)
	if len(zalo) != 1 || zalo[0].File != nil || !strings.Contains(zalo[0].Text, "Bảng xếp hạng") {
		t.Errorf("Zalo group got:\n%s", dump(zalo))
	}
	for _, r := range got {
		if !r.Chat.IsZero() && r.Chat != o.g1 && r.Chat != o.g2 && r.File != nil {
			t.Errorf("private reply to %s carries a file", r.Chat)
		}
	}
}

// TestLeaderChart: the picture's rows are the leaderboard's, in its order,
// with its percentages, the reader's cell highlighted, a cell nobody had
// to report in noted as such, and a cell still collecting the month
// unranked with its figure so far and its deadline.
func TestLeaderChart(t *testing.T) {
	rows := []flows.LeaderRow{
		{Rank: 1, Cell: "C02", Name: "Chi bộ thôn Tây", Reported: 2, MustReport: 2},
		{Rank: 2, Cell: "C01", Name: "Chi bộ thôn Đông", Reported: 2, MustReport: 4},
		{Cell: "C03", Name: "Chi bộ Trường học", MustReport: 2},
		{Cell: "C05", Name: "Chi bộ Cựu chiến binh"},
		{Cell: "C06", Name: "Chi bộ Trạm y tế", Reported: 1, MustReport: 4, Until: time.Date(2026, 12, 10, 23, 59, 0, 0, time.UTC)},
	}
	cat := flows.Text()
	c := flows.LeaderChart(cat, "Đảng bộ xã Hưng Đạo", nov, rows, "C01")
	if c.Title != "Bảng xếp hạng tháng 11/2026" || c.Subtitle != "Đảng bộ xã Hưng Đạo" || c.NoReport != "chưa có báo cáo" {
		t.Errorf("labels %+v", c.Labels)
	}
	if got := c.More(3); got != "… và 3 chi bộ khác" {
		t.Errorf("more = %q", got)
	}
	want := []chart.Row{
		{Name: "Chi bộ thôn Tây", Rank: 1, Reported: 2, MustReport: 2, Value: "100%"},
		{Name: "Chi bộ thôn Đông", Rank: 2, Reported: 2, MustReport: 4, Value: "50%", Own: true},
		{Name: "Chi bộ Trường học", MustReport: 2, Value: "0%"},
		{Name: "Chi bộ Cựu chiến binh", Value: "—", Note: "không có đảng viên phải báo cáo"},
		{Name: "Chi bộ Trạm y tế", Reported: 1, MustReport: 4, Value: "25%", Note: "25% đến nay, còn nhận báo cáo đến hết ngày 10/12/2026"},
	}
	if len(c.Rows) != len(want) {
		t.Fatalf("rows %+v", c.Rows)
	}
	for i := range want {
		if c.Rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, c.Rows[i], want[i])
		}
	}
}

// TestCmdLeader: /bangxephang shows the latest month the organisation
// has stopped collecting, with the picture for the group's cell (in a group) or the
// sender's (in private); before any month is ranked it says so.
func TestCmdLeader(t *testing.T) {
	o := newOrg(t)
	o.at(o.date(2026, 12, 20, 9)) // every cell's November is over
	got := o.sendIn(o.g2, o.uTam, "/bangxephang")
	wantIn(t, joined(got), "Bảng xếp hạng báo cáo việc làm tháng 11/2026", "Chi bộ thôn Tây (chi bộ ta) — 100%")
	if p := photoOf(t, got); p.Name != "bang-xep-hang-2026-11-C02.png" {
		t.Errorf("in C02's group: %s", p.Name)
	}
	got = o.send(o.uBa, "/xephang")
	wantIn(t, joined(got), "Chi bộ thôn Đông (chi bộ ta) — 50%")
	if p := photoOf(t, got); p.Name != "bang-xep-hang-2026-11-C01.png" {
		t.Errorf("in Ba's private chat: %s", p.Name)
	}
	got = o.send(o.admin, "/bangxephang")
	if p := photoOf(t, got); p.Name != "bang-xep-hang-2026-11.png" {
		t.Errorf("for the admin: %s", p.Name)
	}

	o.at(o.date(2026, 11, 28, 9)) // October is the last final month: nobody reported
	got = o.send(o.uBa, "/bangxephang")
	wantIn(t, joined(got), "Chưa có bảng xếp hạng tháng 10/2026")
	for _, r := range got {
		if r.File != nil {
			t.Errorf("a picture with no ranking: %+v", r.File.Name)
		}
	}
}

// TestChartFontCoversCatalogue walks every letter of the catalogue's
// texts and of the demo organisation: the picture's font draws each.
func TestChartFontCoversCatalogue(t *testing.T) {
	files, err := filepath.Glob("text/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("catalogue files: %v %v", files, err)
	}
	files = append(files, "../cmd/lamtheo/demo.go")
	var letters strings.Builder
	seen := map[rune]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range string(b) {
			if unicode.IsLetter(r) && !seen[r] {
				seen[r] = true
				letters.WriteRune(r)
			}
		}
	}
	missing, err := chart.Missing(letters.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Errorf("the chart's font lacks %q", string(missing))
	}
	if len(seen) < 60 {
		t.Errorf("only %d letters walked: the files were not read", len(seen))
	}
}
