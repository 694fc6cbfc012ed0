package telegram_test

import (
	"testing"

	"lamtheo/bot"
	"lamtheo/bot/telegram/telegramtest"
)

func TestMemberStatus(t *testing.T) {
	f := telegramtest.NewServer(t)
	c := dial(t, f)
	f.SetMember(-4001, 501, "administrator")
	for user, want := range map[string]string{"501": "administrator", "502": "left"} {
		got, err := c.MemberStatus(t.Context(), tgChat("-4001"), tgUser(user))
		if err != nil || got != want {
			t.Errorf("MemberStatus(%s) = %q, %v; want %q", user, got, err, want)
		}
	}
}

// InGroup reads getChatMember's status; other platforms are not known.
func TestInGroup(t *testing.T) {
	f := telegramtest.NewServer(t)
	c := dial(t, f)
	f.SetMember(-4001, 501, "member")
	f.SetMember(-4001, 503, "kicked")
	for _, tc := range []struct {
		group bot.ChatID
		user  bot.UserID
		yes   bool
		known bool
	}{
		{tgChat("-4001"), tgUser("501"), true, true},
		{tgChat("-4001"), tgUser("502"), false, true}, // never joined: "left"
		{tgChat("-4001"), tgUser("503"), false, true},
		{bot.ChatID{Platform: bot.Zalo, ID: "g:1"}, tgUser("501"), false, false},
		{tgChat("-4001"), bot.UserID{Platform: bot.Zalo, ID: "z"}, false, false},
	} {
		yes, known, err := c.InGroup(t.Context(), tc.group, tc.user)
		if err != nil || yes != tc.yes || known != tc.known {
			t.Errorf("InGroup(%s, %s) = %v, %v, %v; want %v, %v", tc.group, tc.user, yes, known, err, tc.yes, tc.known)
		}
	}
	f.SetChatError(-4001, telegramtest.Fault{Code: 400, Description: "Bad Request: chat not found"})
	if _, known, err := c.InGroup(t.Context(), tgChat("-4001"), tgUser("501")); err == nil || known {
		t.Errorf("a failed getChatMember: known=%v err=%v", known, err)
	}
}
