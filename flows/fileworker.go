package flows

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"lamtheo/bot"
)

// FileWorker builds the files flows asked for (FileRequest), one at a time
// in its own goroutine, apart from the handling of updates and from the
// senders: while it builds a large export, everyone else's replies are
// handled and sent. Each request is finished in one write transaction that
// stores the file, enqueues its reply and forgets the request, so a crash
// loses none and sends none twice (the outbox's own at-least-once aside).
//
// Set Engine (and Wake), then call Run once; WaitIdle may be called from
// any goroutine. A FileWorker must not be copied after first use.
type FileWorker struct {
	Engine *Engine
	// Wake is signalled after a commit that recorded a request. Nil: the
	// worker looks every second.
	Wake <-chan struct{}

	once     sync.Once
	kick     chan struct{}
	mu       sync.Mutex
	progress chan struct{} // closed and replaced after every finished request
}

// fileBatch is how many requests the worker reads at a time.
const fileBatch = 16

// Pauses of the worker: its poll without Wake, and the bounds of its wait
// after a failing store.
const (
	filePoll       = time.Second
	fileRetryFirst = time.Second
	fileRetryMax   = time.Minute
)

func (w *FileWorker) init() {
	w.once.Do(func() {
		w.kick = make(chan struct{}, 1)
		w.progress = make(chan struct{})
	})
}

// progressed wakes every WaitIdle.
func (w *FileWorker) progressed() {
	w.mu.Lock()
	close(w.progress)
	w.progress = make(chan struct{})
	w.mu.Unlock()
}

// pending returns up to n waiting requests, the ones someone waits for
// first (Tx.FileRequests).
func (w *FileWorker) pending(ctx context.Context, n int) ([]FileRequest, error) {
	var qs []FileRequest
	err := w.Engine.Store.View(ctx, func(tx Tx) error {
		var err error
		qs, err = tx.FileRequests(n)
		return err
	})
	return qs, err
}

// Run builds waiting requests until ctx is done; it returns nil then. A
// store that fails is tried again after a growing pause.
func (w *FileWorker) Run(ctx context.Context) error {
	if w.Engine == nil || w.Engine.Store == nil {
		return errors.New("file worker: engine not set")
	}
	w.init()
	wait := time.Duration(0)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		n, err := w.Build(ctx)
		if ctx.Err() != nil {
			return nil
		}
		idle := err == nil && n == 0
		switch {
		case idle:
			wait = 0
		case err != nil:
			wait = min(max(2*wait, fileRetryFirst), fileRetryMax)
			w.Engine.log().Error("file worker", bot.LogKeyErr, err, bot.LogKeyRetryIn, wait)
		default:
			continue // more may wait
		}
		pause := wait
		if idle {
			pause = time.Hour
			if w.Wake == nil {
				pause = filePoll
			}
		}
		timer.Reset(pause)
		select {
		case <-ctx.Done():
			return nil
		case <-w.Wake:
		case <-w.kick:
		case <-timer.C:
		}
	}
}

// Build builds up to fileBatch of the requests waiting now, those someone
// waits for before the bulk ones (Tx.FileRequests), and returns how many
// it finished. A request made during a bulk wave waits for at most the
// batch it came after. Run calls it; a test may call it
// instead of running the worker.
func (w *FileWorker) Build(ctx context.Context) (int, error) {
	w.init()
	qs, err := w.pending(ctx, fileBatch)
	if err != nil {
		return 0, fmt.Errorf("read file requests: %w", err)
	}
	if len(qs) == 0 {
		w.progressed() // WaitIdle reads again and finds none
		return 0, nil
	}
	for i, q := range qs {
		if err := w.build(ctx, q); err != nil {
			return i, err
		}
		w.progressed()
	}
	return len(qs), nil
}

// build makes q's file outside any write transaction, then stores it,
// enqueues its reply and forgets q in one.
func (w *FileWorker) build(ctx context.Context, q FileRequest) error {
	e := w.Engine
	rep, f, err := e.makeFile(ctx, q)
	if err != nil {
		return err
	}
	err = e.Store.Update(ctx, func(tx Tx) error {
		if ok, err := tx.DeleteFileRequest(q.ID); err != nil || !ok {
			return err // built already (by a run that ended before it knew)
		}
		out, err := e.deliverFile(tx, q, rep, f, e.now())
		if err != nil {
			return fmt.Errorf("store file: %w", err)
		}
		return e.queue(tx, []bot.Reply{out}, e.now(), nil)
	})
	if err != nil {
		return fmt.Errorf("finish file request %d: %w", q.ID, err)
	}
	return nil
}

// WaitIdle returns nil once no file request waits, or ctx.Err() when ctx
// ends first. It asks Run to look at once. It waits forever while Run is
// not running and a request waits.
func (w *FileWorker) WaitIdle(ctx context.Context) error {
	w.init()
	for {
		w.mu.Lock()
		progress := w.progress
		w.mu.Unlock()
		qs, err := w.pending(ctx, 1)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("wait idle: %w", err)
		}
		if len(qs) == 0 {
			return nil
		}
		select {
		case w.kick <- struct{}{}:
		default:
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-progress:
		}
	}
}
