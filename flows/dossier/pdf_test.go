package dossier_test

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"codeberg.org/go-fonts/liberation/liberationserifbold"
	"codeberg.org/go-fonts/liberation/liberationserifregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"lamtheo/flows"
	"lamtheo/flows/dossier"
	"lamtheo/flows/text"
)

// sample is a dossier with every section filled, its strings decomposed
// (NFD) as some phones send them: the PDF must show them composed.
func sample() flows.Dossier {
	loc := time.FixedZone("ICT", 7*3600)
	at := func(mo, d int) time.Time { return time.Date(2026, time.Month(mo), d, 9, 0, 0, 0, loc) }
	nfd := norm.NFD.String
	d := flows.Dossier{Org: "Đảng bộ xã Demo", Cell: "Chi bộ thôn Đông", Name: nfd("Trần Văn Hùng"), Year: 2026, Made: at(12, 20),
		HasPledge: true, Status: flows.PledgeApproved, Submitted: at(1, 10), Decided: at(1, 12), DecidedBy: "Nguyễn Thị Lan",
		Reported: 10, Due: 12, Joined: 0, PausedUntil: at(10, 15), PauseReason: "Đi viện điều trị"}
	d.Items = []flows.DossierItem{
		{PledgeItem: flows.PledgeItem{No: 1, Text: nfd("Tham gia dọn vệ sinh đường làng"), Target: "mỗi tháng 1 lần"},
			CategoryName: "Đoàn kết, kỷ cương, tình thương, trách nhiệm",
			Deeds: []flows.DossierDeed{{Month: 202601, Item: 1, Status: flows.Done, Text: "Dọn đoạn đường từ nhà văn hóa đến cổng làng"},
				{Month: 202603, Item: 1, Status: flows.Doing, Text: "Vận động 5 hộ cùng làm"}}},
		{PledgeItem: flows.PledgeItem{No: 2, Text: "Đọc cuốn «Búp sen xanh», mỗi tuần 2 buổi"}},
	}
	d.Others = []flows.DossierDeed{{Month: 202603, Other: true, Status: flows.Done, Text: "Hòa giải mâu thuẫn giữa hai hộ"}}
	d.Praised = d.Items[0].Deeds[1:]
	for i := range 12 {
		m := flows.DossierMonth{Month: flows.Month(202601 + i), State: flows.DossierReported}
		switch i {
		case 1:
			m.State = flows.DossierMissing
		case 2:
			m.Praised = true
		case 9:
			m.State = flows.DossierPaused
		case 11:
			m.State = flows.DossierOpen
		}
		d.Months = append(d.Months, m)
	}
	return d
}

// pdfText returns the text layer of a PDF written by fpdf with UTF-8
// fonts: the strings of the Tj and TJ operators of every content stream
// (fpdf writes them as UTF-16BE code points, which its ToUnicode maps
// say), joined by spaces. A test-only reader of fpdf's own output, so the
// tests need no pdftotext and no PDF library.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var out []string
	streams := regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	for _, m := range streams.FindAllSubmatch(pdf, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not compressed: fonts' own streams are, content too
		}
		content, err := io.ReadAll(zr)
		if err != nil || !bytes.Contains(content, []byte("BT ")) {
			continue
		}
		out = append(out, contentStrings(content)...)
	}
	return strings.Join(strings.Fields(strings.Join(out, " ")), " ")
}

// contentStrings returns the literal strings of a content stream's text
// operators, decoded from UTF-16BE.
func contentStrings(c []byte) []string {
	var out []string
	for i := 0; i < len(c); i++ {
		if c[i] != '(' {
			continue
		}
		var raw []byte
		for i++; i < len(c) && c[i] != ')'; i++ {
			if c[i] == '\\' && i+1 < len(c) {
				i++
				switch c[i] {
				case 'n':
					raw = append(raw, '\n')
				case 'r':
					raw = append(raw, '\r')
				case 't':
					raw = append(raw, '\t')
				default:
					raw = append(raw, c[i])
				}
				continue
			}
			raw = append(raw, c[i])
		}
		u := make([]uint16, len(raw)/2)
		for k := range u {
			u[k] = uint16(raw[2*k])<<8 | uint16(raw[2*k+1])
		}
		out = append(out, string(utf16.Decode(u)))
	}
	return out
}

// TestWriteText: the PDF's text layer holds the member's name, composed,
// the header, every pledge item, what was done, the months and the
// closing line, and no grade.
func TestWriteText(t *testing.T) {
	cat, err := text.Default()
	if err != nil {
		t.Fatal(err)
	}
	d := sample()
	pdf, err := dossier.Write(cat, d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
	}
	got := pdfText(t, pdf)
	for _, want := range []string{
		"Trần Văn Hùng", "Chi bộ thôn Đông", "Đảng bộ xã Demo", "20/12/2026", "ĐẢNG CỘNG SẢN VIỆT NAM",
		"Tham gia dọn vệ sinh đường làng", "Đọc cuốn «Búp sen xanh», mỗi tuần 2 buổi", "mỗi tháng 1 lần",
		"chi bộ duyệt ngày 12/01/2026 (đồng chí Nguyễn Thị Lan)",
		"Tháng 1: Đã làm — Dọn đoạn đường từ nhà văn hóa đến cổng làng", "Tháng 3: Đang làm — Vận động 5 hộ cùng làm",
		"Hòa giải mâu thuẫn giữa hai hộ", "Số tháng có báo cáo: 10/12", "Tháng 2/2026 Chưa báo cáo",
		"Tháng 3/2026 Đã báo cáo, được chi bộ biểu dương", "Tháng 10/2026 Tạm hoãn, chưa báo cáo", "Đi viện điều trị",
		"A.I.3", "bot không đánh giá, không xếp loại", "Trang 1/",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, got)
		}
	}
	for _, grade := range []string{"Hoàn thành xuất sắc", "Hoàn thành tốt", "Không hoàn thành", "/100", "tốt", "kém", "yếu"} {
		if strings.Contains(got, grade) {
			t.Errorf("the PDF says %q", grade)
		}
	}
	if strings.Contains(got, norm.NFD.String("Trần")) {
		t.Error("a decomposed name reached the PDF")
	}
	// Equal dossiers made on the same day give equal bytes (the fonts'
	// order came from a map before SetCatalogSort, the time of day was
	// written): transcripts print the file's size.
	for i := range 10 {
		d.Made = d.Made.Add(time.Duration(i) * 7 * time.Minute) // the same day: the file says the day only
		again, err := dossier.Write(cat, d)
		if err != nil || !bytes.Equal(pdf, again) {
			t.Fatal("the same dossier gave other bytes")
		}
	}
}

// TestWriteEmpty: a member without pledge, reports or pause still gets a
// whole dossier that says so.
func TestWriteEmpty(t *testing.T) {
	cat, _ := text.Default()
	d := flows.Dossier{Org: "Đảng bộ xã Demo", Cell: "Chi bộ thôn Tây", Name: "Lê Thị Mai", Year: 2026,
		Made: time.Date(2026, 12, 20, 9, 0, 0, 0, time.UTC), Exempt: true}
	pdf, err := dossier.Write(cat, d)
	if err != nil {
		t.Fatal(err)
	}
	got := pdfText(t, pdf)
	for _, want := range []string{"Lê Thị Mai", "chưa đăng ký nội dung làm theo năm 2026", "Số tháng có báo cáo: 0.",
		"miễn công tác và sinh hoạt đảng"} {
		if !strings.Contains(got, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, got)
		}
	}
}

// TestWriteEmoji: what members type may hold letters no embedded font
// has (an emoji); the PDF is still written.
func TestWriteEmoji(t *testing.T) {
	cat, _ := text.Default()
	d := sample()
	d.Others[0].Text = "Dọn đường làng 👍🇻🇳 cùng bà con"
	pdf, err := dossier.Write(cat, d)
	if err != nil {
		t.Fatal(err)
	}
	if got := pdfText(t, pdf); !strings.Contains(got, "cùng bà con") {
		t.Errorf("the deed is missing:\n%s", got)
	}
}

// TestFontCoversText walks every letter of a dossier's text and of the
// Vietnamese alphabet with every tone: the embedded fonts have a glyph
// for each.
func TestFontCoversText(t *testing.T) {
	cat, _ := text.Default()
	pdf, err := dossier.Write(cat, sample())
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	all.WriteString(pdfText(t, pdf))
	for _, base := range "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY" {
		for _, tone := range []rune{0, 0x300, 0x301, 0x303, 0x309, 0x323} {
			s := string(base)
			if tone != 0 {
				s += string(tone)
			}
			all.WriteString(norm.NFC.String(s))
		}
	}
	all.WriteString("bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX0123456789«»—–.,;:()/")
	for name, ttf := range map[string][]byte{"regular": liberationserifregular.TTF, "bold": liberationserifbold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		for _, r := range all.String() {
			if r <= ' ' {
				continue
			}
			if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
				t.Errorf("%s has no glyph for %q (U+%04X)", name, r, r)
			}
		}
	}
}

// BenchmarkDossier writes one member's year (two items, twelve months,
// praise, a pause) as a PDF. Target: 100 ms.
func BenchmarkDossier(b *testing.B) {
	cat, err := text.Default()
	if err != nil {
		b.Fatal(err)
	}
	d := sample()
	size := 0
	for b.Loop() {
		pdf, err := dossier.Write(cat, d)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(size)/1024, "KB/pdf")
}
