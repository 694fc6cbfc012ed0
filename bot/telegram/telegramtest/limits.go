package telegramtest

import "time"

// Limits are the rate limits the fake enforces on sendMessage,
// editMessageText, editMessageReplyMarkup, sendPhoto and sendDocument. A call over a limit gets 429
// with retry_after; only accepted calls count. Zero fields are not enforced.
// Windows and gaps are measured with a tolerance of one millisecond
// (limitSlack), so a sender pacing exactly at a limit is not refused for a
// rounding error of its own clock arithmetic.
type Limits struct {
	// PerSecond is the most calls accepted within any rolling second,
	// across all chats.
	PerSecond int
	// PerChat is the least gap between two accepted calls to one chat.
	PerChat time.Duration
	// PerGroup is the most calls accepted within any rolling GroupWindow to
	// one group (a chat with a negative id).
	PerGroup    int
	GroupWindow time.Duration
}

// DefaultLimits returns Telegram's published limits: 30 messages per
// second overall, one per second per chat, 20 per minute per group.
func DefaultLimits() Limits {
	return Limits{PerSecond: 30, PerChat: time.Second, PerGroup: 20, GroupWindow: time.Minute}
}

// EnforceLimits makes the fake enforce l from now on (the zero value turns
// enforcement off).
func (f *Server) EnforceLimits(l Limits) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limits = l
}

// limitSlack is the tolerance of the rate limit clock.
const limitSlack = time.Millisecond

// limitLocked checks the rate limits for one more send to chat at
// time.Now, records it when allowed, and otherwise returns how long to wait.
func (f *Server) limitLocked(chat int64) time.Duration {
	l := f.limits
	now := time.Now()
	var wait time.Duration
	if l.PerSecond > 0 {
		f.global = trim(f.global, now.Add(-time.Second+limitSlack))
		if len(f.global) >= l.PerSecond {
			wait = max(wait, f.global[len(f.global)-l.PerSecond].Add(time.Second-limitSlack).Sub(now))
		}
	}
	if l.PerChat > 0 {
		if last, ok := f.lastSend[chat]; ok && now.Sub(last) < l.PerChat-limitSlack {
			wait = max(wait, last.Add(l.PerChat-limitSlack).Sub(now))
		}
	}
	if l.PerGroup > 0 && l.GroupWindow > 0 && chat < 0 {
		f.groupSend[chat] = trim(f.groupSend[chat], now.Add(-l.GroupWindow+limitSlack))
		if g := f.groupSend[chat]; len(g) >= l.PerGroup {
			wait = max(wait, g[len(g)-l.PerGroup].Add(l.GroupWindow-limitSlack).Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	if l.PerSecond > 0 {
		f.global = append(f.global, now)
	}
	if l.PerChat > 0 {
		f.lastSend[chat] = now
	}
	if l.PerGroup > 0 && l.GroupWindow > 0 && chat < 0 {
		f.groupSend[chat] = append(f.groupSend[chat], now)
	}
	return 0
}

// trim drops the times at or before cutoff from the sorted ts.
func trim(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	return ts[i:]
}
