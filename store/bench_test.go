package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

// BenchmarkRawCommit measures bbolt itself: one ~100-byte record per
// fsynced Update, the yardstick for durable throughput.
func BenchmarkRawCommit(b *testing.B) {
	bdb, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer bdb.Close()
	val := make([]byte, 100)
	start := time.Now()
	n := 0
	for b.Loop() {
		err := bdb.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("raw"))
			if err != nil {
				return err
			}
			seq, err := bk.NextSequence()
			if err != nil {
				return err
			}
			return bk.Put(fmt.Appendf(nil, "%016x", seq), val)
		})
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "commits/s")
}

// BenchmarkUpdateSerial measures store.Update from one goroutine: group
// commit adds no timer, so it should run at about the raw commit rate.
func BenchmarkUpdateSerial(b *testing.B) {
	db := openDB(b, nil)
	start := time.Now()
	i := 0
	for b.Loop() {
		i++
		err := db.Update(context.Background(), func(tx flows.Tx) error {
			_, err := tx.MarkSeen(bot.Telegram, fmt.Sprint(i), int64(i))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(i)/time.Since(start).Seconds(), "updates/s")
}

// BenchmarkGroupCommit compares the hand-written group commit (Update)
// with bbolt's own Batch (its defaults: MaxBatchDelay 10 ms, MaxBatchSize
// 1000) and with a plain bbolt Update per call (one fsync each), each call
// having the shape of one handled message: mark the update seen, store a
// session, enqueue a reply. "parallel" runs 64 goroutines on 2 cores, as
// many chats at once; "serial" runs one, as a quiet bot does. Group commit
// shares the fsyncs.
func BenchmarkGroupCommit(b *testing.B) {
	ways := []struct {
		name   string
		update func(db *store.DB, fn func(flows.Tx) error) error
	}{
		{"store.Update", func(db *store.DB, fn func(flows.Tx) error) error { return db.Update(context.Background(), fn) }},
		{"bolt.Batch", (*store.DB).BoltBatch},
		{"bolt.Update", (*store.DB).BoltUpdate},
	}
	for _, w := range ways {
		b.Run(w.name+"/parallel", func(b *testing.B) {
			db := openDB(b, nil)
			b.SetParallelism(32) // 64 goroutines on 2 cores
			var ctr atomicCounter
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := w.update(db, handled(ctr.next())); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
		})
		b.Run(w.name+"/serial", func(b *testing.B) {
			db := openDB(b, nil)
			i := int64(0)
			for b.Loop() {
				i++
				if err := w.update(db, handled(i)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}

// handled returns the writes of handling update i.
func handled(i int64) func(flows.Tx) error {
	return func(tx flows.Tx) error {
		u := bot.UserID{Platform: bot.Telegram, ID: fmt.Sprint(i)}
		if _, err := tx.MarkSeen(bot.Telegram, fmt.Sprint(i), i); err != nil {
			return err
		}
		if err := tx.PutSession(u.PrivateChat(), u, flows.Session{Flow: "report", Step: "item"}); err != nil {
			return err
		}
		return tx.Enqueue(bot.Reply{Chat: u.PrivateChat(), Text: "Cảm ơn đồng chí."})
	}
}

// BenchmarkDecodeMonth reads 250,000 members and their 250,000 reports of
// one month through View, as the organisation summary does, with 11 more
// months of reports stored beside them.
func BenchmarkDecodeMonth(b *testing.B) {
	const members = 250_000
	db := openDB(b, nil)
	fill(b, db, members, []flows.Month{202601, 202602, 202603, 202604, 202605, 202606, 202607, 202608, 202609, 202610, 202611, 202612})
	b.ResetTimer()
	for b.Loop() {
		var nm, nr int
		err := db.View(context.Background(), func(tx flows.Tx) error {
			ms, err := tx.Members("")
			if err != nil {
				return err
			}
			nm = len(ms)
			return tx.Reports(202611, func(r flows.Report) error { nr++; return nil })
		})
		if err != nil {
			b.Fatal(err)
		}
		if nm != members || nr != members {
			b.Fatalf("read %d members, %d reports", nm, nr)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/members, "ns/member")
}

// fill stores n members in 250 cells with one report per member and month.
func fill(b *testing.B, db *store.DB, n int, months []flows.Month) {
	b.Helper()
	const chunk = 25_000
	sub := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for lo := 0; lo < n; lo += chunk {
		update(b, db, func(tx flows.Tx) error {
			for i := lo; i < lo+chunk && i < n; i++ {
				m := flows.Member{
					Name:   fmt.Sprintf("Nguyễn Văn Thành %d", i),
					Cell:   fmt.Sprintf("C%03d", i%250),
					Users:  []bot.UserID{{Platform: bot.Telegram, ID: fmt.Sprint(5_000_000_000 + i)}},
					Joined: sub,
				}
				if err := tx.PutMember(&m); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for _, month := range months {
		for lo := 0; lo < n; lo += chunk {
			update(b, db, func(tx flows.Tx) error {
				for i := lo; i < lo+chunk && i < n; i++ {
					r := flows.Report{
						Member: flows.MemberID(i + 1), Month: month, Submitted: sub,
						Entries: []flows.Entry{
							{Item: 1, Status: flows.Done, Text: "Đọc sách về Bác"},
							{Item: 2, Status: flows.Doing, Text: "Giúp hộ nghèo"},
						},
					}
					if err := tx.PutReport(r); err != nil {
						return err
					}
				}
				return nil
			})
		}
	}
}

// BenchmarkOpenCheck measures what Open's checks of the data file cost on
// a big file: LAMTHEO_BENCH_MEMBERS members (default 20,000) with 12 months
// of reports, closed cleanly. "bolt" is bbolt's own open and close, the
// cost without checks; "clean" is Open and Close of a file closed cleanly
// (the full check only up to fullCheckSize); "unclean" is Open and Close of
// a file left open by a crash (the full check, before Open returns up to
// fullCheckSize, in the background above it, which Close waits for);
// "check" is Check.
func BenchmarkOpenCheck(b *testing.B) {
	members := 20_000
	if n, err := strconv.Atoi(os.Getenv("LAMTHEO_BENCH_MEMBERS")); err == nil {
		members = n
	}
	path := filepath.Join(b.TempDir(), "big.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	fill(b, db, members, []flows.Month{202601, 202602, 202603, 202604, 202605, 202606, 202607, 202608, 202609, 202610, 202611, 202612})
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d members: %.0f MB", members, float64(st.Size())/1e6)
	open := func(b *testing.B) {
		db, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("bolt", func(b *testing.B) {
		for b.Loop() {
			bdb, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := bdb.Close(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(st.Size())/1e6, "MB")
	})
	b.Run("clean", func(b *testing.B) {
		for b.Loop() {
			open(b)
		}
		b.ReportMetric(float64(st.Size())/1e6, "MB")
	})
	b.Run("unclean", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			markUnclean(b, path)
			b.StartTimer()
			open(b)
		}
		b.ReportMetric(float64(st.Size())/1e6, "MB")
	})
	b.Run("check", func(b *testing.B) {
		for b.Loop() {
			if _, err := store.Check(path, time.Second); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(st.Size())/1e6, "MB")
	})
}
