package flows

import "lamtheo/flows/text"

// closing is the state of the close flow.
type closing struct {
	Cell  string
	Month Month
	Close bool // close the month; false: reopen it
}

// closeStep is a step of the close flow.
type closeStep string

// The close flow's steps.
const (
	closeAct     closeStep = "act"     // close (or reopen), or not
	closeConfirm closeStep = "confirm" // sure?
)

// closeChoice is the data of a choice the close flow offers (and
// choiceYes, choiceNo).
type closeChoice string

// The close flow's choices.
const (
	closeMonth  closeChoice = "close"
	reopenMonth closeChoice = "open"
)

// cmdClose shows the state of the cell's month and offers to close or
// reopen it: /dongthang [month].
func (r *req) cmdClose(args string) error {
	cell, m, asked, err := r.cellMonth(args)
	if err != nil || asked {
		return err
	}
	s, err := r.e.CellSummary(r.tx, cell, m)
	if err != nil {
		return err
	}
	flowClose.begin(r, closeAct, &closing{Cell: cell, Month: m})
	act := choice(r.t(text.CloseButton, nil), closeMonth)
	if s.Closed {
		act = choice(r.t(text.ReopenButton, nil), reopenMonth)
	}
	r.ask(text.CloseState, viewCellMonth(r.e.text(), s), row(act), row(noChoice(r.t(text.No, nil), choiceNo)))
	return nil
}

// closeAnswer takes an answer to the close flow.
func (r *req) closeAnswer(cl *closing, in input) error {
	cell, m := cl.Cell, cl.Month
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	if choiceData(in.Data) == choiceNo {
		r.finish()
		r.say(text.Cancelled, nil)
		return nil
	}
	c, err := r.flowCell(cell)
	if err != nil {
		return err
	}
	data := closeView{Cell: c.Name, Month: FormatMonth(r.e.text(), m)}
	switch closeStep(r.sess.Step) {
	case closeAct:
		switch closeChoice(in.Data) {
		case closeMonth:
			cl.Close = true
			moveTo(r, closeConfirm)
			r.ask(text.CloseAsk, data, r.yesNo(text.CloseYes))
			return nil
		case reopenMonth:
			cl.Close = false
			moveTo(r, closeConfirm)
			r.ask(text.ReopenAsk, data, r.easyYesNo(text.ReopenYes))
			return nil
		}
		return refuse(text.ChooseAbove, nil)
	case closeConfirm:
		if choiceData(in.Data) != choiceYes {
			return refuse(text.ChooseAbove, nil)
		}
		closing := cl.Close
		// Stored before the summary is read: the reply shows the month
		// as it now stands.
		if err := r.tx.PutMonthState(MonthState{Cell: cell, Month: m, Closed: closing}); err != nil {
			return err
		}
		r.finish()
		s, err := r.e.CellSummary(r.tx, cell, m)
		if err != nil {
			return err
		}
		v := viewCellMonth(r.e.text(), s)
		if closing {
			r.say(text.CloseDone, v)
			return nil
		}
		open, err := r.reportable(cell, m)
		if err != nil {
			return err
		}
		v.Late = !open
		r.say(text.ReopenDone, v)
		return nil
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

// closeView feeds the questions to close or reopen a cell's month.
type closeView struct{ Cell, Month string }
