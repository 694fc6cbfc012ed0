package main

import (
	"strings"
	"testing"
	"testing/synctest"

	"lamtheo/bot/telegram/telegramtest"
)

// TestTelegramGroupRefusals plays a cell's Telegram group end to end on the
// fake Bot API: an anonymous administrator posting as the group is asked
// to post as themselves for /link and gets the group's counts for
// /summary; a member's secretary command typed in the group is answered in
// the member's private chat, the group seeing nothing; another person's
// press of the admin's button gets a note on the button and leaves the
// admin's question as it was.
func TestTelegramGroupRefusals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		w := newTGWorld(t, f, t.TempDir())
		defer func() { w.stop() }()

		f.PushMyChatMember(tgGroup1, tgAdmin, "left", "member")
		f.PushAsChat(tgGroup1, "/link@"+f.Bot.Username)
		w.settle()
		if got := w.last(tgGroup1.ID).Plain; !strings.Contains(got, "ẩn danh") || !strings.Contains(got, "/link") {
			t.Fatalf("the anonymous /link got %q", got)
		}

		f.PushText(tgGroup1, tgAdmin, "/link")
		w.settle()
		ask := w.last(tgGroup1.ID)
		// Lan presses the admin's button: a note on the button, nothing else.
		_, cb := f.PushCallback(tgGroup1, tgLan, ask.MessageID, button(t, ask, "C01").CallbackData)
		w.settle()
		var note string
		for _, a := range f.CallbackAnswers() {
			if a.ID == cb {
				note = a.Text
			}
		}
		if !strings.Contains(note, "dành cho người đã gõ lệnh") {
			t.Errorf("someone else's press got the note %q", note)
		}
		if got := w.last(tgGroup1.ID); got.MessageID != ask.MessageID || len(got.Buttons) == 0 {
			t.Errorf("someone else's press changed the group: %+v", got)
		}
		f.PushCallback(tgGroup1, tgAdmin, ask.MessageID, button(t, ask, "C01").CallbackData)
		w.settle()
		link := button(t, w.last(tgGroup1.ID), "start=j_").URL
		payload := link[strings.Index(link, "start=")+len("start="):]

		f.SetMember(tgGroup1.ID, tgLan.ID, "member")
		me := telegramtest.Private(tgLan)
		f.PushText(me, tgLan, "/start "+payload)
		w.settle()
		confirm := w.last(me.ID)
		f.PushCallback(me, tgLan, confirm.MessageID, button(t, confirm, "nm:ok").CallbackData)
		w.settle()

		before := len(f.Sent(tgGroup1.ID))
		f.PushText(tgGroup1, tgLan, "/dongthang@"+f.Bot.Username)
		w.settle()
		if n := len(f.Sent(tgGroup1.ID)); n != before {
			t.Errorf("a member's refused command put %d messages in the group", n-before)
		}
		if got := w.last(me.ID).Plain; !strings.Contains(got, "trong nhóm của Chi bộ thôn Đông") || !strings.Contains(got, "chỉ dành cho bí thư") {
			t.Errorf("Lan's private chat got %q", got)
		}

		f.PushAsChat(tgGroup1, "/summary")
		w.settle()
		if got := w.last(tgGroup1.ID).Plain; !strings.Contains(got, "Chi bộ thôn Đông — báo cáo việc làm tháng") {
			t.Errorf("the anonymous /summary got %q", got)
		}
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}
	})
}
