package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/telegram/telegramtest"
	"lamtheo/flows"
)

// loadStep is one update each member sends in the load test and what the
// messages answering it say, in order.
type loadStep struct {
	text    string
	replies []string // a piece of each reply's text
}

// loadSteps are the ten updates: commands and the conversations they
// open and cancel.
var loadSteps = []loadStep{
	{"/help", []string{"Các lệnh đồng chí dùng được"}},
	{"/cuatoi", []string{"Báo cáo năm"}},
	{"/summary", []string{"Đã báo cáo: 0/500"}},
	{"/start", []string{"Kính chào đồng chí", "Các lệnh đồng chí dùng được"}},
	{"/baocao", []string{"báo cáo cho tháng nào"}},
	{"/huy", []string{"Đã thôi."}},
	{"/dangky", []string{"Bản đăng ký làm theo Bác", "Đồng chí gõ một việc làm cụ thể"}},
	{"/huy", []string{"Đã thôi."}},
	{"/tamhoan", []string{"tạm không nhắc báo cáo"}},
	{"/huy", []string{"Đã thôi."}},
}

// TestLoad runs 500 members × 10 updates through the whole pipeline: the
// fake Telegram Bot API (in process, enforcing Telegram's limits), the
// real tgbotapi client and adapter, bot.Server, the engine, the bbolt
// store and the outbox Sender, in synctest virtual time. Every 30 s each
// member sends the next update (500 at once). Every member must get each
// answer once, in the order of the updates, with no 429; the test logs
// how long it took in virtual and in real time.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("the load test takes a few seconds")
	}
	realBegan := time.Now()
	synctest.Test(t, func(t *testing.T) {
		const members = 500
		began := time.Now()
		f := telegramtest.NewServer(t, telegramtest.InProcess(), telegramtest.WithLimits(telegramtest.DefaultLimits()))
		cfg := DemoConfig()
		cfg.Telegram.Token, cfg.Telegram.Endpoint = f.Token, f.URL
		cfg.Telegram.PollTimeout = 10 * time.Second
		cfg.Data.Path = filepath.Join(t.TempDir(), "lamtheo.db")
		cfg.Schedule = ScheduleConfig{} // no reminders: only answers
		a, err := openApp(context.Background(), cfg, testText(), slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		var users []telegramtest.User
		err = a.db.Update(context.Background(), func(tx flows.Tx) error {
			for i := range members {
				u := telegramtest.User{ID: int64(10000 + i), FirstName: fmt.Sprint("Viên ", i), LastName: "Đảng"}
				users = append(users, u)
				m := flows.Member{Name: fmt.Sprint("Đảng Viên ", i), Cell: "C01",
					Users: []bot.UserID{{Platform: bot.Telegram, ID: fmt.Sprint(u.ID)}}}
				if err := tx.PutMember(&m); err != nil {
					return err
				}
				if err := tx.PutRosterEntry(flows.RosterEntryOf(m)); err != nil { // on the cell's roster, as connecting puts them
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
		w := &tgWorld{t: t, f: f, cfg: cfg}
		w.start()
		defer w.stop()

		want := 0
		for _, s := range loadSteps {
			for _, u := range users {
				f.PushText(telegramtest.Private(u), u, s.text)
			}
			want += members * len(s.replies)
			time.Sleep(30 * time.Second)
		}
		for len(f.AllSent()) < want && time.Since(began) < time.Hour {
			time.Sleep(10 * time.Second)
		}
		sent := f.AllSent()
		virtual := sent[len(sent)-1].Time.Sub(began)
		for _, u := range users {
			got := f.Sent(u.ID)
			var wantU []string
			for _, s := range loadSteps {
				wantU = append(wantU, s.replies...)
			}
			if len(got) != len(wantU) {
				for _, m := range got {
					t.Logf("%q", m.Plain)
				}
				t.Fatalf("member %d got %d messages, want %d", u.ID, len(got), len(wantU))
			}
			for i, m := range got {
				if !strings.Contains(m.Plain, wantU[i]) {
					t.Fatalf("member %d: message %d is %q, want the one with %q (order kept)", u.ID, i+1, m.Plain, wantU[i])
				}
			}
		}
		if len(sent) != want {
			t.Errorf("%d messages sent, want %d", len(sent), want)
		}
		if n := f.TooManyRequests(); n != 0 {
			t.Errorf("the fake answered 429 %d times", n)
		}
		if n := f.Pending(); n != 0 {
			t.Errorf("%d updates never fetched", n)
		}
		t.Logf("%d members × %d updates: %d answers delivered in %v of virtual time (%.1f msg/s)",
			members, len(loadSteps), len(sent), virtual.Round(time.Second), float64(len(sent))/virtual.Seconds())
	})
	t.Logf("%v of real time", time.Since(realBegan).Round(time.Millisecond))
}
