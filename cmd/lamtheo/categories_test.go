package main

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// qd144 are the five standards of revolutionary ethics of QĐ 144-QĐ/TW
// (9/5/2024), the titles of its articles 1 to 5, verbatim and in order
// (shared/research/forms.md §4).
var qd144 = []struct{ key, name string }{
	{"trung-thanh", "Yêu nước, tôn trọng Nhân dân, tuyệt đối trung thành với Đảng, với Tổ quốc"},
	{"ban-linh", "Bản lĩnh, đổi mới, sáng tạo, hội nhập"},
	{"can-kiem", "Cần, kiệm, liêm, chính, chí công vô tư"},
	{"doan-ket", "Đoàn kết, kỷ cương, tình thương, trách nhiệm"},
	{"khiem-ton", "Gương mẫu, khiêm tốn, tu dưỡng rèn luyện, học tập suốt đời"},
}

// wantCategories checks that cats are the five standards, then the year's
// theme, with the keys pledge items store.
func wantCategories(t *testing.T, where string, cats []Category) {
	t.Helper()
	if len(cats) != len(qd144)+1 {
		t.Fatalf("%s: %d categories, want the %d standards of QĐ 144 and the theme: %v", where, len(cats), len(qd144), cats)
	}
	for i, w := range qd144 {
		if got := cats[i]; got.Key != w.key || got.Name != w.name {
			t.Errorf("%s: category %d = %q %q, want %q %q", where, i+1, got.Key, got.Name, w.key, w.name)
		}
		if !norm.NFC.IsNormalString(cats[i].Name) {
			t.Errorf("%s: category %d is not NFC", where, i+1)
		}
	}
	if th := cats[len(qd144)]; th.Key != "chuyen-de" || th.Name != "Theo chuyên đề năm" {
		t.Errorf("%s: last category = %q %q, want the year's theme", where, th.Key, th.Name)
	}
}

func TestDefaultCategoriesAreQD144(t *testing.T) {
	wantCategories(t, "DefaultCategories", DefaultCategories())
	wantCategories(t, "DefaultConfig", DefaultConfig().Year.Categories)
	wantCategories(t, "DemoConfig", DemoConfig().Year.Categories)
}
