package telegramtest

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestSendRecords(t *testing.T) {
	f := NewServer(t)
	b := tcpBot(t, f)
	m := tgbotapi.NewMessage(501, "<b>Chào</b> &lt;x&gt; &amp; y")
	m.ParseMode = tgbotapi.ModeHTML
	m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Có", "y"), tgbotapi.NewInlineKeyboardButtonURL("Mở", "https://t.me/x")))
	sent, err := b.Send(m)
	if err != nil {
		t.Fatal(err)
	}
	edit := tgbotapi.NewEditMessageText(501, sent.MessageID, "đã sửa")
	if _, err := b.Send(edit); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Send(edit); err == nil || !strings.Contains(err.Error(), "not modified") {
		t.Errorf("same edit again: %v", err)
	}
	doc := tgbotapi.NewDocument(501, tgbotapi.FileBytes{Name: "bao-cao.csv", Bytes: []byte("a,b\n")})
	doc.Caption = "Báo cáo"
	if _, err := b.Send(doc); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Send(tgbotapi.NewPhoto(501, tgbotapi.FileID("AgAD-photo"))); err != nil {
		t.Fatal(err)
	}
	got := f.Sent(501)
	if len(got) != 4 {
		t.Fatalf("sent %d, want 4: %+v", len(got), got)
	}
	if g := got[0]; g.Plain != "Chào <x> & y" || g.ParseMode != "HTML" || len(g.Buttons) != 1 ||
		g.Buttons[0][0].CallbackData != "y" || g.Buttons[0][1].URL != "https://t.me/x" || g.MessageID != int64(sent.MessageID) {
		t.Errorf("message = %+v", g)
	}
	if g := got[1]; g.Method != "editMessageText" || g.MessageID != int64(sent.MessageID) || g.Text != "đã sửa" {
		t.Errorf("edit = %+v", g)
	}
	if g := got[2]; g.Method != "sendDocument" || g.FileName != "bao-cao.csv" || string(g.FileData) != "a,b\n" || g.Text != "Báo cáo" {
		t.Errorf("document = %+v", g)
	}
	if g := got[3]; g.Method != "sendPhoto" || g.Photo != "AgAD-photo" {
		t.Errorf("photo = %+v", g)
	}

	if _, err := b.Request(tgbotapi.NewCallback("cb1", "ok")); err != nil {
		t.Fatal(err)
	}
	if a := f.CallbackAnswers(); len(a) != 1 || a[0].ID != "cb1" || a[0].Text != "ok" {
		t.Errorf("answers = %+v", a)
	}
	if _, err := b.Request(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeAllGroupChats(),
		tgbotapi.BotCommand{Command: "summary", Description: "Tổng hợp"})); err != nil {
		t.Fatal(err)
	}
	if c := f.Commands("all_group_chats", ""); len(c) != 1 || c[0].Command != "summary" {
		t.Errorf("group commands = %+v", c)
	}
	if c := f.Commands("all_private_chats", ""); len(c) != 0 {
		t.Errorf("private commands = %+v", c)
	}
	f.SetMember(group.ID, 501, "administrator")
	cm, err := b.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: group.ID, UserID: 501}})
	if err != nil || !cm.IsAdministrator() {
		t.Errorf("chat member = %+v, %v", cm, err)
	}
}

// editMessageReplyMarkup replaces or removes a message's buttons, refuses
// what Telegram refuses, and counts against the rate limits; the edit is
// not a sent message.
func TestEditMarkup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewServer(t, InProcess(), WithLimits(DefaultLimits()))
		b := inProcessBot(t, f, 0)
		m := tgbotapi.NewMessage(group.ID, "Miễn cho Hùng?")
		m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("Đồng ý", "y"), tgbotapi.NewInlineKeyboardButtonData("Thôi", "n")))
		sent, err := b.Send(m)
		if err != nil {
			t.Fatal(err)
		}
		strip := tgbotapi.NewEditMessageReplyMarkup(group.ID, sent.MessageID,
			tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
		if _, err := b.Request(strip); err == nil || !strings.Contains(err.Error(), "Too Many Requests") {
			t.Errorf("strip within a second of the send: %v, want 429", err)
		}
		time.Sleep(time.Second)
		if _, err := b.Request(strip); err != nil {
			t.Fatal(err)
		}
		got, ok := f.Message(group.ID, int64(sent.MessageID))
		if !ok || len(got.Buttons) != 0 || got.Plain != "Miễn cho Hùng?" {
			t.Errorf("message after the strip = %+v", got)
		}
		if e := f.MarkupEdits(group.ID); len(e) != 1 || e[0].MessageID != int64(sent.MessageID) || len(e[0].Buttons) != 0 {
			t.Errorf("markup edits = %+v", e)
		}
		if n := len(f.Sent(group.ID)); n != 1 {
			t.Errorf("%d messages sent, want 1: a markup edit is not a message", n)
		}
		time.Sleep(time.Second)
		if _, err := b.Request(strip); err == nil || !strings.Contains(err.Error(), "message is not modified") {
			t.Errorf("strip again: %v", err)
		}
		missing := tgbotapi.NewEditMessageReplyMarkup(group.ID, 999, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
		if _, err := b.Request(missing); err == nil || !strings.Contains(err.Error(), "message to edit not found") {
			t.Errorf("strip of an unknown message: %v", err)
		}
		if _, err := b.Request(tgbotapi.NewCallback("cb1", strings.Repeat("á", 201))); err == nil {
			t.Error("a callback answer of 201 characters was accepted")
		}
	})
}

func TestSendValidation(t *testing.T) {
	f := NewServer(t)
	b := tcpBot(t, f)
	long := strings.Repeat("a", 4097)
	tests := []struct {
		name string
		cfg  tgbotapi.Chattable
		want string
	}{
		{"too long", tgbotapi.NewMessage(501, long), "message is too long"},
		{"empty", tgbotapi.NewMessage(501, ""), "message text is empty"},
		{"bad html", func() tgbotapi.Chattable {
			m := tgbotapi.NewMessage(501, "<b>x</b> & y")
			m.ParseMode = tgbotapi.ModeHTML
			return m
		}(), "can't parse entities"},
		{"long data", func() tgbotapi.Chattable {
			m := tgbotapi.NewMessage(501, "x")
			m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
				tgbotapi.NewInlineKeyboardButtonData("x", strings.Repeat("d", 65))))
			return m
		}(), "BUTTON_DATA_INVALID"},
		{"edit missing", tgbotapi.NewEditMessageText(501, 999, "x"), "message to edit not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.Send(tt.cfg)
			var te *tgbotapi.Error
			if !errors.As(err, &te) || te.Code != 400 || !strings.Contains(te.Message, tt.want) {
				t.Errorf("err = %v, want 400 %q", err, tt.want)
			}
		})
	}
	if n := len(f.Sent(501)); n != 0 {
		t.Errorf("%d invalid messages recorded as sent", n)
	}
}

// TestSendPhotoUpload: an uploaded photo is recorded with its bytes and,
// when it decodes, its size, which the answer reports; a picture Telegram
// would refuse (width + height over 10,000, or a side over 20 times the
// other) is refused.
func TestSendPhotoUpload(t *testing.T) {
	f := NewServer(t)
	b := tcpBot(t, f)
	encode := func(w, h int) []byte {
		var buf bytes.Buffer
		if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	data := encode(1080, 720)
	p := tgbotapi.NewPhoto(501, tgbotapi.FileBytes{Name: "bxh.png", Bytes: data})
	p.Caption = "Bảng xếp hạng"
	msg, err := b.Send(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Photo) != 1 || msg.Photo[0].Width != 1080 || msg.Photo[0].Height != 720 {
		t.Errorf("answer photo %+v, want 1080×720", msg.Photo)
	}
	got := f.Sent(501)
	if len(got) != 1 || got[0].Method != "sendPhoto" || !bytes.Equal(got[0].FileData, data) || got[0].FileName != "bxh.png" ||
		got[0].Width != 1080 || got[0].Height != 720 || got[0].Plain != "Bảng xếp hạng" {
		t.Errorf("sent %+v", got)
	}
	for _, size := range [][2]int{{1080, 21 * 1080}, {5001, 5000}} {
		_, err := b.Send(tgbotapi.NewPhoto(501, tgbotapi.FileBytes{Name: "x.png", Bytes: encode(size[0], size[1])}))
		if err == nil || !strings.Contains(err.Error(), "PHOTO_INVALID_DIMENSIONS") {
			t.Errorf("%v: err = %v, want PHOTO_INVALID_DIMENSIONS", size, err)
		}
	}
}
