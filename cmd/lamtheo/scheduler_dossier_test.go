package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/console"
	"lamtheo/flows"
)

// uploadPlatforms says the terminal uploads files, as the console Conn
// does; the scheduler tests run no Conn.
type uploadPlatforms struct{}

func (uploadPlatforms) Caps(p bot.Platform) (bot.Caps, bool) {
	return bot.Caps{Platform: p, Upload: true}, p == bot.Console
}

func (u uploadPlatforms) All() []bot.Caps {
	c, _ := u.Caps(bot.Console)
	return []bot.Caps{c}
}

// TestSchedulerDossier runs the real engine and store from 19 to 21
// December on virtual time: at 09:00 on the 20th (the default schedule)
// the job records the connected member's dossier of the year (the exempt
// and the paused member get none) and the process stops before its file
// worker builds it; the next process on the same data file builds it and
// queues it once, without running the slot again; a third sends nothing
// more.
func TestSchedulerDossier(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		loc := hcmc(t)
		cfg := DemoConfig()
		cfg.Data.Path = filepath.Join(t.TempDir(), "lamtheo.db")
		at := func(d, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, loc) }
		process := func(d time.Duration, seed, build bool) (files []string) {
			a, err := openApp(context.Background(), cfg, testText(), slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			a.eng.Platforms = uploadPlatforms{}
			if seed {
				err := a.db.Update(context.Background(), func(tx flows.Tx) error {
					for _, m := range []flows.Member{
						{Name: "Trần Văn Hùng"},
						{Name: "Lê Thị Mai", Status: flows.Exempt},
						{Name: "Nguyễn Thị Lan", PausedUntil: at(31, 0), PauseReason: "Đi xa"},
					} {
						m.Cell, m.Joined = "C01", time.Date(2026, 10, 20, 9, 0, 0, 0, loc)
						m.Users = []bot.UserID{{Platform: bot.Console, ID: console.UserID(m.Name)}}
						if err := tx.PutMember(&m); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if build {
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				go func() { done <- a.files.Run(ctx) }()
				defer func() {
					cancel()
					if err := <-done; err != nil {
						t.Errorf("file worker: %v", err)
					}
				}()
			}
			runFor(t, a.sched, d)
			if build {
				if err := a.files.WaitIdle(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			envs, err := a.db.Outbox(bot.Console).Pending(context.Background(), 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range envs {
				if f := e.Reply.File; f != nil {
					files = append(files, e.Reply.Chat.ID+" "+f.Name)
				}
			}
			return files
		}
		sleepUntil(at(19, 12))
		if first := process(21*time.Hour+30*time.Second, true, false); len(first) != 0 { // until 09:00:30 on the 20th
			t.Fatalf("queued %q before the file worker ran", first)
		}
		sleepUntil(at(20, 10))
		want := []string{console.UserID("Trần Văn Hùng") + " ho-so-tran-van-hung-2026.pdf"}
		if second := process(time.Hour, false, true); !slices.Equal(second, want) {
			t.Fatalf("after the restart the outbox holds %q, want %q", second, want)
		}
		if third := process(24*time.Hour, false, true); !slices.Equal(third, want) {
			t.Errorf("after a second restart the outbox holds %q, want %q", third, want)
		}
	})
}
