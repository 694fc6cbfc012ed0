package flows_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/export"
	"lamtheo/flows/text"
)

// xuatHarness is two cells on 28 November 2026: C01 with its secretary
// (Nguyễn Thị Hà) and members whose names test the Vietnamese order, one
// exempt, and Hoàng Văn Bảy, on its roster since November without using
// the bot; C02 with one member. Some reported November, one exemplary
// (Đào's recorded by the secretary); An's pledge is approved.
func xuatHarness(t *testing.T) *harness {
	h := newHarness(t, time.Date(2026, 11, 28, 9, 0, 0, 0, vnZone(t)), tg("admin"))
	h.eng.Spreadsheet = func(b flows.ExportBook) ([]byte, error) { return export.Write(flows.Text(), b) }
	h.addCell("C01", "Chi bộ thôn Đông")
	h.addCell("C02", "Chi bộ thôn Tây")
	add := func(name, cell, user string, f func(*flows.Member)) flows.Member {
		m := flows.Member{Name: name, Cell: cell, Users: []bot.UserID{tg(user)}}
		if f != nil {
			f(&m)
		}
		return h.addMember(m)
	}
	ha := add("Nguyễn Thị Hà", "C01", "ha", func(m *flows.Member) { m.Secretary = true })
	h.seedRoster("C01", "Hoàng Văn Bảy")
	an := add("Bùi Văn An", "C01", "an", nil)
	add("Ngô Thị Ưng", "C01", "ung", nil)
	dao := add("Lê Thị Đào", "C01", "dao", nil)
	add("Phạm Văn Uyên", "C01", "uyen", nil)
	dung := add("Trần Văn Dũng", "C01", "dung", nil)
	add("Vũ Văn Long", "C01", "long", func(m *flows.Member) { m.Status = flows.Exempt })
	tay := add("Đỗ Văn Tây", "C02", "tay", nil)
	h.putPledge(flows.Pledge{Member: an.ID, Year: 2026, Status: flows.PledgeApproved, NextNo: 3,
		Items:     []flows.PledgeItem{{No: 1, Text: "Trồng cây xanh"}, {No: 2, Text: "Giúp hộ nghèo"}},
		Submitted: time.Date(2026, 1, 10, 20, 0, 0, 0, h.loc), Decided: time.Date(2026, 1, 12, 9, 0, 0, 0, h.loc)})
	h.putReport(flows.Report{Member: an.ID, Month: 202611, Exemplary: true,
		Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "Trồng 10 cây keo"}, {Item: 2, Status: flows.NotYet}}})
	h.putReport(flows.Report{Member: an.ID, Month: 202610, Other: "Dọn đường làng"})
	h.putReport(flows.Report{Member: dao.ID, Month: 202611, Other: "Thăm hỏi gia đình chính sách",
		Recorded: flows.Recorded{By: ha.ID, At: h.now}})
	h.putReport(flows.Report{Member: dung.ID, Month: 202611})
	h.putReport(flows.Report{Member: tay.ID, Month: 202611})
	return h
}

// xuatFile sends /xuat args as u and returns the one reply's text and the
// workbook it carries, opened.
func xuatFile(t *testing.T, h *harness, u bot.UserID, args string) (string, string, *excelize.File) {
	t.Helper()
	reps := h.send(u, strings.TrimSpace("/xuat "+args))
	if len(reps) != 1 || reps[0].File == nil {
		t.Fatalf("/xuat %s: want one reply with a file, got %+v", args, reps)
	}
	f, err := excelize.OpenReader(bytes.NewReader(reps[0].File.Data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return reps[0].Text, reps[0].File.Name, f
}

func column(t *testing.T, f *excelize.File, sheet string, col int) []string {
	t.Helper()
	cols, err := f.GetCols(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) < col || len(cols[col-1]) < 4 {
		return nil
	}
	return cols[col-1][4:]
}

// The secretary's export: their cell only, names in Vietnamese order (by
// given name; D before Đ, U before Ư), the grid, and the November figures
// /summary shows.
func TestExportSecretary(t *testing.T) {
	h := xuatHarness(t)
	msg, name, f := xuatFile(t, h, tg("ha"), "")
	if name != "lamtheo-c01-2026.xlsx" {
		t.Errorf("file name %q", name)
	}
	if want := flows.T(text.ExportDone, struct {
		Scope, Period  string
		Members, Deeds int
	}{"Chi bộ thôn Đông", "năm 2026 (đến tháng 11)", 8, 3}); msg != want {
		t.Errorf("reply %q, want %q", msg, want)
	}
	ms := flows.T(text.ExportMemberSheet, nil)
	names := column(t, f, ms, 2)
	want := []string{"Bùi Văn An", "Hoàng Văn Bảy", "Trần Văn Dũng", "Lê Thị Đào", "Nguyễn Thị Hà", "Vũ Văn Long", "Phạm Văn Uyên", "Ngô Thị Ưng"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("names %q, want %q", names, want)
	}
	// An: pledge of 2 items approved, item 1 done; T10 and T11 reported; 2
	// of 11 months. Bảy: on the roster from November, no phone, missing.
	// Đào: November recorded by the secretary.
	get := func(sheet, axis string) string { v, _ := f.GetCellValue(sheet, axis); return v }
	for axis, v := range map[string]string{"D5": "Chính thức", "E5": "2", "F5": "10/01/2026", "G5": "12/01/2026", "P5": "–", "Q5": "✓", "R5": "✓",
		"S5": "18%", "T5": "1/2", "U5": "1", "R10": "M", "V10": "Miễn công tác và sinh hoạt đảng", "R8": "✓", "S8": "9%",
		"V8": "Chi bộ ghi hộ", "Q6": "", "R6": "–", "S6": "0%", "V6": "Tính từ tháng 11; Không dùng bot"} {
		if got := get(ms, axis); got != v {
			t.Errorf("%s = %q, want %q", axis, got, v)
		}
	}
	// The summary sheet: one cell and the total, November as /summary counts it.
	var s flows.CellSummary
	h.view(func(tx flows.Tx) error {
		var err error
		s, err = h.eng.CellSummary(tx, "C01", 202611)
		return err
	})
	cs := flows.T(text.ExportCellSheet, nil)
	for axis, v := range map[string]int{"B5": s.Members, "C5": s.Exempt, "D5": s.MustReport, "E5": s.Pledged, "G5": s.Reported, "J5": 1} {
		raw, _ := f.GetCellValue(cs, axis, excelize.Options{RawCellValue: true})
		if raw != strconv.Itoa(v) {
			t.Errorf("summary %s = %q, want %d", axis, raw, v)
		}
	}
	if got := get(cs, "H5"); got != s.Percent() {
		t.Errorf("summary November %% %q, /summary says %q", got, s.Percent())
	}
	if got := get(cs, "A6"); got != "" {
		t.Errorf("one cell's export has a total row %q", got)
	}
	// The deeds: An's two of November and October's other deed, Đào's; not An's item not yet done.
	ds := flows.T(text.ExportDeedSheet, nil)
	if got := strings.Join(column(t, f, ds, 6), "|"); got != "Dọn đường làng|Trồng 10 cây keo|Thăm hỏi gia đình chính sách" {
		t.Errorf("deeds %q", got)
	}
	if got := get(ds, "G7"); got != "Chi bộ ghi hộ" {
		t.Errorf("Đào's deed recorded by the secretary: %q", got)
	}
}

// The admin's export: every cell, or the cell named first; periods.
func TestExportAdmin(t *testing.T) {
	h := xuatHarness(t)
	_, name, f := xuatFile(t, h, tg("admin"), "6t")
	if name != "lamtheo-dang-bo-xa-thu-2026-6t.xlsx" {
		t.Errorf("file name %q", name)
	}
	names := column(t, f, flows.T(text.ExportMemberSheet, nil), 2)
	if len(names) != 8 || names[len(names)-1] != "Đỗ Văn Tây" { // Bảy is on no roster of the first half-year
		t.Errorf("organisation's names %q", names)
	}
	cs := flows.T(text.ExportCellSheet, nil)
	for axis, v := range map[string]string{"A5": "Chi bộ thôn Đông", "A6": "Chi bộ thôn Tây", "A7": flows.T(text.ExportTotal, nil), "B7": "8", "C7": "1"} {
		if got, _ := f.GetCellValue(cs, axis); got != v {
			t.Errorf("organisation's summary %s = %q, want %q", axis, got, v)
		}
	}
	if v, _ := f.GetCellValue(flows.T(text.ExportMemberSheet, nil), "M4"); v != "T6" {
		t.Errorf("half-year's last month column %q", v)
	}
	_, name, f = xuatFile(t, h, tg("admin"), "c02 11/2026")
	if name != "lamtheo-c02-2026-11.xlsx" {
		t.Errorf("file name %q", name)
	}
	if names := column(t, f, flows.T(text.ExportMemberSheet, nil), 2); len(names) != 1 {
		t.Errorf("C02's names %q", names)
	}
}

// A period the bot does not read, or not yet come, is refused with examples;
// on Zalo the file cannot be sent.
func TestExportRefusals(t *testing.T) {
	h := xuatHarness(t)
	for _, args := range []string{"quý 3", "12/2026", "năm 2027", "C02 11"} {
		reps := h.send(tg("ha"), "/xuat "+args)
		if len(reps) != 1 || reps[0].File != nil || !strings.Contains(reps[0].Text, "/xuat 6t") {
			t.Errorf("/xuat %s: %+v", args, reps)
		}
	}
	z := bot.UserID{Platform: bot.Zalo, ID: "zha"}
	h.update(func(tx flows.Tx) error {
		m, _, err := tx.MemberOf(tg("ha"))
		if err != nil {
			return err
		}
		m.Users = append(m.Users, z)
		return tx.PutMember(&m)
	})
	reps := h.send(z, "/xuat")
	if len(reps) != 1 || reps[0].File != nil || reps[0].Text != flows.T(text.ExportNoUpload, nil) {
		t.Errorf("Zalo: %+v", reps)
	}
}

// smallUploads are testPlatforms with Telegram's uploads limited to max
// bytes.
type smallUploads struct {
	testPlatforms
	max int
}

func (s smallUploads) Caps(p bot.Platform) (bot.Caps, bool) {
	c, ok := s.testPlatforms.Caps(p)
	if p == bot.Telegram {
		c.MaxUpload, c.MaxPhotoUpload = s.max, s.max
	}
	return c, ok
}

// TestExportOverUploadLimit: a workbook over the platform's upload limit is
// never handed to the sender to upload: without a public URL the reply
// says it is too large and what to do; with one, it carries an expiring
// link, as on Zalo.
func TestExportOverUploadLimit(t *testing.T) {
	h := xuatHarness(t)
	h.eng.Platforms = smallUploads{max: 1000}
	reps := h.send(tg("admin"), "/xuat")
	if len(reps) != 1 || reps[0].File != nil || !strings.HasPrefix(reps[0].Text, "Tệp lamtheo-dang-bo-xa-thu-2026.xlsx nặng khoảng 1 MB") ||
		!strings.Contains(reps[0].Text, "Telegram") || !strings.Contains(reps[0].Text, "/xuat MÃ_CHI_BỘ") || !strings.Contains(reps[0].Text, "public_url") {
		t.Errorf("without a public URL: %+v", reps)
	}
	h.eng.FileURL = "https://bot.example.vn/files"
	reps = h.send(tg("admin"), "/xuat")
	if len(reps) != 1 || reps[0].File != nil || !strings.Contains(reps[0].Text, "Tải tệp tại: https://bot.example.vn/files/") {
		t.Errorf("with a public URL: %+v", reps)
	}
	h.eng.Platforms = smallUploads{max: 1 << 20}
	if _, _, f := xuatFile(t, h, tg("admin"), ""); f == nil {
		t.Error("a workbook within the limit is not uploaded")
	}
}

func TestParsePeriod(t *testing.T) {
	loc := time.UTC
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, loc)
	cur := flows.Month(202611)
	tests := []struct {
		in   string
		want flows.Period
		ok   bool
	}{
		{"", flows.Period{First: 202601, Last: 202611, Kind: flows.PeriodYear}, true},
		{"năm", flows.Period{First: 202601, Last: 202611, Kind: flows.PeriodYear}, true},
		{"Năm 2025", flows.Period{First: 202501, Last: 202512, Kind: flows.PeriodYear}, true},
		{"2025", flows.Period{First: 202501, Last: 202512, Kind: flows.PeriodYear}, true},
		{"6t", flows.Period{First: 202601, Last: 202606, Kind: flows.PeriodHalf}, true},
		{"6 tháng đầu năm", flows.Period{First: 202601, Last: 202606, Kind: flows.PeriodHalf}, true},
		{"6 tháng đầu năm 2025", flows.Period{First: 202501, Last: 202506, Kind: flows.PeriodHalf}, true},
		{"11", flows.Period{First: 202611, Last: 202611}, true},
		{"11/2026", flows.Period{First: 202611, Last: 202611}, true},
		{"tháng 3", flows.Period{First: 202603, Last: 202603}, true},
		{"12/2026", flows.Period{}, false},
		{"năm 2027", flows.Period{}, false},
		{"quý 3", flows.Period{}, false},
		{"abc", flows.Period{}, false},
	}
	for _, tc := range tests {
		got, ok := flows.ParsePeriod(tc.in, cur, now, loc)
		if ok != tc.ok || got != tc.want {
			t.Errorf("ParsePeriod(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	// In June the half-year and the year end with June.
	if got, _ := flows.ParsePeriod("6t", 202605, time.Date(2026, 5, 20, 0, 0, 0, 0, loc), loc); got.Last != 202605 {
		t.Errorf("6t in May ends %v", got.Last)
	}
}

// BenchmarkExportCell120 is a secretary's /xuat of one month of a
// 120-member cell, through the engine: gathering in the update's
// transaction, writing the workbook, queueing the reply.
func BenchmarkExportCell120(b *testing.B) {
	h := newHarness(b, time.Date(2026, 11, 28, 9, 0, 0, 0, vnZone(b)))
	h.eng.Spreadsheet = func(bk flows.ExportBook) ([]byte, error) { return export.Write(flows.Text(), bk) }
	h.addCell("C01", "Chi bộ thôn Đông")
	h.addMember(flows.Member{Name: "Nguyễn Thị Hà", Cell: "C01", Secretary: true, Users: []bot.UserID{tg("ha")}})
	family := []string{"Nguyễn", "Trần", "Lê", "Đỗ", "Đặng", "Bùi", "Ngô"}
	given := []string{"An", "Ánh", "Dũng", "Đức", "Hà", "Ơn", "Uyên", "Ưng", "Yến"}
	for i := range 119 {
		m := h.addMember(flows.Member{Name: family[i%len(family)] + " Văn " + given[i%len(given)], Cell: "C01"})
		h.putPledge(flows.Pledge{Member: m.ID, Year: 2026, Status: flows.PledgeApproved, NextNo: 2, Items: []flows.PledgeItem{{No: 1, Text: "Trồng cây"}}})
		if i%3 != 0 {
			h.putReport(flows.Report{Member: m.ID, Month: 202611, Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "Trồng 5 cây"}}})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if reps := h.send(tg("ha"), "/xuat 11"); len(reps) != 1 || reps[0].File == nil {
			b.Fatalf("%+v", reps)
		}
	}
}

// TestExportHistory: the grid marks the months as they were. Uyên paused
// from 20 September to 9 October without reporting: September (whose
// deadline is 5 October) is «T» and not due; Ưng was miễn until 2 October
// by the roster's history: «M» through September, counted from October;
// Long, exempt with no recorded change, is «M» in every month.
func TestExportHistory(t *testing.T) {
	h := xuatHarness(t)
	day := func(mo, d int) time.Time { return time.Date(2026, time.Month(mo), d, 9, 0, 0, 0, h.loc) }
	h.update(func(tx flows.Tx) error {
		ms, err := tx.Members("C01")
		if err != nil {
			return err
		}
		for _, m := range ms {
			switch m.Name {
			case "Phạm Văn Uyên":
				m.Pauses = []flows.Pause{{Set: day(9, 20), Until: day(10, 10)}}
				if err := tx.PutMember(&m); err != nil {
					return err
				}
			case "Ngô Thị Ưng":
				e, ok, err := tx.RosterOf(m.ID)
				if err != nil {
					return err
				}
				if !ok {
					e = *flows.RosterEntryOf(m)
				}
				e.Status = flows.RosterFull
				e.Statuses = []flows.RosterStatusChange{{From: flows.RosterExempt, At: day(10, 2)}}
				if err := tx.PutRosterEntry(&e); err != nil {
					return err
				}
			}
		}
		return nil
	})
	_, _, f := xuatFile(t, h, tg("ha"), "")
	ms := flows.T(text.ExportMemberSheet, nil)
	get := func(axis string) string { v, _ := f.GetCellValue(ms, axis); return v }
	for axis, v := range map[string]string{
		"B11": "Phạm Văn Uyên", "O11": "–", "P11": "T", "Q11": "–", "S11": "0%",
		"B12": "Ngô Thị Ưng", "H12": "M", "P12": "M", "Q12": "–", "R12": "–", "D12": "Chính thức",
		"B10": "Vũ Văn Long", "H10": "M", "R10": "M",
	} {
		if got := get(axis); got != v {
			t.Errorf("%s = %q, want %q", axis, got, v)
		}
	}
}

// TestExportDeedsCut: the deed sheet holds at most the engine's ExportDeeds
// rows (DefaultExportDeeds shipped), the first in the sheet's order; its
// title rows and the row after the last deed say where it stopped and how
// to get each cell's full list, and so does the reply. The member and cell
// sheets stay whole. A cell's export has the same bound.
func TestExportDeedsCut(t *testing.T) {
	h := xuatHarness(t)
	h.eng.ExportDeeds = 2
	msg, _, f := xuatFile(t, h, tg("admin"), "")
	p := flows.Period{First: 202601, Last: 202611, Kind: flows.PeriodYear}
	note := flows.DeedsCutText(flows.Text(), flows.ExportBook{Period: p, MaxDeeds: 2}, 3)
	if !strings.Contains(note, "2 việc đầu trong số 3") || !strings.Contains(note, "/xuat MÃ_CHI_BỘ năm 2026") {
		t.Errorf("note %q", note)
	}
	done := flows.T(text.ExportDone, struct {
		Scope, Period  string
		Members, Deeds int
	}{flows.T(text.ExportOrgScope, nil), "năm 2026 (đến tháng 11)", 9, 3})
	if want := done + "\n" + note; msg != want {
		t.Errorf("reply %q, want %q", msg, want)
	}
	rows := func(k text.Key) [][]string {
		rs, err := f.GetRows(flows.T(k, nil))
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	ds := rows(text.ExportDeedSheet)
	if len(ds) != 4+2+1 {
		t.Fatalf("deed sheet of %d rows, want the 4 head rows, 2 deeds and the note: %q", len(ds), ds)
	}
	if ds[2][0] != note || ds[6][0] != note {
		t.Errorf("deed sheet's notes %q and %q, want %q", ds[2], ds[6], note)
	}
	if ds[4][5] != "Dọn đường làng" || ds[5][5] != "Trồng 10 cây keo" {
		t.Errorf("deeds %q %q", ds[4], ds[5])
	}
	if n := len(rows(text.ExportMemberSheet)); n != 4+9 {
		t.Errorf("member sheet of %d rows, want all 9 members", n)
	}
	if cs := rows(text.ExportCellSheet); len(cs) != 4+3 || cs[6][0] != flows.T(text.ExportTotal, nil) {
		t.Errorf("cell sheet %q, want both cells and the total", cs)
	}
	// The secretary's cell: the same bound, its own words.
	msg, _, f = xuatFile(t, h, tg("ha"), "")
	ds = rows(text.ExportDeedSheet)
	if len(ds) != 7 || !strings.Contains(ds[2][0], "từng tháng") || !strings.HasSuffix(msg, ds[2][0]) {
		t.Errorf("cell's deed sheet %q, reply %q", ds, msg)
	}
	// Under the bound: no note.
	h.eng.ExportDeeds = 3
	msg, _, f = xuatFile(t, h, tg("admin"), "")
	if ds = rows(text.ExportDeedSheet); len(ds) != 4+3 || ds[2] != nil && len(ds[2]) > 0 || msg != done {
		t.Errorf("a whole deed sheet %q, reply %q", ds, msg)
	}
}

// PeriodArg writes a period as /xuat reads it back.
func TestPeriodArg(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, loc)
	for _, p := range []flows.Period{
		{First: 202601, Last: 202611, Kind: flows.PeriodYear},
		{First: 202501, Last: 202512, Kind: flows.PeriodYear},
		{First: 202601, Last: 202606, Kind: flows.PeriodHalf},
		{First: 202610, Last: 202610, Kind: flows.PeriodMonth},
	} {
		got, ok := flows.ParsePeriod(flows.PeriodArg(p), 202611, now, loc)
		if !ok || got != p {
			t.Errorf("%q reads back as %+v %v, want %+v", flows.PeriodArg(p), got, ok, p)
		}
	}
}
