package flows_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// accessRoles are the people of the access table.
// "delegate" is a member of C01 its secretary delegated to record for
// the members without a phone (/uyquyen).
var accessRoles = []string{"admin", "secOwn", "secOther", "member", "delegate", "stranger"}

// refusals maps the texts of access refusals to a short name.
func refusals() map[string]string {
	return map[string]string{
		flows.T(text.PrivateOnly, map[string]string{"Cmd": "%"}): "private-only",
		// in a private chat, of a command typed in a group
		flows.T(text.PrivateOnlyHere, map[string]string{"Cmd": "%"}): "private-only",
		flows.T(text.GroupOnly, map[string]string{"Cmd": "%"}):       "group-only",
		flows.T(text.NeedMember, nil):                                "need-member",
		flows.T(text.NeedSecretary, nil):                             "need-secretary",
		flows.T(text.NeedAdmin, nil):                                 "need-admin",
	}
}

// accessCase is one row of the access table: who may run cmd in a chat
// ("private" or "group"), by role: "ok" or the name of the refusal.
type accessCase struct {
	cmd  string
	chat string
	want map[string]string
}

// accessTable returns the access table: a row for every registered command
// in each kind of chat (TestAccess checks that none is missing).
func accessTable() []accessCase {
	const P, G, ok = "private", "group", "ok"
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
	secretary := with(all(ok), "member", "need-secretary", "delegate", "need-secretary", "stranger", "need-secretary")
	// Recording for a member without a phone: the secretary of one's own
	// cell, or the member delegated; an admin who is no member records
	// for nobody.
	recorder := with(secretary, "delegate", ok, "admin", "need-member", "stranger", "need-member")
	// In a group a refusal goes to the person's private chat; a stranger,
	// whom the bot cannot write to, is asked in one neutral line to write
	// to the bot privately.
	// A command that works only in private, typed in the group, is told
	// to be typed again privately to those it would let in there; the
	// others are told why not (privately).
	privateOnly := func(private map[string]string) map[string]string {
		m := map[string]string{}
		for role, v := range private {
			m[role] = v
			if v == ok {
				m[role] = "private-only"
			}
		}
		m["stranger"] = "write-privately"
		return m
	}
	// In C01's group only its own secretary (and admins) act as secretary.
	return []accessCase{
		{"start", P, all(ok)}, {"start", G, all(ok)},
		{"help", P, all(ok)}, {"help", G, all(ok)},
		{"join", P, all(ok)}, {"join", G, privateOnly(all(ok))},
		{"huy", P, all(ok)}, {"huy", G, all(ok)},
		{"link", P, secretary}, {"link", G, with(all("need-admin"), "admin", ok, "stranger", "write-privately")},
		{"bithu", P, with(all("need-admin"), "admin", ok)}, {"bithu", G, privateOnly(with(all("need-admin"), "admin", ok))},
		{"dangky", P, member}, {"dangky", G, privateOnly(member)},
		{"baocao", P, member}, {"baocao", G, privateOnly(member)},
		{"cuatoi", P, member}, {"cuatoi", G, privateOnly(member)},
		{"summary", P, anyMember}, {"summary", G, with(anyMember, "stranger", "write-privately")},
		{"bangxephang", P, anyMember}, {"bangxephang", G, with(anyMember, "stranger", "write-privately")},
		{"duyet", P, secretary}, {"duyet", G, privateOnly(secretary)},
		{"dongthang", P, secretary}, {"dongthang", G, privateOnly(secretary)},
		{"mien", P, secretary}, {"mien", G, privateOnly(secretary)},
		{"nhacnho", P, secretary}, {"nhacnho", G, privateOnly(secretary)},
		{"neuguong", P, secretary}, {"neuguong", G, privateOnly(secretary)},
		{"tamhoan", P, member}, {"tamhoan", G, privateOnly(member)},
		{"hoso", P, anyMember}, {"hoso", G, privateOnly(anyMember)},
		{"lichnhac", P, secretary}, {"lichnhac", G, privateOnly(secretary)},
		{"danhsach", P, secretary}, {"danhsach", G, privateOnly(secretary)},
		{"xuat", P, secretary}, {"xuat", G, privateOnly(secretary)},
		{"baocaothay", P, recorder}, {"baocaothay", G, privateOnly(recorder)},
		{"dangkythay", P, recorder}, {"dangkythay", G, privateOnly(recorder)},
		{"uyquyen", P, secretary}, {"uyquyen", G, privateOnly(secretary)},
	}
}

// TestAccess runs every command as every kind of person in a private chat
// and in cell C01's group, and checks who is let in and who is refused why.
func TestAccess(t *testing.T) {
	tests := accessTable()
	// Every registered command must have a row for each kind of chat, and
	// every row must be a registered command.
	rows := map[string]bool{}
	for _, tc := range tests {
		rows[tc.cmd+"/"+tc.chat] = true
	}
	registered := map[string]bool{}
	for _, name := range flows.CommandNames() {
		registered[name] = true
		for _, chat := range []string{"private", "group"} {
			if !rows[name+"/"+chat] {
				t.Errorf("command /%s has no %s row in the access table", name, chat)
			}
		}
	}
	for _, tc := range tests {
		if !registered[tc.cmd] {
			t.Errorf("the access table lists /%s, which is no registered command", tc.cmd)
		}
	}
	// Every command of the menus must be in the table.
	cs := flows.Commands(flows.Text())
	for _, c := range append(append(cs.Private, cs.Group...), cs.GroupAdmin...) {
		if !registered[c.Name] {
			t.Errorf("command /%s of the menus is missing from the access table", c.Name)
		}
	}

	for _, tc := range tests {
		for _, role := range accessRoles {
			t.Run(fmt.Sprintf("%s/%s/%s", tc.cmd, tc.chat, role), func(t *testing.T) {
				env := newAccessEnv(t)
				got := env.outcome(t, role, tc.chat == "group", "/"+tc.cmd)
				if want := tc.want[role]; got != want {
					t.Errorf("/%s in %s chat by %s: got %s, want %s", tc.cmd, tc.chat, role, got, want)
				}
			})
		}
	}
}

// helpLine matches a command of /help's list.
var helpLine = regexp.MustCompile(`(?m)^/([a-z]+) — `)

// TestHelpListsPermitted checks that /help lists, for each kind of person
// in each kind of chat, exactly the commands the access table lets them
// run there (but /start, which help never lists, and /join for those
// already connected with a cell).
func TestHelpListsPermitted(t *testing.T) {
	connected := map[string]bool{"secOwn": true, "secOther": true, "member": true, "delegate": true}
	for _, chat := range []string{"private", "group"} {
		for _, role := range accessRoles {
			var want []string
			for _, tc := range accessTable() {
				if tc.chat == chat && tc.want[role] == "ok" && tc.cmd != "start" && !(tc.cmd == "join" && connected[role]) {
					want = append(want, tc.cmd)
				}
			}
			env := newAccessEnv(t)
			var got []string
			for _, m := range helpLine.FindAllStringSubmatch(joined(env.send(t, role, chat == "group", bot.Message{Kind: bot.KindText, Text: "/help"})), -1) {
				got = append(got, m[1])
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("/help in %s chat for %s lists %v, want %v", chat, role, got, want)
			}
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
		"admin": tg("1"), "secOwn": tg("2"), "secOther": tg("3"), "member": tg("4"), "stranger": tg("5"), "delegate": tg("6"),
	}
	h := newHarness(t, time.Date(2026, 11, 20, 9, 0, 0, 0, vnZone(t)), users["admin"])
	env := &accessEnv{harness: h, users: users, group: tgGroup("-1001")}
	h.addCell("C01", "Chi bộ Một", env.group)
	h.addCell("C02", "Chi bộ Hai")
	h.addMember(flows.Member{Name: "Trần Văn Hai", Cell: "C01", Secretary: true, Users: []bot.UserID{users["secOwn"]}})
	h.addMember(flows.Member{Name: "Lê Thị Ba", Cell: "C02", Secretary: true, Users: []bot.UserID{users["secOther"]}})
	h.addMember(flows.Member{Name: "Phạm Văn Bốn", Cell: "C01", Users: []bot.UserID{users["member"]}})
	h.addMember(flows.Member{Name: "Đỗ Thị Năm", Cell: "C01", Recorder: true, Users: []bot.UserID{users["delegate"]}})
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
// name of the refusal. In a group a refusal must reach the person
// privately (after the line saying it answers what they sent in the
// group): one said in the group is "in-group:" and its name; the neutral
// line asking to write to the bot privately is "write-privately".
func (env *accessEnv) outcome(t *testing.T, role string, group bool, line string) string {
	t.Helper()
	replies := env.send(t, role, group, bot.Message{Kind: bot.KindText, Text: line})
	if len(replies) == 0 {
		t.Fatalf("%s got no reply", line)
	}
	first := replies[0]
	if group && first.Text == flows.T(text.GroupAskPrivate, map[string]string{"Bot": "@lamtheo_test_bot"}) {
		return "write-privately"
	}
	body, where := first.Text, ""
	switch {
	case group && first.Chat == env.users[role].PrivateChat():
		_, body, _ = strings.Cut(body, "\n")
	case group:
		where = "in-group:"
	}
	cmd := strings.TrimPrefix(strings.Fields(line)[0], "/")
	for txt, name := range refusals() {
		if body == strings.ReplaceAll(txt, "%", cmd) {
			return where + name
		}
	}
	return "ok"
}

// restart replaces the engine by a new one over the same store, with its
// configuration changed by change: as when the bot restarts with an edited
// configuration file while conversations are open.
func (h *harness) restart(change func(*flows.Config)) {
	old := h.eng
	cfg := old.Cfg
	change(&cfg)
	h.eng = &flows.Engine{Store: h.db, Cfg: cfg, Text: old.Text, Now: old.Now, NewCode: old.NewCode,
		Schedules: old.Schedules, Platforms: old.Platforms, Membership: old.Membership}
}

// memberOf returns the member u belongs to.
func (env *accessEnv) memberOf(t *testing.T, role string) flows.Member {
	t.Helper()
	var m flows.Member
	env.view(func(tx flows.Tx) error {
		var err error
		m, _, err = tx.MemberOf(env.users[role])
		return err
	})
	return m
}

// change stores the member of role changed by fn.
func (env *accessEnv) change(t *testing.T, role string, fn func(*flows.Member)) {
	t.Helper()
	m := env.memberOf(t, role)
	fn(&m)
	env.update(func(tx flows.Tx) error { return tx.PutMember(&m) })
}

// Ways to take a role away in the middle of a conversation.
var (
	unAdmin = func(env *accessEnv, t *testing.T) { // removed from the configuration, bot restarted
		env.restart(func(c *flows.Config) { c.Admins = nil })
	}
	demote = func(role string) func(*accessEnv, *testing.T) { // no longer secretary
		return func(env *accessEnv, t *testing.T) { env.change(t, role, func(m *flows.Member) { m.Secretary = false }) }
	}
	toOtherCell = func(role string) func(*accessEnv, *testing.T) { // secretary of the other cell now
		return func(env *accessEnv, t *testing.T) { env.change(t, role, func(m *flows.Member) { m.Cell = "C02" }) }
	}
	leave = func(role string) func(*accessEnv, *testing.T) { // out of their cell
		return func(env *accessEnv, t *testing.T) {
			env.change(t, role, func(m *flows.Member) { m.Cell = ""; m.Secretary = false })
		}
	}
)

// snapshot renders every record a conversation step could change.
func (env *accessEnv) snapshot(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	env.view(func(tx flows.Tx) error {
		cells, err := tx.Cells()
		if err != nil {
			return err
		}
		for _, c := range cells {
			st, err := tx.MonthState(c.Code, 202611)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "cell %+v %+v\n", c, st)
			invs, err := tx.Invites(c.Code)
			if err != nil {
				return err
			}
			for _, inv := range invs {
				fmt.Fprintf(&b, "  invite %+v\n", inv)
			}
		}
		ms, err := tx.Members("")
		if err != nil {
			return err
		}
		for _, m := range ms {
			p, _, err := tx.Pledge(m.ID, 2026)
			if err != nil {
				return err
			}
			r, _, err := tx.Report(m.ID, 202611)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "member %+v\n  pledge %+v\n  report %+v\n", m, p, r)
		}
		return nil
	})
	return b.String()
}

// TestAccessMidConversation runs every multi-step flow as the role it
// needs, takes the role away at a step (an admin removed from the
// configuration and the bot restarted, a secretary demoted or moved to
// another cell, a member out of their cell) and answers the next step:
// the answer is refused and changes nothing (finding 7).
func TestAccessMidConversation(t *testing.T) {
	// seeds: Phạm Văn Bốn (member) submitted a pledge and November's report.
	seed := func(env *accessEnv, t *testing.T) {
		m := env.memberOf(t, "member")
		env.putPledge(flows.Pledge{Member: m.ID, Year: 2026, Status: flows.PledgeSubmitted, NextNo: 2,
			Items: []flows.PledgeItem{{No: 1, Text: "Trồng cây", Category: "cm1"}}})
		env.putReport(flows.Report{Member: m.ID, Month: 202611, Other: "Nhặt rác"})
	}
	tests := []struct {
		name   string
		role   string
		group  bool
		seed   bool
		steps  []string // typed lines; "#x" presses the choice whose label contains x
		remove func(*accessEnv, *testing.T)
		last   string
		want   string
	}{
		{"link in group: cell", "admin", true, false, []string{"/link"}, unAdmin, "#Chi bộ Một", "need-admin"},
		{"link in private: revoke", "secOwn", false, false, []string{"/link", "/link"}, demote("secOwn"), "#Thu hồi mã cũ", "need-secretary"},
		{"link in private: revoke, admin", "admin", false, false, []string{"/link", "#Chi bộ Một", "/link", "#Chi bộ Một"}, unAdmin, "#Thu hồi mã cũ", "need-secretary"},
		{"bithu: cell", "admin", false, false, []string{"/bithu"}, unAdmin, "#Chi bộ Một", "need-admin"},
		{"bithu: member", "admin", false, false, []string{"/bithu", "#Chi bộ Một"}, unAdmin, "#Phạm Văn Bốn", "need-admin"},
		{"bithu: confirm", "admin", false, false, []string{"/bithu", "#Chi bộ Một", "#Phạm Văn Bốn"}, unAdmin, "#Cấp quyền", "need-admin"},
		{"admin picks a cell for /mien", "admin", false, false, []string{"/mien"}, unAdmin, "#Chi bộ Một", "need-secretary"},
		{"admin picks a cell for /duyet", "admin", false, true, []string{"/duyet"}, unAdmin, "#Chi bộ Một", "need-secretary"},
		{"summary: admin opens a cell", "admin", false, true, []string{"/summary"}, unAdmin, "#Chi bộ Một", "need-admin"},
		{"summary: read a report", "secOwn", false, true, []string{"/summary"}, demote("secOwn"), "#Phạm Văn Bốn", "need-secretary"},
		{"duyet: pick", "secOwn", false, true, []string{"/duyet"}, demote("secOwn"), "#Phạm Văn Bốn", "need-secretary"},
		{"duyet: decide", "secOwn", false, true, []string{"/duyet", "#Phạm Văn Bốn"}, demote("secOwn"), "#Duyệt", "need-secretary"},
		{"duyet: decide, moved", "secOwn", false, true, []string{"/duyet", "#Phạm Văn Bốn"}, toOtherCell("secOwn"), "#Duyệt", "need-secretary"},
		{"duyet: comment", "secOwn", false, true, []string{"/duyet", "#Phạm Văn Bốn", "#Trả lại"}, demote("secOwn"), "Ghi rõ hơn", "need-secretary"},
		{"duyet: admin decides", "admin", false, true, []string{"/duyet", "#Chi bộ Một", "#Phạm Văn Bốn"}, unAdmin, "#Duyệt", "need-secretary"},
		{"dongthang: act", "secOwn", false, false, []string{"/dongthang"}, demote("secOwn"), "#Chốt tháng", "need-secretary"},
		{"dongthang: confirm", "secOwn", false, false, []string{"/dongthang", "#Chốt tháng"}, demote("secOwn"), "#Đồng ý chốt", "need-secretary"},
		{"mien: pick", "secOwn", false, false, []string{"/mien"}, demote("secOwn"), "#Phạm Văn Bốn", "need-secretary"},
		{"mien: confirm", "secOwn", false, false, []string{"/mien", "#Phạm Văn Bốn"}, demote("secOwn"), "#Đồng ý", "need-secretary"},
		{"mien: confirm, left", "secOwn", false, false, []string{"/mien", "#Phạm Văn Bốn"}, leave("secOwn"), "#Đồng ý", "need-secretary"},
		{"mien: admin confirms", "admin", false, false, []string{"/mien", "#Chi bộ Một", "#Phạm Văn Bốn"}, unAdmin, "#Đồng ý", "need-secretary"},
		{"neuguong: pick", "secOwn", false, true, []string{"/neuguong"}, demote("secOwn"), "#Phạm Văn Bốn", "need-secretary"},
		{"neuguong: confirm", "secOwn", false, true, []string{"/neuguong", "#Phạm Văn Bốn"}, demote("secOwn"), "#Biểu dương", "need-secretary"},
		{"lichnhac: run", "secOwn", false, false, []string{"/lichnhac"}, demote("secOwn"), "#bảng xếp hạng", "need-secretary"},
		{"lichnhac: admin runs", "admin", false, false, []string{"/lichnhac"}, unAdmin, "#bảng xếp hạng", "need-secretary"},
		{"dangky: item", "member", false, false, []string{"/dangky"}, leave("member"), "Trồng cây", "need-member"},
		{"dangky: category", "member", false, false, []string{"/dangky", "Trồng cây"}, leave("member"), "#Trung thành", "need-member"},
		{"dangky: target", "member", false, false, []string{"/dangky", "Trồng cây", "#Trung thành"}, leave("member"), "mỗi tháng", "need-member"},
		{"baocao: other deed", "member", false, false, []string{"/baocao"}, leave("member"), "Nhặt rác", "member-left"},
		{"baocao: send", "member", false, false, []string{"/baocao", "Nhặt rác", "#Không gửi ảnh"}, leave("member"), "#Gửi", "member-left"},
		{"baocao: month in the grace days", "member", false, false, []string{"@2026-12-03", "/baocao"}, leave("member"), "#tháng 11", "need-member"},
		{"tamhoan: length", "member", false, false, []string{"/tamhoan"}, leave("member"), "#1 tuần", "need-member"},
		{"tamhoan: reason", "member", false, false, []string{"/tamhoan", "#1 tuần"}, leave("member"), "#Ốm đau", "need-member"},
	}
	names := refusals()
	names[flows.T(text.MemberLeftCell, nil)] = "member-left"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newAccessEnv(t)
			if tc.seed {
				seed(env, t)
			}
			var last []bot.Reply
			act := func(line string) []bot.Reply {
				t.Helper()
				if l, ok := strings.CutPrefix(line, "#"); ok {
					c, found := findChoice(last, l)
					if !found {
						t.Fatalf("no choice %q in:\n%s", l, dump(last))
					}
					m := bot.Message{Kind: bot.KindCallback, Data: c.Data, CallbackID: "cb"}
					if !tc.group {
						return env.send(t, tc.role, tc.group, m)
					}
					// In a group a refusal is the button's note: it
					// reads here as a reply to no chat.
					m.From, m.Chat, m.Group = env.users[tc.role], env.group, true
					got, toast := env.serve(m)
					if toast != "" {
						got = append([]bot.Reply{{Text: toast}}, got...)
					}
					return got
				}
				return env.send(t, tc.role, tc.group, bot.Message{Kind: bot.KindText, Text: line})
			}
			for _, s := range tc.steps {
				if d, ok := strings.CutPrefix(s, "@"); ok {
					day, _ := time.ParseInLocation(time.DateOnly, d, env.loc)
					env.at(day.Add(9 * time.Hour))
					continue
				}
				last = act(s)
			}
			tc.remove(env, t)
			before := env.snapshot(t)
			got := act(tc.last)
			if len(got) == 0 {
				t.Fatalf("no answer to %q after the role was removed", tc.last)
			}
			name := "ok"
			for txt, n := range names {
				if got[0].Text == txt {
					name = n
				}
			}
			if name != tc.want {
				t.Errorf("after the role was removed, %q got %s, want %s:\n%s", tc.last, name, tc.want, dump(got))
			}
			if after := env.snapshot(t); after != before {
				t.Errorf("the refused step changed the store:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}
