package flows_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// hosoHarness is xuatHarness with a PDF writer that writes what it was
// given (name, year, months reported), and two more members of C01 whose
// names differ only by their marks.
func hosoHarness(t *testing.T) *harness {
	h := xuatHarness(t)
	h.eng.DossierPDF = func(d flows.Dossier) ([]byte, error) {
		return fmt.Appendf(nil, "%s|%d|%d/%d", d.Name, d.Year, d.Reported, d.Due), nil
	}
	h.addMember(flows.Member{Name: "Trần Văn Hùng", Cell: "C01", Users: []bot.UserID{tg("hung")}})
	h.addMember(flows.Member{Name: "Lê Văn Hưng", Cell: "C01", Users: []bot.UserID{tg("hung2")}})
	return h
}

// TestDossierCommand: who gets whose dossier with /hoso, by name (marks
// optional), by number in the cell's list, as the whole cell's zip, and
// the refusals.
func TestDossierCommand(t *testing.T) {
	h := hosoHarness(t)
	// C01's list in name order: An, Dũng, Đào, Hà, Hùng, Hưng, Long, Uyên, Ưng.
	tests := []struct {
		from bot.UserID
		args string
		file string // the file sent, "" for none
		body string // the PDF writer's input, or a text the reply holds
	}{
		{tg("an"), "", "ho-so-bui-van-an-2026.pdf", "Bùi Văn An|2026|2/11"},
		{tg("an"), "2025", "ho-so-bui-van-an-2025.pdf", "Bùi Văn An|2025|0/12"},
		{tg("an"), "2027", "", flows.T(text.DossierBadYear, struct {
			Input string
			Year  int
		}{"2027", 2026})},
		{tg("an"), "Lê Thị Đào", "", flows.T(text.DossierOnlyOwn, nil)},
		{tg("tay"), "1", "", flows.T(text.DossierOnlyOwn, nil)},
		{tg("ha"), "", "ho-so-nguyen-thi-ha-2026.pdf", "Nguyễn Thị Hà|2026|0/10"},
		{tg("ha"), "3", "ho-so-le-thi-dao-2026.pdf", "Lê Thị Đào|2026|1/11"},
		{tg("ha"), "le thi dao", "ho-so-le-thi-dao-2026.pdf", "Lê Thị Đào"},
		{tg("ha"), "Hưng", "ho-so-le-van-hung-2026.pdf", "Lê Văn Hưng"},
		{tg("ha"), "tran van hung 2025", "ho-so-tran-van-hung-2025.pdf", "Trần Văn Hùng|2025"},
		{tg("ha"), "hung", "", "5. Trần Văn Hùng\n6. Lê Văn Hưng"},
		{tg("ha"), "Đỗ Văn Tây", "", "Không tìm thấy đảng viên «Đỗ Văn Tây» trong Chi bộ thôn Đông"},
		{tg("ha"), "10", "", "Không tìm thấy đảng viên «10»"},
		{tg("admin"), "", "", flows.T(text.DossierAdminHelp, struct{ Code string }{"C01"})},
		{tg("admin"), "c02 tay", "ho-so-do-van-tay-2026.pdf", "Đỗ Văn Tây|2026|1/11"},
		{tg("admin"), "C02", "ho-so-chi-bo-thon-tay-2026.zip", ""},
	}
	for _, tc := range tests {
		reps := h.send(tc.from, strings.TrimSpace("/hoso "+tc.args))
		if len(reps) != 1 {
			t.Errorf("%s /hoso %s: %d replies\n%s", tc.from.ID, tc.args, len(reps), dump(reps))
			continue
		}
		rep := reps[0]
		switch {
		case tc.file == "" && rep.File != nil:
			t.Errorf("%s /hoso %s: a file %s", tc.from.ID, tc.args, rep.File.Name)
		case tc.file == "" && !strings.Contains(rep.Text, tc.body):
			t.Errorf("%s /hoso %s: %q, want %q", tc.from.ID, tc.args, rep.Text, tc.body)
		case tc.file != "" && (rep.File == nil || rep.File.Name != tc.file):
			t.Errorf("%s /hoso %s: %+v, want the file %s", tc.from.ID, tc.args, rep, tc.file)
		case tc.file != "" && !strings.HasPrefix(string(rep.File.Data), tc.body) && !strings.HasSuffix(tc.file, ".zip"):
			t.Errorf("%s /hoso %s: the PDF of %q, want %q", tc.from.ID, tc.args, rep.File.Data, tc.body)
		}
	}
}

// TestDossierCell: the secretary's «cả chi bộ» is one zip with a PDF of
// every member of the cell, named in ASCII, the exempt one too; the text
// names the roster's people with no record (no PDF), who would otherwise
// be missing from the zip without a word.
func TestDossierCell(t *testing.T) {
	h := hosoHarness(t)
	gone := h.seedRoster("C01", "Đinh Văn Chín")[0] // removed: not named
	h.update(func(tx flows.Tx) error {
		gone.Removed = h.now
		return tx.PutRosterEntry(&gone)
	})
	reps := h.send(tg("ha"), "/hoso cả chi bộ")
	if len(reps) != 1 || reps[0].File == nil {
		t.Fatalf("want one zip: %s", dump(reps))
	}
	if reps[0].File.Name != "ho-so-chi-bo-thon-dong-2026.zip" {
		t.Errorf("zip named %s", reps[0].File.Name)
	}
	if want := flows.T(text.DossierCellDone, struct {
		Cell    string
		Year, N int
		Missing []string
	}{"Chi bộ thôn Đông", 2026, 9, []string{"Hoàng Văn Bảy"}}); reps[0].Text != want {
		t.Errorf("text %q, want %q", reps[0].Text, want)
	}
	z, err := zip.NewReader(bytes.NewReader(reps[0].File.Data), int64(len(reps[0].File.Data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
	}
	want := []string{"ho-so-bui-van-an-2026.pdf", "ho-so-tran-van-dung-2026.pdf", "ho-so-le-thi-dao-2026.pdf",
		"ho-so-nguyen-thi-ha-2026.pdf", "ho-so-tran-van-hung-2026.pdf", "ho-so-le-van-hung-2026.pdf",
		"ho-so-vu-van-long-2026.pdf", "ho-so-pham-van-uyen-2026.pdf", "ho-so-ngo-thi-ung-2026.pdf"}
	if !slices.Equal(names, want) {
		t.Errorf("zip holds %q, want %q", names, want)
	}
	// The same from a member is refused; in a group the command is for
	// the private chat (TestAccess); on Zalo there is no file.
	if reps := h.send(tg("an"), "/hoso cả chi bộ"); len(reps) != 1 || reps[0].File != nil {
		t.Errorf("a member's «cả chi bộ»: %s", dump(reps))
	}
	z2 := bot.UserID{Platform: bot.Zalo, ID: "zan"}
	h.update(func(tx flows.Tx) error {
		m, _, err := tx.MemberOf(tg("an"))
		if err != nil {
			return err
		}
		m.Users = append(m.Users, z2)
		return tx.PutMember(&m)
	})
	if reps := h.send(z2, "/hoso"); len(reps) != 1 || reps[0].File != nil || reps[0].Text != flows.T(text.DossierNoUpload, nil) {
		t.Errorf("Zalo: %s", dump(reps))
	}
}
