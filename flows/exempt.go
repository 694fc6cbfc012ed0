package flows

import (
	"strconv"
	"strings"

	"lamtheo/flows/text"
)

// cmdExempt lets the secretary exempt a member (miễn sinh hoạt) or take the
// exemption back: /mien.
func (r *req) cmdExempt(string) error {
	cell, err := r.actingCell()
	if err != nil {
		return err
	}
	c, _, err := r.tx.Cell(cell)
	if err != nil {
		return err
	}
	ms, err := r.tx.Members(cell)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return refuse(text.CellEmpty, map[string]string{"Cell": c.Name})
	}
	SortByName(ms)
	r.start(flowExempt, "pick")
	r.set("cell", cell)
	r.ask(text.ExemptPick, nil, memberRows(ms, func(mb Member) string {
		if mb.Status == Exempt {
			return text.T(text.ExemptMarked, map[string]string{"Name": mb.Name})
		}
		return mb.Name
	})...)
	return nil
}

func (r *req) exemptStep(in input) error {
	cell := r.val("cell")
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	switch r.sess.Step {
	case "pick":
		id, ok := strings.CutPrefix(in.Data, "m:")
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		mb, err := r.memberInCell(id, cell)
		if err != nil {
			return err
		}
		r.set("member", id)
		r.step("confirm")
		k := text.ExemptAskOn
		if mb.Status == Exempt {
			k = text.ExemptAskOff
		}
		r.set("want", strconv.FormatBool(mb.Status != Exempt))
		r.ask(k, map[string]string{"Name": mb.Name}, yesNo(text.ExemptYes))
		return nil
	case "confirm":
		if yes, err := r.confirmed(in); !yes {
			return err
		}
		mb, err := r.memberInCell(r.val("member"), cell)
		if err != nil {
			return err
		}
		c, _, err := r.tx.Cell(cell)
		if err != nil {
			return err
		}
		exempt := r.val("want") == "true"
		mb.Status = Active
		if exempt {
			mb.Status = Exempt
		}
		if err := r.tx.PutMember(&mb); err != nil {
			return err
		}
		r.finish()
		data := map[string]string{"Name": mb.Name, "Cell": c.Name}
		toSec, toMember := text.ExemptDoneOn, text.ExemptYouOn
		if !exempt {
			toSec, toMember = text.ExemptDoneOff, text.ExemptYouOff
		}
		r.say(toSec, data)
		r.tell(mb, toMember, data)
		return nil
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}
