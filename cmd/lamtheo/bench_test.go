package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/bot/telegram"
	"lamtheo/bot/telegram/telegramtest"
	"lamtheo/flows"
	"lamtheo/store"
)

// BenchmarkUpdates measures durable update throughput: batches of 100
// updates from 100 members (as Telegram's getUpdates returns them) go
// through bot.Server, the engine's flows and one bbolt commit each (grouped
// by the store), with their replies queued in the outbox. It reports
// updates/s and, measured in the same run on the same disk, the ratio to the
// raw one-record bbolt commit rate (x-raw-commit).
func BenchmarkUpdates(b *testing.B) {
	dir := b.TempDir()
	raw, err := store.RawCommitRate(dir, 300*time.Millisecond)
	if err != nil {
		b.Fatal(err)
	}
	cfg := DemoConfig()
	cfg.Data.Path = filepath.Join(dir, "lamtheo.db")
	ctx := context.Background()
	a, err := openApp(ctx, cfg, testText(), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	const batch = 100
	lines := []string{"/help", "xin chào", "/start", "/huy"}
	conn := bottest.NewConn()
	n := 0
	for pushed := 0; pushed < b.N; pushed += batch {
		msgs := make([]bot.Message, 0, batch)
		for i := 0; i < batch && pushed+i < b.N; i++ {
			n++
			u := bot.UserID{Platform: bot.Telegram, ID: fmt.Sprint(1000 + i)}
			msgs = append(msgs, bot.Message{
				Key: fmt.Sprint(n), Cursor: int64(n), Chat: u.PrivateChat(), From: u, FromName: "Người Thử",
				Kind: bot.KindText, Text: lines[(pushed/batch)%len(lines)],
			})
		}
		conn.Push(msgs...)
	}
	conn.Close()
	srv := &bot.Server{Conn: conn, Handler: a.eng}
	b.ResetTimer()
	start := time.Now()
	if err := srv.Serve(ctx); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "updates/s")
	b.ReportMetric(rate/raw, "x-raw-commit")
	b.ReportMetric(raw, "raw-commits/s")
}

// BenchmarkBroadcast sends the first reminder of a month to 10,000 members:
// the real engine queues the wave in one transaction, the outbox sender
// drains it through the Telegram adapter to the fake Bot API, which enforces
// 30 messages/s overall and 1/s per chat and answers 429 beyond them. Time
// is virtual (testing/synctest). It reports the achieved rate over the
// allowed one (rate/limit), the 429s the fake answered, duplicates, and
// the store's commits per message sent (each message's sent mark is an
// Update; marks that meet are committed together).
func BenchmarkBroadcast(b *testing.B) {
	const members = 10000
	var st waveStats
	for b.Loop() {
		ok := testing.RunTests(func(string, string) (bool, error) { return true, nil },
			[]testing.InternalTest{{Name: "BenchmarkBroadcast/wave", F: func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) { st = broadcastWave(t, members) })
			}}})
		if !ok {
			b.Fatal("broadcast failed")
		}
	}
	b.ReportMetric(st.rate/30, "rate/limit")
	b.ReportMetric(float64(st.throttled), "429s")
	b.ReportMetric(float64(st.dups), "dups")
	b.ReportMetric(st.commits, "commits/msg")
}

// waveStats is what broadcastWave measured.
type waveStats struct {
	rate            float64 // messages per second between the first and the last
	throttled, dups int
	commits         float64 // store commits per message during the wave
}

// broadcastWave runs one reminder wave to n members and returns the
// delivery rate between the first and the last message, the 429s, the
// duplicate deliveries and the store's commits per message.
func broadcastWave(t *testing.T, n int) (st waveStats) {
	f := telegramtest.NewServer(t, telegramtest.InProcess())
	f.EnforceLimits(telegramtest.DefaultLimits())
	cfg := DemoConfig()
	cfg.Data.Path = filepath.Join(t.TempDir(), "lamtheo.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := openApp(ctx, cfg, testText(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	loc, _ := cfg.Location()
	slot := time.Date(2026, 11, 20, 8, 0, 0, 0, loc)
	a.eng.Now = func() time.Time { return slot.Add(time.Minute) }
	err = a.db.Update(ctx, func(tx flows.Tx) error {
		for i := range n {
			m := flows.Member{Name: fmt.Sprintf("Đảng Viên %d", i), Cell: "C01",
				Users: []bot.UserID{{Platform: bot.Telegram, ID: fmt.Sprint(100000 + i)}}}
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
	if ran, err := a.eng.RunJob(ctx, flows.JobRemindFirst, slot, ""); err != nil || !ran {
		t.Fatalf("reminder job: ran=%v err=%v", ran, err)
	}
	conn, err := telegram.New(ctx, telegram.Options{Token: f.Token, Endpoint: f.URL, HTTPClient: f.Client()})
	if err != nil {
		t.Fatal(err)
	}
	limits := a.cfg.Outbox.Limits()
	limits.MaxConcurrent = 16
	out := a.db.Outbox(bot.Telegram)
	sender := &bot.Sender{Outbox: out, Conn: conn, Limits: limits, Wake: out.Wake()}
	done := make(chan error, 1)
	commits := a.db.Commits()
	go func() { done <- sender.Run(ctx) }()
	if err := sender.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	commits = a.db.Commits() - commits
	sent := f.AllSent()
	if len(sent) != n {
		t.Fatalf("delivered %d reminders, want %d", len(sent), n)
	}
	perChat := make(map[int64]int, n)
	for _, s := range sent {
		if perChat[s.ChatID]++; perChat[s.ChatID] > 1 {
			st.dups++
		}
	}
	span := sent[len(sent)-1].Time.Sub(sent[0].Time).Seconds()
	st.rate = float64(len(sent)-1) / span
	st.throttled = f.TooManyRequests()
	st.commits = float64(commits) / float64(len(sent))
	return st
}
