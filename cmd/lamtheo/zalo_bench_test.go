package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/zalo/zalotest"
	"lamtheo/flows"
)

// BenchmarkZaloBroadcast sends the first reminder of a month to 50 members
// on each of 6 Zalo bots ([[zalo.bots]], one cell each): the real engine
// queues the wave in one transaction, each bot's outbox sender drains its
// partition through the Zalo adapter, with the shipped default limits, to
// its own fake Bot API answering after 100 ms. Time is virtual
// (testing/synctest). It reports the slowest bot's send rate between its
// first and last message over the allowed rate (rate/limit, the minimum
// over the bots), the messages the fakes counted against the month per bot
// (quota-used, the largest), the 429s and the duplicate deliveries.
func BenchmarkZaloBroadcast(b *testing.B) {
	const bots, members = 6, 50
	var w zaloWave
	for b.Loop() {
		inBubble(b, func(t *testing.T) { w = zaloBroadcastWave(t, bots, members) })
	}
	b.ReportMetric(w.minRate/w.limit, "rate/limit")
	b.ReportMetric(w.meanRate/w.limit, "rate/limit-mean")
	b.ReportMetric(float64(w.quota), "quota-used")
	b.ReportMetric(float64(w.throttled), "429s")
	b.ReportMetric(float64(w.dups), "dups")
}

// zaloWave is what one broadcast measured.
type zaloWave struct {
	limit             float64 // allowed messages a second per bot
	minRate, meanRate float64 // achieved, per bot
	quota             int     // most messages one bot's fake counted this month
	throttled, dups   int
}

// zaloBroadcastWave runs the first reminder for members members on each
// of bots Zalo bots and measures it.
func zaloBroadcastWave(t *testing.T, bots, members int) zaloWave {
	loc, _ := DemoConfig().Location()
	slot := time.Date(2000, 1, 20, 8, 0, 0, 0, loc)
	time.Sleep(time.Until(slot.Add(time.Minute)))
	cfg := DemoConfig()
	cfg.Data.Path = filepath.Join(t.TempDir(), "lamtheo.db")
	cfg.Cells = nil
	var fakes []*zalotest.Server
	for i := range bots {
		code, name := fmt.Sprintf("C%02d", i+1), fmt.Sprintf("xa%d", i+1)
		cfg.Cells = append(cfg.Cells, CellConfig{Code: code, Name: "Chi bộ " + code})
		f := zalotest.NewServer(t, zalotest.InProcess(), zalotest.WithLatency(100*time.Millisecond),
			zalotest.WithToken(fmt.Sprintf("%019d:BenchToken%d-secret", i+1, i+1)),
			zalotest.WithBot(zalotest.Bot{ID: fmt.Sprintf("%019d", i+1), AccountName: "bot." + name, DisplayName: "Bot " + code}))
		fakes = append(fakes, f)
		cfg.Zalo.Bots = append(cfg.Zalo.Bots, ZaloBotConfig{Name: name, Title: "Bot " + code, Token: f.Token, Cells: []string{code}})
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := openApp(ctx, cfg, testText(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	err = a.db.Update(ctx, func(tx flows.Tx) error {
		for i, zb := range cfg.Zalo.bots() {
			for j := range members {
				m := flows.Member{Name: fmt.Sprintf("Đảng Viên %d", j), Cell: cfg.Cells[i].Code,
					Users: []bot.UserID{{Platform: zb.platform, ID: fmt.Sprintf("%02d%018x", i, j)}}}
				if err := tx.PutMember(&m); err != nil {
					return err
				}
				if err := tx.PutRosterEntry(flows.RosterEntryOf(m)); err != nil { // on the cell's roster, as connecting puts them
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var links []*link
	var reg platforms
	for _, zb := range cfg.Zalo.bots() {
		l, _, err := a.dialZalo(ctx, zb, chatOptions{zalo: zaloRouter(fakes)})
		if err != nil {
			t.Fatal(err)
		}
		links = append(links, l)
		reg = append(reg, l.conn)
	}
	a.eng.Platforms = reg
	if ran, err := a.eng.RunJob(ctx, flows.JobRemindFirst, slot, ""); err != nil || !ran {
		t.Fatalf("reminder job: ran=%v err=%v", ran, err)
	}
	done := make(chan error, len(links))
	for _, l := range links {
		out := a.db.Outbox(l.conn.Caps().Platform)
		l.sender.Outbox, l.sender.Conn, l.sender.Wake = out, l.conn, out.Wake()
		go func() { done <- l.sender.Run(ctx) }()
	}
	for _, l := range links {
		if err := l.sender.WaitIdle(ctx); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	for range links {
		<-done
	}
	w := zaloWave{limit: cfg.Zalo.PerSecond}
	for i, f := range fakes {
		sent := f.AllSent()
		if len(sent) != members {
			t.Fatalf("bot %d delivered %d reminders, want %d", i+1, len(sent), members)
		}
		perChat := make(map[string]int, members)
		for _, s := range sent {
			if perChat[s.ChatID]++; perChat[s.ChatID] > 1 {
				w.dups++
			}
		}
		rate := float64(len(sent)-1) / sent[len(sent)-1].Time.Sub(sent[0].Time).Seconds()
		if i == 0 || rate < w.minRate {
			w.minRate = rate
		}
		w.meanRate += rate / float64(len(fakes))
		w.quota = max(w.quota, f.SentInMonth(slot))
		w.throttled += f.TooManyRequests()
	}
	return w
}
