package flows_test

import (
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
)

// TestClaimConfirm (issue 11): a person connecting under the name of one
// unclaimed roster entry is asked whether they are that person. Yes claims
// it and tells the secretary with an undo button; no, or an entry taken or
// removed before the answer, claims nothing and asks the secretary who the
// person is.
func TestClaimConfirm(t *testing.T) {
	tests := []struct {
		name    string
		before  func(h *harness, e flows.RosterEntry) // between the question and the answer
		answer  string                                // typed
		claimed bool
		toUser  string
		note    string
		choices []string // of the note to the secretary
	}{
		{name: "yes", answer: "1", claimed: true, toUser: "Bot đã ghi tài khoản này là của đồng chí Trần Văn Hùng",
			note: "xác nhận là đồng chí Trần Văn Hùng", choices: []string{"Không phải đồng chí ấy"}},
		{name: "yes typed", answer: "vâng", claimed: true, toUser: "Bot đã ghi tài khoản này", note: "xác nhận là đồng chí"},
		{name: "no", answer: "Không phải tôi", toUser: "Bot đã báo bí thư chi bộ", note: "trả lời không phải",
			choices: []string{"Là đồng chí Trần Văn Hùng", "Người mới: thêm vào danh sách", "Không phải đảng viên của chi bộ"}},
		{name: "taken meanwhile", answer: "1", toUser: "vừa được ghép với một tài khoản khác", note: "(đã có tài khoản kết nối)",
			before: func(h *harness, e flows.RosterEntry) {
				other := h.addMember(flows.Member{Name: "Trần Văn Hùng", Cell: "C01", Users: []bot.UserID{tg("77")}})
				e.Claims = []flows.RosterClaim{{Platform: bot.Telegram, Member: other.ID, At: h.now}}
				h.update(func(tx flows.Tx) error { return tx.PutRosterEntry(&e) })
			}, choices: []string{"Là đồng chí Trần Văn Hùng", "Người mới"}},
		{name: "no, the entry removed meanwhile", answer: "2", toUser: "Bot đã báo bí thư chi bộ", note: "trả lời không phải",
			before: func(h *harness, e flows.RosterEntry) {
				e.Removed = h.now
				h.update(func(tx flows.Tx) error { return tx.PutRosterEntry(&e) })
			}, choices: []string{"Người mới"}},
		{name: "removed meanwhile", answer: "1", toUser: "vừa được ghép với một tài khoản khác", note: "chưa ghép",
			before: func(h *harness, e flows.RosterEntry) {
				e.Removed = h.now
				h.update(func(tx flows.Tx) error { return tx.PutRosterEntry(&e) })
			}, choices: []string{"Người mới"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newAccessEnv(t)
			h := env.harness
			seeded := h.seedRoster("C01", "Trần Văn Hùng", "Lê Thị Năm")
			u := tg("66")
			reps := h.connect(u, "Trần Văn Hùng", h.code(env.users["secOwn"]))
			wantIn(t, repliesTo(reps, u), "đã kết nối", "Đồng chí có phải là đồng chí Trần Văn Hùng")
			if tc.before != nil {
				tc.before(h, seeded[0])
			}
			reps = h.send(u, tc.answer)
			wantIn(t, repliesTo(reps, u), tc.toUser)
			note := to(reps, env.users["secOwn"].PrivateChat())
			wantIn(t, joined(note), tc.note)
			for _, c := range tc.choices {
				if _, ok := findChoice(note, c); !ok {
					t.Errorf("no choice %q in the note:\n%s", c, dump(note))
				}
			}
			m, roster := h.rosterState(u, "C01")
			id, ok := roster[0].Claimed(bot.Telegram)
			if got := ok && id == m.ID; got != tc.claimed {
				t.Errorf("claimed %v, want %v: %+v", got, tc.claimed, roster[0])
			}
		})
	}
}

// TestRosterDecisions (issue 11): the buttons of the notes about a person
// who connected let the secretary say who the person is, each change
// confirmed first: one of the roster's entries (claimed for them), a new
// person (added, claimed), nobody of the cell (disconnected, told), or,
// after a confirmed claim, not that person (the claim taken off, and the
// question asked again). A button already acted on, or pressed by a
// secretary of another cell, changes nothing.
func TestRosterDecisions(t *testing.T) {
	// connect returns the env and the note to the secretary about u, who
	// connected under a name two entries of the roster have.
	connect := func(t *testing.T) (*accessEnv, bot.UserID, []bot.Reply) {
		env := newAccessEnv(t)
		h := env.harness
		h.seedRoster("C01", "Nguyễn Văn An", "Lê Thị Năm", "Nguyễn Văn An")
		u := tg("66")
		reps := h.connect(u, "Nguyễn Văn An", h.code(env.users["secOwn"]))
		return env, u, to(reps, env.users["secOwn"].PrivateChat())
	}
	sec := func(env *accessEnv) bot.UserID { return env.users["secOwn"] }
	claims := func(env *accessEnv, u bot.UserID) (flows.Member, flows.RosterEntry, bool) {
		m, _ := env.rosterState(u, "C01")
		var e flows.RosterEntry
		var ok bool
		env.view(func(tx flows.Tx) (err error) { e, ok, err = tx.RosterOf(m.ID); return err })
		return m, e, ok && e.OnRoster()
	}

	t.Run("link", func(t *testing.T) {
		env, u, note := connect(t)
		reps := env.choose(sec(env), note, "Là đồng chí Nguyễn Văn An")
		wantIn(t, joined(reps), "Ghép tài khoản Telegram «Nguyễn Văn An»", "với tên Nguyễn Văn An")
		reps = env.choose(sec(env), reps, "Xác nhận")
		wantIn(t, repliesTo(reps, sec(env)), "Đã ghép tài khoản")
		wantIn(t, repliesTo(reps, u), "Bí thư chi bộ đã ghi tài khoản này")
		if _, e, ok := claims(env, u); !ok || e.ID != 1 {
			t.Errorf("entry %+v claimed %v, want entry 1", e, ok)
		}
		again := env.choose(sec(env), note, "Là đồng chí Nguyễn Văn An")
		wantIn(t, joined(again), "đã được giải quyết rồi")
	})
	t.Run("new", func(t *testing.T) {
		env, u, note := connect(t)
		reps := env.choose(sec(env), note, "Người mới")
		reps = env.choose(sec(env), reps, "Xác nhận")
		wantIn(t, repliesTo(reps, sec(env)), "Đã thêm đồng chí Nguyễn Văn An")
		_, roster := env.rosterState(u, "C01")
		if _, e, ok := claims(env, u); !ok || e.ID != 4 || len(roster) != 4 {
			t.Errorf("entry %+v claimed %v in %d entries, want a new fourth entry", e, ok, len(roster))
		}
	})
	t.Run("drop", func(t *testing.T) {
		env, u, note := connect(t)
		reps := env.choose(sec(env), note, "Không phải đảng viên")
		wantIn(t, joined(reps), "Ngắt kết nối tài khoản Telegram «Nguyễn Văn An»")
		reps = env.choose(sec(env), reps, "Xác nhận")
		wantIn(t, repliesTo(reps, u), "Tài khoản này không còn kết nối với Chi bộ Một")
		if m, _, _ := claims(env, u); m.Cell != "" {
			t.Errorf("member still in %q", m.Cell)
		}
	})
	t.Run("no", func(t *testing.T) {
		env, u, note := connect(t)
		reps := env.choose(sec(env), note, "Người mới")
		reps = env.choose(sec(env), reps, "Thôi")
		wantIn(t, joined(reps), "Đã thôi")
		if _, e, ok := claims(env, u); ok {
			t.Errorf("claimed %+v after no", e)
		}
	})
	t.Run("other cell's secretary", func(t *testing.T) {
		env, u, note := connect(t)
		c, _ := findChoice(note, "Người mới")
		reps := env.press(env.users["secOther"], c.Data)
		wantIn(t, joined(reps), "bí thư")
		if _, e, ok := claims(env, u); ok {
			t.Errorf("claimed %+v", e)
		}
	})
	t.Run("undo a confirmed claim", func(t *testing.T) {
		env := newAccessEnv(t)
		h := env.harness
		h.seedRoster("C01", "Trần Văn Hùng")
		u := tg("66")
		h.connect(u, "Trần Văn Hùng", h.code(sec(env)))
		note := to(h.send(u, "1"), sec(env).PrivateChat())
		reps := h.choose(sec(env), note, "Không phải đồng chí ấy")
		wantIn(t, joined(reps), "Bỏ ghép tài khoản Telegram «Trần Văn Hùng»")
		reps = h.choose(sec(env), reps, "Xác nhận")
		wantIn(t, joined(reps), "Đã bỏ ghép", "Người này là ai?")
		if _, ok := findChoice(reps, "Người mới"); !ok {
			t.Errorf("no choices after the undo:\n%s", dump(reps))
		}
		if _, e, ok := claims(env, u); ok {
			t.Errorf("still claims %+v", e)
		}
	})
}

// TestSecondAccountNeverTakesClaim (issue 11): a second account on the
// same platform connecting under the name of an entry claimed on that
// platform never takes it: the secretary decides, and the note offers
// the entry only as their choice.
func TestSecondAccountNeverTakesClaim(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	h.seedRoster("C01", "Trần Văn Hùng")
	first, second := tg("66"), tg("67")
	h.connect(first, "Trần Văn Hùng", h.code(env.users["secOwn"]))
	h.send(first, "1")
	reps := h.connect(second, "Trần Văn Hùng", h.code(env.users["secOwn"]))
	if got := repliesTo(reps, second); strings.Contains(got, "có phải là đồng chí") {
		t.Errorf("the second account was asked to claim: %s", got)
	}
	note := to(reps, env.users["secOwn"].PrivateChat())
	if _, ok := findChoice(note, "Là đồng chí Trần Văn Hùng (số 1 trong danh sách, đã có tài khoản ghép)"); !ok {
		t.Errorf("note:\n%s", dump(note))
	}
	m1, roster := h.rosterState(first, "C01")
	if id, _ := roster[0].Claimed(bot.Telegram); id != m1.ID || len(roster[0].Claims) != 1 {
		t.Errorf("claims %+v, want the first account's only", roster[0].Claims)
	}
}
