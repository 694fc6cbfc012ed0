package rosterfile_test

import (
	"bytes"
	"testing"

	"lamtheo/flows/rosterfile"
)

// FuzzParse feeds Parse random files (seeded with CSV and xlsx rosters):
// it never panics, and what it returns keeps its promises: rows after the
// header with a name and a configured cell, problems by row number.
func FuzzParse(f *testing.F) {
	f.Add(csvFile(f, roster, ',', true))
	f.Add(csvFile(f, roster, ';', false))
	f.Add([]byte("Họ và tên,Chi bộ\n,C01\nA,C09\nNGUYỄN A,C01\nNguyen A,C01\n"))
	f.Add(xlsxFile(f, roster[:5], nil))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := rosterfile.Parse(bytes.NewReader(data), cells, rosterfile.Limits{MaxRows: 1000, MaxBytes: 1 << 20})
		if err != nil {
			return
		}
		known := map[string]bool{"C01": true, "C02": true}
		for _, r := range file.Rows {
			if r.Line <= file.Header || r.Name == "" || !known[r.Cell] || !r.Status.Valid() {
				t.Fatalf("row %+v (header %d)", r, file.Header)
			}
		}
		for _, p := range file.Problems {
			if p.Line <= file.Header {
				t.Fatalf("problem %+v before the header %d", p, file.Header)
			}
		}
	})
}
