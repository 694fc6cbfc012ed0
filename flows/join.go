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

// flowJoin is joining a cell with its code (see joining).
var flowJoin = conversation[joining, joinStep]{name: "join"}

// joining is the state of the join flow.
type joining struct {
	Cell   string   // the code's cell
	Name   string   // the name confirmed, or typed
	Other  MemberID // the member of that name on another platform (see askMove)
	New    bool     // the person said they are not that member
	Warned bool     // a typed name was asked for again once (see typedName)
}

// joinStep is a step of the join flow.
type joinStep string

// The join flow's steps.
const (
	joinStart    joinStep = ""
	joinMove     joinStep = "move"      // a member of another cell: ask to transfer? (see askTransfer)
	joinName     joinStep = "name"      // confirm the name
	joinTypeName joinStep = "typename"  // type the name
	joinSame     joinStep = "move-same" // the member of that name on another platform? (see askMove)
)

// joinChoice is the data of a choice the join flow offers.
type joinChoice string

// The join flow's choices.
const (
	joinMoveYes  joinChoice = "mv:yes"
	joinMoveNo   joinChoice = "mv:no"
	joinNameOK   joinChoice = "nm:ok"
	joinNameEdit joinChoice = "nm:edit"
	joinSameYes  joinChoice = "same:yes"
	joinSameNo   joinChoice = "same:no"
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

// cellChoices returns one choice per cell, data cellPrefix+code.
func cellChoices(cells []Cell) [][]bot.Choice {
	rows := make([][]bot.Choice, 0, len(cells))
	for _, c := range cells {
		rows = append(rows, row(choice(c.Name, cellPrefix+choiceData(c.Code))))
	}
	return rows
}

// newInvite stores a fresh invite to cell, posted in group (zero for a
// code given privately).
func (r *req) newInvite(cell string, group bot.ChatID) (Invite, error) {
	gen := r.e.NewCode
	if gen == nil {
		gen = NewInviteCode
	}
	for range 10 {
		inv := Invite{Code: gen(), Cell: cell, Created: r.now, Expires: r.now.Add(r.e.inviteTTL()), Group: group}
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
	data := inviteView{Cell: cell.Name, Code: inv.Code, Org: r.e.Cfg.OrgName,
		Bot: r.e.caps(chat.Platform).Name}
	return bot.Reply{
		Chat: chat,
		Text: r.t(r.e.textKey(chat.Platform, k), data),
		Link: &bot.Link{
			Label:   r.t(text.JoinButton, data),
			Payload: joinPrefix + inv.Code,
			Alt:     r.t(text.JoinAlt, data),
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
		r.e.log().Error("damaged join attempts dropped", bot.LogKeyUser, r.m.From.String(), bot.LogKeyErr, err)
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
			return refuse(text.JoinAlready, nameCellView{Name: r.member.Name, Cell: cell.Name})
		}
		return refuse(text.JoinRevoked, inviteView{Cell: cell.Name, Code: code})
	}
	if !r.now.Before(inv.Expires) {
		return refuse(text.JoinExpired, cellView{Cell: cell.Name})
	}
	if r.notInGroup(inv) {
		return refuse(text.JoinNotInGroup, cellView{Cell: cell.Name})
	}
	if r.hasPending {
		return r.movePending()
	}
	if err := r.checkUserRoom(cell); err != nil {
		return err
	}
	if r.isMember && r.member.Cell == cell.Code {
		return refuse(text.JoinAlready, nameCellView{Name: r.member.Name, Cell: cell.Name})
	}
	j := &joining{Cell: cell.Code}
	if r.isMember && r.member.Cell != "" {
		return r.askTransfer(j, cell)
	}
	flowJoin.begin(r, joinStart, j)
	name := r.m.FromName
	if r.isMember {
		name = r.member.Name
	}
	return r.profileName(j, name, cell)
}

// profileName asks the person to confirm name, their profile's; or, when
// it is not usable or not a full name (see needsFullName), to type their
// full name with diacritics.
func (r *req) profileName(j *joining, name string, cell Cell) error {
	if clean, err := validName(name); err == nil {
		if _, needs := needsFullName(clean); !needs {
			return r.confirmName(j, clean, cell, text.JoinConfirmName)
		}
	}
	moveTo(r, joinTypeName)
	r.say(text.JoinAskFullName, welcomeView{Cell: cell.Name, Org: r.e.Cfg.OrgName})
	return nil
}

// typedName takes a typed name. One that still does not look like a full
// name is asked for again once, saying why; the next is taken as typed,
// so that nobody is locked out by a name the rule does not know.
func (r *req) typedName(j *joining, s string, cell Cell) error {
	name, err := validName(s)
	if err != nil {
		return err
	}
	if reason, needs := needsFullName(name); needs && !j.Warned {
		j.Warned = true
		moveTo(r, joinTypeName)
		r.say(text.JoinFullNameAgain, nameAgainView{Name: name, Why: r.nameWhy(reason, name)})
		return nil
	}
	return r.confirmName(j, name, cell, text.JoinConfirmTyped)
}

// confirmName asks the person to confirm name with the text k: the
// greeting with a profile's name, the bare question after a typed one
// (the greeting was said when the name was asked for).
func (r *req) confirmName(j *joining, name string, cell Cell, k text.Key) error {
	j.Name = name
	moveTo(r, joinName)
	r.ask(k, welcomeView{Name: name, Cell: cell.Name, Org: r.e.Cfg.OrgName},
		row(yesChoice(r.t(text.JoinNameOK, nil), joinNameOK)),
		row(noChoice(r.t(text.JoinNameEdit, nil), joinNameEdit)))
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

// joinAnswer takes an answer to the join flow.
func (r *req) joinAnswer(j *joining, in input) error {
	cell, ok, err := r.tx.Cell(j.Cell)
	if err != nil {
		return err
	}
	if !ok {
		r.finish()
		return refuse(text.JoinUnknownCode, codeView{})
	}
	switch joinStep(r.sess.Step) {
	case joinMove:
		switch joinChoice(in.Data) {
		case joinMoveYes:
			return r.requestTransfer(cell)
		case joinMoveNo:
			r.finish()
			r.say(text.JoinKept, nil)
			return nil
		}
		return refuse(text.ChooseAbove, nil)
	case joinName:
		switch joinChoice(in.Data) {
		case joinNameOK:
			return r.joinCell(j, j.Name, cell)
		case joinNameEdit:
			moveTo(r, joinTypeName)
			r.say(text.JoinAskName, nil)
			return nil
		}
		if in.Text == "" || in.Data != "" {
			return refuse(text.ChooseAbove, nil)
		}
		if looksLikeName(in.Text) { // the corrected name, typed instead of «Sửa tên»
			return r.typedName(j, in.Text, cell)
		}
		return refuse(text.JoinNameWhich, welcomeView{Name: j.Name})
	case joinSame:
		return r.moveAnswer(j, in, cell)
	case joinTypeName:
		if in.Text == "" {
			return refuse(text.JoinAskNameAgain, nil)
		}
		return r.typedName(j, in.Text, cell)
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

// joinCell makes the sender, a newcomer or a member who left their cell, a
// member of cell under name, matched to the cell's roster (see onRoster:
// the one entry of their name is theirs once they confirm it, askClaim). A newcomer whose
// name is that of a member of cell connected on another platform is asked
// first whether they are that member, moving (see askMove).
func (r *req) joinCell(j *joining, name string, cell Cell) error {
	if !r.isMember && !j.New {
		if asked, err := r.askMove(j, name, cell); asked || err != nil {
			return err
		}
	}
	if err := r.checkUserRoom(cell); err != nil {
		r.finish()
		return err
	}
	m := r.member
	if !r.isMember {
		m = Member{Users: []bot.UserID{r.m.From}, Joined: r.now}
	} else if m.Cell != "" { // connected meanwhile: a member moves only by a transfer (see askTransfer)
		r.finish()
		cur, _, err := r.tx.Cell(m.Cell)
		if err != nil {
			return err
		}
		return refuse(text.JoinAlready, nameCellView{Name: m.Name, Cell: cur.Name})
	}
	m.Name, m.Cell = name, cell.Code
	if err := r.tx.PutMember(&m); err != nil {
		return fmt.Errorf("join %s: %w", cell.Code, err)
	}
	ask, err := r.onRoster(&m, cell)
	if err != nil {
		return err
	}
	r.member, r.isMember = m, true
	r.finish()
	r.say(text.JoinDone, welcomeView{Name: m.Name, Cell: cell.Name, Org: r.e.Cfg.OrgName})
	if ask != nil {
		r.askClaim(*ask, cell)
	}
	return nil
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
		r.send(bot.Reply{Chat: cs[0], Text: r.t(r.e.textKey(cs[0].Platform, k), data)})
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
		r.say(text.GroupHelloLinked, welcomeView{Cell: cell.Name, Org: r.e.Cfg.OrgName})
		return nil
	}
	r.say(text.GroupHello, welcomeView{Org: r.e.Cfg.OrgName})
	return nil
}

// botRemoved unlinks a group the bot was removed from.
func (r *req) botRemoved() error {
	cell, linked, err := r.tx.CellOfGroup(r.m.Chat)
	if err != nil || !linked {
		return err
	}
	cell.Groups = without(cell.Groups, r.m.Chat)
	r.e.log().Info("bot removed from group", bot.LogKeyChat, r.m.Chat.String(), bot.LogKeyCell, cell.Code)
	if _, err := r.revokeInvites("", "", postedIn(r.m.Chat)); err != nil {
		return err
	}
	return r.tx.PutCell(cell)
}

// inviteView feeds the texts of an invitation to join a cell: the cell,
// the code to type, the organisation and the bot to write to.
type inviteView struct{ Cell, Code, Org, Bot string }

// joinMoveView feeds the question to a member who joins another cell.
type joinMoveView struct{ Name, From, To string }
