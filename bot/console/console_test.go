package console

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
)

var t0 = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return t0 }

// receiveAll calls Receive until it fails and returns the messages and the
// final error.
func receiveAll(t *testing.T, c *Conn) ([]bot.Message, error) {
	t.Helper()
	var all []bot.Message
	for range 1000 {
		batch, err := c.Receive(context.Background())
		if err != nil {
			return all, err
		}
		if len(batch) != 1 {
			t.Fatalf("batch of %d messages, want 1", len(batch))
		}
		all = append(all, batch...)
	}
	t.Fatal("Receive never ended")
	return nil, nil
}

// TestReceive checks which lines become which messages.
func TestReceive(t *testing.T) {
	type msg struct {
		chat, from, fromName, title, text string
		group                             bool
		kind                              bot.Kind
		photo                             string
	}
	tests := []struct {
		name string
		in   string
		opts Options
		want []msg
		out  string
	}{
		{
			name: "default user, private chat",
			in:   "/start\n  xin chào  \n\n",
			want: []msg{
				{chat: "khach", from: "khach", fromName: "Khách", text: "/start"},
				{chat: "khach", from: "khach", fromName: "Khách", text: "xin chào"},
			},
			out: "> /start\n> xin chào\n",
		},
		{
			name: "switch person and chat",
			in:   ":as Nguyễn Văn Lan\n/dangky\n:group C01\n/summary\n2\n:as Trần Bình\nchào\n:private\n1\n",
			want: []msg{
				{chat: "nguyen-van-lan", from: "nguyen-van-lan", fromName: "Nguyễn Văn Lan", text: "/dangky"},
				{chat: "g-C01", from: "nguyen-van-lan", fromName: "Nguyễn Văn Lan", title: "Nhóm C01", text: "/summary", group: true},
				{chat: "g-C01", from: "nguyen-van-lan", fromName: "Nguyễn Văn Lan", title: "Nhóm C01", text: "2", group: true},
				{chat: "g-C01", from: "tran-binh", fromName: "Trần Bình", title: "Nhóm C01", text: "chào", group: true},
				{chat: "tran-binh", from: "tran-binh", fromName: "Trần Bình", text: "1"},
			},
			out: "> :as Nguyễn Văn Lan\n" +
				"* Bây giờ đồng chí là Nguyễn Văn Lan (nguyen-van-lan), chat riêng với bot.\n" +
				"> /dangky\n" +
				"> :group C01\n" +
				"* Nguyễn Văn Lan đang nói trong nhóm chi bộ C01.\n" +
				"> /summary\n" +
				"> 2\n" +
				"> :as Trần Bình\n" +
				"* Bây giờ đồng chí là Trần Bình (tran-binh), nhóm chi bộ C01.\n" +
				"> chào\n" +
				"> :private\n" +
				"* Trần Bình đang nói trong chat riêng với bot.\n" +
				"> 1\n",
		},
		{
			name: "initial user option, no trailing newline",
			in:   "a\r\nb",
			opts: Options{User: "Admin"},
			want: []msg{
				{chat: "admin", from: "admin", fromName: "Admin", text: "a"},
				{chat: "admin", from: "admin", fromName: "Admin", text: "b"},
			},
			out: "> a\n> b\n",
		},
		{
			name: "comments are echoed, not sent",
			in:   "# Lan đăng ký\n/dangky\n",
			want: []msg{{chat: "khach", from: "khach", fromName: "Khách", text: "/dangky"}},
			out:  "# Lan đăng ký\n> /dangky\n",
		},
		{
			name: "quit ends input",
			in:   "a\n:quit\nb\n",
			want: []msg{{chat: "khach", from: "khach", fromName: "Khách", text: "a"}},
			out:  "> a\n> :quit\n",
		},
		{
			name: "bad local commands",
			in:   ":as\n:as ---\n:group\n:group C 01\n:frobnicate x\n:QUIT\n",
			out: "> :as\n* Thiếu tên. Ví dụ: :as Nguyễn Thị Lan\n" +
				"> :as ---\n* Thiếu tên. Ví dụ: :as Nguyễn Thị Lan\n" +
				"> :group\n* Cần mã chi bộ (chữ, số, _ hoặc -). Ví dụ: :group C01\n" +
				"> :group C 01\n* Cần mã chi bộ (chữ, số, _ hoặc -). Ví dụ: :group C01\n" +
				"> :frobnicate x\n* Không có lệnh :frobnicate. Gõ :help để xem các lệnh.\n" +
				"> :QUIT\n",
		},
		{
			name: "extra commands",
			in:   ":time 2026-11-25   08:00\n:time bad\n:noop\n",
			opts: Options{Commands: map[string]func(string) (string, error){
				"time": func(args string) (string, error) {
					if args == "bad" {
						return "", errors.New("thời gian không hợp lệ")
					}
					return "Giờ giả lập: " + args, nil
				},
				":noop": func(string) (string, error) { return "", nil },
			}},
			out: "> :time 2026-11-25   08:00\n* Giờ giả lập: 2026-11-25 08:00\n" +
				"> :time bad\n* Lỗi: thời gian không hợp lệ\n" +
				"> :noop\n",
		},
		{
			name: "interactive prints prompts, no echo",
			in:   "a\n:group C02\nb\n",
			opts: Options{Interactive: true, User: "Lan"},
			want: []msg{
				{chat: "lan", from: "lan", fromName: "Lan", text: "a"},
				{chat: "g-C02", from: "lan", fromName: "Lan", title: "Nhóm C02", text: "b", group: true},
			},
			out: "Lan (riêng)> Lan (riêng)> * Lan đang nói trong nhóm chi bộ C02.\nLan (nhóm C02)> Lan (nhóm C02)> ",
		},
		{
			name: "mode switch notes",
			in:   ":zalo\n:ZALO\n:telegram\n",
			out: "> :zalo\n" + zaloNote + "\n" +
				"> :ZALO\n" + zaloNote + "\n" +
				"> :telegram\n" + telegramNote + "\n",
		},
		{
			name: "zalo: a group line needs a mention, the note comes once per person and group",
			in: ":zalo\n:as Lan\n:group C01\nchào cả nhà\n/summary\n@Bot Làm theo Bác /summary\n@bot làm theo bác, 2\n" +
				":as Hùng\n/summary\n@Bot Làm theo Bác: /help\n:group C02\n1\n1\n:private\nchào bot\n@Bot Làm theo Bác /start\n",
			want: []msg{
				{chat: "g-C01", from: "lan", fromName: "Lan", title: "Nhóm C01", text: "/summary", group: true},
				{chat: "g-C01", from: "lan", fromName: "Lan", title: "Nhóm C01", text: "2", group: true},
				{chat: "g-C01", from: "hung", fromName: "Hùng", title: "Nhóm C01", text: "/help", group: true},
				{chat: "hung", from: "hung", fromName: "Hùng", text: "chào bot"},
				{chat: "hung", from: "hung", fromName: "Hùng", text: "@Bot Làm theo Bác /start"}, // private chats keep the text
			},
			out: "> :zalo\n" + zaloNote + "\n" +
				"> :as Lan\n* Bây giờ đồng chí là Lan (lan), chat riêng với bot.\n" +
				"> :group C01\n* Lan đang nói trong nhóm chi bộ C01.\n" +
				"> chào cả nhà\n" + mentionNote + "\n" +
				"> /summary\n" +
				"> @Bot Làm theo Bác /summary\n" +
				"> @bot làm theo bác, 2\n" +
				"> :as Hùng\n* Bây giờ đồng chí là Hùng (hung), nhóm chi bộ C01.\n" +
				"> /summary\n" + mentionNote + "\n" +
				"> @Bot Làm theo Bác: /help\n" +
				"> :group C02\n* Hùng đang nói trong nhóm chi bộ C02.\n" +
				"> 1\n" + mentionNote + "\n" +
				"> 1\n" +
				"> :private\n* Hùng đang nói trong chat riêng với bot.\n" +
				"> chào bot\n" +
				"> @Bot Làm theo Bác /start\n",
		},
		{
			name: "zalo: the bot's name from the options, another name shown, a bare mention",
			in:   ":zalo\n:group C01\n@Bot Xã Demo /summary 11\n@Bot Chi Bộ 3 /summary\n@Bot Xã Demo\n",
			opts: Options{User: "Lan", BotName: " @Bot Xã Demo "},
			want: []msg{
				{chat: "g-C01", from: "lan", fromName: "Lan", title: "Nhóm C01", text: "/summary 11", group: true},
				{chat: "g-C01", from: "lan", fromName: "Lan", title: "Nhóm C01", text: "/summary", group: true},
				{chat: "g-C01", from: "lan", fromName: "Lan", title: "Nhóm C01", text: "", group: true},
			},
			out: "> :zalo\n* Chế độ Zalo: không có nút bấm, trả lời bằng số; trong nhóm phải nhắc @Bot Xã Demo trước lệnh; mỗi tin tối đa 2.000 ký tự; bot không gửi được tệp.\n" +
				"> :group C01\n* Lan đang nói trong nhóm chi bộ C01.\n" +
				"> @Bot Xã Demo /summary 11\n> @Bot Chi Bộ 3 /summary\n> @Bot Xã Demo\n",
		},
		{
			name: "telegram: group lines go as typed, mention and all",
			in:   ":zalo\n:telegram\n:group C01\nchào cả nhà\n@Bot Làm theo Bác /summary\n",
			opts: Options{User: "Lan"},
			want: []msg{
				{chat: "g-C01", from: "lan", fromName: "Lan", title: "Nhóm C01", text: "chào cả nhà", group: true},
				{chat: "g-C01", from: "lan", fromName: "Lan", title: "Nhóm C01", text: "@Bot Làm theo Bác /summary", group: true},
			},
			out: "> :zalo\n" + zaloNote + "\n> :telegram\n" + telegramNote + "\n" +
				"> :group C01\n* Lan đang nói trong nhóm chi bộ C01.\n" +
				"> chào cả nhà\n> @Bot Làm theo Bác /summary\n",
		},
		{
			name: "stickers: delivered in private; in a Zalo group they cannot mention the bot",
			in:   ":sticker\n:group C01\n:sticker\n:zalo\n:sticker\n:private\n:sticker\n",
			opts: Options{User: "Lan"},
			want: []msg{
				{chat: "lan", from: "lan", fromName: "Lan", kind: bot.KindOther},
				{chat: "g-C01", from: "lan", fromName: "Lan", title: "Nhóm C01", group: true, kind: bot.KindOther},
				{chat: "lan", from: "lan", fromName: "Lan", kind: bot.KindOther},
			},
			out: "> :sticker\n> :group C01\n* Lan đang nói trong nhóm chi bộ C01.\n> :sticker\n" +
				"> :zalo\n" + zaloNote + "\n> :sticker\n" + mentionNote + "\n" +
				"> :private\n* Lan đang nói trong chat riêng với bot.\n> :sticker\n",
		},
		{
			name: "photos: with a caption, without, and in a Zalo group only with a mention",
			in:   ":photo  Dọn vệ sinh   đường làng\n:photo\n:zalo\n:group C01\n:photo ảnh\n:photo @Bot Làm theo Bác /baocao\n",
			opts: Options{User: "Lan"},
			want: []msg{
				{chat: "lan", from: "lan", fromName: "Lan", kind: bot.KindPhoto, text: "Dọn vệ sinh đường làng", photo: "anh-1.jpg"},
				{chat: "lan", from: "lan", fromName: "Lan", kind: bot.KindPhoto, photo: "anh-2.jpg"},
				{chat: "g-C01", from: "lan", fromName: "Lan", title: "Nhóm C01", group: true, kind: bot.KindPhoto, text: "/baocao", photo: "anh-3.jpg"},
			},
			out: "> :photo  Dọn vệ sinh   đường làng\n> :photo\n> :zalo\n" + zaloNote + "\n> :group C01\n* Lan đang nói trong nhóm chi bộ C01.\n" +
				"> :photo ảnh\n" + mentionNote + "\n> :photo @Bot Làm theo Bác /baocao\n",
		},
		{
			name: "an emoji-only name",
			in:   ":as 🌻\nxin chào\n",
			want: []msg{{chat: "u1f33b", from: "u1f33b", fromName: "🌻", text: "xin chào"}},
			out:  "> :as 🌻\n* Bây giờ đồng chí là 🌻 (u1f33b), chat riêng với bot.\n> xin chào\n",
		},
		{
			name: "interactive prompt shows Zalo mode",
			in:   ":zalo\na\n:group C02\n@Bot Làm theo Bác b\n:telegram\n",
			opts: Options{Interactive: true, User: "Lan"},
			want: []msg{
				{chat: "lan", from: "lan", fromName: "Lan", text: "a"},
				{chat: "g-C02", from: "lan", fromName: "Lan", title: "Nhóm C02", text: "b", group: true},
			},
			out: "Lan (riêng)> " + zaloNote + "\nLan (riêng, Zalo)> Lan (riêng, Zalo)> * Lan đang nói trong nhóm chi bộ C02.\n" +
				"Lan (nhóm C02, Zalo)> Lan (nhóm C02, Zalo)> " + telegramNote + "\nLan (nhóm C02)> ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			tt.opts.Now = fixedNow
			tt.opts.KeyPrefix = "run"
			c := New(strings.NewReader(tt.in), &out, tt.opts)
			got, err := receiveAll(t, c)
			if !errors.Is(err, io.EOF) {
				t.Errorf("final error = %v, want io.EOF", err)
			}
			if _, err := c.Receive(context.Background()); !errors.Is(err, io.EOF) {
				t.Errorf("Receive after the end = %v, want io.EOF", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d messages %+v, want %d", len(got), got, len(tt.want))
			}
			for i, m := range got {
				w := tt.want[i]
				if m.Chat != (bot.ChatID{Platform: bot.Console, ID: w.chat}) || m.From != (bot.UserID{Platform: bot.Console, ID: w.from}) ||
					m.FromName != w.fromName || m.ChatTitle != w.title || m.Text != w.text || m.Group != w.group ||
					m.Kind != w.kind || m.PhotoID != w.photo || !m.Time.Equal(t0) || m.Key != "run-"+string(rune('1'+i)) || m.Cursor != 0 {
					t.Errorf("message %d = %+v, want %+v", i, m, w)
				}
			}
			if out.String() != tt.out {
				t.Errorf("output\n got %q\nwant %q", out.String(), tt.out)
			}
		})
	}
}

// The terminal's notes in the default options.
const (
	zaloNote     = "* Chế độ Zalo: không có nút bấm, trả lời bằng số; trong nhóm phải nhắc @Bot Làm theo Bác trước lệnh; mỗi tin tối đa 2.000 ký tự; bot không gửi được tệp."
	telegramNote = "* Chế độ Telegram: lựa chọn là nút bấm (ở đây hiện bằng số, gõ số để chọn); trong nhóm gõ lệnh không cần nhắc tên bot; bot gửi được tệp và sửa tin đã gửi."
	mentionNote  = "* Trên Zalo, bot chỉ nhận tin nhắn trong nhóm có nhắc tên bot, nên tin này không tới bot. Muốn gửi lệnh, đồng chí gõ: @Bot Làm theo Bác /summary"
)

func TestKeysUniquePerRun(t *testing.T) {
	key := func() string {
		c := New(strings.NewReader("a\n"), io.Discard, Options{})
		b, err := c.Receive(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return b[0].Key
	}
	if a, b := key(), key(); a == b || !strings.HasSuffix(a, "-1") {
		t.Errorf("keys of two runs: %q and %q, want distinct, ending in -1", a, b)
	}
}

// TestCaps checks what the terminal declares in each mode.
func TestCaps(t *testing.T) {
	telegram := bot.Caps{Platform: bot.Console, GroupPrefix: "g-", Upload: true, PhotoURL: true, ReceiveFiles: true}
	zalo := bot.Caps{Platform: bot.Console, Service: "Zalo", GroupPrefix: "g-", Name: "Bot Làm theo Bác", MaxText: 2000, Measure: bot.UTF16,
		GroupMention: true, PhotoURL: true}
	tests := []struct {
		name string
		in   string
		opts Options
		want bot.Caps
	}{
		{"default is Telegram", "", Options{}, telegram},
		{"zalo", ":zalo\n", Options{}, zalo},
		{"zalo and back", ":zalo\n:group C01\n:telegram\n", Options{}, telegram},
		{"zalo with the bot's name", ":zalo\n", Options{BotName: "@Bot Xã Demo"}, func() bot.Caps { c := zalo; c.Name = "Bot Xã Demo"; return c }()},
		{"unknown commands leave the mode", ":zalo\n:line\n", Options{}, zalo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(strings.NewReader(tt.in), io.Discard, tt.opts)
			if _, err := receiveAll(t, c); !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			if got := c.Caps(); got != tt.want {
				t.Errorf("Caps = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestAckAndLimits(t *testing.T) {
	c := New(strings.NewReader(""), io.Discard, Options{})
	if err := c.Ack(context.Background(), bot.Message{}); err != nil {
		t.Errorf("Ack = %v", err)
	}
	if caps := c.Caps(); caps.Limits != (bot.Limits{}) || caps.MaxText != 0 || caps.Buttons || caps.Platform != bot.Console {
		t.Errorf("Caps = %+v, want the console's, with no limits and no buttons", caps)
	}
}

// TestIdleBeforeEachLine checks Idle runs before every read, so replies
// queued for one line print before the next line's echo.
func TestIdleBeforeEachLine(t *testing.T) {
	var out strings.Builder
	var c *Conn
	var pending []bot.Reply
	c = New(strings.NewReader("a\nb\n"), &out, Options{
		Idle: func(ctx context.Context) error {
			for _, r := range pending {
				if _, err := c.Send(ctx, r); err != nil {
					return err
				}
			}
			pending = nil
			return nil
		},
	})
	for {
		b, err := c.Receive(context.Background())
		if err != nil {
			break
		}
		pending = append(pending, bot.Reply{Chat: b[0].Chat, Text: "đã nhận " + b[0].Text})
	}
	want := "> a\nđã nhận a\n\n> b\nđã nhận b\n\n"
	if out.String() != want {
		t.Errorf("output\n got %q\nwant %q", out.String(), want)
	}

	c = New(strings.NewReader("a\n"), io.Discard, Options{Idle: func(context.Context) error { return context.Canceled }})
	if _, err := c.Receive(context.Background()); !errors.Is(err, context.Canceled) {
		t.Errorf("Receive with failing Idle = %v", err)
	}
}

// TestReceiveCancel checks Receive returns when ctx is done while the input
// blocks.
func TestReceiveCancel(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	c := New(pr, io.Discard, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := c.Receive(ctx)
		errc <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Receive = %v, want context.Canceled", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestReceiveReadError(t *testing.T) {
	c := New(errReader{}, io.Discard, Options{})
	_, err := c.Receive(context.Background())
	if err == nil || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "broken pipe") {
		t.Errorf("Receive = %v, want the read error", err)
	}
	if _, err := c.Receive(context.Background()); !errors.Is(err, io.EOF) {
		t.Errorf("Receive after a read error = %v, want io.EOF", err)
	}
}

// FuzzInput feeds arbitrary input to the terminal: every line is a message,
// a comment or a local command, Receive ends with io.EOF, and each message
// comes from a named person in a chat, on one line, with its own key.
func FuzzInput(f *testing.F) {
	for _, s := range []string{
		"/start\n:as Nguyễn Văn Lan\n:group C01\nxin chào\n",
		":zalo\n:group C01\n@lamtheo /summary\nkhông nhắc tên\n:telegram\n/summary",
		":quit\nafter the quit\n",
		"# a comment\n:sticker\n:bogus x\n:help\n:private\n",
		":as \n:as \xff\n:group ../x\n:group\n\xff\xfe\n\r\n:AS  Lê   Văn\tĐức \n",
		":time 2026-11-25 08:00\n:time\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var calls []string
		c := New(strings.NewReader(input), io.Discard, Options{KeyPrefix: "k", Now: fixedNow,
			Commands: map[string]func(string) (string, error){"time": func(args string) (string, error) {
				calls = append(calls, args)
				return "", errors.New("bad time")
			}}})
		keys := map[string]bool{}
		lines := strings.Count(input, "\n") + 1
		for i := 0; ; i++ {
			if i > lines {
				t.Fatalf("%d messages from %d lines", i, lines)
			}
			batch, err := c.Receive(ctx)
			if err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatalf("Receive: %v", err)
				}
				break
			}
			if len(batch) != 1 {
				t.Fatalf("batch of %d messages", len(batch))
			}
			m := batch[0]
			if m.Chat.ID == "" || m.From.ID == "" || m.From.ID != UserID(m.From.ID) || m.FromName == "" {
				t.Fatalf("message %+v: no chat or person", m)
			}
			if strings.ContainsAny(m.Text, "\n") || keys[m.Key] {
				t.Fatalf("message %+v: several lines or a repeated key", m)
			}
			keys[m.Key] = true
		}
		for _, args := range calls {
			if strings.Contains(args, "\n") || args != strings.Join(strings.Fields(args), " ") {
				t.Fatalf(":time got %q", args)
			}
		}
	})
}
