package rosterfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"lamtheo/flows"
)

// Defaults of Limits.
const (
	DefaultMaxRows  = 50_000
	DefaultMaxBytes = 20 << 20 // what a Telegram bot may download
)

// headerRows is how many rows from the top of a sheet are searched for
// the header row.
const headerRows = 10

// Limits bound what Parse reads. The zero value means the defaults.
type Limits struct {
	MaxRows  int   // data rows (non-empty rows after the header)
	MaxBytes int64 // size of the file
}

func (l Limits) withDefaults() Limits {
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return l
}

// ErrorKind tells why a file was refused as a whole.
type ErrorKind int

// Kinds of Error.
const (
	NotSpreadsheet ErrorKind = iota // not xlsx or CSV (a picture, a PDF, a Word file…)
	OldExcel                        // the .xls format of Excel 97–2003
	NotUTF8                         // a CSV in another encoding than UTF-8
	Empty                           // no data row
	NoHeader                        // no header row with «họ và tên» in the first rows
	NoCellColumn                    // a header row without «chi bộ»
	TooManyRows                     // more rows than Limits.MaxRows
	TooBig                          // more bytes than Limits.MaxBytes
	Unreadable                      // an xlsx that excelize cannot open (damaged, encrypted)
)

// Error is the error of Parse for a file refused as a whole. Its Error text
// is English, for logs and the operator; Render gives the Vietnamese text.
type Error struct {
	Kind ErrorKind
	Max  int64 // the limit, for TooManyRows and TooBig
	Err  error // the underlying error, for Unreadable
}

func (e *Error) Error() string {
	switch e.Kind {
	case OldExcel:
		return "the file is in the old Excel 97-2003 format (.xls): save it as .xlsx or CSV UTF-8"
	case NotUTF8:
		return "the CSV file is not UTF-8: save it as CSV UTF-8"
	case Empty:
		return "the file holds no member row"
	case NoHeader:
		return fmt.Sprintf("no header row with the columns «họ và tên» and «chi bộ» in the first %d rows", headerRows)
	case NoCellColumn:
		return "the header row has no «chi bộ» column"
	case TooManyRows:
		return fmt.Sprintf("the file has more than %d rows", e.Max)
	case TooBig:
		return fmt.Sprintf("the file is larger than %d bytes", e.Max)
	case Unreadable:
		return fmt.Sprintf("the xlsx file cannot be read: %v", e.Err)
	}
	return "the file is not a spreadsheet (xlsx or CSV)"
}

func (e *Error) Unwrap() error { return e.Err }

// Parse reads a roster file, xlsx or CSV (told apart by their content, not
// their name), and checks each row against cells. A file refused as a whole
// gives an *Error; otherwise every row with a name is returned, and every
// problem by row number. It reads at most lim.MaxBytes bytes and stops at
// the first data row past lim.MaxRows.
func Parse(r io.Reader, cells []flows.Cell, lim Limits) (*File, error) {
	lim = lim.withDefaults()
	br := bufio.NewReaderSize(io.LimitReader(r, lim.MaxBytes+1), 64<<10)
	head, err := br.Peek(8)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if len(head) == 0 {
		return nil, &Error{Kind: Empty}
	}
	p := newChecker(cells)
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		err = readXLSX(br, lim, p)
	case bytes.HasPrefix(head, []byte{0xd0, 0xcf, 0x11, 0xe0}):
		return nil, &Error{Kind: OldExcel}
	default:
		err = readCSV(br, lim, p)
	}
	if err != nil {
		return nil, err
	}
	if len(p.file.Rows) == 0 && len(p.file.Problems) == 0 {
		return nil, &Error{Kind: Empty}
	}
	// A copy: &p.file would keep the checker's maps (every folded name)
	// alive as long as the file.
	f := p.file
	return &f, nil
}

// rowSource yields a sheet's rows with their numbers.
type rowSource func(yield func(line int, cols []string) error) error

// readRows finds the header in the first rows of src and checks every
// data row after it.
func readRows(src rowSource, lim Limits, p *checker) error {
	var cols columns
	found, data := false, 0
	err := src(func(line int, cells []string) error {
		if !found {
			if line > headerRows {
				return &Error{Kind: NoHeader}
			}
			c, ok := findColumns(cells)
			if !ok {
				return nil
			}
			if c.cell < 0 {
				return &Error{Kind: NoCellColumn}
			}
			cols, found = c, true
			p.file.Header = line
			return nil
		}
		name, cell, status, role := cols.get(cells, cols.name), cols.get(cells, cols.cell), cols.get(cells, cols.status), cols.get(cells, cols.role)
		if blank(name, cell, status, role) {
			return nil // an empty row, or one with a number («STT») only
		}
		if data++; data > lim.MaxRows {
			return &Error{Kind: TooManyRows, Max: int64(lim.MaxRows)}
		}
		p.row(line, name, cell, status, role)
		return nil
	})
	if err != nil {
		return err
	}
	if !found {
		return &Error{Kind: NoHeader}
	}
	return nil
}

func blank(cells ...string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// readXLSX reads the first sheet that has a header row. An xlsx is a zip,
// which must be read whole; its sheets are then read row by row.
func readXLSX(r io.Reader, lim Limits, p *checker) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if int64(len(data)) > lim.MaxBytes {
		return &Error{Kind: TooBig, Max: lim.MaxBytes}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 16 * lim.MaxBytes, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return &Error{Kind: Unreadable, Err: err}
	}
	defer f.Close()
	var first error
	for _, sheet := range f.GetSheetList() {
		err := readRows(func(yield func(int, []string) error) error {
			rows, err := f.Rows(sheet)
			if err != nil {
				return &Error{Kind: Unreadable, Err: err}
			}
			defer rows.Close()
			for line := 1; rows.Next(); line++ {
				cols, err := rows.Columns()
				if err != nil {
					return &Error{Kind: Unreadable, Err: err}
				}
				if err := yield(line, cols); err != nil {
					return err
				}
			}
			if err := rows.Error(); err != nil {
				return &Error{Kind: Unreadable, Err: err}
			}
			return nil
		}, lim, p)
		var e *Error
		if errors.As(err, &e) && e.Kind == NoHeader {
			if first == nil {
				first = err
			}
			continue // a sheet of notes: try the next one
		}
		return err
	}
	if first == nil {
		first = &Error{Kind: NoHeader}
	}
	return first
}

// readCSV reads a CSV file of UTF-8 text, with or without a byte order
// mark, its fields separated by commas or semicolons (what Excel writes
// where the decimal separator is a comma).
func readCSV(br *bufio.Reader, lim Limits, p *checker) error {
	sample, _ := br.Peek(64 << 10)
	if len(sample) > int(lim.MaxBytes) {
		return &Error{Kind: TooBig, Max: lim.MaxBytes}
	}
	if bytes.IndexByte(sample, 0) >= 0 || bytes.HasPrefix(sample, []byte{0xff, 0xfe}) || bytes.HasPrefix(sample, []byte{0xfe, 0xff}) {
		return &Error{Kind: NotSpreadsheet}
	}
	if !validPrefix(sample) {
		return &Error{Kind: NotUTF8}
	}
	if bytes.HasPrefix(sample, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
		sample = sample[3:]
	}
	cr := csv.NewReader(&limited{r: br, max: lim.MaxBytes})
	cr.Comma = delimiter(sample)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return readRows(func(yield func(int, []string) error) error {
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return nil
			}
			var le *tooBig
			if errors.As(err, &le) {
				return &Error{Kind: TooBig, Max: lim.MaxBytes}
			}
			if err != nil {
				return &Error{Kind: NotSpreadsheet, Err: err}
			}
			for _, f := range rec {
				if !utf8.ValidString(f) {
					return &Error{Kind: NotUTF8}
				}
			}
			line, _ := cr.FieldPos(0)
			if err := yield(line, rec); err != nil {
				return err
			}
		}
	}, lim, p)
}

// validPrefix reports whether b is UTF-8, but for a character cut at its end.
func validPrefix(b []byte) bool {
	for i := 0; i < 4 && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// delimiter returns ';' when sample has more semicolons than commas
// outside quotes, ',' otherwise.
func delimiter(sample []byte) rune {
	commas, semis, quoted := 0, 0, false
	for _, c := range sample {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

// tooBig is the error of limited past its size.
type tooBig struct{}

func (tooBig) Error() string { return "file too big" }

// limited reads from r and fails once more than max bytes were read.
type limited struct {
	r   io.Reader
	n   int64
	max int64
}

func (l *limited) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if l.n += int64(n); l.n > l.max {
		return n, &tooBig{}
	}
	return n, err
}
