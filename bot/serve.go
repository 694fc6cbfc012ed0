package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Server runs the receive loop of one Conn. Its zero value is not usable; set
// Conn and Handler.
type Server struct {
	Conn    Conn
	Handler Handler
	Log     *slog.Logger
	// Workers bounds how many chats are handled at once within a batch;
	// messages of one chat are always handled in order. Default 64.
	Workers int
	// Retries is how often a failing Handle is tried again before the
	// update is set aside (when Handler is a SetAsider) or Serve gives up
	// (the update stays unconfirmed). Default 3.
	Retries int
	// Group bounds how many messages of one chat in a batch a
	// GroupHandler applies at once. Default 32.
	Group int
}

// SetAsider is implemented by a Handler that can set aside a message it
// failed to handle however often it was tried, so that the platform's
// next updates are handled rather than the same one for ever (a damaged
// record, a defect). SetAside must make durable that m is processed (as
// Handle would) and whatever it keeps of m and cause; Serve then confirms
// m and goes on. If SetAside fails too, Serve gives up as without it.
type SetAsider interface {
	SetAside(ctx context.Context, m Message, cause error) error
}

// Serve receives batches from s.Conn and hands each message to s.Handler,
// until ctx is done (it returns nil) or the Conn ends (it returns nil for
// io.EOF). A batch is confirmed (by the next Receive) only after every
// message of it was handled. Messages of different chats are handled
// concurrently, which lets the store commit them together; when the
// Handler is a GroupHandler, a chat's several messages of a batch are
// applied in groups of up to Group, one commit each, so that a busy chat
// is not held to one commit per message. A group that fails is handled
// again message by message, so a failing message holds up only itself.
func (s *Server) Serve(ctx context.Context) error {
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for {
		batch, err := s.Conn.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("receive: %w", err)
		}
		if err := s.handleBatch(ctx, batch, log); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// handleBatch handles every message of batch, one goroutine per chat, and
// acknowledges each after it is committed.
func (s *Server) handleBatch(ctx context.Context, batch []Message, log *slog.Logger) error {
	if len(batch) == 1 {
		return s.handleChat(ctx, batch, log)
	}
	// Messages of a batch commit in any order, so none of them may store
	// the platform cursor: an update committed early must not confirm one
	// that later fails. The cursor is stored once the whole batch is in.
	var cursor int64
	var order []ChatID
	byChat := make(map[ChatID][]Message)
	for _, m := range batch {
		cursor = max(cursor, m.Cursor)
		m.Cursor = 0
		if _, ok := byChat[m.Chat]; !ok {
			order = append(order, m.Chat)
		}
		byChat[m.Chat] = append(byChat[m.Chat], m)
	}
	workers := s.Workers
	if workers <= 0 {
		workers = 64
	}
	sem := make(chan struct{}, workers)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for _, chat := range order {
		msgs := byChat[chat]
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := s.handleChat(ctx, msgs, log); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr != nil || cursor == 0 {
		return firstErr
	}
	mark := Message{Kind: KindCursor, Chat: ChatID{Platform: batch[0].Chat.Platform}, Cursor: cursor}
	if err := s.Handler.Handle(ctx, mark); err != nil {
		return fmt.Errorf("store cursor: %w", err)
	}
	return nil
}

// handleChat handles the messages of one chat in order: in groups when the
// Handler is a GroupHandler, one by one otherwise or when a group fails.
func (s *Server) handleChat(ctx context.Context, msgs []Message, log *slog.Logger) error {
	gh, ok := s.Handler.(GroupHandler)
	size := s.Group
	if size <= 0 {
		size = 32
	}
	for len(msgs) > 0 {
		n := min(len(msgs), size)
		group := msgs[:n]
		msgs = msgs[n:]
		if ok && n > 1 {
			toasts, err := gh.HandleGroup(ctx, group)
			if err == nil {
				for i, m := range group {
					m.Toast = toasts[i]
					s.ack(ctx, m, log)
				}
				continue
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			log.Info("handle group failed: one by one", LogKeyChat, group[0].Chat.String(), "updates", n, LogKeyErr, err)
		}
		if err := s.handleEach(ctx, group, log); err != nil {
			return err
		}
	}
	return nil
}

// ack confirms m, handled and committed, to the Conn.
func (s *Server) ack(ctx context.Context, m Message, log *slog.Logger) {
	if err := s.Conn.Ack(ctx, m); err != nil && ctx.Err() == nil {
		log.Warn("ack failed", LogKeyUpdate, m.Key, LogKeyErr, err)
	}
}

// handleEach handles msgs one by one with Handle, trying a failing one
// again and setting it aside when it keeps failing.
func (s *Server) handleEach(ctx context.Context, msgs []Message, log *slog.Logger) error {
	retries := s.Retries
	if retries <= 0 {
		retries = 3
	}
	for _, m := range msgs {
		var err error
		toast := new(string)
		hctx := context.WithValue(ctx, toastKey{}, toast)
		for try := 0; try <= retries; try++ {
			if try > 0 {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(time.Duration(try) * 200 * time.Millisecond):
				}
			}
			*toast = ""
			if err = s.Handler.Handle(hctx, m); err == nil || ctx.Err() != nil {
				break
			}
			log.Warn("handle update failed", LogKeyUpdate, m.Key, LogKeyChat, m.Chat.String(), "try", try+1, LogKeyErr, err)
		}
		if err != nil && ctx.Err() == nil {
			err = s.setAside(hctx, m, err, log)
		}
		if err != nil {
			return fmt.Errorf("handle update %s: %w", m.Key, err)
		}
		m.Toast = *toast
		s.ack(ctx, m, log)
	}
	return nil
}

// setAside hands m, which failed with cause every time it was tried, to
// the Handler's SetAside; it returns nil when m was set aside, cause (or
// SetAside's error with it) when it was not.
func (s *Server) setAside(ctx context.Context, m Message, cause error, log *slog.Logger) error {
	sa, ok := s.Handler.(SetAsider)
	if !ok || m.Kind == KindCursor {
		return cause
	}
	if err := sa.SetAside(ctx, m, cause); err != nil {
		return errors.Join(cause, fmt.Errorf("set aside: %w", err))
	}
	log.Error("update set aside after failing every try", LogKeyUpdate, m.Key, LogKeyChat, m.Chat.String(), LogKeyErr, cause)
	return nil
}

// toastKey keys the Toast of the message being handled in its context.
type toastKey struct{}

// SetToast sets the short note the platform shows for the button press
// being handled in ctx (see Message.Toast). It does nothing outside Serve's
// call of Handle. Handle may be called again for the same message after a
// failure; the toast of the call that succeeded is shown.
func SetToast(ctx context.Context, text string) {
	if p, ok := ctx.Value(toastKey{}).(*string); ok {
		*p = text
	}
}
