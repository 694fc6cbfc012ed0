package flows

import (
	"strconv"
	"strings"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// input is one answer to the flow in progress: typed text, the data of a
// chosen choice (pressed, or typed as its number), or a photo.
type input struct {
	Text  string
	Data  string
	Photo string
}

// active reports whether a conversation is in progress.
func (r *req) active() bool { return r.sess.Flow != "" }

// expired forgets a conversation idle for longer than the session TTL and
// tells the person so. It reports whether it did.
func (r *req) expired() bool {
	if !r.active() || r.now.Sub(r.sess.Updated) <= r.e.Cfg.SessionTTL {
		return false
	}
	r.finish()
	r.say(text.SessionExpired, nil)
	return true
}

// typed turns typed text into an input: a number answering offered choices
// becomes that choice's data.
func (r *req) typed(s string) input {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(strings.TrimSuffix(s, ".")); err == nil && len(r.sess.Choices) > 0 {
		if n >= 1 && n <= len(r.sess.Choices) {
			return input{Data: r.sess.Choices[n-1]}
		}
		return input{Text: s, Data: badNumber}
	}
	return input{Text: s}
}

// noticeChoice returns the data of the notice choice a typed number
// answers: the latest notice shown in this chat, not older than noticeTTL,
// when no conversation is waiting for an answer (a question in progress
// keeps its numbers, so a reminder arriving meanwhile cannot take an
// answer meant for the question).
func (r *req) noticeChoice(s string) (string, bool) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(s), "."))
	notice := r.sess.Notice
	if err != nil || n < 1 || n > len(notice) || r.now.Sub(r.sess.NoticeAt) > noticeTTL {
		return "", false
	}
	if r.active() && r.now.Sub(r.sess.Updated) <= r.e.Cfg.SessionTTL {
		return "", false
	}
	return notice[n-1], true
}

// badNumber marks a typed number that matches no offered choice.
const badNumber = "\x00bad"

// callback handles a pressed button. A button of a question answers it
// only while it is the current question (the latest asked in this chat,
// see Session.Question) and offers that choice; a press on an older one
// changes nothing and gets a short note on the button (stale). Once its
// question is answered and another asked, or the conversation ended, the
// buttons of the message pressed are removed where the platform can.
func (r *req) callback(data string) error {
	if action, ok := strings.CutPrefix(data, goPrefix); ok {
		return r.goAction(action)
	}
	if r.expired() {
		r.strip()
		return nil
	}
	q, plain := unstampChoice(data)
	if !r.active() || q != r.sess.Question || !r.offered(plain) {
		return r.stale()
	}
	err := r.answer(input{Data: plain})
	if !r.active() || r.sess.Question != q {
		r.strip()
	}
	return err
}

// stale answers a button that no longer answers anything: a press gets a
// short note on the button and its message loses its buttons; a typed
// number (answering an old notice) gets a message.
func (r *req) stale() error {
	if r.m.Kind != bot.KindCallback {
		return refuse(text.StaleChoice, nil)
	}
	r.toast = text.T(text.OldButton, nil)
	r.strip()
	return nil
}

// strip removes the buttons of the message whose button was pressed,
// where the platform shows buttons; the removal goes out before the
// replies to the press.
func (r *req) strip() {
	if r.m.Kind != bot.KindCallback || r.m.Ref == "" || !r.e.caps(r.m.Chat.Platform).Buttons {
		return
	}
	r.out = append([]bot.Reply{{Chat: r.m.Chat, Strip: r.m.Ref}}, r.out...)
}

// offered reports whether data is among the choices the flow last offered.
func (r *req) offered(data string) bool {
	for _, c := range r.sess.Choices {
		if c == data {
			return true
		}
	}
	return false
}

// goPrefix marks a stateless button: it works without a conversation, e.g.
// the "report now" button of a reminder.
const goPrefix = "go:"

// goAction runs a stateless button's action.
func (r *req) goAction(action string) error {
	name, args, _ := strings.Cut(action, ":")
	c, ok := lookup(name)
	if !ok {
		return r.stale()
	}
	if err := r.permit(c); err != nil {
		return err
	}
	r.cmd, r.args = c.name, args
	return c.run(r, args)
}

// answer hands in to the flow in progress.
func (r *req) answer(in input) error {
	if in.Data == badNumber {
		return refuse(text.ChooseNumber, map[string]int{"N": len(r.sess.Choices)})
	}
	h := flowHandler(r.sess.Flow)
	if h == nil {
		r.finish()
		return refuse(text.NotUnderstood, nil)
	}
	return h(r, in)
}

// wantsPhoto reports whether the flow in progress takes a photo now.
func (r *req) wantsPhoto() bool { return r.sess.Flow == flowReport && r.sess.Step == stepPhoto }

// flowHandler returns the handler of the named flow, nil if there is none.
func flowHandler(flow string) func(r *req, in input) error {
	switch flow {
	case flowLink:
		return (*req).linkStep
	case flowJoin:
		return (*req).joinStep
	case flowSecretary:
		return (*req).secretaryStep
	case flowPickCell:
		return (*req).pickCellStep
	case flowPledge:
		return (*req).pledgeStep
	case flowApprove:
		return (*req).approveStep
	case flowReport:
		return (*req).reportStep
	case flowSummary:
		return (*req).summaryStep
	case flowClose:
		return (*req).closeStep
	case flowExempt:
		return (*req).exemptStep
	case flowFeature:
		return (*req).featureStep
	case flowPause:
		return (*req).pauseStep
	case flowSchedule:
		return (*req).scheduleStep
	}
	return nil
}

// confirmed reads the answer to a question asked with yesNo: yes is true
// for "y". For "n" the flow ends with "Đã thôi" (ok is false, no error);
// anything else asks again.
func (r *req) confirmed(in input) (yes bool, err error) {
	switch in.Data {
	case "y":
		return true, nil
	case "n":
		r.finish()
		r.say(text.Cancelled, nil)
		return false, nil
	}
	return false, refuse(text.ChooseAbove, nil)
}
