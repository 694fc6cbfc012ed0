package flows_test

import (
	"context"
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// TestBadInput sends every class of unusable message and checks the short
// Vietnamese answer (or the silence, in a group).
func TestBadInput(t *testing.T) {
	long := strings.Repeat("Việc tốt ", 600) // 5,400 characters
	tests := []struct {
		name  string
		role  string
		group bool
		msg   bot.Message
		want  string // "" = no reply at all
	}{
		{"empty text", "member", false, bot.Message{Kind: bot.KindText, Text: ""}, flows.T(text.EmptyInput, nil)},
		{"only spaces", "member", false, bot.Message{Kind: bot.KindText, Text: "   \n  "}, flows.T(text.EmptyInput, nil)},
		{"5000 characters", "member", false, bot.Message{Kind: bot.KindText, Text: long},
			flows.T(text.TooLong, map[string]int{"Max": 1000, "N": len([]rune(long))})},
		{"sticker", "member", false, bot.Message{Kind: bot.KindOther}, flows.T(text.NotText, nil)},
		{"photo when no photo was asked", "member", false, bot.Message{Kind: bot.KindPhoto, PhotoID: "f1"}, flows.T(text.NotText, nil)},
		{"stranger says hello", "stranger", false, bot.Message{Kind: bot.KindText, Text: "chào bot"}, flows.T(text.StrangerHello, nil)},
		{"member says something", "member", false, bot.Message{Kind: bot.KindText, Text: "hôm nay trời đẹp"}, flows.T(text.NotUnderstood, nil)},
		{"unknown command", "member", false, bot.Message{Kind: bot.KindText, Text: "/xyz"}, flows.T(text.UnknownCommand, map[string]string{"Cmd": "xyz"})},
		{"command for another bot name", "member", false, bot.Message{Kind: bot.KindText, Text: "/HELP@lamtheo_bot"}, ""},
		// An old button gets a note on the button (Conn.Ack's toast), no message.
		{"old button", "member", false, bot.Message{Kind: bot.KindCallback, Data: "c:C01"}, ""},
		{"old stateless button of unknown command", "member", false, bot.Message{Kind: bot.KindCallback, Data: "go:xyz:1"}, ""},
		{"group chatter", "member", true, bot.Message{Kind: bot.KindText, Text: "các đồng chí ơi"}, ""},
		{"sticker in group", "member", true, bot.Message{Kind: bot.KindOther}, ""},
		{"5000 characters in group", "member", true, bot.Message{Kind: bot.KindText, Text: long}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newAccessEnv(t)
			replies := env.send(t, tc.role, tc.group, tc.msg)
			if tc.name == "command for another bot name" {
				// "/HELP@lamtheo_bot" is /help: any help text, no refusal.
				if len(replies) != 1 || !strings.Contains(replies[0].Text, "/help") {
					t.Fatalf("got %+v, want the help", replies)
				}
				return
			}
			if tc.want == "" {
				if len(replies) != 0 {
					t.Fatalf("got %d replies (%q), want none", len(replies), replies[0].Text)
				}
				return
			}
			if len(replies) != 1 || replies[0].Text != tc.want {
				t.Fatalf("got %+v\nwant one reply %q", replies, tc.want)
			}
		})
	}
}

// TestDuplicateUpdateAppliedOnce hands the engine the same update twice (a
// platform redelivery) and checks it is answered and applied once.
func TestDuplicateUpdateAppliedOnce(t *testing.T) {
	env := newAccessEnv(t)
	m := bot.Message{Key: "dup-1", Kind: bot.KindText, Text: "/help"}
	m.From = env.users["member"]
	m.Chat = m.From.PrivateChat()
	for range 3 {
		if err := env.eng.Handle(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	envs, err := env.db.Outbox(bot.Telegram).Pending(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) != 1 {
		t.Fatalf("got %d replies for one update delivered 3 times, want 1", len(envs))
	}
}
