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
			checkSplit(t, tt.text, tt.max, got)
		})
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
	checkSplit(t, text, 4096, parts)
}

func FuzzSplit(f *testing.F) {
	f.Add("một\nhai\nba\nbốn", 3)
	f.Add("đồng chí hãy báo cáo việc làm tháng này", 7)
	f.Add("abcdefghij", 3)
	f.Add("\n\n  \n", 1)
	f.Add("a\xffb\n\xfe c", 2)
	f.Fuzz(func(t *testing.T, text string, max int) {
		if max < 1 || max > 1000 {
			max = max%50 + 50
		}
		checkSplit(t, text, max, Split(text, max))
	})
}

// checkSplit fails t unless parts is a valid split of text: no part empty or
// longer than max (unless max < 1), and text equals the parts joined by
// separators that are each empty (a hard cut) or a whole run of whitespace,
// with possibly trailing whitespace dropped after the last part.
func checkSplit(t *testing.T, text string, max int, parts []string) {
	t.Helper()
	for i, p := range parts {
		if p == "" {
			t.Fatalf("part %d is empty: %q", i, parts)
		}
		if n := utf8.RuneCountInString(p); max > 0 && n > max {
			t.Fatalf("part %d has %d runes, max %d: %q", i, n, max, p)
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
