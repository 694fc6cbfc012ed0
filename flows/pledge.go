package flows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// Flows of the yearly pledge.
var (
	flowPledge  = conversation[pledgeDraft, pledgeStep]{name: "pledge"} // writing one's pledge
	flowApprove = conversation[approval, approveStep]{name: "approve"}  // a secretary deciding pledges and moves
)

// pledgeDraft is the state of the pledge flow: the item being written or
// changed.
type pledgeDraft struct {
	onBehalf // the member it is recorded for, if any
	Op       pledgeOp
	No       int    // the number of the item changed or removed
	Text     string // the item's text; "" keeps the text of the item changed
	Cat      string // the item's category key; "" keeps the category of the item changed
}

// pledgeOp is what the pledge flow does to the pledge.
type pledgeOp string

const (
	opAdd  pledgeOp = "add"
	opEdit pledgeOp = "edit"
	opDel  pledgeOp = "del"
)

// pledgeStep is a step of the pledge flow.
type pledgeStep string

// The pledge flow's steps.
const (
	pledgeMenuStep   pledgeStep = "menu"       // the pledge and what can be done with it
	pledgeText       pledgeStep = "text"       // the item's text
	pledgeCat        pledgeStep = "cat"        // the item's category
	pledgeTarget     pledgeStep = "target"     // the item's target
	pledgePick       pledgeStep = "pick"       // which item to change or remove
	pledgeConfirmDel pledgeStep = "confirmdel" // remove it?
	pledgeSubmitStep pledgeStep = "submit"     // send the pledge to the secretary?
)

// pledgeChoice is the data of a choice the pledge flow offers.
type pledgeChoice string

// The pledge flow's choices (and choiceYes, choiceNo); the prefixed ones carry a value after the
// prefix.
const (
	pledgeAdd        pledgeChoice = "p:add"
	pledgeEdit       pledgeChoice = "p:edit"
	pledgeDel        pledgeChoice = "p:del"
	pledgeSubmit     pledgeChoice = "p:submit"
	pledgeDone       pledgeChoice = "p:done"
	pledgeBack       pledgeChoice = "p:back"
	pledgeKeepText   pledgeChoice = "keep"
	pledgeCatPrefix  pledgeChoice = "cat:" // + the category's key
	pledgeKeepCat    pledgeChoice = "cat:="
	pledgeNoTarget   pledgeChoice = "t:none"
	pledgeKeepTarget pledgeChoice = "t:keep"
	pledgeItemPrefix pledgeChoice = "i:" // + the item's number
)

// itemView is a pledge item as texts show it.
type itemView struct {
	No       int
	Text     string
	Category string
	Target   string
}

// pledgeView is a pledge as texts show it.
type pledgeView struct {
	Name    string
	Year    int
	Theme   string
	Items   []itemView
	Status  string
	Comment string
}

func (r *req) viewPledge(m Member, p Pledge) pledgeView {
	v := pledgeView{Name: m.Name, Year: p.Year, Theme: r.e.Cfg.Theme, Comment: p.Comment}
	for _, it := range p.Items {
		v.Items = append(v.Items, itemView{No: it.No, Text: it.Text, Category: r.e.categoryName(it.Category), Target: it.Target})
	}
	v.Status = r.t(pledgeStatusKey(p.Status), nil)
	return v
}

func pledgeStatusKey(s PledgeStatus) text.Key {
	switch s {
	case PledgeSubmitted:
		return text.PledgeStatusSubmitted
	case PledgeApproved:
		return text.PledgeStatusApproved
	case PledgeReturned:
		return text.PledgeStatusReturned
	}
	return text.PledgeStatusDraft
}

// year returns the year pledges are written and approved for now
// (PledgeYear): the coming year in December.
func (r *req) year() int { return PledgeYear(r.now, r.e.loc()) }

// myPledge loads the sender's pledge for the year pledges are written for
// (year); a new draft when there is none.
func (r *req) myPledge() (Pledge, error) {
	y := r.year()
	p, ok, err := r.tx.Pledge(r.member.ID, y)
	if err != nil {
		return Pledge{}, err
	}
	if !ok {
		p = Pledge{Member: r.member.ID, Year: y, NextNo: 1}
	}
	return p, nil
}

// cmdPledge opens the member's pledge for the year.
func (r *req) cmdPledge(string) error {
	p, err := r.myPledge()
	if err != nil {
		return err
	}
	if p.Status == PledgeApproved {
		r.finish()
		r.say(text.PledgeApprovedView, r.viewPledge(r.member, p))
		return nil
	}
	d := &pledgeDraft{}
	flowPledge.begin(r, pledgeMenuStep, d)
	if r.now.In(r.e.loc()).Month() == time.December {
		r.say(text.PledgeNextYear, pledgeIntroView{Year: p.Year})
	}
	if len(p.Items) == 0 {
		r.say(text.PledgeIntro, pledgeIntroView{Year: p.Year, Theme: r.e.Cfg.Theme})
		return r.pledgeAskText()
	}
	return r.pledgeMenu(p, "")
}

// pledgeMenu shows the pledge and what can be done with it.
func (r *req) pledgeMenu(p Pledge, note text.Key) error {
	moveTo(r, pledgeMenuStep)
	rows := [][]bot.Choice{row(choice(r.t(text.PledgeAdd, nil), pledgeAdd))}
	if len(p.Items) > 0 {
		rows = append(rows, row(choice(r.t(text.PledgeEdit, nil), pledgeEdit), choice(r.t(text.PledgeRemove, nil), pledgeDel)))
		if p.Status != PledgeSubmitted {
			rows = append(rows, row(choice(r.t(text.PledgeSubmit, nil), pledgeSubmit)))
		}
	}
	rows = append(rows, row(choice(r.t(text.PledgeDone, nil), pledgeDone)))
	v := r.viewPledge(r.member, p)
	if note != "" {
		r.say(note, v)
	}
	r.ask(text.PledgeView, v, rows...)
	return nil
}

func (r *req) pledgeAskText() error {
	moveTo(r, pledgeText)
	r.askOpen(text.PledgeAskText, nil, row(choice(r.t(text.Back, nil), pledgeBack)))
	return nil
}

// pledgeAnswer takes an answer to the pledge flow.
func (r *req) pledgeAnswer(d *pledgeDraft, in input) error {
	if !r.isMember || r.member.Cell == "" {
		r.finish()
		return refuse(text.NeedMember, nil)
	}
	p, err := r.myPledge()
	if err != nil {
		return err
	}
	if p.Status == PledgeApproved {
		r.finish()
		return refuse(text.PledgeFrozen, nil)
	}
	data := pledgeChoice(in.Data)
	if data == pledgeBack {
		return r.pledgeMenu(p, "")
	}
	switch pledgeStep(r.sess.Step) {
	case pledgeMenuStep:
		return r.pledgeMenuChoice(d, p, in)
	case pledgeText:
		if data == pledgeKeepText && d.Op == opEdit {
			d.Text = ""
			return r.pledgeAskCategory(d)
		}
		if data != "" {
			return refuse(text.PledgeAskTextAgain, nil)
		}
		t, err := cleanInput(in.Text, MaxItemText)
		if err != nil {
			return err
		}
		d.Text = t
		return r.pledgeAskCategory(d)
	case pledgeCat:
		key, ok := strings.CutPrefix(in.Data, string(pledgeCatPrefix))
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		if data != pledgeKeepCat {
			d.Cat = key
		}
		return r.pledgeAskTarget(d, p)
	case pledgeTarget:
		target := ""
		switch data {
		case pledgeNoTarget:
		case pledgeKeepTarget:
			it, _ := findItem(p, d.No)
			target = it.Target
		default:
			if in.Text == "" {
				return refuse(text.ChooseAbove, nil)
			}
			if target, err = cleanInput(in.Text, MaxItemText); err != nil {
				return err
			}
		}
		return r.pledgeSaveItem(d, p, target)
	case pledgePick:
		n, ok := cutNumber(in.Data, pledgeItemPrefix)
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		it, found := findItem(p, n)
		if !found {
			return r.pledgeMenu(p, text.ItemGone)
		}
		d.No = n
		if d.Op == opDel {
			moveTo(r, pledgeConfirmDel)
			r.ask(text.PledgeConfirmRemove, itemView{No: it.No, Text: it.Text},
				row(choice(r.t(text.PledgeRemoveYes, nil), choiceYes), noChoice(r.t(text.No, nil), choiceNo)))
			return nil
		}
		moveTo(r, pledgeText)
		r.askOpen(text.PledgeAskNewText, itemView{No: it.No, Text: it.Text}, keepRow(r, pledgeKeepText))
		return nil
	case pledgeConfirmDel:
		if choiceData(data) != choiceYes {
			return r.pledgeMenu(p, "")
		}
		p.Items = removeItem(p.Items, d.No)
		if err := r.pledgeMenu(p, text.PledgeRemoved); err != nil {
			return err
		}
		return r.putPledge(p)
	case pledgeSubmitStep:
		return r.pledgeSubmit(p, in)
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

func (r *req) pledgeMenuChoice(d *pledgeDraft, p Pledge, in input) error {
	switch data := pledgeChoice(in.Data); data {
	case pledgeAdd:
		if len(p.Items) >= MaxPledgeItems {
			return r.pledgeFull(p)
		}
		d.Op, d.No = opAdd, 0
		return r.pledgeAskText()
	case pledgeEdit, pledgeDel:
		if len(p.Items) == 0 {
			return r.pledgeMenu(p, "")
		}
		d.Op = opEdit
		if data == pledgeDel {
			d.Op = opDel
		}
		moveTo(r, pledgePick)
		rows := make([][]bot.Choice, 0, len(p.Items))
		for _, it := range p.Items {
			rows = append(rows, row(choice(fmt.Sprintf("%d. %s", it.No, shorten(it.Text, 40)), pledgeItemPrefix+pledgeChoice(strconv.Itoa(it.No)))))
		}
		rows = append(rows, row(choice(r.t(text.Back, nil), pledgeBack)))
		r.ask(text.PledgePickItem, nil, rows...)
		return nil
	case pledgeSubmit:
		if len(p.Items) == 0 {
			return refuse(text.PledgeEmpty, nil)
		}
		moveTo(r, pledgeSubmitStep)
		r.ask(text.PledgeConfirmSubmit, r.viewPledge(r.member, p),
			row(yesChoice(r.t(text.PledgeSubmitYes, nil), choiceYes), noChoice(r.t(text.Back, nil), pledgeBack)))
		return nil
	case pledgeDone:
		r.finish()
		k := text.PledgeSaved
		if len(p.Items) > 0 && (p.Status == PledgeDraft || p.Status == PledgeReturned) {
			k = text.PledgeSavedNotSent
		}
		r.say(k, nil)
		return nil
	}
	if in.Text != "" && in.Data == "" {
		// Typing a deed at the menu adds it: the shortest way for most people.
		if len(p.Items) >= MaxPledgeItems {
			return r.pledgeFull(p)
		}
		d.Op, d.No = opAdd, 0
		moveTo(r, pledgeText)
		return r.pledgeAnswer(d, in)
	}
	return refuse(text.ChooseAbove, nil)
}

// pledgeFull refuses another item of a pledge that has MaxPledgeItems,
// and shows the menu again.
func (r *req) pledgeFull(p Pledge) error {
	r.say(text.PledgeFull, pledgeFullView{Max: MaxPledgeItems})
	return r.pledgeMenu(p, "")
}

func (r *req) pledgeAskCategory(d *pledgeDraft) error {
	moveTo(r, pledgeCat)
	rows := make([][]bot.Choice, 0, len(r.e.Cfg.Categories)+1)
	if d.Op == opEdit {
		rows = append(rows, keepRow(r, pledgeKeepCat))
	}
	for _, c := range r.e.Cfg.Categories {
		rows = append(rows, row(choice(c.Name, pledgeCatPrefix+pledgeChoice(c.Key))))
	}
	r.ask(text.PledgeAskCategory, nil, rows...)
	return nil
}

// pledgeAskTarget asks the target of the item being written; changing an
// item that has one, keeping it comes first.
func (r *req) pledgeAskTarget(d *pledgeDraft, p Pledge) error {
	moveTo(r, pledgeTarget)
	var rows [][]bot.Choice
	var cur itemView
	if it, ok := findItem(p, d.No); ok && d.Op == opEdit && it.Target != "" {
		cur.Target = it.Target
		rows = append(rows, keepRow(r, pledgeKeepTarget))
	}
	rows = append(rows, row(choice(r.t(text.PledgeNoTarget, nil), pledgeNoTarget)))
	r.askOpen(text.PledgeAskTarget, cur, rows...)
	return nil
}

// pledgeSaveItem adds the item being written, or replaces the one being
// changed.
func (r *req) pledgeSaveItem(d *pledgeDraft, p Pledge, target string) error {
	p, ok := d.apply(p, target)
	if !ok {
		if d.Op == opEdit {
			return r.pledgeMenu(p, text.ItemGone)
		}
		return r.pledgeFull(p)
	}
	d.Text, d.Cat = "", ""
	if err := r.pledgeMenu(p, text.PledgeItemSaved); err != nil {
		return err
	}
	return r.putPledge(p)
}

// apply adds the item d holds to p with target, or changes the item it
// names; ok is false when that item is gone or p is full.
func (d *pledgeDraft) apply(p Pledge, target string) (_ Pledge, ok bool) {
	if p.NextNo < 1 {
		p.NextNo = 1
	}
	if d.Op == opEdit {
		i := itemIndex(p, d.No)
		if i < 0 {
			return p, false
		}
		p.Items = slices.Clone(p.Items)
		it := &p.Items[i]
		if d.Text != "" {
			it.Text = d.Text
		}
		if d.Cat != "" {
			it.Category = d.Cat
		}
		it.Target = target
		return p, true
	}
	if len(p.Items) >= MaxPledgeItems {
		return p, false
	}
	p.Items = append(slices.Clip(p.Items), PledgeItem{No: p.NextNo, Text: d.Text, Category: d.Cat, Target: target})
	p.NextNo++
	return p, true
}

// putPledge stores p; a returned pledge that is edited becomes a draft again.
func (r *req) putPledge(p Pledge) error {
	if p.Status == PledgeReturned {
		p.Status = PledgeDraft
	}
	if rec := r.recording(); !rec.Zero() {
		p.Recorded = rec
	}
	return r.tx.PutPledge(p)
}

func (r *req) pledgeSubmit(p Pledge, in input) error {
	if choiceData(in.Data) != choiceYes {
		return refuse(text.ChooseAbove, nil)
	}
	if len(p.Items) == 0 {
		return refuse(text.PledgeEmpty, nil)
	}
	secs, err := r.secretaries(r.member.Cell)
	if err != nil {
		return err
	}
	cell, _, err := r.tx.Cell(r.member.Cell)
	if err != nil {
		return err
	}
	p.Status, p.Submitted, p.Comment = PledgeSubmitted, r.now, ""
	r.finish()
	data := pledgeSentView{Name: r.member.Name, N: len(p.Items), Year: p.Year, Cell: cell.Name}
	if rec := r.recording(); !rec.Zero() {
		p.Recorded = rec
		if r.actor.SecretaryOf(r.member.Cell) {
			// Recorded by the secretary: approved as recorded, no step of
			// approval by the same person (see Recorded).
			p.Status, p.Decided = PledgeApproved, r.now
			r.say(text.BehalfPledgeApproved, data)
			return r.tx.PutPledge(p)
		}
		secs = slices.DeleteFunc(secs, func(s Member) bool { return s.ID == r.actor.ID })
	}
	if len(secs) == 0 {
		r.say(text.PledgeSentNoSecretary, data)
	} else {
		r.say(text.PledgeSent, data)
	}
	for _, s := range secs {
		for _, c := range s.PrivateChats() {
			r.send(bot.Reply{Chat: c, Text: r.t(text.PledgeToApprove, data),
				Choices: [][]bot.Choice{row(choice(r.t(text.PledgeOpenApproval, nil), goPrefix+"duyet:"+idString(r.member.ID)))}})
		}
	}
	return r.tx.PutPledge(p)
}

// secretaries returns the secretaries of cell.
func (r *req) secretaries(cell string) ([]Member, error) {
	ms, err := r.tx.Members(cell)
	if err != nil {
		return nil, err
	}
	return secretariesOf(ms, cell), nil
}

func idString(id MemberID) string { return strconv.FormatUint(uint64(id), 10) }

// shorten cuts s to n characters with an ellipsis.
func shorten(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}

// pledgeIntroView feeds the start of a year's pledge and the year's theme.
type pledgeIntroView struct {
	Year  int
	Theme string
}

// pledgeFullView feeds the refusal of an item over the Max of a pledge.
type pledgeFullView struct{ Max int }

// pledgeSentView feeds the texts of a pledge of N items sent for approval.
type pledgeSentView struct {
	Name, Cell string
	N, Year    int
}
