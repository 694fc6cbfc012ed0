package rosterfile_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/xuri/excelize/v2"

	"lamtheo/flows"
	"lamtheo/flows/text"
)

// cells are the configured cells of the tests.
var cells = []flows.Cell{
	{Code: "C01", Name: "Chi bộ thôn Đông"},
	{Code: "C02", Name: "Chi bộ thôn Tây"},
}

func catalog(t testing.TB) *text.Catalog {
	t.Helper()
	cat, err := text.Default()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// xlsxFile writes rows on the first sheet of a new xlsx file, each row's
// number its place in rows (1-based); more sheets come before it when
// notes is not nil.
func xlsxFile(t testing.TB, rows [][]string, notes [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if notes != nil {
		if err := f.SetSheetName("Sheet1", "Ghi chú"); err != nil {
			t.Fatal(err)
		}
		writeRows(t, f, "Ghi chú", notes)
		if _, err := f.NewSheet("Danh sách"); err != nil {
			t.Fatal(err)
		}
		writeRows(t, f, "Danh sách", rows)
	} else {
		writeRows(t, f, "Sheet1", rows)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeRows(t testing.TB, f *excelize.File, sheet string, rows [][]string) {
	t.Helper()
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
}

// csvFile writes rows as CSV separated by comma, with a byte order mark
// when bom.
func csvFile(t testing.TB, rows [][]string, comma rune, bom bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if bom {
		b.WriteString("\ufeff")
	}
	w := csv.NewWriter(&b)
	w.Comma = comma
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// people returns n data rows of cell C01, named apart.
func people(n int) [][]string {
	out := make([][]string, 0, n+1)
	out = append(out, []string{"Họ và tên", "Chi bộ", "Trạng thái"})
	given := []string{"An", "Bình", "Cúc", "Dũng", "Hà", "Lan", "Minh", "Nga", "Phúc", "Quế"}
	for i := range n {
		out = append(out, []string{"Nguyễn Văn " + given[i%10] + " " + itoa(i), "C01", "Chính thức"})
	}
	return out
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		if i /= 10; i == 0 {
			return string(b)
		}
	}
}

func excelizeOpen(b []byte) (*excelize.File, error) { return excelize.OpenReader(bytes.NewReader(b)) }
