package flows

import (
	"maps"
	"strconv"
	"strings"

	"lamtheo/flows/text"
)

// reportDraft is the state of the monthly report flow: what the member
// answered so far, kept in the session until the report is sent.
type reportDraft struct {
	onBehalf // the member it is recorded for, if any
	Month    Month
	Cell     string // the member's cell when the report began
	Item     int    // index in the pledge of the item being asked
	// Status and Texts hold the answers by item number; an item without
	// a status has not been answered.
	Status map[int]ItemStatus
	Texts  map[int]string
	// Other is the other deeds; Photo the photo's file id. At the month
	// step they hold a photo and its caption the report was opened with.
	Other string
	Photo string
	// Quick is a report typed in one message, shown for checking once the
	// month is chosen.
	Quick string
}

// reportStep is a step of the report flow.
type reportStep string

// The report flow's steps.
const (
	reportStart    reportStep = ""
	reportMonth    reportStep = "month"    // which open month
	reportExisting reportStep = "existing" // edit or keep the report sent before
	reportStatus   reportStep = "status"   // the status of item Item
	reportWhat     reportStep = "what"     // what was done for item Item
	reportOther    reportStep = "other"    // other deeds
	reportPhoto    reportStep = "photo"    // a photo, where the platform has photos
	reportQuick    reportStep = "quick"    // check a report typed in one message
	reportReview   reportStep = "review"   // send, redo or drop
)

// reportChoice is the data of a choice the report flow offers.
type reportChoice string

// The report flow's choices; the prefixed ones carry a value after the
// prefix.
const (
	reportMonthPrefix  reportChoice = "mo:" // + the month's number
	reportEdit         reportChoice = "ex:edit"
	reportKeep         reportChoice = "ex:keep"
	reportStatusPrefix reportChoice = "st:" // + the ItemStatus's number
	reportKeepStatus   reportChoice = "st:="
	reportSkipWhat     reportChoice = "w:skip"
	reportKeepWhat     reportChoice = "w:keep"
	reportNoOther      reportChoice = "o:none"
	reportKeepOther    reportChoice = "o:keep"
	reportNoPhoto      reportChoice = "ph:skip"
	reportKeepPhoto    reportChoice = "ph:keep"
	reportSend         reportChoice = "rv:send"
	reportRedo         reportChoice = "rv:redo"
	reportCancel       reportChoice = "rv:cancel"
	quickSend          reportChoice = "qk:send"
	quickEdit          reportChoice = "qk:edit"
	quickCancel        reportChoice = "qk:cancel"
)

// monthChoice is the data of the choice of month m.
func monthChoice(m Month) reportChoice {
	return reportMonthPrefix + reportChoice(strconv.Itoa(int(m)))
}

// statusChoice is the data of the choice of status s.
func statusChoice(s ItemStatus) reportChoice {
	return reportStatusPrefix + reportChoice(strconv.Itoa(int(s)))
}

// cutNumber reads the number data carries after prefix.
func cutNumber[D ~string](data string, prefix D) (int, bool) {
	s, ok := strings.CutPrefix(data, string(prefix))
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// answer records item no's status and what was done.
func (d *reportDraft) answer(no int, s ItemStatus, what string) {
	if d.Status == nil {
		d.Status = map[int]ItemStatus{}
	}
	d.Status[no] = s
	d.setText(no, what)
}

// setText records what was done for item no.
func (d *reportDraft) setText(no int, what string) {
	if d.Texts == nil {
		d.Texts = map[int]string{}
	}
	d.Texts[no] = what
}

// takePhoto keeps the photo in carries, if any, as the report's photo.
func (d *reportDraft) takePhoto(in input) {
	if in.Photo != "" {
		d.Photo = in.Photo
	}
}

// answered reports whether item no has a status.
func (d *reportDraft) answered(no int) bool {
	_, ok := d.Status[no]
	return ok
}

// load copies a stored report into d, to edit it.
func (d *reportDraft) load(rep Report) {
	for _, e := range rep.Entries {
		if e.Item != 0 {
			d.answer(e.Item, e.Status, e.Text)
		}
	}
	d.Other, d.Photo = rep.Other, rep.Photo
}

// applyQuick takes the items and other deeds of a report typed in one
// message into d. An item the message gives a status without a text keeps
// the text d has; one it does not mention keeps what d has, or is "not
// yet". unsaid is whether the message left out any item of p.
func (d *reportDraft) applyQuick(p Pledge, q QuickReport) (unsaid bool) {
	said := map[int]bool{}
	for _, it := range q.Items {
		said[it.No] = true
		what := d.Texts[it.No]
		switch {
		case it.Status == NotYet: // as in the guided report: no text
			what = ""
		case it.Text != "":
			what = it.Text
		}
		d.answer(it.No, it.Status, what)
	}
	for _, it := range p.Items {
		if !said[it.No] {
			unsaid = true
			if !d.answered(it.No) {
				d.answer(it.No, NotYet, "")
			}
		}
	}
	if q.OtherGiven {
		d.Other = q.Other
	}
	return unsaid
}

// report builds member's report for pledge p from d.
func (d *reportDraft) report(member MemberID, p Pledge) Report {
	rep := Report{Member: member, Month: d.Month, Other: d.Other, Photo: d.Photo}
	for _, it := range p.Items {
		if s, ok := d.Status[it.No]; ok {
			rep.Entries = append(rep.Entries, Entry{Item: it.No, Status: s, Text: d.Texts[it.No]})
		}
	}
	return rep
}

// reportOutcome is where an answer to the report flow leads.
type reportOutcome uint8

const (
	reportAsk     reportOutcome = iota // ask the question of the next step
	reportSubmit                       // store the report (see req.reportSubmit)
	reportDropped                      // the member dropped the report: nothing is stored
	reportKept                         // the member keeps the report sent before
	reportLost                         // the step is unknown: the conversation ends
)

// nextReport is the report flow's answer at every step after the month's
// as a pure function: given the draft at step, the member's pledge p and
// whether the platform takes photos, it returns the draft with the answer
// taken, the step to ask next and where the answer leads. A refusal
// leaves the draft as it was.
func nextReport(d reportDraft, step reportStep, p Pledge, photos bool, in input) (reportDraft, reportStep, reportOutcome, error) {
	d.Status, d.Texts = maps.Clone(d.Status), maps.Clone(d.Texts)
	redo := func() (reportDraft, reportStep, reportOutcome, error) {
		if len(p.Items) == 0 {
			return d, reportOther, reportAsk, nil
		}
		d.Item = 0
		return d, reportStatus, reportAsk, nil
	}
	next := func() (reportDraft, reportStep, reportOutcome, error) {
		if d.Item+1 < len(p.Items) {
			d.Item++
			return d, reportStatus, reportAsk, nil
		}
		return d, reportOther, reportAsk, nil
	}
	refused := func(k text.Key) (reportDraft, reportStep, reportOutcome, error) {
		return d, step, reportAsk, refuse(k, nil)
	}
	data := reportChoice(in.Data)
	switch step {
	case reportExisting:
		switch data {
		case reportEdit:
			return redo()
		case reportKeep:
			return d, step, reportKept, nil
		}
		return refused(text.ChooseAbove)
	case reportStatus:
		if d.Item >= len(p.Items) {
			return refused(text.ChooseAbove)
		}
		no := p.Items[d.Item].No
		n, ok := cutNumber(in.Data, reportStatusPrefix)
		if s, answered := d.Status[no]; data == reportKeepStatus && answered {
			n, ok = int(s), true
		}
		if !ok {
			return refused(text.ChooseAbove)
		}
		if s := ItemStatus(n); s == NotYet {
			d.answer(no, s, "")
			return next()
		}
		d.answer(no, ItemStatus(n), d.Texts[no])
		return d, reportWhat, reportAsk, nil
	case reportWhat:
		if d.Item >= len(p.Items) {
			return d, reportOther, reportAsk, nil
		}
		no := p.Items[d.Item].No
		switch data {
		case reportSkipWhat:
			d.setText(no, "")
		case reportKeepWhat:
		case "": // typed instead of a choice, or a photo's caption
			t, err := cleanInput(in.Text, MaxItemText)
			if err != nil {
				return d, step, reportAsk, err
			}
			d.setText(no, t)
			d.takePhoto(in)
		default:
			return refused(text.ChooseAbove)
		}
		return next()
	case reportOther:
		switch data {
		case reportNoOther:
			d.Other = ""
		case reportKeepOther:
		case "": // typed instead of a choice, or a photo's caption
			t, err := cleanInput(in.Text, MaxItemText)
			if err != nil {
				return d, step, reportAsk, err
			}
			d.Other = t
			d.takePhoto(in)
		default:
			return refused(text.ChooseAbove)
		}
		if photos && in.Photo == "" { // a photo given with the deed is not asked for again
			return d, reportPhoto, reportAsk, nil
		}
		return d, reportReview, reportAsk, nil
	case reportPhoto:
		switch {
		case in.Photo != "":
			if in.Text != "" { // the caption: what the photo shows, a deed
				t, err := cleanInput(in.Text, MaxItemText)
				if err != nil {
					return d, step, reportAsk, err
				}
				d.Other = addCaption(d.Other, t)
			}
			d.takePhoto(in)
		case data == reportNoPhoto:
			d.Photo = ""
		case data == reportKeepPhoto:
		default:
			return refused(text.ReportAskPhotoAgain)
		}
		return d, reportReview, reportAsk, nil
	case reportQuick:
		switch data {
		case quickSend:
			return d, step, reportSubmit, nil
		case quickEdit:
			return redo()
		case quickCancel:
			return d, step, reportDropped, nil
		}
		return refused(text.ChooseAbove)
	case reportReview:
		switch data {
		case reportSend:
			return d, step, reportSubmit, nil
		case reportRedo:
			return redo()
		case reportCancel:
			return d, step, reportDropped, nil
		}
		return refused(text.ChooseAbove)
	}
	return d, step, reportLost, refuse(text.NotUnderstood, nil)
}
