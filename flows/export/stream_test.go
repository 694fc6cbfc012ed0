package export_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"testing"

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
