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
	"lamtheo/bot/telegram"
	"lamtheo/bot/telegram/telegramtest"
	"lamtheo/flows"
)

// BenchmarkBroadcast sends a month's first reminder wave through the real
// engine, the outbox, the shipped Sender with the shipped [outbox] limits
// (DefaultConfig: 30/s, 1 s per chat, 20 a minute per group, at most 64 in
// flight) and the Telegram adapter to the fake Bot API, which enforces
// Telegram's limits (answering 429 beyond them) at a round trip of 0, 100
// or 300 ms (sub-benchmarks rtt=…): a VPS in Vietnam is about 300 ms from
// Telegram. The wave is the unfavourable shape: the engine's reminder to
// every member, and in the same wave 3 more bulk messages to one member
// in 30 and 25 to each of 4 cell groups (more than a group takes in a
// minute; 15 without -full, whose wave is too short for 25: they would
// need 65 s). Time is virtual (testing/synctest); the store's commits are
// real. It reports the delivery rate between the first and the last
// message over the allowed 30/s (rate/limit), the 429s the fake answered,
// duplicate deliveries and the store's commits per message. 1,000
// members; 10,000 with -full.
func BenchmarkBroadcast(b *testing.B) {
	members := 1000
	if *benchFull {
		members = 10000
	}
	for _, rtt := range []time.Duration{0, 100 * time.Millisecond, 300 * time.Millisecond} {
		b.Run(fmt.Sprintf("rtt=%dms", rtt.Milliseconds()), func(b *testing.B) {
			var st waveStats
			for b.Loop() {
				inBubble(b, func(t *testing.T) { st = broadcastWave(t, members, rtt) })
			}
			b.ReportMetric(st.rate/30, "rate/limit")
			b.ReportMetric(float64(st.throttled), "429s")
			b.ReportMetric(float64(st.dups), "dups")
			b.ReportMetric(st.commits, "commits/msg")
			b.ReportMetric(float64(st.sent), "msgs")
		})
	}
}

// inBubble runs fn as a test in a testing/synctest bubble, failing b if
// it fails: synctest.Test needs a *testing.T, which a benchmark has not.
func inBubble(b *testing.B, fn func(t *testing.T)) {
	b.Helper()
	ok := testing.RunTests(func(string, string) (bool, error) { return true, nil },
		[]testing.InternalTest{{Name: b.Name(), F: func(t *testing.T) { synctest.Test(t, fn) }}})
	if !ok {
		b.Fatal("the run in a synctest bubble failed")
	}
}

// waveStats is what broadcastWave measured.
type waveStats struct {
	rate            float64 // messages per second between the first and the last
	sent            int
	throttled, dups int
	commits         float64 // store commits per message during the wave
}

// broadcastWave runs one reminder wave to n members, with extra bulk
// messages to some members and to 4 groups (see BenchmarkBroadcast), to a
// fake Bot API rtt away, and returns what it measured. A duplicate is a
// message delivered twice (the same chat and text).
func broadcastWave(t *testing.T, n int, rtt time.Duration) (st waveStats) {
	f := telegramtest.NewServer(t, telegramtest.InProcess(), telegramtest.WithLatency(rtt))
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
	groupMsgs := 15
	if *benchFull {
		groupMsgs = 25
	}
	if ran, err := a.eng.RunJob(ctx, flows.JobRemindFirst, slot, ""); err != nil || !ran {
		t.Fatalf("reminder job: ran=%v err=%v", ran, err)
	}
	err = a.db.Update(ctx, func(tx flows.Tx) error {
		enqueue := func(chat string, k int) error {
			for i := range k {
				r := bot.Reply{Chat: bot.ChatID{Platform: bot.Telegram, ID: chat}, Bulk: true,
					Text: fmt.Sprintf("Thông báo %d của đợt nhắc tháng 11/2026.", i+1)}
				if err := tx.Enqueue(r); err != nil {
					return err
				}
			}
			return nil
		}
		for i := 0; i < n; i += 30 {
			if err := enqueue(fmt.Sprint(100000+i), 3); err != nil {
				return err
			}
		}
		for g := range 4 {
			if err := enqueue(fmt.Sprint(-1001000-g), groupMsgs); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := n + 3*((n+29)/30) + 4*groupMsgs
	conn, err := telegram.New(ctx, telegram.Options{Token: f.Token, Endpoint: f.URL, HTTPClient: f.Client()})
	if err != nil {
		t.Fatal(err)
	}
	out := a.db.Outbox(bot.Telegram)
	sender := &bot.Sender{Outbox: out, Conn: conn, Limits: a.cfg.Outbox.Limits(), Wake: out.Wake()}
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
	if len(sent) < want {
		t.Fatalf("delivered %d messages, want %d", len(sent), want)
	}
	seen := make(map[string]bool, len(sent))
	for _, s := range sent {
		key := fmt.Sprint(s.ChatID, "\x00", s.Text)
		if seen[key] {
			st.dups++
		}
		seen[key] = true
	}
	span := sent[len(sent)-1].Time.Sub(sent[0].Time).Seconds()
	st.sent = len(sent)
	st.rate = float64(len(sent)-1) / span
	st.throttled = f.TooManyRequests()
	st.commits = float64(commits) / float64(len(sent))
	return st
}
