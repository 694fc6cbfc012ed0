package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/store"
)

// benchFull makes the benchmarks of this package run at full size: the
// broadcast to 10,000 members rather than 1,000. Without it they stay
// quick enough for CI's -benchtime 1x run (the README's figures use it).
var benchFull = flag.Bool("full", false, "benchmarks at full size (BenchmarkBroadcast: 10,000 members)")

// rawTotal is how long BenchmarkUpdates measures the raw commit rate in
// all, in rawRounds windows interleaved with the pipeline's rounds: 3 s,
// except for runs of fewer than 100 updates (CI's -benchtime 1x, the
// benchmark framework's first probe), which take a 200 ms smoke check.
const (
	rawTotal  = 3 * time.Second
	rawSmoke  = 200 * time.Millisecond
	rawRounds = 10
)

// BenchmarkUpdates measures durable update throughput: batches of 100
// updates (as Telegram's getUpdates returns them) go through bot.Server,
// the engine's flows and the store's grouped commits, with their replies
// queued in the outbox and delivered by a bot.Sender that runs throughout
// (its sent marks are commits too, competing with the updates') to a Conn
// that answers at once and has no limits. updates/s and x-raw time each
// round until its last update is durable; x-raw-drained until its last
// reply is sent as well. A chat gets one message at a time, each recorded
// before the next (bot.Sender), so one chat's replies drain at about the
// raw commit rate: far above what a platform lets a chat receive (one a
// second, 20 a minute in a group), far below what the updates commit at.
//
// Two shapes: many-chats, each update from another person in their
// private chat (a batch spreads over 100 chats: the engine's commits group
// across chats), and one-chat, every update in one cell's group from
// another member (a batch in one chat: its commits group by chat). Each
// update comes from a person not seen before, so the flood limit turns
// none away. The raw one-record bbolt commit rate of the same disk is
// measured in windows interleaved with the pipeline's rounds (3 s in
// all), and each shape reports updates/s, its ratio to the raw rate
// (x-raw, x-raw-drained), the raw rate and the store's commits per update
// (the sender's included).
func BenchmarkUpdates(b *testing.B) {
	for _, shape := range []struct {
		name  string
		group bool
	}{{"many-chats", false}, {"one-chat", true}} {
		b.Run(shape.name, func(b *testing.B) { benchUpdates(b, shape.group) })
	}
}

func benchUpdates(b *testing.B, group bool) {
	dir := b.TempDir()
	cfg := DemoConfig()
	cfg.Data.Path = filepath.Join(dir, "lamtheo.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := openApp(ctx, cfg, testText(), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	out := a.db.Outbox(bot.Telegram)
	sender := &bot.Sender{Outbox: out, Conn: bottest.NewConn(), Wake: out.Wake(),
		Limits: bot.Limits{MaxConcurrent: bot.DefaultMaxConcurrent}}
	done := make(chan error, 1)
	go func() { done <- sender.Run(ctx) }()
	defer func() { cancel(); <-done }()

	const batch = 100
	lines := []string{"/help", "xin chào", "/start", "/huy"}
	chat := bot.ChatID{Platform: bot.Telegram, ID: "-1001234"}
	n := 0
	message := func() bot.Message {
		n++
		u := bot.UserID{Platform: bot.Telegram, ID: fmt.Sprint(100000 + n)}
		m := bot.Message{Key: fmt.Sprint(n), Cursor: int64(n), Chat: u.PrivateChat(), From: u, FromName: "Người Thử",
			Kind: bot.KindText, Text: lines[(n/batch)%len(lines)]}
		if group {
			m.Chat, m.Group, m.ChatTitle = chat, true, "Chi bộ thôn Đông"
		}
		return m
	}
	raw := rawSmoke
	if b.N >= 100 {
		raw = rawTotal
	}
	rounds := min(rawRounds, (b.N+batch-1)/batch)
	var rawRate float64
	var elapsed, drained time.Duration
	commits := a.db.Commits()
	b.ResetTimer()
	b.StopTimer()
	for r := range rounds {
		rate, err := store.RawCommitRate(dir, raw/time.Duration(rounds))
		if err != nil {
			b.Fatal(err)
		}
		rawRate += rate / float64(rounds)
		conn := bottest.NewConn()
		for pushed := b.N * r / rounds; pushed < b.N*(r+1)/rounds; pushed += batch {
			var msgs []bot.Message
			for range min(batch, b.N*(r+1)/rounds-pushed) {
				msgs = append(msgs, message())
			}
			conn.Push(msgs...)
		}
		conn.Close()
		srv := &bot.Server{Conn: conn, Handler: a.eng}
		b.StartTimer()
		start := time.Now()
		if err := srv.Serve(ctx); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		if err := sender.WaitIdle(ctx); err != nil {
			b.Fatal(err)
		}
		drained += time.Since(start)
	}
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "updates/s")
	b.ReportMetric(rate/rawRate, "x-raw")
	b.ReportMetric(float64(b.N)/drained.Seconds()/rawRate, "x-raw-drained")
	b.ReportMetric(rawRate, "raw-commits/s")
	b.ReportMetric(float64(a.db.Commits()-commits)/float64(b.N), "commits/update")
}
