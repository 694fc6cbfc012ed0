package flows_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/flows"
	"lamtheo/flows/export"
)

// TestExportOffTheWriteTransaction: /xuat's update commits without the
// workbook being built; while the file worker builds it (a writer that
// blocks until released), another person's reply is handled and
// delivered; once released, the workbook goes out, its bytes loaded by the
// Sender from the stored file (the outbox holds only its id).
func TestExportOffTheWriteTransaction(t *testing.T) {
	h := xuatHarness(t)
	started, release := make(chan struct{}), make(chan struct{})
	h.eng.Spreadsheet = func(b flows.ExportBook) ([]byte, error) {
		close(started)
		<-release
		return export.Write(flows.Text(), b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	msg := func(key, user, txt string) bot.Message {
		u := tg(user)
		return bot.Message{Key: key, Chat: u.PrivateChat(), From: u, FromName: "Người Thử", Kind: bot.KindText, Text: txt}
	}
	if err := h.eng.Handle(ctx, msg("x1", "ha", "/xuat")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
		t.Fatal("the workbook was built in the update's transaction")
	default:
	}
	if envs := h.pending(0); len(envs) != 0 {
		t.Fatalf("the update queued %d replies, want none until the file is built", len(envs))
	}

	conn := bottest.NewConn()
	out := h.db.Outbox(bot.Telegram)
	sender := &bot.Sender{Outbox: out, Conn: conn, Wake: out.Wake(), Files: h.db}
	worker := &flows.FileWorker{Engine: h.eng, Wake: h.db.FileWake()}
	done := make(chan error, 2)
	go func() { done <- sender.Run(ctx) }()
	go func() { done <- worker.Run(ctx) }()
	<-started // the worker is building the workbook

	if err := h.eng.Handle(ctx, msg("x2", "an", "/help")); err != nil {
		t.Fatal(err)
	}
	if err := sender.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(conn.SentTo(tg("an").PrivateChat())); n != 1 {
		t.Fatalf("An got %d replies while the workbook was being built, want 1", n)
	}
	if n := len(conn.SentTo(tg("ha").PrivateChat())); n != 0 {
		t.Fatalf("Hà got %d replies before the workbook was built", n)
	}

	close(release)
	if err := worker.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sender.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	got := conn.SentTo(tg("ha").PrivateChat())
	if len(got) != 1 || got[0].Reply.File == nil {
		t.Fatalf("Hà got %+v, want one reply with the workbook", got)
	}
	f := got[0].Reply.File
	if f.ID == "" || f.Name != "lamtheo-c01-2026.xlsx" {
		t.Errorf("file %q id %q, want the stored lamtheo-c01-2026.xlsx", f.Name, f.ID)
	}
	book, err := excelize.OpenReader(bytes.NewReader(f.Data))
	if err != nil {
		t.Fatalf("the workbook sent does not open: %v", err)
	}
	book.Close()
	wantIn(t, got[0].Reply.Text, "Tệp tổng hợp Chi bộ thôn Đông")
	cancel()
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// TestFileRequestSurvivesRestart: a request committed but not built (the
// process stopped) is built by the next worker, once; its reply is queued
// once even when a second worker runs over the same store.
func TestFileRequestSurvivesRestart(t *testing.T) {
	h := xuatHarness(t)
	ctx := context.Background()
	u := tg("ha")
	if err := h.eng.Handle(ctx, bot.Message{Key: "x1", Chat: u.PrivateChat(), From: u, Kind: bot.KindText, Text: "/xuat 11"}); err != nil {
		t.Fatal(err)
	}
	// A new engine over the same store, as after a restart.
	for range 2 {
		eng := &flows.Engine{Store: h.db, Cfg: h.eng.Cfg, Text: h.eng.Text, Platforms: h.eng.Platforms, Spreadsheet: h.eng.Spreadsheet, Now: h.eng.Now}
		w := &flows.FileWorker{Engine: eng}
		if _, err := w.Build(ctx); err != nil {
			t.Fatal(err)
		}
	}
	reps := h.replies()
	if len(reps) != 1 || reps[0].File == nil || reps[0].File.Name != "lamtheo-c01-2026-11.xlsx" {
		t.Fatalf("got %s, want the workbook once", dump(reps))
	}
}

// TestFileWaitedForBeforeBulk: a file someone asks for is built before a
// bulk wave recorded earlier (the year-end dossiers): the worker's first
// batch, which the wave alone would fill, starts with it.
func TestFileWaitedForBeforeBulk(t *testing.T) {
	h := hosoHarness(t)
	ctx := context.Background()
	h.update(func(tx flows.Tx) error {
		m, _, err := tx.MemberOf(tg("an"))
		if err != nil {
			return err
		}
		for range 40 {
			q := flows.FileRequest{Kind: flows.FileDossier, Args: []string{strconv.FormatUint(uint64(m.ID), 10), "", "2026", "job"},
				At: h.now, Private: true, Reply: bot.Reply{Chat: tg("an").PrivateChat(), Bulk: true}}
			if err := tx.RequestFile(&q); err != nil {
				return err
			}
		}
		return nil
	})
	u := tg("ha")
	if err := h.eng.Handle(ctx, bot.Message{Key: "x1", Chat: u.PrivateChat(), From: u, Kind: bot.KindText, Text: "/xuat 11"}); err != nil {
		t.Fatal(err)
	}
	w := &flows.FileWorker{Engine: h.eng}
	n, err := w.Build(ctx)
	if err != nil || n == 0 || n >= 40 {
		t.Fatalf("Build = %d, %v; want one batch", n, err)
	}
	envs := h.pending(0) // what the batch queued, not building the rest
	if len(envs) == 0 || envs[0].Reply.File == nil || envs[0].Reply.File.Name != "lamtheo-c01-2026-11.xlsx" || envs[0].Reply.Bulk {
		t.Fatalf("the first batch of %d queued %d replies, the first %+v; want Hà's workbook first", n, len(envs), envs)
	}
}
