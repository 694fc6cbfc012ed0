package export_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"lamtheo/flows"
	"lamtheo/flows/export"
	"lamtheo/flows/text"
)

// fixture is a book's rows held in slices, as the tests write them.
type fixture struct {
	head    flows.ExportBook // Org, Scope, Period
	members []flows.ExportMember
	cells   []flows.ExportCell
	total   flows.ExportCell
}

// book returns the book of x's rows.
func (x fixture) book() flows.ExportBook {
	b := x.head
	b.Members = func(yield func(*flows.ExportMember) bool) error {
		for i := range x.members {
			if !yield(&x.members[i]) {
				return nil
			}
		}
		return nil
	}
	b.Cells = func() ([]flows.ExportCell, flows.ExportCell) { return x.cells, x.total }
	return b
}

// book is a small organisation's year to November: two cells, one exempt
// member, one on the roster from March who does not use the bot (dự bị,
// his report recorded by the cell; June left out for a pause, T), one deed outside the pledge.
func book() fixture {
	loc := time.FixedZone("ICT", 7*3600)
	R, M, E, N, T := flows.MarkReported, flows.MarkMissing, flows.MarkExempt, flows.MarkNone, flows.MarkPaused
	grid := func(ms ...flows.ExportMark) []flows.ExportMark { return ms }
	return fixture{
		head: flows.ExportBook{Org: "Đảng bộ xã Demo", Period: flows.Period{First: 202601, Last: 202611, Kind: flows.PeriodYear}},
		members: []flows.ExportMember{
			{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Connected: true, Items: 3, ItemsDone: 2, Pledged: time.Date(2026, 1, 10, 20, 0, 0, 0, loc),
				Approved: time.Date(2026, 1, 12, 9, 0, 0, 0, loc), Marks: grid(R, R, R, M, R, R, R, R, R, R, R), Reported: 10, Due: 11, Praised: 2,
				Deeds: []flows.ExportDeed{{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Month: 202611, Item: "Trồng cây", Status: flows.Done, Text: "Trồng 10 cây keo"}}},
			{Name: "Đỗ Thị Bình", Cell: "Chi bộ thôn Đông", Status: flows.RosterExempt, Connected: true, Marks: grid(E, E, E, E, E, E, E, E, E, E, E), Exempt: true},
			{Name: "Lê Văn Cường", Cell: "Chi bộ thôn Tây", Status: flows.RosterProbation, Recorded: true, Items: 2, ItemsDone: 1, Pledged: time.Date(2026, 3, 2, 8, 0, 0, 0, loc),
				Marks: grid(N, N, R, R, M, T, R, R, R, R, R), Reported: 7, Due: 8, Joined: 202603,
				Deeds: []flows.ExportDeed{{Name: "Lê Văn Cường", Cell: "Chi bộ thôn Tây", Month: 202610, Other: true, Status: flows.Done, Text: "Dọn đường làng", Recorded: true}}},
		},
		cells: []flows.ExportCell{
			{Name: "Chi bộ thôn Đông", SummaryCounts: flows.SummaryCounts{Members: 2, Exempt: 1, MustReport: 1, Reported: 1, Pledged: 1, Exemplary: 1}, ReportedSum: 10, DueSum: 11, Praised: 2},
			{Name: "Chi bộ thôn Tây", SummaryCounts: flows.SummaryCounts{Members: 1, MustReport: 1, Reported: 1, Pledged: 1}, ReportedSum: 7, DueSum: 8},
		},
		total: flows.ExportCell{SummaryCounts: flows.SummaryCounts{Members: 3, Exempt: 1, MustReport: 2, Reported: 2, Pledged: 2, Exemplary: 1}, ReportedSum: 17, DueSum: 19, Praised: 2},
	}
}

func open(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func write(t testing.TB, x fixture) *excelize.File {
	t.Helper()
	data, err := export.Write(catalogue(t), x.book())
	if err != nil {
		t.Fatal(err)
	}
	return open(t, data)
}

func catalogue(t testing.TB) *text.Catalog {
	c, err := text.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var cat, _ = text.Default()

func sheet(k text.Key) string { return cat.Render(k, nil) }

// want checks the shown value of cells (axis → value) of one sheet and, for
// numbers, that the cell holds a number, not text.
func want(t *testing.T, f *excelize.File, sh string, cells map[string]string, numeric ...string) {
	t.Helper()
	for axis, v := range cells {
		got, err := f.GetCellValue(sh, axis)
		if err != nil {
			t.Fatal(err)
		}
		if got != v {
			t.Errorf("%s!%s = %q, want %q", sh, axis, got, v)
		}
	}
	for _, axis := range numeric {
		typ, err := f.GetCellType(sh, axis)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := f.GetCellValue(sh, axis, excelize.Options{RawCellValue: true})
		if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber || raw == "" {
			t.Errorf("%s!%s is not a number: type %v, raw %q", sh, axis, typ, raw)
		}
	}
}

func TestWriteMemberSheet(t *testing.T) {
	f := write(t, book())
	sh := sheet(text.ExportMemberSheet)
	if got := f.GetSheetList(); len(got) != 3 || got[0] != sh || got[1] != sheet(text.ExportCellSheet) || got[2] != sheet(text.ExportDeedSheet) {
		t.Fatalf("sheets %q", got)
	}
	want(t, f, sh, map[string]string{
		"A1": "Đảng bộ xã Demo",
		"A2": "Kết quả đăng ký và báo cáo việc làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh, năm 2026 (đến tháng 11)",
		"A4": "STT", "B4": "Họ và tên", "D4": "Trạng thái", "H4": "T1", "R4": "T11", "S4": "Tỉ lệ tháng có báo cáo",
		"T4": "Việc hoàn thành/đăng ký", "V4": "Ghi chú",
		"A5": "1", "B5": "Nguyễn Văn An", "D5": "Chính thức", "E5": "3", "F5": "10/01/2026", "G5": "12/01/2026",
		"H5": "✓", "K5": "–", "S5": "91%", "T5": "2/3", "U5": "2", "V5": "",
		"B6": "Đỗ Thị Bình", "D6": "Miễn công tác và sinh hoạt đảng", "E6": "", "H6": "M", "S6": "", "T6": "",
		"V6": "Miễn công tác và sinh hoạt đảng",
		"D7": "Dự bị", "H7": "", "J7": "✓", "L7": "–", "M7": "T", "S7": "88%", "T7": "1/2", "G7": "",
		"V7": "Tính từ tháng 3; Không dùng bot; Chi bộ ghi hộ",
	}, "A5", "E5", "F5", "S5", "U5", "S7")
	raw, _ := f.GetCellValue(sh, "S5", excelize.Options{RawCellValue: true})
	if raw != "0.91" {
		t.Errorf("S5 holds %q, want the fraction 0.91", raw)
	}
	panes, err := f.GetPanes(sh)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 4 || panes.TopLeftCell != "A5" {
		t.Errorf("panes %+v, want the rows to 4 frozen", panes)
	}
	if w, _ := f.GetColWidth(sh, "B"); w < 20 {
		t.Errorf("name column %v wide", w)
	}
}

func TestWriteCellAndDeedSheets(t *testing.T) {
	f := write(t, book())
	sh := sheet(text.ExportCellSheet)
	want(t, f, sh, map[string]string{
		"A4": "Chi bộ", "G4": "Báo cáo tháng 11 (số)",
		"A5": "Chi bộ thôn Đông", "B5": "2", "C5": "1", "D5": "1", "E5": "1", "F5": "100%", "G5": "1", "H5": "100%", "I5": "91%", "J5": "2",
		"A7": "Toàn đảng bộ", "B7": "3", "C7": "1", "D7": "2", "I7": "89%", "J7": "2",
	}, "B5", "F5", "I7", "J7")
	if p, _ := f.GetPanes(sh); !p.Freeze || p.YSplit != 4 {
		t.Errorf("cell sheet panes %+v", p)
	}
	sh = sheet(text.ExportDeedSheet)
	want(t, f, sh, map[string]string{
		"A4": "Họ và tên", "F4": "Đã làm gì", "G4": "Ghi chú",
		"A5": "Nguyễn Văn An", "C5": "11", "D5": "Trồng cây", "E5": "Đã làm", "F5": "Trồng 10 cây keo", "G5": "",
		"D6": "Việc khác (ngoài đăng ký)", "F6": "Dọn đường làng", "G6": "Chi bộ ghi hộ",
	}, "C5")
}

// A half-year has six month columns; a month, one.
func TestWriteMonthColumns(t *testing.T) {
	b := book()
	b.head.Period = flows.Period{First: 202611, Last: 202611}
	for i := range b.members {
		b.members[i].Marks = b.members[i].Marks[10:]
	}
	f := write(t, b)
	want(t, f, sheet(text.ExportMemberSheet), map[string]string{"H4": "T11", "I4": "Tỉ lệ tháng có báo cáo", "H5": "✓"})
	if a2, _ := f.GetCellValue(sheet(text.ExportMemberSheet), "A2"); !bytes.HasSuffix([]byte(a2), []byte("tháng 11/2026")) {
		t.Errorf("A2 %q", a2)
	}
}

// generated returns an organisation of n members in cells of 120, one
// deed each, made up as the writer reads them (the book holds no rows).
func generated(n int) flows.ExportBook {
	b := book().book()
	b.Members = func(yield func(*flows.ExportMember) bool) error {
		m := flows.ExportMember{Items: 3, Marks: make([]flows.ExportMark, 11), Reported: 6, Due: 11,
			Deeds: []flows.ExportDeed{{Month: 202611, Item: "Trồng cây", Status: flows.Doing, Text: "Chăm sóc vườn cây"}}}
		for i := range n {
			for k := range m.Marks {
				m.Marks[k] = flows.ExportMark(1 + (i+k)%2)
			}
			m.Name, m.Cell = fmt.Sprintf("Nguyễn Văn Số %d", i+1), fmt.Sprintf("Chi bộ số %d", i/120+1)
			m.Deeds[0].Name, m.Deeds[0].Cell = m.Name, m.Cell
			if !yield(&m) {
				return nil
			}
		}
		return nil
	}
	return b
}

func TestWrite250(t *testing.T) {
	data, err := export.Write(catalogue(t), generated(250))
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	rows, err := f.GetRows(sheet(text.ExportMemberSheet))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4+250 {
		t.Fatalf("%d rows, want 254", len(rows))
	}
	want(t, f, sheet(text.ExportMemberSheet), map[string]string{"A254": "250", "B254": "Nguyễn Văn Số 250", "S254": "55%"}, "A254", "S254")
	want(t, f, sheet(text.ExportDeedSheet), map[string]string{"A254": "Nguyễn Văn Số 250", "E254": "Đang làm"})
}

func BenchmarkWrite5000(b *testing.B) {
	book := generated(5000)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		data, err := export.Write(catalogue(b), book)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size), "bytes/file")
}
