package store_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/flows"
	"lamtheo/store"
)

// BenchmarkSentMarks measures what recording every sent message costs: a
// bot.Sender drains 2,000 replies to 500 chats from a store outbox into a
// bottest.Conn that answers at once and has no limits, so the Sender waits
// only for its marks (Progress after each part but the last, Finish after
// the last), each an Update that the store commits together with the
// concurrent ones. It reports messages per second, bbolt commits per
// message and, measured in the same run on the same disk, the raw
// one-record commit rate: with several sends in flight, group commit takes
// the marks well above it.
func BenchmarkSentMarks(b *testing.B) {
	for _, tt := range []struct {
		inflight, parts int
	}{{1, 1}, {16, 1}, {16, 3}} {
		b.Run(fmt.Sprintf("inflight=%d/parts=%d", tt.inflight, tt.parts), func(b *testing.B) {
			raw, err := store.RawCommitRate(b.TempDir(), 300*time.Millisecond)
			if err != nil {
				b.Fatal(err)
			}
			const n, chats = 2000, 500
			text := strings.Repeat("một dòng của tin nhắn dài\n", tt.parts)
			var msgs, commits uint64
			var elapsed time.Duration
			for b.Loop() {
				b.StopTimer()
				db, err := store.Open(filepath.Join(b.TempDir(), "lamtheo.db"), store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				err = db.Update(context.Background(), func(tx flows.Tx) error {
					for i := range n {
						c := bot.ChatID{Platform: bot.Telegram, ID: fmt.Sprint(1000 + i%chats)}
						if err := tx.Enqueue(bot.Reply{Chat: c, Text: text}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				conn := bottest.NewConn()
				conn.Declared.MaxText = 30 // one line a message
				out := db.Outbox(bot.Telegram)
				s := &bot.Sender{Outbox: out, Conn: conn, Wake: out.Wake(), Limits: bot.Limits{MaxConcurrent: tt.inflight},
					Log: slog.New(slog.DiscardHandler)}
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				before := db.Commits()
				b.StartTimer()
				start := time.Now()
				go func() { done <- s.Run(ctx) }()
				if err := s.WaitIdle(ctx); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				b.StopTimer()
				cancel()
				<-done
				commits += db.Commits() - before
				msgs += uint64(len(conn.Sent()))
				if len(conn.Sent()) != n*tt.parts {
					b.Fatalf("%d messages sent, want %d", len(conn.Sent()), n*tt.parts)
				}
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(msgs)/elapsed.Seconds(), "msgs/s")
			b.ReportMetric(float64(commits)/float64(msgs), "commits/msg")
			b.ReportMetric(raw, "raw-commits/s")
		})
	}
}
