package flows_test

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/flows"
	"lamtheo/flows/text"
	"lamtheo/store"
)

// harness drives a real Engine over a real store in a temporary folder: it
// seeds records directly, sends texts and presses choices as a given person
// in a given chat, and collects what the engine queued in the outbox.
type harness struct {
	t     testing.TB
	db    *store.DB
	eng   *flows.Engine
	files *flows.FileWorker // built synchronously by replies
	loc   *time.Location
	now   time.Time // the engine's clock; change it with at
	n     int       // update keys sent so far
	seq   uint64    // last outbox envelope read
}

// newHarness opens a store and an engine whose clock reads now (in
// Asia/Ho_Chi_Minh when now has no zone of its own), with admins.
func newHarness(t testing.TB, now time.Time, admins ...bot.UserID) *harness {
	t.Helper()
	h := &harness{t: t, loc: vnZone(t), now: now}
	// Room ahead in the mapping, as the bot has (cmd/lamtheo's serveMmap):
	// a commit that grows it waits for every read transaction, and the
	// file worker writes an export inside one.
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{Loc: h.loc, Now: func() time.Time { return h.now },
		InitialMmapSize: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h.db = db
	cat, err := text.Default()
	if err != nil {
		t.Fatal(err)
	}
	var codeOf, codes int // the update the last code was made for, and how many for it
	newCode := func() string {
		if codeOf != h.n {
			codeOf, codes = h.n, 0
		}
		codes++
		if codes == 1 {
			return fmt.Sprint("CODE", h.n)
		}
		return fmt.Sprint("CODE", h.n, "X", codes)
	}
	h.eng = &flows.Engine{
		Store: db,
		Text:  cat,
		Cfg: flows.Config{
			OrgName: "Đảng bộ xã Thử", Loc: h.loc, Admins: admins, GraceDays: 5,
			Theme: "Học tập và làm theo Bác", Categories: []flows.Category{{Key: "cm1", Name: "Trung thành"}},
		},
		Now:       func() time.Time { return h.now },
		NewCode:   newCode,
		Platforms: testPlatforms{},
	}
	h.files = &flows.FileWorker{Engine: h.eng}
	return h
}

// pending returns the envelopes after seq of every outbox partition, in
// Seq order.
func (h *harness) pending(after uint64) []bot.Envelope {
	h.t.Helper()
	ctx := context.Background()
	ps, err := h.db.Partitions(ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	var envs []bot.Envelope
	for _, p := range ps {
		got, err := h.db.Outbox(p).Pending(ctx, after, 1000)
		if err != nil {
			h.t.Fatal(err)
		}
		envs = append(envs, got...)
	}
	slices.SortFunc(envs, func(a, b bot.Envelope) int { return cmp.Compare(a.Seq, b.Seq) })
	return envs
}

// testPlatforms are the capabilities flows tests assume: Telegram's and a
// Zalo bot's (no buttons, photos in, groups that need a mention).
type testPlatforms struct{}

func (tp testPlatforms) All() []bot.Caps {
	tg, _ := tp.Caps(bot.Telegram)
	z, _ := tp.Caps(bot.Zalo)
	return []bot.Caps{tg, z}
}

func (testPlatforms) Caps(p bot.Platform) (bot.Caps, bool) {
	switch p {
	case bot.Telegram:
		return bot.Caps{Platform: p, Service: "Telegram", Name: "@lamtheo_test_bot", Buttons: true, Edit: true, MaxText: 4096,
			Measure: bot.UTF16, GroupPrefix: "-", Upload: true, PhotoURL: true, ReceivePhotos: true, ReceiveFiles: true}, true
	case bot.Zalo:
		return bot.Caps{Platform: p, Service: "Zalo", Name: "Bot Xã Thử", MaxText: 2000, Measure: bot.UTF16,
			GroupPrefix: "g:", GroupMention: true, PhotoURL: true, ReceivePhotos: true}, true
	}
	return bot.Caps{}, false
}

// vnZone returns Vietnam's zone (a fixed UTC+7 when tzdata is missing).
func vnZone(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Logf("no tzdata (%v): using UTC+7", err)
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// date returns the instant y-mo-d h:00 in Vietnam.
func (h *harness) date(y, mo, d, hour int) time.Time {
	return time.Date(y, time.Month(mo), d, hour, 0, 0, 0, h.loc)
}

// at moves the engine's clock.
func (h *harness) at(t time.Time) { h.now = t }

// tg returns a Telegram user.
func tg(id string) bot.UserID { return bot.UserID{Platform: bot.Telegram, ID: id} }

// tgGroup returns a Telegram group chat.
func tgGroup(id string) bot.ChatID { return bot.ChatID{Platform: bot.Telegram, ID: id} }

// update runs fn in a write transaction of the store, failing the test on
// error.
func (h *harness) update(fn func(tx flows.Tx) error) {
	h.t.Helper()
	if err := h.db.Update(context.Background(), fn); err != nil {
		h.t.Fatal(err)
	}
}

// view runs fn in a read transaction of the store.
func (h *harness) view(fn func(tx flows.Tx) error) {
	h.t.Helper()
	if err := h.db.View(context.Background(), fn); err != nil {
		h.t.Fatal(err)
	}
}

// addCell stores a cell linked to groups.
func (h *harness) addCell(code, name string, groups ...bot.ChatID) {
	h.t.Helper()
	h.update(func(tx flows.Tx) error { return tx.PutCell(flows.Cell{Code: code, Name: name, Groups: groups}) })
}

// setGroups makes groups the group chats of the stored cell with code.
func (h *harness) setGroups(code string, groups ...bot.ChatID) {
	h.t.Helper()
	h.update(func(tx flows.Tx) error {
		c, _, err := tx.Cell(code)
		c.Groups = groups
		if err == nil {
			err = tx.PutCell(c)
		}
		return err
	})
}

// addMember stores m (with its Users) and returns it with its ID. It puts
// m on no roster: a member on none counts as their own entry (see
// withUnlisted).
func (h *harness) addMember(m flows.Member) flows.Member {
	h.t.Helper()
	if m.Joined.IsZero() {
		m.Joined = h.date(2020, 1, 1, 9)
	}
	h.update(func(tx flows.Tx) error { return tx.PutMember(&m) })
	return m
}

// member reloads the member with id.
func (h *harness) member(id flows.MemberID) flows.Member {
	h.t.Helper()
	var m flows.Member
	h.view(func(tx flows.Tx) error {
		var ok bool
		var err error
		m, ok, err = tx.Member(id)
		if err == nil && !ok {
			err = fmt.Errorf("member %d not found", id)
		}
		return err
	})
	return m
}

// putReport stores a submitted report (Submitted defaults to the clock).
func (h *harness) putReport(r flows.Report) {
	h.t.Helper()
	if r.Submitted.IsZero() {
		r.Submitted = h.now
	}
	h.update(func(tx flows.Tx) error { return tx.PutReport(r) })
}

// putPledge stores p.
func (h *harness) putPledge(p flows.Pledge) {
	h.t.Helper()
	h.update(func(tx flows.Tx) error { return tx.PutPledge(p) })
}

// unreachable makes the outbox record chat as unreachable, as the sender
// does when a platform says the person blocked the bot.
func (h *harness) unreachable(chat bot.ChatID) {
	h.t.Helper()
	h.update(func(tx flows.Tx) error { return tx.Enqueue(bot.Reply{Chat: chat, Text: "x"}) })
	ctx := context.Background()
	for _, e := range h.pending(h.seq) {
		if e.Reply.Chat == chat && e.Reply.Text == "x" {
			if err := h.db.Outbox(chat.Platform).Finish(ctx, e.Seq, bot.Result{Unreachable: true}); err != nil {
				h.t.Fatal(err)
			}
		}
	}
	h.replies()
}

// handle sends m (with a fresh update key) through the engine and returns
// the replies it queued.
func (h *harness) handle(m bot.Message) []bot.Reply {
	h.t.Helper()
	h.n++
	m.Key = fmt.Sprint("u", h.n)
	if m.FromName == "" {
		m.FromName = "Người Thử"
	}
	if err := h.eng.Handle(context.Background(), m); err != nil {
		h.t.Fatalf("handle %q: %v", m.Text+m.Data, err)
	}
	return h.replies()
}

// send types txt in u's private chat.
func (h *harness) send(u bot.UserID, txt string) []bot.Reply {
	return h.handle(bot.Message{Chat: u.PrivateChat(), From: u, Kind: bot.KindText, Text: txt})
}

// sendIn types txt as u in the group chat.
func (h *harness) sendIn(group bot.ChatID, u bot.UserID, txt string) []bot.Reply {
	return h.handle(bot.Message{Chat: group, Group: true, ChatTitle: "Nhóm", From: u, Kind: bot.KindText, Text: txt})
}

// press presses the choice with data in u's private chat.
func (h *harness) press(u bot.UserID, data string) []bot.Reply {
	return h.handle(bot.Message{Chat: u.PrivateChat(), From: u, Kind: bot.KindCallback, Data: data, CallbackID: "cb"})
}

// choose presses, in u's private chat, the choice whose label contains label
// among the choices of replies (the last reply offering one wins).
func (h *harness) choose(u bot.UserID, replies []bot.Reply, label string) []bot.Reply {
	h.t.Helper()
	c, ok := findChoice(replies, label)
	if !ok {
		h.t.Fatalf("no choice %q in:\n%s", label, dump(replies))
	}
	return h.press(u, c.Data)
}

// catalogueMiss matches a text the catalogue could not render.
var catalogueMiss = regexp.MustCompile(`\[[a-z0-9_.]+(\]|: )`)

// replies returns the replies queued since the last call, failing the test
// on a text the catalogue could not render.
func (h *harness) replies() []bot.Reply {
	h.t.Helper()
	h.buildFiles()
	envs := h.pending(h.seq)
	out := make([]bot.Reply, 0, len(envs))
	for _, e := range envs {
		h.seq = e.Seq
		if catalogueMiss.MatchString(e.Reply.Text) {
			h.t.Errorf("catalogue miss in reply: %s", e.Reply.Text)
		}
		if f := e.Reply.File; f != nil && f.ID != "" && len(f.Data) == 0 {
			data, err := h.db.FileData(context.Background(), f.ID)
			if err != nil {
				h.t.Fatalf("file of reply %d: %v", e.Seq, err)
			}
			nf := *f
			nf.Data = data
			e.Reply.File = &nf
		}
		out = append(out, e.Reply)
	}
	return out
}

// buildFiles builds every file requested so far, as the file worker does.
func (h *harness) buildFiles() {
	h.t.Helper()
	for {
		n, err := h.files.Build(context.Background())
		if err != nil {
			h.t.Fatalf("build files: %v", err)
		}
		if n == 0 {
			return
		}
	}
}

// findChoice returns the choice whose label contains label, searching the
// replies from the last.
func findChoice(replies []bot.Reply, label string) (bot.Choice, bool) {
	for i := len(replies) - 1; i >= 0; i-- {
		for _, c := range replies[i].Flat() {
			if strings.Contains(c.Label, label) {
				return c, true
			}
		}
	}
	return bot.Choice{}, false
}

// to returns the replies to chat.
func to(replies []bot.Reply, chat bot.ChatID) []bot.Reply {
	var out []bot.Reply
	for _, r := range replies {
		if r.Chat == chat {
			out = append(out, r)
		}
	}
	return out
}

// joined returns the texts of replies, one after the other.
func joined(replies []bot.Reply) string {
	var b strings.Builder
	for _, r := range replies {
		b.WriteString(r.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// labels returns the labels of every choice of replies, in order.
func labels(replies []bot.Reply) []string {
	var out []string
	for _, r := range replies {
		for _, c := range r.Flat() {
			out = append(out, c.Label)
		}
	}
	return out
}

// dump renders replies for a failure message.
func dump(replies []bot.Reply) string {
	var b strings.Builder
	for _, r := range replies {
		fmt.Fprintf(&b, "→ %s: %s\n", r.Chat, r.Text)
		for _, c := range r.Flat() {
			fmt.Fprintf(&b, "   [%s] %s\n", c.Label, c.Data)
		}
	}
	return b.String()
}

// wantIn fails the test unless every s is in got.
func wantIn(t testing.TB, got string, ss ...string) {
	t.Helper()
	for _, s := range ss {
		if !strings.Contains(got, s) {
			t.Errorf("missing %q in:\n%s", s, got)
		}
	}
}

// wantNotIn fails the test if any s is in got.
func wantNotIn(t testing.TB, got string, ss ...string) {
	t.Helper()
	for _, s := range ss {
		if strings.Contains(got, s) {
			t.Errorf("unexpected %q in:\n%s", s, got)
		}
	}
}

// tap presses, in u's private chat, the button with the choice data plain
// of the question u was asked last (as a button of that question carries
// it): for tests that name a choice by its data rather than its label.
func (h *harness) tap(u bot.UserID, plain string) []bot.Reply {
	h.t.Helper()
	var q uint64
	h.view(func(tx flows.Tx) error {
		s, _, err := tx.Session(u.PrivateChat(), u)
		q = s.Question
		return err
	})
	data := plain
	if q > 0 {
		data = fmt.Sprint(q, "|", plain)
	}
	return h.press(u, data)
}

// serve hands m (with a fresh update key) to the engine through a
// bot.Server over a recording Conn, as a platform would, and returns the
// replies queued and the note the press was acknowledged with.
func (h *harness) serve(m bot.Message) (replies []bot.Reply, toast string) {
	h.t.Helper()
	return h.serveRetries(m, 0)
}

// serveRetries is serve with the Server's Retries (0: its default).
func (h *harness) serveRetries(m bot.Message, retries int) (replies []bot.Reply, toast string) {
	h.t.Helper()
	h.n++
	m.Key = fmt.Sprint("u", h.n)
	if m.FromName == "" {
		m.FromName = "Người Thử"
	}
	conn := bottest.NewConn()
	conn.Push(m)
	conn.Close()
	if err := (&bot.Server{Conn: conn, Handler: h.eng, Retries: retries}).Serve(context.Background()); err != nil {
		h.t.Fatalf("serve %q: %v", m.Text+m.Data, err)
	}
	acks := conn.Acks()
	if len(acks) != 1 {
		h.t.Fatalf("%d acks, want 1", len(acks))
	}
	return h.replies(), acks[0].Toast
}

// runJob runs job as cmd does and returns whether it ran and what it queued.
func (h *harness) runJob(job flows.Job, slot time.Time, cell string) (bool, []bot.Reply) {
	h.t.Helper()
	ran, err := h.eng.RunJob(context.Background(), job, slot, cell)
	if err != nil {
		h.t.Fatalf("RunJob(%s, %s, %q): %v", job, slot, cell, err)
	}
	return ran, h.replies()
}

// chats returns the distinct chats of replies.
func chats(replies []bot.Reply) map[bot.ChatID]int {
	out := map[bot.ChatID]int{}
	for _, r := range replies {
		out[r.Chat]++
	}
	return out
}

func sameCount(a, b map[bot.ChatID]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
