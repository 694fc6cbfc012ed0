package flows

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

var _ bot.SetAsider = (*Engine)(nil)

// SetAside implements bot.SetAsider: m failed with cause every time it was
// tried (a record it needs cannot be read, a defect), and must not hold up
// the updates after it. In one transaction it records m as processed, keeps
// it with cause for the operator (Tx.PutAside), tells the person politely
// that something went wrong (where they expect an answer), and tells the
// secretaries of their cell, or the admins when the cell is not known or
// has none, once a day per person. Finding the cell may meet the very
// record that is damaged: every lookup here falls back to the admins
// rather than fail.
func (e *Engine) SetAside(ctx context.Context, m bot.Message, cause error) error {
	if m.Kind == bot.KindCursor {
		return cause
	}
	m = cleanMessage(m)
	now := e.now()
	return e.Store.Update(ctx, func(tx Tx) error {
		seen, err := tx.MarkSeen(m.Chat.Platform, m.Key, m.Cursor)
		if err != nil || seen {
			return err
		}
		what := m.Text
		if m.Kind == bot.KindCallback {
			what = m.Data
		}
		if utf8.RuneCountInString(what) > MaxInput {
			what = string([]rune(what)[:MaxInput])
		}
		if err := tx.PutAside(Aside{At: now, Key: m.Key, Chat: m.Chat, From: m.From, FromName: m.FromName,
			Kind: m.Kind, Text: what, Err: cause.Error()}); err != nil {
			return err
		}
		if counts(m) {
			if err := tx.Enqueue(bot.Reply{Chat: m.Chat, Text: e.t(text.AsideSorry, nil)}); err != nil {
				return err
			}
		}
		notes, err := e.asideNotes(tx, m, now)
		if err != nil {
			return err
		}
		for _, r := range notes {
			if err := tx.Enqueue(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// asideNotes returns the note about m, set aside at now, for the
// secretaries of the sender's cell (or of the group's), or for the admins,
// unless one about the sender went out today.
func (e *Engine) asideNotes(tx Tx, m bot.Message, now time.Time) ([]bot.Reply, error) {
	key := "note:aside:" + m.From.String() + "@" + now.In(e.loc()).Format("2006-01-02")
	if done, err := tx.JobRan(key); err != nil || done {
		return nil, err
	}
	if err := tx.MarkJob(key, now); err != nil {
		return nil, err
	}
	name, cell := m.FromName, ""
	_ = guard(func() error { // the damaged record may be the sender's: then the admins are told
		if mb, ok, err := tx.MemberOf(m.From); err == nil && ok {
			name, cell = mb.Name, mb.Cell
		}
		if c, ok, err := tx.CellOfGroup(m.Chat); err == nil && ok && m.Group {
			cell = c.Code
		}
		return nil
	})
	if name == "" {
		name = m.From.String()
	}
	data := asideView{Name: name, When: now.In(e.loc()).Format("02/01/2006 15:04")}
	var out []bot.Reply
	_ = guard(func() error {
		if cell == "" {
			return nil
		}
		c, ok, err := tx.Cell(cell)
		if err != nil || !ok {
			return err
		}
		data.Cell = c.Name
		ms, _ := tx.Members(cell) // the readable ones
		body := e.t(text.AsideNote, data)
		for _, s := range secretariesOf(ms, cell) {
			reps, err := privateReplies(tx, s.PrivateChats(), body, nil)
			if err != nil {
				return err
			}
			out = append(out, reps...)
		}
		return nil
	})
	if len(out) == 0 {
		body := e.t(text.AsideNote, data)
		for _, chats := range adminChats(e.Cfg.Admins) {
			reps, err := privateReplies(tx, chats, body, nil)
			if err != nil {
				return nil, fmt.Errorf("note to admins: %w", err)
			}
			out = append(out, reps...)
		}
	}
	for i := range out {
		out[i].Bulk = false
	}
	return out, nil
}

// asideView feeds the note to secretaries about a message set aside: whose,
// of which cell (when known), and when.
type asideView struct{ Name, Cell, When string }
