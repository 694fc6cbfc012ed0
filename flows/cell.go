package flows

import (
	"lamtheo/flows/text"
)

// flowPickCell asks an admin which cell a cell-scoped command is for, then
// runs that command for it (see pickingCell).
var flowPickCell = conversation[pickingCell, string]{name: "pickcell"}

// pickingCell is the state of the pickcell flow: the command to run again
// once the cell is chosen.
type pickingCell struct {
	Cmd  string
	Args string
}

// pickCellStep is the pickcell flow's only step.
const pickCellStep = "cell"

// actingCell returns the cell a cell-scoped command acts on: the group's cell
// in a group, the secretary's own cell in private. An admin who is not a
// secretary is asked to choose a cell first: then the bool (asked) is
// true, the caller returns nil with nothing more to do, and the command
// runs again with the answer.
func (r *req) actingCell() (string, bool, error) {
	if r.chosenCell != "" {
		return r.chosenCell, false, nil
	}
	if r.m.Group {
		cell, ok, err := r.tx.CellOfGroup(r.m.Chat)
		if err != nil {
			return "", false, err
		}
		if !ok {
			return "", false, refuse(text.GroupNotLinked, nil)
		}
		return cell.Code, false, nil
	}
	if r.isMember && r.member.SecretaryOf(r.member.Cell) {
		return r.member.Cell, false, nil
	}
	if !r.admin() {
		return "", false, refuse(text.NeedSecretary, nil)
	}
	cells, err := r.tx.Cells()
	if err != nil {
		return "", false, err
	}
	if len(cells) == 0 {
		return "", false, refuse(text.NoCells, nil)
	}
	flowPickCell.begin(r, pickCellStep, &pickingCell{Cmd: r.cmd, Args: r.args})
	r.ask(text.PickCell, nil, cellChoices(cells)...)
	return "", true, nil
}

// pickCellAnswer takes the cell chosen and runs the command for it.
func (r *req) pickCellAnswer(pc *pickingCell, in input) error {
	code, ok := cutChoice(in.Data, cellPrefix)
	if !ok {
		return refuse(text.ChooseAbove, nil)
	}
	c, found := lookup(pc.Cmd)
	if !found {
		r.finish()
		return refuse(text.StaleChoice, nil)
	}
	// The command runs now: check again that the sender may run it (an
	// admin removed from the configuration meanwhile may not).
	if err := r.permit(c); err != nil {
		r.finish()
		return err
	}
	if !r.admin() {
		r.finish()
		return refuse(text.NeedAdmin, nil)
	}
	if _, found, err := r.tx.Cell(code); err != nil {
		return err
	} else if !found {
		r.finish()
		return refuse(text.StaleChoice, nil)
	}
	args := pc.Args
	r.finish()
	r.chosenCell, r.cmd, r.args = code, c.name, args
	return c.run(r, args)
}
