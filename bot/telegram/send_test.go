package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
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

func TestSendRenders(t *testing.T) {
	long := strings.Repeat("Làm theo gương Bác. ", 60) // 1200 characters: too long for a caption
	tests := []struct {
		name  string
		reply bot.Reply
		want  []telegramtest.Sent // Method, Text, Plain, Buttons, Photo, FileName, FileData compared
	}{
		{
			name:  "user text is escaped",
			reply: bot.Reply{Text: "<b>x</b> & y"},
			want:  []telegramtest.Sent{{Method: "sendMessage", Text: "&lt;b&gt;x&lt;/b&gt; &amp; y", Plain: "<b>x</b> & y"}},
		},
		{
			name:  "title in bold",
			reply: bot.Reply{Title: "Tổng hợp <tháng 3>", Text: "Đã báo cáo: 12/15"},
			want: []telegramtest.Sent{{Method: "sendMessage", Text: "<b>Tổng hợp &lt;tháng 3&gt;</b>\nĐã báo cáo: 12/15",
				Plain: "Tổng hợp <tháng 3>\nĐã báo cáo: 12/15"}},
		},
		{
			name: "choices and link",
			reply: bot.Reply{Text: "Chọn", Choices: [][]bot.Choice{{{Label: "Có", Data: "y"}, {Label: "Không", Data: "n"}}, {{Label: "Huỷ", Data: "c"}}},
				Link: &bot.Link{Label: "Mở chat riêng", Payload: "join_12"}},
			want: []telegramtest.Sent{{Method: "sendMessage", Text: "Chọn", Plain: "Chọn", Buttons: [][]telegramtest.Button{
				{{Text: "Có", CallbackData: "y"}, {Text: "Không", CallbackData: "n"}},
				{{Text: "Huỷ", CallbackData: "c"}},
				{{Text: "Mở chat riêng", URL: "https://t.me/lamtheo_test_bot?start=join_12"}},
			}}},
		},
		{
			name:  "photo with caption and buttons",
			reply: bot.Reply{Text: "Nêu gương", Photo: "AgAD-photo", Choices: [][]bot.Choice{{{Label: "👍", Data: "like"}}}},
			want: []telegramtest.Sent{{Method: "sendPhoto", Photo: "AgAD-photo", Text: "Nêu gương", Plain: "Nêu gương",
				Buttons: [][]telegramtest.Button{{{Text: "👍", CallbackData: "like"}}}}},
		},
		{
			name:  "photo with a long text",
			reply: bot.Reply{Text: long, Photo: "AgAD-photo", Choices: [][]bot.Choice{{{Label: "OK", Data: "ok"}}}},
			want: []telegramtest.Sent{
				{Method: "sendPhoto", Photo: "AgAD-photo"},
				{Method: "sendMessage", Text: long, Plain: long, Buttons: [][]telegramtest.Button{{{Text: "OK", CallbackData: "ok"}}}},
			},
		},
		{
			name:  "document",
			reply: bot.Reply{Title: "Báo cáo", File: &bot.File{Name: "chi-bo-1.csv", Data: []byte("họ tên,đã báo cáo\n")}},
			want: []telegramtest.Sent{{Method: "sendDocument", FileName: "chi-bo-1.csv", FileData: []byte("họ tên,đã báo cáo\n"),
				Text: "<b>Báo cáo</b>", Plain: "Báo cáo"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := telegramtest.NewServer(t)
			c := dial(t, f)
			r := tt.reply
			r.Chat = tgChat("501")
			ref, err := c.Send(t.Context(), r)
			if err != nil {
				t.Fatal(err)
			}
			got := f.Sent(501)
			if len(got) != len(tt.want) {
				t.Fatalf("sent %d messages, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Method != w.Method || g.Text != w.Text || g.Plain != w.Plain || g.Photo != w.Photo ||
					g.FileName != w.FileName || string(g.FileData) != string(w.FileData) || !sameButtons(g.Buttons, w.Buttons) {
					t.Errorf("message %d:\n got %+v\nwant %+v", i, g, w)
				}
				if g.Text != "" && g.ParseMode != "HTML" {
					t.Errorf("message %d parse mode %q", i, g.ParseMode)
				}
			}
			if want := strconv.FormatInt(got[len(got)-1].MessageID, 10); ref != want {
				t.Errorf("ref = %q, want %q", ref, want)
			}
		})
	}
}

func sameButtons(a, b [][]telegramtest.Button) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func TestSendEdit(t *testing.T) {
	f := telegramtest.NewServer(t)
	c := dial(t, f)
	chat := tgChat("-4001")
	ref, err := c.Send(t.Context(), bot.Reply{Chat: chat, Text: "Đăng ký?", Choices: [][]bot.Choice{{{Label: "Có", Data: "y"}}}})
	if err != nil {
		t.Fatal(err)
	}
	edit := bot.Reply{Chat: chat, Text: "Đã đăng ký <1>", Edit: ref}
	got, err := c.Send(t.Context(), edit)
	if err != nil || got != ref {
		t.Fatalf("edit = %q, %v; want %q", got, err, ref)
	}
	// The same edit again is "not modified" for Telegram: success for us.
	if got, err := c.Send(t.Context(), edit); err != nil || got != ref {
		t.Errorf("repeated edit = %q, %v", got, err)
	}
	sent := f.Sent(-4001)
	if len(sent) != 2 {
		t.Fatalf("sent %+v", sent)
	}
	if e := sent[1]; e.Method != "editMessageText" || strconv.FormatInt(e.MessageID, 10) != ref ||
		e.Plain != "Đã đăng ký <1>" || len(e.Buttons) != 0 || e.ParseMode != "HTML" {
		t.Errorf("edit = %+v", e)
	}
	if _, err := c.Send(t.Context(), bot.Reply{Chat: chat, Text: "x", Edit: "999"}); !isSendError(err, func(se *bot.SendError) bool { return se.Permanent }) {
		t.Errorf("edit of a missing message: %v", err)
	}
}

func isSendError(err error, ok func(*bot.SendError) bool) bool {
	var se *bot.SendError
	return errors.As(err, &se) && ok(se)
}

// Send refuses what Telegram would refuse, without calling it.
func TestSendRejects(t *testing.T) {
	tests := []struct {
		name  string
		reply bot.Reply
	}{
		{"callback data over 64 bytes", bot.Reply{Text: "x", Choices: [][]bot.Choice{{{Label: "a", Data: strings.Repeat("đ", 33)}}}}},
		{"empty callback data", bot.Reply{Text: "x", Choices: [][]bot.Choice{{{Label: "a"}}}}},
		{"choice without label", bot.Reply{Text: "x", Choices: [][]bot.Choice{{{Data: "a"}}}}},
		{"text over 4096", bot.Reply{Text: strings.Repeat("a", 4097)}},
		{"title and text over 4096", bot.Reply{Title: "Tiêu đề", Text: strings.Repeat("a", 4090)}},
		{"emoji count twice", bot.Reply{Text: strings.Repeat("😀", 2049)}},
		{"empty text", bot.Reply{}},
		{"bad link payload", bot.Reply{Text: "x", Link: &bot.Link{Label: "Mở", Payload: "a b"}}},
		{"wrong platform", bot.Reply{Chat: bot.ChatID{Platform: bot.Zalo, ID: "501"}, Text: "x"}},
		{"bad chat id", bot.Reply{Chat: tgChat("abc"), Text: "x"}},
		{"edit into a photo", bot.Reply{Text: "x", Photo: "p", Edit: "5"}},
	}
	f := telegramtest.NewServer(t)
	c := dial(t, f)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.reply
			if r.Chat.IsZero() {
				r.Chat = tgChat("501")
			}
			_, err := c.Send(t.Context(), r)
			if !isSendError(err, func(se *bot.SendError) bool { return se.Permanent && !se.Unreachable && se.RetryAfter == 0 }) {
				t.Errorf("err = %v, want a permanent SendError", err)
			}
		})
	}
	for _, m := range []string{"sendMessage", "sendPhoto", "editMessageText"} {
		if n := f.Calls(m); n != 0 {
			t.Errorf("%d calls of %s", n, m)
		}
	}
	// Exactly at the limits is fine.
	if _, err := c.Send(t.Context(), bot.Reply{Chat: tgChat("501"), Text: strings.Repeat("😀", 2048),
		Choices: [][]bot.Choice{{{Label: "a", Data: strings.Repeat("đ", 32)}}}}); err != nil {
		t.Errorf("4096 UTF-16 units and 64 bytes of data: %v", err)
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name   string
		method string
		reply  bot.Reply
		fault  telegramtest.Fault
		check  func(*testing.T, error)
	}{
		{"429", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 429, RetryAfter: 3}, wantSendError(429, 3*time.Second, false, false)},
		{"429 on a multipart upload (Code 0)", "sendDocument", bot.Reply{File: &bot.File{Name: "a.csv", Data: []byte("a")}},
			telegramtest.Fault{Code: 429, RetryAfter: 5}, wantSendError(429, 5*time.Second, false, false)},
		{"429 on a photo by id", "sendPhoto", bot.Reply{Photo: "p", Text: "x"}, telegramtest.Fault{Code: 429, RetryAfter: 2}, wantSendError(429, 2*time.Second, false, false)},
		{"blocked", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 403, Description: "Forbidden: bot was blocked by the user"}, wantSendError(403, 0, true, false)},
		{"kicked", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 403, Description: "Forbidden: bot was kicked from the group chat"}, wantSendError(403, 0, true, false)},
		{"deactivated", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 403, Description: "Forbidden: user is deactivated"}, wantSendError(403, 0, true, false)},
		{"can't initiate", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 403, Description: "Forbidden: bot can't initiate conversation with a user"}, wantSendError(403, 0, true, false)},
		{"blocked on upload (Code 0)", "sendDocument", bot.Reply{File: &bot.File{Name: "a.csv", Data: []byte("a")}},
			telegramtest.Fault{Code: 403, Description: "Forbidden: bot was blocked by the user"}, wantSendError(403, 0, true, false)},
		{"chat not found", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 400, Description: "Bad Request: chat not found"}, wantSendError(400, 0, true, false)},
		{"bad request", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 400, Description: "Bad Request: can't parse entities"}, wantSendError(400, 0, false, true)},
		{"migrated", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat", MigrateTo: -1009},
			func(t *testing.T, err error) {
				wantSendError(400, 0, false, true)(t, err)
				if !strings.Contains(err.Error(), "-1009") {
					t.Errorf("migration target missing: %v", err)
				}
			}},
		{"500", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 500}, wantTransient(nil)},
		{"502 html", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Code: 502, Body: "<html>Bad Gateway</html>"}, wantTransient(nil)},
		{"timeout", "sendMessage", bot.Reply{Text: "x"}, telegramtest.Fault{Hang: true}, wantTransient(context.DeadlineExceeded)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := telegramtest.NewServer(t, telegramtest.InProcess())
				c := dialInProcess(t, f, telegram.Options{RequestTimeout: 5 * time.Second})
				f.FailNext(tt.method, 1, tt.fault)
				r := tt.reply
				r.Chat = tgChat("501")
				start := time.Now()
				_, err := c.Send(t.Context(), r)
				if err == nil {
					t.Fatal("no error")
				}
				tt.check(t, err)
				if strings.Contains(err.Error(), f.Token) {
					t.Errorf("token in error: %v", err)
				}
				if tt.fault.Hang {
					if d := time.Since(start); d != 5*time.Second {
						t.Errorf("timed out after %v, want 5s", d)
					}
				}
				if n := f.Calls(tt.method); n != 1 {
					t.Errorf("%d calls of %s, want 1", n, tt.method)
				}
			})
		})
	}
}

func wantSendError(code int, retry time.Duration, unreachable, permanent bool) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var se *bot.SendError
		if !errors.As(err, &se) {
			t.Fatalf("err = %v (%T), want a SendError", err, err)
		}
		if se.Code != code || se.RetryAfter != retry || se.Unreachable != unreachable || se.Permanent != permanent || se.Message == "" {
			t.Errorf("SendError = %+v, want code %d retry %v unreachable %v permanent %v", se, code, retry, unreachable, permanent)
		}
	}
}

func wantTransient(is error) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var se *bot.SendError
		if errors.As(err, &se) {
			t.Errorf("err = %+v, want a transient error, not a SendError", se)
		}
		if is != nil && !errors.Is(err, is) {
			t.Errorf("err = %v, want it to wrap %v", err, is)
		}
	}
}

// The token is in every request URL, and so in the HTTP client's errors; it
// must never reach an error text or a log line.
func TestTokenRedacted(t *testing.T) {
	f := telegramtest.NewServer(t)
	var logs bottest.Buffer
	c, err := telegram.New(t.Context(), telegram.Options{Token: f.Token, Endpoint: f.URL,
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f.Close() // every call now fails in the transport

	var errs []error
	_, err = c.Send(t.Context(), bot.Reply{Chat: tgChat("501"), Text: "x"})
	errs = append(errs, err)
	_, err = c.Send(t.Context(), bot.Reply{Chat: tgChat("501"), File: &bot.File{Name: "a", Data: []byte("a")}})
	errs = append(errs, err)
	errs = append(errs, c.Ack(t.Context(), bot.Message{CallbackID: "cb1"}))
	errs = append(errs, c.SetCommands(t.Context(), bot.CommandSet{Private: []bot.Command{{Name: "help", Description: "Trợ giúp"}}}))
	_, err = c.MemberStatus(t.Context(), tgChat("-4001"), tgUser("501"))
	errs = append(errs, err)
	dead := httptest.NewServer(nil)
	dead.Close()
	_, err = telegram.New(t.Context(), telegram.Options{Token: f.Token, Endpoint: dead.URL + "/bot%s/%s"})
	errs = append(errs, err)

	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d: no error", i)
			continue
		}
		if strings.Contains(err.Error(), f.Token) || strings.Contains(err.Error(), "secret") {
			t.Errorf("call %d: token in error: %v", i, err)
		}
	}
	if !strings.Contains(errs[0].Error(), "<token>") {
		t.Errorf("expected a redacted URL in %v", errs[0])
	}
	if out := logs.String(); strings.Contains(out, f.Token) || strings.Contains(out, "secret") {
		t.Errorf("token in logs:\n%s", out)
	}
}

// Receive logs transport failures (which carry the request URL) without the
// token.
func TestTokenRedactedInReceiveLogs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		var logs bottest.Buffer
		c := dialInProcess(t, f, telegram.Options{Log: slog.New(slog.NewTextHandler(&logs, nil))})
		f.Close() // the in-process client now fails like a refused connection
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if _, err := c.Receive(ctx); !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), f.Token) {
			t.Errorf("Receive = %v", err)
		}
		out := logs.String()
		if n := strings.Count(out, "getUpdates failed"); n != 4 { // after 0, 1, 3 and 7 s
			t.Errorf("%d failures logged, want 4:\n%s", n, out)
		}
		if !strings.Contains(out, "<token>") || strings.Contains(out, f.Token) || strings.Contains(out, "secret") {
			t.Errorf("token not redacted in logs:\n%s", out)
		}
	})
}

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

func TestSetCommands(t *testing.T) {
	f := telegramtest.NewServer(t)
	c := dial(t, f)
	cs := bot.CommandSet{
		Private:    []bot.Command{{Name: "start", Description: "Bắt đầu"}, {Name: "report", Description: "Báo cáo việc làm tháng"}},
		Group:      []bot.Command{{Name: "summary", Description: "Tổng hợp chi bộ"}},
		GroupAdmin: []bot.Command{{Name: "summary", Description: "Tổng hợp chi bộ"}, {Name: "close", Description: "Chốt tháng"}},
	}
	if err := c.SetCommands(t.Context(), cs); err != nil {
		t.Fatal(err)
	}
	for scope, want := range map[string][]bot.Command{
		"all_private_chats": cs.Private, "all_group_chats": cs.Group, "all_chat_administrators": cs.GroupAdmin,
	} {
		got := f.Commands(scope, "")
		if len(got) != len(want) {
			t.Errorf("%s: %+v", scope, got)
			continue
		}
		for i := range want {
			if got[i].Command != want[i].Name || got[i].Description != want[i].Description {
				t.Errorf("%s[%d] = %+v, want %+v", scope, i, got[i], want[i])
			}
		}
	}
	// An empty list clears that scope.
	cs.Group = nil
	if err := c.SetCommands(t.Context(), cs); err != nil {
		t.Fatal(err)
	}
	if got := f.Commands("all_group_chats", ""); len(got) != 0 {
		t.Errorf("group commands not cleared: %+v", got)
	}
	// Telegram's refusal is a permanent error.
	err := c.SetCommands(t.Context(), bot.CommandSet{Private: []bot.Command{{Name: "Bad-Name", Description: "x"}}})
	if !isSendError(err, func(se *bot.SendError) bool { return se.Permanent }) {
		t.Errorf("invalid command: %v", err)
	}
}

func TestMemberStatus(t *testing.T) {
	f := telegramtest.NewServer(t)
	c := dial(t, f)
	f.SetMember(-4001, 501, "administrator")
	for user, want := range map[string]string{"501": "administrator", "502": "left"} {
		got, err := c.MemberStatus(t.Context(), tgChat("-4001"), tgUser(user))
		if err != nil || got != want {
			t.Errorf("MemberStatus(%s) = %q, %v; want %q", user, got, err, want)
		}
	}
}

// Send may be called concurrently (the sender runs MaxConcurrent at once).
func TestSendConcurrent(t *testing.T) {
	f := telegramtest.NewServer(t)
	c := dial(t, f)
	errs := make(chan error, 16)
	for i := range 16 {
		go func() {
			_, err := c.Send(t.Context(), bot.Reply{Chat: tgChat(strconv.Itoa(1000 + i)), Text: "Nhắc báo cáo"})
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := len(f.AllSent()); n != 16 {
		t.Errorf("%d sent, want 16", n)
	}
}

// BenchmarkSend measures one Send through tgbotapi to the in-process fake:
// the adapter's own cost per message.
func BenchmarkSend(b *testing.B) {
	f := telegramtest.NewServer(b, telegramtest.InProcess())
	c, err := telegram.New(b.Context(), telegram.Options{Token: f.Token, Endpoint: f.URL, HTTPClient: f.Client()})
	if err != nil {
		b.Fatal(err)
	}
	r := bot.Reply{Chat: tgChat("501"), Title: "Nhắc báo cáo", Text: "Đồng chí chưa báo cáo việc làm tháng 3.",
		Choices: [][]bot.Choice{{{Label: "Báo cáo ngay", Data: "report:2026-03"}}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Send(b.Context(), r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
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

// InGroup reads getChatMember's status; other platforms are not known.
func TestInGroup(t *testing.T) {
	f := telegramtest.NewServer(t)
	c := dial(t, f)
	f.SetMember(-4001, 501, "member")
	f.SetMember(-4001, 503, "kicked")
	for _, tc := range []struct {
		group bot.ChatID
		user  bot.UserID
		yes   bool
		known bool
	}{
		{tgChat("-4001"), tgUser("501"), true, true},
		{tgChat("-4001"), tgUser("502"), false, true}, // never joined: "left"
		{tgChat("-4001"), tgUser("503"), false, true},
		{bot.ChatID{Platform: bot.Zalo, ID: "g:1"}, tgUser("501"), false, false},
		{tgChat("-4001"), bot.UserID{Platform: bot.Zalo, ID: "z"}, false, false},
	} {
		yes, known, err := c.InGroup(t.Context(), tc.group, tc.user)
		if err != nil || yes != tc.yes || known != tc.known {
			t.Errorf("InGroup(%s, %s) = %v, %v, %v; want %v, %v", tc.group, tc.user, yes, known, err, tc.yes, tc.known)
		}
	}
	f.SetChatError(-4001, telegramtest.Fault{Code: 400, Description: "Bad Request: chat not found"})
	if _, known, err := c.InGroup(t.Context(), tgChat("-4001"), tgUser("501")); err == nil || known {
		t.Errorf("a failed getChatMember: known=%v err=%v", known, err)
	}
}
