package bottest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// FakeTelegram is a fake Telegram Bot API server, in the spirit of
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
// deleteMyCommands, getMyCommands, sendDocument, sendPhoto and getChatMember;
// any other method answers 404.
// Times come from time.Now, so the fake works inside a testing/synctest
// bubble (use TelegramInProcess and Client there).
type FakeTelegram struct {
	// URL is the endpoint format for tgbotapi.NewBotAPIWithClient: two %s,
	// the token then the method, e.g. "http://127.0.0.1:4567/bot%s/%s".
	URL string
	// Token is the only token the fake accepts.
	Token string
	// Bot is the bot's own user, answered by getMe.
	Bot TelegramUser

	srv       *httptest.Server
	inProcess bool
	done      chan struct{}
	once      sync.Once

	mu         sync.Mutex
	nextUpdate int64 // the queue's tail: the id of the next update pushed
	nextMsg    int64
	nextCB     int64
	updates    []tgUpdate // queued, not yet confirmed, in id order
	confirmed  int64
	lost       []int64   // updates confirmed without ever being delivered
	spinLimit  int       // see DetectSpin
	spinAt     time.Time // the instant of the last getUpdates calls
	spinCalls  int       // getUpdates calls at spinAt
	spins      int       // calls refused as a busy loop
	allowed    []string
	notify     chan struct{} // closed and replaced when updates are pushed
	parked     int           // getUpdates requests waiting for updates
	parkSignal chan struct{} // closed and replaced when parked changes

	calls     map[string]int
	faults    []tgFaultRule
	random    *tgRandomFaults
	chatErr   map[int64]TelegramFault
	members   map[[2]int64]string
	chats     map[int64]TelegramChat
	sent      []TelegramSent
	byChat    map[int64][]int           // chat -> indexes into sent
	messages  map[[2]int64]TelegramSent // chat, message id -> current state
	markups   []TelegramMarkupEdit
	errs      []TelegramError
	answers   []TelegramCallbackAnswer
	commands  map[string][]TelegramCommand
	limits    TelegramLimits
	global    []time.Time
	lastSend  map[int64]time.Time
	groupSend map[int64][]time.Time
}

// TelegramUser is a Telegram user as the fake puts it into updates.
type TelegramUser struct {
	ID        int64
	FirstName string
	LastName  string
	Username  string
	IsBot     bool
}

// TelegramChat is a Telegram chat as the fake puts it into updates. Type is
// "private", "group", "supergroup" or "channel".
type TelegramChat struct {
	ID    int64
	Type  string
	Title string
	// FirstName and LastName are set for private chats.
	FirstName string
	LastName  string
}

// TelegramPrivate returns the private chat with u.
func TelegramPrivate(u TelegramUser) TelegramChat {
	return TelegramChat{ID: u.ID, Type: "private", FirstName: u.FirstName, LastName: u.LastName}
}

// TelegramGroup returns a group chat. An id at or below -1000000000000 makes
// a supergroup, any other negative id a basic group.
func TelegramGroup(id int64, title string) TelegramChat {
	typ := "group"
	if id <= -1000000000000 {
		typ = "supergroup"
	}
	return TelegramChat{ID: id, Type: typ, Title: title}
}

// TelegramFault is a failure the fake returns instead of handling a call.
type TelegramFault struct {
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

// TelegramLimits are the rate limits the fake enforces on sendMessage,
// editMessageText, editMessageReplyMarkup, sendPhoto and sendDocument. A call over a limit gets 429
// with retry_after; only accepted calls count. Zero fields are not enforced.
// Windows and gaps are measured with a tolerance of one millisecond
// (tgSlack), so a sender pacing exactly at a limit is not refused for a
// rounding error of its own clock arithmetic.
type TelegramLimits struct {
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

// DefaultTelegramLimits returns Telegram's published limits: 30 messages per
// second overall, one per second per chat, 20 per minute per group.
func DefaultTelegramLimits() TelegramLimits {
	return TelegramLimits{PerSecond: 30, PerChat: time.Second, PerGroup: 20, GroupWindow: time.Minute}
}

// TelegramButton is one inline keyboard button the bot sent.
type TelegramButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// TelegramSent is one message the fake accepted from the bot: a send or an
// edit.
type TelegramSent struct {
	Method    string // sendMessage, editMessageText, sendPhoto or sendDocument
	ChatID    int64
	MessageID int64  // the new message, or the edited one
	Text      string // text or caption exactly as sent (with markup)
	Plain     string // Text after parse_mode was applied: what the person reads
	ParseMode string
	// ReplyMarkup is the raw reply_markup JSON, Buttons its inline keyboard.
	ReplyMarkup string
	Buttons     [][]TelegramButton
	Photo       string // sendPhoto: the file id or URL, or the uploaded file's name
	FileName    string // an uploaded document's or photo's file name
	FileData    []byte // the uploaded bytes
	Time        time.Time
}

// TelegramMarkupEdit is one editMessageReplyMarkup call the fake accepted:
// the message's buttons were replaced by Buttons (none: removed).
type TelegramMarkupEdit struct {
	ChatID    int64
	MessageID int64
	Buttons   [][]TelegramButton
	Time      time.Time
}

// TelegramError is one error answer the fake gave (injected or enforced).
type TelegramError struct {
	Method      string
	ChatID      int64 // 0 when the call named no chat
	Code        int
	RetryAfter  int
	Description string
	Time        time.Time
	// After: the call took effect before the fault was answered (see
	// TelegramFault.After); Hang: the answer was a hang.
	After, Hang bool
}

// TelegramCallbackAnswer is one answerCallbackQuery call.
type TelegramCallbackAnswer struct {
	ID        string
	Text      string
	ShowAlert bool
}

// TelegramCommand is one command of a setMyCommands call.
type TelegramCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// TelegramOption configures NewTelegram.
type TelegramOption func(*FakeTelegram)

// WithTelegramToken sets the token the fake accepts.
func WithTelegramToken(token string) TelegramOption {
	return func(f *FakeTelegram) { f.Token = token }
}

// WithTelegramBot sets the bot's id and username answered by getMe.
func WithTelegramBot(id int64, username string) TelegramOption {
	return func(f *FakeTelegram) {
		f.Bot.ID = id
		f.Bot.Username = username
	}
}

// WithTelegramLimits makes the fake enforce l from the start.
func WithTelegramLimits(l TelegramLimits) TelegramOption {
	return func(f *FakeTelegram) { f.limits = l }
}

// TelegramInProcess starts no TCP listener: the fake is reachable only
// through Client. Use it inside a testing/synctest bubble, where real network
// I/O would stop virtual time.
func TelegramInProcess() TelegramOption {
	return func(f *FakeTelegram) { f.inProcess = true }
}

// The fake's defaults.
const (
	DefaultTelegramToken    = "7000000001:AAFakeTokenForTestsOnly-secret_x"
	DefaultTelegramUsername = "lamtheo_test_bot"
)

// NewTelegram starts a fake Bot API and stops it when the test ends. Update
// ids start at 1001 (see RenumberUpdates).
func NewTelegram(tb testing.TB, opts ...TelegramOption) *FakeTelegram {
	tb.Helper()
	f := &FakeTelegram{
		Token:      DefaultTelegramToken,
		Bot:        TelegramUser{ID: 7000000001, FirstName: "Làm theo", Username: DefaultTelegramUsername, IsBot: true},
		done:       make(chan struct{}),
		nextUpdate: 1001,
		nextMsg:    1,
		notify:     make(chan struct{}),
		parkSignal: make(chan struct{}),
		calls:      make(map[string]int),
		chatErr:    make(map[int64]TelegramFault),
		members:    make(map[[2]int64]string),
		chats:      make(map[int64]TelegramChat),
		messages:   make(map[[2]int64]TelegramSent),
		byChat:     make(map[int64][]int),
		commands:   make(map[string][]TelegramCommand),
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
func (f *FakeTelegram) Close() {
	f.once.Do(func() {
		close(f.done)
		if f.srv != nil {
			f.srv.CloseClientConnections()
			f.srv.Close()
		}
	})
}

// TelegramClient calls the fake's handler in process, without a network.
// Its Do behaves like an http.Client's: when the request's context ends
// first it returns a *url.Error wrapping the context's error.
type TelegramClient struct {
	f *FakeTelegram
	// Timeout, if positive, bounds each call like http.Client.Timeout.
	Timeout time.Duration
}

// Client returns an in-process HTTP client for the fake, usable with
// tgbotapi.NewBotAPIWithClient and inside a testing/synctest bubble.
func (f *FakeTelegram) Client() *TelegramClient { return &TelegramClient{f: f} }

// Do serves req with the fake's handler.
func (c *TelegramClient) Do(req *http.Request) (*http.Response, error) {
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
		return nil, &url.Error{Op: tgOp(req.Method), URL: req.URL.String(), Err: fmt.Errorf("dial: connection refused")}
	default:
	}
	c.f.ServeHTTP(rec, req)
	if err := ctx.Err(); err != nil {
		return nil, &url.Error{Op: tgOp(req.Method), URL: req.URL.String(), Err: err}
	}
	return rec.Result(), nil
}

func tgOp(method string) string {
	if method == "" {
		return "Get"
	}
	return method[:1] + strings.ToLower(method[1:])
}

// ---- test controls: updates ----

type tgUpdate struct {
	id        int64
	kind      string
	body      map[string]any
	delivered bool // a getUpdates call returned it
}

// PushUpdate queues an update of the given kind ("message",
// "callback_query", "my_chat_member"...) with payload as its object, and
// returns its update_id.
func (f *FakeTelegram) PushUpdate(kind string, payload map[string]any) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextUpdate
	f.nextUpdate++
	f.updates = append(f.updates, tgUpdate{id: id, kind: kind, body: payload})
	close(f.notify)
	f.notify = make(chan struct{})
	return id
}

// RenumberUpdates makes next the update_id of the next update pushed, the
// ids counting up from there, as Telegram does when a bot had no updates
// for a week: "the identifier of the next update will be chosen randomly
// instead of sequentially" (the Bot API server picks one between 2,000,001
// and 1,000,000,000). It panics if updates are queued or next is not
// positive: Telegram renumbers only an empty queue.
func (f *FakeTelegram) RenumberUpdates(next int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.updates) > 0 || next <= 0 {
		panic(fmt.Sprintf("bottest: RenumberUpdates(%d) with %d updates queued", next, len(f.updates)))
	}
	f.nextUpdate = next
}

// PushMessage queues a message from from in chat with the given extra
// fields (e.g. "voice", "document", "new_chat_members") and returns its
// update_id.
func (f *FakeTelegram) PushMessage(chat TelegramChat, from TelegramUser, fields map[string]any) int64 {
	f.mu.Lock()
	f.chats[chat.ID] = chat
	msg := f.messageLocked(chat, from, fields)
	f.mu.Unlock()
	return f.PushUpdate("message", msg)
}

// PushText queues a text message. A text starting with "/" carries a
// bot_command entity, as Telegram adds one, so "/summary@bot x" in a group
// chat is a command addressed to a bot.
func (f *FakeTelegram) PushText(chat TelegramChat, from TelegramUser, text string) int64 {
	fields := map[string]any{"text": text}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		fields["entities"] = []any{map[string]any{"type": "bot_command", "offset": 0, "length": tgLen(cmd)}}
	}
	return f.PushMessage(chat, from, fields)
}

// PushPhoto queues a photo with caption; fileID is the largest size's file
// id, two smaller sizes get derived ids.
func (f *FakeTelegram) PushPhoto(chat TelegramChat, from TelegramUser, fileID, caption string) int64 {
	sizes := []any{
		map[string]any{"file_id": fileID + "-small", "file_unique_id": "us", "width": 90, "height": 67, "file_size": 1200},
		map[string]any{"file_id": fileID, "file_unique_id": "ul", "width": 1280, "height": 960, "file_size": 98000},
		map[string]any{"file_id": fileID + "-medium", "file_unique_id": "um", "width": 320, "height": 240, "file_size": 14000},
	}
	fields := map[string]any{"photo": sizes}
	if caption != "" {
		fields["caption"] = caption
	}
	return f.PushMessage(chat, from, fields)
}

// PushSticker queues a sticker.
func (f *FakeTelegram) PushSticker(chat TelegramChat, from TelegramUser) int64 {
	return f.PushMessage(chat, from, map[string]any{"sticker": map[string]any{
		"file_id": "sticker-1", "file_unique_id": "st1", "width": 512, "height": 512, "is_animated": false, "emoji": "👍",
	}})
}

// PushCallback queues a press of a button with data on the bot's message
// messageID in chat, and returns the update_id and the callback query id.
func (f *FakeTelegram) PushCallback(chat TelegramChat, from TelegramUser, messageID int64, data string) (updateID int64, callbackID string) {
	f.mu.Lock()
	f.chats[chat.ID] = chat
	f.nextCB++
	callbackID = "cb" + strconv.FormatInt(f.nextCB, 10)
	text := "…"
	if m, ok := f.messages[[2]int64{chat.ID, messageID}]; ok && m.Plain != "" {
		text = m.Plain
	}
	carrier := map[string]any{
		"message_id": messageID,
		"date":       time.Now().Unix(),
		"chat":       tgChatJSON(chat),
		"from":       tgUserJSON(f.Bot),
		"text":       text,
	}
	f.mu.Unlock()
	id := f.PushUpdate("callback_query", map[string]any{
		"id":            callbackID,
		"from":          tgUserJSON(from),
		"message":       carrier,
		"chat_instance": "ci" + strconv.FormatInt(chat.ID, 10),
		"data":          data,
	})
	return id, callbackID
}

// PushMyChatMember queues a change of the bot's own membership in chat,
// made by from (e.g. "left" -> "member" when added to a group, "member" ->
// "kicked" when removed).
func (f *FakeTelegram) PushMyChatMember(chat TelegramChat, from TelegramUser, oldStatus, newStatus string) int64 {
	f.mu.Lock()
	f.chats[chat.ID] = chat
	botJSON := tgUserJSON(f.Bot)
	f.mu.Unlock()
	return f.PushUpdate("my_chat_member", map[string]any{
		"chat":            tgChatJSON(chat),
		"from":            tgUserJSON(from),
		"date":            time.Now().Unix(),
		"old_chat_member": map[string]any{"user": botJSON, "status": oldStatus},
		"new_chat_member": map[string]any{"user": botJSON, "status": newStatus},
	})
}

func (f *FakeTelegram) messageLocked(chat TelegramChat, from TelegramUser, fields map[string]any) map[string]any {
	id := f.nextMsg
	f.nextMsg++
	msg := map[string]any{
		"message_id": id,
		"date":       time.Now().Unix(),
		"chat":       tgChatJSON(chat),
		"from":       tgUserJSON(from),
	}
	for k, v := range fields {
		msg[k] = v
	}
	return msg
}

func tgUserJSON(u TelegramUser) map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": u.IsBot, "first_name": u.FirstName}
	if u.LastName != "" {
		m["last_name"] = u.LastName
	}
	if u.Username != "" {
		m["username"] = u.Username
	}
	return m
}

func tgChatJSON(c TelegramChat) map[string]any {
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

// Confirmed returns the update_id of the last update the bot confirmed (the
// highest of those the latest confirming getUpdates call forgot because of
// its offset), or 0.
func (f *FakeTelegram) Confirmed() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.confirmed
}

// Lost returns the ids of the updates the bot confirmed, by the offset it
// asked for, without any getUpdates call having returned them: updates it
// can never receive. Telegram drops them silently; the fake tells.
func (f *FakeTelegram) Lost() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.lost)
}

// DetectSpin makes the fake refuse, with a 500, every getUpdates call that
// comes when n calls were already made at the same instant (time.Now), and
// count it in Spins. Inside a testing/synctest bubble time stands still
// while goroutines run without blocking, so a poll loop that spins (polling
// again at once, forever) would otherwise hang the test; with DetectSpin it
// backs off, time moves on, and the test can report it. Zero turns it off.
func (f *FakeTelegram) DetectSpin(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.spinLimit = n
}

// Spins returns how many getUpdates calls DetectSpin refused.
func (f *FakeTelegram) Spins() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.spins
}

// Pending returns how many updates are queued and not yet confirmed.
func (f *FakeTelegram) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.updates)
}

// AllowedUpdates returns the allowed_updates the bot last asked for.
func (f *FakeTelegram) AllowedUpdates() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.allowed)
}

// WaitPolling blocks until a getUpdates call is waiting for updates (a long
// poll is parked) or ctx ends.
func (f *FakeTelegram) WaitPolling(ctx context.Context) error {
	for {
		f.mu.Lock()
		if f.parked > 0 {
			f.mu.Unlock()
			return nil
		}
		ch := f.parkSignal
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (f *FakeTelegram) parkLocked(delta int) {
	f.parked += delta
	close(f.parkSignal)
	f.parkSignal = make(chan struct{})
}

// ---- test controls: failures, limits, chats ----

type tgFaultRule struct {
	method string    // "" = any
	left   int       // calls left to fail, or
	until  time.Time // fail every call before this
	fault  TelegramFault
}

type tgRandomFaults struct {
	p       float64
	rng     *rand.Rand
	faults  []TelegramFault
	methods []string
}

// FailNext makes the next n calls of method (any method when empty) return
// fault. Rules queue up: the first matching rule with calls left applies.
func (f *FakeTelegram) FailNext(method string, n int, fault TelegramFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, tgFaultRule{method: method, left: n, fault: fault})
}

// FailFor makes every call of method (any method when empty) fail with
// fault for the next d, e.g. a 401 from getUpdates while a proxy in the way
// misbehaves. Rules queue up with those of FailNext.
func (f *FakeTelegram) FailFor(method string, d time.Duration, fault TelegramFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, tgFaultRule{method: method, until: time.Now().Add(d), fault: fault})
}

// FailRandomly makes a fraction p of the calls of methods (every method but
// getMe when none are given) fail with one of faults, chosen by a generator
// seeded with seed. With no faults given it mixes a 429 with retry_after 1,
// a 500 and a hang. p = 0 turns random failures off.
func (f *FakeTelegram) FailRandomly(p float64, seed uint64, faults []TelegramFault, methods ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p <= 0 {
		f.random = nil
		return
	}
	if len(faults) == 0 {
		faults = []TelegramFault{{Code: 429, RetryAfter: 1}, {Code: 500}, {Hang: true}}
	}
	f.random = &tgRandomFaults{p: p, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), faults: faults, methods: methods}
}

// EnforceLimits makes the fake enforce l from now on (the zero value turns
// enforcement off).
func (f *FakeTelegram) EnforceLimits(l TelegramLimits) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limits = l
}

// Block makes every send to chat fail with 403 "Forbidden: bot was blocked
// by the user".
func (f *FakeTelegram) Block(chat int64) {
	f.SetChatError(chat, TelegramFault{Code: 403, Description: "Forbidden: bot was blocked by the user"})
}

// SetChatError makes every send, edit and getChatMember naming chat fail
// with fault; a zero fault clears it.
func (f *FakeTelegram) SetChatError(chat int64, fault TelegramFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fault == (TelegramFault{}) { // comparable: clear
		delete(f.chatErr, chat)
		return
	}
	f.chatErr[chat] = fault
}

// SetMember sets the status getChatMember answers for user in chat
// ("creator", "administrator", "member", "restricted", "left", "kicked").
// Users never set are "left".
func (f *FakeTelegram) SetMember(chat, user int64, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.members[[2]int64{chat, user}] = status
}

// ---- test inspection ----

// Calls returns how many calls of method the fake received (failed ones
// included).
func (f *FakeTelegram) Calls(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[strings.ToLower(method)]
}

// Sent returns the messages accepted for chat, sends and text edits
// (editMessageText), in order. Changes of buttons alone
// (editMessageReplyMarkup) are in MarkupEdits.
func (f *FakeTelegram) Sent(chat int64) []TelegramSent {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]TelegramSent, 0, len(f.byChat[chat]))
	for _, i := range f.byChat[chat] {
		out = append(out, f.sent[i])
	}
	return out
}

// Message returns the message id of chat as the person sees it now: its
// last text and its buttons after every edit.
func (f *FakeTelegram) Message(chat, id int64) (TelegramSent, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.messages[[2]int64{chat, id}]
	return m, ok
}

// MarkupEdits returns the editMessageReplyMarkup calls accepted for chat,
// in order.
func (f *FakeTelegram) MarkupEdits(chat int64) []TelegramMarkupEdit {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []TelegramMarkupEdit
	for _, e := range f.markups {
		if e.ChatID == chat {
			out = append(out, e)
		}
	}
	return out
}

// AllSent returns every accepted message, in order.
func (f *FakeTelegram) AllSent() []TelegramSent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

// Errors returns every error answer the fake gave, in order.
func (f *FakeTelegram) Errors() []TelegramError {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.errs)
}

// TooManyRequests returns how many 429 answers the fake gave.
func (f *FakeTelegram) TooManyRequests() int {
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

// CallbackAnswers returns every answerCallbackQuery call, in order.
func (f *FakeTelegram) CallbackAnswers() []TelegramCallbackAnswer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.answers)
}

// Commands returns the commands set for scope ("default",
// "all_private_chats", "all_group_chats", "all_chat_administrators",
// "chat:<id>", "chat_administrators:<id>", "chat_member:<chat>:<user>") and
// language code (empty for all languages).
func (f *FakeTelegram) Commands(scope, lang string) []TelegramCommand {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.commands[scope+"|"+lang])
}

// ---- the HTTP handler ----

// ServeHTTP answers one Bot API call: /bot<token>/<method>.
func (f *FakeTelegram) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		tgWriteError(w, TelegramFault{Code: 404, Description: "Not Found"})
		return
	}
	token, method, ok := strings.Cut(rest, "/")
	if !ok || token != f.Token {
		tgWriteError(w, TelegramFault{Code: 401, Description: "Unauthorized"})
		return
	}
	method = strings.ToLower(method)
	form, files, err := tgParseRequest(r)
	if err != nil {
		tgWriteError(w, TelegramFault{Code: 400, Description: "Bad Request: " + err.Error()})
		return
	}
	chatID, _ := strconv.ParseInt(form.Get("chat_id"), 10, 64)

	f.mu.Lock()
	f.calls[method]++
	if method == "getupdates" && f.spinningLocked() {
		f.mu.Unlock()
		tgWriteError(w, TelegramFault{Code: 500, Description: "Internal Server Error: busy loop (bottest.DetectSpin)"})
		return
	}
	fault, faulty := f.faultLocked(method)
	if !faulty && chatID != 0 && tgChatMethods[method] {
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
	tgWriteError(w, fault)
}

// serve answers one call of method that no fault stops.
func (f *FakeTelegram) serve(w http.ResponseWriter, r *http.Request, method string, chatID int64, form url.Values, files map[string][]*multipart.FileHeader) {
	switch method {
	case "getme":
		tgWriteResult(w, tgUserJSON(f.Bot))
	case "getupdates":
		f.getUpdates(w, r, form)
	case "sendmessage", "editmessagetext", "sendphoto", "senddocument":
		f.send(w, method, chatID, form, files)
	case "editmessagereplymarkup":
		f.editMarkup(w, chatID, form)
	case "answercallbackquery":
		text := form.Get("text")
		if tgLen(text) > 200 { // "0-200 characters"
			fault := TelegramFault{Code: 400, Description: "Bad Request: MESSAGE_TOO_LONG"}
			f.mu.Lock()
			f.recordErrorLocked(method, 0, fault)
			f.mu.Unlock()
			tgWriteError(w, fault)
			return
		}
		f.mu.Lock()
		f.answers = append(f.answers, TelegramCallbackAnswer{
			ID: form.Get("callback_query_id"), Text: text, ShowAlert: form.Get("show_alert") == "true",
		})
		f.mu.Unlock()
		tgWriteResult(w, true)
	case "setmycommands", "deletemycommands", "getmycommands":
		f.myCommands(w, method, form)
	case "getchatmember":
		userID, _ := strconv.ParseInt(form.Get("user_id"), 10, 64)
		f.mu.Lock()
		status, ok := f.members[[2]int64{chatID, userID}]
		f.mu.Unlock()
		if !ok {
			status = "left"
		}
		tgWriteResult(w, map[string]any{"user": map[string]any{"id": userID, "is_bot": false, "first_name": "?"}, "status": status})
	default:
		tgWriteError(w, TelegramFault{Code: 404, Description: "Not Found"})
	}
}

var tgChatMethods = map[string]bool{
	"sendmessage": true, "editmessagetext": true, "editmessagereplymarkup": true, "sendphoto": true,
	"senddocument": true, "getchatmember": true,
}

// spinningLocked counts a getUpdates call and reports whether DetectSpin
// refuses it.
func (f *FakeTelegram) spinningLocked() bool {
	if f.spinLimit <= 0 {
		return false
	}
	if now := time.Now(); !now.Equal(f.spinAt) {
		f.spinAt, f.spinCalls = now, 0
	}
	f.spinCalls++
	if f.spinCalls <= f.spinLimit {
		return false
	}
	f.spins++
	return true
}

func (f *FakeTelegram) faultLocked(method string) (TelegramFault, bool) {
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
	return TelegramFault{}, false
}

func (f *FakeTelegram) recordErrorLocked(method string, chat int64, fault TelegramFault) {
	f.errs = append(f.errs, TelegramError{
		Method: tgMethodName(method), ChatID: chat, Code: fault.Code, RetryAfter: fault.RetryAfter,
		Description: tgDescription(fault), Time: time.Now(), After: fault.After, Hang: fault.Hang,
	})
}

func tgParseRequest(r *http.Request) (url.Values, map[string][]*multipart.FileHeader, error) {
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

func tgDescription(f TelegramFault) string {
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

func tgWriteError(w http.ResponseWriter, f TelegramFault) {
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
	body := map[string]any{"ok": false, "error_code": code, "description": tgDescription(f)}
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

func tgWriteResult(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

// The Bot API server's update queue (tdlib's TQueue) accepts an offset only
// within these bounds of its tail (the id the next update will get).
const (
	tgFutureSlack = 10        // an offset up to tail+10 is accepted
	tgPastWindow  = 2_000_000 // an offset more than this below the tail is not
)

// getUpdates answers like the Bot API server (telegram-bot-api's
// Client::do_get_updates over its TQueue):
//   - offset 0 (or none) starts at the queue's head and confirms nothing;
//   - a negative offset counts from the tail and confirms the updates before
//     the last -offset;
//   - a positive offset within [tail-2,000,000, tail+10] confirms (forgets)
//     every update below it and starts there;
//   - any other positive offset is ignored: the call starts at the head and
//     confirms nothing. This is what happens after Telegram renumbered the
//     updates below an offset the bot kept: the new updates are returned,
//     whatever their ids, again and again until they are confirmed.
//
// A long poll waiting for updates applies its offset again when one is
// pushed, as the server does.
func (f *FakeTelegram) getUpdates(w http.ResponseWriter, r *http.Request, form url.Values) {
	offset, _ := strconv.ParseInt(form.Get("offset"), 10, 64)
	limit, _ := strconv.Atoi(form.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(form.Get("timeout"))
	if timeout > 50 {
		timeout = 50 // Telegram caps the long poll near 50 s
	}
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		deadline = t.C
	}

	f.mu.Lock()
	if a := form.Get("allowed_updates"); a != "" && a != "null" { // tgbotapi sends null for none
		var list []string
		if err := json.Unmarshal([]byte(a), &list); err != nil {
			f.mu.Unlock()
			tgWriteError(w, TelegramFault{Code: 400, Description: "Bad Request: can't parse allowed updates"})
			return
		}
		f.allowed = list
	}
	for {
		if len(f.allowed) > 0 {
			f.updates = slices.DeleteFunc(f.updates, func(u tgUpdate) bool { return !slices.Contains(f.allowed, u.kind) })
		}
		f.forgetLocked(f.fromLocked(offset))
		if len(f.updates) > 0 || deadline == nil {
			n := min(limit, len(f.updates))
			out := make([]map[string]any, 0, n)
			for i := range f.updates[:n] {
				u := &f.updates[i]
				u.delivered = true
				out = append(out, map[string]any{"update_id": u.id, u.kind: u.body})
			}
			f.mu.Unlock()
			tgWriteResult(w, out)
			return
		}
		ch := f.notify
		f.parkLocked(1)
		f.mu.Unlock()
		var gone bool
		select {
		case <-ch:
		case <-deadline:
			deadline = nil
		case <-r.Context().Done():
			gone = true
		case <-f.done:
			gone = true
		}
		f.mu.Lock()
		f.parkLocked(-1)
		if gone {
			f.mu.Unlock()
			return
		}
	}
}

// fromLocked returns the update_id a getUpdates call with offset starts at:
// every queued update below it is confirmed.
func (f *FakeTelegram) fromLocked(offset int64) int64 {
	tail := f.nextUpdate
	head := tail
	if len(f.updates) > 0 {
		head = f.updates[0].id
	}
	if offset <= 0 {
		if offset < 0 {
			offset += tail
		}
		return max(offset, head)
	}
	if offset > tail+tgFutureSlack || offset < tail-tgPastWindow {
		return head // "in the future" or "in the past": ignored
	}
	return offset
}

// forgetLocked confirms the queued updates below from.
func (f *FakeTelegram) forgetLocked(from int64) {
	i := 0
	for i < len(f.updates) && f.updates[i].id < from {
		if !f.updates[i].delivered {
			f.lost = append(f.lost, f.updates[i].id)
		}
		f.confirmed = f.updates[i].id
		i++
	}
	f.updates = slices.Delete(f.updates, 0, i)
}

func (f *FakeTelegram) send(w http.ResponseWriter, method string, chatID int64, form url.Values, files map[string][]*multipart.FileHeader) {
	fail := func(desc string) {
		fault := TelegramFault{Code: 400, Description: "Bad Request: " + desc}
		f.mu.Lock()
		f.recordErrorLocked(method, chatID, fault)
		f.mu.Unlock()
		tgWriteError(w, fault)
	}
	if chatID == 0 {
		fail("chat_id is empty")
		return
	}
	s := TelegramSent{Method: tgMethodName(method), ChatID: chatID, ParseMode: form.Get("parse_mode")}
	textKey, maxLen := "caption", 1024
	if method == "sendmessage" || method == "editmessagetext" {
		textKey, maxLen = "text", 4096
	}
	s.Text = form.Get(textKey)
	plain, err := tgPlain(s.Text, s.ParseMode)
	if err != nil {
		fail("can't parse entities: " + err.Error())
		return
	}
	s.Plain = plain
	if textKey == "text" && strings.TrimSpace(plain) == "" {
		fail("message text is empty")
		return
	}
	if tgLen(plain) > maxLen {
		if textKey == "text" {
			fail("message is too long")
		} else {
			fail("message caption is too long")
		}
		return
	}
	if rm := form.Get("reply_markup"); rm != "" && rm != "null" {
		buttons, err := tgKeyboard(rm)
		if err != nil {
			fail(err.Error())
			return
		}
		s.ReplyMarkup = rm
		s.Buttons = buttons
	}
	switch method {
	case "sendphoto", "senddocument":
		field := "photo"
		if method == "senddocument" {
			field = "document"
		}
		if fh := files[field]; len(fh) > 0 {
			data, err := tgReadFile(fh[0])
			if err != nil {
				fail("can't read the uploaded file")
				return
			}
			s.FileName, s.FileData = fh[0].Filename, data
			if field == "photo" {
				s.Photo = fh[0].Filename
			}
		} else if v := form.Get(field); v != "" {
			if field == "photo" {
				s.Photo = v
			} else {
				s.FileName = v
			}
		} else {
			fail("there is no " + field + " in the request")
			return
		}
	}

	result, fault := f.accept(s, form)
	if fault != nil {
		tgWriteError(w, *fault)
		return
	}
	tgWriteResult(w, result)
}

// tgKeyboard parses and checks an inline keyboard as Telegram does; the
// error is the text after "Bad Request: ".
func tgKeyboard(markup string) ([][]TelegramButton, error) {
	var kb struct {
		InlineKeyboard [][]TelegramButton `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(markup), &kb); err != nil {
		return nil, errors.New("can't parse reply keyboard markup JSON object")
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.Text == "" {
				return nil, errors.New("text buttons are unallowed in the inline keyboard")
			}
			if (b.CallbackData == "") == (b.URL == "") {
				return nil, errors.New("BUTTON_TYPE_INVALID")
			}
			if len(b.CallbackData) > 64 {
				return nil, errors.New("BUTTON_DATA_INVALID")
			}
		}
	}
	return kb.InlineKeyboard, nil
}

// editMarkup answers editMessageReplyMarkup: it replaces the buttons of a
// message the fake accepted earlier, and refuses, like Telegram, a message
// it does not know ("message to edit not found") and an edit that changes
// nothing ("message is not modified"). No reply_markup removes the buttons.
func (f *FakeTelegram) editMarkup(w http.ResponseWriter, chatID int64, form url.Values) {
	const method = "editMessageReplyMarkup"
	fail := func(fault TelegramFault) {
		f.mu.Lock()
		f.recordErrorLocked(method, chatID, fault)
		f.mu.Unlock()
		tgWriteError(w, fault)
	}
	if form.Get("inline_message_id") != "" {
		fail(TelegramFault{Code: 400, Description: "Bad Request: inline messages are not supported by the fake"})
		return
	}
	if chatID == 0 {
		fail(TelegramFault{Code: 400, Description: "Bad Request: chat_id is empty"})
		return
	}
	id, _ := strconv.ParseInt(form.Get("message_id"), 10, 64)
	if id <= 0 {
		fail(TelegramFault{Code: 400, Description: "Bad Request: message identifier is not specified"})
		return
	}
	var buttons [][]TelegramButton
	rm := form.Get("reply_markup")
	if rm != "" && rm != "null" {
		var err error
		if buttons, err = tgKeyboard(rm); err != nil {
			fail(TelegramFault{Code: 400, Description: "Bad Request: " + err.Error()})
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	reject := func(fault TelegramFault) {
		f.recordErrorLocked(method, chatID, fault)
		tgWriteError(w, fault)
	}
	m, ok := f.messages[[2]int64{chatID, id}]
	if !ok {
		reject(TelegramFault{Code: 400, Description: "Bad Request: message to edit not found"})
		return
	}
	if tgSameButtons(m.Buttons, buttons) {
		reject(TelegramFault{Code: 400, Description: "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"})
		return
	}
	if wait := f.limitLocked(chatID); wait > 0 {
		reject(TelegramFault{Code: 429, RetryAfter: int(math.Ceil(wait.Seconds()))})
		return
	}
	m.Buttons, m.ReplyMarkup = buttons, ""
	if len(buttons) > 0 {
		m.ReplyMarkup = rm
	}
	f.messages[[2]int64{chatID, id}] = m
	now := time.Now()
	f.markups = append(f.markups, TelegramMarkupEdit{ChatID: chatID, MessageID: id, Buttons: buttons, Time: now})
	res := f.resultLocked(m)
	res["edit_date"] = now.Unix()
	tgWriteResult(w, res)
}

// tgSameButtons reports whether two keyboards show the same buttons.
func tgSameButtons(a, b [][]TelegramButton) bool {
	return slices.EqualFunc(tgRows(a), tgRows(b), slices.Equal[[]TelegramButton])
}

// tgRows drops the empty rows of a keyboard, which Telegram does not show.
func tgRows(kb [][]TelegramButton) [][]TelegramButton {
	return slices.DeleteFunc(slices.Clone(kb), func(row []TelegramButton) bool { return len(row) == 0 })
}

// accept records s unless the message to edit is missing or unchanged or a
// rate limit is exceeded; it then returns the error to answer instead.
func (f *FakeTelegram) accept(s TelegramSent, form url.Values) (map[string]any, *TelegramFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	reject := func(fault TelegramFault) (map[string]any, *TelegramFault) {
		f.recordErrorLocked(s.Method, s.ChatID, fault)
		return nil, &fault
	}
	if s.Method == "editMessageText" {
		id, _ := strconv.ParseInt(form.Get("message_id"), 10, 64)
		old, ok := f.messages[[2]int64{s.ChatID, id}]
		if !ok {
			return reject(TelegramFault{Code: 400, Description: "Bad Request: message to edit not found"})
		}
		if old.Text == s.Text && old.ReplyMarkup == s.ReplyMarkup {
			return reject(TelegramFault{Code: 400, Description: "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"})
		}
		s.MessageID = id
	}
	if wait := f.limitLocked(s.ChatID); wait > 0 {
		return reject(TelegramFault{Code: 429, RetryAfter: int(math.Ceil(wait.Seconds()))})
	}
	if s.MessageID == 0 {
		s.MessageID = f.nextMsg
		f.nextMsg++
	}
	s.Time = time.Now()
	f.byChat[s.ChatID] = append(f.byChat[s.ChatID], len(f.sent))
	f.sent = append(f.sent, s)
	f.messages[[2]int64{s.ChatID, s.MessageID}] = s
	return f.resultLocked(s), nil
}

var tgMethodNames = map[string]string{
	"getme": "getMe", "getupdates": "getUpdates", "sendmessage": "sendMessage",
	"editmessagetext": "editMessageText", "editmessagereplymarkup": "editMessageReplyMarkup",
	"sendphoto": "sendPhoto", "senddocument": "sendDocument",
	"answercallbackquery": "answerCallbackQuery", "setmycommands": "setMyCommands",
	"deletemycommands": "deleteMyCommands", "getmycommands": "getMyCommands", "getchatmember": "getChatMember",
}

// tgMethodName returns the Bot API spelling of a lowercased method name.
func tgMethodName(lower string) string {
	if n, ok := tgMethodNames[lower]; ok {
		return n
	}
	return lower
}

func tgReadFile(fh *multipart.FileHeader) ([]byte, error) {
	r, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// tgSlack is the tolerance of the rate limit clock.
const tgSlack = time.Millisecond

// limitLocked checks the rate limits for one more send to chat at
// time.Now, records it when allowed, and otherwise returns how long to wait.
func (f *FakeTelegram) limitLocked(chat int64) time.Duration {
	l := f.limits
	now := time.Now()
	var wait time.Duration
	if l.PerSecond > 0 {
		f.global = tgTrim(f.global, now.Add(-time.Second+tgSlack))
		if len(f.global) >= l.PerSecond {
			wait = max(wait, f.global[len(f.global)-l.PerSecond].Add(time.Second-tgSlack).Sub(now))
		}
	}
	if l.PerChat > 0 {
		if last, ok := f.lastSend[chat]; ok && now.Sub(last) < l.PerChat-tgSlack {
			wait = max(wait, last.Add(l.PerChat-tgSlack).Sub(now))
		}
	}
	if l.PerGroup > 0 && l.GroupWindow > 0 && chat < 0 {
		f.groupSend[chat] = tgTrim(f.groupSend[chat], now.Add(-l.GroupWindow+tgSlack))
		if g := f.groupSend[chat]; len(g) >= l.PerGroup {
			wait = max(wait, g[len(g)-l.PerGroup].Add(l.GroupWindow-tgSlack).Sub(now))
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

// tgTrim drops the times at or before cutoff from the sorted ts.
func tgTrim(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	return ts[i:]
}

func (f *FakeTelegram) resultLocked(s TelegramSent) map[string]any {
	chat, ok := f.chats[s.ChatID]
	if !ok {
		chat = TelegramChat{ID: s.ChatID, Type: "private"}
		if s.ChatID < 0 {
			chat = TelegramGroup(s.ChatID, "")
		}
	}
	m := map[string]any{
		"message_id": s.MessageID,
		"date":       s.Time.Unix(),
		"chat":       tgChatJSON(chat),
		"from":       tgUserJSON(f.Bot),
	}
	if s.Method == "sendMessage" || s.Method == "editMessageText" {
		m["text"] = s.Plain
	} else if s.Plain != "" {
		m["caption"] = s.Plain
	}
	if s.Method == "editMessageText" {
		m["edit_date"] = s.Time.Unix()
	}
	switch s.Method {
	case "sendPhoto":
		id := s.Photo
		if s.FileData != nil {
			id = "photo-" + strconv.FormatInt(s.MessageID, 10)
		}
		m["photo"] = []any{map[string]any{"file_id": id, "file_unique_id": id, "width": 800, "height": 600}}
	case "sendDocument":
		id := s.FileName
		if s.FileData != nil {
			id = "doc-" + strconv.FormatInt(s.MessageID, 10)
		}
		m["document"] = map[string]any{"file_id": id, "file_unique_id": id, "file_name": s.FileName, "file_size": len(s.FileData)}
	}
	if s.ReplyMarkup != "" {
		m["reply_markup"] = json.RawMessage(s.ReplyMarkup)
	}
	return m
}

func (f *FakeTelegram) myCommands(w http.ResponseWriter, method string, form url.Values) {
	key := "default"
	if sc := form.Get("scope"); sc != "" && sc != "null" {
		var scope struct {
			Type   string `json:"type"`
			ChatID int64  `json:"chat_id"`
			UserID int64  `json:"user_id"`
		}
		if err := json.Unmarshal([]byte(sc), &scope); err != nil || scope.Type == "" {
			tgWriteError(w, TelegramFault{Code: 400, Description: "Bad Request: can't parse BotCommandScope JSON object"})
			return
		}
		key = scope.Type
		if scope.ChatID != 0 {
			key += ":" + strconv.FormatInt(scope.ChatID, 10)
		}
		if scope.UserID != 0 {
			key += ":" + strconv.FormatInt(scope.UserID, 10)
		}
	}
	key += "|" + form.Get("language_code")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch method {
	case "getmycommands":
		cmds := f.commands[key]
		if cmds == nil {
			cmds = []TelegramCommand{}
		}
		tgWriteResult(w, cmds)
		return
	case "deletemycommands":
		delete(f.commands, key)
		tgWriteResult(w, true)
		return
	}
	var cmds []TelegramCommand
	if err := json.Unmarshal([]byte(form.Get("commands")), &cmds); err != nil || cmds == nil {
		tgWriteError(w, TelegramFault{Code: 400, Description: "Bad Request: can't parse commands JSON object"})
		return
	}
	if len(cmds) > 100 {
		tgWriteError(w, TelegramFault{Code: 400, Description: "Bad Request: too many commands"})
		return
	}
	for _, c := range cmds {
		if !tgValidCommand(c.Command) {
			tgWriteError(w, TelegramFault{Code: 400, Description: "Bad Request: BOT_COMMAND_INVALID"})
			return
		}
		if n := len([]rune(c.Description)); n < 1 || n > 256 {
			tgWriteError(w, TelegramFault{Code: 400, Description: "Bad Request: command description is empty or too long"})
			return
		}
	}
	if len(cmds) == 0 {
		delete(f.commands, key)
	} else {
		f.commands[key] = cmds
	}
	tgWriteResult(w, true)
}

func tgValidCommand(s string) bool {
	if len(s) < 1 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// tgLen counts s in UTF-16 code units, as Telegram counts text length.
func tgLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// tgHTMLTags are the tags Telegram's HTML parse mode accepts.
var tgHTMLTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true, "strike": true,
	"del": true, "a": true, "code": true, "pre": true, "span": true, "tg-spoiler": true, "blockquote": true,
	"tg-emoji": true,
}

// tgPlain returns what the person reads of text sent with parseMode. For
// "HTML" it checks the markup as strictly as Telegram: only known tags,
// properly nested, and every <, > and & outside a tag escaped as an entity.
func tgPlain(text, parseMode string) (string, error) {
	if !strings.EqualFold(parseMode, "HTML") {
		return text, nil
	}
	var (
		out   strings.Builder
		stack []string
	)
	for i := 0; i < len(text); {
		switch c := text[i]; c {
		case '<':
			end := strings.IndexByte(text[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			tag := text[i+1 : i+end]
			closing := strings.HasPrefix(tag, "/")
			name := strings.TrimPrefix(tag, "/")
			if sp := strings.IndexAny(name, " \t\n"); sp >= 0 {
				if closing {
					return "", fmt.Errorf("bad end tag at byte offset %d", i)
				}
				name = name[:sp]
			}
			name = strings.ToLower(name)
			if !tgHTMLTags[name] {
				return "", fmt.Errorf("unsupported start tag %q at byte offset %d", name, i)
			}
			if closing {
				if len(stack) == 0 || stack[len(stack)-1] != name {
					return "", fmt.Errorf("unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, tgLast(stack), name)
				}
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, name)
			}
			i += end + 1
		case '>':
			return "", fmt.Errorf("character '>' is reserved and must be escaped at byte offset %d", i)
		case '&':
			end := strings.IndexByte(text[i:], ';')
			if end < 0 || end > 10 {
				return "", fmt.Errorf("character '&' must be escaped at byte offset %d", i)
			}
			ent := text[i+1 : i+end]
			switch {
			case ent == "lt":
				out.WriteByte('<')
			case ent == "gt":
				out.WriteByte('>')
			case ent == "amp":
				out.WriteByte('&')
			case ent == "quot":
				out.WriteByte('"')
			case strings.HasPrefix(ent, "#"):
				n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimPrefix(ent[1:], "x"), "X"), tgBase(ent), 32)
				if err != nil {
					return "", fmt.Errorf("bad numeric entity at byte offset %d", i)
				}
				out.WriteRune(rune(n))
			default:
				return "", fmt.Errorf("unsupported entity %q at byte offset %d", ent, i)
			}
			i += end + 1
		default:
			out.WriteByte(c)
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("can't find end tag corresponding to start tag %q", tgLast(stack))
	}
	return out.String(), nil
}

func tgBase(ent string) int {
	if strings.HasPrefix(ent, "#x") || strings.HasPrefix(ent, "#X") {
		return 16
	}
	return 10
}

func tgLast(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}
