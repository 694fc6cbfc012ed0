package flows_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

// joinText sends "/join code" (or, with start, "/start j_code", a group
// button's deep link) as u in private and returns the replies' texts.
func (h *harness) joinText(u bot.UserID, code string, start bool) string {
	h.t.Helper()
	line := "/join " + code
	if start {
		line = "/start j_" + code
	}
	return joined(h.send(u, line))
}

// asksName reports whether the replies are the join flow's name question.
func asksName(s string) bool {
	return strings.Contains(s, "đúng không?") || strings.Contains(s, "họ và tên")
}

// TestJoinCodeAttempts (findings 1 and 8): a stranger who types wrong codes
// is answered until the fifth; then, for 30 minutes, no code is looked at,
// not even a right one; afterwards the right code works and the count
// starts again.
func TestJoinCodeAttempts(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	code := h.code(env.users["secOwn"])
	u := tg("66")
	for i := 1; i <= 4; i++ {
		if got := h.joinText(u, "ZZZ99"+string(rune('0'+i)), false); !strings.Contains(got, "Không tìm thấy mã") {
			t.Fatalf("wrong code %d: %s", i, got)
		}
	}
	if got := h.joinText(u, "ZZZ995", false); !strings.Contains(got, "gõ sai mã kết nối 5 lần") || !strings.Contains(got, "30 phút") {
		t.Fatalf("fifth wrong code: %s", got)
	}
	h.at(h.now.Add(10 * time.Minute))
	for _, start := range []bool{false, true} {
		if got := h.joinText(u, code, start); asksName(got) || !strings.Contains(got, "20 phút") {
			t.Fatalf("a right code during the cool-down: %s", got)
		}
	}
	// Another person is not concerned.
	if got := h.joinText(tg("67"), code, false); !asksName(got) {
		t.Fatalf("another person's right code: %s", got)
	}
	h.at(h.now.Add(21 * time.Minute))
	if got := h.joinText(u, code, false); !asksName(got) {
		t.Fatalf("after the cool-down: %s", got)
	}
	// Wrong codes spread over more than an hour never add up to a cool-down.
	for i := range 8 {
		h.at(h.now.Add(20 * time.Minute))
		if got := h.joinText(tg("68"), "ZZZ99"+string(rune('0'+i)), false); !strings.Contains(got, "Không tìm thấy mã") && i%4 != 3 {
			t.Fatalf("slow wrong code %d: %s", i, got)
		}
	}
}

// TestRelinkRevokesGroupCode (finding 8): linking a group again revokes the
// code posted in it before; so does linking it to another cell, and
// removing the bot from it.
func TestRelinkRevokesGroupCode(t *testing.T) {
	o := newOrg(t)
	g := tgGroup("-1009")
	linkCode := func(cell string) string {
		got := o.sendIn(g, o.admin, "/link")
		c, _ := findChoice(got, cell)
		reps := o.handle(bot.Message{Chat: g, Group: true, From: o.admin, Kind: bot.KindCallback, Data: c.Data})
		for _, r := range reps {
			if r.Link != nil {
				return strings.TrimPrefix(r.Link.Payload, "j_")
			}
		}
		t.Fatalf("no button in:\n%s", dump(reps))
		return ""
	}
	first := linkCode("Chi bộ thôn Đông")
	second := linkCode("Chi bộ thôn Đông")
	third := linkCode("Chi bộ thôn Tây")
	u := tg("88")
	for _, c := range []string{first, second} {
		for _, start := range []bool{true, false} {
			if got := o.joinText(u, c, start); !strings.Contains(got, "đã được thu hồi") {
				t.Errorf("old code %s of the group: %s", c, got)
			}
		}
	}
	if got := o.joinText(u, third, true); !strings.Contains(got, "Chi bộ thôn Tây") || !asksName(got) {
		t.Errorf("the group's current code: %s", got)
	}
	o.send(u, "/huy")
	// Revoked codes are not wrong codes: no cool-down.
	o.view(func(tx flows.Tx) error {
		a, err := tx.JoinAttempts(u)
		if a != (flows.JoinAttempts{}) {
			t.Errorf("attempts after revoked codes: %+v", a)
		}
		return err
	})
	o.handle(bot.Message{Chat: g, Group: true, From: o.admin, Kind: bot.KindRemoved})
	if got := o.joinText(u, third, true); !strings.Contains(got, "đã được thu hồi") {
		t.Errorf("code of a group the bot left: %s", got)
	}
}

// TestSecretaryRevokesCodes (finding 8): /link in private gives a new code
// and, when older codes still work, offers to revoke them: they stop
// working, the cell's group gets a new button, and the code just given
// keeps working.
func TestSecretaryRevokesCodes(t *testing.T) {
	o := newOrg(t)
	g := tgGroup("-1009")
	got := o.sendIn(g, o.admin, "/link")
	c, _ := findChoice(got, "Chi bộ thôn Đông")
	o.handle(bot.Message{Chat: g, Group: true, From: o.admin, Kind: bot.KindCallback, Data: c.Data})
	groupCode := o.pendingCode(t, g)
	first := o.code(o.uHai) // no other code of C01 but the group's: an offer
	got = o.send(o.uHai, "/link")
	wantIn(t, joined(got), "còn 2 mã kết nối cũ", "Thu hồi mã cũ")
	i := strings.Index(joined(got), "/join ")
	second := strings.Fields(joined(got)[i+len("/join "):])[0]
	got = o.choose(o.uHai, got, "Thu hồi mã cũ")
	wantIn(t, joined(to(got, o.uHai.PrivateChat())), "Đã thu hồi 2 mã cũ", second, "2 nhóm")
	var newGroupCode string
	for _, r := range to(got, g) {
		wantIn(t, r.Text, "đã được thu hồi")
		if r.Link != nil {
			newGroupCode = strings.TrimPrefix(r.Link.Payload, "j_")
		}
	}
	u := tg("88")
	for _, c := range []string{first, groupCode} {
		if got := o.joinText(u, c, false); !strings.Contains(got, "đã được thu hồi") {
			t.Errorf("revoked code %s: %s", c, got)
		}
	}
	for _, c := range []string{second, newGroupCode} {
		if got := o.joinText(u, c, false); !asksName(got) {
			t.Errorf("live code %q: %s", c, got)
		}
		o.send(u, "/huy")
	}
	// «Giữ mã cũ» keeps them.
	got = o.send(o.uHai, "/link")
	got = o.choose(o.uHai, got, "Giữ mã cũ")
	if got := o.joinText(u, second, false); !asksName(got) {
		t.Errorf("kept code: %s", got)
	}
}

// pendingCode returns the code of the last button sent to chat.
func (h *harness) pendingCode(t *testing.T, chat bot.ChatID) string {
	t.Helper()
	var code string
	for _, e := range h.pending(0) {
		if e.Reply.Chat == chat && e.Reply.Link != nil {
			code = strings.TrimPrefix(e.Reply.Link.Payload, "j_")
		}
	}
	if code == "" {
		t.Fatalf("no button sent to %s", chat)
	}
	return code
}

// fakeMembership answers InGroup from a table; it asks the store for a
// write of its own first, which would block for ever inside the engine's
// write transaction, so a call from there fails the test.
type fakeMembership struct {
	t     *testing.T
	db    flows.Store
	in    map[bot.UserID]bool // absent: not known
	err   error
	mu    sync.Mutex
	calls int
}

func (f *fakeMembership) InGroup(ctx context.Context, group bot.ChatID, user bot.UserID) (bool, bool, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := f.db.Update(wctx, func(flows.Tx) error { return nil }); err != nil {
		f.t.Errorf("InGroup called inside a write transaction: %v", err)
	}
	if f.err != nil {
		return false, false, f.err
	}
	yes, known := f.in[user]
	return yes, known, nil
}

// TestJoinFromGroupChecksMembership (finding 8): joining with a group's
// button (or its code) checks, before the transaction, that the person is
// in that group where the platform can tell; a code given privately, or a
// platform that cannot tell, is not checked.
func TestJoinFromGroupChecksMembership(t *testing.T) {
	o := newOrg(t)
	g := tgGroup("-1009")
	out, in, unknown, failing := tg("81"), tg("82"), tg("83"), tg("84")
	fm := &fakeMembership{t: t, db: o.db, in: map[bot.UserID]bool{out: false, in: true}}
	o.eng.Membership = fm
	got := o.sendIn(g, o.admin, "/link")
	c, _ := findChoice(got, "Chi bộ thôn Đông")
	o.handle(bot.Message{Chat: g, Group: true, From: o.admin, Kind: bot.KindCallback, Data: c.Data})
	code := o.pendingCode(t, g)

	if got := o.joinText(out, code, true); !strings.Contains(got, "không thấy đồng chí trong nhóm") {
		t.Errorf("a person outside the group: %s", got)
	}
	if got := o.joinText(out, code, false); asksName(got) {
		t.Errorf("a person outside the group typing the group's code: %s", got)
	}
	for _, u := range []bot.UserID{in, unknown} {
		if got := o.joinText(u, code, true); !asksName(got) {
			t.Errorf("%s: %s", u, got)
		}
	}
	fm.err = errors.New("getChatMember: timeout")
	if got := o.joinText(failing, code, true); !asksName(got) {
		t.Errorf("when the platform does not answer: %s", got)
	}
	// A code given privately is not the group's: not checked.
	calls := fm.calls
	private := o.code(o.uHai)
	fm.err = nil
	if got := o.joinText(tg("85"), private, false); !asksName(got) || fm.calls != calls {
		t.Errorf("private code: asked %d times, %s", fm.calls-calls, got)
	}
}

// TestFloodAtTheDoor (finding 1): a stranger sending many wrong codes is
// answered Burst times, told once that they send too fast, and then not at
// all until they calm down; every update is still recorded as processed;
// another person is answered at once; in a group a flood is silent.
func TestFloodAtTheDoor(t *testing.T) {
	o := newOrg(t)
	o.eng.Flood = flows.FloodLimit{Burst: 8, Every: 10 * time.Second}
	spam := tg("666")
	var answered []bot.Reply
	for i := range 300 {
		answered = append(answered, o.send(spam, "/join ZZ"+strings.Repeat("9", i%5+1))...)
		if i%50 == 0 {
			if got := o.send(o.uBa, "/help"); len(got) != 1 {
				t.Fatalf("another person's /help during the flood: %d replies", len(got))
			}
			o.at(o.now.Add(time.Second))
		}
	}
	if len(answered) != 9 {
		t.Fatalf("%d replies to 300 messages, want 8 and the notice:\n%s", len(answered), dump(answered))
	}
	wantIn(t, answered[8].Text, "gửi nhanh quá")
	for _, r := range answered {
		if r.Chat != spam.PrivateChat() {
			t.Errorf("a reply to %s", r.Chat)
		}
	}
	// Every update was recorded as processed: handing one again changes nothing.
	o.update(func(tx flows.Tx) error {
		for _, k := range []string{"u1", "u100", fmt.Sprint("u", o.n)} {
			if seen, err := tx.MarkSeen(bot.Telegram, k, 0); err != nil || !seen {
				t.Errorf("update %s not recorded as processed: %v", k, err)
			}
		}
		return nil
	})
	// Still flooding a minute later: silence.
	o.at(o.now.Add(time.Minute))
	if got := o.send(spam, "/help"); len(got) != 0 {
		t.Errorf("answered during the flood: %s", dump(got))
	}
	// Calm for a few minutes: answered again, and told again at the next flood.
	o.at(o.now.Add(3 * time.Minute))
	if got := o.send(spam, "/help"); len(got) != 1 {
		t.Errorf("not answered after calming down: %s", dump(got))
	}

	// A button press over the limit gets the short note.
	for range 10 {
		o.send(spam, "/help")
	}
	_, toast := o.serve(bot.Message{Chat: spam.PrivateChat(), From: spam, Kind: bot.KindCallback, Data: "1|x", CallbackID: "c"})
	wantIn(t, toast, "bấm nhanh quá")

	// In a group a flood of commands is silent after the burst; the group's
	// own talk does not count.
	for range 30 {
		o.sendIn(o.g1, o.uSau, "các đồng chí ơi")
	}
	var inGroup []bot.Reply
	for range 30 {
		inGroup = append(inGroup, o.sendIn(o.g1, o.uSau, "/summary")...)
	}
	if len(inGroup) != 8 {
		t.Errorf("%d replies to a flood of /summary in the group, want 8", len(inGroup))
	}
	// The same person is told once in private.
	if got := joined(o.send(o.uSau, "/help")); !strings.Contains(got, "gửi nhanh quá") {
		t.Errorf("in private after the group flood: %s", got)
	}
}

// TestRevokedButtonOfOwnCell: a member pressing an old (revoked) button of
// their own cell's group is told they are connected already.
func TestRevokedButtonOfOwnCell(t *testing.T) {
	o := newOrg(t)
	link := func() string {
		got := o.sendIn(o.g1, o.admin, "/link")
		c, _ := findChoice(got, "Chi bộ thôn Đông")
		o.handle(bot.Message{Chat: o.g1, Group: true, From: o.admin, Kind: bot.KindCallback, Data: c.Data})
		return o.pendingCode(t, o.g1)
	}
	old := link()
	link()
	if got := o.joinText(o.uBa, old, true); !strings.Contains(got, "không cần") {
		t.Errorf("a member's old button: %s", got)
	}
}
