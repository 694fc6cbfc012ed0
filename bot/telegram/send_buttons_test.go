package telegram_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/bot/telegram"
	"lamtheo/bot/telegram/telegramtest"
)

func TestAck(t *testing.T) {
	f := telegramtest.NewServer(t)
	c := dial(t, f)
	if err := c.Ack(t.Context(), bot.Message{Kind: bot.KindText}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Nút này đã cũ. ", 20) // 300 characters: Telegram takes 200
	for _, m := range []bot.Message{
		{Kind: bot.KindCallback, CallbackID: "cb9"},
		{Kind: bot.KindCallback, CallbackID: "cb10", Toast: "Nút này đã cũ"},
		{Kind: bot.KindCallback, CallbackID: "cb11", Toast: long},
	} {
		if err := c.Ack(t.Context(), m); err != nil {
			t.Fatalf("Ack(%s): %v", m.CallbackID, err)
		}
	}
	a := f.CallbackAnswers()
	if len(a) != 3 || a[0].ID != "cb9" || a[0].Text != "" || a[1].ID != "cb10" || a[1].Text != "Nút này đã cũ" || a[0].ShowAlert || a[1].ShowAlert {
		t.Fatalf("answers = %+v", a)
	}
	if got := []rune(a[2].Text); len(got) != 200 || !strings.HasPrefix(long, string(got[:199])) || got[199] != '…' {
		t.Errorf("a long toast became %q (%d characters), want its first 199 and …", a[2].Text, len(got))
	}
	if n := f.Calls("answerCallbackQuery"); n != 3 {
		t.Errorf("%d answerCallbackQuery calls, want 3", n)
	}
}

// The toast a Handler sets with bot.SetToast is the answer to the button
// press, through a real bot.Server.
func TestServeToast(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		c := dialInProcess(t, f, telegram.Options{})
		me := telegramtest.Private(an)
		_, stale := f.PushCallback(me, an, 7, "x:old")
		_, fresh := f.PushCallback(me, an, 8, "x:new")
		h := bot.HandlerFunc(func(ctx context.Context, m bot.Message) error {
			if m.Data == "x:old" {
				bot.SetToast(ctx, "Nút này đã cũ")
			}
			return nil
		})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- (&bot.Server{Conn: c, Handler: h}).Serve(ctx) }()
		synctest.Wait()
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		want := map[string]string{stale: "Nút này đã cũ", fresh: ""}
		a := f.CallbackAnswers()
		if len(a) != 2 {
			t.Fatalf("answers = %+v", a)
		}
		for _, ans := range a {
			if text, ok := want[ans.ID]; !ok || ans.Text != text {
				t.Errorf("answer %+v, want text %q", ans, text)
			}
		}
	})
}

// A Reply with Strip removes the buttons of the bot's earlier message and
// sends nothing; a message with none left, one that is gone or one that
// cannot be edited has nothing to strip, which is no error.
func TestSendStrip(t *testing.T) {
	f := telegramtest.NewServer(t)
	c := dial(t, f)
	chat := tgChat("-4001")
	ref, err := c.Send(t.Context(), bot.Reply{Chat: chat, Text: "Miễn cho Hùng?",
		Choices: [][]bot.Choice{{{Label: "Đồng ý", Data: "ex:1:y"}, {Label: "Thôi", Data: "ex:1:n"}}}})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := strconv.ParseInt(ref, 10, 64)
	strip := bot.Reply{Chat: chat, Strip: ref}
	if got, err := c.Send(t.Context(), strip); err != nil || got != ref {
		t.Fatalf("strip = %q, %v; want %q", got, err, ref)
	}
	if m, ok := f.Message(-4001, id); !ok || len(m.Buttons) != 0 || m.Plain != "Miễn cho Hùng?" {
		t.Errorf("message after the strip: %+v", m)
	}
	if n := len(f.Sent(-4001)); n != 1 {
		t.Errorf("%d messages sent, want 1: a strip sends none", n)
	}
	if e := f.MarkupEdits(-4001); len(e) != 1 || e[0].MessageID != id {
		t.Errorf("markup edits = %+v", e)
	}
	f.FailNext("editMessageReplyMarkup", 1, telegramtest.Fault{Code: 400, Description: "Bad Request: message can't be edited"})
	for _, r := range []bot.Reply{
		strip,                         // can't be edited (injected)
		strip,                         // not modified: no buttons left
		{Chat: chat, Strip: "999999"}, // to edit not found
	} {
		if got, err := c.Send(t.Context(), r); err != nil || got != r.Strip {
			t.Errorf("strip of %s = %q, %v; want nothing to strip", r.Strip, got, err)
		}
	}
	if n := f.Calls("editMessageReplyMarkup"); n != 4 {
		t.Errorf("%d editMessageReplyMarkup calls, want 4", n)
	}
}

// A strip's failures map onto SendError like a send's.
func TestSendStripErrors(t *testing.T) {
	tests := []struct {
		name  string
		fault telegramtest.Fault
		check func(*testing.T, error)
	}{
		{"429", telegramtest.Fault{Code: 429, RetryAfter: 3}, wantSendError(429, 3*time.Second, false, false)},
		{"kicked", telegramtest.Fault{Code: 403, Description: "Forbidden: bot was kicked from the group chat"}, wantSendError(403, 0, true, false)},
		{"bad request", telegramtest.Fault{Code: 400, Description: "Bad Request: chat_id is empty"}, wantSendError(400, 0, false, true)},
		{"500", telegramtest.Fault{Code: 500}, wantTransient(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := telegramtest.NewServer(t)
			c := dial(t, f)
			f.FailNext("editMessageReplyMarkup", 1, tt.fault)
			_, err := c.Send(t.Context(), bot.Reply{Chat: tgChat("-4001"), Strip: "5"})
			if err == nil {
				t.Fatal("no error")
			}
			tt.check(t, err)
		})
	}
	f := telegramtest.NewServer(t)
	c := dial(t, f)
	for _, r := range []bot.Reply{
		{Chat: tgChat("-4001"), Strip: "abc"},
		{Chat: tgChat("-4001"), Strip: "5", Text: "and a text"},
	} {
		if _, err := c.Send(t.Context(), r); !isSendError(err, func(se *bot.SendError) bool { return se.Permanent }) {
			t.Errorf("Send(%+v) = %v, want a permanent SendError", r, err)
		}
	}
	if n := f.Calls("editMessageReplyMarkup"); n != 0 {
		t.Errorf("%d calls for refused strips", n)
	}
}

// Through the real Sender under Telegram's limits (enforced by the fake): a
// question, then the strip of its buttons and the next question to the same
// group, paced like any message; nothing refused, one message per question.
func TestSenderStrips(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess(), telegramtest.WithLimits(telegramtest.DefaultLimits()))
		c := dialInProcess(t, f, telegram.Options{})
		ob := bottest.NewOutbox()
		s := &bot.Sender{Outbox: ob, Conn: c, Limits: c.Caps().Limits, Wake: ob.Wake()}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- s.Run(ctx) }()
		group := tgChat("-4001")
		yesNo := [][]bot.Choice{{{Label: "Đồng ý", Data: "y"}, {Label: "Thôi", Data: "n"}}}
		seq := ob.Enqueue(bot.Reply{Chat: group, Text: "Miễn cho Hùng?", Choices: yesNo})
		if err := s.WaitIdle(ctx); err != nil {
			t.Fatal(err)
		}
		res, _ := ob.Result(seq[0])
		ob.Enqueue(bot.Reply{Chat: group, Strip: res.Ref}, bot.Reply{Chat: group, Text: "Miễn cho Lan?", Choices: yesNo})
		if err := s.WaitIdle(ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		<-done
		id, _ := strconv.ParseInt(res.Ref, 10, 64)
		if m, _ := f.Message(-4001, id); len(m.Buttons) != 0 {
			t.Errorf("the answered question still has buttons: %+v", m.Buttons)
		}
		if sent := f.Sent(-4001); len(sent) != 2 || len(sent[1].Buttons) != 1 {
			t.Errorf("sent %+v, want the two questions", sent)
		}
		if n := f.TooManyRequests(); n != 0 {
			t.Errorf("%d calls refused with 429", n)
		}
	})
}
