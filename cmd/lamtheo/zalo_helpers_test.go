package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf16"

	"lamtheo/bot"
	"lamtheo/bot/telegram/telegramtest"
	"lamtheo/bot/zalo/zalotest"
	"lamtheo/flows"
)

// zaloWorld is one organisation served on fake Zalo Bot APIs (one fake per
// bot) and optionally the fake Telegram Bot API, inside a synctest bubble:
// the real adapters, engine, store and outbox senders, with virtual time.
// People are driven by pushing updates to the fakes; what they read is what
// the fakes recorded as delivered.
type zaloWorld struct {
	t     *testing.T
	cfg   Config
	fakes []*zalotest.Server   // the Zalo bots' fakes, in configuration order
	tg    *telegramtest.Server // nil: no Telegram
	logs  *syncBuffer          // the app's log, as text
	a     *app                 // the running app; nil while stopped
	done  chan error           // serveChats' result
	stop  func() error
}

// The people of the Zalo tests. Zalo ids are 20 hex characters.
var (
	zAdmin = zalotest.User{ID: "a0000000000000000001", Name: "Văn Phòng Đảng Ủy"}
	zLan   = zalotest.User{ID: "b0000000000000000001", Name: "Nguyễn Thị Lan"}
	zHung  = zalotest.User{ID: "b0000000000000000002", Name: "Trần Văn Hùng"}
	zMai   = zalotest.User{ID: "b0000000000000000003", Name: "Lê Thị Mai"}
	zTuan  = zalotest.User{ID: "b0000000000000000004", Name: "Phạm Văn Tuấn"}
	zGroup = zalotest.Group("c0000000000000000001")
)

// zaloConfig returns the demo organisation served by one Zalo bot on f
// (and nothing else), with its data in dir, zAdmin as its Zalo admin, the
// longest poll timeout allowed (a month of idle polls is most of a month's
// work) and no nightly backup (not what these tests are about).
func zaloConfig(f *zalotest.Server, dir string) Config {
	cfg := DemoConfig()
	cfg.Data.Path = filepath.Join(dir, "lamtheo.db")
	cfg.Schedule[flows.JobBackup] = ""
	cfg.Zalo.Token, cfg.Zalo.Endpoint = f.Token, f.URL
	cfg.Zalo.PollTimeout = 2 * time.Minute
	cfg.Admins.Zalo = []string{zAdmin.ID}
	cfg.Admins.Console = nil // no terminal here: its replies would wait forever
	return cfg
}

// newZaloWorld starts cfg's bot on the fakes: each Zalo bot's calls go to
// the fake holding its token.
func newZaloWorld(t *testing.T, cfg Config, fakes ...*zalotest.Server) *zaloWorld {
	t.Helper()
	w := &zaloWorld{t: t, cfg: cfg, fakes: fakes, logs: &syncBuffer{}}
	w.start()
	return w
}

// start runs the app until stop is called.
func (w *zaloWorld) start() {
	w.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := openApp(ctx, w.cfg, testText(), log)
	if err != nil {
		cancel()
		w.t.Fatal(err)
	}
	o := chatOptions{zalo: zaloRouter(w.fakes)}
	if w.tg != nil {
		o.telegram = w.tg.Client()
	}
	w.a, w.done = a, make(chan error, 1)
	go func() { w.done <- a.serveChats(ctx, o) }()
	var once sync.Once
	var serveErr error
	w.stop = func() error {
		once.Do(func() {
			cancel()
			serveErr = <-w.done
			a.Close()
			w.a = nil
		})
		return serveErr
	}
	w.t.Cleanup(func() { w.stop() })
}

// quiet fails the test if the app logged a warning or an error.
func (w *zaloWorld) quiet() {
	w.t.Helper()
	for _, line := range strings.Split(w.logs.String(), "\n") {
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
			w.t.Errorf("the log has: %s", line)
		}
	}
}

// zaloRouter is the HTTP client of every Zalo bot of a world: it hands each
// call to the fake that holds the token in its URL (the configuration has
// one endpoint for every bot). A token no fake holds goes to the first,
// which refuses it.
type zaloRouter []*zalotest.Server

// Do implements zalo.HTTPClient.
func (r zaloRouter) Do(req *http.Request) (*http.Response, error) {
	rest, _ := strings.CutPrefix(req.URL.Path, "/bot")
	token, _, _ := strings.Cut(rest, "/")
	for _, f := range r {
		if f.Token == token {
			return f.Client().Do(req)
		}
	}
	return r[0].Client().Do(req)
}

// syncBuffer is a bytes.Buffer safe for the app's concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// settle lets the bot handle everything pushed so far and send every reply
// it queued: it waits in virtual time until no update waits at any fake and
// the outbox is empty.
func (w *zaloWorld) settle() {
	w.t.Helper()
	for range 200 {
		time.Sleep(10 * time.Second) // virtual: the senders pace at 1 message/s per chat
		synctest.Wait()
		if w.idle() {
			return
		}
	}
	w.t.Fatal("the bot did not settle in 2,000 s of virtual time")
}

// idle reports whether no update waits at a fake and nothing waits in the
// outbox.
func (w *zaloWorld) idle() bool {
	for _, f := range w.fakes {
		if f.Pending() > 0 {
			return false
		}
	}
	if w.tg != nil && w.tg.Pending() > 0 {
		return false
	}
	queued := 0
	err := w.a.db.View(context.Background(), func(tx flows.Tx) error {
		files, err := tx.FileRequests(1)
		if err != nil {
			return err
		}
		queued += len(files) // a file being made: its reply is not queued yet
		for _, b := range w.cfg.Zalo.bots() {
			n, err := tx.Queued(b.platform)
			if err != nil {
				return err
			}
			queued += n
		}
		if w.tg != nil {
			n, err := tx.Queued(bot.Telegram)
			queued += n
			return err
		}
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return queued == 0
}

// until sleeps (virtual time) until the wall clock in the organisation's
// zone shows when, then lets the bot settle.
func (w *zaloWorld) until(when string) {
	w.t.Helper()
	loc, _ := w.cfg.Location()
	at, err := time.ParseInLocation("2006-01-02 15:04", when, loc)
	if err != nil {
		w.t.Fatal(err)
	}
	if d := time.Until(at); d > 0 {
		time.Sleep(d)
	}
	synctest.Wait()
	w.settle()
}

// say pushes text from u in chat to the fake f, lets the bot settle and
// returns what f delivered to chat meanwhile, joined.
func (w *zaloWorld) say(f *zalotest.Server, chat zalotest.Chat, u zalotest.User, text string) string {
	w.t.Helper()
	before := len(f.Sent(chat.ID))
	f.PushText(chat, u, text)
	w.settle()
	return joined(f.Sent(chat.ID)[before:])
}

// joined returns the texts of sent, separated by blank lines.
func joined(sent []zalotest.Sent) string {
	var out []string
	for _, s := range sent {
		out = append(out, s.Text)
	}
	return strings.Join(out, "\n\n")
}

// numberOf returns the number a numbered list in text gives the choice
// whose label contains label ("2" for "  2. Nguyễn Thị Lan").
func numberOf(t *testing.T, text, label string) string {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		no, rest, ok := strings.Cut(strings.TrimSpace(line), ". ")
		if ok && strings.Contains(rest, label) && no != "" && strings.Trim(no, "0123456789") == "" {
			return no
		}
	}
	t.Fatalf("no numbered choice %q in:\n%s", label, text)
	return ""
}

// wantIn fails the test unless got contains each of want.
func wantIn(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(got, s) {
			t.Fatalf("%s: want %q in:\n%s", what, s, got)
		}
	}
}

var joinCode = regexp.MustCompile(`/join ([A-Z0-9]{4,})`)

// codeIn returns the connection code text shows ("/join ABC234").
func codeIn(t *testing.T, text string) string {
	t.Helper()
	m := joinCode.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no /join code in:\n%s", text)
	}
	return m[1]
}

// zaloLink links group to the cell named cellName through f, as the admin
// does it in the group (the fake adds the bot's mention), and returns the
// connection code the group was given.
func (w *zaloWorld) zaloLink(f *zalotest.Server, group zalotest.Chat, cellName string) string {
	w.t.Helper()
	done := w.say(f, group, zAdmin, "/link")
	if strings.Contains(done, "Nhóm này là nhóm của chi bộ nào?") {
		done = w.say(f, group, zAdmin, numberOf(w.t, done, cellName))
	}
	wantIn(w.t, "the linked group", done, "Nhóm này đã được gắn với "+cellName)
	return codeIn(w.t, done)
}

// zaloJoin connects u in private through f with the code, confirming the
// name Zalo shows by number.
func (w *zaloWorld) zaloJoin(f *zalotest.Server, u zalotest.User, code string) {
	w.t.Helper()
	me := zalotest.Private(u)
	ask := w.say(f, me, u, "/join "+code)
	wantIn(w.t, u.Name+" joining", ask, "«"+u.Name+"», đúng không?")
	welcome := w.say(f, me, u, numberOf(w.t, ask, "Đúng tên này"))
	wantIn(w.t, u.Name+" joining", welcome, "Đồng chí "+u.Name+" đã kết nối với bot")
}

// zaloSecretary makes the member named name secretary of the cell named
// cellName, as the admin does it in private through f.
func (w *zaloWorld) zaloSecretary(f *zalotest.Server, cellName, name string) {
	w.t.Helper()
	me := zalotest.Private(zAdmin)
	ask := w.say(f, me, zAdmin, "/bithu")
	ask = w.say(f, me, zAdmin, numberOf(w.t, ask, cellName))
	ask = w.say(f, me, zAdmin, numberOf(w.t, ask, name))
	done := w.say(f, me, zAdmin, numberOf(w.t, ask, "Cấp quyền"))
	wantIn(w.t, "/bithu", done, "Đã cấp quyền bí thư")
}

// checkZaloTexts fails the test if a message f delivered could not be a
// Zalo message: longer than 2,000 UTF-16 units, carrying parameters beyond
// the chat and the text (a reply markup: Zalo has no buttons), or showing
// a choice's internal data instead of its number; or if f refused a send.
func checkZaloTexts(t *testing.T, f *zalotest.Server) {
	t.Helper()
	for _, s := range f.AllSent() {
		if n := len(utf16.Encode([]rune(s.Text))); n > zalotest.MaxText {
			t.Errorf("a message to %s has %d UTF-16 units: %.80q…", s.ChatID, n, s.Text)
		}
		if len(s.Extra) > 0 {
			t.Errorf("a message to %s was sent with %v: Zalo has no buttons", s.ChatID, s.Extra)
		}
		if strings.Contains(s.Text, "go:") || strings.Contains(s.Text, "\x00") {
			t.Errorf("a message to %s shows a choice's data: %q", s.ChatID, s.Text)
		}
	}
	for _, e := range f.Errors() {
		if !e.Injected {
			t.Errorf("the fake refused a %s to %s: %d %s", e.Method, e.ChatID, e.Code, e.Description)
		}
	}
}

// reminders returns the scheduled reminders among sent, as "02/01 15:04"
// in the organisation's zone.
func (w *zaloWorld) reminders(sent []zalotest.Sent) []string {
	loc, _ := w.cfg.Location()
	var out []string
	for _, s := range sent {
		if isReminder(s.Text) {
			out = append(out, s.Time.In(loc).Format("02/01 15:04"))
		}
	}
	return out
}

// isReminder reports whether text is one of the three reminder rungs.
func isReminder(text string) bool {
	return strings.Contains(text, ". Hạn gửi: hết ngày") ||
		strings.Contains(text, "vẫn chưa nhận được báo cáo việc làm") ||
		strings.Contains(text, "đây là lần nhắc cuối")
}

// count returns how many of sent contain s.
func count(sent []zalotest.Sent, s string) int {
	n := 0
	for _, m := range sent {
		if strings.Contains(m.Text, s) {
			n++
		}
	}
	return n
}

// cellOf returns n members with distinct Vietnamese names and Zalo ids.
func cellOf(n int) []zalotest.User {
	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"}
	given := []string{"An", "Bình", "Cúc", "Dũng", "Giang", "Hạnh", "Khoa", "Liên"}
	out := make([]zalotest.User, n)
	for i := range out {
		middle := "Văn"
		if i%2 == 1 {
			middle = "Thị"
		}
		name := family[i%len(family)] + " " + middle + " " + given[i/len(family)%len(given)]
		if i >= len(family)*len(given) {
			name += " " + strings.Repeat("A", i/(len(family)*len(given)))
		}
		out[i] = zalotest.User{ID: fmt.Sprintf("d%019x", i+1), Name: name}
	}
	return out
}

// each has every one of us send, in private through f, what answer makes
// of the last message the bot delivered to them, all at once, and lets the
// bot settle. An empty answer sends nothing.
func (w *zaloWorld) each(f *zalotest.Server, us []zalotest.User, answer func(i int, last string) string) {
	w.t.Helper()
	for i, u := range us {
		sent := f.Sent(u.ID)
		last := ""
		if len(sent) > 0 {
			last = sent[len(sent)-1].Text
		}
		if s := answer(i, last); s != "" {
			f.PushText(zalotest.Private(u), u, s)
		}
	}
	w.settle()
}

// lastOf returns the last message f delivered to u.
func lastOf(t *testing.T, f *zalotest.Server, u zalotest.User) string {
	t.Helper()
	sent := f.Sent(u.ID)
	if len(sent) == 0 {
		t.Fatalf("nothing sent to %s", u.Name)
	}
	return sent[len(sent)-1].Text
}
