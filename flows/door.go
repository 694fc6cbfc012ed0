package flows

import (
	"sync"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// FloodLimit bounds how many messages of one person the engine answers
// when they come faster than people write: Burst in a row, and one more
// for each Every that passes. Past that, the person is told once (in a
// private chat) that they send too fast, and nothing more of theirs is
// answered until they calm down: until their messages, counted the same
// way, fall back to half of Burst. A group's own talk (text that is no
// command) does not count. The zero value turns flood control off.
type FloodLimit struct {
	Burst int
	Every time.Duration
}

// DefaultFloodLimit is what cmd sets for the chat platforms: 20 messages
// in a row, then 10 a minute. A member reporting a month item by item, or
// a secretary reading every report of a cell, stays well under it; a flood
// is answered about twenty times and then, after one notice, not at all
// until three minutes after it stops.
var DefaultFloodLimit = FloodLimit{Burst: 20, Every: 6 * time.Second}

// door keeps each person's pace, in memory: the limit is about the load
// of the moment, so after a restart a person starts afresh at the cost of
// at most one more burst, and keeping the pace durable would cost a
// write per message for nothing. One process serves every platform of the
// organisation, so one door sees all of a person's messages (on one
// platform: a person on two platforms is two identities). It is safe for
// concurrent use.
type door struct {
	mu     sync.Mutex
	people map[bot.UserID]*pace
	swept  time.Time
}

// pace is one person's recent messages: level is how many count now (each
// message adds one, each Every takes one away, at most twice Burst).
type pace struct {
	level     float64
	at        time.Time // when level was computed
	throttled bool      // over the limit, and not calm yet
	told      bool      // told so in a private chat during this flood
}

// doorSweep is how often the door forgets the people who are calm.
const doorSweep = time.Minute

// admit counts m at now under lim and reports whether it is answered; when
// it is not, tell reports whether the person should be told so (once per
// flood, in a private chat).
func (d *door) admit(lim FloodLimit, m bot.Message, now time.Time) (ok, tell bool) {
	if lim.Burst <= 0 || lim.Every <= 0 || m.From.IsZero() || !counts(m) {
		return true, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.people == nil {
		d.people = make(map[bot.UserID]*pace)
	}
	if now.Sub(d.swept) > doorSweep {
		d.sweep(lim, now)
	}
	who := m.From
	if m.Anonymous {
		// Every anonymous administrator posts as the same service
		// account: each group's is its own pace.
		who = bot.UserID{Platform: m.Chat.Platform, ID: m.Chat.ID}
	}
	p := d.people[who]
	if p == nil {
		p = &pace{at: now}
		d.people[who] = p
	}
	p.decay(lim, now)
	if p.throttled && p.level <= float64(lim.Burst)/2 {
		p.throttled, p.told = false, false
	}
	p.level = min(p.level+1, 2*float64(lim.Burst))
	if !p.throttled && p.level > float64(lim.Burst) {
		p.throttled = true
	}
	if !p.throttled {
		return true, false
	}
	if !m.Group && !p.told {
		p.told = true
		return false, true
	}
	return false, false
}

// decay takes away what passed since p.at.
func (p *pace) decay(lim FloodLimit, now time.Time) {
	if gone := float64(now.Sub(p.at)) / float64(lim.Every); gone > 0 {
		p.level = max(p.level-gone, 0)
	}
	p.at = now
}

// sweep forgets the people whose pace is back to nothing.
func (d *door) sweep(lim FloodLimit, now time.Time) {
	d.swept = now
	for u, p := range d.people {
		p.decay(lim, now)
		if p.level == 0 && !p.throttled {
			delete(d.people, u)
		}
	}
}

// counts reports whether m counts towards its sender's pace: everything
// but the bot's own membership changes and a group's talk that is no
// command (the bot answers neither).
func counts(m bot.Message) bool {
	switch m.Kind {
	case bot.KindAdded, bot.KindRemoved, bot.KindCursor:
		return false
	case bot.KindCallback:
		return true
	}
	if !m.Group {
		return true
	}
	_, _, ok := parseCommand(m.Text)
	return ok
}

// turnAway records m as processed without answering it, as the door does
// for a person over the flood limit; tell adds the one notice. A button
// press gets a short note instead.
func (e *Engine) turnAway(tx Tx, m bot.Message, tell bool) error {
	seen, err := tx.MarkSeen(m.Chat.Platform, m.Key, m.Cursor)
	if err != nil || seen || !tell {
		return err
	}
	return tx.Enqueue(bot.Reply{Chat: m.Chat, Text: e.t(text.TooFast, nil)})
}
