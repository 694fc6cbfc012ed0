package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
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
	a, err := openApp(ctx, cfg, slog.New(slog.DiscardHandler))
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
