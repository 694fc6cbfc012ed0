package bottest

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"lamtheo/bot"
)

// Outbox is an in-memory bot.Outbox for sender tests. It numbers envelopes
// from 1, signals Wake after every Enqueue, refuses to finish an envelope
// twice and remembers every Result and every Progress. Its zero value is
// not usable; call NewOutbox. All methods are safe for concurrent use.
type Outbox struct {
	mu       sync.Mutex
	seq      uint64
	queue    []bot.Envelope // in Seq order; finished ones are removed lazily
	done     map[uint64]bool
	results  map[uint64]bot.Result
	order    []uint64       // seqs in the order they were finished
	progress map[uint64]int // parts recorded by Progress, until finished
	reads    int            // Pending and PendingTo calls
	wake     chan struct{}

	// FinishErr, when set, is called before every Finish and Progress; a
	// non-nil error is returned instead of recording anything (a failing
	// disk, or a process killed at that point).
	FinishErr func(seq uint64) error
}

var _ bot.Outbox = (*Outbox)(nil)

// NewOutbox returns an empty Outbox.
func NewOutbox() *Outbox {
	return &Outbox{
		done:     make(map[uint64]bool),
		results:  make(map[uint64]bot.Result),
		progress: make(map[uint64]int),
		wake:     make(chan struct{}, 1),
	}
}

// Enqueue queues replies in order, stamped with time.Now, signals Wake and
// returns their sequence numbers.
func (o *Outbox) Enqueue(replies ...bot.Reply) []uint64 {
	o.mu.Lock()
	seqs := make([]uint64, 0, len(replies))
	for _, r := range replies {
		o.seq++
		o.queue = append(o.queue, bot.Envelope{Seq: o.seq, Reply: r, Queued: time.Now()})
		seqs = append(seqs, o.seq)
	}
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
	return seqs
}

// Wake is signalled after every Enqueue; give it to bot.Sender.Wake.
func (o *Outbox) Wake() <-chan struct{} { return o.wake }

// Pending returns up to n unfinished envelopes with Seq greater than after.
func (o *Outbox) Pending(ctx context.Context, after uint64, n int) ([]bot.Envelope, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return o.pending(after, n, func(bot.Envelope) bool { return true }), nil
}

// PendingTo returns up to n unfinished envelopes to chat of kind bulk with
// Seq greater than after.
func (o *Outbox) PendingTo(ctx context.Context, chat bot.ChatID, bulk bool, after uint64, n int) ([]bot.Envelope, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return o.pending(after, n, func(e bot.Envelope) bool { return e.Reply.Chat == chat && e.Reply.Bulk == bulk }), nil
}

// pending returns up to n unfinished envelopes after after that match.
func (o *Outbox) pending(after uint64, n int, match func(bot.Envelope) bool) []bot.Envelope {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.reads++
	o.compact()
	i := sort.Search(len(o.queue), func(i int) bool { return o.queue[i].Seq > after })
	var out []bot.Envelope
	for ; i < len(o.queue) && len(out) < n; i++ {
		if e := o.queue[i]; !o.done[e.Seq] && match(e) {
			e.Sent = o.progress[e.Seq]
			out = append(out, e)
		}
	}
	return out
}

// Progress records that the first sent parts of envelope seq went out.
func (o *Outbox) Progress(ctx context.Context, seq uint64, sent int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if o.FinishErr != nil {
		if err := o.FinishErr(seq); err != nil {
			return err
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if seq == 0 || seq > o.seq {
		return fmt.Errorf("progress %d: no such envelope", seq)
	}
	if !o.done[seq] && sent > o.progress[seq] {
		o.progress[seq] = sent
	}
	return nil
}

// compact drops finished envelopes from the front of the queue, and from
// all of it once half of it is finished.
func (o *Outbox) compact() {
	i := 0
	for i < len(o.queue) && o.done[o.queue[i].Seq] {
		i++
	}
	o.queue = o.queue[i:]
	finished := 0
	for _, e := range o.queue {
		if o.done[e.Seq] {
			finished++
		}
	}
	if finished > 0 && finished*2 >= len(o.queue) {
		kept := o.queue[:0:0]
		for _, e := range o.queue {
			if !o.done[e.Seq] {
				kept = append(kept, e)
			}
		}
		o.queue = kept
	}
}

// Finish records res for the envelope seq and removes it from the queue. It
// fails for an unknown or already finished seq.
func (o *Outbox) Finish(ctx context.Context, seq uint64, res bot.Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if o.FinishErr != nil {
		if err := o.FinishErr(seq); err != nil {
			return err
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if seq == 0 || seq > o.seq {
		return fmt.Errorf("finish %d: no such envelope", seq)
	}
	if o.done[seq] {
		return fmt.Errorf("finish %d: already finished", seq)
	}
	o.done[seq] = true
	delete(o.progress, seq)
	o.results[seq] = res
	o.order = append(o.order, seq)
	return nil
}

// Len returns how many envelopes are not finished yet.
func (o *Outbox) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return int(o.seq) - len(o.done)
}

// Result returns the Result seq was finished with, and whether it was.
func (o *Outbox) Result(seq uint64) (bot.Result, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	r, ok := o.results[seq]
	return r, ok
}

// Finished returns the seqs finished so far, in the order they were.
func (o *Outbox) Finished() []uint64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]uint64(nil), o.order...)
}

// Reads returns how often the outbox was read (Pending and PendingTo).
func (o *Outbox) Reads() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.reads
}
