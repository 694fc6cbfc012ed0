package flows

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// Flows of this file.
const (
	flowLink      = "link"
	flowJoin      = "join"
	flowSecretary = "secretary"
)

// joinPrefix starts the deep-link payload of an invite: /start j_CODE.
const joinPrefix = "j_"

// codeAlphabet has no letters that read like digits (O, I, L) nor 0 and 1.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewInviteCode returns a random 6-character invite code.
func NewInviteCode() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// cellChoices returns one choice per cell, data prefix+code.
func cellChoices(cells []Cell, prefix string) [][]bot.Choice {
	rows := make([][]bot.Choice, 0, len(cells))
	for _, c := range cells {
		rows = append(rows, row(choice(c.Name, prefix+c.Code)))
	}
	return rows
}

// cmdLink starts linking the current group to a cell (admins only). In a
// private chat it gives a secretary (or an admin, for the cell they choose)
// the cell's code to share by hand, for cells without a group on the bot.
func (r *req) cmdLink(string) error {
	if !r.m.Group {
		return r.shareCode()
	}
	if !r.admin() {
		return refuse(text.NeedAdmin, nil)
	}
	cells, err := r.tx.Cells()
	if err != nil {
		return err
	}
	if len(cells) == 0 {
		return refuse(text.NoCells, nil)
	}
	plan := r.e.plan(r.m.Chat.Platform)
	served := cells[:0:0]
	for _, c := range cells {
		if plan.Serves(c.Code) {
			served = append(served, c)
		}
	}
	if len(served) == 0 {
		return refuse(text.LinkNoCellHere, nil)
	}
	r.start(flowLink, "cell")
	r.ask(text.LinkChooseCell, nil, cellChoices(served, "c:")...)
	return nil
}

func (r *req) linkStep(in input) error {
	if r.sess.Step == "revoke" {
		return r.revokeStep(in)
	}
	code, ok := strings.CutPrefix(in.Data, "c:")
	if !ok {
		return refuse(text.ChooseAbove, nil)
	}
	cell, found, err := r.tx.Cell(code)
	if err != nil {
		return err
	}
	if !found || !r.e.plan(r.m.Chat.Platform).Serves(cell.Code) {
		r.finish()
		return refuse(text.StaleChoice, nil)
	}
	if !r.admin() {
		r.finish()
		return refuse(text.NeedAdmin, nil)
	}
	if err := r.checkGroupRoom(cell); err != nil {
		r.finish()
		return err
	}
	// A group belongs to one cell: unlink it from any other first.
	if old, ok, err := r.tx.CellOfGroup(r.m.Chat); err != nil {
		return err
	} else if ok && old.Code != cell.Code {
		old.Groups = without(old.Groups, r.m.Chat)
		if err := r.tx.PutCell(old); err != nil {
			return err
		}
	}
	if !containsChat(cell.Groups, r.m.Chat) {
		cell.Groups = append(cell.Groups, r.m.Chat)
		if err := r.tx.PutCell(cell); err != nil {
			return err
		}
	}
	// The codes posted in this group before (of this cell or of the one the
	// group belonged to) stop working: only the new button does.
	if _, err := r.revokeInvites("", "", postedIn(r.m.Chat)); err != nil {
		return err
	}
	inv, err := r.newInvite(cell.Code, r.m.Chat)
	if err != nil {
		return err
	}
	r.finish()
	r.send(r.inviteReply(r.m.Chat, cell, inv, text.LinkDone))
	return nil
}

// newInvite stores a fresh invite to cell, posted in group (zero for a
// code given privately).
func (r *req) newInvite(cell string, group bot.ChatID) (Invite, error) {
	gen := r.e.NewCode
	if gen == nil {
		gen = NewInviteCode
	}
	for range 10 {
		inv := Invite{Code: gen(), Cell: cell, Created: r.now, Expires: r.now.Add(r.e.Cfg.InviteTTL), Group: group}
		if _, taken, err := r.tx.Invite(inv.Code); err != nil {
			return Invite{}, err
		} else if taken {
			continue
		}
		return inv, r.tx.PutInvite(inv)
	}
	return Invite{}, fmt.Errorf("new invite for %s: no free code", cell)
}

// inviteReply is the message to the group chat with the button that opens
// a private chat and joins cell; where there are no buttons it says which
// bot to write to and what to type.
func (r *req) inviteReply(chat bot.ChatID, cell Cell, inv Invite, k text.Key) bot.Reply {
	data := map[string]string{"Cell": cell.Name, "Code": inv.Code, "Org": r.e.Cfg.OrgName,
		"Bot": r.e.caps(chat.Platform).Name}
	return bot.Reply{
		Chat: chat,
		Text: text.T(r.e.textKey(chat.Platform, k), data),
		Link: &bot.Link{
			Label:   text.T(text.JoinButton, data),
			Payload: joinPrefix + inv.Code,
			Alt:     text.T(text.JoinAlt, data),
		},
	}
}

func containsChat(cs []bot.ChatID, c bot.ChatID) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

func without(cs []bot.ChatID, c bot.ChatID) []bot.ChatID {
	out := cs[:0:0]
	for _, x := range cs {
		if x != c {
			out = append(out, x)
		}
	}
	return out
}

// cmdJoin joins a cell by typed code: /join CODE.
func (r *req) cmdJoin(args string) error { return r.join(args) }

// join starts joining the cell of the invite code. Unknown codes are
// counted: after maxWrongCodes of them the person's codes are not looked
// at for a while (see wrongCode).
func (r *req) join(code string) error {
	code = joinCode(code)
	if code == "" {
		return refuse(text.JoinNeedCode, nil)
	}
	attempts, err := r.tx.JoinAttempts(r.m.From)
	if errors.Is(err, ErrDamaged) {
		r.e.Log.Error("damaged join attempts dropped", "user", r.m.From.String(), "err", err)
		attempts, err = JoinAttempts{Wrong: maxWrongCodes - 1, Since: r.now}, nil // the next wrong code cools down
	}
	if err != nil {
		return err
	}
	if err := r.coolingDown(attempts); err != nil {
		return err
	}
	inv, ok, err := r.tx.Invite(code)
	if err != nil {
		return err
	}
	var cell Cell
	if ok {
		cell, ok, err = r.tx.Cell(inv.Cell)
		if err != nil {
			return err
		}
	}
	if !ok {
		return r.wrongCode(attempts, code)
	}
	if attempts != (JoinAttempts{}) {
		if err := r.tx.PutJoinAttempts(r.m.From, JoinAttempts{}); err != nil {
			return err
		}
	}
	if !inv.Revoked.IsZero() {
		if r.isMember && r.member.Cell == cell.Code { // an old button of their own cell's group
			return refuse(text.JoinAlready, map[string]string{"Name": r.member.Name, "Cell": cell.Name})
		}
		return refuse(text.JoinRevoked, map[string]string{"Cell": cell.Name, "Code": code})
	}
	if !r.now.Before(inv.Expires) {
		return refuse(text.JoinExpired, map[string]string{"Cell": cell.Name})
	}
	if r.notInGroup(inv) {
		return refuse(text.JoinNotInGroup, map[string]string{"Cell": cell.Name})
	}
	if r.hasPending {
		return r.movePending()
	}
	if err := r.checkUserRoom(cell); err != nil {
		return err
	}
	if r.isMember && r.member.Cell == cell.Code {
		return refuse(text.JoinAlready, map[string]string{"Name": r.member.Name, "Cell": cell.Name})
	}
	r.start(flowJoin, "")
	r.set("cell", cell.Code)
	if r.isMember && r.member.Cell != "" {
		cur, _, err := r.tx.Cell(r.member.Cell)
		if err != nil {
			return err
		}
		r.step("move")
		r.ask(text.JoinMoveAsk, map[string]string{"Name": r.member.Name, "From": cur.Name, "To": cell.Name},
			row(choice(text.T(text.JoinMoveYes, map[string]string{"To": cell.Name}), "mv:yes")),
			row(choice(text.T(text.JoinMoveNo, map[string]string{"From": cur.Name}), "mv:no")))
		return nil
	}
	name := r.m.FromName
	if r.isMember {
		name = r.member.Name
	}
	return r.confirmName(name, cell)
}

// confirmName asks the person to confirm name, or to type it when name is
// not usable.
func (r *req) confirmName(name string, cell Cell) error {
	clean, err := validName(name)
	data := map[string]string{"Name": clean, "Cell": cell.Name, "Org": r.e.Cfg.OrgName}
	if err != nil {
		r.step("typename")
		r.say(text.JoinAskName, data)
		return nil
	}
	r.set("name", clean)
	r.step("name")
	r.ask(text.JoinConfirmName, data,
		row(choice(text.T(text.JoinNameOK, nil), "nm:ok")),
		row(choice(text.T(text.JoinNameEdit, nil), "nm:edit")))
	return nil
}

// validName cleans a typed name and checks it looks like a person's name.
func validName(s string) (string, error) {
	s, err := cleanInput(s, MaxNameLen)
	if err != nil {
		return "", err
	}
	letters := 0
	for _, c := range s {
		switch {
		case unicode.IsLetter(c):
			letters++
		case c == ' ', c == '.', c == '-', c == '\'':
		default:
			return "", refuse(text.BadName, nil)
		}
	}
	if letters < 2 || strings.Contains(s, "\n") {
		return "", refuse(text.BadName, nil)
	}
	return s, nil
}

func (r *req) joinStep(in input) error {
	cell, ok, err := r.tx.Cell(r.val("cell"))
	if err != nil {
		return err
	}
	if !ok {
		r.finish()
		return refuse(text.JoinUnknownCode, map[string]string{"Code": ""})
	}
	switch r.sess.Step {
	case "move":
		switch in.Data {
		case "mv:yes":
			return r.joinCell(r.member.Name, cell)
		case "mv:no":
			r.finish()
			r.say(text.JoinKept, nil)
			return nil
		}
		return refuse(text.ChooseAbove, nil)
	case "name":
		switch in.Data {
		case "nm:ok":
			return r.joinCell(r.val("name"), cell)
		case "nm:edit":
			r.step("typename")
			r.say(text.JoinAskName, nil)
			return nil
		}
		if in.Text == "" {
			return refuse(text.ChooseAbove, nil)
		}
		fallthrough // a typed name instead of a button: take it as the name
	case stepMove:
		return r.moveAnswer(in, cell)
	case "typename":
		if in.Text == "" {
			return refuse(text.JoinAskNameAgain, nil)
		}
		name, err := validName(in.Text)
		if err != nil {
			return err
		}
		return r.confirmName(name, cell)
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

// joinCell makes the sender a member of cell under name. A newcomer whose
// name is that of a member of cell connected on another platform is asked
// first whether they are that member, moving (see askMove).
func (r *req) joinCell(name string, cell Cell) error {
	if !r.isMember && r.val("new") == "" {
		if asked, err := r.askMove(name, cell); asked || err != nil {
			return err
		}
	}
	if err := r.checkUserRoom(cell); err != nil {
		r.finish()
		return err
	}
	m := r.member
	moved := r.isMember && m.Cell != "" && m.Cell != cell.Code
	if !r.isMember {
		m = Member{Users: []bot.UserID{r.m.From}, Joined: r.now}
	}
	if moved {
		m.Secretary = false
	}
	m.Name, m.Cell = name, cell.Code
	if err := r.tx.PutMember(&m); err != nil {
		return fmt.Errorf("join %s: %w", cell.Code, err)
	}
	r.member, r.isMember = m, true
	r.finish()
	key := text.JoinDone
	if moved {
		key = text.JoinMoved
	}
	r.say(key, map[string]string{"Name": m.Name, "Cell": cell.Name, "Org": r.e.Cfg.OrgName})
	return nil
}

// cmdSecretary lets an admin make a member secretary of their cell, or take
// the right back.
func (r *req) cmdSecretary(string) error {
	cells, err := r.tx.Cells()
	if err != nil {
		return err
	}
	if len(cells) == 0 {
		return refuse(text.NoCells, nil)
	}
	r.start(flowSecretary, "cell")
	r.ask(text.SecChooseCell, nil, cellChoices(cells, "c:")...)
	return nil
}

func (r *req) secretaryStep(in input) error {
	if !r.admin() { // the right may have been taken away since /bithu
		r.finish()
		return refuse(text.NeedAdmin, nil)
	}
	switch r.sess.Step {
	case "cell":
		code, ok := strings.CutPrefix(in.Data, "c:")
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		cell, ok, err := r.tx.Cell(code)
		if err != nil {
			return err
		}
		if !ok {
			r.finish()
			return refuse(text.StaleChoice, nil)
		}
		ms, err := r.tx.Members(code)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			r.finish()
			return refuse(text.CellEmpty, map[string]string{"Cell": cell.Name})
		}
		SortByName(ms)
		rows := make([][]bot.Choice, 0, len(ms))
		for _, m := range ms {
			label := m.Name
			if m.Secretary {
				label = text.T(text.SecMarked, map[string]string{"Name": m.Name})
			}
			rows = append(rows, row(choice(label, "m:"+strconv.FormatUint(uint64(m.ID), 10))))
		}
		r.set("cell", code)
		r.step("member")
		r.ask(text.SecChooseMember, map[string]string{"Cell": cell.Name}, rows...)
		return nil
	case "member":
		id, ok := strings.CutPrefix(in.Data, "m:")
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		m, err := r.memberInCell(id, r.val("cell"))
		if err != nil {
			return err
		}
		r.set("member", id)
		r.step("confirm")
		k, yes := text.SecGrantAsk, text.SecGrantYes
		if m.Secretary {
			k, yes = text.SecRevokeAsk, text.SecRevokeYes
		}
		r.ask(k, map[string]string{"Name": m.Name}, yesNo(yes))
		return nil
	case "confirm":
		if yes, err := r.confirmed(in); !yes {
			return err
		}
		m, err := r.memberInCell(r.val("member"), r.val("cell"))
		if err != nil {
			return err
		}
		cell, _, err := r.tx.Cell(m.Cell)
		if err != nil {
			return err
		}
		m.Secretary = !m.Secretary
		if err := r.tx.PutMember(&m); err != nil {
			return err
		}
		r.finish()
		data := map[string]string{"Name": m.Name, "Cell": cell.Name}
		toAdmin, toMember := text.SecGranted, text.SecYouAre
		if !m.Secretary {
			toAdmin, toMember = text.SecRevoked, text.SecYouAreNot
		}
		r.say(toAdmin, data)
		r.tell(m, toMember, data)
		return nil
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

// memberInCell loads the member with the decimal id and checks they are still
// in cell; a stale choice otherwise.
func (r *req) memberInCell(id, cell string) (Member, error) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return Member{}, refuse(text.StaleChoice, nil)
	}
	m, ok, err := r.tx.Member(MemberID(n))
	if err != nil {
		return Member{}, err
	}
	if !ok || m.Cell != cell {
		r.finish()
		return Member{}, refuse(text.MemberGone, nil)
	}
	return m, nil
}

// tell queues a text to m, in the private chat the bot writes to m first.
func (r *req) tell(m Member, k text.Key, data any) {
	if cs := m.PrivateChats(); len(cs) > 0 {
		r.send(bot.Reply{Chat: cs[0], Text: text.T(r.e.textKey(cs[0].Platform, k), data)})
	}
}

// botAdded greets a group the bot was just added to.
func (r *req) botAdded() error {
	if !r.m.Group {
		return nil
	}
	cell, linked, err := r.tx.CellOfGroup(r.m.Chat)
	if err != nil {
		return err
	}
	if linked {
		r.say(text.GroupHelloLinked, map[string]string{"Cell": cell.Name, "Org": r.e.Cfg.OrgName})
		return nil
	}
	r.say(text.GroupHello, map[string]string{"Org": r.e.Cfg.OrgName})
	return nil
}

// botRemoved unlinks a group the bot was removed from.
func (r *req) botRemoved() error {
	cell, linked, err := r.tx.CellOfGroup(r.m.Chat)
	if err != nil || !linked {
		return err
	}
	cell.Groups = without(cell.Groups, r.m.Chat)
	r.e.Log.Info("bot removed from group", "chat", r.m.Chat.String(), "cell", cell.Code)
	if _, err := r.revokeInvites("", "", postedIn(r.m.Chat)); err != nil {
		return err
	}
	return r.tx.PutCell(cell)
}
