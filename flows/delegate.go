package flows

import (
	"strings"

	"lamtheo/flows/text"
)

// cmdDelegate lets the secretary delegate a member of the cell to record
// for the members without a phone (/baocaothay, /dangkythay):
// "/uyquyen TÊN" delegates the connected member of that name, "/uyquyen
// bỏ" takes every delegation of the cell back, "/uyquyen" alone says who
// is delegated and how. Names match as connecting matches them (case,
// spacing, diacritics, word order).
func (r *req) cmdDelegate(args string) error {
	cell, asked, err := r.actingCell()
	if err != nil || asked {
		return err
	}
	c, ms, err := r.cellWithMembers(cell)
	if err != nil {
		return err
	}
	var delegated []string
	for _, m := range ms {
		if m.Cell == cell && m.Recorder {
			delegated = append(delegated, m.Name)
		}
	}
	args = strings.TrimSpace(args)
	switch {
	case args == "":
		r.say(text.DelegateShow, delegateView{Cell: c.Name, Names: strings.Join(delegated, ", ")})
		return nil
	case foldName(args) == "bo":
		for _, m := range ms {
			if m.Cell == cell && m.Recorder {
				m.Recorder = false
				if err := r.tx.PutMember(&m); err != nil {
					return err
				}
				r.tell(m, text.DelegateYouNot, nameCellView{Name: m.Name, Cell: c.Name})
			}
		}
		r.say(text.DelegateRemoved, delegateView{Cell: c.Name, Names: strings.Join(delegated, ", ")})
		return nil
	}
	var found []Member
	for _, m := range ms {
		if m.Cell == cell && m.Connected() && (foldName(m.Name) == foldName(args) || sortedWords(foldName(m.Name)) == sortedWords(foldName(args))) {
			found = append(found, m)
		}
	}
	switch {
	case len(found) == 0:
		return refuse(text.DelegateNotFound, delegateView{Cell: c.Name, Names: args})
	case len(found) > 1:
		return refuse(text.BehalfAmbiguous, behalfTypedView{Input: args, N: len(found)})
	}
	m := found[0]
	if m.SecretaryOf(cell) {
		r.say(text.DelegateSecretary, nameCellView{Name: m.Name, Cell: c.Name})
		return nil
	}
	if !m.Recorder {
		m.Recorder = true
		if err := r.tx.PutMember(&m); err != nil {
			return err
		}
		r.tell(m, text.DelegateYou, nameCellView{Name: m.Name, Cell: c.Name})
	}
	r.say(text.DelegateDone, nameCellView{Name: m.Name, Cell: c.Name})
	return nil
}

// cellWithMembers loads cell code and the members stored under it.
func (r *req) cellWithMembers(code string) (Cell, []Member, error) {
	c, _, err := r.tx.Cell(code)
	if err != nil {
		return Cell{}, nil, err
	}
	ms, err := r.tx.Members(code)
	return c, ms, err
}

// delegateView feeds the texts of /uyquyen: the cell, and the names of the
// members delegated (or the name typed).
type delegateView struct{ Cell, Names string }
