package flows_test

import (
	"strings"
	"testing"
	"unicode"

	"lamtheo/bot"
	"lamtheo/flows"
)

// hasInvisible reports whether s holds a format character (Cf) other than
// a joiner between emoji: what a secretary must never be shown as typed.
func hasInvisible(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cf, r) })
}

// TestInvisibleCharactersNeverStored (finding 13): bidi overrides and
// zero-width characters in a profile name, a typed name, a join code, a
// pledge item, its target, a report and a pause reason are removed before
// anything is stored or shown to a secretary.
func TestInvisibleCharactersNeverStored(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	sec := env.users["secOwn"]
	code := h.code(sec)

	// A stranger whose profile name hides an override connects with a
	// code typed with a zero-width space inside.
	u := tg("77")
	name := "Nguy\u202eễn Văn\u200b An\u2066"
	reps := h.handle(bot.Message{Chat: u.PrivateChat(), From: u, FromName: name, Kind: bot.KindText,
		Text: "/join " + code[:2] + "\u200b" + code[2:]})
	if hasInvisible(joined(reps)) {
		t.Errorf("the name question shows invisible characters: %q", joined(reps))
	}
	c, ok := findChoice(reps, "Đúng tên này")
	if !ok {
		t.Fatalf("no name question:\n%s", dump(reps))
	}
	h.press(u, c.Data)
	var m flows.Member
	h.view(func(tx flows.Tx) error {
		var err error
		m, _, err = tx.MemberOf(u)
		return err
	})
	if m.Name != "Nguyễn Văn An" {
		t.Errorf("stored name %q, want %q", m.Name, "Nguyễn Văn An")
	}

	// A pledge item and its target, typed with overrides.
	h.send(u, "/dangky")
	h.send(u, "Giúp\u202e hộ\u200d nghèo\u2069")
	reps = h.send(u, "1")
	h.send(u, "mỗi\u00ad tháng\ufeff")
	var p flows.Pledge
	h.view(func(tx flows.Tx) error {
		var err error
		p, _, err = tx.Pledge(m.ID, 2026)
		return err
	})
	if len(p.Items) != 1 || p.Items[0].Text != "Giúp hộ nghèo" || p.Items[0].Target != "mỗi tháng" {
		t.Errorf("stored items %+v", p.Items)
	}

	// A report in one message and a pause reason.
	h.send(u, "/huy")
	h.send(u, "/baocao khác: thăm\u202e hỏi\u200b người già")
	h.send(u, "1")
	var rep flows.Report
	h.view(func(tx flows.Tx) error {
		var err error
		rep, _, err = tx.Report(m.ID, 202611)
		return err
	})
	if rep.Other != "thăm hỏi người già" {
		t.Errorf("stored report %q", rep.Other)
	}
	h.send(u, "/tamhoan")
	h.send(u, "1")
	h.send(u, "ốm\u202e nặng\u2067")
	m = h.member(m.ID)
	if m.PauseReason != "ốm nặng" {
		t.Errorf("stored pause reason %q", m.PauseReason)
	}
}

// TestPledgeItemCap (finding 9): a pledge holds at most MaxPledgeItems
// items; adding one more, by the button or by typing at the menu, is
// refused with a clear message and nothing is stored.
func TestPledgeItemCap(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	u := env.users["member"]
	var m flows.Member
	h.view(func(tx flows.Tx) error {
		var err error
		m, _, err = tx.MemberOf(u)
		return err
	})
	p := flows.Pledge{Member: m.ID, Year: 2026, NextNo: 21}
	for i := 1; i <= 20; i++ {
		p.Items = append(p.Items, flows.PledgeItem{No: i, Text: "Việc số " + string(rune('A'+i)), Category: "cm1"})
	}
	h.putPledge(p)

	menu := h.send(u, "/dangky")
	add, ok := findChoice(menu, "Thêm")
	if !ok {
		t.Fatalf("no add choice:\n%s", dump(menu))
	}
	got := joined(h.press(u, add.Data))
	wantIn(t, got, "20 việc", "sửa hoặc xóa")
	got = joined(h.send(u, "Trồng thêm cây"))
	wantIn(t, got, "20 việc")
	h.view(func(tx flows.Tx) error {
		p, _, err := tx.Pledge(m.ID, 2026)
		if len(p.Items) != 20 {
			t.Errorf("pledge has %d items, want 20", len(p.Items))
		}
		return err
	})

	// With one removed, one can be added again.
	h.send(u, "/huy")
	p.Items = p.Items[:19]
	h.putPledge(p)
	h.send(u, "/dangky")
	h.send(u, "Trồng thêm cây")
	h.send(u, "1")
	got = joined(h.send(u, "Không có chỉ tiêu"))
	h.view(func(tx flows.Tx) error {
		p, _, err := tx.Pledge(m.ID, 2026)
		if len(p.Items) != 20 {
			t.Errorf("after a removal: %d items, want 20\n%s", len(p.Items), got)
		}
		return err
	})
}
