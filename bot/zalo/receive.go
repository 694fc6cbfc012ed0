package zalo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"lamtheo/bot"
)

// Poll loop tuning.
const (
	// firstBackoff and maxBackoff bound the wait after a failed poll (a
	// dropped connection, 5xx, a proxy's HTML page, a rejected token): it
	// doubles from the first to the cap and resets after a good answer.
	firstBackoff = time.Second
	maxBackoff   = time.Minute
	// rateBackoff is the first wait after 429 "Quota exceeded", doubling to
	// maxRateBackoff while it lasts.
	rateBackoff    = 30 * time.Second
	maxRateBackoff = 5 * time.Minute
	// minIdlePoll: an idle answer (408, or no update) that comes sooner than
	// this did not wait for updates, so the next poll is delayed, by
	// firstBackoff doubling to the poll timeout while it goes on: a server
	// that answers at once must not make the loop spin.
	minIdlePoll = time.Second
	// authGiveUp is how long getUpdates may keep answering 401 before
	// Receive returns an error; authLogEvery how often it is logged.
	authGiveUp   = 10 * time.Minute
	authLogEvery = time.Minute
	// maxHookBatch bounds a webhook batch.
	maxHookBatch = 64
)

// pollState is the poll loop's memory between calls of Receive.
type pollState struct {
	last     []string      // keys of the batch returned last
	failures int           // failed polls in a row
	wait     time.Duration // the last failure's backoff
	logged   bool          // this failure episode was logged
	rateWait time.Duration
	idleWait time.Duration // backoff after early idle answers
	idleLog  bool          // this early-idle episode was logged
	// authSince is when getUpdates started answering 401; authLogged when
	// that was last logged.
	authSince, authLogged time.Time
}

// Receive returns the next updates to handle.
//
// In polling mode it calls getUpdates, which hands out one update per call
// and answers 408 after PollTimeout when there is none; Receive polls again
// until an update to hand up arrives, so it returns batches of one message.
// Calling Receive again marks the previous batch as handled. There is no
// offset and no acknowledgement in this API: the server forgets an update
// once it returned it, so an update whose answer is in flight when the
// process stops (or is lost in transit) is lost. Use the webhook in
// production. Failed polls (dropped connections, 5xx, a proxy's HTML page,
// bodies that are not JSON) are retried after 1 s doubling to 1 min and
// logged once per episode; 429 waits 30 s doubling to 5 min; a rejected
// token (401) is retried likewise and logged as an error at most once a
// minute, and Receive returns an error only when it has lasted 10 minutes.
//
// In webhook mode it waits for ServeHTTP to deliver updates and returns
// those waiting, up to 64.
//
// Either way the bot's own echoed messages, redeliveries of a message seen
// recently and a chat's stickers after the first within 10 minutes are not
// returned. Receive returns ctx.Err() as soon as ctx is done.
func (c *Conn) Receive(ctx context.Context) ([]bot.Message, error) {
	if c.webhook {
		return c.receiveHook(ctx)
	}
	for _, key := range c.poll.last {
		c.gate.commit(key) // Serve calls Receive again only once they are in
	}
	c.poll.last = nil
	params := map[string]string{"timeout": strconv.Itoa(int(c.pollTimeout / time.Second))}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := time.Now()
		res, err := c.call(ctx, "getUpdates", params, c.pollTimeout+c.requestTimeout)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var wait time.Duration
		if err != nil {
			var fatal error
			if wait, fatal = c.pollFailed(err, time.Since(start)); fatal != nil {
				return nil, fatal
			}
		} else {
			c.pollAnswered()
			batch, got := c.admitPolled(res)
			if len(batch) > 0 {
				return batch, nil
			}
			if !got {
				wait = c.idle(time.Since(start))
			}
		}
		if wait > 0 {
			if err := sleep(ctx, wait); err != nil {
				return nil, err
			}
		}
	}
}

// admitPolled translates a getUpdates result and returns the messages to
// hand up; got reports whether the result held an update at all.
func (c *Conn) admitPolled(res []byte) (batch []bot.Message, got bool) {
	now := time.Now()
	ins, err := c.translator().translate(res, now)
	if err != nil {
		c.log.Warn("zalo getUpdates: result is not JSON") // decode checked it: unreachable
		return nil, false
	}
	for _, in := range ins {
		if v, _ := c.admit(in, now); v == admitted {
			batch = append(batch, in.msg)
			c.poll.last = append(c.poll.last, in.msg.Key)
		}
	}
	return batch, len(ins) > 0
}

// admit passes one translated update through the gate (see gate.admit),
// skipping the bot's own echoes.
func (c *Conn) admit(in incoming, now time.Time) (verdict, *pending) {
	if in.self {
		c.gate.skip(in.msg.Key)
		c.log.Debug("zalo: own message skipped", bot.LogKeyUpdate, in.msg.Key)
		return seenBefore, nil
	}
	v, p := c.gate.admit(in.msg, now)
	if v == seenBefore || v == collapsed {
		c.log.Debug("zalo: update skipped", bot.LogKeyUpdate, in.msg.Key, bot.LogKeyChat, in.msg.Chat.String(), "verdict", int(v))
	}
	return v, p
}

func (c *Conn) translator() translator {
	return translator{platform: c.platform, title: c.title, botID: c.botID}
}

// pollAnswered ends a failure episode after a good answer (an update, or an
// idle 408: both prove the token and the connection work).
func (c *Conn) pollAnswered() {
	p := &c.poll
	if p.logged {
		c.log.Info("zalo polling resumed", "failures", p.failures)
	}
	p.failures, p.wait, p.logged, p.rateWait = 0, 0, false, 0
	p.authSince, p.authLogged = time.Time{}, time.Time{}
}

// idle returns how long to wait after an idle answer that took elapsed: 0
// for a proper long poll, a growing pause for one that came at once.
func (c *Conn) idle(elapsed time.Duration) time.Duration {
	p := &c.poll
	if elapsed >= minIdlePoll {
		p.idleWait, p.idleLog = 0, false
		return 0
	}
	p.idleWait = min(max(2*p.idleWait, firstBackoff), c.pollTimeout)
	if !p.idleLog {
		p.idleLog = true
		c.log.Info("zalo getUpdates answers idle without waiting; spacing the polls", bot.LogKeyRetryIn, p.idleWait)
	}
	return p.idleWait
}

// pollFailed decides what to do after a getUpdates call that took elapsed
// failed with err: how long to wait, or a fatal error that ends Receive.
func (c *Conn) pollFailed(err error, elapsed time.Duration) (wait time.Duration, fatal error) {
	p := &c.poll
	var ae *apiError
	if errors.As(err, &ae) {
		switch {
		case ae.Code == http.StatusRequestTimeout: // no update
			c.pollAnswered()
			return c.idle(elapsed), nil
		case ae.Code == http.StatusTooManyRequests || isQuota(ae.Description):
			p.rateWait = min(max(2*p.rateWait, rateBackoff), maxRateBackoff)
			if !p.logged {
				p.logged = true
				c.log.Warn("zalo getUpdates rate limited", bot.LogKeyErr, err, bot.LogKeyRetryIn, p.rateWait)
			}
			p.failures++
			return p.rateWait, nil
		case ae.Code == http.StatusUnauthorized:
			return c.unauthorized(err)
		}
	}
	wait = c.backoff()
	if !p.logged {
		p.logged = true
		msg, level := "zalo getUpdates failing; backing off", slog.LevelWarn
		if ae != nil && strings.Contains(strings.ToLower(ae.Description), "webhook") {
			msg, level = "zalo getUpdates refused: a webhook is set for this bot (another instance?); backing off", slog.LevelError
		}
		c.log.Log(context.Background(), level, msg, bot.LogKeyErr, err, bot.LogKeyRetryIn, wait)
	}
	return wait, nil
}

// unauthorized handles a 401 from getUpdates: the token was revoked or
// reset while the Conn runs. It retries with backoff, logs an error at most
// once a minute, and gives up after authGiveUp.
func (c *Conn) unauthorized(err error) (time.Duration, error) {
	p := &c.poll
	now := time.Now()
	if p.authSince.IsZero() {
		p.authSince = now
	}
	if lasted := now.Sub(p.authSince); lasted >= authGiveUp {
		return 0, fmt.Errorf("zalo bot %q: getUpdates: token rejected (401) for %v: %w", string(c.platform), lasted.Round(time.Second), err)
	}
	wait := c.backoff()
	if p.authLogged.IsZero() || now.Sub(p.authLogged) >= authLogEvery {
		p.authLogged, p.logged = now, true
		c.log.Error("zalo token rejected (401): was it reset in Zalo Bot Creator? retrying",
			bot.LogKeySince, p.authSince, bot.LogKeyGivesUp, (authGiveUp - now.Sub(p.authSince)).Round(time.Second), bot.LogKeyRetryIn, wait)
	}
	return wait, nil
}

// backoff counts one more failure and returns the wait before the next poll.
func (c *Conn) backoff() time.Duration {
	p := &c.poll
	p.failures++
	p.wait = min(max(2*p.wait, firstBackoff), maxBackoff)
	return p.wait
}

// isQuota reports whether a description says the quota is exceeded.
func isQuota(desc string) bool {
	return strings.Contains(strings.ToLower(desc), "quota exceeded")
}

// receiveHook waits for webhook deliveries.
func (c *Conn) receiveHook(ctx context.Context) ([]bot.Message, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case m := <-c.hooks:
		batch := []bot.Message{m}
		for len(batch) < maxHookBatch {
			select {
			case m := <-c.hooks:
				batch = append(batch, m)
			default:
				return batch, nil
			}
		}
		return batch, nil
	}
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
