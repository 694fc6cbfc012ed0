package bot

import (
	"container/heap"
	"time"
)

// chat is the queues and pacing state of one chat.
type chat struct {
	id      ChatID
	group   bool        // a group chat (Caps.IsGroup)
	replies queue       // its envelopes that are not bulk
	bulk    queue       // its bulk envelopes
	refill  bool        // in dispatch.refills
	busy    bool        // a send of head() is in flight
	heap    *chatHeap   // the heap holding the chat, if any
	index   int         // its index there
	readyAt time.Time   // earliest next send (set when queued)
	last    time.Time   // when the last send to it started
	recent  []time.Time // group chats: starts of the last PerGroup sends
	paused  time.Time   // no send before this (429 or backoff)
	backoff time.Duration
	failing int // transient failures in a row
}

// queue is the loaded part of one chat's queue of one kind: at most
// perChat envelopes, in Seq order. The rest wait in the outbox.
type queue struct {
	jobs []*job
	upTo uint64 // the highest Seq of the chat and kind loaded so far
	// behind: envelopes of the chat and kind after upTo were read and left
	// in the outbox because jobs was full; refill reads them by chat.
	behind bool
}

// wants reports whether q left envelopes in the outbox and has room for
// some of them.
func (q *queue) wants() bool { return q.behind && len(q.jobs) < perChat }

// queue returns c's queue of the kind bulk.
func (c *chat) queue(bulk bool) *queue {
	if bulk {
		return &c.bulk
	}
	return &c.replies
}

// job is one envelope being delivered, cut into parts.
type job struct {
	env    Envelope
	parts  []Reply
	next   int       // index of the part to send next
	loaded time.Time // when the Sender read it
}

// head returns the job c sends next: a bulk one whose parts have begun,
// else the oldest non-bulk one, else the oldest bulk one; nil when c has no
// work.
func (c *chat) head() *job {
	b, r := c.bulk.jobs, c.replies.jobs
	if len(b) > 0 && (len(r) == 0 || b[0].next > 0) {
		return b[0]
	}
	if len(r) > 0 {
		return r[0]
	}
	return nil
}

// turn is since when c has been waiting to send its head job: the later of
// the job's loading and the time c's own limits let it send again (its
// readyAt: a second after its last send under Telegram's per-chat limit).
// Chats with the same kind of work take turns by it: a chat with a backlog
// goes behind every chat that was waiting before it became ready again,
// however long its own queue, while a chat that may send back to back (no
// per-chat limit, as in the terminal) keeps its place, so its envelopes
// and their parts go in queue order.
func (c *chat) turn() time.Time { return later(c.head().loaded, c.readyAt) }

// schedule puts c, which is not busy, in the ready or the waiting heap if
// it has work and is in neither yet.
func (d *dispatch) schedule(c *chat, now time.Time) {
	if c.busy || c.head() == nil || c.heap != nil {
		return
	}
	c.readyAt = d.readyAt(c)
	if c.readyAt.After(now) {
		heap.Push(&d.waiting, c)
	} else {
		heap.Push(&d.ready, c)
	}
}

// reorder restores the order of the heap holding c, if any, after its
// queues changed.
func (c *chat) reorder() {
	if c.heap != nil {
		heap.Fix(c.heap, c.index)
	}
}

// promote moves the chats whose wait is over to the ready heap.
func (d *dispatch) promote(now time.Time) {
	for d.waiting.Len() > 0 && !d.waiting.items[0].readyAt.After(now) {
		c := heap.Pop(&d.waiting).(*chat)
		heap.Push(&d.ready, c)
	}
}

// chatHeap orders chats by readyAt (byReady), then by their next
// envelope: non-bulk before bulk; among bulk ones, the chat whose loaded
// wave takes longest alone (bulkNeed) first; then by turn, then by Seq.
// So a broadcast goes after the replies to people, the chat that has
// waited longest goes first (round-robin among chats with a backlog), and
// among equals the oldest envelope. In a wave, the chats that get several
// messages (a long reminder's parts, a group's notes) go whenever their
// limits let them rather than once per round of the whole wave, so they
// are done when the wave is, not in a tail paced by their own limits.
type chatHeap struct {
	items   []*chat
	byReady bool
	limits  Limits // for bulkNeed
}

func (h *chatHeap) Len() int { return len(h.items) }

func (h *chatHeap) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	if h.byReady && !a.readyAt.Equal(b.readyAt) {
		return a.readyAt.Before(b.readyAt)
	}
	ja, jb := a.head(), b.head()
	if ja.env.Reply.Bulk != jb.env.Reply.Bulk {
		return !ja.env.Reply.Bulk
	}
	if ja.env.Reply.Bulk {
		if na, nb := bulkNeed(a, h.limits), bulkNeed(b, h.limits); na != nb {
			return na > nb
		}
	}
	if ta, tb := a.turn(), b.turn(); !ta.Equal(tb) {
		return ta.Before(tb)
	}
	return ja.env.Seq < jb.env.Seq
}

// bulkNeed is how long c's own limits make it take to send the bulk
// messages it has after the next one: its loaded bulk parts, and perChat
// more when its queue left some in the outbox. Zero when one is left.
func bulkNeed(c *chat, l Limits) time.Duration {
	n := 0
	for _, j := range c.bulk.jobs {
		n += len(j.parts) - j.next
	}
	if c.bulk.behind {
		n += perChat
	}
	if n <= 1 {
		return 0
	}
	need := time.Duration(n-1) * l.PerChat
	if c.group && l.PerGroup > 0 && l.GroupWindow > 0 {
		need = max(need, time.Duration(n-1)*l.GroupWindow/time.Duration(l.PerGroup))
	}
	return need
}

func (h *chatHeap) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].index = i
	h.items[j].index = j
}

func (h *chatHeap) Push(x any) {
	c := x.(*chat)
	c.heap, c.index = h, len(h.items)
	h.items = append(h.items, c)
}

func (h *chatHeap) Pop() any {
	n := len(h.items)
	c := h.items[n-1]
	h.items[n-1] = nil
	h.items = h.items[:n-1]
	c.heap, c.index = nil, -1
	return c
}
