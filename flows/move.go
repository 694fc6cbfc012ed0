package flows

import (
	"lamtheo/bot"
	"lamtheo/flows/text"
)

// A member who connected on one platform may move to another (from
// Telegram to Zalo, say): connecting there with the cell's code under the
// same name, they are asked whether they are that member; the identity
// then waits among the member's Pending ones until a secretary confirms it
// with /duyet, and becomes the one the bot writes to first. Pledges and
// reports stay with the member.

// askMove asks the newcomer connecting to cell under name whether they are
// the member of that name connected on another platform. It reports whether
// it asked.
func (r *req) askMove(j *joining, name string, cell Cell) (bool, error) {
	ms, err := r.tx.Members(cell.Code)
	if err != nil {
		return false, err
	}
	p := r.m.Chat.Platform
	for _, m := range ms {
		if m.Cell != cell.Code || !sameName(m.Name, name) || len(m.Users) == 0 || hasPlatform(m.Users, p) || hasPlatform(m.Pending, p) {
			continue
		}
		j.Name, j.Other = name, m.ID
		moveTo(r, joinSame)
		r.ask(text.MoveAsk, moveView{Cell: cell.Name, Name: m.Name, Where: r.e.where(m.Users[0].Platform)},
			row(yesChoice(r.t(text.MoveYes, nil), joinSameYes)),
			row(noChoice(r.t(text.MoveNo, nil), joinSameNo)))
		return true, nil
	}
	return false, nil
}

// moveAnswer takes the newcomer's answer to askMove.
func (r *req) moveAnswer(j *joining, in input, cell Cell) error {
	switch joinChoice(in.Data) {
	case joinSameNo:
		j.New = true
		return r.joinCell(j, j.Name, cell)
	case joinSameYes:
	default:
		return refuse(text.ChooseAbove, nil)
	}
	m, err := r.memberInCell(idString(j.Other), cell.Code)
	if err != nil {
		return err
	}
	data := moveView{Name: m.Name, Cell: cell.Name, Where: r.e.where(r.m.Chat.Platform)}
	reps, err := leaderReplies(r.tx, r.e.Cfg.Admins, cell.Code, r.t(text.MoveToApprove, data),
		[][]bot.Choice{row(choice(r.t(text.MoveOpen, nil), goPrefix+"duyet:"+movePrefix+idString(m.ID)))})
	if err != nil {
		return err
	}
	r.finish()
	r.say(text.MoveSent, data)
	for _, rep := range reps {
		rep.Bulk = false
		r.send(rep)
	}
	if hasUser(m.Pending, r.m.From) {
		return nil
	}
	m.Pending = append(m.Pending, r.m.From)
	return r.tx.PutMember(&m)
}

// movePending tells a person whose move waits for the secretary so.
func (r *req) movePending() error {
	cell, _, err := r.tx.Cell(r.pending.Cell)
	if err != nil {
		return err
	}
	return refuse(text.MovePending, nameCellView{Name: r.pending.Name, Cell: cell.Name})
}

// movePrefix marks a move in the choices of /duyet (and its argument).
const movePrefix = "mv"

// moveRows returns a /duyet choice for each member of ms with an identity
// waiting for confirmation.
func (r *req) moveRows(ms []Member) [][]bot.Choice {
	var rows [][]bot.Choice
	for _, m := range ms {
		if len(m.Pending) == 0 {
			continue
		}
		label := r.t(text.MoveRow, moveView{Name: m.Name, Where: r.e.where(m.Pending[0].Platform)})
		rows = append(rows, row(choice(label, movePrefix+":"+idString(m.ID))))
	}
	return rows
}

// moveShow asks the secretary to confirm the first waiting identity of the
// member with the decimal id.
func (r *req) moveShow(a *approval, id string) error {
	m, err := r.memberInCell(id, a.Cell)
	if err != nil {
		return err
	}
	if len(m.Pending) == 0 {
		r.finish()
		return refuse(text.MoveGone, nil)
	}
	u := m.Pending[0]
	a.Member, a.Move = m.ID, u
	moveTo(r, approveMove)
	r.ask(text.MoveShow, moveView{Name: m.Name, Where: r.e.where(u.Platform)}, r.confirmRow())
	return nil
}

// confirmRow is the row of choices of a request a secretary confirms or
// not (a move, a transfer).
func (r *req) confirmRow() []bot.Choice {
	return row(choice(r.t(text.MoveConfirm, nil), choiceYes), choice(r.t(text.MoveDeny, nil), choiceNo))
}

// confirmed reads the answer to confirmRow.
func confirmed(in input) (bool, error) {
	switch choiceData(in.Data) {
	case choiceYes:
		return true, nil
	case choiceNo:
		return false, nil
	}
	return false, refuse(text.ChooseAbove, nil)
}

// moveDecide applies the secretary's answer to moveShow.
func (r *req) moveDecide(a *approval, in input) error {
	yes, err := confirmed(in)
	if err != nil {
		return err
	}
	m, err := r.memberInCell(idString(a.Member), a.Cell)
	if err != nil {
		return err
	}
	u := a.Move
	r.finish()
	if !hasUser(m.Pending, u) {
		return refuse(text.MoveGone, nil)
	}
	m.Pending = withoutUser(m.Pending, u)
	c, _, err := r.tx.Cell(a.Cell)
	if err != nil {
		return err
	}
	data := moveView{Name: m.Name, Cell: c.Name, Where: r.e.where(u.Platform)}
	if yes {
		m.Users = append([]bot.UserID{u}, withoutUser(m.Users, u)...)
		r.say(text.MoveApproved, data)
		r.send(bot.Reply{Chat: u.PrivateChat(), Text: r.t(text.MoveDoneNote, data)})
	} else {
		r.say(text.MoveRefused, data)
		r.send(bot.Reply{Chat: u.PrivateChat(), Text: r.t(text.MoveRefusedNote, data)})
	}
	return r.tx.PutMember(&m)
}

func hasPlatform(us []bot.UserID, p bot.Platform) bool {
	for _, u := range us {
		if u.Platform == p {
			return true
		}
	}
	return false
}

func hasUser(us []bot.UserID, u bot.UserID) bool {
	for _, x := range us {
		if x == u {
			return true
		}
	}
	return false
}

func withoutUser(us []bot.UserID, u bot.UserID) []bot.UserID {
	out := us[:0:0]
	for _, x := range us {
		if x != u {
			out = append(out, x)
		}
	}
	return out
}

// sameName reports whether two names are the same but for case, spacing
// and diacritics ("Trần Văn Hùng", "tran van  hung"): close enough to ask,
// since both the person and the secretary confirm.
func sameName(a, b string) bool { return foldName(a) == foldName(b) }

// moveView feeds the texts of a member's move to another platform: who,
// of which cell, and where (the platform's name and bot).
type moveView struct{ Name, Cell, Where string }
