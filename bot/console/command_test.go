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

// TestViewsRender renders every text of console.txt with the view the
// terminal gives it: a field the text names but the view lacks shows as
// "[key: …]".
func TestViewsRender(t *testing.T) {
	cat, err := text.Default()
	if err != nil {
		t.Fatal(err)
	}
	views := map[text.Key]any{
		text.ConsoleNowYou:        speakerView{User: "Nguyễn Thị Lan", ID: "nguyen-thi-lan", Where: "chat riêng với bot"},
		text.ConsoleSpeaking:      speakerView{User: "Nguyễn Thị Lan", Where: "nhóm chi bộ C01"},
		text.ConsoleWhereGroup:    groupView{Group: "C01"},
		text.ConsoleHeaderGroup:   groupView{Group: "C01"},
		text.ConsolePromptGroup:   groupView{Group: "C01"},
		text.ConsoleGroupTitle:    groupView{Group: "C01"},
		text.ConsoleModeZalo:      noteView{Bot: "Bot Làm theo Bác", Max: 2000},
		text.ConsoleUnknown:       map[string]string{"Name": "abc"},
		text.ConsoleError:         map[string]string{"Err": "hỏng"},
		text.ConsoleHelp:          helpView{Bot: "Bot Làm theo Bác", Max: 2000, Extra: []string{"time 2026-11-25 08:00  …"}},
		text.ConsoleHeaderPrivate: noteView{Name: "Nguyễn Thị Lan"},
		text.ConsoleEdit:          noteView{Name: "3"},
		text.ConsolePhoto:         noteView{Name: "anh-1.jpg"},
		text.ConsoleFile:          noteView{Name: "bao-cao.xlsx", N: 12345},
		text.ConsolePicture:       noteView{Name: "bảng xếp hạng tháng 11/2026, 1080×404"},
		text.ConsoleSaveOn:        noteView{Name: "/tmp/anh"},
		text.ConsoleSaveOff:       noteView{},
		text.ConsoleSaved:         noteView{Name: "/tmp/anh/bang-xep-hang-2026-11-C01.png"},
		text.ConsoleSaveFailed:    noteView{Name: "permission denied"},
		text.ConsoleZaloNoMention: noteView{Bot: "Bot Làm theo Bác"},
		text.ConsoleZaloTooLong:   noteView{N: 2500, Max: 2000},
		text.ConsoleZaloNoUpload:  noteView{Name: "danh-sach.xlsx"},
		text.ConsoleZaloNoFile:    noteView{Name: "bao-cao.xlsx", N: 12345},
	}
	for _, k := range text.ConsoleKeys {
		if got := cat.Render(k, views[k]); strings.HasPrefix(got, "[") && strings.Contains(got, string(k)) {
			t.Errorf("%s: %s", k, got)
		}
	}
}
