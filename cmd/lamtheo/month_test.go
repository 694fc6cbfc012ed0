package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/telegram/telegramtest"
	"lamtheo/flows"
)

// TestTelegramUnattendedMonth serves Telegram for five weeks of virtual time
// with the default schedule and nobody touching the bot: the member who has
// not reported gets the three reminders on the 20th, the 25th and the last
// day at 08:00 (Asia/Ho_Chi_Minh), the member who reported gets none, the
// cell's group gets each month's leaderboard once on the 6th (the day after
// the report deadline), the admin the
// whole table once, and a backup is written every night. (The synctest
// clock starts on 1 January 2000.)
func TestTelegramUnattendedMonth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := telegramtest.NewServer(t, telegramtest.InProcess())
		f.EnforceLimits(telegramtest.DefaultLimits())
		dir := t.TempDir()
		w := &tgWorld{t: t, f: f}
		w.cfg = DemoConfig()
		w.cfg.Telegram.Token, w.cfg.Telegram.Endpoint = f.Token, f.URL
		w.cfg.Admins.Telegram = []int64{tgAdmin.ID}
		w.cfg.Data.Path = filepath.Join(dir, "lamtheo.db")
		w.cfg.Data.BackupDir = filepath.Join(dir, "backups")
		w.cfg.Data.BackupKeep = 40

		// The cell: Lan has reported December and January, Hùng has not;
		// both pledged.
		ctx := context.Background()
		a, err := openApp(ctx, w.cfg, testText(), slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		err = a.db.Update(ctx, func(tx flows.Tx) error {
			c, _, err := tx.Cell("C01")
			if err != nil {
				return err
			}
			c.Groups = []bot.ChatID{{Platform: bot.Telegram, ID: "-1001234"}}
			if err := tx.PutCell(c); err != nil {
				return err
			}
			for _, u := range []telegramtest.User{tgLan, tgHung} {
				m := flows.Member{Name: u.LastName + " " + u.FirstName, Cell: "C01",
					Users: []bot.UserID{{Platform: bot.Telegram, ID: itoa(u.ID)}}}
				if err := tx.PutMember(&m); err != nil {
					return err
				}
				if err := tx.PutRosterEntry(flows.RosterEntryOf(m)); err != nil { // on the cell's roster, as connecting puts them
					return err
				}
				p := flows.Pledge{Member: m.ID, Year: 2000, Status: flows.PledgeApproved, NextNo: 2,
					Items: []flows.PledgeItem{{No: 1, Text: "Dọn vệ sinh đường làng"}}}
				if err := tx.PutPledge(p); err != nil {
					return err
				}
				for _, mo := range []flows.Month{199912, 200001} {
					if u != tgLan {
						break
					}
					r := flows.Report{Member: m.ID, Month: mo, Submitted: time.Now(),
						Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "Dọn 2 buổi"}}}
					if err := tx.PutReport(r); err != nil {
						return err
					}
				}
			}
			return nil
		})
		a.Close()
		if err != nil {
			t.Fatal(err)
		}

		w.start()
		time.Sleep(36*24*time.Hour + 2*time.Hour) // 1 January 07:00 → 6 February 09:00
		synctest.Wait()
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}

		loc, _ := w.cfg.Location()
		when := func(s []telegramtest.Sent) []string {
			var out []string
			for _, m := range s {
				out = append(out, m.Time.In(loc).Format("02/01 15:04"))
			}
			return out
		}
		// At the start (1 January 07:00) December's last reminder, missed
		// while the bot was not running, is caught up once: December is
		// still open until the 5th.
		if got, want := when(f.Sent(tgHung.ID)), []string{"01/01 07:00", "20/01 08:00", "25/01 08:00", "31/01 08:00"}; !equal(got, want) {
			t.Errorf("Hùng got messages at %v, want December's last reminder and January's three at %v", got, want)
		}
		if got := f.Sent(tgLan.ID); len(got) != 0 {
			t.Errorf("Lan, who reported, got %d messages: %q", len(got), got[0].Plain)
		}
		group := f.Sent(tgGroup1.ID)
		if got, want := when(group), []string{"06/01 08:00", "06/02 08:00"}; !equal(got, want) {
			t.Errorf("the group got messages at %v, want the leaderboards at %v", got, want)
		} else if !strings.Contains(group[0].Plain, "tháng 12/1999") || !strings.Contains(group[1].Plain, "tháng 1/2000") {
			t.Errorf("the group's messages are not December's and January's leaderboards:\n%s\n%s", group[0].Plain, group[1].Plain)
		}
		// Each leaderboard is the uploaded picture with the text as its
		// caption.
		for _, g := range group {
			if g.Method != "sendPhoto" || g.Width != 1080 || g.Height == 0 || !strings.HasPrefix(g.FileName, "bang-xep-hang-") {
				t.Errorf("the group's leaderboard came as %s %q %d×%d, want an uploaded 1080-pixel PNG", g.Method, g.FileName, g.Width, g.Height)
			}
		}
		admin := f.Sent(tgAdmin.ID)
		if got, want := when(admin), []string{"06/01 08:00", "06/02 08:00"}; !equal(got, want) {
			t.Errorf("the admin got messages at %v, want the tables at %v", got, want)
		}
		backups, err := os.ReadDir(w.cfg.Data.BackupDir)
		if err != nil {
			t.Fatal(err)
		}
		if len(backups) != 37 {
			t.Errorf("%d backups, want 37 (the night before the start, caught up, and 36 nights)", len(backups))
		}
		if n := f.TooManyRequests(); n != 0 {
			t.Errorf("the fake answered 429 %d times", n)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func equal(a, b []string) bool { return slices.Equal(a, b) }
