package bot

import (
	"context"
	"errors"
	"time"
)

// Envelope is one Reply waiting in the outbox.
type Envelope struct {
	Seq    uint64 // queue position; increases with every enqueued Reply
	Reply  Reply
	Queued time.Time
	// Sent is how many of the Reply's messages (the parts the Sender cuts
	// it into) were delivered already, as Outbox.Progress recorded: a run
	// stopped in the middle of a long reply resumes after them.
	Sent int
}

// Result is how an envelope's delivery ended.
type Result struct {
	Ref         string // the platform's id of the sent message (last part)
	Sent        int    // messages the platform accepted for the envelope (its parts)
	Unreachable bool   // the chat cannot be reached (blocked, kicked): recorded, not retried
	Dropped     string // non-empty when the platform refused the message for good: why
}

// Outbox is the persistent queue of replies that the Sender drains. Replies
// are enqueued by the handler inside its write transaction (see the flows
// store); the Sender only reads them, records their progress and finishes
// them. Each chat's replies form two queues, the bulk ones and the others,
// which the Sender reads by chat so that one chat's backlog never hides
// another chat's reply.
type Outbox interface {
	// Pending returns up to n envelopes with Seq greater than after, in Seq
	// order.
	Pending(ctx context.Context, after uint64, n int) ([]Envelope, error)
	// PendingTo returns up to n envelopes to chat whose Reply.Bulk is bulk
	// and whose Seq is greater than after, in Seq order: a part of one of
	// chat's queues.
	PendingTo(ctx context.Context, chat ChatID, bulk bool, after uint64, n int) ([]Envelope, error)
	// Progress records that the first sent messages of envelope seq were
	// delivered (Envelope.Sent from then on; a smaller sent than recorded
	// changes nothing). Recording an envelope that is gone is not an error.
	Progress(ctx context.Context, seq uint64, sent int) error
	// Finish removes the envelope seq from the queue and records res (an
	// unreachable chat is remembered so flows stop writing to it).
	Finish(ctx context.Context, seq uint64, res Result) error
}

// FileSource gives the bytes of the stored files the outbox refers to
// (File.ID). It is safe for concurrent use.
type FileSource interface {
	// FileData returns the bytes of stored file id, or an error wrapping
	// ErrNoFile when there is none (it was cleaned away).
	FileData(ctx context.Context, id string) ([]byte, error)
}

// ErrNoFile is wrapped by FileSource.FileData's error for a file that is
// not stored (any more): the reply is sent without it.
var ErrNoFile = errors.New("no such file")
