package zalo_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/bot/zalo"
	"lamtheo/bot/zalo/zalotest"
)

func TestSendRenders(t *testing.T) {
	choices := [][]bot.Choice{{{Label: "Đã làm", Data: "done"}, {Label: "Đang làm", Data: "doing"}}, {{Label: "Chưa làm", Data: "no"}}}
	head := strings.Repeat("Làm theo gương Bác. ", 99) // 1,980 units: fits with the title, not with the choices
	tests := []struct {
		name  string
		reply bot.Reply
		want  []zalotest.Sent // Method, Text and Photo compared
	}{
		{"plain text, untouched", bot.Reply{Text: "<b>x</b> & *y* _z_"},
			[]zalotest.Sent{{Method: "sendMessage", Text: "<b>x</b> & *y* _z_"}}},
		{"title and a blank line", bot.Reply{Title: "Tổng hợp tháng 11", Text: "Đã báo cáo: 12/15\n\n"},
			[]zalotest.Sent{{Method: "sendMessage", Text: "Tổng hợp tháng 11\n\nĐã báo cáo: 12/15"}}},
		{"title alone", bot.Reply{Title: "Chi bộ 3"},
			[]zalotest.Sent{{Method: "sendMessage", Text: "Chi bộ 3"}}},
		{"numbered choices, hint and link", bot.Reply{Title: "Tháng 11", Text: "Việc 1: trồng cây", Choices: choices,
			Hint: "Trả lời bằng số.", Link: &bot.Link{Label: "Mở chat riêng", Payload: "join_7", Alt: "Nhắn /batdau join_7 cho bot"}},
			[]zalotest.Sent{{Method: "sendMessage", Text: "Tháng 11\n\nViệc 1: trồng cây\n1. Đã làm\n2. Đang làm\n3. Chưa làm\nTrả lời bằng số.\nNhắn /batdau join_7 cho bot"}}},
		{"link without Alt shows its label", bot.Reply{Text: "Mời", Link: &bot.Link{Label: "Kết nối", Payload: "p"}},
			[]zalotest.Sent{{Method: "sendMessage", Text: "Mời\nKết nối"}}},
		{"choices alone", bot.Reply{Choices: choices[1:]},
			[]zalotest.Sent{{Method: "sendMessage", Text: "1. Chưa làm"}}},
		{"photo by URL with the text as caption", bot.Reply{Title: "Nêu gương", Text: "Đồng chí Lan", Photo: "https://picsum.photos/id/1/800"},
			[]zalotest.Sent{{Method: "sendPhoto", Photo: "https://picsum.photos/id/1/800", Text: "Nêu gương\n\nĐồng chí Lan"}}},
		{"photo alone", bot.Reply{Photo: "http://files.example/a.png"},
			[]zalotest.Sent{{Method: "sendPhoto", Photo: "http://files.example/a.png"}}},
		{"2,000 units exactly", bot.Reply{Text: strings.Repeat("😀", 1000)},
			[]zalotest.Sent{{Method: "sendMessage", Text: strings.Repeat("😀", 1000)}}},
		{"choices that do not fit go in a second message", bot.Reply{Title: "Đề", Text: head, Choices: choices, Hint: "Trả lời bằng số."},
			[]zalotest.Sent{{Method: "sendMessage", Text: "Đề\n\n" + head}, {Method: "sendMessage", Text: "1. Đã làm\n2. Đang làm\n3. Chưa làm\nTrả lời bằng số."}}},
		{"photo, long caption and choices", bot.Reply{Text: head, Photo: "https://p.example/x.jpg", Choices: choices},
			[]zalotest.Sent{{Method: "sendPhoto", Photo: "https://p.example/x.jpg", Text: head}, {Method: "sendMessage", Text: "1. Đã làm\n2. Đang làm\n3. Chưa làm"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := zalotest.NewServer(t, zalotest.InProcess())
			c := dial(t, f, zalo.Options{})
			r := tt.reply
			r.Chat = chat(lan.ID)
			ref, err := c.Send(t.Context(), r)
			if err != nil {
				t.Fatal(err)
			}
			got := f.Sent(lan.ID)
			if len(got) != len(tt.want) {
				t.Fatalf("sent %d messages, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				if g := got[i]; g.Method != w.Method || g.Text != w.Text || g.Photo != w.Photo {
					t.Errorf("message %d:\n got %s %q %q\nwant %s %q %q", i, g.Method, g.Text, g.Photo, w.Method, w.Text, w.Photo)
				}
			}
			if ref != got[len(got)-1].MessageID {
				t.Errorf("ref = %q, want %q", ref, got[len(got)-1].MessageID)
			}
		})
	}
}

// A group chat's id loses its prefix on the way out.
func TestSendGroup(t *testing.T) {
	f := zalotest.NewServer(t, zalotest.InProcess())
	c := dial(t, f, zalo.Options{})
	if _, err := c.Send(t.Context(), bot.Reply{Chat: chat("g:" + cell.ID), Text: "Chi bộ đã báo cáo 80%"}); err != nil {
		t.Fatal(err)
	}
	if got := f.Sent(cell.ID); len(got) != 1 || got[0].Text != "Chi bộ đã báo cáo 80%" {
		t.Errorf("sent to the group: %+v", got)
	}
}

// Send refuses what Zalo cannot do, without calling it.
func TestSendRejects(t *testing.T) {
	tests := []struct {
		name  string
		reply bot.Reply
	}{
		{"edit", bot.Reply{Text: "x", Edit: "82599fa32f56d00e8941"}},
		{"document", bot.Reply{Text: "x", File: &bot.File{Name: "a.csv", Data: []byte("a")}}},
		{"photo by file id", bot.Reply{Text: "x", Photo: "AgAD-file-id"}},
		{"photo as a data URI", bot.Reply{Photo: "data:image/png;base64,AAAA"}},
		{"text over 2,000 units", bot.Reply{Text: strings.Repeat("a", 2001)}},
		{"emoji count twice", bot.Reply{Text: strings.Repeat("😀", 1001)}},
		{"title and text over 2,000", bot.Reply{Title: "Tiêu đề", Text: strings.Repeat("a", 1995)}},
		{"choices over 2,000 on their own", bot.Reply{Text: "x", Choices: [][]bot.Choice{{{Label: strings.Repeat("a", 2000), Data: "a"}}}}},
		{"empty", bot.Reply{}},
		{"another platform", bot.Reply{Chat: bot.ChatID{Platform: bot.Zalo, ID: lan.ID}, Text: "x"}},
		{"empty group id", bot.Reply{Chat: chat("g:"), Text: "x"}},
	}
	f := zalotest.NewServer(t, zalotest.InProcess())
	c := dial(t, f, zalo.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.reply
			if r.Chat.IsZero() {
				r.Chat = chat(lan.ID)
			}
			_, err := c.Send(t.Context(), r)
			var se *bot.SendError
			if !errors.As(err, &se) || !se.Permanent || se.Unreachable || se.RetryAfter != 0 || se.Message == "" {
				t.Errorf("err = %v, want a permanent SendError", err)
			}
		})
	}
	if n := f.SendCalls(); n != 0 {
		t.Errorf("%d send calls", n)
	}
}

// Zalo's errors map onto bot.SendError by the JSON body, whatever the HTTP
// status.
func TestSendErrors(t *testing.T) {
	type want struct {
		se          bool // a *bot.SendError
		code        int
		retry       time.Duration
		unreachable bool
		permanent   bool
	}
	transient := want{}
	tests := []struct {
		name   string
		method string
		reply  bot.Reply
		fault  zalotest.Fault
		want   want
	}{
		{"429", "sendMessage", bot.Reply{Text: "x"}, zalotest.Fault{Code: 429, Description: "Quota exceeded"}, want{true, 429, 30 * time.Second, false, false}},
		{"quota exceeded under another code", "sendMessage", bot.Reply{Text: "x"}, zalotest.Fault{Code: 500, Description: "Quota exceeded"}, want{true, 429, 30 * time.Second, false, false}},
		{"429 on a photo", "sendPhoto", bot.Reply{Photo: "https://p/x.jpg"}, zalotest.Fault{Code: 429}, want{true, 429, 30 * time.Second, false, false}},
		{"400", "sendMessage", bot.Reply{Text: "x"}, zalotest.Fault{Code: 400, Description: "Bad request: The chat_id must not be empty"}, want{true, 400, 0, false, true}},
		{"400 bad photo URL", "sendPhoto", bot.Reply{Photo: "https://upload.wikimedia.org/a.jpg"}, zalotest.Fault{Code: 400, Description: "The photo URL is invalid"}, want{true, 400, 0, false, true}},
		{"404 unknown chat", "sendMessage", bot.Reply{Text: "x"}, zalotest.Fault{Code: 404, Description: "Not Found"}, want{true, 404, 0, true, false}},
		{"404 on a photo", "sendPhoto", bot.Reply{Photo: "https://p/x.jpg"}, zalotest.Fault{Code: 404}, want{true, 404, 0, false, true}},
		{"403", "sendMessage", bot.Reply{Text: "x"}, zalotest.Fault{Code: 403}, want{true, 403, 0, false, false}},
		{"401", "sendMessage", bot.Reply{Text: "x"}, zalotest.Fault{Code: 401}, want{true, 401, 0, false, false}},
		{"408", "sendMessage", bot.Reply{Text: "x"}, zalotest.Fault{Code: 408}, want{true, 408, 0, false, false}},
		{"500", "sendMessage", bot.Reply{Text: "x"}, zalotest.Fault{Code: 500}, transient},
		{"502 HTML", "sendMessage", bot.Reply{Text: "x"}, zalotest.Fault{Status: 502, Body: "<html>Bad Gateway</html>"}, transient},
		{"200 with a body that is not JSON", "sendMessage", bot.Reply{Text: "x"}, zalotest.Fault{Status: 200, Body: "OK"}, transient},
		{"connection dropped", "sendMessage", bot.Reply{Text: "x"}, zalotest.Fault{Drop: true}, transient},
		{"timeout", "sendMessage", bot.Reply{Text: "x"}, zalotest.Fault{Hang: true}, transient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inStyles(t, func(t *testing.T, f *zalotest.Server) {
				c := dial(t, f, zalo.Options{RequestTimeout: 5 * time.Second})
				f.FailNext(tt.method, 1, tt.fault)
				r := tt.reply
				r.Chat = chat(lan.ID)
				start := time.Now()
				_, err := c.Send(t.Context(), r)
				if err == nil {
					t.Fatal("no error")
				}
				var se *bot.SendError
				isSE := errors.As(err, &se)
				switch {
				case isSE != tt.want.se:
					t.Errorf("err = %v (%T), SendError %v, want %v", err, err, isSE, tt.want.se)
				case isSE && (se.Code != tt.want.code || se.RetryAfter != tt.want.retry || se.Unreachable != tt.want.unreachable ||
					se.Permanent != tt.want.permanent || se.Message == ""):
					t.Errorf("SendError = %+v, want %+v", se, tt.want)
				}
				if strings.Contains(err.Error(), f.Token) || isSE && strings.Contains(se.Message, f.Token) {
					t.Errorf("token in error: %v", err)
				}
				if tt.fault.Hang {
					if d := time.Since(start); d != 90*time.Second && tt.method == "sendPhoto" || d != 5*time.Second && tt.method == "sendMessage" {
						t.Errorf("timed out after %v", d)
					}
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("timeout: %v", err)
					}
				}
				if n := f.Calls(tt.method); n != 1 {
					t.Errorf("%d calls of %s, want 1", n, tt.method)
				}
			})
		})
	}
}

// The free plan's quota runs out: 429 "Quota exceeded", retry later.
func TestSendQuota(t *testing.T) {
	f := zalotest.NewServer(t, zalotest.InProcess(), zalotest.WithQuota(2))
	c := dial(t, f, zalo.Options{})
	var errs []error
	for range 3 {
		_, err := c.Send(t.Context(), bot.Reply{Chat: chat(lan.ID), Text: "Nhắc báo cáo"})
		errs = append(errs, err)
	}
	var se *bot.SendError
	if errs[0] != nil || errs[1] != nil || !errors.As(errs[2], &se) || se.Code != 429 || se.RetryAfter != 30*time.Second {
		t.Errorf("errs = %v", errs)
	}
	if n := f.SentInMonth(time.Now()); n != 2 {
		t.Errorf("%d sent this month", n)
	}
}

// A send that Zalo delivered but whose answer was lost returns an error:
// the Sender will send it again.
func TestSendLostAnswer(t *testing.T) {
	for _, fault := range []zalotest.Fault{{Drop: true, After: true}, {Code: 500, After: true}, {Status: 502, Body: "<html/>", After: true}} {
		f := zalotest.NewServer(t, zalotest.InProcess())
		c := dial(t, f, zalo.Options{})
		f.FailNext("sendMessage", 1, fault)
		_, err := c.Send(t.Context(), bot.Reply{Chat: chat(lan.ID), Text: "Đã ghi nhận"})
		var se *bot.SendError
		if err == nil || errors.As(err, &se) {
			t.Errorf("%+v: err = %v, want a transient error", fault, err)
		}
		if got := f.Sent(lan.ID); len(got) != 1 || !got[0].Lost {
			t.Errorf("%+v: delivered %+v", fault, got)
		}
	}
}

// Driven by a real bot.Sender against a fake failing 20 % of the sends,
// before and after they take effect: every reply is delivered, in order per
// chat, and a reply is delivered twice only after an answer was lost.
func TestSenderDuplicates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		c := dial(t, f, zalo.Options{RequestTimeout: 5 * time.Second})
		f.FailRandomly(0.2, 7, nil, "sendMessage", "sendPhoto")
		out := bottest.NewOutbox()
		const chats, each = 8, 15
		for j := range each {
			for i := range chats {
				r := bot.Reply{Chat: chat(fmt.Sprintf("user%02d", i)), Text: fmt.Sprintf("tin %d của chat %d", j, i)}
				if j%5 == 4 {
					r.Photo = "https://p.example/" + fmt.Sprint(j) + ".jpg"
				}
				out.Enqueue(r)
			}
		}
		s := &bot.Sender{Outbox: out, Conn: c, Limits: c.Caps().Limits, Wake: out.Wake()}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- s.Run(ctx) }()
		if err := s.WaitIdle(t.Context()); err != nil {
			t.Fatal(err)
		}
		cancel()
		<-done

		dups, lost := 0, 0
		for i := range chats {
			id := fmt.Sprintf("user%02d", i)
			count := map[string]int{}
			lostFor := map[string]int{}
			var order []string
			for _, m := range f.Sent(id) {
				if count[m.Text] == 0 {
					order = append(order, m.Text)
				}
				count[m.Text]++
				if m.Lost {
					lostFor[m.Text]++
				}
			}
			if len(order) != each {
				t.Errorf("chat %s: %d distinct messages delivered, want %d", id, len(order), each)
			}
			for j, text := range order {
				if want := fmt.Sprintf("tin %d của chat %d", j, i); text != want {
					t.Errorf("chat %s: message %d is %q, want %q", id, j, text, want)
				}
				if extra := count[text] - 1; extra > lostFor[text] {
					t.Errorf("chat %s: %q delivered %d times after %d lost answers", id, text, count[text], lostFor[text])
				}
				dups += count[text] - 1
				lost += lostFor[text]
			}
		}
		for seq := uint64(1); seq <= chats*each; seq++ {
			if res, ok := out.Result(seq); !ok || res.Dropped != "" || res.Unreachable {
				t.Errorf("envelope %d: %+v, %v", seq, res, ok)
			}
		}
		injected := 0
		for _, e := range f.Errors() {
			if e.Injected {
				injected++
			}
		}
		t.Logf("%d sends for %d replies: %d faults injected, %d answers lost after delivery, %d duplicates",
			f.SendCalls(), chats*each, injected, lost, dups)
		if lost == 0 || injected < chats*each/10 {
			t.Errorf("the faults did not strike: %d injected, %d lost", injected, lost)
		}
	})
}

// Send may be called concurrently (the Sender runs MaxConcurrent at once).
func TestSendConcurrent(t *testing.T) {
	f := zalotest.NewServer(t)
	c, err := zalo.New(t.Context(), zalo.Options{Token: f.Token, Endpoint: f.URL})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 16)
	for i := range 16 {
		go func() {
			_, err := c.Send(t.Context(), bot.Reply{Chat: bot.ChatID{Platform: bot.Zalo, ID: fmt.Sprint(1000 + i)}, Text: "Nhắc báo cáo"})
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

// BenchmarkSend measures one Send to the in-process fake: the adapter's own
// cost per message (rendering, JSON, decoding), without a network.
func BenchmarkSend(b *testing.B) {
	f := zalotest.NewServer(b, zalotest.InProcess(), zalotest.WithQuota(0))
	c, err := zalo.New(b.Context(), zalo.Options{Token: f.Token, Endpoint: f.URL, HTTPClient: f.Client()})
	if err != nil {
		b.Fatal(err)
	}
	r := bot.Reply{Chat: bot.ChatID{Platform: bot.Zalo, ID: lan.ID}, Title: "Nhắc báo cáo", Text: "Đồng chí chưa báo cáo việc làm tháng 11.",
		Choices: [][]bot.Choice{{{Label: "Báo cáo ngay", Data: "report"}}}, Hint: "Trả lời bằng số."}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Send(b.Context(), r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
