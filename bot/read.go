package bot

import (
	"time"
)

// wantFetch reports whether Run should read the outbox now.
func (d *dispatch) wantFetch(now time.Time) bool {
	return d.scanRoom() && !now.Before(d.nextFetch) ||
		d.catchUpRoom() && !now.Before(d.nextBulk) ||
		d.refillDue()
}

// scanRoom reports whether the non-bulk window has room for a batch.
func (d *dispatch) scanRoom() bool { return d.loaded <= maxLoaded-fetchBatch }

// catchUpRoom reports whether bulk envelopes were left behind and the bulk
// window has room for a batch of them.
func (d *dispatch) catchUpRoom() bool {
	return d.bulkBehind && d.bulkLoaded <= maxLoaded-fetchBatch
}

// fetch scans the outbox past d.after, catches up on the bulk envelopes
// the scan left behind and refills the chats' queues, as far as the
// windows allow. The scan goes first: it finds the chats with nothing
// loaded yet.
func (d *dispatch) fetch(now time.Time, haveWake bool) {
	if d.scanRoom() && !now.Before(d.nextFetch) {
		d.scan(now, haveWake)
	}
	if d.catchUpRoom() && !now.Before(d.nextBulk) {
		d.catchUp(now)
	}
	if d.refillDue() && !now.Before(d.nextRefill) {
		d.refill(now)
	}
}

// refillDue reports whether a refill may load something: a chat was
// listed, or room was freed, since the last one.
func (d *dispatch) refillDue() bool { return d.refillNow && len(d.refills) > 0 }

// scan reads envelopes after d.after until the non-bulk window is full,
// the outbox has no more or maxRead were read.
func (d *dispatch) scan(now time.Time, haveWake bool) {
	poll := pollEvery
	if haveWake {
		poll = pollWithWake
	}
	for read := 0; d.scanRoom(); read += fetchBatch {
		if read >= maxRead {
			d.nextFetch = time.Time{} // read on after the next sends
			return
		}
		envs, err := d.s.Outbox.Pending(d.ctx, d.after, fetchBatch)
		if err != nil {
			d.nextFetch = d.fetchFailed(now, err)
			return
		}
		d.fetchWait = 0
		for _, e := range envs {
			d.add(e, now)
		}
		if len(envs) < fetchBatch {
			d.nextFetch = now.Add(poll)
			return
		}
	}
	// The window is full: read on as soon as it has room.
	d.nextFetch = time.Time{}
}

// catchUp loads the bulk envelopes after d.bulkAfter that the scan left
// behind, until the bulk window is full, it reaches the scan or maxRead
// were read.
func (d *dispatch) catchUp(now time.Time) {
	for read := 0; d.catchUpRoom(); read += fetchBatch {
		if read >= maxRead {
			d.nextBulk = time.Time{}
			return
		}
		envs, err := d.s.Outbox.Pending(d.ctx, d.bulkAfter, fetchBatch)
		if err != nil {
			d.nextBulk = d.fetchFailed(now, err)
			return
		}
		d.fetchWait = 0
		reached := len(envs) < fetchBatch
		for _, e := range envs {
			if e.Seq <= d.bulkAfter {
				continue // an outbox that ignores after must not cause a resend
			}
			if e.Seq > d.after {
				reached = true
				break
			}
			d.bulkAfter = e.Seq
			if e.Reply.Bulk {
				d.offer(e, now)
			}
		}
		if reached || d.bulkAfter >= d.after {
			// Every bulk envelope the scan has passed is loaded: the scan
			// loads the next ones itself.
			d.bulkAfter, d.bulkBehind = d.after, false
		}
	}
	d.nextBulk = time.Time{}
}

// fetchFailed logs a failing Pending and returns when to try again.
func (d *dispatch) fetchFailed(now time.Time, err error) time.Time {
	if d.ctx.Err() != nil {
		return time.Time{}
	}
	d.fetchWait = min(max(2*d.fetchWait, time.Second), time.Minute)
	d.log.Warn("read outbox failed", LogKeyErr, err, LogKeyRetryIn, d.fetchWait)
	return now.Add(d.fetchWait)
}

// add takes one envelope the scan read: a non-bulk one is offered to its
// chat, and so is a bulk one unless bulk ones are already left behind or
// the bulk window is full (then it leaves it for catchUp).
func (d *dispatch) add(e Envelope, now time.Time) {
	if e.Seq <= d.after {
		return // read before: an outbox that ignores after must not cause a resend
	}
	d.after = e.Seq
	if e.Reply.Bulk {
		if d.bulkBehind || d.bulkLoaded >= maxLoaded {
			d.bulkBehind = true
			return
		}
		d.bulkAfter = e.Seq
	}
	d.offer(e, now)
}

// offer loads e unless its chat's queue of e's kind is full (perChat
// loaded) or left envelopes before e in the outbox; then e stays there
// too, and refill reads them by chat as the queue empties. So one chat's
// backlog takes perChat places of the window, however long it is, and the
// scan goes on past it to the other chats.
func (d *dispatch) offer(e Envelope, now time.Time) {
	c := d.chat(e.Reply.Chat)
	q := c.queue(e.Reply.Bulk)
	switch {
	case e.Seq <= q.upTo:
		return // loaded already, by a refill
	case q.behind || len(q.jobs) >= perChat:
		q.behind = true
		c.reorder() // its bulkNeed grew
		d.wantRefill(c)
		return
	}
	d.load(c, q, e, now)
}

// chat returns the state of chat id, making it if need be.
func (d *dispatch) chat(id ChatID) *chat {
	c := d.chats[id]
	if c == nil {
		c = &chat{id: id, index: -1, group: d.s.Conn.Caps().IsGroup(id)}
		d.chats[id] = c
	}
	return c
}

// load queues e at the end of q, c's queue of e's kind. Its delivery
// resumes after the parts an earlier run recorded (Envelope.Sent); if the
// reply is cut into fewer parts now (the Conn's limits changed), its last
// part is sent again rather than none.
func (d *dispatch) load(c *chat, q *queue, e Envelope, now time.Time) {
	caps := d.s.Conn.Caps()
	j := &job{env: e, parts: splitReply(e.Reply, caps.MaxText, caps.Measure), loaded: now}
	j.next = min(max(e.Sent, 0), len(j.parts)-1)
	q.jobs = append(q.jobs, j)
	q.upTo = e.Seq
	if e.Reply.Bulk {
		d.bulkLoaded++
	} else {
		d.loaded++
	}
	c.reorder() // its head may have changed
	d.schedule(c, now)
}

// wantRefill lists c for refill if one of its queues wants envelopes it
// left in the outbox.
func (d *dispatch) wantRefill(c *chat) {
	if !c.refill && (c.replies.wants() || c.bulk.wants()) {
		c.refill = true
		d.refills = append(d.refills, c)
		d.refillNow = true
	}
}

// refillRoom reports whether the window of the kind bulk has room for a
// refill. It leaves a batch's room to the scan, so that refills of a few
// long queues never keep the scan from the other chats.
func (d *dispatch) refillRoom(bulk bool) bool {
	if bulk {
		return d.bulkLoaded <= maxLoaded-fetchBatch
	}
	return d.scanRoom()
}

// refill reads, for each listed chat, the envelopes its queues left in
// the outbox (PendingTo), up to perChat loaded, as far as the windows have
// room. A chat stays listed while a queue still wants more and its window
// is full; the next refill is due when a send frees room.
func (d *dispatch) refill(now time.Time) {
	d.refillNow = false
	kept := d.refills[:0]
	for i, c := range d.refills {
		for _, bulk := range []bool{false, true} {
			q := c.queue(bulk)
			if !q.wants() || !d.refillRoom(bulk) {
				continue
			}
			n := perChat - len(q.jobs)
			envs, err := d.s.Outbox.PendingTo(d.ctx, c.id, bulk, q.upTo, n)
			if err != nil {
				d.nextRefill = d.fetchFailed(now, err)
				d.refillNow = true
				kept = append(kept, d.refills[i:]...)
				d.refills = kept
				return
			}
			d.fetchWait = 0
			for _, e := range envs {
				if e.Seq > q.upTo && e.Reply.Chat == c.id && e.Reply.Bulk == bulk {
					d.load(c, q, e, now)
				}
			}
			if len(envs) < n {
				q.behind = false // all of the queue is loaded
				c.reorder()
			}
		}
		if c.replies.wants() || c.bulk.wants() {
			kept = append(kept, c)
		} else {
			c.refill = false
		}
	}
	clear(d.refills[len(kept):])
	d.refills = kept
}
