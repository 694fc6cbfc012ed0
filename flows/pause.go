package flows

import (
	"errors"
	"slices"
	"time"

	"lamtheo/flows/text"
)

// flowPause is the reminder pause (tạm hoãn nhắc): /tamhoan (see pausing).
var flowPause = conversation[pausing, pauseStep]{name: "pause"}

// pausing is the state of the pause flow.
type pausing struct {
	// Last is the pause's last day, as time.DateOnly in the
	// organisation's zone, once chosen.
	Last string
}

// pauseStep is a step of the pause flow.
type pauseStep string

// The pause flow's steps.
const (
	pauseStart   pauseStep = ""
	pauseCurrent pauseStep = "current" // a pause runs: take it back, change it or keep it
	pauseLength  pauseStep = "length"  // until when
	pauseReason  pauseStep = "reason"  // why
)

// pauseChoice is the data of a choice the pause flow offers.
type pauseChoice string

// The pause flow's choices; the prefixed one carries a length
// (PauseLastDay) after the prefix.
const (
	pauseResume       pauseChoice = "p:resume"
	pauseAgain        pauseChoice = "p:again"
	pauseKeep         pauseChoice = "p:keep"
	pauseLengthPrefix pauseChoice = "d:"
	pauseSick         pauseChoice = "r:sick"
	pauseAway         pauseChoice = "r:away"
	pauseOther        pauseChoice = "r:other"
)

// maxPauseReason bounds the reason a member types for a pause.
const maxPauseReason = 200

// dayStart returns the first instant of t's day in loc.
func dayStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// addMonthsClamp adds n months to day d, keeping the day of the month but
// clamping it to the target month's last day (31/1 + 1 month is 28/2 or
// 29/2, not 3/3).
func addMonthsClamp(d time.Time, n int) time.Time {
	first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, d.Location()).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d.Day(), last)-1)
}

// PauseLastDay returns the last day of a pause of the given length chosen
// on the day of now (in loc): "w1" and "w2" are one and two weeks, "m1" and
// "m3" one and three months. ok is false for an unknown length.
func PauseLastDay(length string, now time.Time, loc *time.Location) (time.Time, bool) {
	today := dayStart(now, loc)
	switch length {
	case "w1":
		return today.AddDate(0, 0, 7), true
	case "w2":
		return today.AddDate(0, 0, 14), true
	case "m1":
		return addMonthsClamp(today, 1), true
	case "m3":
		return addMonthsClamp(today, 3), true
	}
	return time.Time{}, false
}

// ParsePauseDate reads the last day of a pause as ParseDay does ("30/12"
// is the next 30 December, "30/12/2026" that day) and checks it: not
// before the day of now, and at most one year after it (days in loc). It
// returns the day's first instant in loc, or an *Error saying why not.
func ParsePauseDate(s string, now time.Time, loc *time.Location) (time.Time, error) {
	today := dayStart(now, loc)
	d, err := ParseDay(s, now, loc)
	if pe, ok := errors.AsType[*DateParseError](err); ok {
		v := pauseExample(today)
		v.Input, v.Day, v.Month, v.LeapYear = pe.Input, pe.Day, pe.Month, pe.Year
		if pe.Reason == DateParseNotDate {
			return time.Time{}, refuse(text.PauseBadDate, v)
		}
		return time.Time{}, refuse(text.PauseNoSuchDay, v)
	}
	if err != nil {
		return time.Time{}, err
	}
	if d.Before(today) {
		return time.Time{}, refuse(text.PausePast, pauseDateView{Date: d.Format("02/01/2006")})
	}
	if max := today.AddDate(1, 0, 0); d.After(max) {
		return time.Time{}, refuse(text.PauseTooFar, pauseDateView{Max: max.Format("02/01/2006")})
	}
	return d, nil
}

// pauseExample is the example of a pause's last day the texts give, two
// weeks after today, with and without its year.
func pauseExample(today time.Time) pauseDateView {
	d := today.AddDate(0, 0, 14)
	return pauseDateView{Short: d.Format("02/01"), Example: d.Format("02/01/2006")}
}

// cmdPause lets a member pause their reminders until a day, with a reason,
// or take a pause back: /tamhoan, or /tamhoan 30/12 to give the last day
// at once.
func (r *req) cmdPause(args string) error {
	if r.member.Status == Exempt {
		return refuse(text.PauseExempt, nil)
	}
	if args != "" {
		flowPause.begin(r, pauseStart, &pausing{})
		last, err := ParsePauseDate(args, r.now, r.e.loc())
		if err != nil {
			// The question first, so that the refusal's «chọn một mục ở
			// trên» points at its choices.
			if err := r.pauseAskLength(); err != nil {
				return err
			}
			return err
		}
		return r.pauseAskReason(r.state.(*pausing), last)
	}
	if r.member.Paused(r.now) {
		flowPause.begin(r, pauseCurrent, &pausing{})
		r.ask(text.PauseCurrent, pauseView{
			Until:  pausedThrough(r.member, r.e.loc()).Format("02/01/2006"),
			Reason: r.member.PauseReason,
		},
			row(choice(r.t(text.PauseResume, nil), pauseResume)),
			row(choice(r.t(text.PauseAgain, nil), pauseAgain)),
			row(choice(r.t(text.PauseKeep, nil), pauseKeep)))
		return nil
	}
	flowPause.begin(r, pauseStart, &pausing{})
	return r.pauseAskLength()
}

func (r *req) pauseAskLength() error {
	moveTo(r, pauseLength)
	length := func(l string) pauseChoice { return pauseLengthPrefix + pauseChoice(l) }
	r.askOpen(text.PauseAsk, pauseExample(dayStart(r.now, r.e.loc())),
		row(choice(r.t(text.PauseWeek1, nil), length("w1")), choice(r.t(text.PauseWeek2, nil), length("w2"))),
		row(choice(r.t(text.PauseMonth1, nil), length("m1")), choice(r.t(text.PauseMonth3, nil), length("m3"))))
	return nil
}

// pauseAnswer answers the steps of /tamhoan.
func (r *req) pauseAnswer(ps *pausing, in input) error {
	if !r.isMember || r.member.Cell == "" {
		r.finish()
		return refuse(text.NeedMember, nil)
	}
	loc := r.e.loc()
	switch pauseStep(r.sess.Step) {
	case pauseCurrent:
		switch pauseChoice(in.Data) {
		case pauseResume:
			return r.pauseResume()
		case pauseAgain:
			return r.pauseAskLength()
		case pauseKeep:
			r.finish()
			r.say(text.PauseKept, pauseView{Until: pausedThrough(r.member, loc).Format("02/01/2006")})
			return nil
		}
		return refuse(text.ChooseAbove, nil)
	case pauseLength:
		var last time.Time
		if length, ok := cutChoice(in.Data, pauseLengthPrefix); ok {
			if last, ok = PauseLastDay(length, r.now, loc); !ok {
				return refuse(text.ChooseAbove, nil)
			}
		} else if in.Data != "" {
			return refuse(text.ChooseAbove, nil)
		} else {
			d, err := ParsePauseDate(in.Text, r.now, loc)
			if err != nil {
				return err // a refusal
			}
			last = d
		}
		return r.pauseAskReason(ps, last)
	case pauseReason:
		var reason string
		switch pauseChoice(in.Data) {
		case pauseSick:
			reason = r.t(text.PauseReasonSick, nil)
		case pauseAway:
			reason = r.t(text.PauseReasonAway, nil)
		case pauseOther:
			reason = r.t(text.PauseReasonOther, nil)
		case "":
			t, err := cleanInput(in.Text, maxPauseReason)
			if err != nil {
				return err
			}
			reason = t
		default:
			return refuse(text.ChooseAbove, nil)
		}
		last, err := time.ParseInLocation(time.DateOnly, ps.Last, loc)
		if err != nil {
			r.finish()
			return refuse(text.NotUnderstood, nil)
		}
		return r.pauseSave(last, reason)
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

// pauseAskReason takes last as the pause's last day and asks why.
func (r *req) pauseAskReason(ps *pausing, last time.Time) error {
	ps.Last = last.Format(time.DateOnly)
	moveTo(r, pauseReason)
	r.askOpen(text.PauseAskReason, pauseView{Until: last.Format("02/01/2006")},
		row(choice(r.t(text.PauseReasonSick, nil), pauseSick)),
		row(choice(r.t(text.PauseReasonAway, nil), pauseAway)),
		row(choice(r.t(text.PauseReasonOther, nil), pauseOther)))
	return nil
}

// pauseSave pauses the member's reminders through the day last and tells
// the cell's secretaries.
func (r *req) pauseSave(last time.Time, reason string) error {
	mb := r.member
	mb.PausedUntil = last.AddDate(0, 0, 1) // the start of the day after, in loc
	mb.PauseReason = reason
	mb.Pauses = slices.Clone(mb.Pauses)
	mb.StartPause(r.now, mb.PausedUntil)
	r.member = mb
	r.finish()
	data := pauseView{Until: last.Format("02/01/2006"), Reason: reason, Name: mb.Name}
	told, err := r.pauseTellSecretaries(text.PauseSecretary, &data)
	if err != nil {
		return err
	}
	data.Told = told
	r.say(text.PauseDone, data)
	return r.tx.PutMember(&mb)
}

// pauseResume takes the member's pause back.
func (r *req) pauseResume() error {
	mb := r.member
	mb.PausedUntil, mb.PauseReason = time.Time{}, ""
	mb.Pauses = slices.Clone(mb.Pauses)
	mb.EndPause(r.now)
	r.member = mb
	r.finish()
	r.say(text.PauseResumed, nil)
	if _, err := r.pauseTellSecretaries(text.PauseResumedSecretary, &pauseView{Name: mb.Name}); err != nil {
		return err
	}
	return r.tx.PutMember(&mb)
}

// pauseTellSecretaries tells the secretaries of the member's cell, other
// than the member, privately, and reports whether any was.
func (r *req) pauseTellSecretaries(k text.Key, data *pauseView) (bool, error) {
	c, _, err := r.tx.Cell(r.member.Cell)
	if err != nil {
		return false, err
	}
	data.Cell = c.Name
	secs, err := r.secretaries(r.member.Cell)
	if err != nil {
		return false, err
	}
	told := false
	for _, s := range secs {
		if s.ID == r.member.ID {
			continue
		}
		reps, err := privateReplies(r.tx, s.PrivateChats(), r.t(k, data), nil)
		if err != nil {
			return false, err
		}
		r.out = append(r.out, reps...)
		told = told || len(reps) > 0
	}
	return told, nil
}

// pauseView feeds the texts of a pause: whose, until which day (included)
// and why, and whether the secretaries were told.
type pauseView struct {
	Name, Cell    string
	Until, Reason string
	Told          bool
}

// pauseDateView feeds the question for a pause's last day and the
// refusals of a typed one: the input, an example (Short without its
// year), the past day or the furthest day allowed, and for a day that
// does not exist its Day and Month as read, or the LeapYear without a
// 29/02.
type pauseDateView struct {
	Input, Short, Example, Date, Max string
	Day, Month, LeapYear             int
}
