package telegram

import (
	"context"
	"errors"
	"net/url"
	"strings"
)

// redacted stands in for the token in error texts.
const redacted = "<token>"

// redact returns err with every occurrence of the token removed from its
// text. The HTTP client's *url.Error carries the request URL, and so the
// token; such an error is replaced by one that keeps only its text (redacted)
// and whether it was a cancellation or a deadline.
func (c *Conn) redact(err error) error {
	if err == nil || c.token == "" {
		return err
	}
	msg := err.Error()
	if !containsToken(msg, c.token) {
		return err
	}
	for _, t := range tokenForms(c.token) {
		msg = strings.ReplaceAll(msg, t, redacted)
	}
	re := &redactedError{msg: msg}
	switch {
	case errors.Is(err, context.Canceled):
		re.cause = context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		re.cause = context.DeadlineExceeded
	}
	return re
}

func containsToken(s, token string) bool {
	for _, t := range tokenForms(token) {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}

// tokenForms are the spellings of token that may appear in a URL.
func tokenForms(token string) []string {
	return []string{token, url.PathEscape(token), url.QueryEscape(token)}
}

// redactedError is an error whose text had the token removed. It unwraps
// only to a context error, never to the original (which holds the token).
type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }
