package export_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"lamtheo/flows"
	"lamtheo/flows/export"
	"lamtheo/flows/text"
)

// TestWriteReadsRowsOnce: the writer reads the member rows once, as they
// come (each row reused, as flows reads them), and asks for the cell
// sheet's rows only after the last member's; the rows it writes are those
// it was handed then, and every deed goes to the deed sheet in order.
func TestWriteReadsRowsOnce(t *testing.T) {
	x := book()
	passes, done := 0, false
	b := x.book()
	b.Members = func(yield func(*flows.ExportMember) bool) error {
		passes++
		var row flows.ExportMember
		for _, m := range x.members {
			row = m
			if !yield(&row) {
				return nil
			}
			row = flows.ExportMember{Name: "reused", Marks: row.Marks[:0]} // what flows does to a row once it is written
		}
		done = true
		return nil
	}
	b.Cells = func() ([]flows.ExportCell, flows.ExportCell) {
		if !done {
			t.Error("the cell rows were asked for before the last member's")
		}
		return x.cells, x.total
	}
	data, err := export.Write(catalogue(t), b)
	if err != nil {
		t.Fatal(err)
	}
	if passes != 1 {
		t.Errorf("the member rows were read %d times, want once", passes)
	}
	f := open(t, data)
	want(t, f, sheet(text.ExportMemberSheet), map[string]string{"B5": "Nguyễn Văn An", "B7": "Lê Văn Cường", "S7": "88%"})
	want(t, f, sheet(text.ExportCellSheet), map[string]string{"A5": "Chi bộ thôn Đông", "A7": "Toàn đảng bộ", "I7": "89%"})
	want(t, f, sheet(text.ExportDeedSheet), map[string]string{"A5": "Nguyễn Văn An", "A6": "Lê Văn Cường", "A7": ""})
}

// TestWriteReadError: an error reading the rows is the writer's.
func TestWriteReadError(t *testing.T) {
	b := generated(1000)
	broken := errors.New("disk read")
	rows := b.Members
	b.Members = func(yield func(*flows.ExportMember) bool) error {
		n := 0
		rows(func(m *flows.ExportMember) bool { n++; return n < 500 && yield(m) })
		return broken
	}
	if _, err := export.Write(catalogue(t), b); !errors.Is(err, broken) {
		t.Fatalf("Write: %v, want the read error", err)
	}
}

// TestWriteZipEntries: every entry of the file reads back whole (archive/zip
// checks each one's CRC and size: the deed sheet's entry is copied
// deflated from its spill file) and the member sheet's entry comes before
// the cell sheet's, whose rows are known only after the members'.
func TestWriteZipEntries(t *testing.T) {
	data, err := export.Write(catalogue(t), generated(3000))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	at := map[string]int{}
	for i, zf := range zr.File {
		at[zf.Name] = i
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil || uint64(n) != zf.UncompressedSize64 {
			t.Errorf("%s: read %d of %d bytes: %v", zf.Name, n, zf.UncompressedSize64, err)
		}
	}
	members, okM := at["xl/worksheets/sheet1.xml"]
	cells, okC := at["xl/worksheets/sheet2.xml"]
	_, okD := at["xl/worksheets/sheet3.xml"]
	if !okM || !okC || !okD || members > cells {
		t.Errorf("worksheet entries at %v", at)
	}
	f := open(t, data)
	want(t, f, sheet(text.ExportDeedSheet), map[string]string{"A3004": "Nguyễn Văn Số 3000", "F3004": "Chăm sóc vườn cây", "A3005": ""})
}

// TestWriteDeedsCut: over the book's MaxDeeds, the deed sheet holds the
// first MaxDeeds deeds; the row under its subtitle and the row after the
// last deed say where it stopped (flows.DeedsCutText), in the note's
// style; the member and cell sheets are whole. Every sheet fits Excel's
// rows at the design's scale (250,000 members, 2,000 cells) with the
// shipped bound.
func TestWriteDeedsCut(t *testing.T) {
	b := generated(250)
	b.MaxDeeds = 100
	data, err := export.Write(catalogue(t), b)
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	ds := sheet(text.ExportDeedSheet)
	rows, err := f.GetRows(ds)
	if err != nil {
		t.Fatal(err)
	}
	note := flows.DeedsCutText(catalogue(t), b, 250)
	if len(rows) != 4+100+1 {
		t.Fatalf("deed sheet of %d rows, want 4 + 100 + the note", len(rows))
	}
	want(t, f, ds, map[string]string{"A3": note, "A4": "Họ và tên", "A5": "Nguyễn Văn Số 1", "A104": "Nguyễn Văn Số 100", "A105": note, "B105": ""})
	if s1, _ := f.GetCellStyle(ds, "A3"); s1 == 0 {
		t.Error("the note has no style")
	} else if s2, _ := f.GetCellStyle(ds, "A105"); s2 != s1 {
		t.Errorf("the notes' styles %d and %d", s1, s2)
	}
	if p, _ := f.GetPanes(ds); !p.Freeze || p.YSplit != 4 {
		t.Errorf("deed sheet panes %+v", p)
	}
	members, _ := f.GetRows(sheet(text.ExportMemberSheet))
	if len(members) != 4+250 {
		t.Errorf("member sheet of %d rows, want 254", len(members))
	}
	want(t, f, sheet(text.ExportCellSheet), map[string]string{"A7": "Toàn đảng bộ"})
	if !strings.Contains(note, "100 việc đầu trong số 250") {
		t.Errorf("note %q", note)
	}
	b.MaxDeeds = 250 // exactly the bound: no note
	data, err = export.Write(catalogue(t), b)
	if err != nil {
		t.Fatal(err)
	}
	f = open(t, data)
	want(t, f, ds, map[string]string{"A3": "", "A254": "Nguyễn Văn Số 250", "A255": ""})
	if most := 4 + flows.DefaultExportDeeds + 1; most > excelize.TotalRows/10 {
		t.Errorf("the deed sheet's %d rows are not well under Excel's %d", most, excelize.TotalRows)
	}
	if b.MaxDeeds = 0; b.DeedRows() != flows.DefaultExportDeeds {
		t.Errorf("DeedRows %d without MaxDeeds, want the default", b.DeedRows())
	}
	const people, cells = 250_000, 2_000
	if 4+people > excelize.TotalRows || 4+cells+1 > excelize.TotalRows {
		t.Error("the member or cell sheet passes Excel's rows at the design's scale")
	}
}
