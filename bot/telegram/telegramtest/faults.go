package telegramtest

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Fault is a failure the fake returns instead of handling a call.
type Fault struct {
	// Code is the HTTP status and error_code: 429, 500, 409, 403, 400...
	Code int
	// RetryAfter is the retry_after parameter in seconds (with 429).
	RetryAfter int
	// Description is the error text; empty means Telegram's usual text for
	// Code.
	Description string
	// Body, when set, is sent verbatim instead of the JSON error (e.g. the
	// HTML page of a failing proxy).
	Body string
	// MigrateTo is the migrate_to_chat_id parameter (a group upgraded to a
	// supergroup; use with Code 400).
	MigrateTo int64
	// Hang makes the call block until the client gives up (its context
	// ends), like a stalled connection. Code is then ignored.
	Hang bool
	// After makes the call take effect first (a message is delivered, an
	// update handed out, a button press answered) and the fault answered
	// instead of its result: the response was lost on its way back, so a
	// client that tries again repeats what happened. Every such fault is
	// recorded (Errors), a hang too.
	After bool
}

// ErrorAnswer is one error answer the fake gave (injected or enforced).
type ErrorAnswer struct {
	Method      string
	ChatID      int64 // 0 when the call named no chat
	Code        int
	RetryAfter  int
	Description string
	Time        time.Time
	// After: the call took effect before the fault was answered (see
	// Fault.After); Hang: the answer was a hang.
	After, Hang bool
}

type faultRule struct {
	method string    // "" = any
	left   int       // calls left to fail, or
	until  time.Time // fail every call before this
	fault  Fault
}

type randomFaults struct {
	p       float64
	rng     *rand.Rand
	faults  []Fault
	methods []string
}

// FailNext makes the next n calls of method (any method when empty) return
// fault. Rules queue up: the first matching rule with calls left applies.
func (f *Server) FailNext(method string, n int, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, faultRule{method: method, left: n, fault: fault})
}

// FailFor makes every call of method (any method when empty) fail with
// fault for the next d, e.g. a 401 from getUpdates while a proxy in the way
// misbehaves. Rules queue up with those of FailNext.
func (f *Server) FailFor(method string, d time.Duration, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, faultRule{method: method, until: time.Now().Add(d), fault: fault})
}

// FailRandomly makes a fraction p of the calls of methods (every method but
// getMe when none are given) fail with one of faults, chosen by a generator
// seeded with seed. With no faults given it mixes a 429 with retry_after 1,
// a 500 and a hang. p = 0 turns random failures off.
func (f *Server) FailRandomly(p float64, seed uint64, faults []Fault, methods ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p <= 0 {
		f.random = nil
		return
	}
	if len(faults) == 0 {
		faults = []Fault{{Code: 429, RetryAfter: 1}, {Code: 500}, {Hang: true}}
	}
	f.random = &randomFaults{p: p, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), faults: faults, methods: methods}
}

// Block makes every send to chat fail with 403 "Forbidden: bot was blocked
// by the user".
func (f *Server) Block(chat int64) {
	f.SetChatError(chat, Fault{Code: 403, Description: "Forbidden: bot was blocked by the user"})
}

// SetChatError makes every send, edit and getChatMember naming chat fail
// with fault; a zero fault clears it.
func (f *Server) SetChatError(chat int64, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fault == (Fault{}) { // comparable: clear
		delete(f.chatErr, chat)
		return
	}
	f.chatErr[chat] = fault
}

// Errors returns every error answer the fake gave, in order.
func (f *Server) Errors() []ErrorAnswer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.errs)
}

// TooManyRequests returns how many 429 answers the fake gave.
func (f *Server) TooManyRequests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, e := range f.errs {
		if e.Code == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

func (f *Server) faultLocked(method string) (Fault, bool) {
	now := time.Now()
	for i := range f.faults {
		r := &f.faults[i]
		if r.method != "" && !strings.EqualFold(r.method, method) {
			continue
		}
		switch {
		case !r.until.IsZero():
			if now.Before(r.until) {
				return r.fault, true
			}
		case r.left > 0:
			r.left--
			return r.fault, true
		}
	}
	if rf := f.random; rf != nil {
		match := len(rf.methods) == 0 && method != "getme"
		for _, m := range rf.methods {
			if strings.EqualFold(m, method) {
				match = true
			}
		}
		if match && rf.rng.Float64() < rf.p {
			return rf.faults[rf.rng.IntN(len(rf.faults))], true
		}
	}
	return Fault{}, false
}

func (f *Server) recordErrorLocked(method string, chat int64, fault Fault) {
	f.errs = append(f.errs, ErrorAnswer{
		Method: methodName(method), ChatID: chat, Code: fault.Code, RetryAfter: fault.RetryAfter,
		Description: description(fault), Time: time.Now(), After: fault.After, Hang: fault.Hang,
	})
}

func description(f Fault) string {
	if f.Description != "" {
		return f.Description
	}
	switch f.Code {
	case 429:
		return fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
	case 409:
		return "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	case 403:
		return "Forbidden: bot was blocked by the user"
	case 401:
		return "Unauthorized"
	case 400:
		return "Bad Request: chat not found"
	case 502:
		return "Bad Gateway"
	default:
		return "Internal Server Error"
	}
}

func writeError(w http.ResponseWriter, f Fault) {
	code := f.Code
	if code == 0 {
		code = 500
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		io.WriteString(w, f.Body)
		return
	}
	body := map[string]any{"ok": false, "error_code": code, "description": description(f)}
	params := map[string]any{}
	if f.RetryAfter > 0 {
		params["retry_after"] = f.RetryAfter
	}
	if f.MigrateTo != 0 {
		params["migrate_to_chat_id"] = f.MigrateTo
	}
	if len(params) > 0 {
		body["parameters"] = params
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(body)
}
