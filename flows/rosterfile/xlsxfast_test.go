package rosterfile

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"lamtheo/flows"
)

// TestFastXLSXAsExcelize: the fast xlsx reader reads what excelize reads,
// row for row and problem for problem, or leaves the file to excelize:
// inline and shared strings, rich text, plain and
// styled numbers, formulas, booleans, gaps between rows and cells, a sheet
// of notes first, escaped characters. fast says whether the fast reader
// must read the file itself.
func TestFastXLSXAsExcelize(t *testing.T) {
	cells := []flows.Cell{{Code: "C01", Name: "Chi bộ thôn Đông"}, {Code: "12", Name: "Chi bộ 12"}}
	header := []any{"STT", "Họ và tên", "Chi bộ", "Trạng thái", "Chức vụ"}
	tests := []struct {
		name string
		fast bool
		fill func(f *excelize.File) error
	}{
		{"stream of inline strings", true, func(f *excelize.File) error {
			sw, err := f.NewStreamWriter("Sheet1")
			if err != nil {
				return err
			}
			for i, r := range [][]any{{"Danh sách"}, header, {1, "Nguyễn Thị Lan", "C01", "", "Bí thư"}, {2, "TRẦN VĂN HÙNG", "C01", "Dự bị"}, {3, "Le Van Tam", "C09"}} {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				if err := sw.SetRow(cell, r); err != nil {
					return err
				}
			}
			return sw.Flush()
		}},
		{"shared strings, gaps, plain numbers", true, func(f *excelize.File) error {
			return setRows(f, "Sheet1", map[string]any{
				"B3": "Họ và tên", "C3": "Chi bộ", "D3": "Trạng thái",
				"A4": 1, "B4": "Nguyễn Thị Lan", "C4": "C01",
				"A6": 2, "B6": "Phạm Văn Bốn", "C6": 12, "E6": "Chi ủy viên",
				"B7": "Nguyễn Thị Lan", "C7": "C01", "D7": "miễn",
			})
		}},
		{"a sheet of notes first, a formula", true, func(f *excelize.File) error {
			if err := setRows(f, "Sheet1", map[string]any{"A1": "Ghi chú: điền từ dòng 2 của trang sau"}); err != nil {
				return err
			}
			if _, err := f.NewSheet("Danh sách"); err != nil {
				return err
			}
			if err := setRows(f, "Danh sách", map[string]any{"A1": "Họ và tên", "B1": "Chi bộ", "A2": "Vũ Thị Tư", "B2": "C01", "A3": "Đỗ Văn Bảy"}); err != nil {
				return err
			}
			return f.SetCellFormula("Danh sách", "B3", `"C0"&"1"`)
		}},
		{"rich text", true, func(f *excelize.File) error {
			if err := setRows(f, "Sheet1", map[string]any{"A1": "Họ và tên", "B1": "Chi bộ", "B2": "C01"}); err != nil {
				return err
			}
			return f.SetCellRichText("Sheet1", "A2", []excelize.RichTextRun{{Text: "Hoàng "}, {Text: "Văn Sáu", Font: &excelize.Font{Bold: true}}})
		}},
		{"a styled number in the cell column", false, func(f *excelize.File) error {
			return decimals(f, "B2", map[string]any{"A1": "Họ và tên", "B1": "Chi bộ", "A2": "Vũ Thị Tư", "B2": 12})
		}},
		{"a styled number in a column not read", true, func(f *excelize.File) error {
			return decimals(f, "A2", map[string]any{"B1": "Họ và tên", "C1": "Chi bộ", "A2": 1, "B2": "Vũ Thị Tư", "C2": "C01"})
		}},
		{"a boolean and a decimal", false, func(f *excelize.File) error {
			return setRows(f, "Sheet1", map[string]any{"A1": "Họ và tên", "B1": "Chi bộ", "C1": "Chức vụ", "A2": "Vũ Thị Tư", "B2": "C01", "C2": true, "A3": 1.5, "B3": "C01"})
		}},
		{"an escaped character", false, func(f *excelize.File) error {
			return setRows(f, "Sheet1", map[string]any{"A1": "Họ và tên", "B1": "Chi bộ", "A2": "Vũ Thị_x000D_Tư", "B2": "C01"})
		}},
		{"no header", true, func(f *excelize.File) error {
			return setRows(f, "Sheet1", map[string]any{"A1": "Tên chi bộ", "A2": "C01"})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := excelize.NewFile()
			defer f.Close()
			if err := tc.fill(f); err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if _, err := f.WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			data, lim := b.Bytes(), Limits{}.withDefaults()
			slow := newChecker(cells)
			slowErr := readExcelize(data, lim, slow)
			got, err := readXLSX(bytes.NewReader(data), lim, cells)
			if !reflect.DeepEqual(got.file, slow.file) || !sameError(err, slowErr) {
				t.Errorf("read\n%+v, %v\nexcelize read\n%+v, %v", got.file, err, slow.file, slowErr)
			}
			sheets, err := fastSheets(data, lim)
			if err == nil {
				err = readSheets(sheets, lim, newChecker(cells))
			}
			if fast := !errors.Is(err, errSlowPath); fast != tc.fast {
				t.Errorf("read by the fast reader: %v, want %v (%v)", fast, tc.fast, err)
			}
		})
	}
}

// setRows sets the cells of sheet, by name.
func setRows(f *excelize.File, sheet string, cells map[string]any) error {
	for name, v := range cells {
		if err := f.SetCellValue(sheet, name, v); err != nil {
			return err
		}
	}
	return nil
}

// decimals sets the cells of the first sheet and shows the number in cell
// with two decimals ("12.00").
func decimals(f *excelize.File, cell string, cells map[string]any) error {
	if err := setRows(f, "Sheet1", cells); err != nil {
		return err
	}
	style, err := f.NewStyle(&excelize.Style{NumFmt: 2})
	if err != nil {
		return err
	}
	return f.SetCellStyle("Sheet1", cell, cell, style)
}

func sameError(a, b error) bool {
	var ea, eb *Error
	if errors.As(a, &ea) && errors.As(b, &eb) {
		return ea.Kind == eb.Kind
	}
	return a == nil && b == nil
}

// TestColumn: cell references give their columns; anything else 0.
func TestColumn(t *testing.T) {
	for ref, want := range map[string]int{"A1": 1, "b12": 2, "Z3": 26, "AA10": 27, "XFD1048576": 16384, "": 0, "A": 0, "12": 0, "A1B": 0, "ABCD1": 0} {
		if got := column(ref); got != want {
			t.Errorf("column(%q) = %d, want %d", ref, got, want)
		}
	}
}

// TestFastXLSXDamaged: a worksheet cut short is left to excelize, whose
// answer Parse gives.
func TestFastXLSXDamaged(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if err := setRows(f, "Sheet1", map[string]any{"A1": "Họ và tên", "B1": "Chi bộ", "A2": "Vũ Thị Tư", "B2": "C01", "A3": "Đỗ Văn Bảy", "B3": "C01"}); err != nil {
		t.Fatal(err)
	}
	var good bytes.Buffer
	if _, err := f.WriteTo(&good); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(good.Bytes()), int64(good.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var bad bytes.Buffer
	zw := zip.NewWriter(&bad)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == "xl/worksheets/sheet1.xml" {
			b = b[:bytes.Index(b, []byte(`<row r="3"`))+7]
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	cells := []flows.Cell{{Code: "C01", Name: "Chi bộ thôn Đông"}}
	lim := Limits{}.withDefaults()
	if _, err := fastSheets(bad.Bytes(), lim); err != nil {
		t.Fatalf("the workbook's parts: %v", err)
	}
	slow := newChecker(cells)
	slowErr := readExcelize(bad.Bytes(), lim, slow)
	got, err := readXLSX(bytes.NewReader(bad.Bytes()), lim, cells)
	if !reflect.DeepEqual(got.file, slow.file) || !sameError(err, slowErr) {
		t.Errorf("read\n%+v, %v\nexcelize read\n%+v, %v", got.file, err, slow.file, slowErr)
	}
}
