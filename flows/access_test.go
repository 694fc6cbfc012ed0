package flows_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
	"lamtheo/store"
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
		{"link", P, all("group-only")}, {"link", G, with(all("need-admin"), "admin", ok)},
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
// person of each role.
type accessEnv struct {
	db    *store.DB
	eng   *flows.Engine
	users map[string]bot.UserID
	group bot.ChatID
	n     int
}

func newAccessEnv(t *testing.T) *accessEnv {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	u := func(id string) bot.UserID { return bot.UserID{Platform: bot.Telegram, ID: id} }
	env := &accessEnv{db: db, users: map[string]bot.UserID{
		"admin": u("1"), "secOwn": u("2"), "secOther": u("3"), "member": u("4"), "stranger": u("5"),
	}, group: bot.ChatID{Platform: bot.Telegram, ID: "-1001"}}
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	env.eng = flows.NewEngine(db, flows.Config{OrgName: "Đảng bộ xã Thử", Loc: loc, Admins: []bot.UserID{env.users["admin"]}, GraceDays: 5}, nil)
	env.eng.Now = func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, loc) }
	ctx := context.Background()
	err = db.Update(ctx, func(tx flows.Tx) error {
		for _, c := range []flows.Cell{{Code: "C01", Name: "Chi bộ Một", Groups: []bot.ChatID{env.group}}, {Code: "C02", Name: "Chi bộ Hai"}} {
			if err := tx.PutCell(c); err != nil {
				return err
			}
		}
		for _, m := range []flows.Member{
			{Name: "Trần Văn Hai", Cell: "C01", Secretary: true, Users: []bot.UserID{env.users["secOwn"]}},
			{Name: "Lê Thị Ba", Cell: "C02", Secretary: true, Users: []bot.UserID{env.users["secOther"]}},
			{Name: "Phạm Văn Bốn", Cell: "C01", Users: []bot.UserID{env.users["member"]}},
		} {
			if err := tx.PutMember(&m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// send hands m to the engine as role (in C01's group when group is set) and
// returns the replies it queued.
func (env *accessEnv) send(t *testing.T, role string, group bool, m bot.Message) []bot.Reply {
	t.Helper()
	ctx := context.Background()
	before, err := env.db.Pending(ctx, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	env.n++
	m.Key = fmt.Sprint("s", env.n)
	m.From = env.users[role]
	m.Chat, m.Group = m.From.PrivateChat(), group
	if group {
		m.Chat = env.group
	}
	if err := env.eng.Handle(ctx, m); err != nil {
		t.Fatal(err)
	}
	after, err := env.db.Pending(ctx, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []bot.Reply
	for _, e := range after[len(before):] {
		out = append(out, e.Reply)
	}
	return out
}

// outcome sends line as role and classifies the first reply: "ok" or the
// name of the refusal.
func (env *accessEnv) outcome(t *testing.T, role string, group bool, line string) string {
	t.Helper()
	ctx := context.Background()
	from := env.users[role]
	chat := from.PrivateChat()
	if group {
		chat = env.group
	}
	env.n++
	m := bot.Message{Key: fmt.Sprint("a", env.n), Chat: chat, Group: group, From: from, FromName: "Người Thử", Kind: bot.KindText, Text: line}
	if err := env.eng.Handle(ctx, m); err != nil {
		t.Fatal(err)
	}
	envs, err := env.db.Pending(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) == 0 {
		t.Fatalf("%s got no reply", line)
	}
	cmd := strings.TrimPrefix(strings.Fields(line)[0], "/")
	for txt, name := range refusals() {
		if envs[0].Reply.Text == strings.ReplaceAll(txt, "%", cmd) {
			return name
		}
	}
	if strings.HasPrefix(envs[0].Reply.Text, "[") {
		t.Fatalf("catalogue miss: %s", envs[0].Reply.Text)
	}
	return "ok"
}
