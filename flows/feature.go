package flows

import (
	"strconv"
	"strings"

	"lamtheo/flows/text"
)

// cmdFeature lets the secretary feature a submitted report of the month
// (nêu gương) or take the feature back: /neuguong [month].
func (r *req) cmdFeature(args string) error {
	cell, m, err := r.cellMonth(args)
	if err != nil {
		return err
	}
	cm, err := loadCellMonth(r.tx, cell, m, nil)
	if err != nil {
		return err
	}
	subs := cm.submitted()
	if len(subs) == 0 {
		return refuse(text.FeatureNone, monthData(m))
	}
	r.start(flowFeature, "pick")
	r.set("cell", cell)
	r.set("month", strconv.Itoa(int(m)))
	r.ask(text.FeaturePick, monthData(m), memberRows(subs, reportLabel(cm))...)
	return nil
}

func (r *req) featureStep(in input) error {
	cell, m := r.val("cell"), Month(r.intVal("month"))
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	var id string
	switch r.sess.Step {
	case "pick":
		var ok bool
		if id, ok = strings.CutPrefix(in.Data, "m:"); !ok {
			return refuse(text.ChooseAbove, nil)
		}
	case "confirm":
		if yes, err := r.confirmed(in); !yes {
			return err
		}
		id = r.val("member")
	default:
		r.finish()
		return refuse(text.NotUnderstood, nil)
	}
	mb, rep, err := r.submittedReport(id, cell, m)
	if err != nil {
		r.finish()
		return err
	}
	data := map[string]any{"Name": mb.Name, "Month": FormatMonth(m)}
	if r.sess.Step == "pick" {
		p, _, err := r.tx.Pledge(mb.ID, m.Year())
		if err != nil {
			return err
		}
		r.set("member", id)
		r.set("want", strconv.FormatBool(!rep.Exemplary))
		r.step("confirm")
		data["Body"] = RenderMemberReport(mb, p, rep)
		k, yes := text.FeatureAskOn, text.FeatureYes
		if rep.Exemplary {
			k, yes = text.FeatureAskOff, text.FeatureNoMore
		}
		r.ask(k, data, yesNo(yes))
		return nil
	}
	rep.Exemplary = r.val("want") == "true"
	if err := r.tx.PutReport(rep); err != nil {
		return err
	}
	r.finish()
	if !rep.Exemplary {
		r.say(text.FeatureDoneOff, data)
		return nil
	}
	r.say(text.FeatureDoneOn, data)
	c, _, err := r.tx.Cell(cell)
	if err != nil {
		return err
	}
	data["Cell"] = c.Name
	r.tell(mb, text.FeatureYou, data)
	return nil
}

// submittedReport loads member id of cell and their submitted report for m;
// a refusal the secretary reads when there is none.
func (r *req) submittedReport(id, cell string, m Month) (Member, Report, error) {
	mb, err := r.memberInCell(id, cell)
	if err != nil {
		return Member{}, Report{}, err
	}
	rep, ok, err := r.tx.Report(mb.ID, m)
	if err != nil {
		return Member{}, Report{}, err
	}
	if !ok || rep.Submitted.IsZero() {
		return Member{}, Report{}, refuse(text.SumNoReport, map[string]any{"Name": mb.Name, "Month": FormatMonth(m)})
	}
	return mb, rep, nil
}
