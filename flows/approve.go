package flows

import (
	"strings"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// approval is the state of the approve flow: the cell whose pledges,
// moves and transfers are decided, and the member being decided on.
type approval struct {
	Cell   string
	Member MemberID
	Move   bot.UserID // the identity waiting to be confirmed, in a move
}

// approveStep is a step of the approve flow.
type approveStep string

// The approve flow's steps.
const (
	approvePick     approveStep = "pick"     // whose pledge or move
	approveDecide   approveStep = "decide"   // approve the pledge or return it
	approveComment  approveStep = "comment"  // why it is returned
	approveMove     approveStep = "move"     // confirm the move (see moveShow)
	approveTransfer approveStep = "transfer" // confirm the transfer to the cell (see transferShow)
)

// approveChoice is the data of a choice the approve flow offers.
type approveChoice string

// The approve flow's choices (and memberPrefix, choiceYes, choiceNo); the
// prefixed one carries a member's id after the prefix.
const (
	approveMovePrefix     approveChoice = movePrefix + ":"
	approveTransferPrefix approveChoice = transferPrefix + ":"
	approveYes            approveChoice = "ok"
	approveReturn         approveChoice = "ret"
)

// cmdApprove lets a secretary approve or return the cell's submitted
// pledges: /duyet, or the button sent with each submission.
func (r *req) cmdApprove(args string) error {
	cell, asked, err := r.actingCell()
	if err != nil || asked {
		return err
	}
	a := &approval{Cell: cell}
	flowApprove.begin(r, approvePick, a)
	if id, ok := strings.CutPrefix(args, movePrefix); ok {
		return r.moveShow(a, id)
	}
	if id, ok := strings.CutPrefix(args, transferPrefix); ok {
		return r.transferShow(a, id)
	}
	if args != "" {
		return r.approveAnswer(a, input{Data: string(memberPrefix) + args})
	}
	ms, err := r.tx.Members(cell)
	if err != nil {
		return err
	}
	SortByName(ms)
	var rows [][]bot.Choice
	for _, m := range ms {
		p, ok, err := r.tx.Pledge(m.ID, r.year())
		if err != nil {
			return err
		}
		if ok && p.Status == PledgeSubmitted {
			rows = append(rows, row(choice(r.t(text.ApprovePickLabel, approveLabelView{Name: m.Name, N: len(p.Items)}), memberPrefix+choiceData(idString(m.ID)))))
		}
	}
	pledges := len(rows)
	rows = append(rows, r.moveRows(ms)...)
	transfers, err := r.transferRows(cell)
	if err != nil {
		return err
	}
	rows = append(rows, transfers...)
	if len(rows) == 0 {
		r.finish()
		r.say(text.ApproveNone, nil)
		return nil
	}
	key := text.ApprovePick
	if len(rows) > pledges {
		key = text.ApprovePickAll
	}
	r.ask(key, nil, rows...)
	return nil
}

// approveAnswer takes an answer to the approve flow.
func (r *req) approveAnswer(a *approval, in input) error {
	cell := a.Cell
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	switch approveStep(r.sess.Step) {
	case approvePick:
		if id, ok := strings.CutPrefix(in.Data, string(approveMovePrefix)); ok {
			return r.moveShow(a, id)
		}
		if id, ok := strings.CutPrefix(in.Data, string(approveTransferPrefix)); ok {
			return r.transferShow(a, id)
		}
		id, ok := strings.CutPrefix(in.Data, string(memberPrefix))
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		m, err := r.memberInCell(id, cell)
		if err != nil {
			return err
		}
		p, ok, err := r.tx.Pledge(m.ID, r.year())
		if err != nil {
			return err
		}
		if !ok || p.Status != PledgeSubmitted {
			r.finish()
			return refuse(text.ApproveNotPending, nameView{Name: m.Name})
		}
		a.Member = m.ID
		moveTo(r, approveDecide)
		r.ask(text.ApproveShow, r.viewPledge(m, p),
			row(choice(r.t(text.ApproveYes, nil), approveYes), choice(r.t(text.ApproveReturn, nil), approveReturn)))
		return nil
	case approveDecide:
		m, p, err := r.pendingPledge(a)
		if err != nil {
			return err
		}
		switch approveChoice(in.Data) {
		case approveYes:
			p.Status, p.Decided, p.DecidedBy, p.Comment = PledgeApproved, r.now, r.deciderName(), ""
			r.finish()
			r.say(text.ApproveDone, nameView{Name: m.Name})
			r.tell(m, text.PledgeApprovedNote, pledgeNoteView{Name: m.Name, Year: p.Year})
			return r.tx.PutPledge(p)
		case approveReturn:
			moveTo(r, approveComment)
			r.say(text.ApproveAskComment, nameView{Name: m.Name})
			return nil
		}
		return refuse(text.ChooseAbove, nil)
	case approveMove:
		return r.moveDecide(a, in)
	case approveTransfer:
		return r.transferDecide(a, in)
	case approveComment:
		comment, err := cleanInput(in.Text, MaxItemText)
		if err != nil {
			return err
		}
		m, p, err := r.pendingPledge(a)
		if err != nil {
			return err
		}
		p.Status, p.Decided, p.DecidedBy, p.Comment = PledgeReturned, r.now, r.deciderName(), comment
		r.finish()
		r.say(text.ApproveReturned, nameView{Name: m.Name})
		r.tell(m, text.PledgeReturnedNote, pledgeNoteView{Name: m.Name, Year: p.Year, Comment: comment})
		return r.tx.PutPledge(p)
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

// deciderName is the name a pledge's decision records: the sender's name
// as a member, or their profile name (an admin who is no member).
func (r *req) deciderName() string {
	if r.isMember {
		return r.member.Name
	}
	return NormalizeText(r.m.FromName)
}

// pendingPledge reloads the pledge under decision, checking it is still
// waiting.
func (r *req) pendingPledge(a *approval) (Member, Pledge, error) {
	m, err := r.memberInCell(idString(a.Member), a.Cell)
	if err != nil {
		return Member{}, Pledge{}, err
	}
	p, ok, err := r.tx.Pledge(m.ID, r.year())
	if err != nil {
		return Member{}, Pledge{}, err
	}
	if !ok || p.Status != PledgeSubmitted {
		r.finish()
		return Member{}, Pledge{}, refuse(text.ApproveNotPending, nameView{Name: m.Name})
	}
	return m, p, nil
}

// approveLabelView feeds the label of a pledge waiting for approval: the
// member's name and the number of items.
type approveLabelView struct {
	Name string
	N    int
}

// pledgeNoteView feeds the notes to a member whose pledge of Year was
// approved or returned, with the secretary's comment.
type pledgeNoteView struct {
	Name    string
	Year    int
	Comment string
}
