package chart

import (
	"image"
	"image/color"
	"image/draw"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// Row is one cell on the chart.
type Row struct {
	Name string // the cell's name
	// Rank is the cell's 1-based place (shared by equal rates); 0 means the
	// cell is not ranked: it is drawn without a bar, with Note or
	// Labels.NoReport.
	Rank int
	// Reported of MustReport members reported; the bar is their ratio.
	Reported, MustReport int
	// Value is the rate as the caller's texts show it ("80%"), drawn after
	// the bar.
	Value string
	// Note replaces Labels.NoReport next to an unranked row, when set.
	Note string
	// Own marks the reader's cell: its row is highlighted.
	Own bool
}

// Labels are the words the chart draws; the caller owns their language.
type Labels struct {
	Title    string // the heading, with the month: "Bảng xếp hạng tháng 11/2026"
	Subtitle string // under the heading: the organisation's name
	NoReport string // next to an unranked row: "chưa có báo cáo"
	// More is the line standing for n rows left out (see Chart.MaxRows);
	// nil shows "+n".
	More func(n int) string
}

// Chart is one picture: its words and its rows.
type Chart struct {
	Labels
	// Rows in the order drawn: ranked cells by rank, then the others.
	Rows []Row
	// MaxRows is the most lines the list takes (DefaultMaxRows when 0).
	// A longer list shows its first rows, the Own row after a gap when it
	// is not among them, and a More line for the rest.
	MaxRows int
}

// DefaultMaxRows keeps a chart's height within 1280 pixels, the size at
// which Telegram shows a photo, so its text is not scaled down.
const DefaultMaxRows = 16

// Width is the width of every chart in pixels: a phone screen's width at
// 2.5–3× density, which Telegram keeps as it is.
const Width = 1080

// Layout in pixels.
const (
	margin     = 48
	titleSize  = 46
	subSize    = 32
	textSize   = 32
	noteSize   = 28
	titleBase  = margin + 44    // baseline of the title's first line
	titlePitch = 54             // from one line of the title to the next
	subBase    = titleBase + 52 // baseline of the subtitle under a one-line title
	listTop    = subBase + 40   // top of the first row under a one-line title
	pitch      = 60             // height of a row
	barHeight  = 34             //
	rankRight  = margin + 60    // rank numbers end here
	nameLeft   = rankRight + 14
	nameRight  = 560
	barLeft    = 576
	barRight   = 900 // a 100 % bar ends here
	valueRight = Width - margin
	footGap    = 16
)

// Colours. The highlighted bar is the party's red, the others a calm blue.
var (
	background  = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
	ink         = color.RGBA{0x1F, 0x1F, 0x1F, 0xFF}
	grey        = color.RGBA{0x6B, 0x6B, 0x6B, 0xFF}
	track       = color.RGBA{0xEC, 0xEF, 0xF4, 0xFF} // the empty part of a bar
	bar         = color.RGBA{0x4A, 0x6F, 0xA5, 0xFF}
	OwnBar      = color.RGBA{0xC8, 0x10, 0x2E, 0xFF} // the Own row's bar
	ownBand     = color.RGBA{0xFF, 0xF3, 0xC4, 0xFF} // behind the Own row
	gapDotColor = color.RGBA{0xB0, 0xB0, 0xB0, 0xFF}
)

// line is one line of the list: a row, or the More line.
type line struct {
	row  *Row
	gap  bool // rows were left out before this one
	more int  // rows left out, for the More line
}

// lines chooses what the list shows within limit lines (at least 3).
func lines(rows []Row, limit int) []line {
	if len(rows) <= limit {
		out := make([]line, len(rows))
		for i := range rows {
			out[i] = line{row: &rows[i]}
		}
		return out
	}
	own := -1
	for i := range rows {
		if rows[i].Own {
			own = i
			break
		}
	}
	k := limit - 1 // the More line takes one
	if own >= k-1 {
		k-- // so does the Own row shown after the gap
	}
	out := make([]line, 0, limit)
	for i := range k {
		out = append(out, line{row: &rows[i]})
	}
	left := len(rows) - k
	if own >= k {
		out = append(out, line{row: &rows[own], gap: true})
		left--
	}
	return append(out, line{more: left})
}

// Render draws c as a PNG Width pixels wide, as tall as its rows need. The
// same Chart always gives the same bytes.
func Render(c Chart) ([]byte, error) {
	fs, err := faces()
	if err != nil {
		return nil, err
	}
	limit := c.MaxRows
	if limit <= 0 {
		limit = DefaultMaxRows
	}
	ls := lines(c.Rows, max(limit, 3))

	var p painter
	for _, f := range []struct {
		face *font.Face
		font *sfnt.Font
		size float64
	}{
		{&p.title, fs.bold, titleSize}, {&p.sub, fs.regular, subSize}, {&p.regular, fs.regular, textSize},
		{&p.bold, fs.bold, textSize}, {&p.small, fs.regular, noteSize},
	} {
		if *f.face, err = face(f.font, f.size); err != nil {
			return nil, err
		}
	}
	title := wrap(p.title, c.Title, Width-2*margin, 2)
	shift := (len(title) - 1) * titlePitch // a long title pushes the rest down
	top := listTop + shift
	height := top + len(ls)*pitch + footGap + margin/2

	p.img = image.NewRGBA(image.Rect(0, 0, Width, height))
	draw.Draw(p.img, p.img.Bounds(), image.NewUniform(background), image.Point{}, draw.Src)
	for i, l := range title {
		p.text(p.title, ink, margin, titleBase+i*titlePitch, l)
	}
	p.text(p.sub, grey, margin, subBase+shift, fit(p.sub, c.Subtitle, Width-2*margin))
	for i, l := range ls {
		p.line(c.Labels, l, top+i*pitch)
	}
	return encode(p.img)
}

// painter draws on one image with the faces of one Render.
type painter struct {
	img                              *image.RGBA
	title, sub, regular, bold, small font.Face
}

// line draws l in the slot whose top is y.
func (p *painter) line(lb Labels, l line, y int) {
	base := y + pitch/2 + textSize*7/20 // text centred on the bar
	if l.row == nil {
		more := "+" + strconv.Itoa(l.more)
		if lb.More != nil {
			more = lb.More(l.more)
		}
		p.text(p.small, grey, nameLeft, base, fit(p.small, more, Width-margin-nameLeft))
		return
	}
	r := l.row
	if l.gap {
		for x := nameLeft; x < valueRight; x += 14 {
			p.rect(x, y+1, x+6, y+4, gapDotColor)
		}
	}
	if r.Own {
		p.rect(margin/2, y+6, Width-margin/2, y+pitch-4, ownBand)
	}
	name := p.regular
	if r.Own {
		name = p.bold
	}
	if r.Rank > 0 {
		rank := strconv.Itoa(r.Rank)
		p.text(name, ink, rankRight-measure(name, rank), base, rank)
	}
	colour := ink
	if r.Rank == 0 {
		colour = grey
	}
	p.text(name, colour, nameLeft, base, fit(name, r.Name, nameRight-nameLeft))
	if r.Rank == 0 {
		note := r.Note
		if note == "" {
			note = lb.NoReport
		}
		p.text(p.small, grey, barLeft, base, fit(p.small, note, valueRight-barLeft))
		return
	}
	top := y + (pitch-barHeight)/2 + 1
	p.rect(barLeft, top, barRight, top+barHeight, track)
	fill := bar
	if r.Own {
		fill = OwnBar
	}
	if w := barWidth(r.Reported, r.MustReport); w > 0 {
		p.rect(barLeft, top, barLeft+w, top+barHeight, fill)
	}
	value := norm.NFC.String(r.Value)
	p.text(name, colour, valueRight-measure(name, value), base, value)
}

// barWidth is the length of a bar for num of den, at least 2 pixels when
// num > 0 so a small rate still shows.
func barWidth(num, den int) int {
	if den <= 0 || num <= 0 {
		return 0
	}
	num = min(num, den)
	return max(2, (barRight-barLeft)*num/den)
}

func (p *painter) rect(x0, y0, x1, y1 int, c color.RGBA) {
	draw.Draw(p.img, image.Rect(x0, y0, x1, y1), image.NewUniform(c), image.Point{}, draw.Src)
}

// text draws s (already NFC) with its baseline's left end at (x, y).
func (p *painter) text(f font.Face, c color.RGBA, x, y int, s string) {
	d := font.Drawer{Dst: p.img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// measure returns the width of s in whole pixels, rounded up.
func measure(f font.Face, s string) int {
	return font.MeasureString(f, s).Ceil()
}

// wrap breaks NFC(s) at spaces into at most n lines of at most w pixels;
// what does not fit in n lines is cut off with "…" (see fit).
func wrap(f font.Face, s string, w, n int) []string {
	words := strings.Fields(norm.NFC.String(s))
	var out []string
	cur := ""
	for i, word := range words {
		next := word
		if cur != "" {
			next = cur + " " + word
		}
		if cur == "" || measure(f, next) <= w {
			cur = next
			continue
		}
		if len(out) == n-1 {
			return append(out, fit(f, strings.Join(append([]string{cur}, words[i:]...), " "), w))
		}
		out = append(out, cur)
		cur = word
	}
	return append(out, fit(f, cur, w))
}

// fit returns NFC(s), cut at a character and ended with "…" when it is
// wider than w pixels.
func fit(f font.Face, s string, w int) string {
	s = norm.NFC.String(s)
	if measure(f, s) <= w {
		return s
	}
	rs := []rune(s)
	for n := len(rs) - 1; n > 0; n-- {
		if cut := string(rs[:n]) + "…"; measure(f, cut) <= w {
			return cut
		}
	}
	return "…"
}
