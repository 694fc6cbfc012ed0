package zalotest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a fake Zalo Bot Platform API. Its methods are safe for
// concurrent use. Times come from time.Now and waits from timers, so it
// works inside a testing/synctest bubble (use InProcess and Client there).
type Server struct {
	// URL is the API's base URL, for zalo.Options.Endpoint: calls go to
	// URL/bot<Token>/<method>.
	URL string
	// Token is the only token the fake accepts.
	Token string
	// Bot is the bot getMe describes.
	Bot Bot

	srv       *httptest.Server
	inProcess bool
	matching  bool          // errors carry the matching HTTP status
	latency   time.Duration // added to every round trip
	quota     int           // sends per calendar month; 0: unlimited
	rate      int           // sends per rolling second; 0: unlimited
	echo      bool          // sends come back as updates from the bot
	twice     bool          // every pushed update is delivered twice
	done      chan struct{}
	once      sync.Once

	mu         sync.Mutex
	revoked    bool
	nextMsg    uint64
	queue      []Update
	pushed     map[string]Update
	groups     map[string]bool
	notify     chan struct{} // closed and replaced when updates are queued
	parked     int
	parkSignal chan struct{} // closed and replaced when parked changes
	hookURL    string
	hookSecret string
	hookEver   bool // setWebhook was called once: getWebhookInfo answers
	calls      map[string]int
	sendCalls  int
	faults     []faultRule
	chooser    func(Call) *Fault
	random     *randomFaults
	sent       []Sent
	sentSignal chan struct{} // closed and replaced when a message is delivered
	byChat     map[string][]int
	errs       []ErrorAnswer
	months     map[string]int
	recent     []time.Time // accepted sends within the last second
}

// Bot is the bot as getMe describes it. DisplayName is what people see in
// Zalo; getMe leaves it out when empty (newer docs show only
// account_name).
type Bot struct {
	ID          string
	AccountName string
	DisplayName string
}

// Name returns how the bot is mentioned in groups: DisplayName, else
// AccountName.
func (b Bot) Name() string {
	if b.DisplayName != "" {
		return b.DisplayName
	}
	return b.AccountName
}

// The fake's defaults.
const (
	DefaultToken       = "1459232241454765289:FakeZaloTokenForTestsOnly-secret_z"
	DefaultBotID       = "1459232241454765289"
	DefaultAccountName = "bot.VDKyGxQvc"
	DefaultDisplayName = "Bot Xã Demo"
	// DefaultQuota is the free Basic plan's messages per month.
	DefaultQuota = 3000
	// MaxText is the most UTF-16 code units of a text or caption.
	MaxText = 2000
)

// Option configures NewServer.
type Option func(*Server)

// WithToken sets the token the fake accepts.
func WithToken(token string) Option { return func(s *Server) { s.Token = token } }

// WithBot sets the bot getMe describes.
func WithBot(b Bot) Option { return func(s *Server) { s.Bot = b } }

// InProcess starts no TCP listener: the fake is reachable only through
// Client. Use it inside a testing/synctest bubble, where real network I/O
// would stop virtual time.
func InProcess() Option { return func(s *Server) { s.inProcess = true } }

// WithMatchingStatus makes error answers carry the matching HTTP status
// (408, 404, 429...), as the legacy host bot-api.zapps.me was seen to do.
// By default they come with HTTP 200, as measured on the current host.
func WithMatchingStatus() Option { return func(s *Server) { s.matching = true } }

// WithLatency adds d to every round trip (before the call takes effect),
// for benchmarks that must not flatter.
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// WithQuota sets how many sends the fake accepts per calendar month
// (Vietnam time) before it answers 429 "Quota exceeded"; n <= 0 means no
// quota. Default DefaultQuota.
func WithQuota(n int) Option { return func(s *Server) { s.quota = max(n, 0) } }

// WithRateLimit makes the fake accept at most n sends within any rolling
// second and answer the others 429. Zalo publishes no such limit.
func WithRateLimit(n int) Option { return func(s *Server) { s.rate = max(n, 0) } }

// WithSelfEcho makes every accepted send come back as an update from the
// bot itself (from.id is Bot.ID, is_bot true), as goclaw reports Zalo does.
func WithSelfEcho() Option { return func(s *Server) { s.echo = true } }

// WithRedelivery makes every pushed update be delivered twice in a row,
// with the same message_id.
func WithRedelivery() Option { return func(s *Server) { s.twice = true } }

// vietnam is the zone of the quota's calendar month.
var vietnam = time.FixedZone("ICT", 7*60*60)

// NewServer starts a fake API and stops it when the test ends.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		Token:      DefaultToken,
		Bot:        Bot{ID: DefaultBotID, AccountName: DefaultAccountName, DisplayName: DefaultDisplayName},
		quota:      DefaultQuota,
		done:       make(chan struct{}),
		nextMsg:    0x2d758cb5e2220000,
		pushed:     make(map[string]Update),
		groups:     make(map[string]bool),
		notify:     make(chan struct{}),
		parkSignal: make(chan struct{}),
		sentSignal: make(chan struct{}),
		calls:      make(map[string]int),
		byChat:     make(map[string][]int),
		months:     make(map[string]int),
	}
	for _, o := range opts {
		o(s)
	}
	if s.inProcess {
		s.URL = "http://bot-api.zalo.invalid"
	} else {
		s.srv = httptest.NewServer(s)
		s.URL = s.srv.URL
	}
	tb.Cleanup(s.Close)
	return s
}

// Close releases every waiting call and stops the server. It is called when
// the test ends; after it, calls fail like a refused connection.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.done)
		if s.srv != nil {
			s.srv.CloseClientConnections()
			s.srv.Close()
		}
	})
}

// Revoke makes the fake refuse the token from now on, as after a reset in
// Zalo Bot Creator: every call answers 401.
func (s *Server) Revoke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
}

// Restore accepts the token again after Revoke.
func (s *Server) Restore() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = false
}

// Client calls the fake's handler in process, without a network. Its Do
// behaves like an http.Client's: when the request's context ends first, or
// the fake drops the connection, it returns a *url.Error (whose URL holds
// the token, as a real client's does).
type Client struct {
	s *Server
	// Timeout, if positive, bounds each call like http.Client.Timeout.
	Timeout time.Duration
}

// Client returns an in-process HTTP client for the fake, usable as
// zalo.Options.HTTPClient and inside a testing/synctest bubble.
func (s *Server) Client() *Client { return &Client{s: s} }

// Do serves req with the fake.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
		req = req.WithContext(ctx)
	}
	if req.Body != nil {
		defer req.Body.Close()
	}
	op := "Post"
	if req.Method != "" {
		op = req.Method[:1] + strings.ToLower(req.Method[1:])
	}
	select {
	case <-c.s.done:
		return nil, &url.Error{Op: op, URL: req.URL.String(), Err: fmt.Errorf("dial tcp: connection refused")}
	default:
	}
	a := c.s.handle(req)
	if err := ctx.Err(); err != nil {
		return nil, &url.Error{Op: op, URL: req.URL.String(), Err: err}
	}
	if a.drop {
		return nil, &url.Error{Op: op, URL: req.URL.String(), Err: io.EOF}
	}
	rec := httptest.NewRecorder()
	a.write(rec)
	return rec.Result(), nil
}

// ServeHTTP answers one API call: /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := s.handle(r)
	if !a.drop {
		a.write(w)
		return
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// answer is what the fake replies to one call.
type answer struct {
	status int
	ctype  string
	body   []byte
	drop   bool // close the connection without an answer
}

func (a answer) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", a.ctype)
	w.WriteHeader(a.status)
	w.Write(a.body)
}

// result is a successful answer carrying res (no "result" when nil).
func result(res any, extra map[string]any) answer {
	body := map[string]any{"ok": true}
	if res != nil {
		body["result"] = res
	}
	for k, v := range extra {
		body[k] = v
	}
	data, _ := json.Marshal(body)
	return answer{status: http.StatusOK, ctype: "application/json; charset=utf-8", body: data}
}

// apiErr is Zalo's error envelope, in the server's error style; the keys
// come in the order the real server sends them.
func (s *Server) apiErr(code int, desc string) answer {
	data, _ := json.Marshal(struct {
		OK          bool   `json:"ok"`
		Description string `json:"description"`
		ErrorCode   int    `json:"error_code"`
	}{false, desc, code})
	status := http.StatusOK
	if s.matching {
		status = code
	}
	return answer{status: status, ctype: "application/json; charset=utf-8", body: data}
}

// Descriptions the real API was seen to send, or that the docs give.
const (
	descTimeout   = "Request timeout"
	descNotFound  = "Not Found"
	descUnauth    = "Unauthorized"
	descQuota     = "Quota exceeded"
	descRate      = "Too many requests"
	descNoChat    = "Bad request: The chat_id must not be empty"
	descWebhookOn = "Bad request: getUpdates is not available while a webhook is set"
)

// handle serves one call: latency, routing, the token, faults before and
// after the call takes effect, then the method.
func (s *Server) handle(r *http.Request) answer {
	ctx := r.Context()
	if s.latency > 0 && !s.pause(ctx, s.latency) {
		return answer{drop: true}
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		return s.apiErr(http.StatusNotFound, descNotFound)
	}
	params, err := readParams(r)
	if err != nil {
		return s.apiErr(http.StatusBadRequest, "Bad request: "+err.Error())
	}
	chat := params["chat_id"]

	s.mu.Lock()
	s.calls[method]++
	call := Call{Method: method, N: s.calls[method], ChatID: chat, Time: time.Now()}
	if isSend(method) {
		s.sendCalls++
		call.Send = s.sendCalls
	}
	if token != s.Token || s.revoked {
		s.recordErrorLocked(call, http.StatusUnauthorized, descUnauth, false)
		s.mu.Unlock()
		return s.apiErr(http.StatusUnauthorized, descUnauth)
	}
	fault := s.faultLocked(call)
	if fault != nil && !fault.After {
		s.recordFaultLocked(call, *fault)
	}
	s.mu.Unlock()
	if fault != nil && !fault.After {
		return s.fail(ctx, *fault)
	}

	var a answer
	switch method {
	case "getMe":
		a = s.getMe()
	case "getUpdates":
		a = s.getUpdates(ctx, params)
	case "sendMessage", "sendPhoto":
		a = s.send(call, params)
	case "sendChatAction":
		if chat == "" {
			a = s.apiErr(http.StatusBadRequest, descNoChat)
		} else {
			a = result(nil, nil)
		}
	case "setWebhook", "deleteWebhook", "getWebhookInfo":
		a = s.webhook(method, params)
	default:
		a = s.apiErr(http.StatusNotFound, descNotFound)
	}
	if fault == nil || a.drop {
		return a
	}
	s.mu.Lock()
	s.recordFaultLocked(call, *fault)
	if isSend(method) && len(s.sent) > 0 && s.sent[len(s.sent)-1].Call == call.Send {
		s.sent[len(s.sent)-1].Lost = true
	}
	s.mu.Unlock()
	return s.fail(ctx, *fault)
}

func isSend(method string) bool { return method == "sendMessage" || method == "sendPhoto" }

// pause waits d; false when ctx or the server ended first.
func (s *Server) pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// readParams reads a call's parameters: a JSON object body (values of any
// type, as their text), form fields or the query string, as the docs allow.
func readParams(r *http.Request) (map[string]string, error) {
	out := make(map[string]string)
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	if r.Body == nil {
		return out, nil
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("cannot read the body")
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return out, nil
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(data))
		if err != nil {
			return nil, fmt.Errorf("invalid form body")
		}
		for k, v := range form {
			out[k] = v[0]
		}
		return out, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("invalid JSON body")
	}
	for k, raw := range obj {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			out[k] = s
		} else {
			out[k] = string(raw)
		}
	}
	return out, nil
}
