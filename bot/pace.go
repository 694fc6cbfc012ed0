package bot

import (
	"math"
	"time"
)

// paceMargin widens the window in which the Sender keeps Limits.PerSecond
// sends. The platform counts a send when it arrives, a few milliseconds
// after the Sender's clock says it left, and those milliseconds vary
// (network, scheduling, the HTTP client): a Sender pacing exactly at the
// limit was seen to have 31 or 32 of its sends counted within one of
// Telegram's seconds. With the margin, arrival jitter below it cannot
// squeeze PerSecond+1 sends into one second; it costs 2 % of the rate.
const paceMargin = 20 * time.Millisecond

// pacer keeps the overall rate of one Run: consecutive sends at least gap
// apart, and at most n sends within any window (a sliding window, not
// fixed seconds), where window is a second and paceMargin. For PerSecond
// of 1 or more, n is its whole part, so a fractional limit is kept in
// every second (2.5 allows 2 in any second); below 1, n is 1 and the gap
// (1/PerSecond) is what limits. Only Run's goroutine uses it.
type pacer struct {
	n      int           // most sends within window; 0 means no limit
	window time.Duration //
	gap    time.Duration // least time between two consecutive sends
	starts []time.Time   // ring of the last n starts, oldest at head once full
	head   int
	next   time.Time // earliest next start
}

// newPacer returns the pacer of a rate of perSecond sends (0: no limit).
func newPacer(perSecond float64) pacer {
	if perSecond <= 0 {
		return pacer{}
	}
	window := time.Second + paceMargin
	return pacer{
		n:      max(1, int(perSecond)),
		window: window,
		gap:    time.Duration(math.Ceil(float64(window) / perSecond)),
	}
}

// ready reports whether a send may start at now.
func (p *pacer) ready(now time.Time) bool { return !p.next.After(now) }

// started records a send that starts at now, which p allowed.
func (p *pacer) started(now time.Time) {
	if p.n == 0 {
		return
	}
	p.next = now.Add(p.gap)
	if len(p.starts) < p.n {
		p.starts = append(p.starts, now)
	} else {
		p.starts[p.head] = now
		p.head = (p.head + 1) % p.n
	}
	if len(p.starts) == p.n {
		// The oldest of the last n leaves the window before another goes.
		p.next = later(p.next, p.starts[p.head].Add(p.window))
	}
}

// pause lets no send start before t.
func (p *pacer) pause(t time.Time) { p.next = later(p.next, t) }

// readyAt returns when c may be sent to next, as far as c's own limits and
// pauses go.
func (d *dispatch) readyAt(c *chat) time.Time {
	t := c.paused
	l := d.s.Limits
	if l.PerChat > 0 && !c.last.IsZero() {
		t = later(t, c.last.Add(l.PerChat))
	}
	if d.groupLimited(c) && len(c.recent) >= l.PerGroup {
		t = later(t, c.recent[len(c.recent)-l.PerGroup].Add(l.GroupWindow))
	}
	return t
}

func (d *dispatch) groupLimited(c *chat) bool {
	l := d.s.Limits
	return l.PerGroup > 0 && l.GroupWindow > 0 && c.group
}

// noteCap logs, once per run, that a paced Sender had chats ready and the
// rate had allowed a send before now, when a send returns with
// Limits.MaxConcurrent in flight: the bound, not the rate, held the sends
// back (the round trip is long, or sends hang).
func (d *dispatch) noteCap(now time.Time) {
	l := d.s.Limits
	if d.capped || l.PerSecond <= 0 || l.MaxConcurrent <= 0 || d.inflight < l.MaxConcurrent ||
		d.ready.Len() == 0 || !d.pace.next.Before(now) {
		return
	}
	d.capped = true
	d.log.Warn("sends in flight reached their bound while the rate allowed more: the send rate is below the limit",
		"in_flight", d.inflight, "per_second", l.PerSecond)
}

func (d *dispatch) canLaunch(now time.Time) bool {
	if m := d.s.Limits.MaxConcurrent; m > 0 && d.inflight >= m {
		return false
	}
	return d.pace.ready(now)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
