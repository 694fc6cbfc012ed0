package export

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestEscape checks that rowEnc writes strings as xml.EscapeText does.
func TestEscape(t *testing.T) {
	for _, v := range []string{"", "Nguyễn Văn Ất", `a<b>&"c'`, "dòng 1\ndòng 2\r\tx", "bell\x07", "bad \xff byte", "real \uFFFD", "\U0001F600 ok"} {
		var got, want bytes.Buffer
		e := newRowEnc(&got)
		e.escape(v)
		e.w.Flush()
		if err := xml.EscapeText(&want, []byte(v)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("escape(%q) = %q, want %q", v, got.String(), want.String())
		}
	}
}

// TestFitCell cuts strings to the 32,767 UTF-16 units a cell holds, never
// inside a character.
func TestFitCell(t *testing.T) {
	for _, c := range []struct {
		in    string
		units int
	}{
		{"ngắn", 4},
		{strings.Repeat("ắ", 40000), maxCellChars},
		{strings.Repeat("\U0001F600", 20000), maxCellChars - 1},
		{strings.Repeat("a", maxCellChars), maxCellChars},
	} {
		got := fitCell(c.in)
		if n := len(utf16.Encode([]rune(got))); n != c.units || !strings.HasPrefix(c.in, got) {
			t.Errorf("fitCell(%d bytes) has %d units, want %d", len(c.in), n, c.units)
		}
	}
}
