package export

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"lamtheo/flows"
	"lamtheo/flows/text"
)

// headerRow is the row of column titles on every sheet, under the title,
// the period and the legend; the rows above it stay frozen.
const headerRow = 4

// styles are the workbook's cell styles.
type styles struct{ title, header, percent, date, text int }

// Write returns b as an .xlsx workbook, its words from cat. It is safe for
// concurrent use. The workbook goes through a temporary file, so the only
// copy of it in memory is the returned bytes, of their exact size (the
// caller stores them): a large organisation's workbook is tens of
// megabytes, which a growing buffer would hold up to twice over.
func Write(cat *text.Catalog, b flows.ExportBook) ([]byte, error) {
	const tmpDir = "" // the system's
	tmp, err := os.CreateTemp(tmpDir, "xuat-*.xlsx")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := WriteTo(tmp, cat, b, tmpDir); err != nil {
		return nil, err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	data := make([]byte, size)
	if _, err := tmp.ReadAt(data, 0); err != nil {
		return nil, fmt.Errorf("read workbook: %w", err)
	}
	return data, nil
}

// WriteTo writes b as an .xlsx workbook to out, its words from cat; the
// streamed sheets spill to temporary files in tmpDir (excelize keeps up to
// 16 MB of each in memory).
func WriteTo(out io.Writer, cat *text.Catalog, b flows.ExportBook, tmpDir string) error {
	f := excelize.NewFile(excelize.Options{TmpDir: tmpDir})
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	w := writer{f: f, cat: cat, b: b, st: st, fixed: map[text.Key]string{}}
	for _, k := range []text.Key{text.ExportNoteExempt, text.ExportNoteOffline, text.ExportNoteRecorded} {
		w.fixed[k] = cat.Render(k, nil)
	}
	// The member and deed sheets get their head from excelize, their rows
	// from rowEnc as the workbook is copied to out (rezip).
	sheets := []struct {
		name  text.Key
		write func(*excelize.StreamWriter) (rowsFunc, error)
	}{
		{text.ExportMemberSheet, w.members},
		{text.ExportCellSheet, w.cells},
		{text.ExportDeedSheet, w.deeds},
	}
	rows := map[string]rowsFunc{}
	for i, s := range sheets {
		name := cat.Render(s.name, nil)
		if i == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		body, err := s.write(sw)
		if err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		if body != nil {
			// A new workbook's i-th sheet is sheet<i+1>.xml.
			rows[fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)] = body
		}
	}
	var head bytes.Buffer
	if err := f.Write(&head); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	if err := rezip(out, head.Bytes(), rows); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	dateFmt := "dd/mm/yyyy"
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}},
		{&st.header, excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		}},
		{&st.percent, excelize.Style{NumFmt: 9}}, // 0%
		{&st.date, excelize.Style{CustomNumFmt: &dateFmt}},
		{&st.text, excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return st, err
		}
		*s.id = id
	}
	return st, nil
}

// writer writes one workbook's sheets.
type writer struct {
	f   *excelize.File
	cat *text.Catalog
	b   flows.ExportBook
	st  styles
	// fixed are the texts of the member notes without data, rendered once
	// (not once a member).
	fixed map[text.Key]string
}

func (w writer) r(k text.Key, data any) string { return w.cat.Render(k, data) }

// lines renders k and splits it into its lines (a list of column titles).
func (w writer) lines(k text.Key, data any) []string {
	return strings.Split(strings.TrimSpace(w.r(k, data)), "\n")
}

// head starts a sheet: column widths, the frozen rows, the title, the
// period, the legend (or nothing) and the column titles.
func (w writer) head(sw *excelize.StreamWriter, widths []float64, legend string, cols []string) error {
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	top, _ := excelize.CoordinatesToCellName(1, headerRow+1)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: top, ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	title := w.r(text.ExportTitle, struct{ Org, Scope string }{w.b.Org, w.b.Scope})
	sub := w.r(text.ExportSubtitle, struct{ Period string }{flows.PeriodText(w.cat, w.b.Period)})
	rows := [][]any{{excelize.Cell{StyleID: w.st.title, Value: title}}, {sub}, {legend}}
	for i, row := range rows {
		if err := sw.SetRow(cell(1, i+1), row); err != nil {
			return err
		}
	}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = excelize.Cell{StyleID: w.st.header, Value: c}
	}
	return sw.SetRow(cell(1, headerRow), hdr, excelize.RowOpts{Height: 32})
}

func cell(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// percentCell is num/den as a percent cell, or an empty cell when den is
// 0 (the cell sheet, through excelize).
func (w writer) percentCell(num, den int) any {
	v, ok := flows.PercentValue(num, den)
	if !ok {
		return nil
	}
	return excelize.Cell{StyleID: w.st.percent, Value: v}
}

// percent writes num/den as a percent cell, or an empty cell when den is 0.
func (w writer) percent(e *rowEnc, num, den int) {
	if v, ok := flows.PercentValue(num, den); ok {
		e.float(v, w.st.percent)
	} else {
		e.skip()
	}
}

// members writes the member sheet's head and returns its rows.
func (w writer) members(sw *excelize.StreamWriter) (rowsFunc, error) {
	months := w.b.Period.Months()
	cols := w.lines(text.ExportMemberColumns, nil)
	widths := []float64{6, 28, 22, 12, 10, 12, 12}
	for _, m := range months {
		cols = append(cols, w.r(text.ExportMonthColumn, struct{ Num int }{m.Num()}))
		widths = append(widths, 5)
	}
	cols = append(cols, w.lines(text.ExportMemberEnd, nil)...)
	widths = append(widths, 12, 12, 10, 32)
	legend := w.r(text.ExportLegend, struct{ Last int }{w.b.Period.Last.Num()})
	if err := w.head(sw, widths, legend, cols); err != nil {
		return nil, err
	}
	marks := map[flows.ExportMark]string{
		flows.MarkReported: w.r(text.ExportMarkReported, nil),
		flows.MarkMissing:  w.r(text.ExportMarkMissing, nil),
		flows.MarkExempt:   w.r(text.ExportMarkExempt, nil),
		flows.MarkPaused:   w.r(text.ExportMarkPaused, nil),
	}
	status := map[flows.RosterStatus]string{
		flows.RosterFull:      w.r(text.RosterStatusFull, nil),
		flows.RosterProbation: w.r(text.RosterStatusProbation, nil),
		flows.RosterExempt:    w.r(text.RosterStatusExempt, nil),
	}
	return func(e *rowEnc) error {
		var done []byte // scratch for "done/items"
		for i, m := range w.b.Members {
			e.start(headerRow + 1 + i)
			e.int(i+1, 0)
			e.str(m.Name, 0)
			e.str(m.Cell, 0)
			e.str(status[m.Status], 0)
			if m.Items > 0 {
				e.int(m.Items, 0)
			} else {
				e.skip()
			}
			e.day(m.Pledged, w.st.date)
			e.day(m.Approved, w.st.date)
			for _, mk := range m.Marks {
				e.str(marks[mk], 0)
			}
			w.percent(e, m.Reported, m.Due)
			if m.Items > 0 {
				done = strconv.AppendInt(done[:0], int64(m.ItemsDone), 10)
				done = append(done, '/')
				e.str(string(strconv.AppendInt(done, int64(m.Items), 10)), 0)
			} else {
				e.skip()
			}
			if m.Praised > 0 {
				e.int(m.Praised, 0)
			} else {
				e.skip()
			}
			e.str(w.note(m), 0)
			e.end()
		}
		return nil
	}, nil
}

// note is the member's Ghi chú: exempt, paused, connected in the period.
func (w writer) note(m flows.ExportMember) string {
	var notes []string
	if m.Exempt {
		notes = append(notes, w.fixed[text.ExportNoteExempt])
	}
	if !m.PausedTo.IsZero() {
		notes = append(notes, w.r(text.ExportNotePaused, struct{ Until string }{m.PausedTo.Format("02/01/2006")}))
	}
	if m.Joined != 0 {
		notes = append(notes, w.r(text.ExportNoteJoined, struct{ Num int }{m.Joined.Num()}))
	}
	if !m.Connected {
		notes = append(notes, w.fixed[text.ExportNoteOffline])
	}
	if m.Recorded {
		notes = append(notes, w.fixed[text.ExportNoteRecorded])
	}
	return strings.Join(notes, "; ")
}

// cells writes the cell sheet, small enough for excelize alone.
func (w writer) cells(sw *excelize.StreamWriter) (rowsFunc, error) {
	cols := w.lines(text.ExportCellColumns, struct{ Last int }{w.b.Period.Last.Num()})
	if err := w.head(sw, []float64{30, 9, 8, 10, 10, 10, 10, 10, 10, 11}, "", cols); err != nil {
		return nil, err
	}
	rows := w.b.Cells
	total := -1 // one cell's export has no total row: it would repeat the cell
	if w.b.Scope == "" {
		rows = append(rows[:len(rows):len(rows)], w.b.Total)
		total = len(rows) - 1
		rows[total].Name = w.r(text.ExportTotal, nil)
	}
	for i, c := range rows {
		row := []any{c.Name, c.Members, c.Exempt, c.MustReport,
			c.Pledged, w.percentCell(c.Pledged, c.MustReport),
			c.Reported, w.percentCell(c.Reported, c.MustReport),
			w.percentCell(c.ReportedSum, c.DueSum), c.Praised}
		if i == total {
			row[0] = excelize.Cell{StyleID: w.st.title, Value: c.Name}
		}
		if err := sw.SetRow(cell(1, headerRow+1+i), row); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// deeds writes the deed sheet's head and returns its rows.
func (w writer) deeds(sw *excelize.StreamWriter) (rowsFunc, error) {
	cols := w.lines(text.ExportDeedColumns, nil)
	if err := w.head(sw, []float64{28, 22, 8, 36, 12, 48, 14}, "", cols); err != nil {
		return nil, err
	}
	status := map[flows.ItemStatus]string{
		flows.Done:   w.r(text.StatusDone, nil),
		flows.Doing:  w.r(text.StatusDoing, nil),
		flows.NotYet: w.r(text.StatusNotYet, nil),
	}
	other := w.r(text.ExportOtherDeed, nil)
	recorded := w.r(text.ExportNoteRecorded, nil)
	return func(e *rowEnc) error {
		for i, d := range w.b.Deeds {
			item := d.Item
			if d.Other {
				item = other
			}
			e.start(headerRow + 1 + i)
			e.str(d.Name, 0)
			e.str(d.Cell, 0)
			e.int(d.Month.Num(), 0)
			e.str(item, w.st.text)
			e.str(status[d.Status], 0)
			e.str(d.Text, w.st.text)
			if d.Recorded {
				e.str(recorded, 0)
			}
			e.end()
		}
		return nil
	}, nil
}
