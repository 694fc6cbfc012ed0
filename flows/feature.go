package flows

import (
	"slices"

	"lamtheo/flows/text"
)

// featuring is the state of the feature flow.
type featuring struct {
	Cell      string
	Month     Month
	Member    MemberID
	Exemplary bool // feature the report; false: take the feature back
}

// featureStep is a step of the feature flow.
type featureStep string

// The feature flow's steps; its choices are memberPrefix, choiceYes and
// choiceNo.
const (
	featurePick    featureStep = "pick"    // whose report
	featureConfirm featureStep = "confirm" // sure?
)

// cmdFeature lets the secretary feature a submitted report of the month
// (nêu gương) or take the feature back: /neuguong [month].
func (r *req) cmdFeature(args string) error {
	cell, m, asked, err := r.cellMonth(args)
	if err != nil || asked {
		return err
	}
	cm, err := loadCellMonth(r.tx, cell, m, r.e.loc(), r.e.Cfg.GraceDays, nil)
	if err != nil {
		return err
	}
	subs := cm.submitted()
	others := slices.DeleteFunc(slices.Clone(subs), r.self)
	if len(others) == 0 {
		if len(subs) > 0 {
			return refuse(text.FeatureSelf, featureSelfView{Month: FormatMonth(r.e.text(), m), Only: true})
		}
		return refuse(text.FeatureNone, r.monthData(m))
	}
	subs = others
	flowFeature.begin(r, featurePick, &featuring{Cell: cell, Month: m})
	r.ask(text.FeaturePick, r.monthData(m), memberRows(subs, r.reportLabel(cm))...)
	return nil
}

// featureAnswer takes an answer to the feature flow.
func (r *req) featureAnswer(f *featuring, in input) error {
	cell, m := f.Cell, f.Month
	if err := r.mayRunCell(cell); err != nil {
		return err
	}
	step := featureStep(r.sess.Step)
	var id string
	switch step {
	case featurePick:
		var ok bool
		if id, ok = cutChoice(in.Data, memberPrefix); !ok {
			return refuse(text.ChooseAbove, nil)
		}
	case featureConfirm:
		if yes, err := r.confirmed(in); !yes {
			return err
		}
		id = idString(f.Member)
	default:
		r.finish()
		return refuse(text.NotUnderstood, nil)
	}
	mb, rep, err := r.submittedReport(id, cell, m)
	if err != nil {
		r.finish()
		return err
	}
	if r.self(mb) {
		r.finish()
		return refuse(text.FeatureSelf, featureSelfView{Month: FormatMonth(r.e.text(), m)})
	}
	data := featureView{Name: mb.Name, Month: FormatMonth(r.e.text(), m)}
	if step == featurePick {
		p, _, err := r.tx.Pledge(mb.ID, m.Year())
		if err != nil {
			return err
		}
		f.Member, f.Exemplary = mb.ID, !rep.Exemplary
		moveTo(r, featureConfirm)
		data.Body = RenderMemberReport(r.e.text(), mb, p, rep)
		k, confirm := text.FeatureAskOn, r.easyYesNo(text.FeatureYes)
		if rep.Exemplary {
			k, confirm = text.FeatureAskOff, r.yesNo(text.FeatureNoMore)
		}
		r.ask(k, data, confirm)
		return nil
	}
	rep.Exemplary = f.Exemplary
	r.finish()
	if !rep.Exemplary {
		r.say(text.FeatureDoneOff, data)
		return r.tx.PutReport(rep)
	}
	c, _, err := r.tx.Cell(cell)
	if err != nil {
		return err
	}
	r.say(text.FeatureDoneOn, data)
	data.Cell = c.Name
	r.tell(mb, text.FeatureYou, data)
	return r.tx.PutReport(rep)
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
		return Member{}, Report{}, refuse(text.SumNoReport, memberMonthView{Name: mb.Name, Month: FormatMonth(r.e.text(), m)})
	}
	return mb, rep, nil
}

// self reports whether mb is the sender: a secretary never features her
// own report (biểu dương is the cell's decision, at its meeting).
func (r *req) self(mb Member) bool { return r.isMember && mb.ID == r.member.ID }

// featureSelfView feeds the refusal to feature one's own report; Only:
// it is the month's only report.
type featureSelfView struct {
	Month string
	Only  bool
}

// featureView feeds the texts of featuring a member's report of a month
// as exemplary: the report (Body) and, for the member's note, their cell.
type featureView struct{ Name, Cell, Month, Body string }
