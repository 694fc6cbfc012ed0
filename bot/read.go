package bot

import (
	"container/heap"
	"time"
)

// wantFetch reports whether Run should read the outbox now.
func (d *dispatch) wantFetch(now time.Time) bool {
	return d.scanRoom() && !now.Before(d.nextFetch) ||
		d.catchUpRoom() && !now.Before(d.nextBulk)
}

// scanRoom reports whether the non-bulk window has room for a batch.
func (d *dispatch) scanRoom() bool { return d.loaded <= maxLoaded-fetchBatch }

// catchUpRoom reports whether bulk envelopes were left behind and the bulk
// window has room for a batch of them.
func (d *dispatch) catchUpRoom() bool {
	return d.bulkBehind && d.bulkLoaded <= maxLoaded-fetchBatch
}

// fetch scans the outbox past d.after and catches up on the bulk envelopes
// the scan left behind, as far as the windows allow.
func (d *dispatch) fetch(now time.Time, haveWake bool) {
	if d.scanRoom() && !now.Before(d.nextFetch) {
		d.scan(now, haveWake)
	}
	if d.catchUpRoom() && !now.Before(d.nextBulk) {
		d.catchUp(now)
	}
}

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
				d.load(e, now)
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
	d.log.Warn("read outbox failed", "err", err, "retry_in", d.fetchWait)
	return now.Add(d.fetchWait)
}

// add takes one envelope the scan read: it loads a non-bulk one, and a
// bulk one unless bulk ones are already left behind or the bulk window is
// full (then it leaves it for catchUp).
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
	d.load(e, now)
}

// load queues one envelope behind its chat's earlier ones of its kind.
func (d *dispatch) load(e Envelope, now time.Time) {
	caps := d.s.Conn.Caps()
	c := d.chats[e.Reply.Chat]
	if c == nil {
		c = &chat{id: e.Reply.Chat, index: -1, group: caps.IsGroup(e.Reply.Chat)}
		d.chats[c.id] = c
	}
	j := &job{env: e, parts: splitReply(e.Reply, caps.MaxText, caps.Measure)}
	if e.Reply.Bulk {
		c.bulk = append(c.bulk, j)
		d.bulkLoaded++
	} else {
		c.jobs = append(c.jobs, j)
		d.loaded++
	}
	if c.heap != nil {
		heap.Fix(c.heap, c.index) // its head may have changed
	}
	d.schedule(c, now)
}
