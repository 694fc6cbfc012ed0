package flows_test

import (
	"slices"
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// TestSessionOfAnOlderLayout: a conversation stored by an older build,
// whose flows kept a map of strings, comes back from the store without its
// step and with Updated zero (see store's TestSessionVersions). The next
// message expires it with the usual message; the question number and the
// notice are kept.
func TestSessionOfAnOlderLayout(t *testing.T) {
	o := newOrg(t)
	chat := o.uHai.PrivateChat()
	notice := []string{"go:baocao:202611"}
	o.update(func(tx flows.Tx) error {
		return tx.PutSession(chat, o.uHai, flows.Session{Flow: "exempt", Choices: []string{"y", "n"},
			Notice: notice, NoticeAt: o.now, Question: 41})
	})
	got := o.send(o.uHai, "có")
	if len(got) != 1 || got[0].Text != flows.T(text.SessionExpired, nil) {
		t.Fatalf("an old-layout conversation got:\n%s", dump(got))
	}
	o.view(func(tx flows.Tx) error {
		s, ok, err := tx.Session(chat, o.uHai)
		if err != nil || !ok || s.Flow != "" || s.State != nil || s.Question != 41 || !slices.Equal(s.Notice, notice) {
			t.Errorf("session after expiry = %+v, %v, %v; want no flow, question 41 and the notice", s, ok, err)
		}
		return nil
	})
	if got := o.send(o.uHai, "/mien"); !strings.HasPrefix(firstChoice(got).Data, "42|") {
		t.Errorf("the next question's buttons carry %q, want question 42", firstChoice(got).Data)
	}
}

// firstChoice returns the first choice of the first reply that has one.
func firstChoice(rs []bot.Reply) bot.Choice {
	for _, r := range rs {
		if f := r.Flat(); len(f) > 0 {
			return f[0]
		}
	}
	return bot.Choice{}
}
