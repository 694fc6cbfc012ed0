package bot

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Sender tuning. They are constants rather than fields: nothing outside the
// tests has asked to change them.
const (
	// sendTimeout bounds one Conn.Send, so a stalled connection only delays
	// its chat; a timed-out send is retried like any transient failure.
	sendTimeout = 2 * time.Minute
	// firstBackoff and maxBackoff bound the per-chat wait after a transient
	// failure (5xx, timeout, transport): it doubles from the first to the
	// cap and resets after a success.
	firstBackoff = time.Second
	maxBackoff   = 5 * time.Minute
	// maxLoaded is how many envelopes of each kind (bulk or not) the Sender
	// holds in memory at once; fetchBatch how many it reads from the outbox
	// per Pending call; maxRead how many it reads in one go before it lets
	// the sends go on (stepping over a long bulk wave takes several goes).
	maxLoaded  = 2048
	fetchBatch = 256
	maxRead    = 2048
	// perChat is how many envelopes of each kind one chat has loaded at
	// most; the rest of its queue waits in the outbox and is read by chat
	// as these are sent. A chat with thousands of replies queued (a
	// stranger's flood) so holds as little of the window as any other, and
	// the replies to everyone else are read past it.
	perChat = 4
	// pollEvery is how often the outbox is read without a Wake channel;
	// pollWithWake the safety net when there is one.
	pollEvery    = time.Second
	pollWithWake = 30 * time.Second
	// maxFinishBackoff caps the wait between tries of a failing Finish or
	// Progress.
	maxFinishBackoff = time.Minute
)

// Sender drains an Outbox through a Conn under the platform's Limits. Set
// the exported fields, then call Run once (in its own goroutine); WaitIdle
// may be called from any goroutine, any number of times. A Sender must not
// be copied after first use.
//
// Delivery is at least once and in order per chat and kind: at most one
// envelope per chat is in flight, a chat's later envelope never goes before
// an earlier one of the same kind (also while the earlier one waits for a
// retry), and an envelope is Finished only after its last part was sent (or
// the platform refused it for good). Each sent message is recorded before
// the chat's next one goes (Outbox.Progress after a part that is not the
// last, Finish after the last), and a later run resumes a reply after its
// recorded parts; so a crash repeats at most the one message per chat that
// was in flight, and a send whose answer was lost (a timeout after the
// platform took it) is repeated once. Different chats are sent
// concurrently and their records are written concurrently, which lets a
// store that groups writes commit them together. How many are in flight
// follows from the pacing: sends start at the allowed rate and each stays
// in flight for its round trip and its record, so about PerSecond times
// that time are in flight (Little's law: 10 at 30/s and 300 ms), whatever
// the latency, up to Limits.MaxConcurrent. When that bound is what holds
// sends back, the Sender says so once per run.
//
// Replies that are not Reply.Bulk go first: they are read from the outbox
// ahead of the bulk ones (the Sender steps over a bulk wave to find them)
// and a chat whose next envelope is not bulk is sent to before any chat
// whose next one is. So an answer to a person waits for the sends in
// flight and the pacing, not for a broadcast queued before it. A chat's
// bulk envelope may be overtaken by a later non-bulk one to the same chat
// (never in the middle of its parts). Bulk envelopes are sent whenever no
// non-bulk one is ready, so a wave drains at whatever rate the interactive
// traffic leaves.
//
// Chats are served fairly. The Sender holds at most perChat envelopes of
// each kind per chat and reads the rest of a chat's queue by chat
// (Outbox.PendingTo) as they are sent, so a chat with thousands of replies
// queued (a stranger's flood) never keeps the replies to other chats from
// being read. Among chats ready to send the same kind, the one that has
// waited longest goes first (since its head envelope was read or its own
// limits let it send again, whichever is later; then the oldest envelope),
// so the chats with a backlog take turns and a reply to anyone else waits
// at most one turn of them, not for their backlogs. Bulk chats with
// several messages loaded go before those with one (see chatHeap), so a
// wave's groups and split reminders keep pace with the wave.
// Sends are paced by Limits (PerChat between two sends to a chat, PerGroup
// per GroupWindow to a group chat, and across all chats at most PerSecond
// sends, evenly spaced, in any sliding second widened by a margin for the
// jitter between the Sender and the platform; see pacer), so a platform
// that keeps those limits never has to answer 429.
// If it does (*SendError.RetryAfter), that chat waits RetryAfter and the same
// part is sent again; when two chats are told to wait within one pause,
// everyone waits. Unreachable chats are finished with Result.Unreachable,
// refused messages (SendError.Permanent) with Result.Dropped; any other
// error is retried with a per-chat exponential backoff (1 s doubling to
// 5 min) and never dropped. Texts longer than the Conn's Caps.MaxText are
// sent as several messages (see Measure.Split); group chats are those
// Caps.IsGroup tells. All waiting uses time.Now and timers, so
// testing/synctest can run a Sender in virtual time.
type Sender struct {
	Outbox Outbox       // where the replies wait; read and finished only
	Conn   Conn         // the platform; Send is called concurrently
	Limits Limits       // the platform's limits; the zero value means none
	Log    *slog.Logger // nil discards
	// Wake is signalled when new envelopes were committed. When nil, the
	// Sender reads the outbox every second.
	Wake <-chan struct{}
	// Files loads the bytes of a reply's stored file (File.ID without
	// Data) just before the reply is sent, so they sit in memory only
	// while it goes out. Nil: such a reply is sent without its file.
	Files FileSource

	once     sync.Once
	kick     chan struct{} // WaitIdle asks Run to read the outbox now
	mu       sync.Mutex
	progress chan struct{} // closed and replaced after every Finish
}

func (s *Sender) init() {
	s.once.Do(func() {
		s.kick = make(chan struct{}, 1)
		s.progress = make(chan struct{})
	})
}

// progressed wakes every WaitIdle.
func (s *Sender) progressed() {
	s.mu.Lock()
	close(s.progress)
	s.progress = make(chan struct{})
	s.mu.Unlock()
}

// WaitIdle returns nil once the outbox holds no unfinished envelope, which
// means nothing is queued or in flight, or ctx.Err() when ctx ends first. It
// reads the outbox itself, so a reply enqueued before the call is waited for
// even if Run has not seen it yet; it also asks Run to read the outbox at
// once. It waits forever while Run is not running and the outbox is not
// empty, or while a chat's envelope keeps failing.
func (s *Sender) WaitIdle(ctx context.Context) error {
	s.init()
	for {
		s.mu.Lock()
		progress := s.progress
		s.mu.Unlock()
		envs, err := s.Outbox.Pending(ctx, 0, 1)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("wait idle: %w", err)
		}
		if len(envs) == 0 {
			return nil
		}
		select {
		case s.kick <- struct{}{}:
		default:
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-progress:
		}
	}
}

// Run sends queued envelopes until ctx is done, then waits for the sends in
// flight to return and returns nil. Failures are retried (see Sender), so Run
// returns an error only when it is not set up. Run must not be called again
// while it runs.
func (s *Sender) Run(ctx context.Context) error {
	if s.Outbox == nil || s.Conn == nil {
		return errors.New("sender: outbox or conn not set")
	}
	s.init()
	d := &dispatch{
		s:       s,
		ctx:     ctx,
		log:     s.Log,
		chats:   make(map[ChatID]*chat),
		results: make(chan result),
		waiting: chatHeap{byReady: true},
		ready:   chatHeap{limits: s.Limits},
		pace:    newPacer(s.Limits.PerSecond),
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	wake := s.Wake
	defer d.drain()

	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := time.Now()
		if d.wantFetch(now) {
			d.fetch(now, wake != nil)
			now = time.Now()
		}
		d.promote(now)
		d.launch(now)
		if !now.Before(d.nextSweep) {
			d.sweep(now)
		}
		next := d.nextEvent(now)
		timer.Reset(next.Sub(now))
		select {
		case <-ctx.Done():
			return nil
		case r := <-d.results:
			d.handle(r)
		case _, ok := <-wake:
			if !ok {
				wake = nil // closed: fall back to polling
			}
			d.nextFetch = time.Time{}
		case <-s.kick:
			d.nextFetch = time.Time{}
		case <-timer.C:
		}
	}
}

// dispatch is the state of one Run. Only Run's goroutine touches it; the
// send goroutines get a job to send and return a result.
type dispatch struct {
	s   *Sender
	ctx context.Context
	log *slog.Logger

	// The scan reads every envelope in Seq order and loads the non-bulk
	// ones; it loads a bulk one too while no bulk one was left behind and
	// the bulk window has room. The catch-up reads the bulk envelopes the
	// scan left behind, from bulkAfter up to after, as the window frees.
	after      uint64        // highest Seq the scan read from the outbox
	loaded     int           // non-bulk envelopes read and not finished
	nextFetch  time.Time     // scan at or after this, when there is room
	bulkAfter  uint64        // every bulk envelope up to this Seq was loaded
	bulkLoaded int           // bulk envelopes read and not finished
	bulkBehind bool          // the scan left bulk envelopes after bulkAfter
	nextBulk   time.Time     // catch up at or after this, when there is room
	fetchWait  time.Duration // backoff after a failing Pending
	// Chats whose queues left envelopes in the outbox, to be read by chat
	// (refill) when due: after a chat was listed or room was freed.
	refills    []*chat
	refillNow  bool
	nextRefill time.Time // refill at or after this (backoff)

	chats   map[ChatID]*chat
	waiting chatHeap // chats with work that must wait, by readyAt
	ready   chatHeap // chats with work that may send now, by head Seq

	inflight   int
	results    chan result
	pace       pacer     // the overall rate
	lastPause  ChatID    // the chat of the latest 429...
	pauseUntil time.Time // ...and when its pause ends
	nextSweep  time.Time
	capped     bool // told that MaxConcurrent held sends back
}

// result is what a send goroutine reports.
type result struct {
	c    *chat
	j    *job  // the job whose part was sent
	err  error // nil: the part went out
	done bool  // the envelope was finished
	stop bool  // the run is ending: nothing happened that must be kept
}

// launch starts sends for ready chats, oldest envelope first, as far as
// the concurrency and the overall rate allow.
func (d *dispatch) launch(now time.Time) {
	for d.ready.Len() > 0 && d.canLaunch(now) {
		c := heap.Pop(&d.ready).(*chat)
		c.busy = true
		c.last = now
		if d.groupLimited(c) {
			c.recent = append(c.recent, now)
			if len(c.recent) > d.s.Limits.PerGroup {
				c.recent = c.recent[1:]
			}
		}
		d.pace.started(now)
		d.inflight++
		j := c.head()
		go d.send(c, j, j.parts[j.next], j.next == len(j.parts)-1)
	}
}

// nextEvent returns when Run must look again without being woken.
func (d *dispatch) nextEvent(now time.Time) time.Time {
	next := now.Add(time.Hour)
	if d.scanRoom() {
		next = earlier(next, d.nextFetch)
	}
	if d.catchUpRoom() {
		next = earlier(next, d.nextBulk)
	}
	if d.refillDue() {
		next = earlier(next, d.nextRefill)
	}
	if d.waiting.Len() > 0 {
		next = earlier(next, d.waiting.items[0].readyAt)
	}
	if d.ready.Len() > 0 && !d.pace.ready(now) {
		if m := d.s.Limits.MaxConcurrent; m <= 0 || d.inflight < m {
			next = earlier(next, d.pace.next)
		}
	}
	next = earlier(next, d.nextSweep)
	return later(next, now)
}

// send sends one part in its own goroutine and records it: the progress of
// the envelope after a part that is not its last, and the envelope's end
// after its last part, or for good on an unreachable chat or a refused
// message. It reports to Run, which waits for every send, only once the
// record is committed, so a chat's next message never goes out before the
// previous one is recorded: a crash repeats at most the one in flight.
func (d *dispatch) send(c *chat, j *job, part Reply, last bool) {
	r := result{c: c, j: j}
	defer func() { d.results <- r }()
	ctx, cancel := context.WithTimeout(d.ctx, sendTimeout)
	part, err := d.withFile(ctx, part)
	var ref string
	if err == nil {
		ref, err = d.s.Conn.Send(ctx, part)
	}
	cancel()
	if err != nil && d.ctx.Err() != nil {
		r.stop = true // the run ends: the envelope is sent again next run
		return
	}
	r.err = err
	res := Result{Sent: j.next} // the parts before this one went out
	if err == nil {
		res.Sent++
	}
	var se *SendError
	switch {
	case err == nil && !last:
		sent := j.next + 1
		if !d.record(j.env.Seq, "progress", func(ctx context.Context) error {
			return d.s.Outbox.Progress(ctx, j.env.Seq, sent)
		}) {
			r.stop = true
		}
		return
	case err == nil:
		res.Ref = ref
	case errors.As(err, &se) && se.Unreachable:
		res.Unreachable = true
		d.log.Info("chat unreachable", LogKeyChat, c.id.String(), LogKeySeq, j.env.Seq, "code", se.Code, LogKeyReason, se.Message)
	case errors.As(err, &se) && se.Permanent:
		res.Dropped = dropReason(se)
		d.log.Warn("message dropped", LogKeyChat, c.id.String(), LogKeySeq, j.env.Seq, "part", j.next+1, "code", se.Code, LogKeyReason, se.Message)
	default:
		return
	}
	if !d.record(j.env.Seq, "finish", func(ctx context.Context) error {
		return d.s.Outbox.Finish(ctx, j.env.Seq, res)
	}) {
		r.stop = true
		return
	}
	d.s.progressed()
	r.done = true
}

func dropReason(se *SendError) string {
	if se.Message != "" {
		return se.Message
	}
	return fmt.Sprintf("error %d", se.Code)
}

// record writes what happened to envelope seq to the outbox with write
// (Outbox.Finish or Progress), trying again with a growing pause while it
// fails. The first try is made even when the run is ending, so a send that
// completed is not repeated by the next run. It reports false only when
// the run ends before a try succeeds; the message is then sent again by
// the next run. Concurrent records are committed together by a store that
// groups its writes (store.DB does), so a mark per message costs little
// more than a mark per batch.
func (d *dispatch) record(seq uint64, what string, write func(context.Context) error) bool {
	wait := time.Second
	ctx := context.WithoutCancel(d.ctx)
	for {
		err := write(ctx)
		if err == nil {
			return true
		}
		if d.ctx.Err() != nil {
			return false
		}
		d.log.Error("record envelope failed", LogKeySeq, seq, "record", what, LogKeyErr, err, LogKeyRetryIn, wait)
		ctx = d.ctx
		t := time.NewTimer(wait)
		select {
		case <-d.ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
		wait = min(2*wait, maxFinishBackoff)
	}
}

// handle applies what a send goroutine reported.
func (d *dispatch) handle(r result) {
	now := time.Now()
	d.noteCap(now)
	d.inflight--
	c, j := r.c, r.j
	c.busy = false
	if r.stop {
		return
	}
	var se *SendError
	switch {
	case r.done:
		// j is the first of its kind: a chat's jobs go in order per kind.
		q := c.queue(j.env.Reply.Bulk)
		q.jobs[0] = nil
		q.jobs = q.jobs[1:]
		if j.env.Reply.Bulk {
			d.bulkLoaded--
		} else {
			d.loaded--
		}
		c.backoff, c.failing = 0, 0
		d.wantRefill(c)
		d.refillNow = true // room was freed
	case r.err == nil:
		j.next++
		c.backoff, c.failing = 0, 0
	case errors.As(r.err, &se) && se.RetryAfter > 0:
		c.paused = later(c.paused, now.Add(se.RetryAfter))
		global := d.lastPause != c.id && now.Before(d.pauseUntil)
		d.lastPause, d.pauseUntil = c.id, now.Add(se.RetryAfter)
		if global {
			d.pace.pause(now.Add(se.RetryAfter))
		}
		d.log.Warn("send throttled", LogKeyChat, c.id.String(), LogKeySeq, j.env.Seq,
			LogKeyRetryAt, se.RetryAfter, "all_chats", global)
	default:
		if c.backoff == 0 {
			c.backoff = firstBackoff
		} else {
			c.backoff = min(2*c.backoff, maxBackoff)
		}
		c.failing++
		c.paused = now.Add(c.backoff)
		level := slog.LevelDebug
		if c.failing == 1 || c.backoff == maxBackoff {
			level = slog.LevelWarn
		}
		d.log.Log(d.ctx, level, "send failed", LogKeyChat, c.id.String(), LogKeySeq, j.env.Seq,
			"failures", c.failing, LogKeyRetryIn, c.backoff, LogKeyErr, r.err)
	}
	d.schedule(c, now)
}

// sweep forgets idle chats whose limits no longer matter, so a long run's
// memory follows its active chats.
func (d *dispatch) sweep(now time.Time) {
	d.nextSweep = now.Add(time.Minute)
	for id, c := range d.chats {
		if !c.busy && c.head() == nil && !c.refill && !c.replies.behind && !c.bulk.behind && d.forgettable(c, now) {
			delete(d.chats, id)
		}
	}
}

// forgettable reports whether none of c's limits or pauses still applies at
// now, so that a new chat in its place would be paced the same.
func (d *dispatch) forgettable(c *chat, now time.Time) bool {
	l := d.s.Limits
	if c.paused.After(now) || l.PerChat > 0 && c.last.Add(l.PerChat).After(now) {
		return false
	}
	return len(c.recent) == 0 || !c.recent[len(c.recent)-1].Add(l.GroupWindow).After(now)
}

// drain waits for the sends in flight after ctx ended.
func (d *dispatch) drain() {
	for d.inflight > 0 {
		<-d.results
		d.inflight--
	}
}
