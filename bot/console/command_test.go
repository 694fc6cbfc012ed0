package console

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"lamtheo/flows/text"
)

// TestHelp checks that :help explains every command, the caller's too.
func TestHelp(t *testing.T) {
	var out strings.Builder
	c := New(strings.NewReader(":help\n"), &out, Options{Commands: map[string]func(string) (string, error){
		"time": func(string) (string, error) { return "", nil },
	}, Help: map[string]string{"time": "2026-11-25 08:00  chuyển đồng hồ"}})
	if _, err := receiveAll(t, c); !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	for _, want := range []string{":as TÊN", ":group MÃ", ":private", ":sticker", ":photo CHÚ THÍCH", ":zalo", "@Bot Làm theo Bác", ":telegram", ":help", ":quit", ":time 2026-11-25 08:00  chuyển đồng hồ", "# là ghi chú", "gõ số để chọn"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help does not mention %q:\n%s", want, out.String())
		}
	}
}

// TestLinesFromCatalogue: the terminal's own lines come from the catalogue
// it is given, each line starting with "* ".
func TestLinesFromCatalogue(t *testing.T) {
	cat, err := text.Parse(fstest.MapFS{"c.txt": {Data: []byte(
		"[console_as_missing]\nTÊN THIẾU\n\n[console_help]\nDÒNG 1\nDÒNG 2 {{num .Max}}\n")}})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	c := New(strings.NewReader(":as\n:help\n"), &out, Options{Text: cat})
	if _, err := receiveAll(t, c); !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	if want := "> :as\n* TÊN THIẾU\n> :help\n* DÒNG 1\n* DÒNG 2 2.000\n"; !strings.Contains(out.String(), want) {
		t.Errorf("got:\n%s\nwant it to hold:\n%s", out.String(), want)
	}
}
