package flows

import "testing"

// TestFoldFast: foldName's fast path (precomposed Latin letters and ASCII)
// folds every character as the long way does, alone and in names, and
// leaves any other text to it.
func TestFoldFast(t *testing.T) {
	var names []string
	for r := rune(0); r < 0x2000; r++ {
		names = append(names, string(r), "A"+string(r)+" b", string(r)+"\u0301")
	}
	names = append(names, "Trần  Văn HÙNG", "  Nguyễn Thị Đào ", "ĐỖ Thị Ánh\tDương", "Lê\u00a0Văn", "Ngô Bảo Châu 2", "İbrahim", "Straße", "Nguyễn Văn An")
	fast := 0
	for _, n := range names {
		want := foldDecomposed(n)
		if got := foldName(n); got != want {
			t.Errorf("foldName(%q) = %q, want %q", n, got, want)
		}
		if _, ok := foldFast(n); ok {
			fast++
		}
	}
	if _, ok := foldFast("Nguyễn Thị Đào Ữ"); !ok || fast < 1000 {
		t.Errorf("the fast path is not taken for Vietnamese names (%d of %d texts)", fast, len(names))
	}
}
