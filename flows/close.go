package flows

import (
	"strconv"

	"lamtheo/flows/text"
)

// cmdClose shows the state of the cell's month and offers to close or
// reopen it: /dongthang [month].
func (r *req) cmdClose(args string) error {
	cell, m, err := r.cellMonth(args)
	if err != nil {
		return err
	}
	s, err := r.e.CellSummary(r.tx, cell, m)
	if err != nil {
		return err
	}
	r.start(flowClose, "act")
	r.set("cell", cell)
	r.set("month", strconv.Itoa(int(m)))
	act := choice(text.T(text.CloseButton, nil), "close")
	if s.Closed {
		act = choice(text.T(text.ReopenButton, nil), "open")
	}
	r.ask(text.CloseState, viewCellMonth(s), row(act), row(choice(text.T(text.No, nil), "n")))
	return nil
}

func (r *req) closeStep(in input) error {
	cell, m := r.val("cell"), Month(r.intVal("month"))
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	if in.Data == "n" {
		r.finish()
		r.say(text.Cancelled, nil)
		return nil
	}
	c, ok, err := r.tx.Cell(cell)
	if err != nil {
		return err
	}
	if !ok {
		r.finish()
		return refuse(text.StaleChoice, nil)
	}
	data := map[string]any{"Cell": c.Name, "Month": FormatMonth(m)}
	switch r.sess.Step {
	case "act":
		switch in.Data {
		case "close":
			r.set("want", "close")
			r.step("confirm")
			r.ask(text.CloseAsk, data, yesNo(text.CloseYes))
			return nil
		case "open":
			r.set("want", "open")
			r.step("confirm")
			r.ask(text.ReopenAsk, data, yesNo(text.ReopenYes))
			return nil
		}
		return refuse(text.ChooseAbove, nil)
	case "confirm":
		if in.Data != "y" {
			return refuse(text.ChooseAbove, nil)
		}
		closing := r.val("want") == "close"
		if err := r.tx.PutMonthState(MonthState{Cell: cell, Month: m, Closed: closing}); err != nil {
			return err
		}
		r.finish()
		s, err := r.e.CellSummary(r.tx, cell, m)
		if err != nil {
			return err
		}
		v := viewCellMonth(s)
		if closing {
			r.say(text.CloseDone, v)
			return nil
		}
		v.Late = !r.reportable(m)
		r.say(text.ReopenDone, v)
		return nil
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}
