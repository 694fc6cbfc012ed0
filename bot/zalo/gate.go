package zalo

import (
	"sync"
	"time"

	"lamtheo/bot"
)

// Gate tuning.
const (
	// seenCap is how many message ids the Conn remembers to drop
	// redeliveries; the engine also dedupes by Key, durably.
	seenCap = 4096
	// otherWindow: of the stickers, voice messages and unsupported contents
	// (KindOther) one chat sends, only the first within this window is
	// handed up, so the bot answers a flood of stickers once.
	otherWindow = 10 * time.Minute
	// otherCap bounds the chats remembered for otherWindow; older entries
	// are swept when it is reached.
	otherCap = 4096
)

// gate decides which translated updates are handed up: it drops
// redeliveries of a message seen recently, joins a redelivery that arrives
// while the first delivery is being handled, and collapses floods of
// KindOther. It is safe for concurrent use (Receive, Ack and ServeHTTP).
type gate struct {
	mu     sync.Mutex
	seen   map[string]struct{} // handled or skipped, the last seenCap
	ring   []string            // seen's keys in the order they came
	next   int                 // where the next key goes in ring
	flight map[string]*pending // handed up (or about to be), not yet acked
	other  map[bot.ChatID]time.Time
}

// pending is a message handed up and not yet committed. done is closed when
// Ack confirms it.
type pending struct {
	done chan struct{}
	// For withdraw: the chat's KindOther mark before this message set it.
	chat      bot.ChatID
	other     bool
	prevOther time.Time
}

// verdict is what the gate decided about one update.
type verdict int

const (
	admitted   verdict = iota // new: hand it up
	seenBefore                // handled or skipped recently: drop it
	inFlight                  // being handled: wait for the first delivery
	collapsed                 // a KindOther too soon after the last: drop it
)

func newGate() *gate {
	return &gate{
		seen:   make(map[string]struct{}, seenCap),
		ring:   make([]string, seenCap),
		flight: make(map[string]*pending),
		other:  make(map[bot.ChatID]time.Time),
	}
}

// admit decides about m at now. For admitted it registers m as in flight
// and returns its pending; for inFlight it returns the first delivery's.
func (g *gate) admit(m bot.Message, now time.Time) (verdict, *pending) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.seen[m.Key]; ok {
		return seenBefore, nil
	}
	if p, ok := g.flight[m.Key]; ok {
		return inFlight, p
	}
	p := &pending{done: make(chan struct{}), chat: m.Chat}
	if m.Kind == bot.KindOther {
		last, ok := g.other[m.Chat]
		if ok && now.Sub(last) < otherWindow {
			g.rememberLocked(m.Key)
			return collapsed, nil
		}
		if len(g.other) >= otherCap {
			g.sweepLocked(now)
		}
		p.other, p.prevOther = true, last
		g.other[m.Chat] = now
	}
	g.flight[m.Key] = p
	return admitted, p
}

// skip remembers key as handled without handing it up (the bot's own
// echoes), so its redeliveries are dropped too.
func (g *gate) skip(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rememberLocked(key)
}

// commit marks key as handled: its redeliveries are dropped from now on and
// whoever waits for it is released.
func (g *gate) commit(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if p, ok := g.flight[key]; ok {
		close(p.done)
		delete(g.flight, key)
	}
	g.rememberLocked(key)
}

// withdraw undoes admit for a message that was never handed up (its webhook
// delivery gave up first), so a redelivery is handed up again.
func (g *gate) withdraw(key string, p *pending) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.flight[key] != p {
		return
	}
	delete(g.flight, key)
	if p.other {
		if p.prevOther.IsZero() {
			delete(g.other, p.chat)
		} else {
			g.other[p.chat] = p.prevOther
		}
	}
}

func (g *gate) rememberLocked(key string) {
	if _, ok := g.seen[key]; ok {
		return
	}
	if old := g.ring[g.next]; old != "" {
		delete(g.seen, old)
	}
	g.ring[g.next] = key
	g.next = (g.next + 1) % len(g.ring)
	g.seen[key] = struct{}{}
}

// sweepLocked forgets the chats whose KindOther window is over.
func (g *gate) sweepLocked(now time.Time) {
	for chat, t := range g.other {
		if now.Sub(t) >= otherWindow {
			delete(g.other, chat)
		}
	}
}
