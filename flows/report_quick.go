package flows

import (
	"errors"
	"strconv"
	"strings"

	"lamtheo/flows/text"
)

// parseQuick reads a report typed in one message (see ParseQuickReport),
// turning a failure into the member's refusal. A photo's caption not
// written as such a report (r.caption, see photoMessage) is read as the
// month's other deed.
func (r *req) parseQuick(args string) (QuickReport, error) {
	if r.caption != "" {
		return QuickReport{Other: r.caption, OtherGiven: true}, nil
	}
	q, err := ParseQuickReport(args)
	var qe *QuickReportError
	if errors.As(err, &qe) {
		return q, refuse(qe.Key(), qe.Data(r.e.text()))
	}
	return q, err
}

// quickBegin shows how the report typed in one message (raw, the text
// after /baocao) reads for month m, and asks whether to send it. Items the
// message does not mention keep what the member's report of m says, or are
// "not yet". Nothing is stored before the member confirms.
func (r *req) quickBegin(m Month, raw string) error {
	q, err := r.parseQuick(raw)
	if err != nil {
		return err
	}
	p, hasItems, err := r.reportItems(m)
	if err != nil {
		return err
	}
	if err := r.quickCheck(p, hasItems, q, m); err != nil {
		return err
	}
	old, ok, err := r.tx.Report(r.member.ID, m)
	if err != nil {
		return err
	}
	existing := ok && !old.Submitted.IsZero()

	d := &reportDraft{Month: m, Cell: r.member.Cell}
	if existing {
		d.load(old)
	}
	r.attach(d)
	unsaid := d.applyQuick(p, q)
	flowReport.begin(r, reportQuick, d)
	r.ask(text.QuickReview, quickReviewView{
		Body: RenderMemberReport(r.e.text(), r.member, p, d.report(r.member.ID, p)),
		Kept: existing && (unsaid || (!q.OtherGiven && old.Other != "")), Unsaid: !existing && unsaid,
	},
		row(choice(r.t(text.ReportSend, nil), quickSend)),
		row(choice(r.t(text.QuickEdit, nil), quickEdit), choice(r.t(text.No, nil), quickCancel)))
	return nil
}

// quickCheck refuses a report typed in one message that names items the
// member's pledge p for m does not have, or that has nothing to store.
func (r *req) quickCheck(p Pledge, hasItems bool, q QuickReport, m Month) error {
	if !hasItems {
		if len(q.Items) > 0 {
			return refuse(text.QuickNoPledge, quickView{Year: m.Year(), Segment: q.Items[0].Segment})
		}
		if q.Other == "" { // "khác: không" and nothing else
			return refuse(text.QuickEmpty, quickView{Example: r.t(text.QuickExample, nil)})
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
			return refuse(text.QuickNotInPledge, quickView{Year: m.Year(), No: it.No, Segment: it.Segment, Nos: strings.Join(nos, ", ")})
		}
	}
	return nil
}

// quickReviewView feeds the review of a report typed in one message: the
// report, and whether items of the stored one were kept, or left unsaid.
type quickReviewView struct {
	Body         string
	Kept, Unsaid bool
}
