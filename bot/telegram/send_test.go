package telegram_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
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
			name: "uploaded photo with caption",
			reply: bot.Reply{Text: "Bảng xếp hạng tháng 11/2026", File: &bot.File{Name: "bang-xep-hang-11-2026.png", Data: []byte("\x89PNG-bytes"),
				Photo: true, Alt: "bảng xếp hạng"}},
			want: []telegramtest.Sent{{Method: "sendPhoto", Photo: "bang-xep-hang-11-2026.png", FileName: "bang-xep-hang-11-2026.png",
				FileData: []byte("\x89PNG-bytes"), Text: "Bảng xếp hạng tháng 11/2026", Plain: "Bảng xếp hạng tháng 11/2026"}},
		},
		{
			name:  "uploaded photo with a long text",
			reply: bot.Reply{Text: long, File: &bot.File{Name: "a.png", Data: []byte("png"), Photo: true}},
			want: []telegramtest.Sent{
				{Method: "sendPhoto", Photo: "a.png", FileName: "a.png", FileData: []byte("png")},
				{Method: "sendMessage", Text: long, Plain: long},
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
