package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lamtheo/bot"
)

// HTTPClient performs HTTP requests; *http.Client satisfies it.
type HTTPClient interface {
	Do(req *http.Request) (*http.Response, error)
}

// Options configure New. Only Token is required.
type Options struct {
	// Token is the bot token from @BotFather. It is a secret: this package
	// never puts it in an error or a log line.
	Token string
	// Endpoint is the Bot API endpoint format with two %s, the token then
	// the method. Default tgbotapi.APIEndpoint.
	Endpoint string
	// FileEndpoint is the format of the URL of a file people sent, with two
	// %s, the token then the file's path. Default: Endpoint with "/bot"
	// made "/file/bot" (tgbotapi.FileEndpoint for the default Endpoint).
	FileEndpoint string
	// HTTPClient performs the calls. Default an *http.Client whose Timeout
	// exceeds PollTimeout by RequestTimeout. Every request is bound to the
	// context of the call that makes it, so cancelling that context aborts
	// the request at once, a long poll included.
	HTTPClient HTTPClient
	// PollTimeout is how long one getUpdates call waits for updates
	// (rounded up to whole seconds, at most 50 s). Default 50 s.
	PollTimeout time.Duration
	// RequestTimeout bounds every other call, and a long poll by
	// PollTimeout+RequestTimeout. Default 30 s.
	RequestTimeout time.Duration
	// Log receives operational events. Default: discard.
	Log *slog.Logger
}

// Conn is a bot.Conn over the Telegram Bot API. Receive and Ack must be
// called from one goroutine; Send, SetCommands and MemberStatus may be called
// concurrently with everything.
type Conn struct {
	api            *tgbotapi.BotAPI // immutable after New; copied per call
	client         HTTPClient
	token          string
	fileEndpoint   string
	log            *slog.Logger
	pollTimeout    time.Duration
	requestTimeout time.Duration

	// Receive state, owned by the Receive goroutine.
	confirm  int64 // the offset confirming the updates returned last; 0: none waits
	failures int   // consecutive failed polls
	conflict bool  // inside a 409 episode (logged once)
	// authSince is when getUpdates started answering 401, authLogged when
	// that was last logged; zero outside such an episode.
	authSince, authLogged time.Time
}

var (
	_ bot.Conn          = (*Conn)(nil)
	_ bot.CommandSetter = (*Conn)(nil)
)

// Defaults of Options.
const (
	DefaultPollTimeout    = 50 * time.Second
	DefaultRequestTimeout = 30 * time.Second
)

// New connects to the Bot API: it checks the token with getMe and returns a
// Conn ready to receive. Its first poll confirms nothing, so it receives
// every update Telegram still holds unconfirmed, those handled before a
// restart included: the Handler skips those by Message.Key (see Receive).
func New(ctx context.Context, o Options) (*Conn, error) {
	if o.Token == "" {
		return nil, errors.New("telegram: empty token")
	}
	if o.Endpoint == "" {
		o.Endpoint = tgbotapi.APIEndpoint
	}
	if o.FileEndpoint == "" {
		o.FileEndpoint = strings.Replace(o.Endpoint, "/bot%s/", "/file/bot%s/", 1)
	}
	if o.PollTimeout <= 0 {
		o.PollTimeout = DefaultPollTimeout
	}
	o.PollTimeout = min((o.PollTimeout + time.Second - 1).Truncate(time.Second), 50*time.Second)
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: o.PollTimeout + o.RequestTimeout}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	c := &Conn{
		client:         o.HTTPClient,
		token:          o.Token,
		fileEndpoint:   o.FileEndpoint,
		log:            o.Log,
		pollTimeout:    o.PollTimeout,
		requestTimeout: o.RequestTimeout,
	}
	cctx, cancel := context.WithTimeout(ctx, o.RequestTimeout)
	defer cancel()
	api, err := tgbotapi.NewBotAPIWithClient(o.Token, o.Endpoint, ctxClient{ctx: cctx, next: o.HTTPClient})
	if err != nil {
		var te *tgbotapi.Error
		if errors.As(err, &te) && te.Code == http.StatusUnauthorized {
			return nil, errors.New("telegram: getMe: token rejected (401 Unauthorized)")
		}
		return nil, fmt.Errorf("telegram: getMe: %w", c.redact(err))
	}
	c.api = api
	return c, nil
}

// Username returns the bot's username, without "@".
func (c *Conn) Username() string { return c.api.Self.UserName }

// Caps describes Telegram: inline buttons and edits, texts of 4096 UTF-16
// code units, group ids that are negative, uploads (documents up to 50 MB,
// photos up to 10 MB), photos in and out,
// documents in (private chats), and
// the published sending limits (30 messages a second overall, one a second
// per chat, 20 a minute per group; 8 sends in flight).
func (c *Conn) Caps() bot.Caps {
	return bot.Caps{
		Platform:       bot.Telegram,
		Service:        "Telegram",
		Name:           "@" + c.api.Self.UserName,
		Buttons:        true,
		Edit:           true,
		MaxText:        MaxText,
		Measure:        bot.UTF16,
		GroupPrefix:    "-",
		Upload:         true,
		MaxUpload:      MaxUpload,
		MaxPhotoUpload: MaxPhotoUpload,
		PhotoURL:       true,
		ReceivePhotos:  true,
		ReceiveFiles:   true,
		Limits: bot.Limits{
			PerSecond:     30,
			PerChat:       time.Second,
			PerGroup:      20,
			GroupWindow:   time.Minute,
			MaxConcurrent: bot.DefaultMaxConcurrent,
		},
	}
}

// Telegram's size limits.
const (
	MaxText    = 4096 // characters (UTF-16 code units) of a message text
	MaxCaption = 1024 // characters of a photo or document caption
	MaxToast   = 200  // characters of a button press's answer (Message.Toast)
	// The Bot API takes documents of up to 50 MB and photos of up to 10
	// MB from a bot (sendDocument, sendPhoto), read here as decimal
	// megabytes: the smaller reading leaves room for the request's own
	// bytes. Over them it answers 413 Request Entity Too Large.
	MaxUpload      = 50_000_000 // bytes of an uploaded document
	MaxPhotoUpload = 10_000_000 // bytes of an uploaded photo
)

// bot returns a copy of the API client whose requests are bound to ctx.
// tgbotapi v5.5.1 has no context support, and BotAPI holds no lock, so a
// shallow copy per call is the cheap, race-free way to carry ctx.
func (c *Conn) bot(ctx context.Context) *tgbotapi.BotAPI {
	b := *c.api
	b.Client = ctxClient{ctx: ctx, next: c.client}
	return &b
}

// ctxClient binds every request to ctx.
type ctxClient struct {
	ctx  context.Context
	next HTTPClient
}

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	return c.next.Do(req.WithContext(c.ctx))
}
