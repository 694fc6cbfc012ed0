package flows_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
	"lamtheo/flows"
)

// groupHarness is a harness with a secretary of C01 and the cell's code,
// fetched in the secretary's chat, and a flood limit of 4 messages an hour.
func groupHarness(t *testing.T) (*harness, string) {
	h := newHarness(t, time.Date(2026, 11, 10, 9, 0, 0, 0, vnZone(t)))
	h.eng.Flood = flows.FloodLimit{Burst: 4, Every: time.Hour}
	h.addCell("C01", "Chi bộ thôn Đông")
	sec := h.addMember(flows.Member{Name: "Nguyễn Thị Lan", Cell: "C01", Secretary: true, Users: []bot.UserID{tg("10")}})
	return h, h.code(sec.Users[0])
}

// TestHandleGroupLikeOneByOne: a newcomer's burst in their chat (connect
// with the code, confirm the name, ask for help twice, then more than the
// flood limit lets through, a button press among them) is applied by
// HandleGroup in one commit with the very effect Handle has message by
// message: the same replies in the same order, the same toasts, the same
// member record. The group applied again changes nothing (each update is
// marked processed in the group's transaction).
func TestHandleGroupLikeOneByOne(t *testing.T) {
	ctx := context.Background()
	u := tg("55")
	msg := func(i int, kind bot.Kind, s string) bot.Message {
		m := bot.Message{Key: fmt.Sprint("g", i), Chat: u.PrivateChat(), From: u, FromName: "Trần Văn Hùng", Kind: kind}
		if kind == bot.KindCallback {
			m.Data, m.CallbackID = s, "cb"
		} else {
			m.Text = s
		}
		return m
	}

	// One by one, each in its own transaction.
	one, code := groupHarness(t)
	var msgs []bot.Message
	var wantReplies []bot.Reply
	var wantToasts []string
	step := func(m bot.Message) []bot.Reply {
		t.Helper()
		msgs = append(msgs, m)
		reps, toast := one.serve(m) // alone: Handle, then the toast
		wantReplies = append(wantReplies, reps...)
		wantToasts = append(wantToasts, toast)
		return reps
	}
	reps := step(msg(1, bot.KindText, "/join "+code))
	c, ok := findChoice(reps, "Đúng tên này")
	if !ok {
		t.Fatalf("no confirmation in:\n%s", dump(reps))
	}
	step(msg(2, bot.KindCallback, c.Data))
	step(msg(3, bot.KindText, "/help"))
	step(msg(4, bot.KindText, "/help"))
	step(msg(5, bot.KindText, "/help"))        // over the limit: told so
	step(msg(6, bot.KindCallback, c.Data))     // over the limit: a toast
	step(msg(7, bot.KindText, "xin chào bot")) // over the limit: silence
	if wantToasts[5] == "" {
		t.Fatalf("no toast for the press over the limit: %q", wantToasts)
	}

	// The same messages as one group, in one transaction.
	grp, code2 := groupHarness(t)
	if code2 != code {
		t.Fatalf("codes differ: %s, %s", code, code2)
	}
	before := grp.db.Commits()
	toasts, err := grp.eng.HandleGroup(ctx, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if n := grp.db.Commits() - before; n != 1 {
		t.Errorf("%d commits for the group, want 1", n)
	}
	got := grp.replies()
	if len(got) != len(wantReplies) {
		t.Fatalf("group queued:\n%s\none by one:\n%s", dump(got), dump(wantReplies))
	}
	for i := range got {
		if got[i].Text != wantReplies[i].Text || !slices.Equal(got[i].Flat(), wantReplies[i].Flat()) {
			t.Errorf("reply %d: group %q, one by one %q", i, got[i].Text, wantReplies[i].Text)
		}
	}
	if !slices.Equal(toasts, wantToasts) {
		t.Errorf("toasts %q, want %q", toasts, wantToasts)
	}
	var mOne, mGrp flows.Member
	one.view(func(tx flows.Tx) (err error) { mOne, _, err = tx.MemberOf(u); return err })
	grp.view(func(tx flows.Tx) (err error) { mGrp, _, err = tx.MemberOf(u); return err })
	if mOne.Name != "Trần Văn Hùng" || mGrp.Name != mOne.Name || mGrp.Cell != mOne.Cell {
		t.Errorf("member one by one %+v, in a group %+v", mOne, mGrp)
	}

	// Delivered again (the platform's confirmation was lost): nothing new.
	if _, err := grp.eng.HandleGroup(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	if again := grp.replies(); len(again) != 0 {
		t.Errorf("the group applied again queued:\n%s", dump(again))
	}
}

// TestServeGroupWithDamagedUpdate: three messages of a cell's group come
// in one batch and the middle one (/summary, which meets a damaged report)
// fails every try. The group is handled again one by one: the first and
// the last are answered in order, the middle one is set aside (the group
// is told sorry, the secretary told), and all three are confirmed.
func TestServeGroupWithDamagedUpdate(t *testing.T) {
	o := newOrg(t)
	o.damage(&faultStore{report: o.ba.ID})
	msg := func(key string, u bot.UserID, name, txt string) bot.Message {
		return bot.Message{Key: key, Chat: o.g1, Group: true, ChatTitle: "Nhóm", From: u, FromName: name, Kind: bot.KindText, Text: txt}
	}
	conn := bottest.NewConn()
	conn.Push(
		msg("k1", o.uBon, "Bốn", "/help"),
		msg("k2", o.uBon, "Bốn", "/summary"),
		msg("k3", o.uBa, "Ba", "/help"),
	)
	conn.Close()
	if err := (&bot.Server{Conn: conn, Handler: o.eng, Retries: 1}).Serve(context.Background()); err != nil {
		t.Fatal(err)
	}
	var acked []string
	for _, m := range conn.Acks() {
		acked = append(acked, m.Key)
	}
	if !slices.Equal(acked, []string{"k1", "k2", "k3"}) {
		t.Errorf("acknowledged %v, want k1, k2, k3", acked)
	}
	got := o.replies()
	inGroup := to(got, o.g1)
	if len(inGroup) != 3 || !strings.Contains(inGroup[1].Text, "Xin lỗi đồng chí") || inGroup[0].Text != inGroup[2].Text {
		t.Errorf("the group got:\n%s", dump(inGroup))
	}
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "Lê Văn Bốn (Chi bộ thôn Đông)")
	o.view(func(tx flows.Tx) error {
		as, err := tx.Asides()
		if len(as) != 1 || as[0].Key != "k2" {
			t.Errorf("asides %+v, want k2's", as)
		}
		return err
	})
}
