package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxAnswer caps how much of an answer is read: Zalo's are a few hundred
// bytes, a proxy's error page a few kilobytes.
const maxAnswer = 1 << 20

// apiError is Zalo's refusal of a call: the JSON envelope with ok false.
// Code is error_code (or errorCode), else the HTTP status.
type apiError struct {
	Method      string
	Code        int
	Description string
}

func (e *apiError) Error() string {
	if e.Description == "" {
		return fmt.Sprintf("zalo %s: error %d", e.Method, e.Code)
	}
	return fmt.Sprintf("zalo %s: error %d: %s", e.Method, e.Code, e.Description)
}

// httpError is an answer that is not Zalo's JSON envelope: a proxy's HTML
// page, an empty body, garbage. It is always transient.
type httpError struct {
	Method string
	Status int
	Type   string // the Content-Type
}

func (e *httpError) Error() string {
	return fmt.Sprintf("zalo %s: HTTP %d with a %s body that is not the API's JSON", e.Method, e.Status, e.describe())
}

func (e *httpError) describe() string {
	if e.Type == "" {
		return "untyped"
	}
	t, _, _ := strings.Cut(e.Type, ";")
	return strings.TrimSpace(t)
}

// envelope is every answer of the API. Success bodies may carry
// "error_code":0, so only ok decides.
type envelope struct {
	OK          *bool           `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   flexInt         `json:"error_code"`
	ErrorCode2  flexInt         `json:"errorCode"`
	Description flexString      `json:"description"`
}

// call POSTs params as JSON (an empty object when nil) to method, bound to
// ctx and timeout, and returns the result of a successful answer. Errors are
// *apiError when Zalo refused the call (whatever the HTTP status), *httpError
// for answers that are not the API's JSON, and redacted transport errors
// otherwise; none holds the token.
func (c *Conn) call(ctx context.Context, method string, params any, timeout time.Duration) (json.RawMessage, error) {
	body := []byte("{}")
	if params != nil {
		var err error
		if body, err = json.Marshal(params); err != nil {
			return nil, fmt.Errorf("zalo %s: encode request: %w", method, err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+"/bot"+c.token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("zalo %s: %w", method, c.redact(err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("zalo %s: %w", method, c.redact(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("zalo %s: read answer: %w", method, c.redact(err))
	}
	return c.decode(method, resp.StatusCode, resp.Header.Get("Content-Type"), data)
}

// decode interprets one answer by its JSON body, whatever the HTTP status:
// Zalo's current host sends errors with HTTP 200, the legacy one with the
// matching status.
func (c *Conn) decode(method string, status int, ctype string, data []byte) (json.RawMessage, error) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil || env.OK == nil {
		return nil, &httpError{Method: method, Status: status, Type: ctype}
	}
	if *env.OK {
		return env.Result, nil
	}
	code := int(env.ErrorCode)
	if code == 0 {
		code = int(env.ErrorCode2)
	}
	if code == 0 {
		code = status
	}
	return nil, &apiError{Method: method, Code: code, Description: c.scrub(env.Description.String())}
}

// redacted stands in for the token in error texts.
const redacted = "<token>"

// redact returns err with every spelling of the token removed from its
// text. The HTTP client's *url.Error carries the request URL, and so the
// token; such an error is replaced by one that keeps only its text, redacted,
// and whether it was a cancellation or a deadline.
func (c *Conn) redact(err error) error {
	if err == nil || c.token == "" {
		return err
	}
	msg := err.Error()
	if !c.hasToken(msg) {
		return err
	}
	re := &redactedError{msg: c.scrub(msg)}
	switch {
	case errors.Is(err, context.Canceled):
		re.cause = context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		re.cause = context.DeadlineExceeded
	}
	return re
}

// scrub removes every spelling of the token from s.
func (c *Conn) scrub(s string) string {
	if c.token == "" {
		return s
	}
	for _, t := range tokenForms(c.token) {
		s = strings.ReplaceAll(s, t, redacted)
	}
	return s
}

func (c *Conn) hasToken(s string) bool {
	for _, t := range tokenForms(c.token) {
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
