package flows_test

import (
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// TestRefusalInGroup: a refusal in a group is for the person who typed or
// pressed, never for the group. It goes to their private chat when the bot
// can write to them, as the button's note for a press, as one neutral line
// when the bot cannot write to them, and to an anonymous administrator as
// the request to post as themselves. Only an answer to the person's own
// question in the group is refused there.
func TestRefusalInGroup(t *testing.T) {
	heading := func(k text.Key, data any) string {
		return flows.T(text.GroupRefusal, map[string]any{"Cell": "Chi bộ Một", "Text": flows.T(k, data)})
	}
	writePrivately := flows.T(text.GroupAskPrivate, map[string]string{"Bot": "@lamtheo_test_bot"})
	tests := []struct {
		name    string
		role    string // "anonymous": an anonymous administrator of the group
		setup   func(env *accessEnv, t *testing.T)
		m       bot.Message
		group   string // what the group gets ("" nothing)
		private string // what the person gets privately ("" nothing)
		toast   string
	}{
		{name: "secretary types her private command", role: "secOwn",
			m:       bot.Message{Kind: bot.KindText, Text: "/dongthang"},
			private: heading(text.PrivateOnlyHere, map[string]string{"Cmd": "dongthang"})},
		{name: "member types a secretary's private command: why not, not to retype it", role: "member",
			m:       bot.Message{Kind: bot.KindText, Text: "/dongthang"},
			private: heading(text.NeedSecretary, nil)},
		{name: "secretary of another cell links the group", role: "secOther",
			m:       bot.Message{Kind: bot.KindText, Text: "/lienket"},
			private: heading(text.NeedAdmin, nil)},
		{name: "a command's own refusal goes privately too", role: "member",
			m:       bot.Message{Kind: bot.KindText, Text: "/summary 12/2026"},
			private: heading(text.ReportFuture, map[string]string{"Month": "tháng 12/2026"})},
		{name: "stranger", role: "stranger",
			m:     bot.Message{Kind: bot.KindText, Text: "/duyet"},
			group: writePrivately},
		{name: "member who blocked the bot", role: "member",
			setup: func(env *accessEnv, t *testing.T) { env.unreachable(env.users["member"].PrivateChat()) },
			m:     bot.Message{Kind: bot.KindText, Text: "/mien"},
			group: writePrivately},
		{name: "a press gets the refusal as its note", role: "secOwn",
			m:     bot.Message{Kind: bot.KindCallback, Data: "go:dongthang", CallbackID: "cb", Ref: "9"},
			toast: flows.T(text.PrivateOnly, map[string]string{"Cmd": "dongthang"})},
		{name: "a member's press of a secretary's button", role: "member",
			m:     bot.Message{Kind: bot.KindCallback, Data: "go:dongthang", CallbackID: "cb", Ref: "9"},
			toast: flows.T(text.NeedSecretary, nil)},
		{name: "anonymous administrator links", role: "anonymous",
			m:     bot.Message{Kind: bot.KindText, Text: "/link"},
			group: flows.T(text.AnonymousSender, map[string]string{"Cmd": "link"})},
		{name: "anonymous administrator reports", role: "anonymous",
			m:     bot.Message{Kind: bot.KindText, Text: "/report"},
			group: flows.T(text.AnonymousSender, map[string]string{"Cmd": "baocao"})},
		{name: "anonymous administrator mistypes a month", role: "anonymous",
			m:     bot.Message{Kind: bot.KindText, Text: "/summary 12/2026"},
			group: flows.T(text.ReportFuture, map[string]string{"Month": "tháng 12/2026"})},
		{name: "admin answers their own question wrongly", role: "admin",
			setup: func(env *accessEnv, t *testing.T) {
				env.send(t, "admin", true, bot.Message{Kind: bot.KindText, Text: "/link"})
			},
			m:     bot.Message{Kind: bot.KindText, Text: "9"},
			group: flows.T(text.ChooseNumber, map[string]any{"N": 2, "Open": false})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newAccessEnv(t)
			if tc.setup != nil {
				tc.setup(env, t)
			}
			m := tc.m
			m.Chat, m.Group, m.ChatTitle = env.group, true, "Nhóm C01"
			if tc.role == "anonymous" {
				m.From, m.Anonymous = tg("1087968824"), true
			} else {
				m.From = env.users[tc.role]
			}
			replies, toast := env.serve(m)
			var group, private []string
			for _, r := range replies {
				switch r.Chat {
				case env.group:
					group = append(group, r.Text)
				case m.From.PrivateChat():
					private = append(private, r.Text)
				default:
					t.Errorf("reply to %v: %s", r.Chat, r.Text)
				}
			}
			if got := strings.Join(group, "\n---\n"); got != tc.group {
				t.Errorf("the group got:\n%s\nwant:\n%s", got, tc.group)
			}
			if got := strings.Join(private, "\n---\n"); got != tc.private {
				t.Errorf("the private chat got:\n%s\nwant:\n%s", got, tc.private)
			}
			if toast != tc.toast {
				t.Errorf("toast %q, want %q", toast, tc.toast)
			}
		})
	}
}

// TestAnonymousSummary: an anonymous administrator posting as the group
// gets the group's counts of /summary, as any member there.
func TestAnonymousSummary(t *testing.T) {
	env := newAccessEnv(t)
	m := bot.Message{Chat: env.group, Group: true, From: tg("1087968824"), Anonymous: true, Kind: bot.KindText, Text: "/summary"}
	got := env.handle(m)
	if len(got) != 1 || got[0].Chat != env.group || !strings.Contains(got[0].Text, "Chi bộ Một") || !strings.Contains(got[0].Text, "Đã báo cáo") {
		t.Errorf("anonymous /summary in the group:\n%s", dump(got))
	}
}

// TestRefusalInZaloGroup: Zalo has no buttons, hence no button notes: a
// member's command refused in a Zalo group goes to their private chat,
// the typed variant of the refusal; a stranger gets the neutral line
// naming the bot to write to.
func TestRefusalInZaloGroup(t *testing.T) {
	h := zaloHarness(t, flows.Plan{})
	g := zlGroup("g1")
	h.setGroups("C01", g)
	mb := h.addMember(flows.Member{Name: "Lê Văn Bốn", Cell: "C01", Users: []bot.UserID{zl("m1")}})
	got := h.sendIn(g, mb.Users[0], "/baocao")
	want := flows.T(text.GroupRefusal, map[string]any{"Cell": "Chi bộ thôn Đông",
		"Text": flows.T(text.PrivateOnlyHere, map[string]string{"Cmd": "baocao"})})
	if len(got) != 1 || got[0].Chat != zl("m1").PrivateChat() || got[0].Text != want {
		t.Errorf("member's /baocao in a Zalo group:\n%s", dump(got))
	}
	got = h.sendIn(g, zl("x9"), "/summary")
	want = flows.T(text.GroupAskPrivate, map[string]string{"Bot": "Bot Xã Thử"})
	if len(got) != 1 || got[0].Chat != g || got[0].Text != want {
		t.Errorf("stranger's /summary in a Zalo group:\n%s", dump(got))
	}
}

// TestAnonymousFloodPerGroup: anonymous administrators of different groups
// all post as one service account; each group's is paced on its own.
func TestAnonymousFloodPerGroup(t *testing.T) {
	env := newAccessEnv(t)
	env.eng.Flood = flows.FloodLimit{Burst: 2, Every: time.Hour}
	anon := func(g bot.ChatID) []bot.Reply {
		return env.handle(bot.Message{Chat: g, Group: true, From: tg("1087968824"), Anonymous: true, Kind: bot.KindText, Text: "/help"})
	}
	for range 5 {
		anon(env.group)
	}
	if got := anon(tgGroup("-1002")); len(got) != 1 {
		t.Errorf("another group's anonymous administrator got %d replies after a flood in the first group", len(got))
	}
}

// TestOwnQuestionRefusedInGroup: a press answering the person's own
// question in the group, refused (the admin's rights were taken away
// meanwhile), is answered where the question was asked, not on the
// button: the group saw the question.
func TestOwnQuestionRefusedInGroup(t *testing.T) {
	env := newAccessEnv(t)
	ask := env.send(t, "admin", true, bot.Message{Kind: bot.KindText, Text: "/link"})
	c, ok := findChoice(ask, "Chi bộ Một")
	if !ok {
		t.Fatalf("no cell choice in:\n%s", dump(ask))
	}
	unAdmin(env, t)
	got, toast := env.serve(bot.Message{Chat: env.group, Group: true, From: env.users["admin"], Kind: bot.KindCallback,
		Data: c.Data, CallbackID: "cb", Ref: "5"})
	if toast != "" || strings.TrimSpace(joined(to(got, env.group))) != flows.T(text.NeedAdmin, nil) {
		t.Errorf("toast %q, replies:\n%s", toast, dump(got))
	}
}
