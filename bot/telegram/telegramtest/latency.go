package telegramtest

import (
	"net/http"
	"time"
)

// SetLatency makes every call take rtt longer, like a network between the
// bot and Telegram: half of it before the call reaches the fake (so rate
// limits, faults and the time a message is recorded count at its arrival)
// and half after, on the answer's way back. Zero turns it off. A client
// that gives up (its context ends) stops waiting at once, as it would on a
// real connection; the call then has or has not arrived.
func (f *Server) SetLatency(rtt time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = rtt
}

// WithLatency sets the round trip of every call from the start (see
// SetLatency).
func WithLatency(rtt time.Duration) Option {
	return func(f *Server) { f.latency = rtt }
}

// delay waits d or until the request is abandoned or the fake closes, and
// reports whether the whole d passed.
func (f *Server) delay(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-f.done:
	}
	return false
}
