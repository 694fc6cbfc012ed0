package flows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"time"

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

// Engine runs incoming messages through lamtheo's conversations and the
// periodic jobs. It implements bot.Handler.
//
// Like bot.Server, an Engine is a struct literal with documented fields and
// no constructor: set Store and Cfg (and whatever else the deployment has)
// before the first call of any method, and change no field after; the
// zero value of every other field is a working default. Then Handle and
// RunJob are safe for concurrent use; each message or job is applied in
// one write transaction of Store.
type Engine struct {
	Store Store
	// Cfg is the organisation; a nil Loc means UTC, a zero SessionTTL or
	// InviteTTL its default (defaultSessionTTL, defaultInviteTTL).
	Cfg Config
	// Log receives what the operator should see. Nil: nothing is logged.
	Log *slog.Logger
	// Now returns the current time. Nil: time.Now. The terminal mode
	// moves it to try scheduled behaviour.
	Now func() time.Time
	// NewCode returns a fresh invite code. Nil: NewInviteCode. Tests set
	// it to get stable transcripts.
	NewCode func() string
	// Schedules are the periodic jobs' schedules, as cmd runs them:
	// /lichnhac shows their next runs, and a reminder gives way to a later
	// one already due. Nil: no job is known to be scheduled.
	Schedules map[Job]Schedule
	// Platforms tells what each served platform can do. Nil: nothing is
	// known, every capability is off.
	Platforms Platforms
	// Membership tells whether a person joining with a group's code is in
	// that group, where the platform can tell. Nil: never known, nobody is
	// refused for it.
	Membership Membership
	// Text is the catalogue every text a person reads is rendered from.
	// Nil: the embedded one (text.Default). cmd/lamtheo loads it once at
	// start, refuses to start when it cannot, and passes it here.
	Text *text.Catalog
	// Flood bounds how fast one person's messages are answered
	// (DefaultFloodLimit on the chat platforms). Zero: no limit (the
	// terminal).
	Flood FloodLimit
	// Spreadsheet writes /xuat's workbook (cmd/lamtheo passes
	// flows/export's Write with the catalogue). Nil: /xuat says the
	// deployment exports nothing.
	Spreadsheet func(ExportBook) ([]byte, error)
	// ExportDeeds is the most rows of the workbook's deed sheet
	// (ExportBook.MaxDeeds). Zero: DefaultExportDeeds. Tests set a few.
	ExportDeeds int
	// RosterTemplate writes the xlsx template of a cell's roster that
	// /danhsach sends (cmd/lamtheo passes flows/rosterfile's Template
	// with the catalogue). Nil: /danhsach says how else to get it.
	RosterTemplate func(Cell) ([]byte, error)
	// Rosters reads the roster files secretaries and admins send in a
	// private chat (cmd/lamtheo passes flows/rosterfile's Chat). Nil: a
	// file sent is not read.
	Rosters RosterFiles
	// FileURL is the public address of lamtheo's file endpoint
	// ("https://bot.example.vn/files"), where a platform that cannot
	// upload (Zalo) fetches generated files by expiring links. Empty: such
	// a platform gets no files (see deliverFile).
	FileURL string
	// LinkTTL is how long a file link stays valid. Zero: 24 hours.
	LinkTTL time.Duration
	// NewToken returns a fresh link token. Nil: 130 random bits
	// (crypto/rand). Tests set it to get stable links.
	NewToken func() string
	// DossierPDF writes /hoso's year-end dossier (cmd/lamtheo passes
	// flows/dossier's Write with the catalogue). Nil: /hoso says the
	// deployment makes no dossiers.
	DossierPDF func(Dossier) ([]byte, error)

	door door // the flood limit's record of who wrote when
}

var _ bot.Handler = (*Engine)(nil)

// Defaults of Config's durations.
const (
	defaultSessionTTL = 72 * time.Hour
	defaultInviteTTL  = 90 * 24 * time.Hour
)

// loc is the organisation's time zone.
func (e *Engine) loc() *time.Location {
	if e.Cfg.Loc == nil {
		return time.UTC
	}
	return e.Cfg.Loc
}

// sessionTTL is how long an idle conversation is kept.
func (e *Engine) sessionTTL() time.Duration {
	if e.Cfg.SessionTTL <= 0 {
		return defaultSessionTTL
	}
	return e.Cfg.SessionTTL
}

// inviteTTL is how long an invite code stays valid.
func (e *Engine) inviteTTL() time.Duration {
	if e.Cfg.InviteTTL <= 0 {
		return defaultInviteTTL
	}
	return e.Cfg.InviteTTL
}

// now returns the current time on the engine's clock.
func (e *Engine) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// log returns the engine's logger.
func (e *Engine) log() *slog.Logger {
	if e.Log == nil {
		return discard
	}
	return e.Log
}

var discard = slog.New(slog.DiscardHandler)

// text returns the engine's catalogue. Were the embedded one unreadable
// (see text.Default), every text would render as its key in brackets.
func (e *Engine) text() *text.Catalog {
	if e.Text != nil {
		return e.Text
	}
	c, _ := text.Default()
	return c
}

// t renders the text k of the engine's catalogue with data.
func (e *Engine) t(k text.Key, data any) string { return e.text().Render(k, data) }

// IsAdmin reports whether u is an administrator of the organisation.
func (e *Engine) IsAdmin(u bot.UserID) bool { return slices.Contains(e.Cfg.Admins, u) }

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
				e.log().Error("damaged cell record rewritten from the configuration: link its groups again", bot.LogKeyCell, c.Code, bot.LogKeyErr, err)
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
	if m.Kind == bot.KindCursor {
		return e.Store.Update(ctx, func(tx Tx) error {
			_, err := tx.MarkSeen(m.Chat.Platform, "", m.Cursor)
			return err
		})
	}
	p := e.prepare(ctx, m)
	var panicked any
	var toast string // the note for the button press, once committed
	err := e.Store.Update(ctx, func(tx Tx) (err error) {
		defer func() {
			if v := recover(); v != nil {
				panicked = v
				e.log().Error("flow panicked", bot.LogKeyUpdate, m.Key, bot.LogKeyChat, m.Chat.String(), bot.LogKeyPanic, fmt.Sprint(v), "stack", string(debug.Stack()))
				err = errPanic
			}
		}()
		toast, err = e.apply(tx, p) // fn may run more than once: toast is set each time
		return err
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
		if err := forgetSession(tx, m.Chat, m.From, p.now); err != nil {
			return err
		}
		return tx.Enqueue(bot.Reply{Chat: m.Chat, Text: e.t(text.InternalError, nil)})
	})
}

var _ bot.GroupHandler = (*Engine)(nil)

// HandleGroup implements bot.GroupHandler: it applies msgs, messages of one
// chat in the order they came, in one transaction, each as Handle would
// (its update marker, session, records and replies), so that a busy chat
// costs one commit per group rather than per message. Each message sees
// what the ones before it wrote. If any of them fails (or a flow panics),
// nothing of the group is committed and the error is returned; the server
// then handles them one by one with Handle, which deals with the failing
// one alone (the flood limit then counts them again, as it counts a
// retried update). It returns the note for each button press (toasts[i]
// for msgs[i], "" for none).
func (e *Engine) HandleGroup(ctx context.Context, msgs []bot.Message) (toasts []string, err error) {
	ps := make([]prepared, len(msgs))
	for i, m := range msgs {
		if m.Kind == bot.KindCursor {
			return nil, errors.New("flows: a platform cursor in a group of messages")
		}
		ps[i] = e.prepare(ctx, m)
	}
	toasts = make([]string, len(msgs))
	err = e.Store.Update(ctx, func(tx Tx) (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = errPanic // Handle meets it again alone, and logs it
			}
		}()
		for i, p := range ps {
			if toasts[i], err = e.apply(tx, p); err != nil {
				return fmt.Errorf("update %s: %w", p.m.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return toasts, nil
}

// prepared is a message made ready for its transaction: cleaned, counted
// by the flood limit, its group code checked with the platform.
type prepared struct {
	m     bot.Message
	now   time.Time
	admit bool // answered; else turned away (tell: and told so)
	tell  bool
	gate  *groupGate
}

// prepare does what comes before m's transaction, none of it in it.
func (e *Engine) prepare(ctx context.Context, m bot.Message) prepared {
	m = cleanMessage(m)
	p := prepared{m: m, now: e.now()}
	if p.admit, p.tell = e.door.admit(e.Flood, m, p.now); p.admit {
		p.gate = e.checkGroup(ctx, m) // network I/O: before the transaction
	}
	return p
}

// apply applies p in tx and returns the note for its button press, if any.
func (e *Engine) apply(tx Tx, p prepared) (toast string, err error) {
	m := p.m
	if !p.admit {
		if err := e.turnAway(tx, m, p.tell); err != nil || m.Kind != bot.KindCallback {
			return "", err
		}
		return e.t(text.TooFastToast, nil), nil
	}
	seen, err := tx.MarkSeen(m.Chat.Platform, m.Key, m.Cursor)
	if err != nil || seen {
		return "", err
	}
	r := &req{e: e, tx: tx, m: m, now: p.now, gate: p.gate}
	if err := r.run(); err != nil {
		return "", err
	}
	return r.toast, nil
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
