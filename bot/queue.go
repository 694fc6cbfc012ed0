package bot

import (
	"container/heap"
	"time"
)

// chat is the queue and pacing state of one chat.
type chat struct {
	id      ChatID
	group   bool        // a group chat (Caps.IsGroup)
	jobs    []*job      // non-bulk envelopes in Seq order
	bulk    []*job      // bulk envelopes in Seq order
	busy    bool        // a send of jobs[0] is in flight
	heap    *chatHeap   // the heap holding the chat, if any
	index   int         // its index there
	readyAt time.Time   // earliest next send (set when queued)
	last    time.Time   // when the last send to it started
	recent  []time.Time // group chats: starts of the last PerGroup sends
	paused  time.Time   // no send before this (429 or backoff)
	backoff time.Duration
	failing int // transient failures in a row
}

// job is one envelope being delivered, cut into parts.
type job struct {
	env   Envelope
	parts []Reply
	next  int // index of the part to send next
}

// head returns the job c sends next: a bulk one whose parts have begun,
// else the oldest non-bulk one, else the oldest bulk one; nil when c has no
// work.
func (c *chat) head() *job {
	if len(c.bulk) > 0 && (len(c.jobs) == 0 || c.bulk[0].next > 0) {
		return c.bulk[0]
	}
	if len(c.jobs) > 0 {
		return c.jobs[0]
	}
	return nil
}

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

// promote moves the chats whose wait is over to the ready heap.
func (d *dispatch) promote(now time.Time) {
	for d.waiting.Len() > 0 && !d.waiting.items[0].readyAt.After(now) {
		c := heap.Pop(&d.waiting).(*chat)
		heap.Push(&d.ready, c)
	}
}

// chatHeap orders chats by readyAt (byReady), then by their next
// envelope: non-bulk before bulk, then by Seq, so the oldest waiting reply
// goes first and a broadcast goes after the replies to people.
type chatHeap struct {
	items   []*chat
	byReady bool
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
	return ja.env.Seq < jb.env.Seq
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
