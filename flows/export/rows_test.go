package export

import (
	"bytes"
	"encoding/xml"
	"testing"
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
