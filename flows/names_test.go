package flows

import "testing"

// TestNeedsFullName: profile names the bot would address wrongly are asked
// for again as a full name, with the reason; real full names are not.
func TestNeedsFullName(t *testing.T) {
	for _, c := range []struct {
		name string
		want nameReason
	}{
		// Full names, in Vietnamese order with diacritics.
		{"Nguyễn Thị Lan", nameFull},
		{"Trần Văn Hùng", nameFull},
		{"trần văn hùng", nameFull},
		{"Lê Thị Mai", nameFull},
		{"Đỗ Mười", nameFull},
		{"Nguyễn Thị Lý", nameFull},   // a given name that is also a family name
		{"Chu Văn An", nameFull},      // Chu the family name, not Chú
		{"Phạm  Văn   Năm", nameFull}, // spacing
		{"NGUYỄN THỊ TƯ", nameFull},
		// Forms of address, with or without diacritics, any case.
		{"Bà Tư", nameHonorific},
		{"ba tu", nameHonorific},
		{"Ong Nam", nameHonorific},
		{"ÔNG NAM", nameHonorific},
		{"Cô Lan", nameHonorific},
		{"Chú Ba", nameHonorific},
		{"Anh Hùng", nameHonorific},
		{"Chị Hoa", nameHonorific},
		{"Bác Sáu", nameHonorific},
		{"Bà", nameHonorific},
		// One word.
		{"Hung", nameOneWord},
		{"Sáu", nameOneWord},
		{"Tư", nameOneWord},
		// Given name first: the last word is a family name, the first is not.
		{"Hung Tran", nameWestern},
		{"Hùng Trần", nameWestern},
		{"Lan Nguyen", nameWestern},
		{"Thu Hà", nameWestern}, // given names only: asked too
		// No diacritics at all.
		{"Tran Van Hung", nameNoMarks},
		{"Nguyen Thi Lan", nameNoMarks},
		{"Chu Van An", nameNoMarks},
	} {
		got, needs := needsFullName(c.name)
		if got != c.want || needs != (c.want != nameFull) {
			t.Errorf("needsFullName(%q) = %v, %v; want %v, %v", c.name, got, needs, c.want, c.want != nameFull)
		}
	}
}

// TestLooksLikeName: text typed at the name's yes/no question is taken as
// the corrected name only when it looks like a full name.
func TestLooksLikeName(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"Trần Văn Hai", true},
		{"nguyễn thị tư", true},
		{"sửa", false},
		{"Sửa tên", false},
		{"đúng rồi", false},
		{"Đúng tên này", false},
		{"ok", false},
		{"Bà Tư", false},
		{"Hung Tran", false},
		{"1", false},
		{"Trần Văn 2", false},
	} {
		if got := looksLikeName(c.s); got != c.want {
			t.Errorf("looksLikeName(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}
