package export

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// rowEnc writes a sheet's rows as worksheet XML straight to the workbook's
// zip entry, the way excelize's StreamWriter writes them (numbers as
// values, strings inline, a style by its id) but without its buffer, which
// keeps up to 32 MB of each sheet until the whole workbook is written.
type rowEnc struct {
	w    *bufio.Writer
	row  int
	col  int    // columns written in the row so far
	num  []byte // scratch for numbers
	cols []string
}

func newRowEnc(w io.Writer) *rowEnc {
	return &rowEnc{w: bufio.NewWriterSize(w, 64<<10), num: make([]byte, 0, 32)}
}

// writeInt writes n in decimal, through e.num (no allocation).
func (e *rowEnc) writeInt(n int) {
	e.num = strconv.AppendInt(e.num[:0], int64(n), 10)
	e.w.Write(e.num)
}

// start begins row r.
func (e *rowEnc) start(r int) {
	e.row, e.col = r, 0
	e.w.WriteString(`<row r="`)
	e.writeInt(r)
	e.w.WriteString(`">`)
}

// end ends the row.
func (e *rowEnc) end() { e.w.WriteString(`</row>`) }

// skip leaves the next cell empty.
func (e *rowEnc) skip() { e.col++ }

// open writes the next cell's start tag, with style s (0: none) and type t
// ("": a number).
func (e *rowEnc) open(s int, t string) {
	e.col++
	for len(e.cols) < e.col {
		name, _ := excelize.ColumnNumberToName(len(e.cols) + 1)
		e.cols = append(e.cols, name)
	}
	e.w.WriteString(`<c r="`)
	e.w.WriteString(e.cols[e.col-1])
	e.writeInt(e.row)
	e.w.WriteByte('"')
	if s != 0 {
		e.w.WriteString(` s="`)
		e.writeInt(s)
		e.w.WriteByte('"')
	}
	if t != "" {
		e.w.WriteString(` t="`)
		e.w.WriteString(t)
		e.w.WriteByte('"')
	}
	e.w.WriteByte('>')
}

// maxCellChars is the most UTF-16 units a spreadsheet cell holds.
const maxCellChars = excelize.TotalCellChars

// fitCell cuts v to what a cell holds, as excelize does.
func fitCell(v string) string {
	if len(v) <= maxCellChars { // no more units than bytes
		return v
	}
	units := 0
	for i, r := range v {
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > maxCellChars {
			return v[:i]
		}
		units += n
	}
	return v
}

// str writes an inline string cell; an empty string leaves the cell empty.
func (e *rowEnc) str(v string, s int) {
	if v == "" {
		e.skip()
		return
	}
	v = fitCell(v)
	e.open(s, "inlineStr")
	e.w.WriteString(`<is><t`)
	if strings.ContainsAny(v[:1], "\t\n\r ") || strings.ContainsAny(v[len(v)-1:], "\t\n\r ") {
		e.w.WriteString(` xml:space="preserve"`)
	}
	e.w.WriteByte('>')
	e.escape(v)
	e.w.WriteString(`</t></is></c>`)
}

// escape writes v as XML character data, as xml.EscapeText does (without
// copying v to bytes): markup and white-space characters as references,
// characters XML cannot hold as U+FFFD.
func (e *rowEnc) escape(v string) {
	last := 0
	for i, r := range v {
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if r >= 0x20 && r != utf8.RuneError && (r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000) {
				continue
			}
			if r == utf8.RuneError {
				if _, n := utf8.DecodeRuneInString(v[i:]); n == 3 { // a real U+FFFD
					continue
				}
			}
			esc = "\uFFFD"
		}
		e.w.WriteString(v[last:i])
		e.w.WriteString(esc)
		_, n := utf8.DecodeRuneInString(v[i:])
		last = i + n
	}
	e.w.WriteString(v[last:])
}

// int writes a number cell.
func (e *rowEnc) int(v, s int) {
	e.open(s, "")
	e.w.WriteString(`<v>`)
	e.writeInt(v)
	e.w.WriteString(`</v></c>`)
}

// float writes a number cell.
func (e *rowEnc) float(v float64, s int) {
	e.open(s, "")
	e.w.WriteString(`<v>`)
	e.num = strconv.AppendFloat(e.num[:0], v, 'f', -1, 64)
	e.w.Write(e.num)
	e.w.WriteString(`</v></c>`)
}

// excelEpoch is day 0 of spreadsheet dates after February 1900.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// day writes t's day as a date cell of style s, or an empty cell when t
// is zero.
func (e *rowEnc) day(t time.Time, s int) {
	if t.IsZero() {
		e.skip()
		return
	}
	y, m, d := t.Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(excelEpoch).Hours() / 24
	e.float(days, s)
}
