package flows

import (
	"errors"
	"strconv"
	"strings"

	"lamtheo/flows/text"
)

// stepQuick is the report flow's step where the member checks a report
// typed in one message and sends it, edits it item by item, or drops it.
const stepQuick = "quick"

// parseQuick reads a report typed in one message (see ParseQuickReport),
// turning a failure into the member's refusal.
func parseQuick(args string) (QuickReport, error) {
	q, err := ParseQuickReport(args)
	var qe *QuickReportError
	if errors.As(err, &qe) {
		return q, refuse(qe.Key(), qe.Data())
	}
	return q, err
}

// quickBegin shows how the report typed in one message (raw, the text
// after /baocao) reads for month m, and asks whether to send it. Items the
// message does not mention keep what the member's report of m says, or are
// "not yet". Nothing is stored before the member confirms.
func (r *req) quickBegin(m Month, raw string) error {
	q, err := parseQuick(raw)
	if err != nil {
		return err
	}
	p, hasItems, err := r.reportItems(m)
	if err != nil {
		return err
	}
	if err := quickCheck(p, hasItems, q, m); err != nil {
		return err
	}
	old, ok, err := r.tx.Report(r.member.ID, m)
	if err != nil {
		return err
	}
	existing := ok && !old.Submitted.IsZero()

	r.start(flowReport, stepQuick)
	r.set("month", strconv.Itoa(int(m)))
	r.set("cell", r.member.Cell)
	if existing {
		r.loadDraft(old)
	}
	said := map[int]bool{}
	for _, it := range q.Items {
		said[it.No] = true
		n := strconv.Itoa(it.No)
		r.set("s"+n, strconv.Itoa(int(it.Status)))
		switch {
		case it.Status == NotYet: // as in the guided report: no text
			r.set("t"+n, "")
		case it.Text != "":
			r.set("t"+n, it.Text)
		} // a status without a text keeps the text already reported
	}
	unsaid := false
	for _, it := range p.Items {
		if n := strconv.Itoa(it.No); !said[it.No] {
			unsaid = true
			if r.val("s"+n) == "" {
				r.set("s"+n, strconv.Itoa(int(NotYet)))
				r.set("t"+n, "")
			}
		}
	}
	if q.OtherGiven {
		r.set("other", q.Other)
	}
	rep := r.draft(p, m)
	r.ask(text.QuickReview, map[string]any{
		"Body": RenderMemberReport(r.member, p, rep),
		"Kept": existing && (unsaid || (!q.OtherGiven && old.Other != "")), "Unsaid": !existing && unsaid,
	},
		row(choice(text.T(text.ReportSend, nil), "qk:send")),
		row(choice(text.T(text.QuickEdit, nil), "qk:edit"), choice(text.T(text.No, nil), "qk:cancel")))
	return nil
}

// quickCheck refuses a report typed in one message that names items the
// member's pledge p for m does not have, or that has nothing to store.
func quickCheck(p Pledge, hasItems bool, q QuickReport, m Month) error {
	if !hasItems {
		if len(q.Items) > 0 {
			return refuse(text.QuickNoPledge, map[string]any{"Year": m.Year(), "Segment": q.Items[0].Segment})
		}
		if q.Other == "" { // "khác: không" and nothing else
			return refuse(text.QuickEmpty, map[string]any{"Example": text.T(text.QuickExample, nil)})
		}
		return nil
	}
	in := map[int]bool{}
	nos := make([]string, 0, len(p.Items))
	for _, it := range p.Items {
		in[it.No] = true
		nos = append(nos, strconv.Itoa(it.No))
	}
	for _, it := range q.Items {
		if !in[it.No] {
			return refuse(text.QuickNotInPledge, map[string]any{"Year": m.Year(), "No": it.No, "Segment": it.Segment, "Nos": strings.Join(nos, ", ")})
		}
	}
	return nil
}

// quickStep answers the check of a report typed in one message.
func (r *req) quickStep(p Pledge, m Month, in input) error {
	switch in.Data {
	case "qk:send":
		return r.reportSubmit(p, m)
	case "qk:edit":
		if len(p.Items) == 0 {
			return r.askOther()
		}
		return r.askStatus(p, 0)
	case "qk:cancel":
		r.finish()
		r.say(text.ReportNotSent, monthData(m))
		return nil
	}
	return refuse(text.ChooseAbove, nil)
}
