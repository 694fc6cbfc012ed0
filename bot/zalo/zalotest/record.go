package zalotest

import (
	"context"
	"net/http"
	"slices"
	"time"
)

// Sent is one message the fake delivered.
type Sent struct {
	Method    string // sendMessage or sendPhoto
	ChatID    string // chat_id as sent: a group's id has no prefix
	MessageID string
	Text      string // the text, or the photo's caption
	Photo     string // sendPhoto: the photo's URL
	// Extra holds the call's other parameters (a reply_markup, a
	// parse_mode…), by name; nil when it had none. Zalo's documented send
	// takes only chat_id and text (or photo and caption).
	Extra map[string]string
	Time  time.Time
	// Call is the send call that delivered it (sendMessage and sendPhoto
	// calls counted together from 1, refused ones included).
	Call int
	// Lost: a fault after the call took effect replaced its answer, so the
	// bot does not know the message was delivered and will likely send it
	// again. Each lost answer allows one duplicate.
	Lost bool
}

// ErrorAnswer is one error the fake gave: refused, throttled or injected.
type ErrorAnswer struct {
	Method      string
	ChatID      string
	Code        int // error_code, or the HTTP status of an HTML page; 0 for a hang or drop
	Description string
	Injected    bool // a Fault
	Hang, Drop  bool
	After       bool // the call had taken effect
	Time        time.Time
}

func (s *Server) recordErrorLocked(call Call, code int, desc string, injected bool) {
	s.errs = append(s.errs, ErrorAnswer{
		Method: call.Method, ChatID: call.ChatID, Code: code, Description: desc, Injected: injected, Time: time.Now(),
	})
}

// Calls returns how many calls of method the fake received, failed ones
// included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// SendCalls returns how many sendMessage and sendPhoto calls the fake
// received, failed ones included.
func (s *Server) SendCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sendCalls
}

// Sent returns the messages delivered to chat (its id as sent, without
// the adapter's group prefix), in order.
func (s *Server) Sent(chat string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Sent, 0, len(s.byChat[chat]))
	for _, i := range s.byChat[chat] {
		out = append(out, s.sent[i])
	}
	return out
}

// AllSent returns every delivered message, in order.
func (s *Server) AllSent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// Lost returns how many delivered messages had their answer lost (see
// Sent.Lost): the most duplicates a correct client may cause.
func (s *Server) Lost() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.sent {
		if m.Lost {
			n++
		}
	}
	return n
}

// SentInMonth returns how many messages were delivered in the calendar
// month (Vietnam time) that holds t: what counts against the quota.
func (s *Server) SentInMonth(t time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.months[t.In(vietnam).Format("2006-01")]
}

// Errors returns every error answer the fake gave, in order.
func (s *Server) Errors() []ErrorAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.errs)
}

// TooManyRequests returns how many 429 answers the fake gave.
func (s *Server) TooManyRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.errs {
		if e.Code == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

// WaitSent blocks until at least n messages were delivered to chat (its id
// as sent) and returns them, or returns ctx.Err(). It lets a test that
// runs the bot over a real network (outside a synctest bubble) wait for a
// reply without sleeping.
func (s *Server) WaitSent(ctx context.Context, chat string, n int) ([]Sent, error) {
	for {
		s.mu.Lock()
		got := len(s.byChat[chat])
		signal := s.sentSignal
		s.mu.Unlock()
		if got >= n {
			return s.Sent(chat), nil
		}
		select {
		case <-ctx.Done():
			return s.Sent(chat), ctx.Err()
		case <-signal:
		}
	}
}
