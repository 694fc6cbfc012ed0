package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a fake Telegram Bot API server, in the spirit of
// net/http/httptest: the real go-telegram-bot-api client talks to it over
// loopback TCP (URL) or in process (Client). It holds a queue of updates that
// tests push, answers getUpdates with Telegram's offset and long-poll
// semantics (those of the Bot API server's update queue, including what it
// does with an offset beyond the queue: see getUpdates), records everything a
// bot sends, and can inject failures and enforce Telegram's rate limits. All
// methods are safe for concurrent use.
//
// It understands getMe, getUpdates, sendMessage, editMessageText,
// editMessageReplyMarkup, answerCallbackQuery, setMyCommands,
// deleteMyCommands, getMyCommands, sendDocument, sendPhoto, getChatMember
// and getFile, and serves the files people sent (PushDocument) at
// /file/bot<token>/<path>; any other method answers 404.
// Times come from time.Now, so the fake works inside a testing/synctest
// bubble (use InProcess and Client there).
type Server struct {
	// URL is the endpoint format for tgbotapi.NewBotAPIWithClient: two %s,
	// the token then the method, e.g. "http://127.0.0.1:4567/bot%s/%s".
	URL string
	// Token is the only token the fake accepts.
	Token string
	// Bot is the bot's own user, answered by getMe.
	Bot User

	srv       *httptest.Server
	inProcess bool
	done      chan struct{}
	once      sync.Once

	mu         sync.Mutex
	nextUpdate int64 // the queue's tail: the id of the next update pushed
	nextMsg    int64
	nextCB     int64
	updates    []update // queued, not yet confirmed, in id order
	confirmed  int64
	lost       []int64   // updates confirmed without ever being delivered
	spinLimit  int       // see DetectSpin
	spinAt     time.Time // the instant of the last getUpdates calls
	spinCalls  int       // getUpdates calls at spinAt
	spins      int       // calls refused as a busy loop
	allowed    []string
	notify     chan struct{} // closed and replaced when updates are pushed
	holding    bool          // inside Together: pushes do not wake getUpdates yet
	parked     int           // getUpdates requests waiting for updates
	parkSignal chan struct{} // closed and replaced when parked changes

	calls     map[string]int
	faults    []faultRule
	random    *randomFaults
	chatErr   map[int64]Fault
	members   map[[2]int64]string
	chats     map[int64]Chat
	sent      []Sent
	byChat    map[int64][]int   // chat -> indexes into sent
	messages  map[[2]int64]Sent // chat, message id -> current state
	markups   []MarkupEdit
	errs      []ErrorAnswer
	answers   []CallbackAnswer
	commands  map[string][]Command
	limits    Limits
	latency   time.Duration // the round trip of every call (SetLatency)
	global    []time.Time
	lastSend  map[int64]time.Time
	groupSend map[int64][]time.Time
	files     map[string]storedFile // by file id (PushDocument)
	fileSeq   int
}

// User is a Telegram user as the fake puts it into updates.
type User struct {
	ID        int64
	FirstName string
	LastName  string
	Username  string
	IsBot     bool
}

// Chat is a Telegram chat as the fake puts it into updates. Type is
// "private", "group", "supergroup" or "channel".
type Chat struct {
	ID    int64
	Type  string
	Title string
	// FirstName and LastName are set for private chats.
	FirstName string
	LastName  string
}

// Private returns the private chat with u.
func Private(u User) Chat {
	return Chat{ID: u.ID, Type: "private", FirstName: u.FirstName, LastName: u.LastName}
}

// Group returns a group chat. An id at or below -1000000000000 makes
// a supergroup, any other negative id a basic group.
func Group(id int64, title string) Chat {
	typ := "group"
	if id <= -1000000000000 {
		typ = "supergroup"
	}
	return Chat{ID: id, Type: typ, Title: title}
}

// Option configures NewServer.
type Option func(*Server)

// WithToken sets the token the fake accepts.
func WithToken(token string) Option {
	return func(f *Server) { f.Token = token }
}

// WithBot sets the bot's id and username answered by getMe.
func WithBot(id int64, username string) Option {
	return func(f *Server) {
		f.Bot.ID = id
		f.Bot.Username = username
	}
}

// WithLimits makes the fake enforce l from the start.
func WithLimits(l Limits) Option {
	return func(f *Server) { f.limits = l }
}

// InProcess starts no TCP listener: the fake is reachable only
// through Client. Use it inside a testing/synctest bubble, where real network
// I/O would stop virtual time.
func InProcess() Option {
	return func(f *Server) { f.inProcess = true }
}

// The fake's defaults.
const (
	DefaultToken    = "7000000001:AAFakeTokenForTestsOnly-secret_x"
	DefaultUsername = "lamtheo_test_bot"
)

// NewServer starts a fake Bot API and stops it when the test ends. Update
// ids start at 1001 (see RenumberUpdates).
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	f := &Server{
		Token:      DefaultToken,
		Bot:        User{ID: 7000000001, FirstName: "Làm theo", Username: DefaultUsername, IsBot: true},
		done:       make(chan struct{}),
		nextUpdate: 1001,
		nextMsg:    1,
		notify:     make(chan struct{}),
		parkSignal: make(chan struct{}),
		calls:      make(map[string]int),
		chatErr:    make(map[int64]Fault),
		members:    make(map[[2]int64]string),
		chats:      make(map[int64]Chat),
		messages:   make(map[[2]int64]Sent),
		byChat:     make(map[int64][]int),
		commands:   make(map[string][]Command),
		lastSend:   make(map[int64]time.Time),
		groupSend:  make(map[int64][]time.Time),
	}
	for _, o := range opts {
		o(f)
	}
	if !f.inProcess {
		f.srv = httptest.NewServer(f)
		f.URL = f.srv.URL + "/bot%s/%s"
	} else {
		f.URL = "http://api.telegram.invalid/bot%s/%s"
	}
	tb.Cleanup(f.Close)
	return f
}

// Close releases every waiting request and stops the server. It is called
// when the test ends; calling it earlier makes later TCP calls fail with a
// transport error.
func (f *Server) Close() {
	f.once.Do(func() {
		close(f.done)
		if f.srv != nil {
			f.srv.CloseClientConnections()
			f.srv.Close()
		}
	})
}

// Client calls the fake's handler in process, without a network.
// Its Do behaves like an http.Client's: when the request's context ends
// first it returns a *url.Error wrapping the context's error.
type Client struct {
	f *Server
	// Timeout, if positive, bounds each call like http.Client.Timeout.
	Timeout time.Duration
}

// Client returns an in-process HTTP client for the fake, usable with
// tgbotapi.NewBotAPIWithClient and inside a testing/synctest bubble.
func (f *Server) Client() *Client { return &Client{f: f} }

// Do serves req with the fake's handler.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
		req = req.WithContext(ctx)
	}
	if req.Body != nil {
		// Like a real transport, close the body when done so a writer on
		// the other end of a pipe (multipart uploads) never blocks.
		defer req.Body.Close()
	}
	rec := httptest.NewRecorder()
	select {
	case <-c.f.done:
		return nil, &url.Error{Op: urlOp(req.Method), URL: req.URL.String(), Err: fmt.Errorf("dial: connection refused")}
	default:
	}
	c.f.ServeHTTP(rec, req)
	if err := ctx.Err(); err != nil {
		return nil, &url.Error{Op: urlOp(req.Method), URL: req.URL.String(), Err: err}
	}
	return rec.Result(), nil
}

func urlOp(method string) string {
	if method == "" {
		return "Get"
	}
	return method[:1] + strings.ToLower(method[1:])
}

func userJSON(u User) map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": u.IsBot, "first_name": u.FirstName}
	if u.LastName != "" {
		m["last_name"] = u.LastName
	}
	if u.Username != "" {
		m["username"] = u.Username
	}
	return m
}

func chatJSON(c Chat) map[string]any {
	m := map[string]any{"id": c.ID, "type": c.Type}
	if c.Title != "" {
		m["title"] = c.Title
	}
	if c.FirstName != "" {
		m["first_name"] = c.FirstName
	}
	if c.LastName != "" {
		m["last_name"] = c.LastName
	}
	return m
}

// SetMember sets the status getChatMember answers for user in chat
// ("creator", "administrator", "member", "restricted", "left", "kicked").
// Users never set are "left".
func (f *Server) SetMember(chat, user int64, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.members[[2]int64{chat, user}] = status
}

// Calls returns how many calls of method the fake received (failed ones
// included).
func (f *Server) Calls(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[strings.ToLower(method)]
}

// ServeHTTP answers one Bot API call: /bot<token>/<method>, after half of
// the latency (SetLatency) and before the other half.
func (f *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	rtt := f.latency
	f.mu.Unlock()
	if !f.delay(r, rtt/2) {
		return // abandoned on its way: it never arrived
	}
	defer f.delay(r, rtt-rtt/2)
	f.serveHTTP(w, r)
}

func (f *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		f.serveFile(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		writeError(w, Fault{Code: 404, Description: "Not Found"})
		return
	}
	token, method, ok := strings.Cut(rest, "/")
	if !ok || token != f.Token {
		writeError(w, Fault{Code: 401, Description: "Unauthorized"})
		return
	}
	method = strings.ToLower(method)
	form, files, err := parseRequest(r)
	if err != nil {
		writeError(w, Fault{Code: 400, Description: "Bad Request: " + err.Error()})
		return
	}
	chatID, _ := strconv.ParseInt(form.Get("chat_id"), 10, 64)

	f.mu.Lock()
	f.calls[method]++
	if method == "getupdates" && f.spinningLocked() {
		f.mu.Unlock()
		writeError(w, Fault{Code: 500, Description: "Internal Server Error: busy loop (telegramtest.DetectSpin)"})
		return
	}
	fault, faulty := f.faultLocked(method)
	if !faulty && chatID != 0 && chatMethods[method] {
		fault, faulty = f.chatErr[chatID]
	}
	if faulty && !fault.After && !fault.Hang {
		f.recordErrorLocked(method, chatID, fault)
	}
	f.mu.Unlock()
	if !faulty {
		f.serve(w, r, method, chatID, form, files)
		return
	}
	if fault.After {
		f.serve(httptest.NewRecorder(), r, method, chatID, form, files) // the answer is lost
		f.mu.Lock()
		f.recordErrorLocked(method, chatID, fault)
		f.mu.Unlock()
	}
	if fault.Hang {
		select {
		case <-r.Context().Done():
		case <-f.done:
		}
		return
	}
	writeError(w, fault)
}

// serve answers one call of method that no fault stops.
func (f *Server) serve(w http.ResponseWriter, r *http.Request, method string, chatID int64, form url.Values, files map[string][]*multipart.FileHeader) {
	switch method {
	case "getme":
		writeResult(w, userJSON(f.Bot))
	case "getupdates":
		f.getUpdates(w, r, form)
	case "sendmessage", "editmessagetext", "sendphoto", "senddocument":
		f.send(w, method, chatID, form, files)
	case "editmessagereplymarkup":
		f.editMarkup(w, chatID, form)
	case "answercallbackquery":
		f.answerCallback(w, method, form)
	case "setmycommands", "deletemycommands", "getmycommands":
		f.myCommands(w, method, form)
	case "getfile":
		f.getFile(w, form)
	case "getchatmember":
		userID, _ := strconv.ParseInt(form.Get("user_id"), 10, 64)
		f.mu.Lock()
		status, ok := f.members[[2]int64{chatID, userID}]
		f.mu.Unlock()
		if !ok {
			status = "left"
		}
		writeResult(w, map[string]any{"user": map[string]any{"id": userID, "is_bot": false, "first_name": "?"}, "status": status})
	default:
		writeError(w, Fault{Code: 404, Description: "Not Found"})
	}
}

var chatMethods = map[string]bool{
	"sendmessage": true, "editmessagetext": true, "editmessagereplymarkup": true, "sendphoto": true,
	"senddocument": true, "getchatmember": true,
}

func parseRequest(r *http.Request) (url.Values, map[string][]*multipart.FileHeader, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			return nil, nil, fmt.Errorf("bad multipart body: %w", err)
		}
		return r.Form, r.MultipartForm.File, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, nil, fmt.Errorf("bad form: %w", err)
	}
	return r.Form, nil, nil
}

func writeResult(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

var methodNames = map[string]string{
	"getme": "getMe", "getupdates": "getUpdates", "sendmessage": "sendMessage",
	"editmessagetext": "editMessageText", "editmessagereplymarkup": "editMessageReplyMarkup",
	"sendphoto": "sendPhoto", "senddocument": "sendDocument",
	"answercallbackquery": "answerCallbackQuery", "setmycommands": "setMyCommands",
	"deletemycommands": "deleteMyCommands", "getmycommands": "getMyCommands", "getchatmember": "getChatMember", "getfile": "getFile",
}

// methodName returns the Bot API spelling of a lowercased method name.
func methodName(lower string) string {
	if n, ok := methodNames[lower]; ok {
		return n
	}
	return lower
}
