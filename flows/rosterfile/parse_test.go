package rosterfile_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"lamtheo/flows"
	"lamtheo/flows/rosterfile"
)

// roster is the example file of the tests: two title rows above the
// header, its names written the many ways people write them.
var roster = [][]string{
	{"ĐẢNG BỘ XÃ AN BÌNH"},
	{"DANH SÁCH ĐẢNG VIÊN", "", "", ""},
	{"STT", " HỌ  VÀ TÊN ", "chi bo", "Trang thai", "Chức vụ"},
	{"1", "Nguyễn Thị Lan", "C01", "Chính thức", "Bí thư"},
	{"2", "Trần  Văn Hùng", "c01", "", ""},
	{"3", "Lê Văn Tám", "Chi bộ thôn Đông", "DỰ BỊ", ""},
	{"4", "Phạm Thị Hoa", "thôn tây", "mien", ""},
	{"5", "Đỗ Văn Bảy", "C02", "Miễn công tác và sinh hoạt đảng", "Chi ủy viên"},
	{"6", "", "", "", ""},
	{"7", "Vũ Thị Tư", "C02", "mien sinh hoat", ""},
}

// want is what roster gives.
var want = []rosterfile.Row{
	{Line: 4, Name: "Nguyễn Thị Lan", Cell: "C01", Status: flows.RosterFull, Role: "Bí thư"},
	{Line: 5, Name: "Trần Văn Hùng", Cell: "C01", Status: flows.RosterFull},
	{Line: 6, Name: "Lê Văn Tám", Cell: "C01", Status: flows.RosterProbation},
	{Line: 7, Name: "Phạm Thị Hoa", Cell: "C02", Status: flows.RosterExempt},
	{Line: 8, Name: "Đỗ Văn Bảy", Cell: "C02", Status: flows.RosterExempt, Role: "Chi ủy viên"},
	{Line: 10, Name: "Vũ Thị Tư", Cell: "C02", Status: flows.RosterExempt},
}

// TestParseFormats: the same roster reads the same from xlsx (the header
// on the second sheet too) and from CSV with or without a byte order mark,
// separated by commas or semicolons; the header is found by name in any
// case, with or without diacritics; cells by code or name; the row numbers
// are the file's; an empty row and a row with only a number are skipped.
func TestParseFormats(t *testing.T) {
	for _, tc := range []struct {
		name string
		file []byte
	}{
		{"xlsx", xlsxFile(t, roster, nil)},
		{"xlsx after a sheet of notes", xlsxFile(t, roster, [][]string{{"Ghi chú: điền từ dòng 4"}})},
		{"csv", csvFile(t, roster, ',', false)},
		{"csv with bom", csvFile(t, roster, ',', true)},
		{"csv with semicolons and bom", csvFile(t, roster, ';', true)},
		{"csv with semicolons", csvFile(t, roster, ';', false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := rosterfile.Parse(bytes.NewReader(tc.file), cells, rosterfile.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(f.Rows, want) || len(f.Problems) != 0 || f.Header != 3 {
				t.Errorf("Parse = header %d\n%+v\nproblems %+v\nwant\n%+v", f.Header, f.Rows, f.Problems, want)
			}
		})
	}
}

// TestParseProblems: every row with a problem is reported by its number;
// rows without a name, of an unknown cell or status are left out (and the
// file blocked); a duplicate name is kept twice, a name in capitals
// title-cased, a name without diacritics kept: each flagged.
func TestParseProblems(t *testing.T) {
	rows := [][]string{
		{"Họ và tên", "Chi bộ", "Trạng thái"},
		{"Nguyễn Thị Lan", "C01", ""},
		{"", "C01", "Chính thức"},
		{"Trần Văn Hùng", "C09", ""},
		{"Lê Văn Tám", "", ""},
		{"Phạm Thị Hoa", "C01", "đã chuyển đi"},
		{"nguyen thi LAN", "C01", ""},
		{"NGUYỄN THỊ ĐÀO", "C02", ""},
		{"Nguyễn  Thị Lan", "C02", ""},
	}
	wantRows := []rosterfile.Row{
		{Line: 2, Name: "Nguyễn Thị Lan", Cell: "C01"},
		{Line: 7, Name: "nguyen thi LAN", Cell: "C01"},
		{Line: 8, Name: "Nguyễn Thị Đào", Cell: "C02"},
		{Line: 9, Name: "Nguyễn Thị Lan", Cell: "C02"},
	}
	wantProblems := []rosterfile.Problem{
		{Line: 3, Kind: rosterfile.EmptyName},
		{Line: 4, Kind: rosterfile.UnknownCell, Value: "C09"},
		{Line: 5, Kind: rosterfile.UnknownCell},
		{Line: 6, Kind: rosterfile.UnknownStatus, Value: "đã chuyển đi"},
		{Line: 7, Kind: rosterfile.NoDiacritics, Value: "nguyen thi LAN"},
		{Line: 7, Kind: rosterfile.DuplicateName, Value: "nguyen thi LAN", Other: 2},
		{Line: 8, Kind: rosterfile.AllCaps, Value: "Nguyễn Thị Đào"},
	}
	for _, file := range [][]byte{xlsxFile(t, rows, nil), csvFile(t, rows, ',', false)} {
		f, err := rosterfile.Parse(bytes.NewReader(file), cells, rosterfile.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(f.Rows, wantRows) {
			t.Errorf("rows =\n%+v\nwant\n%+v", f.Rows, wantRows)
		}
		if !reflect.DeepEqual(f.Problems, wantProblems) {
			t.Errorf("problems =\n%+v\nwant\n%+v", f.Problems, wantProblems)
		}
		if !f.Blocked() {
			t.Error("a file with rows to correct is not blocked")
		}
	}
	// Warnings alone do not block.
	f, err := rosterfile.Parse(bytes.NewReader(csvFile(t, [][]string{{"Họ và tên", "Chi bộ"}, {"LÊ VĂN AN", "C01"}, {"Le Van Binh", "C01"}}, ',', false)), cells, rosterfile.Limits{})
	if err != nil || f.Blocked() || len(f.Problems) != 2 {
		t.Errorf("warnings only: %+v, %v", f, err)
	}
}

// TestParseRefused: a file refused as a whole gives an *Error of the
// right kind, read no further than needed.
func TestParseRefused(t *testing.T) {
	latin1 := []byte("Ho va ten,Chi bo\nNguy\xe9n,C01\n")
	utf16 := []byte{0xff, 0xfe, 'H', 0, 'o', 0}
	header := [][]string{{"Họ và tên", "Chi bộ", "Trạng thái"}}
	late := append(make([][]string, 10), header[0], []string{"Nguyễn Thị Lan", "C01", ""})
	for i := range 10 {
		late[i] = []string{"ghi chú"}
	}
	for _, tc := range []struct {
		name string
		file []byte
		lim  rosterfile.Limits
		want rosterfile.ErrorKind
	}{
		{"a picture", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), rosterfile.Limits{}, rosterfile.NotSpreadsheet},
		{"a pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), rosterfile.Limits{}, rosterfile.NotUTF8},
		{"a word file", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{7}, 100)...), rosterfile.Limits{}, rosterfile.Unreadable},
		{"old excel", []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, rosterfile.Limits{}, rosterfile.OldExcel},
		{"utf-16 text", utf16, rosterfile.Limits{}, rosterfile.NotSpreadsheet},
		{"latin-1 csv", latin1, rosterfile.Limits{}, rosterfile.NotUTF8},
		{"empty file", nil, rosterfile.Limits{}, rosterfile.Empty},
		{"header only xlsx", xlsxFile(t, header, nil), rosterfile.Limits{}, rosterfile.Empty},
		{"header only csv", csvFile(t, header, ',', true), rosterfile.Limits{}, rosterfile.Empty},
		{"empty xlsx", xlsxFile(t, nil, nil), rosterfile.Limits{}, rosterfile.NoHeader},
		{"header on row 11", xlsxFile(t, late, nil), rosterfile.Limits{}, rosterfile.NoHeader},
		{"no header csv", csvFile(t, [][]string{{"Nguyễn Thị Lan", "C01"}}, ',', false), rosterfile.Limits{}, rosterfile.NoHeader},
		{"no cell column", csvFile(t, [][]string{{"Họ và tên", "Trạng thái"}, {"Nguyễn Thị Lan", ""}}, ',', false), rosterfile.Limits{}, rosterfile.NoCellColumn},
		{"too many csv rows", csvFile(t, people(11), ',', false), rosterfile.Limits{MaxRows: 10}, rosterfile.TooManyRows},
		{"too many xlsx rows", xlsxFile(t, people(11), nil), rosterfile.Limits{MaxRows: 10}, rosterfile.TooManyRows},
		{"too big csv", csvFile(t, people(100), ',', false), rosterfile.Limits{MaxBytes: 1000}, rosterfile.TooBig},
		{"too big xlsx", xlsxFile(t, people(100), nil), rosterfile.Limits{MaxBytes: 1000}, rosterfile.TooBig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := rosterfile.Parse(bytes.NewReader(tc.file), cells, tc.lim)
			var e *rosterfile.Error
			if !errors.As(err, &e) || e.Kind != tc.want {
				t.Fatalf("Parse = %+v, %v; want error kind %d", f, err, tc.want)
			}
			if text, ok := rosterfile.ErrorText(catalog(t), err); !ok || strings.Contains(text, "[") || text == "" {
				t.Errorf("ErrorText = %q, %v", text, ok)
			}
		})
	}
}

// TestParseRowLimit: 50,000 people are read; 50,001 are refused, from
// xlsx and CSV, with the default limits.
func TestParseRowLimit(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("writes files of 50,000 rows (TestParseRefused checks the limit on small files)")
	}
	at := people(rosterfile.DefaultMaxRows)
	over := append(people(rosterfile.DefaultMaxRows), []string{"Người Thứ Năm Vạn Lẻ Một", "C01", ""})
	for _, tc := range []struct {
		name     string
		at, over []byte
	}{
		{"xlsx", xlsxFile(t, at, nil), xlsxFile(t, over, nil)},
		{"csv", csvFile(t, at, ';', true), csvFile(t, over, ';', true)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := rosterfile.Parse(bytes.NewReader(tc.at), cells, rosterfile.Limits{})
			if err != nil || len(f.Rows) != rosterfile.DefaultMaxRows || len(f.Problems) != 0 {
				t.Fatalf("50,000 rows: %v", err)
			}
			_, err = rosterfile.Parse(bytes.NewReader(tc.over), cells, rosterfile.Limits{})
			var e *rosterfile.Error
			if !errors.As(err, &e) || e.Kind != rosterfile.TooManyRows || e.Max != rosterfile.DefaultMaxRows {
				t.Fatalf("50,001 rows: %v", err)
			}
		})
	}
}

// TestTemplate: the template reads back as one row, its example, of the
// cell it was made for; its second sheet explains the statuses.
func TestTemplate(t *testing.T) {
	cat := catalog(t)
	b, err := rosterfile.Template(cat, cells[1])
	if err != nil {
		t.Fatal(err)
	}
	f, err := rosterfile.Parse(bytes.NewReader(b), cells, rosterfile.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []rosterfile.Row{{Line: 2, Name: "Nguyễn Văn An", Cell: "C02", Status: flows.RosterFull}}
	if !reflect.DeepEqual(f.Rows, want) || f.Header != 1 {
		t.Errorf("template rows = %+v", f.Rows)
	}
	x, err := excelizeOpen(b)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) != 2 {
		t.Fatalf("sheets %q", sheets)
	}
	rows, _ := x.GetRows(sheets[1])
	var all []string
	for _, r := range rows {
		all = append(all, r...)
	}
	help := strings.Join(all, "\n")
	for _, s := range []string{"Chính thức", "Dự bị", "Miễn công tác và sinh hoạt đảng", "C02", "Chi bộ thôn Tây"} {
		if !strings.Contains(help, s) {
			t.Errorf("the help sheet does not say %q:\n%s", s, help)
		}
	}
}

// TestTexts renders the text of every problem and every refusal with its
// view: no template defect, no catalogue miss, no «bạn».
func TestTexts(t *testing.T) {
	cat := catalog(t)
	var texts []string
	for k := rosterfile.EmptyName; k <= rosterfile.NoDiacritics; k++ {
		f := &rosterfile.File{Rows: []rosterfile.Row{{Name: "A", Cell: "C01"}}, Problems: []rosterfile.Problem{{Line: 12, Kind: k, Value: "Lê Văn Tám", Other: 3}}}
		texts = append(texts, rosterfile.NewPlan(f, cells, nil).Preview(cat).Render(cat))
	}
	for k := rosterfile.NotSpreadsheet; k <= rosterfile.Unreadable; k++ {
		s, ok := rosterfile.ErrorText(cat, &rosterfile.Error{Kind: k, Max: 50000})
		if !ok {
			t.Errorf("no text for error kind %d", k)
		}
		texts = append(texts, s)
	}
	stale, _ := rosterfile.ErrorText(cat, rosterfile.ErrStale)
	texts = append(texts, stale)
	for _, s := range texts {
		if s == "" || strings.Contains(s, "[") || strings.Contains(s, "<no value>") || strings.Contains(strings.ToLower(s), "bạn") {
			t.Errorf("text defect: %q", s)
		}
	}
	if !strings.Contains(texts[0], "Dòng 12: thiếu họ và tên.") || !strings.Contains(texts[3], "trùng tên với dòng 3") {
		t.Errorf("problem texts: %q", texts[:4])
	}
}
