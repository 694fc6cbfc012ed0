package flows_test

import (
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
)

// TestJoinPutsOnRoster: a person who connects with a cell's code is put on
// that cell's roster, claimed by their new member record on their platform,
// so that members who connect after the upgrade to rosters are not missing
// from them.
func TestJoinPutsOnRoster(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	code := h.code(env.users["secOwn"])
	u := tg("66")
	got := h.joinText(u, code, false)
	if !asksName(got) {
		t.Fatalf("join: %s", got)
	}
	if strings.Contains(got, "đúng không?") {
		got = joined(h.send(u, "1"))
	} else {
		got = joined(h.send(u, "Nguyễn Thị Sáu"))
		if strings.Contains(got, "đúng không?") {
			got = joined(h.send(u, "1"))
		}
	}
	if !strings.Contains(got, "đã kết nối") {
		t.Fatalf("join did not finish: %s", got)
	}
	h.view(func(tx flows.Tx) error {
		m, ok, err := tx.MemberOf(u)
		if err != nil || !ok {
			t.Fatalf("member of %v: %v %v", u, ok, err)
		}
		e, ok, err := tx.RosterOf(m.ID)
		if err != nil || !ok {
			t.Fatalf("roster entry of the new member: %v %v", ok, err)
		}
		if e.Cell != m.Cell || e.Name != m.Name || !e.OnRoster() {
			t.Errorf("entry %+v for member %+v", e, m)
		}
		if id, claimed := e.Claimed(bot.Telegram); !claimed || id != m.ID {
			t.Errorf("claims %+v, want the member's Telegram account", e.Claims)
		}
		return nil
	})
}

// seedRoster puts names on cell's roster, nobody claiming them, and returns
// the entries.
func (h *harness) seedRoster(cell string, names ...string) []flows.RosterEntry {
	h.t.Helper()
	var out []flows.RosterEntry
	h.update(func(tx flows.Tx) error {
		for _, n := range names {
			e := flows.RosterEntry{Cell: cell, Name: n, Added: h.now}
			if err := tx.PutRosterEntry(&e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out
}

// connectTyped connects u with code under name, typed (as often as the
// join flow asks for it), and returns the replies to the confirmation.
func (h *harness) connectTyped(u bot.UserID, name, code string) []bot.Reply {
	h.t.Helper()
	reps := h.handle(bot.Message{Chat: u.PrivateChat(), From: u, FromName: name, Kind: bot.KindText, Text: "/join " + code})
	for range 3 {
		if c, ok := findChoice(reps, "Đúng tên này"); ok {
			return h.press(u, c.Data)
		}
		reps = h.send(u, name)
	}
	h.t.Fatalf("connecting as %q never asked to confirm:\n%s", name, dump(reps))
	return nil
}

// repliesTo returns the texts of reps sent to u privately.
func repliesTo(reps []bot.Reply, u bot.UserID) string {
	var out []bot.Reply
	for _, r := range reps {
		if r.Chat == u.PrivateChat() {
			out = append(out, r)
		}
	}
	return joined(out)
}

// rosterState returns the member of u and the entries of cell's roster.
func (h *harness) rosterState(u bot.UserID, cell string) (flows.Member, []flows.RosterEntry) {
	h.t.Helper()
	var m flows.Member
	var roster []flows.RosterEntry
	h.view(func(tx flows.Tx) error {
		var ok bool
		var err error
		if m, ok, err = tx.MemberOf(u); err != nil || !ok {
			h.t.Fatalf("member of %v: %v %v", u, ok, err)
		}
		roster, err = tx.Roster(cell)
		return err
	})
	return m, roster
}

// TestJoinClaimsRosterEntry (issue 11): a person who connects under the
// name of one unclaimed entry of their cell's roster, typed without
// diacritics, is asked whether they are that person; once they say yes
// they claim that entry on their platform and take the roster's written
// name; no entry is added, and the secretary is told, with a button to
// undo the claim.
func TestJoinClaimsRosterEntry(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	seeded := h.seedRoster("C01", "Trần Văn Hùng", "Lê Thị Năm")
	code := h.code(env.users["secOwn"])
	u := tg("66")
	reps := h.connectTyped(u, "Tran Van Hung", code)
	if got := repliesTo(reps, u); !strings.Contains(got, "đã kết nối") || !strings.Contains(got, "có phải là đồng chí Trần Văn Hùng, Chi bộ Một") {
		t.Fatalf("join: %s", got)
	}
	if _, roster := h.rosterState(u, "C01"); len(roster[0].Claims) != 0 {
		t.Fatalf("claimed before the person said yes: %+v", roster[0])
	}
	reps = h.choose(u, reps, "Đúng, là tôi")
	if got := repliesTo(reps, u); !strings.Contains(got, "Trần Văn Hùng trong danh sách") {
		t.Fatalf("claim: %s", got)
	}
	note := to(reps, env.users["secOwn"].PrivateChat())
	if got := joined(note); !strings.Contains(got, "xác nhận là đồng chí Trần Văn Hùng") {
		t.Errorf("the secretary was told: %s", got)
	}
	if _, ok := findChoice(note, "Không phải đồng chí ấy"); !ok {
		t.Errorf("no undo button in %s", dump(note))
	}
	m, roster := h.rosterState(u, "C01")
	if m.Name != "Trần Văn Hùng" || len(roster) != 2 {
		t.Fatalf("member %q, roster %+v", m.Name, roster)
	}
	e := roster[0]
	if e.ID != seeded[0].ID || e.Name != "Trần Văn Hùng" {
		t.Fatalf("entry %+v", e)
	}
	if id, ok := e.Claimed(bot.Telegram); !ok || id != m.ID || len(e.Claims) != 1 {
		t.Errorf("claims %+v, want member %d on Telegram", e.Claims, m.ID)
	}
}

// TestJoinRosterAmbiguous (issue 11): a person whose name is that of two
// roster entries, or of an entry another account claims already, is
// connected but put on no entry; the secretary is told privately, once,
// with the names.
func TestJoinRosterAmbiguous(t *testing.T) {
	t.Run("two of the name", func(t *testing.T) {
		env := newAccessEnv(t)
		h := env.harness
		h.seedRoster("C01", "Nguyễn Văn An", "Lê Thị Năm", "Nguyễn Văn An")
		code := h.code(env.users["secOwn"])
		u := tg("66")
		reps := h.connect(u, "Nguyễn Văn An", code)
		checkAmbiguous(t, env, u, reps, 3, "2 người cùng tên")
	})
	t.Run("claimed already", func(t *testing.T) {
		env := newAccessEnv(t)
		h := env.harness
		other := h.addMember(flows.Member{Name: "Nguyễn Thị Sáu", Cell: "C01", Users: []bot.UserID{tg("70")}})
		h.update(func(tx flows.Tx) error { return tx.PutRosterEntry(flows.RosterEntryOf(other)) })
		code := h.code(env.users["secOwn"])
		u := tg("66")
		reps := h.connect(u, "Nguyễn Thị Sáu", code)
		checkAmbiguous(t, env, u, reps, 1, "(đã có tài khoản kết nối)")
	})
}

// checkAmbiguous checks that u, just connected (reps), claims no entry of
// C01's roster of n entries, and that the secretary was told once, in a
// note containing want.
func checkAmbiguous(t *testing.T, env *accessEnv, u bot.UserID, reps []bot.Reply, n int, want string) {
	t.Helper()
	h := env.harness
	if got := repliesTo(reps, u); !strings.Contains(got, "đã kết nối") {
		t.Fatalf("join: %s", got)
	}
	note := repliesTo(reps, env.users["secOwn"])
	if !strings.Contains(note, "chưa ghép") || !strings.Contains(note, want) || strings.Count(note, "vừa kết nối") != 1 {
		t.Errorf("note to the secretary: %q", note)
	}
	m, roster := h.rosterState(u, "C01")
	if len(roster) != n {
		t.Errorf("roster of %d entries, want %d: %+v", len(roster), n, roster)
	}
	h.view(func(tx flows.Tx) error {
		if e, ok, err := tx.RosterOf(m.ID); err != nil || ok {
			t.Errorf("member %d claims %+v (%v)", m.ID, e, err)
		}
		return nil
	})
}

// TestJoinNotOnRoster (issue 11): a person whose name is not on a roster
// that has people still to connect gets a new entry, and the secretary is
// told that someone not on the roster connected (a forwarded code does not
// pass unseen); where every entry is claimed (a cell whose roster is its
// connected members), nobody is told.
func TestJoinNotOnRoster(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	h.seedRoster("C01", "Lê Thị Năm")
	code := h.code(env.users["secOwn"])
	u := tg("66")
	reps := h.connect(u, "Đỗ Văn Khách", code)
	if got := repliesTo(reps, u); !strings.Contains(got, "đã kết nối") {
		t.Fatalf("join: %s", got)
	}
	if note := repliesTo(reps, env.users["secOwn"]); !strings.Contains(note, "Đỗ Văn Khách") || !strings.Contains(note, "không có trong danh sách") {
		t.Errorf("note to the secretary: %q", note)
	}
	m, roster := h.rosterState(u, "C01")
	if len(roster) != 2 || roster[1].Name != "Đỗ Văn Khách" {
		t.Fatalf("roster %+v", roster)
	}
	if id, ok := roster[1].Claimed(bot.Telegram); !ok || id != m.ID {
		t.Errorf("claims %+v", roster[1].Claims)
	}

	env = newAccessEnv(t) // no roster imported: nothing to tell
	h = env.harness
	reps = h.connect(tg("67"), "Đỗ Văn Khách", h.code(env.users["secOwn"]))
	if note := repliesTo(reps, env.users["secOwn"]); note != "" {
		t.Errorf("note to the secretary of a cell without a roster: %q", note)
	}
}
