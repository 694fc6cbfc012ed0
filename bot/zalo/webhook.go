package zalo

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"time"

	"lamtheo/bot"
)

// Webhook tuning.
const (
	// SecretHeader is the header in which Zalo sends the webhook secret.
	SecretHeader = "X-Bot-Api-Secret-Token"
	// maxWebhookBody caps a delivery's body.
	maxWebhookBody = 1 << 20
	// webhookDeadline is how long a delivery waits for its update to be
	// committed before it answers 503, so that Zalo may deliver it again.
	webhookDeadline = 8 * time.Second
)

// success is the body of a 200 answer, as Zalo's sample webhook sends it.
const success = `{"message":"Success"}`

// ServeHTTP receives one webhook delivery from Zalo. Mount the Conn at
// Options.WebhookURL.
//
// It checks the X-Bot-Api-Secret-Token header before anything else, in
// constant time, and answers 403 when it is wrong or missing (always, when
// the Conn polls). It accepts POST only (405), bodies up to 1 MiB (413), in
// Zalo's bare {event_name, message} shape or the documented {ok, result}
// envelope; a body with no event_name (Zalo's verification ping) is answered
// 200 at once. An update is handed to Receive, and ServeHTTP answers 200
// only once Ack confirmed it, that is once the bot.Server committed it; if
// that takes more than 8 s it answers 503 so Zalo may deliver it again. A
// redelivery of an update handled recently is answered 200 without being
// handed up twice, one of an update being handled waits for the first.
func (c *Conn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !c.authorized(r) {
		c.log.Warn("zalo webhook: wrong or missing secret", "remote", r.RemoteAddr)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			c.log.Warn("zalo webhook: body too large", "limit", maxWebhookBody)
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	now := time.Now()
	ins, err := c.translator().translate(body, now)
	if err != nil {
		c.log.Warn("zalo webhook: body is not JSON", "bytes", len(body))
		http.Error(w, "body is not JSON", http.StatusBadRequest)
		return
	}
	deadline := time.NewTimer(webhookDeadline)
	defer deadline.Stop()
	for _, in := range ins {
		if !c.deliver(r.Context(), in, now, deadline.C) {
			if r.Context().Err() == nil {
				c.log.Warn("zalo webhook: update not committed in time; answering 503", bot.LogKeyUpdate, in.msg.Key,
					bot.LogKeyChat, in.msg.Chat.String())
				http.Error(w, "not committed yet", http.StatusServiceUnavailable)
			}
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, success)
}

// authorized reports whether r carries the webhook secret. The comparison
// takes the same time whatever the header holds (both sides are hashed
// first, so not even the length leaks).
func (c *Conn) authorized(r *http.Request) bool {
	if c.secret == "" {
		return false
	}
	got := sha256.Sum256([]byte(r.Header.Get(SecretHeader)))
	want := sha256.Sum256([]byte(c.secret))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// deliver hands one update to Receive and waits until it is committed; it
// reports false when deadline or ctx came first. Updates the gate drops
// count as delivered.
func (c *Conn) deliver(ctx context.Context, in incoming, now time.Time, deadline <-chan time.Time) bool {
	v, p := c.admit(in, now)
	switch v {
	case seenBefore, collapsed:
		return true
	case inFlight:
		return wait(ctx, p, deadline)
	}
	select {
	case c.hooks <- in.msg:
	case <-deadline:
		c.gate.withdraw(in.msg.Key, p)
		return false
	case <-ctx.Done():
		c.gate.withdraw(in.msg.Key, p)
		return false
	}
	return wait(ctx, p, deadline)
}

// wait waits until p is committed.
func wait(ctx context.Context, p *pending, deadline <-chan time.Time) bool {
	select {
	case <-p.done:
		return true
	case <-deadline:
		return false
	case <-ctx.Done():
		return false
	}
}
