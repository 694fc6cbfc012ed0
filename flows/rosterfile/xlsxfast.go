package rosterfile

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
)

// The xlsx reader of this file reads a workbook's sheets with
// encoding/xml's RawToken, the way excelize's Rows and Columns do but
// without decoding every cell into a struct: excelize took 3 of the 4
// seconds of CPU that parsing 250,000 rows cost (BenchmarkImportRoster).
// It reads exactly what excelize would, or gives up (errSlowPath) and
// readXLSX reads the file again with excelize: a number it would have to
// format (a styled number, a date, a boolean), a text with an escaped
// character (_xHHHH_), a sheet that is not a worksheet, anything it does
// not understand. TestFastXLSXAsExcelize holds it to excelize's results.

// errSlowPath: the fast reader cannot read this file as excelize would.
var errSlowPath = errors.New("rosterfile: read with excelize")

// unformatted stands for a number the fast reader would have to format
// as excelize does: a row that needs its value makes the read fall back
// to excelize (see readRows); other columns ("STT") do not matter.
const unformatted = "\x00unformatted"

// maxSharedStrings is the size of shared strings the fast reader keeps in
// memory (excelize's UnzipXMLSizeLimit); a larger table falls back.
const maxSharedStrings = 16 << 20

// Relationship types of the workbook's parts.
const (
	relWorksheet     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
	relSharedStrings = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)

// fastSheets returns the worksheets of the xlsx in data, in the
// workbook's order, each as a rowSource, or errSlowPath.
func fastSheets(data []byte, lim Limits) ([]rowSource, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errSlowPath
	}
	files := map[string]*zip.File{}
	var total uint64
	for _, f := range zr.File {
		files[f.Name] = f
		total += f.UncompressedSize64
	}
	if total > uint64(16*lim.MaxBytes) {
		return nil, errSlowPath // excelize refuses it (UnzipSizeLimit)
	}
	var sheets []string // relationship ids, in order
	err = readXML(files["xl/workbook.xml"], func(t xml.Token) error {
		if s, ok := t.(xml.StartElement); ok && s.Name.Local == "sheet" {
			id := attr(s, "id")
			if id == "" {
				return errSlowPath
			}
			sheets = append(sheets, id)
		}
		return nil
	})
	if err != nil {
		return nil, errSlowPath
	}
	targets := map[string]string{}
	var sst string
	err = readXML(files["xl/_rels/workbook.xml.rels"], func(t xml.Token) error {
		s, ok := t.(xml.StartElement)
		if !ok || s.Name.Local != "Relationship" {
			return nil
		}
		target := attr(s, "Target")
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join("xl", target)
		}
		switch attr(s, "Type") {
		case relWorksheet:
			targets[attr(s, "Id")] = target
		case relSharedStrings:
			sst = target
		}
		return nil
	})
	if err != nil {
		return nil, errSlowPath
	}
	var shared []string
	if sst != "" {
		if shared, err = sharedStrings(files[sst]); err != nil {
			return nil, errSlowPath
		}
	}
	var out []rowSource
	for _, id := range sheets {
		f := files[targets[id]]
		if f == nil {
			return nil, errSlowPath // a chart sheet, or a part missing
		}
		out = append(out, func(yield func(int, []string) error) error { return fastRows(f, shared, yield) })
	}
	return out, nil
}

// readXML calls fn with every token of the part f.
func readXML(f *zip.File, fn func(xml.Token) error) error {
	if f == nil {
		return errSlowPath
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	for {
		t, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
	}
}

// attr returns the value of s's attribute of local name local.
func attr(s xml.StartElement, local string) string {
	for _, a := range s.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// sharedStrings reads the shared strings table: each item's text, its
// runs' texts joined, without the phonetic runs (as excelize's xlsxSI).
func sharedStrings(f *zip.File) ([]string, error) {
	if f == nil || f.UncompressedSize64 > maxSharedStrings {
		return nil, errSlowPath
	}
	var out []string
	var b strings.Builder
	var in inlineText
	err := readXML(f, func(t xml.Token) error {
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Local == "si" {
				b.Reset()
				in = inlineText{}
			}
			in.start(t.Name.Local)
		case xml.EndElement:
			in.end(t.Name.Local)
			if t.Name.Local == "si" {
				if strings.Contains(b.String(), "_x") {
					return errSlowPath
				}
				out = append(out, b.String())
			}
		case xml.CharData:
			if in.text() {
				b.Write(t)
			}
		}
		return nil
	})
	return out, err
}

// inlineText follows where a rich text (a shared string item, an inline
// string) is: its text is that of its <t> elements, direct or in runs,
// outside phonetic runs (<rPh>).
type inlineText struct{ t, rPh bool }

func (x *inlineText) start(local string) {
	switch local {
	case "t":
		x.t = true
	case "rPh":
		x.rPh = true
	}
}

func (x *inlineText) end(local string) {
	switch local {
	case "t":
		x.t = false
	case "rPh":
		x.rPh = false
	}
}

func (x *inlineText) text() bool { return x.t && !x.rPh }

// errSheetEnd stops reading a worksheet at the end of its data.
var errSheetEnd = errors.New("end of sheetData")

// fastRows yields the rows of worksheet f with their numbers, each row's
// cells as excelize's Columns returns them.
func fastRows(f *zip.File, shared []string, yield func(int, []string) error) error {
	var (
		inData, inRow, inCell, inV, inIS bool
		line, col                        int
		cells                            []string
		c                                fastCell
		v, is                            strings.Builder
		text                             inlineText
		stopped                          error // yield's
	)
	err := readXML(f, func(t xml.Token) error {
		switch t := t.(type) {
		case xml.StartElement:
			switch name := t.Name.Local; {
			case name == "sheetData":
				inData = true
			case !inData:
			case name == "row":
				r := line + 1
				if a := attr(t, "r"); a != "" {
					var err error
					if r, err = strconv.Atoi(a); err != nil || r <= line {
						return errSlowPath
					}
				}
				line, col, cells, inRow = r, 0, cells[:0], true
			case name == "c" && inRow:
				col++
				c = fastCell{typ: attr(t, "t"), style: attr(t, "s")}
				if ref := attr(t, "r"); ref != "" {
					if col = column(ref); col <= 0 {
						return errSlowPath
					}
				}
				v.Reset()
				is.Reset()
				inCell = true
			case !inCell:
			case name == "v":
				inV = true
			case name == "f":
				c.formula = true
			case name == "is":
				inIS, c.inline = true, true
				text = inlineText{}
			case inIS:
				text.start(name)
			}
		case xml.EndElement:
			switch name := t.Name.Local; {
			case name == "sheetData":
				return errSheetEnd
			case name == "row" && inRow:
				inRow = false
				stopped = yield(line, cells)
				return stopped
			case name == "c" && inCell:
				inCell = false
				val, err := c.value(v.String(), is.String(), shared)
				if err != nil {
					return err
				}
				if val != "" || c.formula {
					for len(cells) < col-1 {
						cells = append(cells, "")
					}
					cells = append(cells, val)
				}
			case name == "v":
				inV = false
			case name == "is":
				inIS = false
			case inIS:
				text.end(name)
			}
		case xml.CharData:
			switch {
			case inV:
				v.Write(t)
			case inIS && text.text():
				is.Write(t)
			}
		}
		return nil
	})
	switch {
	case stopped != nil:
		return stopped
	case err == nil, errors.Is(err, errSheetEnd):
		return nil
	}
	return errSlowPath // a damaged part: excelize says what is wrong
}

// fastCell is what a <c> element of a worksheet says.
type fastCell struct {
	typ, style      string
	formula, inline bool
}

// value returns the cell's text given its <v> and inline string texts, as
// excelize's getValueFrom would, or unformatted, or errSlowPath.
func (c fastCell) value(v, is string, shared []string) (string, error) {
	switch c.typ {
	case "s":
		if v == "" {
			return "", nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(shared) {
			return "", errSlowPath
		}
		return shared[i], nil
	case "str":
		return v, nil
	case "inlineStr":
		if !c.inline {
			return v, nil
		}
		if strings.Contains(is, "_x") {
			return "", errSlowPath
		}
		return is, nil
	case "", "n":
		if v == "" {
			return "", nil
		}
		if (c.style == "" || c.style == "0") && plainInteger(v) {
			return v, nil
		}
		return unformatted, nil
	}
	if v == "" {
		return "", nil
	}
	return unformatted, nil // a boolean, a date, an error
}

// plainInteger reports whether v is an integer excelize writes back as
// it is: digits without a leading zero, at most 15 of them.
func plainInteger(v string) bool {
	if v == "0" {
		return true
	}
	if len(v) == 0 || len(v) > 15 || v[0] == '0' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// column returns the 1-based column of a cell reference ("B12" is 2), or
// 0 when ref is not one.
func column(ref string) int {
	col, i := 0, 0
	for ; i < len(ref) && i < 3; i++ {
		c := ref[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			break
		}
		col = col*26 + int(c-'A'+1)
	}
	if i == 0 || i == len(ref) {
		return 0
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0
		}
	}
	return col
}
