package zalotest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"
)

// Fault is a failure the fake gives instead of a call's proper answer.
//
// Without After it strikes before the call takes effect: nothing is sent,
// no update is handed out. With After the call takes effect first (the
// message is delivered and recorded, the update leaves the queue) and then
// its answer is replaced by the fault, so the client cannot know it worked.
type Fault struct {
	// Code is the error_code of a JSON error answer (429, 500...); 0 means
	// 500. The HTTP status follows the server's error style unless Status
	// is set.
	Code int
	// Description is the error text; empty means a usual one for Code.
	Description string
	// Status, when set, is the HTTP status of the answer.
	Status int
	// Body, when set, is sent verbatim as text/html instead of the JSON
	// error, with Status (default 502): a proxy's error page.
	Body string
	// Hang makes the call block until the client gives up (a stalled
	// connection).
	Hang bool
	// Drop closes the connection without an answer.
	Drop bool
	// Delay makes the call wait this long before the fault strikes, so a
	// getUpdates can be dropped in the middle of its long poll.
	Delay time.Duration
	// After lets the call take effect before the fault replaces its answer.
	After bool
}

// Call describes one call the fake received, for choosing faults.
type Call struct {
	Method string // as in the URL: "sendMessage"
	N      int    // the how-manyth call of Method, from 1
	Send   int    // for sendMessage and sendPhoto: the how-manyth send call, from 1
	ChatID string // chat_id, if any
	Time   time.Time
}

type faultRule struct {
	method string // "" = any
	left   int
	fault  Fault
}

type randomFaults struct {
	p       float64
	rng     *rand.Rand
	faults  []Fault
	methods map[string]bool // nil: every method but getMe
}

// FailNext makes the next n calls of method (any method when empty) fail
// with f. Rules queue up: the first matching rule with calls left applies.
func (s *Server) FailNext(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faultRule{method: method, left: n, fault: f})
}

// FailWith makes choose pick the fault of every call not failed by a
// FailNext rule: nil means no fault. A nil choose turns it off.
func (s *Server) FailWith(choose func(Call) *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chooser = choose
}

// DefaultFaults are the faults FailRandomly mixes when given none: before
// the call takes effect a 500, a proxy's HTML page, a dropped connection
// and a hang; after it a lost answer (dropped connection) and a 500.
func DefaultFaults() []Fault {
	return []Fault{
		{Code: 500},
		{Status: http.StatusBadGateway, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>"},
		{Drop: true},
		{Hang: true},
		{Drop: true, After: true},
		{Code: 500, After: true},
	}
}

// FailRandomly makes a fraction p of the calls of methods (every method but
// getMe when none are given) fail with one of faults (DefaultFaults when
// none), chosen by a generator seeded with seed. p <= 0 turns it off.
func (s *Server) FailRandomly(p float64, seed uint64, faults []Fault, methods ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p <= 0 {
		s.random = nil
		return
	}
	if len(faults) == 0 {
		faults = DefaultFaults()
	}
	rf := &randomFaults{p: p, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), faults: faults}
	if len(methods) > 0 {
		rf.methods = make(map[string]bool)
		for _, m := range methods {
			rf.methods[m] = true
		}
	}
	s.random = rf
}

// faultLocked returns the fault for call, if any: FailNext rules first,
// then FailWith, then FailRandomly.
func (s *Server) faultLocked(call Call) *Fault {
	for i := range s.faults {
		r := &s.faults[i]
		if r.left > 0 && (r.method == "" || r.method == call.Method) {
			r.left--
			f := r.fault
			return &f
		}
	}
	if s.chooser != nil {
		if f := s.chooser(call); f != nil {
			return f
		}
	}
	if rf := s.random; rf != nil {
		match := rf.methods[call.Method] || rf.methods == nil && call.Method != "getMe"
		if match && rf.rng.Float64() < rf.p {
			f := rf.faults[rf.rng.IntN(len(rf.faults))]
			return &f
		}
	}
	return nil
}

// fail gives the answer of fault f.
func (s *Server) fail(ctx context.Context, f Fault) answer {
	if f.Delay > 0 && !s.pause(ctx, f.Delay) {
		return answer{drop: true}
	}
	switch {
	case f.Hang:
		select {
		case <-ctx.Done():
		case <-s.done:
		}
		return answer{drop: true}
	case f.Drop:
		return answer{drop: true}
	case f.Body != "":
		status := f.Status
		if status == 0 {
			status = http.StatusBadGateway
		}
		return answer{status: status, ctype: "text/html", body: []byte(f.Body)}
	}
	code := f.Code
	if code == 0 {
		code = http.StatusInternalServerError
	}
	a := s.apiErr(code, describe(f, code))
	if f.Status != 0 {
		a.status = f.Status
	}
	return a
}

func describe(f Fault, code int) string {
	if f.Description != "" {
		return f.Description
	}
	switch code {
	case http.StatusBadRequest:
		return "Bad request"
	case http.StatusUnauthorized:
		return descUnauth
	case http.StatusForbidden:
		return "Internal server error" // sic: the docs' wording for 403
	case http.StatusNotFound:
		return descNotFound
	case http.StatusRequestTimeout:
		return descTimeout
	case http.StatusTooManyRequests:
		return descQuota
	}
	return "Internal server error"
}

// recordFaultLocked records an injected fault as an error answer.
func (s *Server) recordFaultLocked(call Call, f Fault) {
	code := f.Code
	switch {
	case f.Hang, f.Drop:
		code = 0
	case f.Body != "":
		code = f.Status
		if code == 0 {
			code = http.StatusBadGateway
		}
	case code == 0:
		code = http.StatusInternalServerError
	}
	s.recordErrorLocked(call, code, describe(f, code), true)
	s.errs[len(s.errs)-1].Hang, s.errs[len(s.errs)-1].Drop, s.errs[len(s.errs)-1].After = f.Hang, f.Drop, f.After
}
