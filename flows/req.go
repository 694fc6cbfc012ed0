package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// req is one message being handled inside its transaction.
type req struct {
	e   *Engine
	tx  Tx
	m   bot.Message
	now time.Time

	sess    Session
	hasSess bool
	dirty   bool // sess changed and must be stored
	// state is the flow in progress's typed state (a pointer to its
	// struct), decoded from sess.State when the flow gets an answer, set
	// when a flow begins; saveSession encodes it back, once.
	state any

	member   Member
	isMember bool
	// actor is the sender when they record for member, a person of their
	// cell without a phone (/baocaothay, /dangkythay: see takeBehalf);
	// nil when the sender acts for themselves.
	actor *Member
	// pending is the member whose Pending identities hold the sender's:
	// until a secretary confirms the move the sender acts as a stranger.
	pending    Member
	hasPending bool

	out   []bot.Reply   // replies, queued at the end of run
	files []FileRequest // files asked for, recorded at the end of run

	cmd, args  string // the command being run, for flows that resume it
	chosenCell string // the cell an admin chose for a cell-scoped command
	// photo and caption came with the message, to be kept by the report
	// it opens (see photoMessage and attach).
	photo, caption string

	// answering: the message answers the conversation in progress (its
	// refusal is for the one who is asked, where they are asked).
	answering bool
	toast     string     // the note Conn.Ack shows for the button press, if any
	gate      *groupGate // what Membership said about the code m carries, if asked
}

// run handles r.m. Errors of type *Error become replies (see refused);
// others abort the transaction.
func (r *req) run() error {
	if err := r.load(); err != nil {
		return err
	}
	err := r.dispatch()
	var fe *Error
	if errors.As(err, &fe) {
		err = r.refused(fe)
	}
	if err != nil {
		return err
	}
	warnings, err := r.e.warnQuota(r.tx, r.now)
	if err != nil {
		return err
	}
	if err := r.e.queue(r.tx, append(r.out, warnings...), r.now, r); err != nil {
		return err
	}
	if err := recordFiles(r.tx, r.files); err != nil {
		return err
	}
	return r.saveSession()
}

func (r *req) load() error {
	var err error
	r.member, r.isMember, err = r.tx.MemberOf(r.m.From)
	if err != nil {
		return fmt.Errorf("load member: %w", err)
	}
	if r.isMember && hasUser(r.member.Pending, r.m.From) {
		r.pending, r.hasPending = r.member, true
		r.member, r.isMember = Member{}, false
	}
	r.sess, r.hasSess, err = r.tx.Session(r.m.Chat, r.m.From)
	if errors.Is(err, ErrDamaged) {
		// A conversation's state is only a convenience: start afresh rather
		// than fail every message of this person in this chat.
		r.e.log().Error("damaged session dropped", bot.LogKeyChat, r.m.Chat.String(), bot.LogKeyUser, r.m.From.String(), bot.LogKeyErr, err)
		if err := r.tx.DeleteSession(r.m.Chat, r.m.From); err != nil {
			return err
		}
		r.sess, r.hasSess, err = Session{}, false, nil
	}
	if err != nil {
		return fmt.Errorf("load session: %w", err)
	}
	if !r.m.Group && r.m.From.PrivateChat() == r.m.Chat {
		if un, err := r.tx.Unreachable(r.m.Chat); err != nil {
			return err
		} else if un {
			if err := r.tx.SetReachable(r.m.Chat); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *req) saveSession() error {
	if err := r.encodeState(); err != nil {
		return err
	}
	if !r.dirty {
		return nil
	}
	if r.sess.Flow == "" && len(r.sess.Notice) == 0 && r.sess.Question == 0 {
		if !r.hasSess {
			return nil
		}
		return r.tx.DeleteSession(r.m.Chat, r.m.From)
	}
	r.sess.Updated = r.now
	return r.tx.PutSession(r.m.Chat, r.m.From, r.sess)
}

// finish ends the current flow.
func (r *req) finish() {
	r.sess = r.sess.kept()
	r.state = nil
	r.dirty = true
}

// admin reports whether the sender is an administrator.
func (r *req) admin() bool { return r.e.IsAdmin(r.m.From) }

// t renders the text k of the engine's catalogue with data.
func (r *req) t(k text.Key, data any) string { return r.e.t(k, data) }

// say queues a text from the catalogue to the current chat.
func (r *req) say(k text.Key, data any) {
	r.send(bot.Reply{Chat: r.m.Chat, Text: r.t(r.e.textKey(r.m.Chat.Platform, k), data)})
}

// ask queues a text with choices to the current chat and remembers the
// choices in the session, so a typed number or a pressed button can answer.
func (r *req) ask(k text.Key, data any, choices ...[]bot.Choice) {
	r.question(k, data, false, choices)
}

// askOpen is ask for a question that also takes typed text (a deed, a
// date, a reason): the hint under it says so, and a number that is none
// of the choices is refused as such (see countView).
func (r *req) askOpen(k text.Key, data any, choices ...[]bot.Choice) {
	r.question(k, data, true, choices)
}

func (r *req) question(k text.Key, data any, open bool, choices [][]bot.Choice) {
	rep := bot.Reply{Chat: r.m.Chat, Text: r.t(r.e.textKey(r.m.Chat.Platform, k), data), Choices: choices}
	r.offer(&rep, open)
	r.send(rep)
}

// offer remembers rep's choices (their data and labels) as the answers the
// current flow expects, numbers the question and stamps its number on the
// choices' data (see stampChoice). open says the question takes typed
// text as well. A question with choices is the latest choices shown in
// this chat: the notice before it no longer answers a typed number.
func (r *req) offer(rep *bot.Reply, open bool) {
	r.sess.Choices, r.sess.Labels, r.sess.Open = r.sess.Choices[:0], r.sess.Labels[:0], open
	for _, c := range rep.Flat() {
		r.sess.Choices = append(r.sess.Choices, c.Data)
		r.sess.Labels = append(r.sess.Labels, c.Label)
	}
	r.dirty = true
	if len(r.sess.Choices) == 0 {
		return
	}
	r.sess.Notice, r.sess.NoticeLabels, r.sess.NoticeAt = nil, nil, time.Time{}
	rep.Hint = r.t(text.ChoiceHint, r.choicesView())
	r.sess.Question++
	rows := make([][]bot.Choice, len(rep.Choices))
	for i, cs := range rep.Choices {
		rows[i] = make([]bot.Choice, len(cs))
		for j, c := range cs {
			rows[i][j] = bot.Choice{Label: unmarked(c.Label), Data: stampChoice(r.sess.Question, c.Data)}
		}
	}
	rep.Choices = rows
}

// choicesView describes the choices the session offers, for the hint under
// a question and the refusal of a number that is none of them.
func (r *req) choicesView() countView {
	v := countView{N: len(r.sess.Choices), Open: r.sess.Open}
	if len(r.sess.Labels) > 0 {
		v.Label = strings.TrimLeftFunc(r.sess.Labels[0], func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) })
	}
	return v
}

// stampChoice returns the data a button of question q carries: "q|data".
// Choice data is at most 37 bytes (the longest is a category key of 32
// after "cat:"), so it stays within bot.MaxChoiceData.
func stampChoice(q uint64, data string) string {
	return strconv.FormatUint(q, 10) + "|" + data
}

// unstampChoice splits a pressed button's data into the number of the
// question it was shown with and the choice's own data; q is 0 for a
// button sent before buttons carried it.
func unstampChoice(data string) (q uint64, plain string) {
	head, rest, ok := strings.Cut(data, "|")
	if !ok {
		return 0, data
	}
	n, err := strconv.ParseUint(head, 10, 64)
	if err != nil || n == 0 {
		return 0, data
	}
	return n, rest
}

// send queues rep; it goes out after the commit.
func (r *req) send(rep bot.Reply) { r.out = append(r.out, rep) }

// row builds one row of choices.
func row(cs ...bot.Choice) []bot.Choice { return cs }

// choice builds one choice; data is one of its flow's typed choice
// constants, or a string.
func choice[D ~string](label string, data D) bot.Choice {
	return bot.Choice{Label: label, Data: string(data)}
}

// noticeTTL is how long a typed number may answer a notice's choices.
const noticeTTL = 14 * 24 * time.Hour

// queue enqueues reps in tx. A reply to a private chat whose choices are
// all stateless (go:...) is a notice: its choices are remembered in the
// recipient's session (in self's when self is handling that very chat), so
// that a typed number answers it where there are no buttons.
func (e *Engine) queue(tx Tx, reps []bot.Reply, now time.Time, self *req) error {
	for _, rep := range reps {
		if err := tx.Enqueue(rep); err != nil {
			return fmt.Errorf("enqueue reply: %w", err)
		}
		data, labels := noticeData(rep)
		if data == nil || e.caps(rep.Chat.Platform).IsGroup(rep.Chat) {
			continue
		}
		user := bot.UserID{Platform: rep.Chat.Platform, ID: rep.Chat.ID}
		if self != nil && self.m.Chat == rep.Chat && self.m.From == user {
			self.sess.Notice, self.sess.NoticeLabels, self.sess.NoticeAt, self.dirty = data, labels, now, true
			continue
		}
		sess, _, err := tx.Session(rep.Chat, user)
		if err != nil {
			return fmt.Errorf("load session: %w", err)
		}
		sess.Notice, sess.NoticeLabels, sess.NoticeAt = data, labels, now
		if err := tx.PutSession(rep.Chat, user, sess); err != nil {
			return fmt.Errorf("store notice: %w", err)
		}
	}
	return nil
}

// noticeData returns the data and labels of rep's choices when every one
// of them is stateless (go:...), nil otherwise.
func noticeData(rep bot.Reply) (data, labels []string) {
	flat := rep.Flat()
	if len(flat) == 0 {
		return nil, nil
	}
	data, labels = make([]string, len(flat)), make([]string, len(flat))
	for i, c := range flat {
		if !strings.HasPrefix(c.Data, goPrefix) {
			return nil, nil
		}
		data[i], labels[i] = c.Data, c.Label
	}
	return data, labels
}
