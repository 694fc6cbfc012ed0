package console

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

func TestSend(t *testing.T) {
	lan := bot.ChatID{Platform: bot.Console, ID: "nguyen-van-lan"}
	tests := []struct {
		name  string
		reply bot.Reply
		want  string
	}{
		{
			name:  "plain text to the current chat",
			reply: bot.Reply{Chat: lan, Text: "Chào đồng chí.\n"},
			want:  "Chào đồng chí.\n\n",
		},
		{
			name: "everything",
			reply: bot.Reply{
				Chat:    lan,
				Title:   "Đăng ký làm theo",
				Text:    "Đồng chí chọn nội dung:",
				Choices: [][]bot.Choice{{{Label: "Trung thành", Data: "a"}, {Label: "Trách nhiệm", Data: "b"}}, {{Label: "Huỷ", Data: "x"}}},
				Hint:    "Gõ số để chọn.",
				Link:    &bot.Link{Label: "Mở chat riêng", Payload: "reg_C01", Alt: "Nhắn /start reg_C01 cho bot."},
				Photo:   "photo-1",
				File:    &bot.File{Name: "C01.csv", Data: []byte("a,b\n")},
			},
			want: "== Đăng ký làm theo ==\nĐồng chí chọn nội dung:\n  1. Trung thành\n  2. Trách nhiệm\n  3. Huỷ\nGõ số để chọn.\n" +
				"Nhắn /start reg_C01 cho bot.\n(ảnh: photo-1)\n(tệp: C01.csv, 4 byte)\n\n",
		},
		{
			name:  "link without alt shows its label",
			reply: bot.Reply{Chat: lan, Text: "x", Link: &bot.Link{Label: "Mở chat riêng"}},
			want:  "x\nMở chat riêng\n\n",
		},
		{
			name:  "group chat gets a header",
			reply: bot.Reply{Chat: GroupChat("C01"), Text: "Tháng 11: 12/20 đồng chí đã báo cáo."},
			want:  "[nhóm C01]\nTháng 11: 12/20 đồng chí đã báo cáo.\n\n",
		},
		{
			name:  "another person's private chat gets a header with their name",
			reply: bot.Reply{Chat: bot.ChatID{Platform: bot.Console, ID: "khach"}, Text: "Nhắc"},
			want:  "[riêng → Khách]\nNhắc\n\n",
		},
		{
			name:  "unknown person shown by id",
			reply: bot.Reply{Chat: bot.ChatID{Platform: bot.Console, ID: "tran-binh"}, Text: "Nhắc"},
			want:  "[riêng → tran-binh]\nNhắc\n\n",
		},
		{
			name:  "edit",
			reply: bot.Reply{Chat: lan, Text: "Đã lưu.", Edit: "7"},
			want:  "(sửa tin 7)\nĐã lưu.\n\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			c := New(strings.NewReader(":as Nguyễn Văn Lan\n"), &out, Options{Interactive: true})
			if _, err := receiveAll(t, c); !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			out.Reset()
			ref, err := c.Send(context.Background(), tt.reply)
			if err != nil || ref != "1" {
				t.Fatalf("Send = %q, %v", ref, err)
			}
			if out.String() != tt.want {
				t.Errorf("printed\n got %q\nwant %q", out.String(), tt.want)
			}
			if ref, _ := c.Send(context.Background(), tt.reply); ref != "2" {
				t.Errorf("second ref = %q, want 2", ref)
			}
		})
	}
}

// TestSendHeaderOnChange checks that a reply to the current chat gets a
// header when another chat's reply was printed since the last input line,
// so that a reader always sees where a block goes.
func TestSendHeaderOnChange(t *testing.T) {
	var out strings.Builder
	c := New(strings.NewReader(":as Nguyễn Văn Lan\n"), &out, Options{Interactive: true})
	if _, err := receiveAll(t, c); !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	out.Reset()
	lan := bot.ChatID{Platform: bot.Console, ID: "nguyen-van-lan"}
	for _, r := range []bot.Reply{
		{Chat: lan, Text: "a"},
		{Chat: GroupChat("C01"), Text: "b"},
		{Chat: GroupChat("C01"), Text: "c"},
		{Chat: lan, Text: "d"},
		{Chat: lan, Text: "e"},
	} {
		if _, err := c.Send(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	want := "a\n\n[nhóm C01]\nb\n\n[nhóm C01]\nc\n\n[riêng → Nguyễn Văn Lan]\nd\n\ne\n\n"
	if out.String() != want {
		t.Errorf("printed\n got %q\nwant %q", out.String(), want)
	}
}

// TestSendZalo checks how replies look in Zalo mode.
func TestSendZalo(t *testing.T) {
	lan := bot.ChatID{Platform: bot.Console, ID: "nguyen-van-lan"}
	const over = "* Tin này dài 2.001 ký tự, quá giới hạn 2.000 ký tự của một tin Zalo.\n"
	tests := []struct {
		name  string
		reply bot.Reply
		want  string
	}{
		{
			name:  "an edit is a new message",
			reply: bot.Reply{Chat: lan, Text: "Đã lưu.", Edit: "7"},
			want:  "Đã lưu.\n\n",
		},
		{
			name:  "a file cannot be delivered",
			reply: bot.Reply{Chat: lan, Text: "Bảng tổng hợp tháng 11:", File: &bot.File{Name: "C01.xlsx", Data: []byte("abcd")}},
			want:  "Bảng tổng hợp tháng 11:\n* Trên Zalo bot không gửi được tệp: «C01.xlsx» (4 byte) không tới người nhận.\n\n",
		},
		{
			name:  "a photo by URL",
			reply: bot.Reply{Chat: lan, Text: "Ảnh minh chứng", Photo: "https://example.org/a.jpg"},
			want:  "Ảnh minh chứng\n(ảnh: https://example.org/a.jpg)\n\n",
		},
		{
			name: "choices are numbered, the link shows what to type",
			reply: bot.Reply{Chat: GroupChat("C01"), Text: "Nhóm đã gắn.", Choices: [][]bot.Choice{{{Label: "Có", Data: "y"}, {Label: "Không", Data: "n"}}},
				Hint: "Gõ số để chọn.", Link: &bot.Link{Label: "Tham gia", Payload: "j_ABC201", Alt: "Gõ /join ABC201"}},
			want: "[nhóm C01]\nNhóm đã gắn.\n  1. Có\n  2. Không\nGõ số để chọn.\nGõ /join ABC201\n\n",
		},
		{
			name:  "2,000 units fit",
			reply: bot.Reply{Chat: lan, Text: strings.Repeat("ệ", 2000)},
			want:  strings.Repeat("ệ", 2000) + "\n\n",
		},
		{
			name:  "one unit more is over the limit",
			reply: bot.Reply{Chat: lan, Text: strings.Repeat("ệ", 2001)},
			want:  strings.Repeat("ệ", 2001) + "\n" + over + "\n",
		},
		{
			name:  "an emoji counts two",
			reply: bot.Reply{Chat: lan, Text: strings.Repeat("ệ", 1999) + "🌻"},
			want:  strings.Repeat("ệ", 1999) + "🌻\n" + over + "\n",
		},
		{
			name:  "the choices count too, the header does not",
			reply: bot.Reply{Chat: GroupChat("C01"), Text: strings.Repeat("a", 1993), Choices: [][]bot.Choice{{{Label: "Có"}}}},
			want:  "[nhóm C01]\n" + strings.Repeat("a", 1993) + "\n  1. Có\n" + over + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			c := New(strings.NewReader(":as Nguyễn Văn Lan\n:zalo\n"), &out, Options{Interactive: true})
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
		})
	}
}

// TestZaloSenderSplits runs a Sender over the terminal in Zalo mode: a
// reply longer than 2,000 units arrives as several messages, each within
// the limit, the choices under the last.
func TestZaloSenderSplits(t *testing.T) {
	var out bottest.Buffer
	c := New(strings.NewReader(":as Lan\n:zalo\n"), &out, Options{})
	if _, err := receiveAll(t, c); !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	para := strings.Repeat("Đồng chí Lan đã làm việc tốt. ", 30) // 900 characters
	text := strings.TrimSpace(strings.Repeat(para+"\n", 6))      // about 5,400
	ob := bottest.NewOutbox()
	ob.Enqueue(bot.Reply{Chat: bot.ChatID{Platform: bot.Console, ID: "lan"}, Text: text, Choices: [][]bot.Choice{{{Label: "Xong", Data: "x"}}}})
	s := &bot.Sender{Outbox: ob, Conn: c, Wake: ob.Wake()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	printed := strings.TrimPrefix(out.String(), "> :as Lan\n* Bây giờ đồng chí là Lan (lan), chat riêng với bot.\n> :zalo\n"+zaloNote+"\n")
	msgs := strings.Split(strings.TrimSuffix(printed, "\n\n"), "\n\n")
	if len(msgs) != 3 {
		t.Fatalf("%d messages printed, want 3:\n%s", len(msgs), printed)
	}
	for i, m := range msgs {
		if n := bot.UTF16.Len(m); n > 2000 || strings.Contains(m, "* Tin này dài") {
			t.Errorf("message %d is %d units long", i+1, n)
		}
		if strings.Contains(m, "1. Xong") != (i == len(msgs)-1) {
			t.Errorf("message %d: choices misplaced:\n%s", i+1, m)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestSendErrors(t *testing.T) {
	c := New(strings.NewReader(""), failWriter{}, Options{})
	if _, err := c.Send(context.Background(), bot.Reply{Text: "x"}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Send to a failing writer = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out strings.Builder
	c = New(strings.NewReader(""), &out, Options{})
	if _, err := c.Send(ctx, bot.Reply{Text: "x"}); !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Errorf("Send with a done ctx = %v, printed %q", err, out.String())
	}
}

// TestSendConcurrent runs Send from many goroutines while Receive reads, for
// the race detector, and checks no reply is torn.
func TestSendConcurrent(t *testing.T) {
	var out bottest.Buffer
	in := strings.Repeat("x\n:group C01\n:zalo\n@Bot Làm theo Bác y\n:private\n:telegram\n", 50)
	c := New(strings.NewReader(in), &out, Options{User: "Lan"})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 50 {
				if caps := c.Caps(); caps.Platform != bot.Console || caps.GroupPrefix != "g-" {
					t.Errorf("Caps = %+v", caps)
				}
				if _, err := c.Send(context.Background(), bot.Reply{Chat: GroupChat("C02"), Text: "dòng một\ndòng hai " + string(rune('a'+i)), Edit: "1"}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	n := 0
	for {
		if _, err := c.Receive(context.Background()); err != nil {
			break
		}
		n++
	}
	wg.Wait()
	if n != 100 {
		t.Errorf("received %d messages, want 100", n)
	}
	if got := strings.Count(out.String(), "[nhóm C02]\n(sửa tin 1)\ndòng một\ndòng hai ") + strings.Count(out.String(), "[nhóm C02]\ndòng một\ndòng hai "); got != 400 {
		t.Errorf("%d whole replies printed, want 400", got)
	}
}
