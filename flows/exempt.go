package flows

import "lamtheo/flows/text"

// exempting is the state of the exempt flow.
type exempting struct {
	Cell   string
	Member MemberID
	Exempt bool // exempt the member; false: take the exemption back
}

// exemptStep is a step of the exempt flow.
type exemptStep string

// The exempt flow's steps; its choices are memberPrefix, choiceYes and
// choiceNo.
const (
	exemptPick    exemptStep = "pick"    // which member
	exemptConfirm exemptStep = "confirm" // sure?
)

// cmdExempt lets the secretary exempt a member (miễn sinh hoạt) or take the
// exemption back: /mien.
func (r *req) cmdExempt(string) error {
	cell, asked, err := r.actingCell()
	if err != nil || asked {
		return err
	}
	c, ms, err := r.cellWithMembers(cell)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return refuse(text.CellEmpty, cellView{Cell: c.Name})
	}
	SortByName(ms)
	flowExempt.begin(r, exemptPick, &exempting{Cell: cell})
	r.ask(text.ExemptPick, nil, memberRows(ms, func(mb Member) string {
		if mb.Status == Exempt {
			return r.t(text.ExemptMarked, nameView{Name: mb.Name})
		}
		return mb.Name
	})...)
	return nil
}

// exemptAnswer takes an answer to the exempt flow.
func (r *req) exemptAnswer(ex *exempting, in input) error {
	cell := ex.Cell
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	switch exemptStep(r.sess.Step) {
	case exemptPick:
		id, ok := cutChoice(in.Data, memberPrefix)
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		mb, err := r.memberInCell(id, cell)
		if err != nil {
			return err
		}
		ex.Member = mb.ID
		moveTo(r, exemptConfirm)
		k := text.ExemptAskOn
		if mb.Status == Exempt {
			k = text.ExemptAskOff
		}
		ex.Exempt = mb.Status != Exempt
		r.ask(k, nameView{Name: mb.Name}, r.yesNo(text.ExemptYes))
		return nil
	case exemptConfirm:
		if yes, err := r.confirmed(in); !yes {
			return err
		}
		mb, err := r.memberInCell(idString(ex.Member), cell)
		if err != nil {
			return err
		}
		c, _, err := r.tx.Cell(cell)
		if err != nil {
			return err
		}
		exempt := ex.Exempt
		mb.Status = Active
		if exempt {
			mb.Status = Exempt
		}
		r.finish()
		data := nameCellView{Name: mb.Name, Cell: c.Name}
		toSec, toMember := text.ExemptDoneOn, text.ExemptYouOn
		if !exempt {
			toSec, toMember = text.ExemptDoneOff, text.ExemptYouOff
		}
		r.say(toSec, data)
		r.tell(mb, toMember, data)
		if err := r.tx.PutMember(&mb); err != nil {
			return err
		}
		return r.exemptOnRoster(mb)
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}
