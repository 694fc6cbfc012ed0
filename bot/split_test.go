package bot

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	long := strings.Repeat("x", 12)
	tests := []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"empty", "", 10, nil},
		{"fits", "chào đồng chí", 13, []string{"chào đồng chí"}},
		{"no limit", long, 0, []string{long}},
		{"negative limit", long, -1, []string{long}},
		{"at line breaks", "một\nhai\nba\nbốn", 7, []string{"một\nhai", "ba\nbốn"}},
		{"greedy lines", "a\nb\nc\nd\ne", 5, []string{"a\nb\nc", "d\ne"}},
		{"line break exactly at max", "abcd\nefgh", 4, []string{"abcd", "efgh"}},
		{"blank lines dropped at cut", "abc\n\n\n\ndef", 4, []string{"abc", "def"}},
		{"blank lines kept inside part", "ab\n\ncd\nefghij", 6, []string{"ab\n\ncd", "efghij"}},
		{"line break preferred over space", "ab cd\nef gh ij", 8, []string{"ab cd", "ef gh ij"}},
		{"long line at spaces", "đồng chí hãy báo cáo", 9, []string{"đồng chí", "hãy báo", "cáo"}},
		{"spaces around cut dropped", "ab   \n  cd", 3, []string{"ab", "cd"}},
		{"long word hard", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"long word after line", "ab\ncdefghij", 4, []string{"ab", "cdef", "ghij"}},
		{"runes not bytes", "ắắắắ\nằằằằ", 4, []string{"ắắắắ", "ằằằằ"}},
		{"trailing whitespace dropped", "abcd\n\n\n", 4, []string{"abcd"}},
		{"leading whitespace kept", "\n\nabcd efgh", 6, []string{"\n\nabcd", "efgh"}},
		{"crlf", "abc\r\ndef", 4, []string{"abc", "def"}},
		{"max one", "a b", 1, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.text, tt.max)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Split(%q, %d) = %q, want %q", tt.text, tt.max, got, tt.want)
			}
			checkSplit(t, Runes, tt.text, tt.max, got)
		})
	}
}

// TestSplitUTF16 checks splitting as Telegram counts: an emoji outside the
// Basic Multilingual Plane is two units, so a text of 4,000 runes can be
// 7,000 units long and must be cut where the units, not the runes, say.
func TestSplitUTF16(t *testing.T) {
	tests := []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"bmp only counts like runes", "đồng chí\nbáo cáo", 8, []string{"đồng chí", "báo cáo"}},
		{"emoji count two", "🌾🌾🌾\n🌾🌾", 4, []string{"🌾🌾", "🌾", "🌾🌾"}},
		{"emoji at line breaks", "🌾 a\n🌾 b\n🌾 c", 8, []string{"🌾 a", "🌾 b", "🌾 c"}}, // 9 units would not fit
		{"two lines of 8 units", "🌾 a\n🌾 b\n🌾 c", 9, []string{"🌾 a\n🌾 b", "🌾 c"}},
		{"wide rune wider than max goes alone", "🌾🌾", 1, []string{"🌾", "🌾"}},
		{"fits exactly", "🌾🌾", 4, []string{"🌾🌾"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := UTF16.Split(tt.text, tt.max)
			if !slices.Equal(got, tt.want) {
				t.Errorf("UTF16.Split(%q, %d) = %q, want %q", tt.text, tt.max, got, tt.want)
			}
			checkSplit(t, UTF16, tt.text, tt.max, got)
		})
	}
	// The emoji-heavy pledge of the hardening review: each line fits,
	// together they are 7,515 units.
	line := strings.Repeat("🌾", 20) + " dọn vệ sinh đường làng, trồng cây xanh"
	var b strings.Builder
	for b.Len() < 20000 {
		b.WriteString(line + "\n")
	}
	text := strings.TrimSpace(b.String())
	parts := UTF16.Split(text, 4096)
	if len(parts) < 2 {
		t.Fatalf("got %d parts", len(parts))
	}
	checkSplit(t, UTF16, text, 4096, parts)
}

func TestMeasureLen(t *testing.T) {
	tests := []struct {
		s           string
		runes, utf6 int
	}{
		{"", 0, 0},
		{"đồng chí", 8, 8},
		{"🌾", 1, 2},
		{"a🌾b", 3, 4},
		{"\xff", 1, 1},
	}
	for _, tt := range tests {
		if got := Runes.Len(tt.s); got != tt.runes {
			t.Errorf("Runes.Len(%q) = %d, want %d", tt.s, got, tt.runes)
		}
		if got := UTF16.Len(tt.s); got != tt.utf6 {
			t.Errorf("UTF16.Len(%q) = %d, want %d", tt.s, got, tt.utf6)
		}
	}
}

func TestSplitTelegramSize(t *testing.T) {
	var b strings.Builder
	for i := range 500 {
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString("Đồng chí Nguyễn Văn A đã báo cáo việc làm tháng này\n")
	}
	text := strings.TrimSpace(b.String())
	parts := Split(text, 4096)
	if len(parts) < 6 {
		t.Fatalf("got %d parts, want at least 6", len(parts))
	}
	for i, p := range parts {
		if strings.HasPrefix(p, "\n") || strings.HasSuffix(p, "\n") {
			t.Errorf("part %d has a line break at its edge", i)
		}
	}
	if got := strings.Join(parts, "\n"); got != text {
		t.Error("lines were not cut at line breaks only")
	}
	checkSplit(t, Runes, text, 4096, parts)
}

func FuzzSplit(f *testing.F) {
	f.Add("một\nhai\nba\nbốn", 3)
	f.Add("đồng chí hãy báo cáo việc làm tháng này", 7)
	f.Add("abcdefghij", 3)
	f.Add("\n\n  \n", 1)
	f.Add("a\xffb\n\xfe c", 2)
	f.Add("🌾🌾 🌾\n🌾", 3)
	f.Fuzz(func(t *testing.T, text string, max int) {
		if max < 1 || max > 1000 {
			max = max%50 + 50
		}
		checkSplit(t, Runes, text, max, Split(text, max))
		checkSplit(t, UTF16, text, max, UTF16.Split(text, max))
	})
}

// checkSplit fails t unless parts is a valid split of text: no part empty or
// longer than max as m counts (unless max < 1, or the part is one rune
// wider than max), and text equals the parts joined by
// separators that are each empty (a hard cut) or a whole run of whitespace,
// with possibly trailing whitespace dropped after the last part.
func checkSplit(t *testing.T, m Measure, text string, max int, parts []string) {
	t.Helper()
	for i, p := range parts {
		if p == "" {
			t.Fatalf("part %d is empty: %q", i, parts)
		}
		if n := m.Len(p); max > 0 && n > max && utf8.RuneCountInString(p) > 1 {
			t.Fatalf("part %d is %d units long, max %d: %q", i, n, max, p)
		}
	}
	if text == "" {
		if len(parts) != 0 {
			t.Fatalf("empty text gave %q", parts)
		}
		return
	}
	if len(parts) == 0 || !strings.HasPrefix(text, parts[0]) {
		t.Fatalf("first part is not a prefix of %q: %q", text, parts)
	}
	// A part that starts with whitespace follows a hard cut; any other
	// follows a cut at whitespace, which drops the whole run of it.
	pos := len(parts[0])
	for k, p := range parts[1:] {
		r, _ := utf8.DecodeRuneInString(p)
		if !unicode.IsSpace(r) {
			pos = len(text) - len(strings.TrimLeftFunc(text[pos:], unicode.IsSpace))
		}
		if !strings.HasPrefix(text[pos:], p) {
			t.Fatalf("part %d is not where it belongs:\ntext  %q\nparts %q", k+1, text, parts)
		}
		pos += len(p)
	}
	if strings.TrimLeftFunc(text[pos:], unicode.IsSpace) != "" {
		t.Fatalf("text after the last part is lost:\ntext  %q\nparts %q", text, parts)
	}
}
