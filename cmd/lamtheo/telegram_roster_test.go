package main

import (
	"bytes"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/xuri/excelize/v2"

	"lamtheo/bot/telegram/telegramtest"
)

// TestTelegramRosterImport (issue 11): through the fake Bot API, the admin
// gets the roster template as a document from /danhsach, fills it in and
// sends it back privately; the adapter downloads it before the update is
// handled, the bot shows the preview and writes the roster once the
// admin presses «Ghi danh sách»; /danhsach then lists the people.
func TestTelegramRosterImport(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		w := newTGWorld(t, f, t.TempDir())
		defer func() { w.stop() }()
		me := telegramtest.Private(tgAdmin)

		f.PushText(me, tgAdmin, "/danhsach C01")
		w.settle()
		menu := w.last(me.ID)
		f.PushCallback(me, tgAdmin, menu.MessageID, button(t, menu, "a:mau").CallbackData)
		w.settle()
		tmpl := w.last(me.ID)
		if tmpl.Method != "sendDocument" || tmpl.FileName != "danh-sach-mau-c01.xlsx" {
			t.Fatalf("template: %s %q %q", tmpl.Method, tmpl.FileName, tmpl.Plain)
		}

		x, err := excelize.OpenReader(bytes.NewReader(tmpl.FileData))
		if err != nil {
			t.Fatal(err)
		}
		sheet := x.GetSheetList()[0]
		for i, r := range [][]string{{"Nguyễn Thị Lan", "C01", "Chính thức", "Bí thư"}, {"Trần Văn Hùng", "C01", "Dự bị", ""}, {"Lê Văn Ba", "C02", "", ""}} {
			if err := x.SetSheetRow(sheet, "A"+string(rune('2'+i)), &r); err != nil {
				t.Fatal(err)
			}
		}
		var filled bytes.Buffer
		if _, err := x.WriteTo(&filled); err != nil {
			t.Fatal(err)
		}
		f.PushDocument(me, tgAdmin, "danh-sach.xlsx", filled.Bytes(), "")
		w.settle()
		ask := w.last(me.ID)
		preview := f.Sent(me.ID)[len(f.Sent(me.ID))-2].Plain
		for _, want := range []string{"Danh sách đảng viên trong tệp: 3 đồng chí.", "Chi bộ thôn Đông (C01): 2 đồng chí — thêm mới 2", "Chi bộ thôn Tây (C02): 1 đồng chí — thêm mới 1"} {
			if !strings.Contains(preview, want) {
				t.Errorf("preview lacks %q:\n%s", want, preview)
			}
		}
		f.PushCallback(me, tgAdmin, ask.MessageID, button(t, ask, "|y").CallbackData)
		w.settle()
		if got := w.last(me.ID).Plain; !strings.Contains(got, "Đã ghi danh sách đảng viên: thêm mới 3") {
			t.Fatalf("after the confirmation: %q", got)
		}
		f.PushText(me, tgAdmin, "/danhsach C01")
		w.settle()
		list := f.Sent(me.ID)[len(f.Sent(me.ID))-2].Plain
		for _, want := range []string{"1. Nguyễn Thị Lan — Chính thức, Bí thư — «chưa kết nối»", "2. Trần Văn Hùng — Dự bị"} {
			if !strings.Contains(list, want) {
				t.Errorf("roster lacks %q:\n%s", want, list)
			}
		}
		if n := f.Calls("getFile"); n != 1 {
			t.Errorf("%d getFile calls, want 1", n)
		}
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}
	})
}
