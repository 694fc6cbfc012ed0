package flows

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// where says in which kinds of chat a command works.
type where int

const (
	inPrivate where = 1 << iota
	inGroup
	anywhere = inPrivate | inGroup
)

// Role is what a person may do. Roles are ordered: each includes the ones
// before it (an admin may do what a secretary may).
type Role int

// Roles, from least to most.
const (
	Stranger      Role = iota // not a member of any cell
	RoleMember                // a member of a cell
	RoleSecretary             // secretary of a cell; in a group, of that group's cell
	RoleAdmin                 // administrator of the organisation
)

// command is one slash command.
type command struct {
	name    string   // primary name, without the slash
	aliases []string // other names it answers to
	where   where
	who     Role
	// groupWho, when set, is who may run the command in a group chat,
	// where it differs from who.
	groupWho Role
	desc     text.Key
	run      func(r *req, args string) error
	// own marks commands about the sender's own membership (pledge,
	// report): they need a cell even for an admin.
	own bool
	// recorder marks commands a member the secretary delegated
	// (Member.Recorder) may run in private as well: recording for the
	// members without a phone.
	recorder bool
	// untilConnected marks commands only for people not yet connected
	// with a cell (/join): help leaves them out for the others.
	untilConnected bool
}

// commands returns the command table, in the order help lists it.
func commands() []command {
	return []command{
		{name: "start", where: anywhere, who: Stranger, desc: text.CmdStart, run: (*req).cmdStart},
		{name: "help", aliases: []string{"trogiup"}, where: anywhere, who: Stranger, desc: text.CmdHelp, run: (*req).cmdHelp},
		{name: "join", aliases: []string{"thamgia"}, where: inPrivate, who: Stranger, untilConnected: true, desc: text.CmdJoin, run: (*req).cmdJoin},
		{name: "huy", aliases: []string{"cancel"}, where: anywhere, who: Stranger, desc: text.CmdCancel, run: (*req).cmdCancel},
		{name: "link", aliases: []string{"lienket"}, where: anywhere, who: RoleSecretary, groupWho: RoleAdmin, desc: text.CmdLink, run: (*req).cmdLink},
		{name: "dangky", own: true, aliases: []string{"pledge"}, where: inPrivate, who: RoleMember, desc: text.CmdPledge, run: (*req).cmdPledge},
		{name: "baocao", own: true, aliases: []string{"report"}, where: inPrivate, who: RoleMember, desc: text.CmdReport, run: (*req).cmdReport},
		{name: "cuatoi", own: true, aliases: []string{"me"}, where: inPrivate, who: RoleMember, desc: text.CmdMe, run: (*req).cmdMe},
		{name: "hoso", aliases: []string{"dossier"}, where: inPrivate, who: RoleMember, desc: text.CmdDossier, run: (*req).cmdDossier},
		{name: "tamhoan", own: true, aliases: []string{"pause"}, where: inPrivate, who: RoleMember, desc: text.CmdPause, run: (*req).cmdPause},
		{name: "summary", aliases: []string{"tonghop"}, where: anywhere, who: RoleMember, desc: text.CmdSummary, run: (*req).cmdSummary},
		{name: "bangxephang", aliases: []string{"xephang"}, where: anywhere, who: RoleMember, desc: text.CmdLeader, run: (*req).cmdLeader},
		{name: "duyet", aliases: []string{"approve"}, where: inPrivate, who: RoleSecretary, desc: text.CmdApprove, run: (*req).cmdApprove},
		{name: "dongthang", aliases: []string{"close"}, where: inPrivate, who: RoleSecretary, desc: text.CmdClose, run: (*req).cmdClose},
		{name: "mien", aliases: []string{"exempt"}, where: inPrivate, who: RoleSecretary, desc: text.CmdExempt, run: (*req).cmdExempt},
		{name: "nhacnho", aliases: []string{"nudge"}, where: inPrivate, who: RoleSecretary, desc: text.CmdNudge, run: (*req).cmdNudge},
		{name: "neuguong", aliases: []string{"feature"}, where: inPrivate, who: RoleSecretary, desc: text.CmdFeature, run: (*req).cmdFeature},
		{name: "lichnhac", aliases: []string{"schedule"}, where: inPrivate, who: RoleSecretary, desc: text.CmdSchedule, run: (*req).cmdSchedule},
		{name: "danhsach", aliases: []string{"roster"}, where: inPrivate, who: RoleSecretary, desc: text.CmdRoster, run: (*req).cmdRoster},
		{name: "baocaothay", own: true, where: inPrivate, who: RoleSecretary, recorder: true, desc: text.CmdReportBehalf, run: (*req).cmdReportBehalf},
		{name: "dangkythay", own: true, where: inPrivate, who: RoleSecretary, recorder: true, desc: text.CmdPledgeBehalf, run: (*req).cmdPledgeBehalf},
		{name: "uyquyen", where: inPrivate, who: RoleSecretary, desc: text.CmdDelegate, run: (*req).cmdDelegate},
		{name: "xuat", aliases: []string{"export"}, where: inPrivate, who: RoleSecretary, desc: text.CmdExport, run: (*req).cmdExport},
		{name: "bithu", aliases: []string{"secretary"}, where: inPrivate, who: RoleAdmin, desc: text.CmdSecretary, run: (*req).cmdSecretary},
	}
}

// needs returns who may run c in a group chat (group) or a private one.
func (c command) needs(group bool) Role {
	if group && c.groupWho != 0 {
		return c.groupWho
	}
	return c.who
}

// lookup finds the command called name, as typed: in any case, with or
// without diacritics ("báocáo", "ĐăngKý", see foldName).
func lookup(name string) (command, bool) {
	name = foldName(name)
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
		for _, a := range c.aliases {
			if a == name {
				return c, true
			}
		}
	}
	return command{}, false
}

// lookupTyped finds the command of "/name args" as people type it: name
// as lookup reads it, or, when that is no command, name and the first
// word of args written apart ("/báo cáo 11" is /baocao 11). It returns the
// command's arguments.
func lookupTyped(name, args string) (command, string, bool) {
	if c, ok := lookup(name); ok {
		return c, args, true
	}
	word, rest := args, ""
	if i := strings.IndexFunc(args, unicode.IsSpace); i >= 0 {
		word, rest = args[:i], args[i:]
	}
	if word == "" {
		return command{}, args, false
	}
	if c, ok := lookup(name + word); ok {
		return c, strings.TrimSpace(rest), true
	}
	return command{}, args, false
}

// parseCommand splits "/name args" into its lowercase name and the rest. ok
// is false when s is not a command.
func parseCommand(s string) (name, args string, ok bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "/") || len(s) < 2 {
		return "", "", false
	}
	name, args = s[1:], ""
	if i := strings.IndexFunc(name, unicode.IsSpace); i >= 0 { // "/baocao\n1 xong…" too
		name, args = name[:i], name[i:]
	}
	if at := strings.IndexByte(name, '@'); at >= 0 {
		name = name[:at]
	}
	return strings.ToLower(name), strings.TrimSpace(args), true
}

// role returns the sender's role in the current chat. In a group the
// secretary role counts only for the group's own cell.
func (r *req) role() (Role, error) { return r.roleIn(r.m.Group) }

// roleIn returns the sender's role in a group of the current chat's (group)
// or in their private chat (!group).
func (r *req) roleIn(group bool) (Role, error) {
	if r.admin() {
		return RoleAdmin, nil
	}
	if r.m.Anonymous && r.m.Group {
		return anonymousRole, nil
	}
	if !r.isMember || r.member.Cell == "" {
		return Stranger, nil
	}
	cell := r.member.Cell // in private, the member's own cell
	if group && r.member.Secretary {
		c, ok, err := r.tx.CellOfGroup(r.m.Chat)
		if err != nil {
			return 0, err
		}
		cell = "" // in a group, the group's cell
		if ok {
			cell = c.Code
		}
	}
	if r.member.SecretaryOf(cell) {
		return RoleSecretary, nil
	}
	return RoleMember, nil
}

// permit checks that the sender may run c here, returning a refusal if not.
// A command that works only in private, typed in a group, is checked
// first against the role the sender has in private: one who lacks it is
// told so, rather than to type it again privately and be refused there.
func (r *req) permit(c command) error {
	if r.m.Group && c.where&inGroup == 0 {
		if err := r.permitRole(c, false); err != nil {
			return err
		}
		return refuse(text.PrivateOnly, cmdView{Cmd: c.name})
	}
	if !r.m.Group && c.where&inPrivate == 0 {
		return refuse(text.GroupOnly, cmdView{Cmd: c.name})
	}
	return r.permitRole(c, r.m.Group)
}

// mentionHere returns the bot's name that a command typed in the current
// chat must start with (a group of a platform whose bots receive only the
// messages that mention them), or "".
func (r *req) mentionHere() string {
	if c := r.e.caps(r.m.Chat.Platform); r.m.Group && c.GroupMention {
		return c.Name
	}
	return ""
}

// permitRole checks that the sender has the role c needs in a group
// (group) or in private, returning a refusal if not.
func (r *req) permitRole(c command, group bool) error {
	if c.own && !(r.isMember && r.member.Cell != "") {
		return refuse(text.NeedMember, nil)
	}
	role, err := r.roleIn(group)
	if err != nil {
		return err
	}
	need := c.needs(group)
	if role >= need || r.recorderMay(c, group) {
		return nil
	}
	switch need {
	case RoleMember:
		return refuse(text.NeedMember, nil)
	case RoleSecretary:
		return refuse(text.NeedSecretary, nil)
	default:
		return refuse(text.NeedAdmin, nil)
	}
}

// dispatch routes the message to a command, the flow in progress, or a
// default answer.
func (r *req) dispatch() error {
	switch r.m.Kind {
	case bot.KindAdded:
		return r.botAdded()
	case bot.KindRemoved:
		return r.botRemoved()
	case bot.KindCallback:
		return r.callback(r.m.Data)
	case bot.KindPhoto:
		return r.photoMessage()
	case bot.KindOther:
		return r.notText()
	case bot.KindDocument:
		return r.documentMessage()
	}
	if len(r.m.Text) > 4*MaxInput || utf8.RuneCountInString(r.m.Text) > MaxInput {
		if r.m.Group && !r.active() {
			return nil
		}
		return refuse(text.TooLong, tooLongView{Max: MaxInput, N: utf8.RuneCountInString(r.m.Text)})
	}
	if name, args, ok := parseCommand(r.m.Text); ok {
		c, args, found := lookupTyped(name, args)
		if !found {
			return r.unknownCommand(name)
		}
		if err := r.permit(c); err != nil {
			return err
		}
		r.cmd, r.args = c.name, args
		return c.run(r, args)
	}
	if data, ok := r.noticeChoice(r.m.Text); ok && !r.m.Group {
		return r.callback(data)
	}
	if r.expired() {
		return nil
	}
	if r.active() {
		return r.answer(r.typed(r.m.Text))
	}
	if r.m.Group {
		return nil // the group's own talk is not for the bot
	}
	if strings.TrimSpace(r.m.Text) == "" {
		return refuse(text.EmptyInput, nil)
	}
	if !r.isMember && !r.admin() {
		return refuse(text.StrangerHello, nil)
	}
	return refuse(text.NotUnderstood, nil)
}

// notText answers a sticker, photo or other non-text message.
func (r *req) notText() error {
	if r.m.Group {
		return nil
	}
	return refuse(text.NotText, nil)
}

// cmdStart greets the person; with a join payload it starts joining.
func (r *req) cmdStart(args string) error {
	if code, ok := strings.CutPrefix(args, joinPrefix); ok && !r.m.Group {
		return r.join(code)
	}
	if r.m.Group {
		return r.cmdHelp("")
	}
	if r.isMember && r.member.Cell != "" {
		cell, _, err := r.tx.Cell(r.member.Cell)
		if err != nil {
			return err
		}
		r.say(text.WelcomeBack, welcomeView{Name: r.member.Name, Cell: cell.Name, Org: r.e.Cfg.OrgName})
		return r.cmdHelp("")
	}
	if r.admin() {
		r.say(text.WelcomeAdmin, welcomeView{Org: r.e.Cfg.OrgName})
		return r.cmdHelp("")
	}
	if r.hasPending {
		return r.movePending()
	}
	r.say(text.WelcomeStranger, welcomeView{Org: r.e.Cfg.OrgName})
	r.say(text.YourID, yourIDView{ID: r.m.From.ID})
	return nil
}

// yourIDView feeds the text that tells a stranger their user id.
type yourIDView struct{ ID string }

// helpView feeds /trogiup: the commands this person may use here, their
// role and, in a group, how to address the bot.
type helpView struct {
	Org, Role, Mention string
	Lines              []helpLine
}

// helpLine is one command as help lists it.
type helpLine struct {
	Cmd  string
	Desc string
}

// recorderMay reports whether the sender may run c, in a group (group) or
// in private, as a member the secretary delegated (command.recorder).
func (r *req) recorderMay(c command, group bool) bool {
	return c.recorder && !group && r.isMember && mayRecordFor(r.member, r.member.Cell)
}

// usable reports whether the sender, of role, may run c in this chat, as
// help lists it.
func (r *req) usable(c command, role Role) bool {
	connected := r.isMember && r.member.Cell != ""
	switch {
	case c.needs(r.m.Group) > role && !r.recorderMay(c, r.m.Group), c.own && !connected, c.untilConnected && connected:
		return false
	case r.m.Group:
		return c.where&inGroup != 0
	}
	return c.where&inPrivate != 0
}

// cmdHelp lists the commands this person may use in this chat.
func (r *req) cmdHelp(string) error {
	role, err := r.role()
	if err != nil {
		return err
	}
	var lines []helpLine
	for _, c := range commands() {
		if c.name == "start" || !r.usable(c, role) {
			continue
		}
		lines = append(lines, helpLine{Cmd: "/" + c.name, Desc: r.t(c.desc, nil)})
	}
	key, mention := text.HelpPrivate, ""
	if name := r.mentionHere(); name != "" {
		mention = r.t(text.GroupMentionHint, botView{Bot: name})
	}
	if r.m.Group {
		key = text.HelpGroup
	}
	r.say(key, helpView{Org: r.e.Cfg.OrgName, Lines: lines, Role: r.roleName(role), Mention: mention})
	return nil
}

// nearView feeds the answer to an unknown command Cmd that looks like a
// slip for the command Near, described by Desc.
type nearView struct{ Cmd, Near, Desc string }

// unknownCommand refuses the command name, which is none, suggesting the
// one the sender may use here that it looks like a slip for, if any (see
// nearMiss): "/dangki" gets «Có phải đồng chí muốn gõ /dangky?».
func (r *req) unknownCommand(name string) error {
	role, err := r.role()
	if err != nil {
		return err
	}
	var names []string
	for _, c := range commands() {
		if r.usable(c, role) {
			names = append(names, c.name)
			names = append(names, c.aliases...)
		}
	}
	near, ok := nearMiss(foldName(name), names)
	if !ok {
		return refuse(text.UnknownCommand, cmdView{Cmd: name})
	}
	c, _ := lookup(near)
	return refuse(text.UnknownNear, nearView{Cmd: name, Near: near, Desc: r.t(c.desc, nil)})
}

// roleName returns the Vietnamese name of role.
func (r *req) roleName(role Role) string {
	switch role {
	case RoleAdmin:
		return r.t(text.RoleAdminName, nil)
	case RoleSecretary:
		return r.t(text.RoleSecretaryName, nil)
	case RoleMember:
		return r.t(text.RoleMemberName, nil)
	}
	return r.t(text.RoleStrangerName, nil)
}

// cmdCancel abandons the conversation in progress.
func (r *req) cmdCancel(string) error {
	if !r.active() {
		r.say(text.NothingToCancel, nil)
		return nil
	}
	r.finish()
	r.say(text.Cancelled, nil)
	return nil
}

// Commands returns the command menus for platforms that show one, with
// the descriptions of the catalogue cat.
func Commands(cat *text.Catalog) bot.CommandSet {
	var cs bot.CommandSet
	for _, c := range commands() {
		bc := bot.Command{Name: c.name, Description: cat.Render(c.desc, nil)}
		if c.where&inPrivate != 0 {
			cs.Private = append(cs.Private, bc)
		}
		if c.where&inGroup != 0 && c.name != "start" {
			if c.needs(true) <= RoleMember {
				cs.Group = append(cs.Group, bc)
			}
			cs.GroupAdmin = append(cs.GroupAdmin, bc)
		}
	}
	return cs
}
