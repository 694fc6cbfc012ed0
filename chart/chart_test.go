package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/text/unicode/norm"
)

// sample returns a chart of n cells, the own one at index own (-1: none),
// the last unranked cells without reports.
func sample(n, own, unranked int) Chart {
	c := Chart{Labels: Labels{
		Title:    "Bảng xếp hạng tháng 11/2026",
		Subtitle: "Đảng bộ xã Hưng Đạo",
		NoReport: "chưa có báo cáo",
		More:     func(n int) string { return fmt.Sprintf("… và %d chi bộ khác", n) },
	}}
	for i := range n {
		r := Row{Name: fmt.Sprintf("Chi bộ Thôn Phượng Lâu %d", i+1), MustReport: 20, Own: i == own}
		if i < n-unranked {
			r.Rank, r.Reported = i+1, 20-i%20
			r.Value = fmt.Sprintf("%d%%", r.Reported*5)
		}
		c.Rows = append(c.Rows, r)
	}
	return c
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the chart is not a PNG: %v", err)
	}
	return img
}

// hasColour reports whether img has a pixel of exactly c.
func hasColour(img image.Image, c [3]uint8) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if uint8(r>>8) == c[0] && uint8(g>>8) == c[1] && uint8(bl>>8) == c[2] {
				return true
			}
		}
	}
	return false
}

var ownRGB = [3]uint8{OwnBar.R, OwnBar.G, OwnBar.B}

func TestRenderDecodesWithSizeAndHighlight(t *testing.T) {
	for _, tc := range []struct {
		name   string
		chart  Chart
		height int
		own    bool
	}{
		{"two cells, own first", sample(2, 0, 0), listTop + 2*pitch + footGap + margin/2, true},
		{"sixteen, own unranked", sample(16, 15, 3), listTop + 16*pitch + footGap + margin/2, false},
		{"sixteen, no own", sample(16, -1, 0), listTop + 16*pitch + footGap + margin/2, false},
		{"two hundred, own deep", sample(200, 150, 20), listTop + DefaultMaxRows*pitch + footGap + margin/2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Render(tc.chart)
			if err != nil {
				t.Fatal(err)
			}
			img := decode(t, b)
			if got := img.Bounds().Size(); got != image.Pt(Width, tc.height) {
				t.Errorf("size %v, want %dx%d", got, Width, tc.height)
			}
			if got := hasColour(img, ownRGB); got != tc.own {
				t.Errorf("highlighted bar colour present: %v, want %v", got, tc.own)
			}
			if h := img.Bounds().Dy(); h > 1280 {
				t.Errorf("height %d exceeds the 1280 pixels Telegram shows", h)
			}
		})
	}
}

// TestRenderOwnUnrankedHasNoBar: the reader's cell when it is not ranked
// (still collecting the month, or nobody reported) keeps its highlighted
// band but gets no bar, in the highlight colour or any other.
func TestRenderOwnUnrankedHasNoBar(t *testing.T) {
	c := sample(5, 4, 1) // row 5 is the reader's and unranked
	c.Rows[4].Note = "25% đến nay, còn nhận báo cáo đến hết ngày 10/12/2026"
	b, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	if hasColour(img, ownRGB) {
		t.Error("an unranked own cell is drawn with the highlighted bar")
	}
	if !hasColour(img, [3]uint8{ownBand.R, ownBand.G, ownBand.B}) {
		t.Error("the unranked own cell's band is missing")
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	a, err := Render(sample(16, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(sample(16, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the same chart gave different bytes")
	}
	c, err := Render(sample(16, 4, 2))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, c) {
		t.Error("charts highlighting different cells gave the same bytes")
	}
}

// vietnamese is every letter of the Vietnamese alphabet with every tone,
// both cases, and the label the issue names.
func vietnamese() string {
	var b strings.Builder
	b.WriteString("Chi bộ Trường Tiểu học — tháng 11/2026 «chưa có báo cáo» ")
	for _, base := range []rune("aăâeêioôơuưy") {
		for _, tone := range []rune{0, 0x0300, 0x0301, 0x0303, 0x0309, 0x0323} {
			s := string(base)
			if tone != 0 {
				s += string(tone)
			}
			b.WriteString(norm.NFC.String(s))
			b.WriteString(strings.ToUpper(norm.NFC.String(s)))
		}
	}
	b.WriteString("bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX0123456789%…*·")
	return b.String()
}

func TestFontCoversVietnamese(t *testing.T) {
	text := vietnamese()
	labels := sample(3, 0, 1)
	for _, s := range []string{labels.Title, labels.Subtitle, labels.NoReport, labels.More(7), labels.Rows[0].Name} {
		text += " " + s
	}
	missing, err := Missing(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Errorf("the embedded font has no glyph for %q", string(missing))
	}
	for _, r := range "ơưộậ" {
		if !strings.ContainsRune(text, r) {
			t.Errorf("the test text lacks %q", r)
		}
	}
}

// TestCoverageCheckBitesGoFont proves the coverage check above can fail:
// Go's own font lacks most Vietnamese letters.
func TestCoverageCheckBitesGoFont(t *testing.T) {
	goFont, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	missing := appendMissing(nil, goFont, "Chi bộ Trường Tiểu học — tháng 11/2026")
	for _, r := range "ườộ" {
		if !strings.ContainsRune(string(missing), r) {
			t.Errorf("Go's font reported to have %q; the check would not catch a wrong font", r)
		}
	}
}

// TestRenderNormalises: decomposed input (combining marks, as some
// keyboards send) draws the same picture as its NFC form.
func TestRenderNormalises(t *testing.T) {
	c := sample(3, 1, 0)
	nfc, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	c.Title, c.Subtitle = norm.NFD.String(c.Title), norm.NFD.String(c.Subtitle)
	for i := range c.Rows {
		c.Rows[i].Name = norm.NFD.String(c.Rows[i].Name)
	}
	nfd, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(nfc, nfd) {
		t.Error("decomposed labels drew a different picture")
	}
}

func TestLines(t *testing.T) {
	rows := func(n, own int) []Row {
		rs := make([]Row, n)
		for i := range rs {
			rs[i] = Row{Rank: i + 1, Own: i == own}
		}
		return rs
	}
	type want struct {
		ranks []int // 0: the More line
		gapAt int   // index of the line after the gap, -1 none
		more  int
	}
	for _, tc := range []struct {
		name  string
		rows  []Row
		limit int
		want  want
	}{
		{"fits", rows(4, 2), 5, want{[]int{1, 2, 3, 4}, -1, 0}},
		{"exactly fits", rows(5, 4), 5, want{[]int{1, 2, 3, 4, 5}, -1, 0}},
		{"own in the top", rows(10, 1), 5, want{[]int{1, 2, 3, 4, 0}, -1, 6}},
		{"own just below", rows(10, 3), 5, want{[]int{1, 2, 3, 4, 0}, 3, 6}},
		{"own deep", rows(10, 8), 5, want{[]int{1, 2, 3, 9, 0}, 3, 6}},
		{"no own", rows(10, -1), 5, want{[]int{1, 2, 3, 4, 0}, -1, 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls := lines(tc.rows, tc.limit)
			var ranks []int
			gapAt, more := -1, 0
			for i, l := range ls {
				if l.row == nil {
					ranks = append(ranks, 0)
					more = l.more
					continue
				}
				ranks = append(ranks, l.row.Rank)
				if l.gap {
					gapAt = i
				}
			}
			if fmt.Sprint(ranks) != fmt.Sprint(tc.want.ranks) || gapAt != tc.want.gapAt || more != tc.want.more {
				t.Errorf("lines = %v gap at %d more %d, want %v gap at %d more %d", ranks, gapAt, more, tc.want.ranks, tc.want.gapAt, tc.want.more)
			}
			if len(ls) > tc.limit {
				t.Errorf("%d lines, limit %d", len(ls), tc.limit)
			}
		})
	}
}

// TestWriteSample writes a sample chart for a person to look at:
// CHART_SAMPLE=/tmp/x.png go test ./chart -run TestWriteSample
func TestWriteSample(t *testing.T) {
	path := os.Getenv("CHART_SAMPLE")
	if path == "" {
		t.Skip("CHART_SAMPLE not set")
	}
	b, err := Render(sample(16, 5, 3))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func benchmarkRender(b *testing.B, n int) {
	c := sample(n, n/2, n/10)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		out, err := Render(c)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size)/1024, "KB/png")
}

func BenchmarkRender16(b *testing.B)  { benchmarkRender(b, 16) }
func BenchmarkRender200(b *testing.B) { benchmarkRender(b, 200) }

// TestRenderIsPaletted: the picture is small because it is encoded with a
// palette; a change that adds too many colours falls back to RGBA silently
// and triples the file.
func TestRenderIsPaletted(t *testing.T) {
	b, err := Render(sample(16, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.ColorModel.(color.Palette); !ok {
		t.Errorf("colour model %T, want a palette", cfg.ColorModel)
	}
	if len(b) > 100<<10 {
		t.Errorf("%d bytes, want under 100 KB", len(b))
	}
}

// TestLongTitleWraps: a title too wide for one line takes two, and the
// picture grows by one title line; none is cut while two lines hold it.
func TestLongTitleWraps(t *testing.T) {
	c := sample(3, 0, 0)
	short, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	c.Title = "Bảng xếp hạng báo cáo việc làm tháng 11/2026 của các chi bộ"
	long, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	if d := decode(t, long).Bounds().Dy() - decode(t, short).Bounds().Dy(); d != titlePitch {
		t.Errorf("a two-line title added %d pixels, want %d", d, titlePitch)
	}
	fs, err := faces()
	if err != nil {
		t.Fatal(err)
	}
	f, err := face(fs.bold, titleSize)
	if err != nil {
		t.Fatal(err)
	}
	lines := wrap(f, c.Title, Width-2*margin, 2)
	if len(lines) != 2 || strings.Join(lines, " ") != c.Title {
		t.Errorf("wrapped %q", lines)
	}
	lines = wrap(f, strings.Repeat(c.Title+" ", 3), Width-2*margin, 2)
	if len(lines) != 2 || !strings.HasSuffix(lines[1], "…") {
		t.Errorf("a title of three lines wrapped %q, want two, the second cut", lines)
	}
}
