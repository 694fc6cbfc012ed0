package flows

import (
	"strconv"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// flowSecretary is /bithu: an admin making a member secretary of their
// cell, or taking the right back (see appointing).
var flowSecretary = conversation[appointing, appointStep]{name: "secretary"}

// appointing is the state of the secretary flow.
type appointing struct {
	Cell   string
	Member MemberID
}

// appointStep is a step of the secretary flow.
type appointStep string

// The secretary flow's steps.
const (
	appointCell    appointStep = "cell"    // which cell
	appointMember  appointStep = "member"  // which member
	appointConfirm appointStep = "confirm" // grant or take back?
)

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
	flowSecretary.begin(r, appointCell, &appointing{})
	r.ask(text.SecChooseCell, nil, cellChoices(cells)...)
	return nil
}

// appointAnswer takes an answer to the secretary flow.
func (r *req) appointAnswer(a *appointing, in input) error {
	if !r.admin() { // the right may have been taken away since /bithu
		r.finish()
		return refuse(text.NeedAdmin, nil)
	}
	switch appointStep(r.sess.Step) {
	case appointCell:
		code, ok := cutChoice(in.Data, cellPrefix)
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
			return refuse(text.CellEmpty, cellView{Cell: cell.Name})
		}
		SortByName(ms)
		rows := make([][]bot.Choice, 0, len(ms))
		for _, m := range ms {
			label := m.Name
			if m.Secretary {
				label = r.t(text.SecMarked, nameView{Name: m.Name})
			}
			rows = append(rows, row(choice(label, memberPrefix+choiceData(strconv.FormatUint(uint64(m.ID), 10)))))
		}
		a.Cell = code
		moveTo(r, appointMember)
		r.ask(text.SecChooseMember, cellView{Cell: cell.Name}, rows...)
		return nil
	case appointMember:
		id, ok := cutChoice(in.Data, memberPrefix)
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		m, err := r.memberInCell(id, a.Cell)
		if err != nil {
			return err
		}
		a.Member = m.ID
		moveTo(r, appointConfirm)
		confirm := r.easyYesNo(text.SecGrantYes)
		k := text.SecGrantAsk
		if m.Secretary {
			k, confirm = text.SecRevokeAsk, r.yesNo(text.SecRevokeYes) // a revocation takes its own words
		}
		r.ask(k, nameView{Name: m.Name}, confirm)
		return nil
	case appointConfirm:
		if yes, err := r.confirmed(in); !yes {
			return err
		}
		m, err := r.memberInCell(idString(a.Member), a.Cell)
		if err != nil {
			return err
		}
		cell, _, err := r.tx.Cell(m.Cell)
		if err != nil {
			return err
		}
		m.Secretary = !m.Secretary
		r.finish()
		data := nameCellView{Name: m.Name, Cell: cell.Name}
		toAdmin, toMember := text.SecGranted, text.SecYouAre
		if !m.Secretary {
			toAdmin, toMember = text.SecRevoked, text.SecYouAreNot
		}
		r.say(toAdmin, data)
		r.tell(m, toMember, data)
		return r.tx.PutMember(&m)
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}
