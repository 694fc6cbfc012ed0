package store

import (
	"fmt"
	"slices"

	"lamtheo/bot"
	"lamtheo/flows"
)

// sessionV2 is version 1's fields, then the latest notice's choices and
// time.
const sessionV2 = 2

// sessionV3 is the version byte of the session records this build writes:
// version 2's fields, then the number of the latest question. Versions 1
// and 2 decode with question 0.
const sessionV3 = 3

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
	e := newEnc(128)
	e.str(s.Flow)
	e.str(s.Step)
	keys := make([]string, 0, len(s.Vals))
	for k := range s.Vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.uvarint(uint64(len(keys)))
	for _, k := range keys {
		e.str(k)
		e.str(s.Vals[k])
	}
	e.uvarint(uint64(len(s.Choices)))
	for _, c := range s.Choices {
		e.str(c)
	}
	e.time(s.Updated)
	e.b[0] = sessionV3
	e.uvarint(uint64(len(s.Notice)))
	for _, c := range s.Notice {
		e.str(c)
	}
	e.time(s.NoticeAt)
	e.uvarint(s.Question)
	return e.b
}

func decodeSession(v []byte) (flows.Session, error) {
	d := newDecUpTo(v, sessionV3)
	var s flows.Session
	s.Flow = d.str()
	s.Step = d.str()
	if n := d.count(2); n > 0 {
		s.Vals = make(map[string]string, n)
		for range n {
			k := d.str()
			s.Vals[k] = d.str()
		}
	}
	if n := d.count(1); n > 0 {
		s.Choices = make([]string, n)
		for i := range s.Choices {
			s.Choices[i] = d.str()
		}
	}
	s.Updated = d.time()
	if d.ver >= sessionV2 {
		if n := d.count(1); n > 0 {
			s.Notice = make([]string, n)
			for i := range s.Notice {
				s.Notice[i] = d.str()
			}
		}
		s.NoticeAt = d.time()
	}
	if d.ver >= sessionV3 {
		s.Question = d.uvarint()
	}
	return s, d.err
}
