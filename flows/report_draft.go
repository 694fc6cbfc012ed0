package flows

import (
	"strconv"
	"strings"
)

// reportDraft is the state of the monthly report flow: what the member
// answered so far, kept in the session until the report is sent.
type reportDraft struct {
	Month Month
	Cell  string // the member's cell when the report began
	Item  int    // index in the pledge of the item being asked
	// Status and Texts hold the answers by item number; an item without
	// a status has not been answered.
	Status map[int]ItemStatus
	Texts  map[int]string
	Other  string // other deeds
	Photo  string // the photo's file id
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
