package flows_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// accessRoles are the people of the access table.
var accessRoles = []string{"admin", "secOwn", "secOther", "member", "stranger"}

// refusals maps the texts of access refusals to a short name.
func refusals() map[string]string {
	return map[string]string{
		text.T(text.PrivateOnly, map[string]string{"Cmd": "%"}): "private-only",
		text.T(text.GroupOnly, map[string]string{"Cmd": "%"}):   "group-only",
		text.T(text.NeedMember, nil):                            "need-member",
		text.T(text.NeedSecretary, nil):                         "need-secretary",
		text.T(text.NeedAdmin, nil):                             "need-admin",
	}
}

// TestAccess runs every command as every kind of person in a private chat
// and in cell C01's group, and checks who is let in and who is refused why.
func TestAccess(t *testing.T) {
	P, G := "private", "group"
	ok := "ok"
	all := func(v string) map[string]string {
		m := map[string]string{}
		for _, r := range accessRoles {
			m[r] = v
		}
		return m
	}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	member := with(all(ok), "admin", "need-member", "stranger", "need-member")
	anyMember := with(all(ok), "stranger", "need-member")
	secretary := with(all(ok), "member", "need-secretary", "stranger", "need-secretary")
	// In C01's group only its own secretary (and admins) act as secretary.
	tests := []struct {
		cmd  string
		chat string
		want map[string]string
	}{
		{"start", P, all(ok)}, {"start", G, all(ok)},
		{"help", P, all(ok)}, {"help", G, all(ok)},
		{"join", P, all(ok)}, {"join", G, all("private-only")},
		{"huy", P, all(ok)}, {"huy", G, all(ok)},
		{"link", P, secretary}, {"link", G, with(all("need-admin"), "admin", ok)},
		{"bithu", P, with(all("need-admin"), "admin", ok)}, {"bithu", G, all("private-only")},
		{"dangky", P, member}, {"dangky", G, all("private-only")},
		{"baocao", P, member}, {"baocao", G, all("private-only")},
		{"cuatoi", P, member}, {"cuatoi", G, all("private-only")},
		{"summary", P, anyMember}, {"summary", G, anyMember},
		{"duyet", P, secretary}, {"duyet", G, all("private-only")},
		{"dongthang", P, secretary}, {"dongthang", G, all("private-only")},
		{"mien", P, secretary}, {"mien", G, all("private-only")},
		{"nhacnho", P, secretary}, {"nhacnho", G, all("private-only")},
		{"neuguong", P, secretary}, {"neuguong", G, all("private-only")},
		{"tamhoan", P, member}, {"tamhoan", G, all("private-only")},
		{"lichnhac", P, secretary}, {"lichnhac", G, all("private-only")},
	}
	// Every command of the menus must be in the table.
	cs := flows.Commands()
	listed := map[string]bool{}
	for _, tc := range tests {
		listed[tc.cmd] = true
	}
	for _, c := range append(append(cs.Private, cs.Group...), cs.GroupAdmin...) {
		if !listed[c.Name] {
			t.Errorf("command /%s is missing from the access table", c.Name)
		}
	}

	for _, tc := range tests {
		for _, role := range accessRoles {
			t.Run(fmt.Sprintf("%s/%s/%s", tc.cmd, tc.chat, role), func(t *testing.T) {
				env := newAccessEnv(t)
				got := env.outcome(t, role, tc.chat == G, "/"+tc.cmd)
				if want := tc.want[role]; got != want {
					t.Errorf("/%s in %s chat by %s: got %s, want %s", tc.cmd, tc.chat, role, got, want)
				}
			})
		}
	}
}

// accessEnv is an organisation with two cells, C01's group linked, and one
// person of each role, on the shared test harness.
type accessEnv struct {
	*harness
	users map[string]bot.UserID
	group bot.ChatID
}

func newAccessEnv(t *testing.T) *accessEnv {
	t.Helper()
	users := map[string]bot.UserID{
		"admin": tg("1"), "secOwn": tg("2"), "secOther": tg("3"), "member": tg("4"), "stranger": tg("5"),
	}
	h := newHarness(t, time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t)), users["admin"])
	env := &accessEnv{harness: h, users: users, group: tgGroup("-1001")}
	h.addCell("C01", "Chi bộ Một", env.group)
	h.addCell("C02", "Chi bộ Hai")
	h.addMember(flows.Member{Name: "Trần Văn Hai", Cell: "C01", Secretary: true, Users: []bot.UserID{users["secOwn"]}})
	h.addMember(flows.Member{Name: "Lê Thị Ba", Cell: "C02", Secretary: true, Users: []bot.UserID{users["secOther"]}})
	h.addMember(flows.Member{Name: "Phạm Văn Bốn", Cell: "C01", Users: []bot.UserID{users["member"]}})
	return env
}

// send hands m to the engine as role (in C01's group when group is set) and
// returns the replies it queued.
func (env *accessEnv) send(t *testing.T, role string, group bool, m bot.Message) []bot.Reply {
	t.Helper()
	m.From = env.users[role]
	m.Chat, m.Group = m.From.PrivateChat(), group
	if group {
		m.Chat = env.group
	}
	return env.handle(m)
}

// outcome sends line as role and classifies the first reply: "ok" or the
// name of the refusal.
func (env *accessEnv) outcome(t *testing.T, role string, group bool, line string) string {
	t.Helper()
	replies := env.send(t, role, group, bot.Message{Kind: bot.KindText, Text: line})
	if len(replies) == 0 {
		t.Fatalf("%s got no reply", line)
	}
	cmd := strings.TrimPrefix(strings.Fields(line)[0], "/")
	for txt, name := range refusals() {
		if replies[0].Text == strings.ReplaceAll(txt, "%", cmd) {
			return name
		}
	}
	return "ok"
}
