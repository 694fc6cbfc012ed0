package flows_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// TestDossierOffTheWriteTransaction: /hoso's update commits without the
// PDF being written; while the file worker writes it (a writer that blocks
// until released), another person's update is handled and its reply
// queued; once released, the dossier goes out with /hoso's line, its bytes
// in the file store. The year-end job likewise only records requests: no
// PDF is written while the job's transaction runs.
func TestDossierOffTheWriteTransaction(t *testing.T) {
	h := hosoHarness(t)
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var calls atomic.Int32
	h.eng.DossierPDF = func(d flows.Dossier) ([]byte, error) {
		calls.Add(1)
		once.Do(func() { close(started) })
		<-release
		return fmt.Appendf(nil, "%s|%d", d.Name, d.Year), nil
	}
	ctx := context.Background()
	msg := func(key, user, txt string) bot.Message {
		u := tg(user)
		return bot.Message{Key: key, Chat: u.PrivateChat(), From: u, FromName: "Người Thử", Kind: bot.KindText, Text: txt}
	}
	handled := make(chan error, 1)
	go func() { handled <- h.eng.Handle(ctx, msg("d1", "an", "/hoso")) }()
	select {
	case <-started:
		close(release)
		t.Fatal("the dossier was written in the update's transaction")
	case err := <-handled:
		if err != nil {
			t.Fatal(err)
		}
	}
	if envs := h.pending(0); len(envs) != 0 {
		t.Fatalf("the update queued %d replies, want none until the file is built", len(envs))
	}

	built := make(chan error, 1)
	go func() { _, err := h.files.Build(ctx); built <- err }()
	<-started // the worker is writing the PDF
	if err := h.eng.Handle(ctx, msg("d2", "dao", "/help")); err != nil {
		t.Fatal(err)
	}
	if envs := h.pending(0); len(envs) != 1 || envs[0].Reply.Chat != tg("dao").PrivateChat() {
		t.Fatalf("while the PDF was being written: %d replies queued, want Đào's /help", len(envs))
	}
	close(release)
	if err := <-built; err != nil {
		t.Fatal(err)
	}
	reps := h.replies()
	var got *bot.Reply
	for i, r := range reps {
		if r.Chat == tg("an").PrivateChat() {
			got = &reps[i]
		}
	}
	if got == nil || got.File == nil || got.File.Name != "ho-so-bui-van-an-2026.pdf" || string(got.File.Data) != "Bùi Văn An|2026" {
		t.Fatalf("An got %s, want his dossier", dump(reps))
	}
	wantIn(t, got.Text, "Hồ sơ năm 2026 của đồng chí Bùi Văn An: 2 nội dung đăng ký")

	// The year-end job.
	slot := time.Date(2026, 12, 20, 9, 0, 0, 0, h.loc)
	h.at(slot.Add(time.Minute))
	n := calls.Load()
	if ran, err := h.eng.RunJob(ctx, flows.JobDossier, slot, ""); err != nil || !ran {
		t.Fatalf("RunJob: %v %v", ran, err)
	}
	if calls.Load() != n {
		t.Fatal("the year-end job wrote PDFs in its transaction")
	}
	if envs := h.pending(h.seq); len(envs) != 0 {
		t.Fatalf("the job queued %d replies, want none until the files are built", len(envs))
	}
	if reps := h.replies(); len(reps) != 9 || calls.Load() != n+9 {
		t.Errorf("the worker sent %d dossiers (%d written), want 9 (all but the exempt Long):\n%s", len(reps), calls.Load()-n, dump(reps))
	}
}

// TestDossierJobSurvivesRestart: the year-end job's requests, committed
// with the slot's mark but not built (the process stopped), are built by
// the next process's worker, each once, even when a second worker runs
// over the same store; the slot does not run again.
func TestDossierJobSurvivesRestart(t *testing.T) {
	h := hosoHarness(t)
	ctx := context.Background()
	slot := time.Date(2026, 12, 20, 9, 0, 0, 0, h.loc)
	h.at(slot.Add(time.Minute))
	if ran, err := h.eng.RunJob(ctx, flows.JobDossier, slot, "C02"); err != nil || !ran {
		t.Fatalf("RunJob: %v %v", ran, err)
	}
	if envs := h.pending(0); len(envs) != 0 {
		t.Fatalf("the job queued %d replies itself, want its requests only", len(envs))
	}
	for range 2 {
		eng := &flows.Engine{Store: h.db, Cfg: h.eng.Cfg, Text: h.eng.Text, Platforms: h.eng.Platforms, DossierPDF: h.eng.DossierPDF, Now: h.eng.Now}
		w := &flows.FileWorker{Engine: eng}
		if _, err := w.Build(ctx); err != nil {
			t.Fatal(err)
		}
		if ran, err := eng.RunJob(ctx, flows.JobDossier, slot, "C02"); err != nil || ran {
			t.Fatalf("the slot ran again after a restart: %v %v", ran, err)
		}
	}
	reps := h.replies()
	if len(reps) != 1 || reps[0].File == nil || reps[0].File.Name != "ho-so-do-van-tay-2026.pdf" || !reps[0].Bulk {
		t.Fatalf("got %s, want Tây's dossier once, as a bulk message", dump(reps))
	}
}

// TestDossierZaloLink: with [files] public_url, Zalo (no uploads) gets
// /hoso's PDF and the cell's zip as an expiring link in the private chat;
// in a group the command only points to the private chat and no link
// goes anywhere; the year-end job reaches a Zalo-only member by link.
// Without a public URL (TestDossierCell, TestDossierJob) Zalo gets none.
func TestDossierZaloLink(t *testing.T) {
	h := hosoHarness(t)
	h.eng.FileURL = "https://bot.example.vn/files"
	zha := bot.UserID{Platform: bot.Zalo, ID: "zha"}
	h.addCell("C01", "Chi bộ thôn Đông", zlGroup("g1"))
	h.update(func(tx flows.Tx) error {
		m, _, err := tx.MemberOf(tg("ha"))
		if err != nil {
			return err
		}
		m.Users = []bot.UserID{zha}
		return tx.PutMember(&m)
	})
	link := "Tải tệp tại: https://bot.example.vn/files/"
	for _, tc := range []struct{ args, text string }{
		{"", "Hồ sơ năm 2026 của đồng chí Nguyễn Thị Hà"},
		{"3", "Hồ sơ năm 2026 của đồng chí Lê Thị Đào"},
		{"cả chi bộ", "Hồ sơ năm 2026 của 9 đảng viên Chi bộ thôn Đông"},
	} {
		reps := h.send(zha, strings.TrimSpace("/hoso "+tc.args))
		if len(reps) != 1 || reps[0].File != nil || reps[0].Chat != zha.PrivateChat() {
			t.Fatalf("/hoso %s on Zalo: %s", tc.args, dump(reps))
		}
		wantIn(t, reps[0].Text, tc.text, link, "(hết hạn sau 24 giờ)")
	}
	reps := h.sendIn(zlGroup("g1"), zha, "/hoso")
	for _, r := range reps {
		if r.File != nil || r.Photo != "" || strings.Contains(r.Text, link) || r.Chat.ID == zlGroup("g1").ID {
			t.Errorf("/hoso in the Zalo group: %s", dump(reps))
		}
	}
	if len(reps) != 1 || reps[0].Chat != zha.PrivateChat() || !strings.Contains(reps[0].Text, "chỉ dùng khi nhắn riêng") {
		t.Errorf("/hoso in the Zalo group, want a pointer to the private chat: %s", dump(reps))
	}

	slot := time.Date(2026, 12, 20, 9, 0, 0, 0, h.loc)
	h.at(slot.Add(time.Minute))
	_, reps = h.runJob(flows.JobDossier, slot, "C01")
	var zalo []string
	for _, r := range reps {
		if r.Chat.Platform == bot.Zalo {
			if !r.Bulk || r.File != nil || !strings.Contains(r.Text, link) {
				t.Errorf("the job on Zalo: %+v", r)
			}
			zalo = append(zalo, r.Chat.ID)
		}
	}
	if !slices.Equal(zalo, []string{zha.ID}) {
		t.Errorf("the job reached %q on Zalo, want Hà's private chat", zalo)
	}
	if hz := to(reps, zha.PrivateChat()); len(hz) != 1 || !strings.HasPrefix(hz[0].Text, flows.T(text.DossierJobNote, struct {
		Name string
		Year int
	}{"Nguyễn Thị Hà", 2026})) {
		t.Errorf("Hà's note on Zalo: %s", dump(hz))
	}
}
