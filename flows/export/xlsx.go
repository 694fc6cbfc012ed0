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

// WriteTo writes b as an .xlsx workbook to out, its words from cat;
// temporary files go to tmpDir. b's rows are read as they are written
// (ExportBook.Members), once.
func WriteTo(out io.Writer, cat *text.Catalog, b flows.ExportBook, tmpDir string) error {
	f := excelize.NewFile(excelize.Options{TmpDir: tmpDir})
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	w := newWriter(cat, b, st)
	// excelize writes each sheet's head (widths, frozen rows, titles); the
	// rows go in as the workbook is copied to out (assemble).
	sheets := []struct {
		name text.Key
		head func(*excelize.StreamWriter) error
	}{
		{text.ExportMemberSheet, w.memberHead},
		{text.ExportCellSheet, w.cellHead},
		{text.ExportDeedSheet, w.deedHead},
	}
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
		if err := s.head(sw); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	var head bytes.Buffer
	if err := f.Write(&head); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	if err := w.assemble(out, head.Bytes(), tmpDir); err != nil {
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
	cat *text.Catalog
	b   flows.ExportBook
	st  styles
	// The words of the rows, rendered once (not once a row).
	marks      map[flows.ExportMark]string
	status     map[flows.RosterStatus]string
	deedStatus map[flows.ItemStatus]string
	fixed      map[text.Key]string // member notes without data, the other deed's item
}

func newWriter(cat *text.Catalog, b flows.ExportBook, st styles) writer {
	w := writer{cat: cat, b: b, st: st, fixed: map[text.Key]string{}}
	w.marks = map[flows.ExportMark]string{
		flows.MarkReported: w.r(text.ExportMarkReported, nil),
		flows.MarkMissing:  w.r(text.ExportMarkMissing, nil),
		flows.MarkExempt:   w.r(text.ExportMarkExempt, nil),
		flows.MarkPaused:   w.r(text.ExportMarkPaused, nil),
	}
	w.status = map[flows.RosterStatus]string{
		flows.RosterFull:      w.r(text.RosterStatusFull, nil),
		flows.RosterProbation: w.r(text.RosterStatusProbation, nil),
		flows.RosterExempt:    w.r(text.RosterStatusExempt, nil),
	}
	w.deedStatus = map[flows.ItemStatus]string{
		flows.Done:   w.r(text.StatusDone, nil),
		flows.Doing:  w.r(text.StatusDoing, nil),
		flows.NotYet: w.r(text.StatusNotYet, nil),
	}
	for _, k := range []text.Key{text.ExportNoteExempt, text.ExportNoteOffline, text.ExportNoteRecorded, text.ExportOtherDeed} {
		w.fixed[k] = cat.Render(k, nil)
	}
	return w
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

// percent writes num/den as a percent cell, or an empty cell when den is 0.
func (w writer) percent(e *rowEnc, num, den int) {
	if v, ok := flows.PercentValue(num, den); ok {
		e.float(v, w.st.percent)
	} else {
		e.skip()
	}
}

// memberHead writes the member sheet's head.
func (w writer) memberHead(sw *excelize.StreamWriter) error {
	cols := w.lines(text.ExportMemberColumns, nil)
	widths := []float64{6, 28, 22, 12, 10, 12, 12}
	for _, m := range w.b.Period.Months() {
		cols = append(cols, w.r(text.ExportMonthColumn, struct{ Num int }{m.Num()}))
		widths = append(widths, 5)
	}
	cols = append(cols, w.lines(text.ExportMemberEnd, nil)...)
	widths = append(widths, 12, 12, 10, 32)
	legend := w.r(text.ExportLegend, struct{ Last int }{w.b.Period.Last.Num()})
	return w.head(sw, widths, legend, cols)
}

// cellHead writes the cell sheet's head.
func (w writer) cellHead(sw *excelize.StreamWriter) error {
	cols := w.lines(text.ExportCellColumns, struct{ Last int }{w.b.Period.Last.Num()})
	return w.head(sw, []float64{30, 9, 8, 10, 10, 10, 10, 10, 10, 11}, "", cols)
}

// deedHead writes the deed sheet's head.
func (w writer) deedHead(sw *excelize.StreamWriter) error {
	cols := w.lines(text.ExportDeedColumns, nil)
	return w.head(sw, []float64{28, 22, 8, 36, 12, 48, 14}, "", cols)
}

// memberRows writes the member rows to me and their deeds to de, as
// b.Members reads them.
func (w writer) memberRows(me, de *rowEnc) error {
	var (
		n, deeds int
		done     []byte // scratch for "done/items"
	)
	err := w.b.Members(func(m *flows.ExportMember) bool {
		n++
		me.start(headerRow + n)
		me.int(n, 0)
		me.str(m.Name, 0)
		me.str(m.Cell, 0)
		me.str(w.status[m.Status], 0)
		if m.Items > 0 {
			me.int(m.Items, 0)
		} else {
			me.skip()
		}
		me.day(m.Pledged, w.st.date)
		me.day(m.Approved, w.st.date)
		for _, mk := range m.Marks {
			me.str(w.marks[mk], 0)
		}
		w.percent(me, m.Reported, m.Due)
		if m.Items > 0 {
			done = strconv.AppendInt(done[:0], int64(m.ItemsDone), 10)
			done = append(done, '/')
			me.str(string(strconv.AppendInt(done, int64(m.Items), 10)), 0)
		} else {
			me.skip()
		}
		if m.Praised > 0 {
			me.int(m.Praised, 0)
		} else {
			me.skip()
		}
		me.str(w.note(m), 0)
		me.end()
		for i := range m.Deeds {
			deeds++
			w.deedRow(de, headerRow+deeds, &m.Deeds[i])
		}
		return true
	})
	return err
}

// note is the member's Ghi chú: exempt, paused, connected in the period.
func (w writer) note(m *flows.ExportMember) string {
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

// cellRows writes the cell sheet's rows, with the organisation's total
// (one cell's export has none: it would repeat the cell).
func (w writer) cellRows(e *rowEnc) {
	rows, total := w.b.Cells()
	n := headerRow
	row := func(c flows.ExportCell, name string, style int) {
		n++
		e.start(n)
		e.str(name, style)
		for _, v := range []int{c.Members, c.Exempt, c.MustReport, c.Pledged} {
			e.int(v, 0)
		}
		w.percent(e, c.Pledged, c.MustReport)
		e.int(c.Reported, 0)
		w.percent(e, c.Reported, c.MustReport)
		w.percent(e, c.ReportedSum, c.DueSum)
		e.int(c.Praised, 0)
		e.end()
	}
	for _, c := range rows {
		row(c, c.Name, 0)
	}
	if w.b.Scope == "" {
		row(total, w.r(text.ExportTotal, nil), w.st.title)
	}
}

// deedRow writes deed d as row n.
func (w writer) deedRow(e *rowEnc, n int, d *flows.ExportDeed) {
	item := d.Item
	if d.Other {
		item = w.fixed[text.ExportOtherDeed]
	}
	e.start(n)
	e.str(d.Name, 0)
	e.str(d.Cell, 0)
	e.int(d.Month.Num(), 0)
	e.str(item, w.st.text)
	e.str(w.deedStatus[d.Status], 0)
	e.str(d.Text, w.st.text)
	if d.Recorded {
		e.str(w.fixed[text.ExportNoteRecorded], 0)
	}
	e.end()
}
