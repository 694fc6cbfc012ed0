package flows_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

// faultStore is the store with some records damaged, as a bit flip on disk
// would leave them: lookups of them fail with an error wrapping
// flows.ErrDamaged, listings skip them with a *flows.DamagedError (what
// the real store does, see store's TestDamagedRecords), and a cell's
// listing can panic, as bbolt does on a damaged page.
type faultStore struct {
	*store.DB
	member    flows.MemberID // this member's record is damaged
	report    flows.MemberID // this member's reports are damaged
	panicCell string         // listing this cell's members panics
}

func (f *faultStore) Update(ctx context.Context, fn func(flows.Tx) error) error {
	return f.DB.Update(ctx, func(tx flows.Tx) error { return fn(faultTx{tx, f}) })
}

func (f *faultStore) View(ctx context.Context, fn func(flows.Tx) error) error {
	return f.DB.View(ctx, func(tx flows.Tx) error { return fn(faultTx{tx, f}) })
}

type faultTx struct {
	flows.Tx
	f *faultStore
}

func damaged(what string) error {
	return fmt.Errorf("%s: %w: bad varint at byte 3", what, flows.ErrDamaged)
}

func (t faultTx) Member(id flows.MemberID) (flows.Member, bool, error) {
	if id == t.f.member {
		return flows.Member{}, false, damaged(fmt.Sprint("member ", id))
	}
	return t.Tx.Member(id)
}

func (t faultTx) MemberOf(u bot.UserID) (flows.Member, bool, error) {
	m, ok, err := t.Tx.MemberOf(u)
	if ok && m.ID == t.f.member {
		return flows.Member{}, false, damaged(fmt.Sprint("member ", m.ID))
	}
	return m, ok, err
}

func (t faultTx) Members(cell string) ([]flows.Member, error) {
	if cell != "" && cell == t.f.panicCell {
		panic("page 42 already freed")
	}
	ms, err := t.Tx.Members(cell)
	out := ms[:0:0]
	var de *flows.DamagedError
	for _, m := range ms {
		if m.ID == t.f.member {
			de = &flows.DamagedError{Records: []string{fmt.Sprint("member ", m.ID)}, Err: damaged("member")}
			continue
		}
		out = append(out, m)
	}
	if err == nil && de != nil {
		err = de
	}
	return out, err
}

func (t faultTx) EachMember(fn func(flows.Member) error) error {
	var de *flows.DamagedError
	err := t.Tx.EachMember(func(m flows.Member) error {
		if m.ID == t.f.member {
			de = &flows.DamagedError{Records: []string{fmt.Sprint("member ", m.ID)}, Err: damaged("member")}
			return nil
		}
		return fn(m)
	})
	if err == nil && de != nil {
		return de
	}
	return err
}

func (t faultTx) Report(id flows.MemberID, m flows.Month) (flows.Report, bool, error) {
	if id == t.f.report {
		return flows.Report{}, false, damaged(fmt.Sprint("report ", id))
	}
	return t.Tx.Report(id, m)
}

func (t faultTx) Reports(m flows.Month, fn func(flows.Report) error) error {
	var de *flows.DamagedError
	err := t.Tx.Reports(m, func(r flows.Report) error {
		if r.Member == t.f.report {
			de = &flows.DamagedError{Records: []string{fmt.Sprint("report ", r.Member)}, Err: damaged("report")}
			return nil
		}
		return fn(r)
	})
	if err == nil && de != nil {
		return de
	}
	return err
}

// TallyMembers and TallyReports skip the digests of the damaged records,
// as the store's check would find them (the organisation's figures read
// the digests, not the records).
func (t faultTx) TallyMembers(fn func(flows.MemberTally) error) error {
	return skipDamaged(func(fn func(flows.MemberTally) error) error { return t.Tx.TallyMembers(fn) },
		func(m flows.MemberTally) bool { return m.Member.ID == t.f.member }, func(m flows.MemberTally) string { return fmt.Sprint("member ", m.Member.ID) }, fn)
}

func (t faultTx) TallyReports(month flows.Month, fn func(flows.ReportTally) error) error {
	return skipDamaged(func(fn func(flows.ReportTally) error) error { return t.Tx.TallyReports(month, fn) },
		func(r flows.ReportTally) bool { return r.Member == t.f.report }, func(r flows.ReportTally) string { return fmt.Sprint("report ", r.Member) }, fn)
}

// skipDamaged runs the listing each, skipping the values bad says are
// damaged and reporting them (named by what) as a *flows.DamagedError.
func skipDamaged[T any](each func(func(T) error) error, bad func(T) bool, what func(T) string, fn func(T) error) error {
	var de *flows.DamagedError
	err := each(func(v T) error {
		if bad(v) {
			de = &flows.DamagedError{Records: []string{what(v)}, Err: damaged(what(v))}
			return nil
		}
		return fn(v)
	})
	if err == nil && de != nil {
		return de
	}
	return err
}

// damage makes the engine read the org's store through a faultStore.
func (o *org) damage(f *faultStore) {
	f.DB = o.db
	o.eng.Store = f
}

// TestDamagedMemberSetAside (finding 3): Sáu's member record cannot be
// read, so every message of his fails; the server sets it aside after its
// tries: Sáu is told politely, the admins are told once (his cell cannot be
// read), the update is kept with its error and confirmed, and everyone
// else is served.
func TestDamagedMemberSetAside(t *testing.T) {
	o := newOrg(t)
	o.damage(&faultStore{member: o.sau.ID})
	msg := bot.Message{Chat: o.uSau.PrivateChat(), From: o.uSau, FromName: "Sáu", Kind: bot.KindText, Text: "/baocao"}
	got, _ := o.serveRetries(msg, 1)
	wantIn(t, joined(to(got, o.uSau.PrivateChat())), "Xin lỗi đồng chí, bot gặp trục trặc")
	wantIn(t, joined(to(got, o.admin.PrivateChat())), "tin nhắn của đồng chí Sáu", "kiểm tra tệp dữ liệu")
	o.view(func(tx flows.Tx) error {
		as, err := tx.Asides()
		if len(as) != 1 || as[0].Text != "/baocao" || as[0].From != o.uSau || !strings.Contains(as[0].Err, "damaged record") {
			t.Errorf("asides %+v", as)
		}
		return err
	})
	if got := o.send(o.uBa, "/help"); len(got) != 1 {
		t.Errorf("Ba after the damaged update: %s", dump(got))
	}
	// Again: Sáu is told again, the admins not again today.
	got, _ = o.serveRetries(msg, 1)
	if n := len(to(got, o.admin.PrivateChat())); n != 0 || len(to(got, o.uSau.PrivateChat())) != 1 {
		t.Errorf("second damaged update: %s", dump(got))
	}
}

// TestDamagedGroupCommandSetAside: a command in a group that fails every
// try is answered in the group and the group's cell's secretary is told.
func TestDamagedGroupCommandSetAside(t *testing.T) {
	o := newOrg(t)
	o.damage(&faultStore{report: o.ba.ID}) // /summary in the group reads Ba's report
	got, _ := o.serveRetries(bot.Message{Chat: o.g1, Group: true, From: o.uBon, FromName: "Bốn", Kind: bot.KindText, Text: "/summary"}, 1)
	wantIn(t, joined(to(got, o.g1)), "Xin lỗi đồng chí")
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "Lê Văn Bốn (Chi bộ thôn Đông)")
	if n := len(to(got, o.admin.PrivateChat())); n != 0 {
		t.Errorf("the admin was told although the cell has a secretary")
	}
}

// TestJobsSkipDamaged (finding 3): a reminder, a leaderboard and a
// campaign that meet a damaged member, report or cell skip it, serve
// everyone else and tell the admins what they skipped.
func TestJobsSkipDamaged(t *testing.T) {
	o := newOrg(t)
	o.damage(&faultStore{member: o.sau.ID, panicCell: "C03"})
	ran, got := o.runJob(flows.JobRemindFirst, o.date(2026, 11, 20, 8), "")
	if !ran {
		t.Fatal("the reminder did not run")
	}
	if len(to(got, o.uHai.PrivateChat())) != 1 || len(to(got, o.uSau.PrivateChat())) != 0 || len(to(got, o.uChin.PrivateChat())) != 0 {
		t.Errorf("reminders:\n%s", dump(got))
	}
	note := joined(to(got, o.admin.PrivateChat()))
	wantIn(t, note, "bỏ qua", fmt.Sprint("member ", o.sau.ID), "cell C03")

	o2 := newOrg(t)
	o2.at(o2.date(2026, 12, 6, 9))
	o2.damage(&faultStore{report: o2.bon.ID})
	ran, got = o2.runJob(flows.JobLeaderboard, o2.date(2026, 12, 6, 8), "")
	if !ran || len(to(got, o2.g1)) != 1 || len(to(got, o2.g2)) != 1 {
		t.Fatalf("leaderboard: ran=%v\n%s", ran, dump(got))
	}
	wantIn(t, joined(to(got, o2.admin.PrivateChat())), fmt.Sprint("report ", o2.bon.ID))

	o3 := newOrg(t)
	o3.at(o3.date(2027, 1, 10, 9))
	o3.damage(&faultStore{member: o3.tam.ID, panicCell: "C01"})
	ran, got = o3.runJob(flows.JobCampaign, o3.date(2027, 1, 10, 8), "")
	if !ran || len(to(got, o3.uChin.PrivateChat())) != 1 || len(to(got, o3.uBa.PrivateChat())) != 0 {
		t.Fatalf("campaign: ran=%v\n%s", ran, dump(got))
	}
	wantIn(t, joined(to(got, o3.admin.PrivateChat())), "cell C01", fmt.Sprint("member ", o3.tam.ID))

	// A store that fails otherwise still fails the run (to be tried again).
	o4 := newOrg(t)
	o4.eng.Store = failingStore{o4.db}
	if _, err := o4.eng.RunJob(context.Background(), flows.JobRemindFirst, o4.date(2026, 11, 20, 8), ""); err == nil {
		t.Error("a failing store did not fail the run")
	}
}

// failingStore fails every listing of members with an error that is no
// damage (a full disk, say).
type failingStore struct{ *store.DB }

func (f failingStore) Update(ctx context.Context, fn func(flows.Tx) error) error {
	return f.DB.Update(ctx, func(tx flows.Tx) error { return fn(failingTx{tx}) })
}

type failingTx struct{ flows.Tx }

func (failingTx) Members(string) ([]flows.Member, error) {
	return nil, errors.New("read: input/output error")
}

// sessionFault damages the sessions of one chat.
type sessionFault struct {
	*store.DB
	chat bot.ChatID
}

func (f *sessionFault) Update(ctx context.Context, fn func(flows.Tx) error) error {
	return f.DB.Update(ctx, func(tx flows.Tx) error { return fn(sessionTx{tx, f}) })
}

type sessionTx struct {
	flows.Tx
	f *sessionFault
}

func (t sessionTx) Session(chat bot.ChatID, user bot.UserID) (flows.Session, bool, error) {
	if chat == t.f.chat {
		return flows.Session{}, false, damaged("session")
	}
	return t.Tx.Session(chat, user)
}

func (t sessionTx) DeleteSession(chat bot.ChatID, user bot.UserID) error {
	t.f.chat = bot.ChatID{} // deleting it repairs it
	return t.Tx.DeleteSession(chat, user)
}

// TestDamagedSessionDropped: a conversation whose stored state cannot be
// read is forgotten, and the message is handled as if there were none.
func TestDamagedSessionDropped(t *testing.T) {
	o := newOrg(t)
	f := &sessionFault{DB: o.db, chat: o.uBa.PrivateChat()}
	o.eng.Store = f
	if got := o.send(o.uBa, "/help"); len(got) != 1 || !strings.Contains(got[0].Text, "/baocao") {
		t.Fatalf("a damaged session: %s", dump(got))
	}
	if !f.chat.IsZero() {
		t.Error("the damaged session was not deleted")
	}
}

// cellFault damages one cell's record until it is written again.
type cellFault struct {
	*store.DB
	cell string
}

func (f *cellFault) Update(ctx context.Context, fn func(flows.Tx) error) error {
	return f.DB.Update(ctx, func(tx flows.Tx) error { return fn(cellTx{tx, f}) })
}

type cellTx struct {
	flows.Tx
	f *cellFault
}

func (t cellTx) Cell(code string) (flows.Cell, bool, error) {
	if code == t.f.cell {
		return flows.Cell{}, false, damaged("cell " + code)
	}
	return t.Tx.Cell(code)
}

func (t cellTx) PutCell(c flows.Cell) error {
	if c.Code == t.f.cell {
		t.f.cell = ""
	}
	return t.Tx.PutCell(c)
}

// TestSyncCellsOverDamaged: a damaged cell record does not stop the bot
// from starting: it is written again from the configuration.
func TestSyncCellsOverDamaged(t *testing.T) {
	o := newOrg(t)
	f := &cellFault{DB: o.db, cell: "C02"}
	o.eng.Store = f
	if err := o.eng.SyncCells(context.Background(), []flows.Cell{{Code: "C01", Name: "Chi bộ thôn Đông"}, {Code: "C02", Name: "Chi bộ thôn Tây"}}); err != nil {
		t.Fatalf("SyncCells over a damaged cell: %v", err)
	}
	if f.cell != "" {
		t.Error("the damaged cell was not written again")
	}
}
