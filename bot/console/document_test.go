package console

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lamtheo/bot"
)

// TestDocument (issue 11): :nhap FILE sends the bot the file as a document
// from the current chat, its content read whole; a file larger than
// bot.MaxDocument is sent without its content, marked TooBig. Without a
// file, or in Zalo mode (Zalo bots receive no files), nothing is sent and
// the terminal says why.
func TestDocument(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "danh-sach.csv")
	if err := os.WriteFile(small, []byte("Họ và tên,Chi bộ\nLê Thị Năm,C01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "lon.csv")
	if err := os.WriteFile(big, make([]byte, bot.MaxDocument+1), 0o644); err != nil {
		t.Fatal(err)
	}
	in := ":nhap " + small + "\n:nhap " + big + "\n:nhap\n:nhap " + filepath.Join(dir, "khong-co.csv") + "\n:zalo\n:nhap " + small + "\n"
	var out strings.Builder
	c := New(strings.NewReader(in), &out, Options{Now: fixedNow, KeyPrefix: "run", User: "Lan"})
	got, err := receiveAll(t, c)
	if !errors.Is(err, io.EOF) {
		t.Errorf("final error = %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d messages, want 2: %+v", len(got), got)
	}
	d := got[0].Document
	if got[0].Kind != bot.KindDocument || d == nil || d.Name != "danh-sach.csv" || !strings.HasPrefix(string(d.Data), "Họ và tên") || d.TooBig {
		t.Errorf("first message %+v, document %+v", got[0], d)
	}
	if got[0].Chat != (bot.ChatID{Platform: bot.Console, ID: "lan"}) {
		t.Errorf("chat %v", got[0].Chat)
	}
	if d := got[1].Document; d == nil || !d.TooBig || d.Data != nil {
		t.Errorf("big file: %+v", d)
	}
	for _, want := range []string{"Gõ :nhap và tên tệp", "khong-co.csv", "Trên Zalo không gửi tệp cho bot được: «danh-sach.csv»"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
