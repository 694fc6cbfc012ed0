package flows

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestPickChoice(t *testing.T) {
	status := []string{"Đã làm", "Đang làm", "Chưa làm"}
	keep := []string{"Giữ như cũ", "Bỏ qua"}
	months := []string{"tháng 10/2026", "tháng 11/2026"}
	tests := []struct {
		in     string
		labels []string
		want   int
		number bool
		n      int // the number of choices when not len(labels)
	}{
		{"1", status, 0, true, 0},
		{"3.", status, 2, true, 0},
		{" 2 ", status, 1, true, 0},
		{"4", status, -1, true, 0},
		{"0", status, -1, true, 0},
		{"2", nil, 1, true, 3}, // labels unknown (an older session): numbers still answer
		{"đã làm", status, 0, false, 0},
		{"ĐÃ LÀM", status, 0, false, 0},
		{"da lam", status, 0, false, 0},
		{norm.NFD.String("đang làm"), status, 1, false, 0},
		{"Chưa", status, 2, false, 0}, // a unique start of 3 letters or more
		{"chu", status, 2, false, 0},  // "chu" starts «Chưa làm» only
		{"đa", status, -1, false, 0},  // two letters: too short to guess
		{"đan", status, 1, false, 0},  // «Đang làm»
		{"làm", status, -1, false, 0}, // the end of a label is not its start
		{"đã làm xong", status, -1, false, 0},
		{"giữ như cũ", keep, 0, false, 0},
		{"giu", keep, 0, false, 0},
		{"Giữ nguyên", keep, -1, false, 0},
		{"bỏ qua!", keep, 1, false, 0},
		{"« Quay lại", []string{"« Quay lại"}, 0, false, 0},
		{"quay lai", []string{"« Quay lại"}, 0, false, 0},
		{"xem", []string{"Xem và duyệt"}, 0, false, 0},
		{"✅ Duyệt", []string{"✅ Duyệt", "↩️ Trả lại"}, 0, false, 0},
		{"trả lại", []string{"✅ Duyệt", "↩️ Trả lại"}, 1, false, 0},
		{"không", []string{"Không có chỉ tiêu"}, 0, false, 0},
		{"Không có", []string{"Giữ như cũ", "Không có"}, 1, false, 0},
		{"tháng 11", months, 1, false, 0},
		{"tháng 1", months, -1, false, 0}, // not the start of «tháng 11/2026»: 1 is not 11
		{"tháng", months, -1, false, 0},   // both start so
		{"tháng 11/2026", months, 1, false, 0},
		{"Lan", []string{"Nguyễn Thị Lan", "Lê Thị Mai"}, -1, false, 0},
		{"nguyễn", []string{"Nguyễn Thị Lan", "Nguyễn Văn Hùng"}, -1, false, 0},
		{"Trần Văn Hùng", []string{"Trần Văn Hùng", "Trần Văn Hùng"}, -1, false, 0}, // two of the same name
		{"", status, -1, false, 0},
		{"!!!", status, -1, false, 0},
		{"đã làm", status[:2], -1, false, 3}, // labels that do not match the choices: numbers only
	}
	for _, tc := range tests {
		n := len(tc.labels)
		if tc.n != 0 {
			n = tc.n
		}
		got, number := pickChoice(tc.in, tc.labels, n)
		if got != tc.want || number != tc.number {
			t.Errorf("pickChoice(%q, %q) = %d, %v; want %d, %v", tc.in, tc.labels, got, number, tc.want, tc.number)
		}
	}
}

// TestPickChoiceYesNoWords: a yes word picks the one choice marked yes,
// a no word the one marked no, with or without diacritics and particles;
// never an unmarked choice, never when a label matches the words itself,
// never when two choices carry the same mark.
func TestPickChoiceYesNoWords(t *testing.T) {
	name := []string{yesMark + "Đúng tên này", noMark + "Sửa tên"}
	grant := []string{yesMark + "Cấp quyền", noMark + "Thôi"}
	closing := []string{"Đồng ý chốt", noMark + "Thôi"}    // closing takes its own words
	deny := []string{"Xác nhận", "Không xác nhận"}         // a decision on someone's request: no marks
	remove := []string{"Bỏ việc này", noMark + "Thôi"}     // deleting takes its own words
	two := []string{yesMark + "Gửi", yesMark + "Gửi ngay"} // two marked yes: ambiguous
	tests := []struct {
		in     string
		labels []string
		want   int
	}{
		{"vâng", name, 0},
		{"Vâng ạ", name, 0},
		{"dạ", name, 0},
		{"da vang", name, 0},
		{"ừ", name, 0},
		{"có", name, 0},
		{"co a", name, 0},
		{"đúng", name, 0}, // also the start of the label
		{"đúng rồi", name, 0},
		{"OK", name, 0},
		{"ok nhé", name, 0},
		{"đồng ý", name, 0},
		{"không", name, 1},
		{"ko", name, 1},
		{"thôi", name, 1},
		{"không ạ", name, 1},
		{"vâng", grant, 0},
		{"có", grant, 0},
		{"không", grant, 1},
		{"thôi", grant, 1}, // the label itself
		{"có", closing, -1},
		{"vâng", closing, -1},
		{"ok", closing, -1},
		{"không", closing, 1},
		{"đồng ý chốt", closing, 0},
		{"có", deny, -1},
		{"vâng", deny, -1},
		{"có", remove, -1},
		{"không", remove, 1},
		{"ok", two, -1},
		{"vâng không", name, -1}, // both: neither
		{"có việc", name, -1},    // not an answer word alone
		{"a", name, -1},          // a particle alone
		{"1", name, 0},
		{"2", closing, 1},
	}
	for _, tc := range tests {
		got, _ := pickChoice(tc.in, tc.labels, len(tc.labels))
		if got != tc.want {
			t.Errorf("pickChoice(%q, %q) = %d; want %d", tc.in, tc.labels, got, tc.want)
		}
	}
	for _, l := range append(name, grant...) {
		if c := yesChoice(unmarked(l), "d"); unmarked(c.Label) != unmarked(l) {
			t.Errorf("unmarked(%q) = %q", c.Label, unmarked(c.Label))
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"dangki", "dangky", 1},
		{"baocao1", "baocao", 1},
		{"sumary", "summary", 1},
		{"tonhgop", "tonghop", 1}, // two letters swapped
		{"baocao", "baocao", 0},
		{"", "huy", 3},
		{"huy", "", 3},
		{"cuatoi", "cuatio", 1},
		{"dongthang", "dongthan", 1},
		{"mien", "me", 2},
		{"abc", "ca", 3},
	}
	for _, tc := range tests {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestNearMiss(t *testing.T) {
	names := []string{"help", "trogiup", "huy", "cancel", "dangky", "pledge", "baocao", "report", "cuatoi", "me",
		"tamhoan", "pause", "summary", "tonghop", "mien", "exempt"}
	tests := []struct {
		typed, want string
	}{
		{"dangki", "dangky"},
		{"dangkyy", "dangky"},
		{"baocao1", "baocao"},
		{"baocoa", "baocao"},
		{"sumary", "summary"},
		{"tonghp", "tonghop"},
		{"tamhoang", "tamhoan"},
		{"cuatio", "cuatoi"},
		{"hepl", "help"},
		{"hlep", "help"},
		{"bao", ""},       // too far from baocao
		{"mie", ""},       // as near to /me as to /mien
		{"x", ""},         // nothing near
		{"dangkyabc", ""}, // three letters off
		{"hlp", "help"},
		{"tamhoanxx", "tamhoan"}, // two off, in a long name
	}
	for _, tc := range tests {
		got, ok := nearMiss(tc.typed, names)
		if tc.want == "" && ok || tc.want != "" && (!ok || got != tc.want) {
			t.Errorf("nearMiss(%q) = %q, %v; want %q", tc.typed, got, ok, tc.want)
		}
	}
}

// TestLookupDiacritics: a command typed with Vietnamese diacritics, in any
// case and either Unicode form, is the command without them; written in
// two words too.
func TestLookupDiacritics(t *testing.T) {
	tests := []struct {
		in, name, args string
	}{
		{"/báocáo", "baocao", ""},
		{"/BÁOCÁO 11", "baocao", "11"},
		{norm.NFD.String("/báocáo"), "baocao", ""},
		{"/đăngký", "dangky", ""},
		{"/ĐăngKý", "dangky", ""},
		{"/tạmhoãn 30/12", "tamhoan", "30/12"},
		{"/cuảtôi", "cuatoi", ""},
		{"/củatôi", "cuatoi", ""},
		{"/tổnghợp 11", "summary", "11"},
		{"/trợgiúp", "help", ""},
		{"/hủy", "huy", ""},
		{"/báocáo@lamtheo_bot tháng 11", "baocao", "tháng 11"},
		{"/báo cáo", "baocao", ""},
		{"/báo cáo tháng 11", "baocao", "tháng 11"},
		{"/tạm hoãn 30/12", "tamhoan", "30/12"},
		{"/đăng\nký", "dangky", ""},
		{"/help me", "help", "me"}, // a command first: its words are its arguments
	}
	for _, tc := range tests {
		name, args, ok := parseCommand(NormalizeText(tc.in))
		if !ok {
			t.Errorf("parseCommand(%q) is no command", tc.in)
			continue
		}
		c, args, found := lookupTyped(name, args)
		if !found || c.name != tc.name || args != tc.args {
			t.Errorf("%q: /%s %q (found %v), want /%s %q", tc.in, c.name, args, found, tc.name, tc.args)
		}
	}
	for _, in := range []string{"/bao", "/báocáoo", "/đăng", "/xyz abc"} {
		name, args, _ := parseCommand(in)
		if c, _, found := lookupTyped(name, args); found {
			t.Errorf("%q found /%s", in, c.name)
		}
	}
}
