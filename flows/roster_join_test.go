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
