package flows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// input is one answer to the flow in progress: typed text, the data of a
// chosen choice (pressed, or typed as its number), or a photo (with its
// caption as Text).
type input struct {
	Text  string
	Data  string
	Photo string
}

// active reports whether a conversation is in progress.
func (r *req) active() bool { return r.sess.Flow != "" }

// kept returns what of s outlives a conversation: the latest notice and
// the question number.
func (s Session) kept() Session {
	return Session{Notice: s.Notice, NoticeLabels: s.NoticeLabels, NoticeAt: s.NoticeAt, Question: s.Question}
}

// expired forgets a conversation idle for longer than the session TTL and
// tells the person so. It reports whether it did.
func (r *req) expired() bool {
	if !r.active() || r.now.Sub(r.sess.Updated) <= r.e.sessionTTL() {
		return false
	}
	r.finish()
	r.say(text.SessionExpired, nil)
	return true
}

// typed turns typed text into an input: a number or the words of one of
// the offered choices (see pickChoice) becomes that choice's data; a
// number that is none of them is marked badNumber.
func (r *req) typed(s string) input {
	s = strings.TrimSpace(s)
	i, number := pickChoice(s, r.sess.Labels, len(r.sess.Choices))
	switch {
	case i >= 0:
		return input{Data: r.sess.Choices[i]}
	case number && len(r.sess.Choices) > 0:
		return input{Text: s, Data: badNumber}
	}
	return input{Text: s}
}

// noticeChoice returns the data of the notice choice typed text answers,
// by its number or its words (see pickChoice): the choices of the latest
// notice shown in this chat, not older than noticeTTL and not followed by
// a question with choices, when no conversation is waiting for an answer
// (a question in progress keeps its numbers, so a reminder arriving
// meanwhile cannot take an answer meant for the question).
func (r *req) noticeChoice(s string) (string, bool) {
	notice := r.sess.Notice
	if len(notice) == 0 || r.now.Sub(r.sess.NoticeAt) > noticeTTL {
		return "", false
	}
	if r.active() && r.now.Sub(r.sess.Updated) <= r.e.sessionTTL() {
		return "", false
	}
	i, _ := pickChoice(s, r.sess.NoticeLabels, len(notice))
	if i < 0 {
		return "", false
	}
	return notice[i], true
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
// number (answering an old notice) gets a message. In a group the button
// may be another person's question, still waiting for them: its message
// keeps its buttons, and the note says so.
func (r *req) stale() error {
	if r.m.Kind != bot.KindCallback {
		return refuse(text.StaleChoice, nil)
	}
	if r.m.Group {
		r.toast = r.t(text.NotYourButton, nil)
		return nil
	}
	r.toast = r.t(text.OldButton, nil)
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
	r.answering = true
	if in.Data == badNumber {
		v := r.choicesView()
		v.Number = in.Text
		return refuse(text.ChooseNumber, v)
	}
	f, ok := flowOf(r.sess.Flow)
	if !ok {
		r.finish()
		return refuse(text.NotUnderstood, nil)
	}
	return f.answer(r, in)
}

// wantsPhoto reports whether the flow in progress takes a photo now; a
// photo with a caption (captioned) is also taken where the flow expects a
// text, the caption as the text.
func (r *req) wantsPhoto(captioned bool) bool {
	f, ok := flowOf(r.sess.Flow)
	if !ok {
		return false
	}
	return f.photo != "" && r.sess.Step == f.photo || captioned && slices.Contains(f.captions, r.sess.Step)
}

// flowName names a conversation; Session.Flow holds it.
type flowName string

// flow is one conversation of the registry (see flowTable).
type flow struct {
	name flowName
	// answer hands an answer to the flow in progress: built by
	// conversation.register, it decodes the flow's typed state first.
	answer func(r *req, in input) error
	photo  string // the step at which the flow takes a photo; "" for none
	// captions are the steps expecting a text at which a photo with a
	// caption answers as the caption typed, the photo kept (input.Photo).
	captions []string
}

// withCaptions returns f taking a photo with a caption at steps, as their
// text (see flow.captions).
func (f flow) withCaptions(steps ...string) flow {
	f.captions = steps
	return f
}

// conversation is a flow whose state is the struct S and whose steps are
// St: it begins the flow with a state of its type, and registers the
// flow's answer over that state.
type conversation[S any, St ~string] struct{ name flowName }

// begin starts the flow at step with state s, replacing any conversation.
func (c conversation[S, St]) begin(r *req, step St, s *S) {
	r.sess = r.sess.kept()
	r.sess.Flow, r.sess.Step = string(c.name), string(step)
	r.state = s
	r.dirty = true
}

// register returns the registry's entry of the flow: answer takes an
// answer over the flow's state, decoded by withState; photo is the step
// at which the flow takes a photo, if any.
func (c conversation[S, St]) register(answer func(r *req, s *S, in input) error, photo ...St) flow {
	f := flow{name: c.name, answer: withState(answer)}
	if len(photo) > 0 {
		f.photo = string(photo[0])
	}
	return f
}

// flowTable returns the conversations a session can be in.
func flowTable() []flow {
	return []flow{
		flowLink.register((*req).linkAnswer),
		flowJoin.register((*req).joinAnswer),
		flowSecretary.register((*req).appointAnswer),
		flowPickCell.register((*req).pickCellAnswer),
		flowPledge.register((*req).pledgeAnswer),
		flowApprove.register((*req).approveAnswer),
		flowReport.register((*req).reportAnswer, reportPhoto).withCaptions(string(reportWhat), string(reportOther)),
		flowSummary.register((*req).summaryAnswer),
		flowClose.register((*req).closeAnswer),
		flowExempt.register((*req).exemptAnswer),
		flowClaim.register((*req).claimAnswer),
		flowRoster.register((*req).rosterAnswer),
		flowRosterImport.register((*req).rosterImportAnswer),
		flowFeature.register((*req).featureAnswer),
		flowPause.register((*req).pauseAnswer),
		flowBehalf.register((*req).behalfAnswer),
		flowSchedule.register((*req).scheduleAnswer),
	}
}

// flowOf returns the registered flow called name.
func flowOf(name string) (flow, bool) {
	for _, f := range flowTable() {
		if string(f.name) == name {
			return f, true
		}
	}
	return flow{}, false
}

// withState adapts step, a flow's step over its typed state S, to the
// registry: the state is decoded from the session before step runs, and
// encoded back once when the message is handled (see encodeState). A
// state that cannot be decoded ends the conversation.
func withState[S any](step func(r *req, s *S, in input) error) func(*req, input) error {
	return func(r *req, in input) error {
		s := new(S)
		if len(r.sess.State) > 0 {
			if err := json.Unmarshal(r.sess.State, s); err != nil {
				r.e.log().Error("unreadable conversation state dropped", bot.LogKeyChat, r.m.Chat.String(), bot.LogKeyFlow, r.sess.Flow, bot.LogKeyErr, err)
				r.finish()
				return refuse(text.NotUnderstood, nil)
			}
		}
		r.state = s
		if err := r.takeBehalf(s); err != nil {
			return err
		}
		return step(r, s, in)
	}
}

// moveTo moves the current flow to step; the choices offered before no
// longer answer.
func moveTo[St ~string](r *req, step St) {
	r.sess.Step = string(step)
	r.sess.Choices, r.sess.Labels, r.sess.Open = nil, nil, false
	r.dirty = true
}

// encodeState stores the typed state of the flow in progress into the
// session, marking it changed when its encoding changed.
func (r *req) encodeState() error {
	if r.state == nil || r.sess.Flow == "" {
		return nil
	}
	r.keepBehalf()
	b, err := json.Marshal(r.state)
	if err != nil {
		return fmt.Errorf("encode %s state: %w", r.sess.Flow, err)
	}
	if !bytes.Equal(b, r.sess.State) {
		r.sess.State, r.dirty = b, true
	}
	return nil
}

// choiceData is the data of a choice several flows offer; the prefixed
// ones carry a value after the prefix.
type choiceData string

// Choices several flows offer.
const (
	cellPrefix   choiceData = "c:" // + a cell's code
	memberPrefix choiceData = "m:" // + a member's decimal id
	choiceYes    choiceData = "y"
	choiceNo     choiceData = "n"
)

// cutChoice returns the value data carries after prefix.
func cutChoice[D ~string](data string, prefix D) (string, bool) {
	return strings.CutPrefix(data, string(prefix))
}

// flowCell loads the cell a flow acts on; when it is gone the flow ends
// with a stale-choice refusal.
func (r *req) flowCell(code string) (Cell, error) {
	c, ok, err := r.tx.Cell(code)
	if err != nil {
		return Cell{}, err
	}
	if !ok {
		r.finish()
		return Cell{}, refuse(text.StaleChoice, nil)
	}
	return c, nil
}

// confirmed reads the answer to a question asked with yesNo: yes is true
// for "y". For "n" the flow ends with "Đã thôi" (ok is false, no error);
// anything else asks again.
func (r *req) confirmed(in input) (yes bool, err error) {
	switch choiceData(in.Data) {
	case choiceYes:
		return true, nil
	case choiceNo:
		r.finish()
		r.say(text.Cancelled, nil)
		return false, nil
	}
	return false, refuse(text.ChooseAbove, nil)
}
