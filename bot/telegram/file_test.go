package telegram_test

import (
	"bytes"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/telegram"
	"lamtheo/bot/telegram/telegramtest"
)

// TestReceiveDocuments (issue 11): a document sent in a private chat comes
// as KindDocument with its content, fetched by Receive (getFile, then the
// file URL) before the message is handed on; one larger than
// bot.MaxDocument is not downloaded (TooBig); one that cannot be fetched
// is marked Failed; one sent in a group is nothing lamtheo reads.
func TestReceiveDocuments(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		c := dialInProcess(t, f, telegram.Options{PollTimeout: 10 * time.Second})
		private := telegramtest.Private(an)
		csv := []byte("Họ và tên,Chi bộ\nLê Thị Năm,C01\n")
		f.PushDocument(private, an, "danh-sach.csv", csv, "danh sách mới")
		f.PushDocument(private, an, "lon.xlsx", make([]byte, bot.MaxDocument+1), "")
		f.PushMessage(private, an, map[string]any{"document": map[string]any{"file_id": "gone", "file_unique_id": "g", "file_name": "mat.xlsx", "file_size": 10}})
		f.PushDocument(cell, binh, "nhom.xlsx", csv, "")
		got, err := c.Receive(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 {
			t.Fatalf("got %d messages: %+v", len(got), got)
		}
		d := got[0].Document
		if got[0].Kind != bot.KindDocument || got[0].Text != "danh sách mới" || d == nil || d.Name != "danh-sach.csv" ||
			!bytes.Equal(d.Data, csv) || d.TooBig || d.Failed || d.Size != int64(len(csv)) {
			t.Errorf("document: %+v %+v", got[0], d)
		}
		if d := got[1].Document; got[1].Kind != bot.KindDocument || d == nil || !d.TooBig || d.Data != nil {
			t.Errorf("big document: %+v", d)
		}
		if d := got[2].Document; got[2].Kind != bot.KindDocument || d == nil || !d.Failed || d.Data != nil {
			t.Errorf("unknown file: %+v", d)
		}
		if got[3].Kind != bot.KindOther || got[3].Document != nil {
			t.Errorf("document in a group: %+v", got[3])
		}
		if n := f.Calls("getFile"); n != 2 {
			t.Errorf("%d getFile calls, want 2 (the big file is not asked for)", n)
		}
		if n := f.Calls("file"); n != 1 {
			t.Errorf("%d downloads, want 1", n)
		}
	})
}
