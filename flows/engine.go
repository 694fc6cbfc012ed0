package flows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// Category is one pledge category of the year (a chuẩn mực or a sub-point of
// the year's theme).
type Category struct {
	Key  string
	Name string
}

// Config is what the engine needs to know of the organisation.
type Config struct {
	OrgName    string
	Loc        *time.Location
	Admins     []bot.UserID  // platform identities with rights over the whole organisation
	SessionTTL time.Duration // a conversation idle this long is forgotten (default 72 h)
	InviteTTL  time.Duration // an invite code stays valid this long (default 90 days)
	Theme      string        // the year's theme (chuyên đề năm)
	Categories []Category    // pledge categories
	GraceDays  int           // the previous month stays open for reports until this day of the month
	// Plans limit what some platforms do for the organisation (a Zalo
	// bot's cells, users, groups and monthly messages); a platform without
	// a plan serves every cell without limits.
	Plans map[bot.Platform]Plan
}

// Limits on what people type.
const (
	MaxInput    = 1000 // characters of one message the engine reads at all
	MaxNameLen  = 80   // characters of a member's name
	MaxItemText = 300  // characters of a pledge item or a deed
	// MaxPledgeItems is the most items one pledge holds: a year's pledge
	// is a handful of concrete deeds, and every item is a question of
	// every monthly report.
	MaxPledgeItems = 20
)

// Engine runs incoming messages through lamtheo's conversations. It
// implements bot.Handler. Handle is safe for concurrent use; each message is
// applied in one write transaction of Store.
type Engine struct {
	Store Store
	Cfg   Config
	Log   *slog.Logger
	// Now returns the current time; it defaults to time.Now. The terminal
	// mode moves it to try scheduled behaviour.
	Now func() time.Time
	// NewCode returns a fresh invite code; it defaults to NewInviteCode.
	// Tests set it to get stable transcripts.
	NewCode func() string
	// Schedules are the periodic jobs' schedules, set by cmd before the
	// engine is used and never changed after; /lichnhac shows them.
	Schedules map[Job]Schedule
	// Platforms tells what each served platform can do; set by cmd before
	// the engine is used. Nil: nothing is known, every capability is off.
	Platforms Platforms
	// Membership tells whether a person joining with a group's code is in
	// that group, where the platform can tell; set by cmd before the
	// engine is used. Nil: never known, nobody is refused for it.
	Membership Membership
	// Flood bounds how fast one person's messages are answered; set by
	// cmd before the engine is used (DefaultFloodLimit on the chat
	// platforms). Zero: no limit (the terminal).
	Flood FloodLimit

	admins   map[bot.UserID]bool
	initOnce sync.Once
	door     door
}

var _ bot.Handler = (*Engine)(nil)

// NewEngine returns an engine over st with cfg, logging to log.
func NewEngine(st Store, cfg Config, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Engine{Store: st, Cfg: cfg, Log: log, Now: time.Now}
	e.init()
	return e
}

func (e *Engine) init() {
	e.initOnce.Do(func() {
		if e.Cfg.Loc == nil {
			e.Cfg.Loc = time.UTC
		}
		if e.Cfg.SessionTTL <= 0 {
			e.Cfg.SessionTTL = 72 * time.Hour
		}
		if e.Cfg.InviteTTL <= 0 {
			e.Cfg.InviteTTL = 90 * 24 * time.Hour
		}
		if e.Now == nil {
			e.Now = time.Now
		}
		if e.Log == nil {
			e.Log = slog.New(slog.DiscardHandler)
		}
		e.admins = make(map[bot.UserID]bool, len(e.Cfg.Admins))
		for _, u := range e.Cfg.Admins {
			e.admins[u] = true
		}
	})
}

// IsAdmin reports whether u is an administrator of the organisation.
func (e *Engine) IsAdmin(u bot.UserID) bool { e.init(); return e.admins[u] }

// Error is a refusal the person should read: it carries a catalogue key and
// the data its text needs. Flows return it; the engine shows it and commits
// whatever else the update did (the update is still marked processed).
type Error struct {
	Key  text.Key
	Data any
}

func (e *Error) Error() string { return "flows: " + string(e.Key) }

// refuse returns an *Error for k.
func refuse(k text.Key, data any) error { return &Error{Key: k, Data: data} }

// SyncCells makes the stored cells match the configured ones: new cells are
// created, names and meeting days updated; linked groups are kept. A cell
// record that cannot be read is written again from the configuration
// (without its groups, which must be linked again), so that a damaged cell
// never stops the bot from starting.
func (e *Engine) SyncCells(ctx context.Context, cells []Cell) error {
	return e.Store.Update(ctx, func(tx Tx) error {
		for _, c := range cells {
			old, ok, err := tx.Cell(c.Code)
			if errors.Is(err, ErrDamaged) {
				// Rewritten from the configuration; its groups must be
				// linked again (/link in each), as the log says.
				e.Log.Error("damaged cell record rewritten from the configuration: link its groups again", "cell", c.Code, "err", err)
				ok, err = false, nil
			}
			if err != nil {
				return err
			}
			if ok {
				c.Groups = old.Groups
			}
			if err := tx.PutCell(c); err != nil {
				return fmt.Errorf("sync cell %s: %w", c.Code, err)
			}
		}
		return nil
	})
}

// Handle applies one incoming message: in one transaction it marks the update
// processed, runs the message through its flow, stores the session and the
// records, and queues the replies. A message seen before is skipped.
//
// Before the transaction, what people typed is normalised (cleanMessage),
// a person over the flood limit is turned away (only the update marker is
// written, see FloodLimit), and Membership is asked about a group's join
// code (see checkGroup): nothing in the transaction waits on the network.
// A message that fails every time is set aside by the server (SetAside).
func (e *Engine) Handle(ctx context.Context, m bot.Message) error {
	e.init()
	if m.Kind == bot.KindCursor {
		return e.Store.Update(ctx, func(tx Tx) error {
			_, err := tx.MarkSeen(m.Chat.Platform, "", m.Cursor)
			return err
		})
	}
	m = cleanMessage(m)
	now := e.Now()
	if ok, tell := e.door.admit(e.Flood, m, now); !ok {
		err := e.Store.Update(ctx, func(tx Tx) error { return e.turnAway(tx, m, tell) })
		if err == nil && m.Kind == bot.KindCallback {
			bot.SetToast(ctx, text.T(text.TooFastToast, nil))
		}
		return err
	}
	gate := e.checkGroup(ctx, m) // network I/O: before the transaction
	var panicked any
	var toast string // the note for the button press, once committed
	err := e.Store.Update(ctx, func(tx Tx) (err error) {
		toast = "" // fn may run more than once
		defer func() {
			if p := recover(); p != nil {
				panicked = p
				e.Log.Error("flow panicked", "update", m.Key, "chat", m.Chat.String(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				err = errPanic
			}
		}()
		seen, err := tx.MarkSeen(m.Chat.Platform, m.Key, m.Cursor)
		if err != nil || seen {
			return err
		}
		r := &req{e: e, tx: tx, m: m, now: now, gate: gate}
		if err := r.run(); err != nil {
			return err
		}
		toast = r.toast
		return nil
	})
	if panicked == nil {
		if err == nil && toast != "" {
			bot.SetToast(ctx, toast)
		}
		return err
	}
	// A defect in a flow: record the update as processed so it is not retried
	// forever, forget the conversation (keeping its question numbers), and
	// apologise.
	return e.Store.Update(ctx, func(tx Tx) error {
		if _, err := tx.MarkSeen(m.Chat.Platform, m.Key, m.Cursor); err != nil {
			return err
		}
		if err := forgetSession(tx, m.Chat, m.From, now); err != nil {
			return err
		}
		return tx.Enqueue(bot.Reply{Chat: m.Chat, Text: text.T(text.InternalError, nil)})
	})
}

// forgetSession ends the conversation of user in chat, keeping only the
// number of its latest question, so that the buttons of its questions stay
// old.
func forgetSession(tx Tx, chat bot.ChatID, user bot.UserID, now time.Time) error {
	s, ok, err := tx.Session(chat, user)
	if err != nil || !ok || s.Question == 0 {
		return tx.DeleteSession(chat, user)
	}
	return tx.PutSession(chat, user, Session{Question: s.Question, Updated: now})
}

var errPanic = errors.New("flows: flow panicked")

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
	// pending is the member whose Pending identities hold the sender's:
	// until a secretary confirms the move the sender acts as a stranger.
	pending    Member
	hasPending bool

	out []bot.Reply // replies, queued at the end of run

	cmd, args  string // the command being run, for flows that resume it
	chosenCell string // the cell an admin chose for a cell-scoped command

	toast string     // the note Conn.Ack shows for the button press, if any
	gate  *groupGate // what Membership said about the code m carries, if asked
}

// run handles r.m. Errors of type *Error become replies; others abort the
// transaction.
func (r *req) run() error {
	if err := r.load(); err != nil {
		return err
	}
	err := r.dispatch()
	if errors.Is(err, errAsked) {
		err = nil
	}
	var fe *Error
	if errors.As(err, &fe) {
		r.say(fe.Key, fe.Data)
		err = nil
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
		r.e.Log.Error("damaged session dropped", "chat", r.m.Chat.String(), "user", r.m.From.String(), "err", err)
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
	r.sess = Session{Notice: r.sess.Notice, NoticeAt: r.sess.NoticeAt, Question: r.sess.Question}
	r.state = nil
	r.dirty = true
}

// admin reports whether the sender is an administrator.
func (r *req) admin() bool { return r.e.admins[r.m.From] }

// say queues a text from the catalogue to the current chat.
func (r *req) say(k text.Key, data any) {
	r.send(bot.Reply{Chat: r.m.Chat, Text: text.T(r.e.textKey(r.m.Chat.Platform, k), data)})
}

// ask queues a text with choices to the current chat and remembers the
// choices in the session, so a typed number or a pressed button can answer.
func (r *req) ask(k text.Key, data any, choices ...[]bot.Choice) {
	rep := bot.Reply{Chat: r.m.Chat, Text: text.T(r.e.textKey(r.m.Chat.Platform, k), data), Choices: choices}
	r.offer(&rep)
	r.send(rep)
}

// offer remembers rep's choices as the answers the current flow expects,
// numbers the question and stamps its number on the choices' data (see
// stampChoice).
func (r *req) offer(rep *bot.Reply) {
	r.sess.Choices = r.sess.Choices[:0]
	for _, c := range rep.Flat() {
		r.sess.Choices = append(r.sess.Choices, c.Data)
	}
	r.dirty = true
	if len(r.sess.Choices) == 0 {
		return
	}
	rep.Hint = text.T(text.ChoiceHint, map[string]int{"N": len(r.sess.Choices)})
	r.sess.Question++
	rows := make([][]bot.Choice, len(rep.Choices))
	for i, cs := range rep.Choices {
		rows[i] = make([]bot.Choice, len(cs))
		for j, c := range cs {
			rows[i][j] = bot.Choice{Label: c.Label, Data: stampChoice(r.sess.Question, c.Data)}
		}
	}
	rep.Choices = rows
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

// cleanMessage normalises, at the door, what people type into m: its text
// (unless it is far over MaxInput, which is refused anyway), the sender's
// profile name and the group's title, the last two on one line. Callback
// data and file ids are the bot's own and the platform's, and stay as
// they are.
func cleanMessage(m bot.Message) bot.Message {
	if len(m.Text) <= 4*MaxInput {
		m.Text = NormalizeText(m.Text)
	}
	m.FromName = oneLine(m.FromName)
	m.ChatTitle = oneLine(m.ChatTitle)
	return m
}

// oneLine normalises s (see NormalizeText) and joins its lines with spaces.
func oneLine(s string) string {
	if len(s) > 4*MaxInput {
		s = s[:4*MaxInput]
	}
	return strings.Join(strings.Fields(NormalizeText(s)), " ")
}

// cleanInput normalises what a person typed and checks its length.
func cleanInput(s string, max int) (string, error) {
	s = strings.TrimSpace(NormalizeText(s))
	if s == "" {
		return "", refuse(text.EmptyInput, nil)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", refuse(text.TooLong, map[string]int{"Max": max, "N": n})
	}
	return s, nil
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
		data := noticeData(rep)
		if data == nil || e.caps(rep.Chat.Platform).IsGroup(rep.Chat) {
			continue
		}
		user := bot.UserID{Platform: rep.Chat.Platform, ID: rep.Chat.ID}
		if self != nil && self.m.Chat == rep.Chat && self.m.From == user {
			self.sess.Notice, self.sess.NoticeAt, self.dirty = data, now, true
			continue
		}
		sess, _, err := tx.Session(rep.Chat, user)
		if err != nil {
			return fmt.Errorf("load session: %w", err)
		}
		sess.Notice, sess.NoticeAt = data, now
		if err := tx.PutSession(rep.Chat, user, sess); err != nil {
			return fmt.Errorf("store notice: %w", err)
		}
	}
	return nil
}

// noticeData returns the data of rep's choices when every one of them is
// stateless (go:...), nil otherwise.
func noticeData(rep bot.Reply) []string {
	flat := rep.Flat()
	if len(flat) == 0 {
		return nil
	}
	out := make([]string, len(flat))
	for i, c := range flat {
		if !strings.HasPrefix(c.Data, goPrefix) {
			return nil
		}
		out[i] = c.Data
	}
	return out
}
