package flows

import (
	"slices"
	"strconv"
	"strings"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// A member of one cell who connects with another cell's code is asked
// whether they have transferred (chuyển sinh hoạt đảng) there. If so, the
// bot stores a Transfer request and tells both cells' secretaries (or the
// admins for a cell without one, see leaderReplies): the receiving one
// confirms or refuses it in /duyet, as the moves between platforms. Until
// then the member stays in their cell, unchanged; once confirmed they
// belong to the new cell from that day, with their pledges and reports.

// transferPrefix marks a transfer in the choices of /duyet (and its
// argument).
const transferPrefix = "tf"

// transferView feeds the texts of a transfer: the member, the cells, the
// day it was asked and who confirms it (or refused it).
type transferView struct{ Name, From, To, Date, Who string }

// transferData returns the view of t for m, naming who confirms it (see
// confirmer), and whether the cell it goes to has a secretary.
func (r *req) transferData(t Transfer, m Member) (transferView, bool, error) {
	from, _, err := r.tx.Cell(t.From)
	if err != nil {
		return transferView{}, false, err
	}
	to, _, err := r.tx.Cell(t.To)
	if err != nil {
		return transferView{}, false, err
	}
	who, secretary, err := r.confirmer(to)
	if err != nil {
		return transferView{}, false, err
	}
	return transferView{Name: m.Name, From: from.Name, To: to.Name, Who: who,
		Date: t.Asked.In(r.e.loc()).Format("02/01/2006")}, secretary, nil
}

// confirmer names who confirms transfers to cell: its secretary, or the
// office of the Đảng ủy when it has none (the admins then act for it). It
// reports whether the cell has a secretary.
func (r *req) confirmer(cell Cell) (string, bool, error) {
	ms, err := r.tx.Members(cell.Code)
	if err != nil {
		return "", false, err
	}
	if len(secretariesOf(ms, cell.Code)) > 0 {
		return r.t(text.TransferWhoSecretary, cellView{Cell: cell.Name}), true, nil
	}
	return r.t(text.TransferWhoOffice, nil), false, nil
}

// askTransfer asks the member, who connects with the code of cell, another
// cell than theirs, whether they transferred there; a request already
// waiting is answered instead.
func (r *req) askTransfer(j *joining, cell Cell) error {
	if t, ok, err := r.tx.Transfer(r.member.ID); err != nil || ok {
		if err != nil {
			return err
		}
		return r.transferWaiting(t, cell)
	}
	cur, _, err := r.tx.Cell(r.member.Cell)
	if err != nil {
		return err
	}
	flowJoin.begin(r, joinMove, j)
	r.ask(text.JoinMoveAsk, joinMoveView{Name: r.member.Name, From: cur.Name, To: cell.Name},
		row(choice(r.t(text.JoinMoveYes, joinMoveView{To: cell.Name}), joinMoveYes)),
		row(noChoice(r.t(text.JoinMoveNo, joinMoveView{From: cur.Name}), joinMoveNo)))
	return nil
}

// transferWaiting tells the member asking again (for cell) that their
// request t waits. When its cell has lost its secretary since, the admins
// are told, once, to act for it.
func (r *req) transferWaiting(t Transfer, cell Cell) error {
	_, ok, err := r.tx.Cell(t.To)
	if err != nil {
		return err
	}
	if !ok { // a cell no longer configured: the request cannot be confirmed
		if err := r.tx.DeleteTransfer(t.Member); err != nil {
			return err
		}
		return r.askTransfer(&joining{Cell: cell.Code}, cell)
	}
	data, hasSecretary, err := r.transferData(t, r.member)
	if err != nil {
		return err
	}
	if !hasSecretary {
		if err := r.tellTransfer(t, data, false); err != nil {
			return err
		}
	}
	if t.To == cell.Code {
		return refuse(text.TransferWaiting, data)
	}
	return refuse(text.TransferWaitingOther, data)
}

// requestTransfer stores the member's request to belong to cell and tells
// both cells.
func (r *req) requestTransfer(cell Cell) error {
	r.finish()
	if !r.isMember || r.member.Cell == "" {
		return refuse(text.MemberGone, nil)
	}
	if r.member.Cell == cell.Code {
		return refuse(text.JoinAlready, nameCellView{Name: r.member.Name, Cell: cell.Name})
	}
	if t, ok, err := r.tx.Transfer(r.member.ID); err != nil || ok {
		if err != nil {
			return err
		}
		return r.transferWaiting(t, cell)
	}
	t := Transfer{Member: r.member.ID, From: r.member.Cell, To: cell.Code, Asked: r.now}
	if err := r.tx.PutTransfer(t); err != nil {
		return err
	}
	data, hasSecretary, err := r.transferData(t, r.member)
	if err != nil {
		return err
	}
	if err := r.tellTransfer(t, data, hasSecretary); err != nil {
		return err
	}
	from, _, err := r.tx.Cell(t.From)
	if err != nil {
		return err
	}
	if _, fromHas, err := r.confirmer(from); err != nil {
		return err
	} else if hasSecretary || fromHas { // else the admins, told above, are both cells' leaders
		if err := r.tellLeaders(t.From, r.t(text.TransferNoteFrom, data), r.member.PrivateChats()); err != nil {
			return err
		}
	}
	r.say(text.TransferSent, data)
	return nil
}

// tellTransfer sends the request t to the leaders of its cell, with the
// button that opens it, once for its secretaries and once for the admins
// (a cell that lost its secretary since the request).
func (r *req) tellTransfer(t Transfer, data transferView, secretary bool) error {
	key := "transfer:" + idString(t.Member) + "@" + strconv.FormatInt(t.Asked.Unix(), 10)
	if !secretary {
		key += ":office"
	}
	return r.tellLeadersOnce(key, t.To, r.t(text.TransferToApprove, data),
		row(choice(r.t(text.MoveOpen, nil), goPrefix+"duyet:"+transferPrefix+idString(t.Member))))
}

// tellLeaders sends body privately to the leaders of cell (see
// leaderReplies), but not in the chats skip.
func (r *req) tellLeaders(cell, body string, skip []bot.ChatID) error {
	reps, err := leaderReplies(r.tx, r.e.Cfg.Admins, cell, body, nil)
	if err != nil {
		return err
	}
	for _, rep := range reps {
		if slices.Contains(skip, rep.Chat) {
			continue
		}
		rep.Bulk = false
		r.send(rep)
	}
	return nil
}

// transferRows returns a /duyet choice for each request waiting to join
// cell, of members still in the cell they asked from.
func (r *req) transferRows(cell string) ([][]bot.Choice, error) {
	ts, err := r.tx.Transfers(cell)
	if err != nil {
		return nil, err
	}
	var rows [][]bot.Choice
	for _, t := range ts {
		m, ok, err := r.tx.Member(t.Member)
		if err != nil {
			return nil, err
		}
		if !ok || m.Cell != t.From {
			continue
		}
		data, _, err := r.transferData(t, m)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row(choice(r.t(text.TransferRow, data), string(approveTransferPrefix)+idString(m.ID))))
	}
	return rows, nil
}

// waitingTransfer loads the request of the member with the decimal id to
// join a.Cell, checking it still waits and the member is still in the cell
// they asked from (a request of a member who left is dropped).
func (r *req) waitingTransfer(a *approval, id string) (Transfer, Member, transferView, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(id), 10, 64)
	if err != nil {
		r.finish()
		return Transfer{}, Member{}, transferView{}, refuse(text.StaleChoice, nil)
	}
	t, ok, err := r.tx.Transfer(MemberID(n))
	if err != nil {
		return Transfer{}, Member{}, transferView{}, err
	}
	m, mok, err := r.tx.Member(MemberID(n))
	if err != nil {
		return Transfer{}, Member{}, transferView{}, err
	}
	if !ok || t.To != a.Cell {
		r.finish()
		if mok && m.Cell == a.Cell { // confirmed already
			to, _, err := r.tx.Cell(a.Cell)
			if err != nil {
				return Transfer{}, Member{}, transferView{}, err
			}
			return Transfer{}, Member{}, transferView{}, refuse(text.TransferAlready, transferView{Name: m.Name, To: to.Name})
		}
		return Transfer{}, Member{}, transferView{}, refuse(text.MoveGone, nil)
	}
	data, _, err := r.transferData(t, m)
	if err != nil {
		return Transfer{}, Member{}, transferView{}, err
	}
	if !mok || m.Cell != t.From {
		r.finish()
		if err := r.tx.DeleteTransfer(t.Member); err != nil {
			return Transfer{}, Member{}, transferView{}, err
		}
		return Transfer{}, Member{}, transferView{}, refuse(text.TransferMemberLeft, data)
	}
	return t, m, data, nil
}

// transferShow asks the secretary to confirm the transfer of the member
// with the decimal id to their cell.
func (r *req) transferShow(a *approval, id string) error {
	_, m, data, err := r.waitingTransfer(a, id)
	if err != nil {
		return err
	}
	a.Member = m.ID
	moveTo(r, approveTransfer)
	r.ask(text.TransferShow, data, r.confirmRow())
	return nil
}

// transferDecide applies the secretary's answer to transferShow: the member
// moves (from today: Joined is now) or stays; the member and the cell they
// asked from are told.
func (r *req) transferDecide(a *approval, in input) error {
	yes, err := confirmed(in)
	if err != nil {
		return err
	}
	t, m, data, err := r.waitingTransfer(a, idString(a.Member))
	if err != nil {
		return err
	}
	r.finish()
	if err := r.tx.DeleteTransfer(t.Member); err != nil {
		return err
	}
	skip := []bot.ChatID{r.m.Chat}
	if !yes {
		data.Who = r.t(text.TransferWhoOffice, nil)
		if r.isMember && r.member.SecretaryOf(a.Cell) {
			data.Who = r.t(text.TransferWhoNamed, nameCellView{Name: r.member.Name, Cell: data.To})
		}
		r.say(text.TransferRefused, data)
		r.tell(m, text.TransferRefusedNote, data)
		return r.tellLeaders(t.From, r.t(text.TransferRefusedFrom, data), append(skip, m.PrivateChats()...))
	}
	m.Cell, m.Secretary, m.Recorder, m.Joined = t.To, false, false, r.now
	if err := r.tx.PutMember(&m); err != nil {
		return err
	}
	if err := r.moveRosterEntry(m, t.From, t.To); err != nil {
		return err
	}
	r.say(text.TransferApproved, data)
	r.tell(m, text.TransferDoneNote, data)
	return r.tellLeaders(t.From, r.t(text.TransferDoneFrom, data), append(skip, m.PrivateChats()...))
}

// moveRosterEntry moves the roster entry of m, whose transfer from cell
// from to cell to was just confirmed, to to's roster, recording the move
// (RosterEntry.Moves) so that from's past months still count m there. A
// member on no roster (connected under an ambiguous name) is put on to's.
func (r *req) moveRosterEntry(m Member, from, to string) error {
	e, ok, err := r.tx.RosterOf(m.ID)
	if err != nil {
		return err
	}
	if !ok {
		return r.tx.PutRosterEntry(RosterEntryOf(m))
	}
	if e.Cell != to {
		e.Moves = append(e.Moves, RosterMove{From: e.Cell, At: r.now})
		e.Cell = to
	}
	return r.tx.PutRosterEntry(&e)
}
