package flows

import "lamtheo/flows/text"

// flowLink is linking a group to a cell (/link in the group), or, after
// /link in private, revoking the cell's older codes (see linking).
var flowLink = conversation[linking, linkStep]{name: "link"}

// linking is the state of the link flow: after /link in private, the cell
// and the code just given, whose older codes may be revoked.
type linking struct {
	Cell string
	Code string
}

// linkStep is a step of the link flow.
type linkStep string

// The link flow's steps.
const (
	linkCell   linkStep = "cell"   // which cell the group belongs to
	linkRevoke linkStep = "revoke" // revoke the cell's older codes?
)

// linkChoice is the data of a choice the link flow offers (and
// cellPrefix).
type linkChoice string

// The link flow's choices.
const (
	linkRevokeYes linkChoice = "rv:yes"
	linkRevokeNo  linkChoice = "rv:keep"
)

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
	flowLink.begin(r, linkCell, &linking{})
	r.ask(text.LinkChooseCell, nil, cellChoices(served)...)
	return nil
}

// linkAnswer takes an answer to the link flow.
func (r *req) linkAnswer(l *linking, in input) error {
	if linkStep(r.sess.Step) == linkRevoke {
		return r.revokeAnswer(l, in)
	}
	code, ok := cutChoice(in.Data, cellPrefix)
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

// revokeAnswer answers /link's offer, in private, to revoke the cell's older
// codes: every live code but the one just given is revoked, and each group
// of the cell gets a new button.
func (r *req) revokeAnswer(l *linking, in input) error {
	cell, keep := l.Cell, l.Code
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	switch linkChoice(in.Data) {
	case linkRevokeNo:
		r.finish()
		r.say(text.LinkKept, nil)
		return nil
	case linkRevokeYes:
	default:
		return refuse(text.ChooseAbove, nil)
	}
	c, err := r.flowCell(cell)
	if err != nil {
		return err
	}
	n, err := r.revokeInvites(cell, keep, func(Invite) bool { return true })
	if err != nil {
		return err
	}
	groups := 0
	for _, g := range c.Groups {
		if un, err := r.tx.Unreachable(g); err != nil {
			return err
		} else if un || !r.e.plan(g.Platform).Serves(cell) {
			continue
		}
		inv, err := r.newInvite(cell, g)
		if err != nil {
			return err
		}
		r.send(r.inviteReply(g, c, inv, text.InviteRenewed))
		groups++
	}
	r.finish()
	r.say(text.LinkRevoked, revokeView{N: n, Cell: c.Name, Code: keep, Groups: groups})
	return nil
}
