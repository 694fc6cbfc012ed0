package console

import (
	"errors"
	"io"
	"strings"
	"testing"
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
