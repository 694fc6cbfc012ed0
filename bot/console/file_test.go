package console

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSendPhotoFile: an uploaded photo is described with what it shows and
// its size; after ":luu DIR" it is written there (under its base name
// only) and the path printed, and so from the start with Options.Dir;
// ":luu" alone stops; Zalo mode says it cannot be delivered.
func TestSendPhotoFile(t *testing.T) {
	dir := t.TempDir()
	lan := bot.ChatID{Platform: bot.Console, ID: "nguyen-van-lan"}
	data := pngOf(t, 1080, 720)
	photo := bot.Reply{Chat: lan, Text: "Bảng xếp hạng", File: &bot.File{Name: "../bang-xep-hang-11-2026.png", Data: data, Photo: true,
		Alt: "bảng xếp hạng tháng 11/2026"}}
	tests := []struct {
		name, script string
		dir          string // Options.Dir
		reply        bot.Reply
		want         string
		saved        bool
	}{
		{"described", "", "", photo, "Bảng xếp hạng\n[ảnh: bảng xếp hạng tháng 11/2026, 1080×720]\n\n", false},
		{"not a picture", "", "", bot.Reply{Chat: lan, File: &bot.File{Name: "x.png", Data: []byte("xyz"), Photo: true}},
			"[ảnh: x.png, 3 byte]\n\n", false},
		{"saved", ":luu " + dir + "\n", "", photo, "Bảng xếp hạng\n[ảnh: bảng xếp hạng tháng 11/2026, 1080×720]\n(đã lưu: " +
			filepath.Join(dir, "bang-xep-hang-11-2026.png") + ")\n\n", true},
		{"saved by default", "", dir, photo, "Bảng xếp hạng\n[ảnh: bảng xếp hạng tháng 11/2026, 1080×720]\n(đã lưu: " +
			filepath.Join(dir, "bang-xep-hang-11-2026.png") + ")\n\n", true},
		{"saving stopped", ":luu " + dir + "\n:luu\n", "", photo, "Bảng xếp hạng\n[ảnh: bảng xếp hạng tháng 11/2026, 1080×720]\n\n", false},
		{"default stopped", ":luu\n", dir, photo, "Bảng xếp hạng\n[ảnh: bảng xếp hạng tháng 11/2026, 1080×720]\n\n", false},
		{"zalo", ":zalo\n", "", photo, "Bảng xếp hạng\n* Trên Zalo bot không gửi được tệp: «../bang-xep-hang-11-2026.png» (" +
			text.Num(len(data)) + " byte) không tới người nhận.\n\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(filepath.Join(dir, "bang-xep-hang-11-2026.png"))
			var out strings.Builder
			c := New(strings.NewReader(":as Nguyễn Văn Lan\n"+tt.script), &out, Options{Interactive: true, Dir: tt.dir})
			if _, err := receiveAll(t, c); !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			out.Reset()
			if _, err := c.Send(context.Background(), tt.reply); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("printed\n got %q\nwant %q", out.String(), tt.want)
			}
			got, err := os.ReadFile(filepath.Join(dir, "bang-xep-hang-11-2026.png"))
			if tt.saved != (err == nil) || tt.saved && !bytes.Equal(got, data) {
				t.Errorf("saved file: %v (want saved: %v)", err, tt.saved)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
