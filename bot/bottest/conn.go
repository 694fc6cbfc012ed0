package bottest

import (
	"context"
	"io"
	"strconv"
	"sync"
	"time"

	"lamtheo/bot"
)

// Conn is a recording fake bot.Conn, like httptest.ResponseRecorder for
// chats. Tests Push batches of incoming messages for Receive, and read back
// every Send (in call order) and every Ack. Send can be made to fail per call
// (Fail), to take time (Latency) and to enforce rate limits the way Telegram
// does (Limits). Times come from time.Now and sleeps from time.Sleep, so it
// works inside a testing/synctest bubble. Set the exported fields before
// first use; all methods are safe for concurrent use. Its zero value is not
// usable; call NewConn.
type Conn struct {
	// Limits are enforced on Send when non-zero: PerSecond is the most
	// sends accepted in any rolling second, PerChat the least gap between
	// two accepted sends to one chat, PerGroup the most accepted within any
	// rolling GroupWindow to one group chat (Declared.IsGroup). A send over
	// a limit fails with *bot.SendError{Code: 429, RetryAfter: whole
	// seconds} and is not delivered; only accepted sends count.
	Limits bot.Limits
	// Fail, when set, is called for every Send with its call number (from
	// 1) and reply before anything else; a non-nil error is returned and
	// the reply is not delivered.
	Fail func(call int, r bot.Reply) error
	// Latency is how long every Send takes after it was delivered or
	// refused. If ctx ends meanwhile Send returns ctx.Err(), though a
	// delivered reply stays delivered (like a real timeout).
	Latency time.Duration
	// Declared is what Caps returns. NewConn sets Telegram's shape:
	// platform "telegram", buttons, group ids starting with "-", texts
	// counted in UTF-16 units and not limited.
	Declared bot.Caps

	mu        sync.Mutex
	in        [][]bot.Message
	received  int // batches handed out by Receive
	closed    bool
	notify    chan struct{} // closed and replaced when input changes
	calls     int
	sent      []Sent
	throttled int
	acks      []bot.Message
	global    []time.Time // accepted sends within the last second
	last      map[bot.ChatID]time.Time
	group     map[bot.ChatID][]time.Time
}

var _ bot.Conn = (*Conn)(nil)

// Sent is one reply Conn delivered.
type Sent struct {
	Reply bot.Reply
	Ref   string    // the id Send returned: "1", "2"... in delivery order
	Time  time.Time // when Send was called
	Call  int       // the Send call number, counting failed calls
}

// NewConn returns a Conn with no input, no limits and no failures.
func NewConn() *Conn {
	return &Conn{
		Declared: bot.Caps{
			Platform: bot.Telegram, Service: "Telegram", Buttons: true, Edit: true,
			Measure: bot.UTF16, GroupPrefix: "-",
		},
		notify: make(chan struct{}),
		last:   make(map[bot.ChatID]time.Time),
		group:  make(map[bot.ChatID][]time.Time),
	}
}

// Push queues one batch of incoming messages for Receive.
func (c *Conn) Push(batch ...bot.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.in = append(c.in, batch)
	c.signalLocked()
}

// Close ends the input: once the queued batches are received, Receive
// returns io.EOF.
func (c *Conn) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.signalLocked()
}

func (c *Conn) signalLocked() {
	close(c.notify)
	c.notify = make(chan struct{})
}

// Caps returns c.Declared.
func (c *Conn) Caps() bot.Caps { return c.Declared }

// Receive returns the next pushed batch, blocking until there is one, the
// input is closed (io.EOF) or ctx is done.
func (c *Conn) Receive(ctx context.Context) ([]bot.Message, error) {
	for {
		c.mu.Lock()
		if len(c.in) > 0 {
			b := c.in[0]
			c.in = c.in[1:]
			c.received++
			c.mu.Unlock()
			return b, nil
		}
		closed, notify := c.closed, c.notify
		c.mu.Unlock()
		if closed {
			return nil, io.EOF
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-notify:
		}
	}
}

// Received returns how many batches Receive has handed out.
func (c *Conn) Received() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.received
}

// Ack records m.
func (c *Conn) Ack(ctx context.Context, m bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.acks = append(c.acks, m)
	return nil
}

// Acks returns the acknowledged messages in order.
func (c *Conn) Acks() []bot.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]bot.Message(nil), c.acks...)
}

// Send delivers r unless Fail or Limits refuse it, then waits Latency.
func (c *Conn) Send(ctx context.Context, r bot.Reply) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	ref, err := c.send(r)
	if c.Latency > 0 {
		t := time.NewTimer(c.Latency)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-t.C:
		}
	}
	return ref, err
}

func (c *Conn) send(r bot.Reply) (string, error) {
	c.mu.Lock()
	c.calls++
	call := c.calls
	c.mu.Unlock()
	if c.Fail != nil {
		if err := c.Fail(call, r); err != nil {
			return "", err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if wait := c.limitLocked(r.Chat, now); wait > 0 {
		c.throttled++
		secs := (wait + time.Second - 1) / time.Second
		return "", &bot.SendError{Code: 429, RetryAfter: secs * time.Second,
			Message: "Too Many Requests: retry after " + strconv.Itoa(int(secs))}
	}
	ref := strconv.Itoa(len(c.sent) + 1)
	c.sent = append(c.sent, Sent{Reply: r, Ref: ref, Time: now, Call: call})
	return ref, nil
}

// limitLocked returns how long chat must wait before a send at now is
// allowed, or records the send and returns 0.
func (c *Conn) limitLocked(chat bot.ChatID, now time.Time) time.Duration {
	l := c.Limits
	perSecond := int(l.PerSecond)
	groupLimited := l.PerGroup > 0 && l.GroupWindow > 0 && c.Declared.IsGroup(chat)
	var wait time.Duration
	if perSecond > 0 {
		c.global = connTrim(c.global, now.Add(-time.Second))
		if n := len(c.global); n >= perSecond {
			wait = max(wait, c.global[n-perSecond].Add(time.Second).Sub(now))
		}
	}
	if l.PerChat > 0 {
		if last, ok := c.last[chat]; ok && now.Sub(last) < l.PerChat {
			wait = max(wait, last.Add(l.PerChat).Sub(now))
		}
	}
	if groupLimited {
		c.group[chat] = connTrim(c.group[chat], now.Add(-l.GroupWindow))
		if g := c.group[chat]; len(g) >= l.PerGroup {
			wait = max(wait, g[len(g)-l.PerGroup].Add(l.GroupWindow).Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	if perSecond > 0 {
		c.global = append(c.global, now)
	}
	if l.PerChat > 0 {
		c.last[chat] = now
	}
	if groupLimited {
		c.group[chat] = append(c.group[chat], now)
	}
	return 0
}

// connTrim drops the times at or before cutoff from the sorted ts.
func connTrim(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	return ts[i:]
}

// Sent returns every delivered reply in delivery order.
func (c *Conn) Sent() []Sent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Sent(nil), c.sent...)
}

// SentTo returns the replies delivered to chat, in order.
func (c *Conn) SentTo(chat bot.ChatID) []Sent {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Sent
	for _, s := range c.sent {
		if s.Reply.Chat == chat {
			out = append(out, s)
		}
	}
	return out
}

// Calls returns how often Send was called, failed calls included.
func (c *Conn) Calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// Throttled returns how many sends Limits refused with a 429.
func (c *Conn) Throttled() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.throttled
}
