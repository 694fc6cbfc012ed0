package flows_test

import (
	"fmt"
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// TestOldButtonExemptsNobody (finding 2): the secretary asked about Sáu
// answers «Thôi», is then asked about Bốn, and presses «Đồng ý» under the
// old question about Sáu. Nobody is exempted, the press is told it is old
// with a note on the button (no chat message), the old message loses its
// buttons, and the current question still takes its own button and a
// typed number.
func TestOldButtonExemptsNobody(t *testing.T) {
	o := newOrg(t)
	got := o.send(o.uHai, "/mien")
	got = o.choose(o.uHai, got, "Hoàng Văn Sáu")
	oldYes, ok := findChoice(got, "Đồng ý")
	if !ok {
		t.Fatalf("no «Đồng ý» in:\n%s", dump(got))
	}
	o.choose(o.uHai, got, "Thôi")
	got = o.send(o.uHai, "/mien")
	got = o.choose(o.uHai, got, "Lê Văn Bốn")
	newYes, _ := findChoice(got, "Đồng ý")

	reps, toast := o.serve(bot.Message{Chat: o.uHai.PrivateChat(), From: o.uHai, Kind: bot.KindCallback,
		Data: oldYes.Data, CallbackID: "cb1", Ref: "501"})
	for _, id := range []flows.MemberID{o.sau.ID, o.bon.ID} {
		if m := o.member(id); m.Status != flows.Active {
			t.Errorf("the old button exempted %s", m.Name)
		}
	}
	if !strings.Contains(toast, "Nút này đã cũ") {
		t.Errorf("toast %q, want the old-button note", toast)
	}
	if len(reps) != 1 || reps[0].Strip != "501" || reps[0].Text != "" {
		t.Errorf("replies to the old button:\n%s\nwant only the removal of its buttons", dump(reps))
	}

	// The current question answers its own button.
	reps, toast = o.serve(bot.Message{Chat: o.uHai.PrivateChat(), From: o.uHai, Kind: bot.KindCallback,
		Data: newYes.Data, CallbackID: "cb2", Ref: "502"})
	if toast != "" {
		t.Errorf("toast %q for the current button", toast)
	}
	if m := o.member(o.bon.ID); m.Status != flows.Exempt {
		t.Errorf("the current button did not exempt Bốn:\n%s", dump(reps))
	}
	if len(reps) == 0 || reps[0].Strip != "502" {
		t.Errorf("the answered question keeps its buttons:\n%s", dump(reps))
	}
	// Pressing it again does nothing.
	o.serve(bot.Message{Chat: o.uHai.PrivateChat(), From: o.uHai, Kind: bot.KindCallback, Data: newYes.Data, CallbackID: "cb3", Ref: "502"})
	if m := o.member(o.sau.ID); m.Status != flows.Active {
		t.Error("a second press exempted Sáu")
	}

	// Typed numbers still answer the current question.
	got = o.send(o.uHai, "/mien")
	o.send(o.uHai, "5") // Hoàng Văn Sáu, fifth in name order
	o.send(o.uHai, "1")
	if m := o.member(o.sau.ID); m.Status != flows.Exempt {
		t.Errorf("typed numbers did not exempt Sáu:\n%s", dump(got))
	}
}

// TestOldApproveButton (finding 2): «✅ Duyệt» under an earlier member's
// pledge does not approve the pledge on screen now.
func TestOldApproveButton(t *testing.T) {
	o := newOrg(t)
	for _, m := range []flows.Member{o.bon, o.sau} {
		o.putPledge(flows.Pledge{Member: m.ID, Year: 2026, Status: flows.PledgeSubmitted, NextNo: 2,
			Items: []flows.PledgeItem{{No: 1, Text: "Trồng cây", Category: "cm1"}}})
	}
	got := o.send(o.uHai, "/duyet")
	got = o.choose(o.uHai, got, "Lê Văn Bốn")
	oldOK, _ := findChoice(got, "Duyệt")
	got = o.send(o.uHai, "/duyet")
	o.choose(o.uHai, got, "Hoàng Văn Sáu")
	o.press(o.uHai, oldOK.Data)
	o.view(func(tx flows.Tx) error {
		for _, m := range []flows.Member{o.bon, o.sau} {
			p, _, err := tx.Pledge(m.ID, 2026)
			if err != nil {
				return err
			}
			if p.Status != flows.PledgeSubmitted {
				t.Errorf("the old «Duyệt» changed %s's pledge to %v", m.Name, p.Status)
			}
		}
		return nil
	})
}

// TestOldButtonInGroup: in a group, another person's press of the admin's
// question, or the admin's press of an earlier one, links nothing.
func TestOldButtonInGroup(t *testing.T) {
	o := newOrg(t)
	g := tgGroup("-1009")
	first := o.sendIn(g, o.admin, "/link")
	c01, _ := findChoice(first, "Chi bộ thôn Đông")
	second := o.sendIn(g, o.admin, "/link")
	// Ba presses the admin's button: a note on the button says it is for
	// the one who asked, and the admin's question keeps its buttons.
	got, toast := o.serve(bot.Message{Chat: g, Group: true, From: o.uBa, Kind: bot.KindCallback, Data: c01.Data, CallbackID: "x", Ref: "7"})
	if toast != flows.T(text.NotYourButton, nil) {
		t.Errorf("toast %q for someone else's button", toast)
	}
	if len(got) > 0 {
		t.Errorf("someone else's press changed or sent messages:\n%s", dump(got))
	}
	// The admin presses the first question's button.
	o.serve(bot.Message{Chat: g, Group: true, From: o.admin, Kind: bot.KindCallback, Data: c01.Data, CallbackID: "y", Ref: "7"})
	o.view(func(tx flows.Tx) error {
		if c, ok, _ := tx.CellOfGroup(g); ok {
			t.Errorf("an old button linked the group to %s", c.Name)
		}
		return nil
	})
	c02, _ := findChoice(second, "Chi bộ thôn Tây")
	o.serve(bot.Message{Chat: g, Group: true, From: o.admin, Kind: bot.KindCallback, Data: c02.Data, CallbackID: "z", Ref: "8"})
	o.view(func(tx flows.Tx) error {
		if c, ok, _ := tx.CellOfGroup(g); !ok || c.Code != "C02" {
			t.Errorf("the current button did not link the group: %+v %v", c, ok)
		}
		return nil
	})
}

// TestSessionOfAnOlderVersion: a conversation stored before buttons
// carried their question (question 0) still takes the buttons it was
// shown with; once a new question is asked, those buttons are old.
func TestSessionOfAnOlderVersion(t *testing.T) {
	o := newOrg(t)
	chat := o.uHai.PrivateChat()
	o.update(func(tx flows.Tx) error {
		return tx.PutSession(chat, o.uHai, flows.Session{Flow: "exempt", Step: "confirm", Updated: o.now,
			State:   []byte(fmt.Sprintf(`{"Cell":"C01","Member":%d,"Exempt":true}`, o.sau.ID)),
			Choices: []string{"y", "n"}})
	})
	o.press(o.uHai, "y")
	if m := o.member(o.sau.ID); m.Status != flows.Exempt {
		t.Fatal("the button of an older version's question was not taken")
	}
	got := o.send(o.uHai, "/mien")
	if c, _ := findChoice(got, "Lê Văn Bốn"); !strings.HasPrefix(c.Data, "1|") {
		t.Errorf("the next question's buttons carry %q, want question 1", c.Data)
	}
	o.press(o.uHai, "m:"+fmt.Sprint(o.bon.ID)) // an old button without a question
	if got := o.send(o.uHai, "1"); !strings.Contains(joined(got), "Lê Văn Bốn") && !strings.Contains(joined(got), "Nguyễn Thị Ba") {
		t.Errorf("the current question was lost:\n%s", dump(got))
	}
}
