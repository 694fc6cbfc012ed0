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
	a, err := openApp(ctx, w.cfg, log)
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
	wantIn(w.t, u.Name+" joining", welcome, "Chào mừng đồng chí "+u.Name)
}

// zaloSecretary makes the member named name secretary of the cell named
// cellName, as the admin does it in private through f.
func (w *zaloWorld) zaloSecretary(f *zalotest.Server, cellName, name string) {
	w.t.Helper()
	me := zalotest.Private(zAdmin)
	ask := w.say(f, me, zAdmin, "/bithu")
	ask = w.say(f, me, zAdmin, numberOf(w.t, ask, cellName))
	ask = w.say(f, me, zAdmin, numberOf(w.t, ask, name))
	done := w.say(f, me, zAdmin, numberOf(w.t, ask, "Giao quyền"))
	wantIn(w.t, "/bithu", done, "Đã giao quyền bí thư")
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
	return strings.Contains(text, "bot xin nhắc: đồng chí chưa gửi báo cáo") ||
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

// TestZaloCellMonth plays a cell's January on one Zalo bot, every answer
// typed: the admin links the group with a mention, four members connect
// with the code the group was given, one registers a pledge by numbers and
// the secretary approves it by answering the notice's number; one member
// reports with the guided questions, one in a single message, one by
// answering a reminder with 1; the group's /summary shows counts only; the
// reminders reach only who has not reported, one per rung at 08:00 on the
// 20th, the 25th and the 31st; the leaderboard is posted in the group once
// on 1 February. (The synctest clock starts on 1 January 2000, 07:00 in
// Vietnam.)
func TestZaloCellMonth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		time.Sleep(26 * time.Hour) // Sunday 2 January, 09:00
		w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f)

		code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
		for _, u := range []zalotest.User{zLan, zHung, zMai, zTuan} {
			w.zaloJoin(f, u, code)
		}
		w.zaloSecretary(f, "Chi bộ thôn Đông", zLan.Name)
		wantIn(t, "Lan's notice", joined(f.Sent(zLan.ID)), "đã được giao quyền bí thư Chi bộ thôn Đông")

		// Hùng registers one deed, every question answered by number but
		// the deed itself, and sends it to Lan.
		hung := zalotest.Private(zHung)
		ask := w.say(f, hung, zHung, "/dangky")
		wantIn(t, "/dangky", ask, "Đồng chí gõ một việc làm cụ thể")
		ask = w.say(f, hung, zHung, "Tham gia dọn vệ sinh đường làng")
		ask = w.say(f, hung, zHung, numberOf(t, ask, "Trách nhiệm, gương mẫu"))
		ask = w.say(f, hung, zHung, numberOf(t, ask, "Không có chỉ tiêu"))
		wantIn(t, "the pledge", ask, "1. Tham gia dọn vệ sinh đường làng")
		ask = w.say(f, hung, zHung, numberOf(t, ask, "Gửi bí thư duyệt"))
		sent := w.say(f, hung, zHung, numberOf(t, ask, "Gửi"))
		wantIn(t, "the pledge sent", sent, "Đã gửi bản đăng ký năm 2000 (1 việc) cho bí thư Chi bộ thôn Đông")

		// Lan answers the notice by its number, then approves.
		lan := zalotest.Private(zLan)
		notice := f.Sent(zLan.ID)
		wantIn(t, "Lan's notice", notice[len(notice)-1].Text, "Đồng chí Trần Văn Hùng gửi bản đăng ký", "1. Xem và duyệt")
		ask = w.say(f, lan, zLan, "1")
		wantIn(t, "the pledge to approve", ask, "Tham gia dọn vệ sinh đường làng", "Đồng chí duyệt hay trả lại để sửa?")
		done := w.say(f, lan, zLan, numberOf(t, ask, "Duyệt"))
		wantIn(t, "the approval", done, "Đã duyệt bản đăng ký của đồng chí Trần Văn Hùng")
		wantIn(t, "Hùng's note", joined(f.Sent(zHung.ID)), "đã được chi bộ duyệt")

		// 10 January: Lan reports with the guided questions.
		w.until("2000-01-10 10:00")
		ask = w.say(f, lan, zLan, "/baocao")
		wantIn(t, "Lan's report", ask, "tháng này đồng chí có làm việc tốt nào khác không?")
		ask = w.say(f, lan, zLan, "Vận động bà con đóng góp làm đường")
		wantIn(t, "the photo question", ask, "Đồng chí có muốn gửi một ảnh làm minh chứng không?")
		ask = w.say(f, lan, zLan, numberOf(t, ask, "Không gửi ảnh"))
		wantIn(t, "Lan's review", ask, "Xin đồng chí xem lại báo cáo tháng 1/2000")
		done = w.say(f, lan, zLan, numberOf(t, ask, "Gửi báo cáo"))
		wantIn(t, "Lan's report", done, "Đã nhận báo cáo tháng 1/2000")

		// 15 January: Hùng reports in one message.
		w.until("2000-01-15 19:00")
		ask = w.say(f, hung, zHung, "/baocao 1 xong: dọn vệ sinh đường làng 2 buổi; khác: thăm hỏi gia đình chính sách")
		wantIn(t, "Hùng's one-message report", ask, "Bot hiểu tin nhắn của đồng chí như sau",
			"Tham gia dọn vệ sinh đường làng: đã làm — dọn vệ sinh đường làng 2 buổi", "- thăm hỏi gia đình chính sách")
		done = w.say(f, hung, zHung, numberOf(t, ask, "Gửi báo cáo"))
		wantIn(t, "Hùng's report", done, "Đã nhận báo cáo tháng 1/2000")

		// 20 January, 08:00: Mai and Tuấn are reminded; Tuấn answers 1.
		w.until("2000-01-20 09:00")
		tuan := zalotest.Private(zTuan)
		last := f.Sent(zTuan.ID)
		wantIn(t, "Tuấn's reminder", last[len(last)-1].Text, "bot xin nhắc", "1. Báo cáo ngay")
		ask = w.say(f, tuan, zTuan, "1")
		wantIn(t, "the reminder answered by 1", ask, "báo cáo việc tốt đã làm trong tháng 1/2000", "làm việc tốt nào khác không?")
		ask = w.say(f, tuan, zTuan, "Trồng cây xanh trước nhà văn hóa")
		ask = w.say(f, tuan, zTuan, numberOf(t, ask, "Không gửi ảnh"))
		done = w.say(f, tuan, zTuan, numberOf(t, ask, "Gửi báo cáo"))
		wantIn(t, "Tuấn's report", done, "Đã nhận báo cáo tháng 1/2000")

		// 26 January: the group's summary has counts, no names.
		w.until("2000-01-26 20:00")
		sum := w.say(f, zGroup, zLan, "/summary")
		wantIn(t, "the group's summary", sum, "Chi bộ thôn Đông — báo cáo việc làm tháng 1/2000", "Đã báo cáo: 3/4 đồng chí", "Chưa báo cáo: 1 đồng chí")
		for _, u := range []zalotest.User{zLan, zHung, zMai, zTuan} {
			if strings.Contains(sum, u.Name) || strings.Contains(sum, strings.Fields(u.Name)[2]) {
				t.Errorf("the group's summary names %s:\n%s", u.Name, sum)
			}
		}

		w.until("2000-02-02 09:00")
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}

		for _, c := range []struct {
			u    zalotest.User
			want []string
		}{
			{zLan, nil},
			{zHung, nil},
			{zTuan, []string{"20/01 08:00"}},
			{zMai, []string{"20/01 08:00", "25/01 08:00", "31/01 08:00"}},
		} {
			if got := w.reminders(f.Sent(c.u.ID)); !equal(got, c.want) {
				t.Errorf("%s was reminded at %v, want %v", c.u.Name, got, c.want)
			}
		}
		// The last rung tells the secretary, privately, who is missing.
		missing := f.Sent(zLan.ID)
		if n := count(missing, "Lê Thị Mai"); n != 1 {
			t.Errorf("Lan got Mai's name %d times, want once (the last rung's list)", n)
		}
		group := f.Sent(zGroup.ID)
		if n := count(group, "Bảng xếp hạng báo cáo việc làm tháng 1/2000"); n != 1 {
			t.Errorf("the group got January's leaderboard %d times, want once:\n%s", n, joined(group))
		}
		for _, s := range group {
			for _, u := range []zalotest.User{zMai} {
				if strings.Contains(s.Text, u.Name) {
					t.Errorf("the group was told a missing member's name:\n%s", s.Text)
				}
			}
		}
		checkZaloTexts(t, f)
		w.quiet()
	})
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

// TestZaloBudgetMonth plays January for a cell of 50 members on one Zalo
// bot: they connect, the pledge campaign invites them on Mondays and a
// quarter of them register (by numbers) after each invitation, the
// secretary approves every pledge, everyone reports on a day spread over
// the month (half with the guided questions, half in one message), so the
// reminders go out to those who have not, and the leaderboard follows. The
// messages the fake counted against January must stay within the free
// plan's 3,000 with at least 30 % to spare.
func TestZaloBudgetMonth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f) // Saturday 1 January, 07:00
		ms := cellOf(50)
		sec := ms[0]

		code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
		w.each(f, ms, func(int, string) string { return "/join " + code })
		w.each(f, ms, func(i int, last string) string { return numberOf(t, last, "Đúng tên này") })
		w.zaloSecretary(f, "Chi bộ thôn Đông", sec.Name)

		// The campaign: a quarter of the cell answers each Monday's
		// invitation with 1 and registers one deed.
		week := func(i int) int { return i * 4 / len(ms) }
		for k := range 4 {
			w.until(fmt.Sprintf("2000-01-%02d 09:00", 3+7*k))
			var wave []zalotest.User
			for i, u := range ms {
				if week(i) == k {
					wave = append(wave, u)
				}
			}
			w.each(f, wave, func(int, string) string { return "1" }) // under the invitation
			w.each(f, wave, func(int, string) string { return "Tham gia dọn vệ sinh đường làng mỗi tháng" })
			w.each(f, wave, func(_ int, last string) string { return numberOf(t, last, "Trách nhiệm, gương mẫu") })
			w.each(f, wave, func(_ int, last string) string { return numberOf(t, last, "Không có chỉ tiêu") })
			w.each(f, wave, func(_ int, last string) string { return numberOf(t, last, "Gửi bí thư duyệt") })
			w.each(f, wave, func(_ int, last string) string { return numberOf(t, last, "Gửi") })
			for _, u := range wave {
				if count(f.Sent(u.ID), "Đã gửi bản đăng ký năm 2000") != 1 {
					t.Fatalf("%s's pledge was not sent:\n%s", u.Name, lastOf(t, f, u))
				}
			}
			// The secretary approves each pledge waiting for her.
			me := zalotest.Private(sec)
			for range len(wave) {
				list := w.say(f, me, sec, "/duyet")
				wantIn(t, "/duyet", list, "Các bản đăng ký đang chờ duyệt")
				show := w.say(f, me, sec, "1")
				done := w.say(f, me, sec, numberOf(t, show, "Duyệt"))
				wantIn(t, "the approval", done, "Đã duyệt bản đăng ký")
			}
			wantIn(t, "/duyet", w.say(f, me, sec, "/duyet"), "Không có bản đăng ký nào đang chờ duyệt")
		}

		// The reports, from the 5th (the first wave) to the 31st (the
		// last), each after its member's pledge.
		day := func(i int) int { return max(5+27*i/len(ms), 3+7*week(i)+2) }
		for d := 5; d <= 31; d++ {
			var guided, quick []zalotest.User
			for i, u := range ms {
				switch {
				case day(i) != d:
				case i%2 == 0:
					guided = append(guided, u)
				default:
					quick = append(quick, u)
				}
			}
			if len(guided)+len(quick) == 0 {
				continue
			}
			w.until(fmt.Sprintf("2000-01-%02d 10:00", d))
			w.each(f, quick, func(int, string) string {
				return "/baocao 1 xong: dọn vệ sinh đường làng 2 buổi; khác: thăm hỏi gia đình chính sách"
			})
			w.each(f, guided, func(int, string) string { return "/baocao" })
			w.each(f, guided, func(_ int, last string) string { return numberOf(t, last, "Đã làm") })
			w.each(f, guided, func(int, string) string { return "Dọn vệ sinh đường làng 2 buổi" })
			w.each(f, guided, func(_ int, last string) string { return numberOf(t, last, "Không có") })
			w.each(f, guided, func(_ int, last string) string { return numberOf(t, last, "Không gửi ảnh") })
			w.each(f, append(guided, quick...), func(_ int, last string) string { return numberOf(t, last, "Gửi báo cáo") })
			for _, u := range append(guided, quick...) {
				if count(f.Sent(u.ID), "Đã nhận báo cáo tháng 1/2000") != 1 {
					t.Fatalf("%s's report was not received:\n%s", u.Name, lastOf(t, f, u))
				}
			}
		}
		sum := w.say(f, zGroup, sec, "/summary")
		wantIn(t, "the summary", sum, "Đã báo cáo: 50/50 đồng chí (100%)", "Nội dung đăng ký đã làm trong tháng: 50/50")

		w.until("2000-02-01 09:00")
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}
		jan := time.Date(2000, 1, 15, 0, 0, 0, 0, time.UTC)
		used := f.SentInMonth(jan)
		var reminders, invites, group int
		for _, s := range f.AllSent() {
			if s.Time.After(time.Date(2000, 1, 31, 17, 0, 0, 0, time.UTC)) {
				continue // February, Vietnam time
			}
			switch {
			case isReminder(s.Text):
				reminders++
			case strings.Contains(s.Text, "triển khai đăng ký làm theo"):
				invites++
			case s.ChatID == zGroup.ID:
				group++
			}
		}
		t.Logf("January on one Zalo bot, 50 members: %d messages counted (%d reminders, %d campaign invitations, %d in the group), %d of 3,000 left (%.0f %%)",
			used, reminders, invites, group, 3000-used, float64(3000-used)/30)
		if used > 2100 {
			t.Errorf("%d messages in January, want at most 2,100 (30 %% of the 3,000 to spare)", used)
		}
		rungs := map[string]int{}
		for _, u := range ms {
			for _, at := range w.reminders(f.Sent(u.ID)) {
				rungs[at]++
			}
		}
		if len(rungs) != 3 || rungs["20/01 08:00"] == 0 || rungs["25/01 08:00"] == 0 || rungs["31/01 08:00"] == 0 {
			t.Errorf("reminders went out at %v, want each of the three rungs (the reports spread over the month)", rungs)
		}
		if n := count(f.Sent(zGroup.ID), "Bảng xếp hạng báo cáo việc làm tháng 1/2000"); n != 1 {
			t.Errorf("the group got January's leaderboard %d times, want once", n)
		}
		checkZaloTexts(t, f)
		w.quiet()
	})
}

// preload makes the store count this month's messages sent on p up to
// target, as if the bot had sent the difference (the world must be
// stopped): it finishes an envelope with that many messages sent. It
// returns the difference.
func (w *zaloWorld) preload(p bot.Platform, target int) int {
	w.t.Helper()
	ctx := context.Background()
	a, err := openApp(ctx, w.cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		w.t.Fatal(err)
	}
	defer a.Close()
	loc, _ := w.cfg.Location()
	var sent int
	err = a.db.Update(ctx, func(tx flows.Tx) error {
		if sent, err = tx.Sent(p, flows.MonthOf(time.Now(), loc)); err != nil {
			return err
		}
		return tx.Enqueue(bot.Reply{Chat: bot.ChatID{Platform: p, ID: "preload"}, Text: "đã gửi trước"})
	})
	if err != nil {
		w.t.Fatal(err)
	}
	out := a.db.Outbox(p)
	envs, err := out.Pending(ctx, 0, 10)
	if err != nil || len(envs) != 1 {
		w.t.Fatalf("the outbox holds %d envelopes (%v), want the preload's", len(envs), err)
	}
	if err := out.Finish(ctx, envs[0].Seq, bot.Result{Sent: target - sent}); err != nil {
		w.t.Fatal(err)
	}
	return target - sent
}

// storeSent returns the messages the store counted as sent on p this month.
func (w *zaloWorld) storeSent(p bot.Platform) int {
	w.t.Helper()
	loc, _ := w.cfg.Location()
	var n int
	err := w.a.db.View(context.Background(), func(tx flows.Tx) (err error) {
		n, err = tx.Sent(p, flows.MonthOf(time.Now(), loc))
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

// TestZaloBudgetShort plays April on a Zalo bot whose month is nearly
// used: the first reminder rung does not fit what is left for broadcasts,
// so it goes to the cell's group as counts only and to no member
// privately; the admin is warned privately at 80 % and at 95 %, once each;
// the secretary's /lichnhac shows the bot's use and the cut broadcasts.
// The store's count of the month (preloaded, as if sent earlier) and the
// fake's agree on what the bot really sent.
func TestZaloBudgetShort(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		loc, _ := DemoConfig().Location()
		time.Sleep(time.Until(time.Date(2000, 4, 6, 9, 0, 0, 0, loc))) // no campaign, March closed
		w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f)
		ms := []zalotest.User{zLan, zHung, zMai, zTuan}
		code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
		for _, u := range ms {
			w.zaloJoin(f, u, code)
		}
		w.zaloSecretary(f, "Chi bộ thôn Đông", zLan.Name)
		hung := zalotest.Private(zHung)
		ask := w.say(f, hung, zHung, "/baocao khác: dọn vệ sinh đường làng")
		wantIn(t, "Hùng's report", w.say(f, hung, zHung, numberOf(t, ask, "Gửi báo cáo")), "Đã nhận báo cáo tháng 4/2000")
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}

		// 2,548 of 3,000 used: 85 % of the month goes to broadcasts (the
		// rest is kept for replies), so 2 more fit, and 3 members miss.
		preloaded := w.preload(bot.Zalo, 2548)
		w.start()
		w.until("2000-04-20 09:00")
		group := f.Sent(zGroup.ID)
		wantIn(t, "the group on the 20th", group[len(group)-1].Text,
			"Nhắc báo cáo việc làm theo Bác tháng 4/2000: Chi bộ thôn Đông đã có 1/4 đồng chí báo cáo", "«Bot Xã Demo»")
		for _, u := range ms {
			if got := w.reminders(f.Sent(u.ID)); len(got) != 0 {
				t.Errorf("%s was reminded privately at %v, want no private reminder", u.Name, got)
			}
			if strings.Contains(group[len(group)-1].Text, u.Name) {
				t.Errorf("the group's reminder names %s", u.Name)
			}
		}
		view := w.say(f, zalotest.Private(zLan), zLan, "/lichnhac")
		wantIn(t, "/lichnhac", view, "Bot «Bot Xã Demo»: đã gửi ", "/3000 tin trong tháng 4/2000 (85%)",
			"Nhắc báo cáo lần 1 cho Chi bộ thôn Đông: không đủ hạn mức, chỉ gửi vào nhóm chi bộ (3 tin riêng không gửi).",
			"Nhắc báo cáo lần 1: lần tới thứ Bảy 20/05/2000 08:00")

		// A restart later the month is at 95 %.
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}
		preloaded += w.preload(bot.Zalo, 2860)
		w.start()
		w.until("2000-04-30 20:00")

		admin := f.Sent(zAdmin.ID)
		if n := count(admin, "Bot đã bớt tin nhắn riêng"); n != 1 {
			t.Errorf("the admin got the 80 %% warning %d times, want once:\n%s", n, joined(admin))
		}
		if n := count(admin, "Khi hết hạn mức, Zalo không cho bot gửi thêm tin"); n != 1 {
			t.Errorf("the admin got the 95 %% warning %d times, want once:\n%s", n, joined(admin))
		}
		wantIn(t, "the warnings", joined(admin), "Bot «Bot Xã Demo» đã gửi 2548/3000 tin trong tháng 4/2000", "Bot «Bot Xã Demo» đã gửi 2860/3000")
		for _, u := range ms {
			if got := w.reminders(f.Sent(u.ID)); len(got) != 0 {
				t.Errorf("%s was reminded privately at %v, want no private reminder", u.Name, got)
			}
		}
		if n := count(f.Sent(zGroup.ID), "Nhắc báo cáo việc làm theo Bác tháng 4/2000"); n != 3 {
			t.Errorf("the group got %d reminders with counts, want one per rung", n)
		}
		if got, want := w.storeSent(bot.Zalo), preloaded+f.SentInMonth(time.Now()); got != want {
			t.Errorf("the store counted %d messages this month, want %d (%d preloaded, %d delivered)", got, want, preloaded, f.SentInMonth(time.Now()))
		}
		checkZaloTexts(t, f)
	})
}

// The Telegram side of the mixed cell: the secretary and a member who
// later moves to Zalo, their Telegram names as Zalo shows them.
var (
	tgLanMixed  = telegramtest.User{ID: 301, FirstName: "Nguyễn Thị Lan"}
	tgHungMixed = telegramtest.User{ID: 302, FirstName: "Trần Văn Hùng"}
)

// tgPress presses the button labelled label on the last message the bot
// sent to chat on Telegram, as from, and lets the bot settle; it returns
// the last message sent to chat then.
func (w *zaloWorld) tgPress(chat telegramtest.Chat, from telegramtest.User, label string) telegramtest.Sent {
	w.t.Helper()
	m := w.tgLast(chat.ID)
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				w.tg.PushCallback(chat, from, m.MessageID, b.CallbackData)
				w.settle()
				return w.tgLast(chat.ID)
			}
		}
	}
	w.t.Fatalf("no button %q under %q (%+v)", label, m.Plain, m.Buttons)
	return telegramtest.Sent{}
}

// tgSay sends text from from in chat on Telegram, lets the bot settle and
// returns the last message sent to chat.
func (w *zaloWorld) tgSay(chat telegramtest.Chat, from telegramtest.User, text string) telegramtest.Sent {
	w.t.Helper()
	w.tg.PushText(chat, from, text)
	w.settle()
	return w.tgLast(chat.ID)
}

// tgLast returns the last message sent to chat on Telegram.
func (w *zaloWorld) tgLast(chat int64) telegramtest.Sent {
	w.t.Helper()
	sent := w.tg.Sent(chat)
	if len(sent) == 0 {
		w.t.Fatalf("nothing sent to %d on Telegram", chat)
	}
	return sent[len(sent)-1]
}

// tgCount returns how many of sent contain s.
func tgCount(sent []telegramtest.Sent, s string) int {
	n := 0
	for _, m := range sent {
		if strings.Contains(m.Plain, s) {
			n++
		}
	}
	return n
}

// TestMixedCellMonth serves one cell on Telegram and Zalo from one
// process: its secretary and one member on Telegram, two members on Zalo,
// a group on each. The member on Telegram pledges there, then connects on
// Zalo under the same name; the secretary confirms the move with /duyet on
// Telegram; the member keeps the pledge (/cuatoi on Zalo) and from then on
// is reminded on Zalo only. Summaries are answered in the group asked,
// reminders reach each member on their platform, the last rung's list
// reaches the secretary on Telegram, and the leaderboard is posted in both
// groups, once each.
func TestMixedCellMonth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		tg := telegramtest.NewServer(t, telegramtest.InProcess())
		tg.EnforceLimits(telegramtest.DefaultLimits())
		time.Sleep(17*24*time.Hour + 2*time.Hour) // Tuesday 18 January, 09:00
		cfg := zaloConfig(f, t.TempDir())
		cfg.Telegram.Token, cfg.Telegram.Endpoint = tg.Token, tg.URL
		cfg.Telegram.PollTimeout = time.Minute
		cfg.Admins.Telegram = []int64{tgAdmin.ID}
		w := &zaloWorld{t: t, cfg: cfg, fakes: []*zalotest.Server{f}, tg: tg, logs: &syncBuffer{}}
		w.start()

		// The Telegram group, linked by the admin; Lan and Hùng connect
		// through its button; Lan becomes secretary.
		tg.PushMyChatMember(tgGroup1, tgAdmin, "left", "member")
		w.tgSay(tgGroup1, tgAdmin, "/link@"+tg.Bot.Username)
		linked := w.tgPress(tgGroup1, tgAdmin, "Chi bộ thôn Đông")
		var payload string
		for _, row := range linked.Buttons {
			for _, b := range row {
				if _, p, ok := strings.Cut(b.URL, "?start="); ok {
					payload = p
				}
			}
		}
		if payload == "" {
			t.Fatalf("no join button in %q", linked.Plain)
		}
		for _, u := range []telegramtest.User{tgLanMixed, tgHungMixed} {
			tg.SetMember(tgGroup1.ID, u.ID, "member") // the button checks the group
			me := telegramtest.Private(u)
			w.tgSay(me, u, "/start "+payload)
			if got := w.tgPress(me, u, "Đúng tên này").Plain; !strings.Contains(got, "Chào mừng đồng chí "+u.FirstName) {
				t.Fatalf("%s got %q, want the welcome", u.FirstName, got)
			}
		}
		admin := telegramtest.Private(tgAdmin)
		w.tgSay(admin, tgAdmin, "/bithu")
		w.tgPress(admin, tgAdmin, "Chi bộ thôn Đông")
		w.tgPress(admin, tgAdmin, tgLanMixed.FirstName)
		if got := w.tgPress(admin, tgAdmin, "Giao quyền").Plain; !strings.Contains(got, "Đã giao quyền bí thư") {
			t.Fatalf("/bithu ended with %q", got)
		}

		// Hùng pledges on Telegram; Lan approves there.
		hungTG := telegramtest.Private(tgHungMixed)
		w.tgSay(hungTG, tgHungMixed, "/dangky")
		w.tgSay(hungTG, tgHungMixed, "Tham gia dọn vệ sinh đường làng")
		w.tgPress(hungTG, tgHungMixed, "Trách nhiệm, gương mẫu")
		w.tgPress(hungTG, tgHungMixed, "Không có chỉ tiêu")
		w.tgPress(hungTG, tgHungMixed, "Gửi bí thư duyệt")
		w.tgPress(hungTG, tgHungMixed, "Gửi")
		lanTG := telegramtest.Private(tgLanMixed)
		w.tgPress(lanTG, tgLanMixed, "Xem và duyệt")
		if got := w.tgPress(lanTG, tgLanMixed, "Duyệt").Plain; !strings.Contains(got, "Đã duyệt bản đăng ký của đồng chí Trần Văn Hùng") {
			t.Fatalf("the approval ended with %q", got)
		}

		// The Zalo group, linked by the admin's Zalo account; Mai and Tuấn
		// connect there.
		code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
		w.zaloJoin(f, zMai, code)
		w.zaloJoin(f, zTuan, code)

		// Hùng connects on Zalo with the same name: he is asked whether he
		// moves, says yes, and Lan confirms with /duyet on Telegram.
		hung := zalotest.Private(zHung)
		ask := w.say(f, hung, zHung, "/join "+code)
		ask = w.say(f, hung, zHung, numberOf(t, ask, "Đúng tên này"))
		wantIn(t, "Hùng on Zalo", ask, "đã có đồng chí «Trần Văn Hùng» kết nối với bot qua Telegram")
		wantIn(t, "Hùng's move", w.say(f, hung, zHung, numberOf(t, ask, "Đúng, tôi chuyển sang đây")), "Bot đã gửi đề nghị tới bí thư Chi bộ thôn Đông")
		if got := w.tgLast(lanTG.ID).Plain; !strings.Contains(got, "Đồng chí Trần Văn Hùng đề nghị chuyển sang dùng bot qua Zalo") {
			t.Fatalf("Lan was told %q, want the move to confirm", got)
		}
		w.tgSay(lanTG, tgLanMixed, "/duyet")
		w.tgPress(lanTG, tgLanMixed, "Trần Văn Hùng: chuyển sang Zalo")
		if got := w.tgPress(lanTG, tgLanMixed, "Xác nhận").Plain; !strings.Contains(got, "Đã xác nhận: đồng chí Trần Văn Hùng từ nay dùng bot qua Zalo") {
			t.Fatalf("the move ended with %q", got)
		}
		wantIn(t, "Hùng on Zalo", lastOf(t, f, zHung), "Bí thư đã xác nhận", "với bản đăng ký và các báo cáo cũ")
		wantIn(t, "/cuatoi on Zalo", w.say(f, hung, zHung, "/cuatoi"), "Tham gia dọn vệ sinh đường làng")

		// Mai reports on the 19th; the others do not.
		w.until("2000-01-19 10:00")
		mai := zalotest.Private(zMai)
		ask = w.say(f, mai, zMai, "/baocao khác: thăm hỏi gia đình chính sách")
		wantIn(t, "Mai's report", w.say(f, mai, zMai, numberOf(t, ask, "Gửi báo cáo")), "Đã nhận báo cáo tháng 1/2000")

		// The 26th: a summary in each group, answered there.
		w.until("2000-01-26 20:00")
		tgBefore, zBefore := len(tg.Sent(tgGroup1.ID)), len(f.Sent(zGroup.ID))
		w.tgSay(tgGroup1, tgLanMixed, "/summary@"+tg.Bot.Username)
		w.say(f, zGroup, zTuan, "/summary")
		for _, got := range []string{joined(f.Sent(zGroup.ID)[zBefore:]), w.tgLast(tgGroup1.ID).Plain} {
			wantIn(t, "a group's summary", got, "Đã báo cáo: 1/4 đồng chí")
		}
		if n, m := len(tg.Sent(tgGroup1.ID))-tgBefore, len(f.Sent(zGroup.ID))-zBefore; n != 1 || m != 1 {
			t.Errorf("the groups got %d (Telegram) and %d (Zalo) summaries, want one each", n, m)
		}

		w.until("2000-02-01 09:00")
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}
		tgWhen := func(sent []telegramtest.Sent) []string {
			loc, _ := cfg.Location()
			var out []string
			for _, s := range sent {
				if isReminder(s.Plain) {
					out = append(out, s.Time.In(loc).Format("02/01 15:04"))
				}
			}
			return out
		}
		rungs := []string{"20/01 08:00", "25/01 08:00", "31/01 08:00"}
		for _, c := range []struct {
			who       string
			got, want []string
		}{
			{"Lan on Telegram", tgWhen(tg.Sent(tgLanMixed.ID)), rungs},
			{"Hùng on Telegram", tgWhen(tg.Sent(tgHungMixed.ID)), nil},
			{"Hùng on Zalo", w.reminders(f.Sent(zHung.ID)), rungs},
			{"Tuấn on Zalo", w.reminders(f.Sent(zTuan.ID)), rungs},
			{"Mai on Zalo", w.reminders(f.Sent(zMai.ID)), nil},
		} {
			if !equal(c.got, c.want) {
				t.Errorf("%s: reminded at %v, want %v", c.who, c.got, c.want)
			}
		}
		if n := tgCount(tg.Sent(tgLanMixed.ID), "Bot đã nhắc lần cuối. Còn 3 đồng chí chưa báo cáo"); n != 1 {
			t.Errorf("Lan got the last rung's list %d times on Telegram, want once", n)
		}
		if n := count(f.Sent(zLan.ID), "Bot đã nhắc lần cuối"); n != 0 {
			t.Errorf("the list went to Zalo %d times", n)
		}
		board := "Bảng xếp hạng báo cáo việc làm tháng 1/2000"
		if n, m := tgCount(tg.Sent(tgGroup1.ID), board), count(f.Sent(zGroup.ID), board); n != 1 || m != 1 {
			t.Errorf("January's leaderboard reached the Telegram group %d times and the Zalo group %d times, want once each", n, m)
		}
		if n := tg.TooManyRequests(); n != 0 {
			t.Errorf("Telegram answered 429 %d times", n)
		}
		checkZaloTexts(t, f)
		w.quiet()
	})
}

// TestZaloFaults runs the Zalo bot end to end against a misbehaving or
// unusual Bot API.
func TestZaloFaults(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("flaky sends seed", seed), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { zaloFlakySends(t, seed) })
		})
	}
	t.Run("wrong token", func(t *testing.T) { synctest.Test(t, zaloWrongToken) })
	t.Run("idle hour", func(t *testing.T) { synctest.Test(t, zaloIdleHour) })
	t.Run("redelivery", func(t *testing.T) { synctest.Test(t, zaloRedelivery) })
	t.Run("too long", func(t *testing.T) { synctest.Test(t, zaloTooLong) })
	t.Run("emoji name", func(t *testing.T) { synctest.Test(t, zaloEmojiName) })
}

// zaloFlakySends makes 20 % of sendMessage calls fail, before they take
// effect (500, a proxy's page, a dropped connection, a hang) and after
// (the message delivered, its answer lost), while a cell connects: twelve
// members each send four lines at once. Every reply is delivered, in order
// per chat; duplicates are at most one per lost answer; the calls stay
// bounded (no busy loop).
func zaloFlakySends(t *testing.T, seed uint64) {
	f := zalotest.NewServer(t, zalotest.InProcess())
	f.FailRandomly(0.2, seed, zalotest.DefaultFaults(), "sendMessage")
	w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f)
	code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
	ms := cellOf(12)
	lines := []string{"/join " + code, "1", "/help", "/huy"}
	want := []string{"«%s», đúng không?", "Chào mừng đồng chí %s", "Các lệnh đồng chí dùng được", "Hiện không có việc gì đang làm dở"}
	for _, line := range lines {
		for _, u := range ms {
			f.PushText(zalotest.Private(u), u, line)
		}
	}
	time.Sleep(time.Hour)
	synctest.Wait()
	if !w.idle() {
		t.Fatal("replies still wait after an hour")
	}
	dups := 0
	for _, u := range ms {
		var got []string
		seen := map[string]bool{}
		for _, s := range f.Sent(u.ID) {
			if seen[s.Text] {
				dups++
				continue
			}
			seen[s.Text] = true
			got = append(got, s.Text)
		}
		if len(got) != len(want) {
			t.Fatalf("%s got %d distinct replies, want %d:\n%s", u.Name, len(got), len(want), strings.Join(got, "\n\n"))
		}
		for i, s := range want {
			if strings.Contains(s, "%s") {
				s = fmt.Sprintf(s, u.Name)
			}
			if !strings.Contains(got[i], s) {
				t.Errorf("%s: reply %d is %q, want %q (order kept)", u.Name, i+1, got[i], s)
			}
		}
	}
	lost, before, after := f.Lost(), 0, 0
	for _, e := range f.Errors() {
		switch {
		case !e.Injected:
		case e.After:
			after++
		default:
			before++
		}
	}
	t.Logf("seed %d: %d faults before and %d after taking effect, %d answers lost, %d duplicates; %d sendMessage and %d getUpdates calls",
		seed, before, after, lost, dups, f.Calls("sendMessage"), f.Calls("getUpdates"))
	if before == 0 || after == 0 {
		t.Errorf("the fake injected %d faults before and %d after taking effect, want some of each", before, after)
	}
	if dups > lost {
		t.Errorf("%d duplicates for %d lost answers, want at most one each", dups, lost)
	}
	// No busy loop: the 50 replies take at most twice as many calls (plus
	// the retries of a few unlucky ones), the polls one per update and one
	// per 2-minute timeout.
	if n := f.Calls("sendMessage"); n > 2*(len(ms)*len(lines)+2)+20 {
		t.Errorf("%d sendMessage calls for %d replies", n, len(ms)*len(lines)+2)
	}
	if n := f.Calls("getUpdates"); n > len(ms)*len(lines)+2+40 {
		t.Errorf("%d getUpdates calls in an hour for %d updates", n, len(ms)*len(lines)+2)
	}
	checkZaloTexts(t, f)
}

// zaloWrongToken starts the bot with a token the API refuses: serveChats
// fails at once with an error that names the bot and not the token.
func zaloWrongToken(t *testing.T) {
	f := zalotest.NewServer(t, zalotest.InProcess())
	cfg := zaloConfig(f, t.TempDir())
	cfg.Zalo.Token = "1459232241454765289:WrongTokenTypedByHand-secret_q"
	logs := &syncBuffer{}
	a, err := openApp(t.Context(), cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	err = a.serveChats(t.Context(), chatOptions{zalo: f.Client()})
	if err == nil {
		t.Fatal("serveChats accepted a token the API refuses")
	}
	for _, s := range []string{err.Error(), logs.String()} {
		if strings.Contains(s, "WrongTokenTypedByHand") || strings.Contains(s, "1459232241454765289:") {
			t.Errorf("the token leaked: %s", s)
		}
	}
	if !strings.Contains(err.Error(), `zalo bot "zalo"`) || !strings.Contains(err.Error(), "401") {
		t.Errorf("error %q, want one naming the bot and the refusal", err)
	}
}

// zaloIdleHour leaves the bot polling for an hour with nobody writing:
// about one getUpdates call per poll timeout, and no warning in the log.
func zaloIdleHour(t *testing.T) {
	f := zalotest.NewServer(t, zalotest.InProcess())
	time.Sleep(2 * time.Hour) // 09:00, after the day's jobs
	cfg := zaloConfig(f, t.TempDir())
	cfg.Zalo.PollTimeout = 30 * time.Second
	w := newZaloWorld(t, cfg, f)
	synctest.Wait()
	start := f.Calls("getUpdates")
	time.Sleep(time.Hour)
	synctest.Wait()
	if n := f.Calls("getUpdates") - start; n < 118 || n > 122 {
		t.Errorf("%d getUpdates calls in an hour of 30 s polls, want about 120", n)
	}
	if err := w.stop(); err != nil {
		t.Fatal(err)
	}
	w.quiet()
	if !strings.Contains(w.logs.String(), "serving Zalo") {
		t.Errorf("the log was not captured:\n%s", w.logs.String())
	}
}

// zaloRedelivery has Zalo deliver every update twice in a row, and one
// again an hour later: each is answered once.
func zaloRedelivery(t *testing.T) {
	f := zalotest.NewServer(t, zalotest.InProcess(), zalotest.WithRedelivery())
	w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f)
	me := zalotest.Private(zMai)
	id := f.PushText(me, zMai, "/help")
	f.PushText(me, zMai, "/huy")
	w.settle()
	if got := f.Sent(zMai.ID); len(got) != 2 {
		t.Fatalf("%d replies to two updates delivered twice each, want 2:\n%s", len(got), joined(got))
	}
	time.Sleep(time.Hour)
	f.Redeliver(id)
	w.settle()
	if got := f.Sent(zMai.ID); len(got) != 2 {
		t.Errorf("%d replies after the redelivery an hour later, want still 2", len(got))
	}
	if n := f.Calls("getUpdates"); n < 5 {
		t.Errorf("only %d getUpdates calls: the duplicates were not delivered", n)
	}
}

// zaloTooLong sends a 5,000-character text in private: it gets the «too
// long» answer, once.
func zaloTooLong(t *testing.T) {
	f := zalotest.NewServer(t, zalotest.InProcess())
	w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f)
	long := string([]rune(strings.Repeat("Kính gửi bot, tôi xin báo cáo dài. ", 150))[:5000])
	got := w.say(f, zalotest.Private(zMai), zMai, long)
	if n := len(f.Sent(zMai.ID)); n != 1 {
		t.Errorf("%d replies to the long text, want 1", n)
	}
	wantIn(t, "the long text's answer", got, "Tin nhắn dài quá (5000 ký tự)")
	checkZaloTexts(t, f)
}

// zaloEmojiName connects a person whose Zalo name is an emoji: the bot
// asks for the full name instead of taking the emoji, and refuses emoji.
func zaloEmojiName(t *testing.T) {
	f := zalotest.NewServer(t, zalotest.InProcess())
	w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f)
	code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
	flower := zalotest.User{ID: "e0000000000000000001", Name: "🌻"}
	me := zalotest.Private(flower)
	wantIn(t, "the emoji name", w.say(f, me, flower, "/join "+code), "Xin đồng chí gõ họ và tên đầy đủ")
	wantIn(t, "an emoji for a name", w.say(f, me, flower, "🌻🌻"), "Tên chỉ gồm chữ cái và dấu cách")
	ask := w.say(f, me, flower, "Phan Thị Hoa")
	wantIn(t, "the typed name", ask, "«Phan Thị Hoa», đúng không?")
	wantIn(t, "the welcome", w.say(f, me, flower, numberOf(t, ask, "Đúng tên này")), "Chào mừng đồng chí Phan Thị Hoa")
	checkZaloTexts(t, f)
}

// TestZaloSeveralBots serves two cells with a Zalo bot each
// ([[zalo.bots]]), each bot on its own fake Bot API, at most two people per
// bot: a code of the other bot's cell is refused naming that bot; the
// third person on a full bot is refused and the secretary is told.
func TestZaloSeveralBots(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		east := zalotest.NewServer(t, zalotest.InProcess(), zalotest.WithToken("2000000000000000001:EastBotToken-secret_e"),
			zalotest.WithBot(zalotest.Bot{ID: "2000000000000000001", AccountName: "bot.east", DisplayName: "Bot Thôn Đông"}))
		west := zalotest.NewServer(t, zalotest.InProcess(), zalotest.WithToken("2000000000000000002:WestBotToken-secret_w"),
			zalotest.WithBot(zalotest.Bot{ID: "2000000000000000002", AccountName: "bot.west", DisplayName: "Bot Thôn Tây"}))
		time.Sleep(26 * time.Hour) // Sunday 2 January, 09:00
		cfg := zaloConfig(east, t.TempDir())
		cfg.Zalo.Token = ""
		cfg.Zalo.Bots = []ZaloBotConfig{
			{Name: "dong", Title: "Bot Thôn Đông", Token: east.Token, Cells: []string{"C01"}},
			{Name: "tay", Title: "Bot Thôn Tây", Token: west.Token, Cells: []string{"C02"}},
		}
		cfg.Zalo.MaxUsers = 2
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		w := newZaloWorld(t, cfg, east, west)
		eastGroup, westGroup := zalotest.Group("c0000000000000000011"), zalotest.Group("c0000000000000000022")
		eastCode := w.zaloLink(east, eastGroup, "Chi bộ thôn Đông")
		westCode := w.zaloLink(west, westGroup, "Chi bộ thôn Tây")
		w.zaloJoin(east, zLan, eastCode)
		w.zaloJoin(east, zHung, eastCode)
		w.zaloSecretary(east, "Chi bộ thôn Đông", zLan.Name)
		w.zaloJoin(west, zTuan, westCode)

		// Mai, of the west cell, writes to the east bot first.
		mai := zalotest.Private(zMai)
		wantIn(t, "the west code on the east bot", w.say(east, mai, zMai, "/join "+westCode),
			"Mã này là của Chi bộ thôn Tây, nhưng bot này không phục vụ Chi bộ thôn Tây", "nhắn riêng cho bot «Bot Thôn Tây»")

		// Mai's neighbour, of the east cell, finds the east bot full.
		full := w.say(east, mai, zMai, "/join "+eastCode)
		wantIn(t, "the third person on the east bot", full, "Bot này đã có đủ 2 người kết nối")
		wantIn(t, "Lan's note", lastOf(t, east, zLan), "Đồng chí Lê Thị Mai (Chi bộ thôn Đông) chưa kết nối được qua bot «Bot Thôn Đông»", "đủ 2 người")
		if n := count(east.Sent(zLan.ID), "chưa kết nối được"); n != 1 {
			t.Errorf("Lan was told %d times, want once", n)
		}
		// The west bot has room: Mai connects to the west cell there.
		w.zaloJoin(west, zMai, westCode)

		for _, c := range []struct {
			f      *zalotest.Server
			other  zalotest.Chat
			member zalotest.User
		}{{east, westGroup, zTuan}, {west, eastGroup, zLan}} {
			if n := len(c.f.Sent(c.other.ID)) + len(c.f.Sent(c.member.ID)); n != 0 {
				t.Errorf("bot %s sent %d messages to a chat of the other bot", c.f.Bot.Name(), n)
			}
			checkZaloTexts(t, c.f)
		}
		w.quiet()
	})
}
