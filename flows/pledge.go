package flows

import (
	"fmt"
	"strconv"
	"strings"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// Flows of the yearly pledge.
const (
	flowPledge  = "pledge"
	flowApprove = "approve"
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

// categoryName returns the name of the category key, or the key itself.
func (e *Engine) categoryName(key string) string {
	for _, c := range e.Cfg.Categories {
		if c.Key == key {
			return c.Name
		}
	}
	return key
}

func (r *req) viewPledge(m Member, p Pledge) pledgeView {
	v := pledgeView{Name: m.Name, Year: p.Year, Theme: r.e.Cfg.Theme, Comment: p.Comment}
	for _, it := range p.Items {
		v.Items = append(v.Items, itemView{No: it.No, Text: it.Text, Category: r.e.categoryName(it.Category), Target: it.Target})
	}
	v.Status = text.T(pledgeStatusKey(p.Status), nil)
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

// year returns the current year in the organisation's zone.
func (r *req) year() int { return r.now.In(r.e.Cfg.Loc).Year() }

// myPledge loads the sender's pledge for the current year; a new draft when
// there is none.
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
	r.start(flowPledge, "menu")
	if len(p.Items) == 0 {
		r.say(text.PledgeIntro, map[string]any{"Year": p.Year, "Theme": r.e.Cfg.Theme})
		return r.pledgeAskText()
	}
	return r.pledgeMenu(p, "")
}

// pledgeMenu shows the pledge and what can be done with it.
func (r *req) pledgeMenu(p Pledge, note text.Key) error {
	r.step("menu")
	rows := [][]bot.Choice{row(choice(text.T(text.PledgeAdd, nil), "p:add"))}
	if len(p.Items) > 0 {
		rows = append(rows, row(choice(text.T(text.PledgeEdit, nil), "p:edit"), choice(text.T(text.PledgeRemove, nil), "p:del")))
		if p.Status != PledgeSubmitted {
			rows = append(rows, row(choice(text.T(text.PledgeSubmit, nil), "p:submit")))
		}
	}
	rows = append(rows, row(choice(text.T(text.PledgeDone, nil), "p:done")))
	v := r.viewPledge(r.member, p)
	if note != "" {
		r.say(note, v)
	}
	r.ask(text.PledgeView, v, rows...)
	return nil
}

func (r *req) pledgeAskText() error {
	r.step("text")
	r.ask(text.PledgeAskText, nil, row(choice(text.T(text.Back, nil), "p:back")))
	return nil
}

func (r *req) pledgeStep(in input) error {
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
	if in.Data == "p:back" {
		return r.pledgeMenu(p, "")
	}
	switch r.sess.Step {
	case "menu":
		return r.pledgeMenuChoice(p, in)
	case "text":
		if in.Data == "keep" && r.val("op") == "edit" {
			r.set("text", "keep")
			return r.pledgeAskCategory()
		}
		if in.Data != "" {
			return refuse(text.PledgeAskTextAgain, nil)
		}
		t, err := cleanInput(in.Text, MaxItemText)
		if err != nil {
			return err
		}
		r.set("text", t)
		return r.pledgeAskCategory()
	case "cat":
		key, ok := strings.CutPrefix(in.Data, "cat:")
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		if key != "=" {
			r.set("cat", key)
		}
		r.step("target")
		r.ask(text.PledgeAskTarget, nil, row(choice(text.T(text.PledgeNoTarget, nil), "t:none")))
		return nil
	case "target":
		target := ""
		if in.Data != "t:none" {
			if in.Text == "" {
				return refuse(text.ChooseAbove, nil)
			}
			if target, err = cleanInput(in.Text, MaxItemText); err != nil {
				return err
			}
		}
		return r.pledgeSaveItem(p, target)
	case "pick":
		no, ok := strings.CutPrefix(in.Data, "i:")
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		n, _ := strconv.Atoi(no)
		it, found := findItem(p, n)
		if !found {
			return r.pledgeMenu(p, text.ItemGone)
		}
		r.set("no", no)
		if r.val("op") == "del" {
			r.step("confirmdel")
			r.ask(text.PledgeConfirmRemove, itemView{No: it.No, Text: it.Text},
				row(choice(text.T(text.PledgeRemoveYes, nil), "y"), choice(text.T(text.No, nil), "n")))
			return nil
		}
		r.step("text")
		r.ask(text.PledgeAskNewText, itemView{No: it.No, Text: it.Text},
			row(choice(text.T(text.KeepAsIs, nil), "keep")))
		return nil
	case "confirmdel":
		if in.Data == "y" {
			n, _ := strconv.Atoi(r.val("no"))
			p.Items = removeItem(p.Items, n)
			if err := r.putPledge(p); err != nil {
				return err
			}
			return r.pledgeMenu(p, text.PledgeRemoved)
		}
		return r.pledgeMenu(p, "")
	case "submit":
		return r.pledgeSubmit(p, in)
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

func (r *req) pledgeMenuChoice(p Pledge, in input) error {
	switch in.Data {
	case "p:add":
		if len(p.Items) >= MaxPledgeItems {
			return r.pledgeFull(p)
		}
		r.set("op", "add")
		r.set("no", "")
		return r.pledgeAskText()
	case "p:edit", "p:del":
		if len(p.Items) == 0 {
			return r.pledgeMenu(p, "")
		}
		r.set("op", strings.TrimPrefix(in.Data, "p:"))
		r.step("pick")
		rows := make([][]bot.Choice, 0, len(p.Items))
		for _, it := range p.Items {
			rows = append(rows, row(choice(fmt.Sprintf("%d. %s", it.No, shorten(it.Text, 40)), "i:"+strconv.Itoa(it.No))))
		}
		rows = append(rows, row(choice(text.T(text.Back, nil), "p:back")))
		r.ask(text.PledgePickItem, nil, rows...)
		return nil
	case "p:submit":
		if len(p.Items) == 0 {
			return refuse(text.PledgeEmpty, nil)
		}
		r.step("submit")
		r.ask(text.PledgeConfirmSubmit, r.viewPledge(r.member, p),
			row(choice(text.T(text.PledgeSubmitYes, nil), "y"), choice(text.T(text.Back, nil), "p:back")))
		return nil
	case "p:done":
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
		r.set("op", "add")
		r.set("no", "")
		r.step("text")
		return r.pledgeStep(in)
	}
	return refuse(text.ChooseAbove, nil)
}

// pledgeFull refuses another item of a pledge that has MaxPledgeItems,
// and shows the menu again.
func (r *req) pledgeFull(p Pledge) error {
	r.say(text.PledgeFull, map[string]int{"Max": MaxPledgeItems})
	return r.pledgeMenu(p, "")
}

func (r *req) pledgeAskCategory() error {
	r.step("cat")
	rows := make([][]bot.Choice, 0, len(r.e.Cfg.Categories)+1)
	for _, c := range r.e.Cfg.Categories {
		rows = append(rows, row(choice(c.Name, "cat:"+c.Key)))
	}
	if r.val("op") == "edit" {
		rows = append(rows, row(choice(text.T(text.KeepAsIs, nil), "cat:=")))
	}
	r.ask(text.PledgeAskCategory, nil, rows...)
	return nil
}

// pledgeSaveItem adds the item being written, or replaces the one being
// changed.
func (r *req) pledgeSaveItem(p Pledge, target string) error {
	if p.NextNo < 1 {
		p.NextNo = 1
	}
	if r.val("op") == "edit" {
		n, _ := strconv.Atoi(r.val("no"))
		i := itemIndex(p, n)
		if i < 0 {
			return r.pledgeMenu(p, text.ItemGone)
		}
		it := &p.Items[i]
		if t := r.val("text"); t != "" && t != "keep" {
			it.Text = t
		}
		if c := r.val("cat"); c != "" {
			it.Category = c
		}
		it.Target = target
	} else {
		if len(p.Items) >= MaxPledgeItems {
			return r.pledgeFull(p)
		}
		p.Items = append(p.Items, PledgeItem{No: p.NextNo, Text: r.val("text"), Category: r.val("cat"), Target: target})
		p.NextNo++
	}
	if err := r.putPledge(p); err != nil {
		return err
	}
	r.set("text", "")
	r.set("cat", "")
	return r.pledgeMenu(p, text.PledgeItemSaved)
}

// putPledge stores p; a returned pledge that is edited becomes a draft again.
func (r *req) putPledge(p Pledge) error {
	if p.Status == PledgeReturned {
		p.Status = PledgeDraft
	}
	return r.tx.PutPledge(p)
}

func (r *req) pledgeSubmit(p Pledge, in input) error {
	if in.Data != "y" {
		return refuse(text.ChooseAbove, nil)
	}
	if len(p.Items) == 0 {
		return refuse(text.PledgeEmpty, nil)
	}
	p.Status, p.Submitted, p.Comment = PledgeSubmitted, r.now, ""
	if err := r.tx.PutPledge(p); err != nil {
		return err
	}
	r.finish()
	secs, err := r.secretaries(r.member.Cell)
	if err != nil {
		return err
	}
	cell, _, err := r.tx.Cell(r.member.Cell)
	if err != nil {
		return err
	}
	data := map[string]any{"Name": r.member.Name, "N": len(p.Items), "Year": p.Year, "Cell": cell.Name}
	if len(secs) == 0 {
		r.say(text.PledgeSentNoSecretary, data)
		return nil
	}
	r.say(text.PledgeSent, data)
	for _, s := range secs {
		for _, c := range s.PrivateChats() {
			r.send(bot.Reply{Chat: c, Text: text.T(text.PledgeToApprove, data),
				Choices: [][]bot.Choice{row(choice(text.T(text.PledgeOpenApproval, nil), goPrefix+"duyet:"+idString(r.member.ID)))}})
		}
	}
	return nil
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

func findItem(p Pledge, no int) (PledgeItem, bool) {
	if i := itemIndex(p, no); i >= 0 {
		return p.Items[i], true
	}
	return PledgeItem{}, false
}

func itemIndex(p Pledge, no int) int {
	for i, it := range p.Items {
		if it.No == no {
			return i
		}
	}
	return -1
}

func removeItem(items []PledgeItem, no int) []PledgeItem {
	out := items[:0:0]
	for _, it := range items {
		if it.No != no {
			out = append(out, it)
		}
	}
	return out
}

// shorten cuts s to n characters with an ellipsis.
func shorten(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}

// cmdApprove lets a secretary approve or return the cell's submitted
// pledges: /duyet, or the button sent with each submission.
func (r *req) cmdApprove(args string) error {
	cell, err := r.actingCell()
	if err != nil {
		return err
	}
	r.start(flowApprove, "pick")
	r.set("cell", cell)
	if id, ok := strings.CutPrefix(args, movePrefix); ok {
		return r.moveShow(id, cell)
	}
	if args != "" {
		return r.approveStep(input{Data: "m:" + args})
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
			rows = append(rows, row(choice(fmt.Sprintf("%s (%d)", m.Name, len(p.Items)), "m:"+idString(m.ID))))
		}
	}
	rows = append(rows, r.moveRows(ms)...)
	if len(rows) == 0 {
		r.finish()
		r.say(text.ApproveNone, nil)
		return nil
	}
	r.ask(text.ApprovePick, nil, rows...)
	return nil
}

func (r *req) approveStep(in input) error {
	cell := r.val("cell")
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	switch r.sess.Step {
	case "pick":
		if id, ok := strings.CutPrefix(in.Data, movePrefix+":"); ok {
			return r.moveShow(id, cell)
		}
		id, ok := strings.CutPrefix(in.Data, "m:")
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
			return refuse(text.ApproveNotPending, map[string]string{"Name": m.Name})
		}
		r.set("member", id)
		r.step("decide")
		r.ask(text.ApproveShow, r.viewPledge(m, p),
			row(choice(text.T(text.ApproveYes, nil), "ok"), choice(text.T(text.ApproveReturn, nil), "ret")))
		return nil
	case "decide":
		m, p, err := r.pendingPledge(cell)
		if err != nil {
			return err
		}
		switch in.Data {
		case "ok":
			p.Status, p.Decided, p.Comment = PledgeApproved, r.now, ""
			if err := r.tx.PutPledge(p); err != nil {
				return err
			}
			r.finish()
			r.say(text.ApproveDone, map[string]string{"Name": m.Name})
			r.tell(m, text.PledgeApprovedNote, map[string]any{"Name": m.Name, "Year": p.Year})
			return nil
		case "ret":
			r.step("comment")
			r.say(text.ApproveAskComment, map[string]string{"Name": m.Name})
			return nil
		}
		return refuse(text.ChooseAbove, nil)
	case stepMoveDecide:
		return r.moveDecide(in, cell)
	case "comment":
		comment, err := cleanInput(in.Text, MaxItemText)
		if err != nil {
			return err
		}
		m, p, err := r.pendingPledge(cell)
		if err != nil {
			return err
		}
		p.Status, p.Decided, p.Comment = PledgeReturned, r.now, comment
		if err := r.tx.PutPledge(p); err != nil {
			return err
		}
		r.finish()
		r.say(text.ApproveReturned, map[string]string{"Name": m.Name})
		r.tell(m, text.PledgeReturnedNote, map[string]any{"Name": m.Name, "Year": p.Year, "Comment": comment})
		return nil
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

// pendingPledge reloads the pledge under decision, checking it is still
// waiting.
func (r *req) pendingPledge(cell string) (Member, Pledge, error) {
	m, err := r.memberInCell(r.val("member"), cell)
	if err != nil {
		return Member{}, Pledge{}, err
	}
	p, ok, err := r.tx.Pledge(m.ID, r.year())
	if err != nil {
		return Member{}, Pledge{}, err
	}
	if !ok || p.Status != PledgeSubmitted {
		r.finish()
		return Member{}, Pledge{}, refuse(text.ApproveNotPending, map[string]string{"Name": m.Name})
	}
	return m, p, nil
}
