package console

import (
	"strings"
	"testing"
)

func TestUserID(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Nguyễn Văn Lan", "nguyen-van-lan"},
		{"ĐẶNG THỊ Ấu", "dang-thi-au"},
		{"  Trần   Quốc  Toản ", "tran-quoc-toan"},
		{"Lê Văn Đức (Bí thư)", "le-van-duc-bi-thu"},
		{"Admin", "admin"},
		{"Khách", "khach"},
		{"A1", "a1"},
		{"---", ""},
		{"", ""},
		{"🌻", "u1f33b"},         // a Zalo profile name of emoji only
		{"🌻 ☀️", "u1f33b-2600"}, // the variation selector is dropped
		{"🌻 Hoa", "hoa"},
		{"+++", ""},
	}
	for _, tt := range tests {
		if got := UserID(tt.name); got != tt.want {
			t.Errorf("UserID(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func FuzzUserID(f *testing.F) {
	for _, s := range []string{"Nguyễn Văn Lan", "ĐẶNG", "a--b", " x ", "\xff\xfe", "Ǆ̈", "\xf4Ȩ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		id := UserID(name)
		if id != UserID(id) {
			t.Errorf("UserID(%q) = %q is not stable: %q", name, id, UserID(id))
		}
		if strings.HasPrefix(id, "-") || strings.HasSuffix(id, "-") || strings.Contains(id, "--") || strings.ToLower(id) != id {
			t.Errorf("UserID(%q) = %q", name, id)
		}
	})
}
