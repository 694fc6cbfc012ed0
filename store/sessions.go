package store

import (
	"fmt"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

// sessionV2 is version 1's fields, then the latest notice's choices and
// time.
const sessionV2 = 2

// sessionV3 is version 2's fields, then the number of the latest
// question. Versions 1 and 2 decode with question 0.
const sessionV3 = 3

// sessionV4 is version 3's layout with the flow's typed state (opaque bytes, encoded by
// flows) in place of its map of strings. The map of an older record means
// nothing to this build's flows: a conversation in progress in it decodes
// with no step and Updated zero, so the engine expires it with its usual
// message; its notice and question number are kept.
const sessionV4 = 4

// sessionV5 is the version byte of the session records this build writes:
// version 4's fields, then the labels of the choices offered, whether the
// question also takes typed text, and the labels of the latest notice's
// choices. Older versions decode without labels (only numbers answer).
const sessionV5 = 5

// Session implements flows.Tx.
func (t *tx) Session(chat bot.ChatID, user bot.UserID) (flows.Session, bool, error) {
	k, err := sessionKey(chat, user)
	if err != nil {
		return flows.Session{}, false, fmt.Errorf("session: %w", err)
	}
	v := t.b(bucketSessions).Get(k)
	if v == nil {
		return flows.Session{}, false, nil
	}
	s, err := decodeSession(v)
	if err != nil {
		return flows.Session{}, false, fmt.Errorf("session %s %s: %w", chat, user, err)
	}
	return s, true, nil
}

// PutSession implements flows.Tx.
func (t *tx) PutSession(chat bot.ChatID, user bot.UserID, s flows.Session) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, err := sessionKey(chat, user)
	if err != nil {
		return fmt.Errorf("put session: %w", err)
	}
	if err := t.b(bucketSessions).Put(k, encodeSession(s)); err != nil {
		return fmt.Errorf("put session %s %s: %w", chat, user, err)
	}
	return nil
}

// DeleteSession implements flows.Tx.
func (t *tx) DeleteSession(chat bot.ChatID, user bot.UserID) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, err := sessionKey(chat, user)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	if err := t.b(bucketSessions).Delete(k); err != nil {
		return fmt.Errorf("delete session %s %s: %w", chat, user, err)
	}
	return nil
}

func encodeSession(s flows.Session) []byte {
	e := newEnc(128 + len(s.State))
	e.b[0] = sessionV5
	e.str(s.Flow)
	e.str(s.Step)
	e.bytes(s.State)
	e.strs(s.Choices)
	e.time(s.Updated)
	e.strs(s.Notice)
	e.time(s.NoticeAt)
	e.uvarint(s.Question)
	e.strs(s.Labels)
	e.bool(s.Open)
	e.strs(s.NoticeLabels)
	return e.b
}

func decodeSession(v []byte) (flows.Session, error) {
	d := newDecUpTo(v, sessionV5)
	var s flows.Session
	s.Flow = d.str()
	s.Step = d.str()
	if d.ver >= sessionV4 {
		s.State = d.bytes()
	} else if n := d.count(2); n > 0 { // the old map of strings: skipped
		for range 2 * n {
			d.str()
		}
	}
	s.Choices = d.strs()
	s.Updated = d.time()
	if d.ver >= sessionV2 {
		s.Notice = d.strs()
		s.NoticeAt = d.time()
	}
	if d.ver >= sessionV3 {
		s.Question = d.uvarint()
	}
	if d.ver >= sessionV5 {
		s.Labels = d.strs()
		s.Open = d.bool()
		s.NoticeLabels = d.strs()
	}
	if d.ver < sessionV4 && s.Flow != "" {
		s.Step, s.Updated = "", time.Time{} // its state is lost: expire it
	}
	return s, d.err
}
