package zalo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"lamtheo/bot"
)

// HTTPClient performs HTTP requests; *http.Client satisfies it.
type HTTPClient interface {
	Do(req *http.Request) (*http.Response, error)
}

// Options configure New. Only Token is required.
type Options struct {
	// Token is the bot token from Zalo Bot Creator. It is a secret: this
	// package never puts it in an error or a log line.
	Token string
	// Endpoint is the API's base URL, without a trailing slash; calls go to
	// Endpoint/bot<Token>/<method>. Default DefaultEndpoint.
	Endpoint string
	// Platform is the id space of the bot's chats and the name of its
	// outbox partition; an instance running several Zalo bots gives each
	// its own ("zalo.xa1"). Default bot.Zalo.
	Platform bot.Platform
	// Title is the bot's name as people see it in Zalo ("Bot Chi Bộ Xã
	// Demo"). It is stripped from the start of group messages, which
	// mention the bot, and is Caps.Name. Default: the display name getMe
	// reports, else its account_name (which people do not see: set Title
	// when getMe has no display name).
	Title string
	// Limits are the sending limits Caps declares. Zalo publishes none; the
	// default, DefaultLimits, is our guess. The zero value means the default.
	Limits bot.Limits
	// HTTPClient performs the calls. Default an *http.Client whose Timeout
	// is the longest a call may take (PollTimeout+RequestTimeout, at least
	// sendPhoto's 90 s). An *http.Client with a Timeout must allow more
	// than PollTimeout, or every idle poll would fail. Every request is
	// bound to the context of the call that makes it, with its own timeout.
	HTTPClient HTTPClient
	// PollTimeout is how long one getUpdates call waits for an update
	// (whole seconds). Default 30 s.
	PollTimeout time.Duration
	// RequestTimeout bounds every call but getUpdates (sendPhoto gets at
	// least 90 s: Zalo fetches the photo itself), and a long poll by
	// PollTimeout+RequestTimeout. Default 30 s.
	RequestTimeout time.Duration
	// Log receives operational events. Default: discard.
	Log *slog.Logger

	// WebhookURL, when set, puts the Conn in webhook mode: New registers it
	// with setWebhook, and updates arrive through ServeHTTP, which the
	// caller mounts at that URL. Zalo requires a public https URL. Without
	// it the Conn polls, and New deletes any webhook first.
	WebhookURL string
	// WebhookSecret is the secret Zalo sends back in the
	// X-Bot-Api-Secret-Token header of every delivery: 8 to 256
	// characters, not the token. Required with WebhookURL.
	WebhookSecret string
}

// Defaults of Options.
const (
	DefaultEndpoint       = "https://bot-api.zaloplatforms.com"
	DefaultPollTimeout    = 30 * time.Second
	DefaultRequestTimeout = 30 * time.Second
)

// DefaultLimits are the sending limits a Conn declares unless Options.Limits
// says otherwise. Zalo publishes no rate limits (only a monthly quota and
// error 429 "Quota exceeded"), so these are our guesses, modelled on
// Telegram's and kept lower: 5 messages a second overall, one a second per
// chat, 20 a minute per group, 4 sends in flight.
var DefaultLimits = bot.Limits{
	PerSecond:     5,
	PerChat:       time.Second,
	PerGroup:      20,
	GroupWindow:   time.Minute,
	MaxConcurrent: 4,
}

// Zalo's size limits and our id convention.
const (
	// MaxText is the most UTF-16 code units of a text or a caption.
	MaxText = 2000
	// GroupPrefix starts the bot.ChatID.ID of every group chat; Send
	// removes it again.
	GroupPrefix = "g:"
)

// photoTimeout is the least time a sendPhoto call is given: Zalo downloads
// the photo before it answers (OpenClaw allows 150 s).
const photoTimeout = 90 * time.Second

// Conn is a bot.Conn over the Zalo Bot Platform, and in webhook mode the
// http.Handler Zalo posts updates to. Receive must be called from one
// goroutine (the bot.Server's); Ack, Send, Caps and ServeHTTP may be called
// concurrently with everything (the Server acks the messages of a batch
// from one goroutine per chat).
type Conn struct {
	client         HTTPClient
	endpoint       string
	token          string
	platform       bot.Platform
	title          string
	botID          string // getMe's id: messages from it are our own echoes
	limits         bot.Limits
	log            *slog.Logger
	pollTimeout    time.Duration
	requestTimeout time.Duration
	webhook        bool
	secret         string

	gate  *gate            // dedupe, updates in flight, sticker floods
	hooks chan bot.Message // webhook deliveries waiting for Receive

	poll pollState // owned by the Receive goroutine
}

var (
	_ bot.Conn     = (*Conn)(nil)
	_ http.Handler = (*Conn)(nil)
)

// New connects to the Bot Platform: it checks the token with getMe
// (remembering the bot's id), then in polling mode deletes any webhook (Zalo
// refuses getUpdates while one is set) and in webhook mode registers
// WebhookURL and WebhookSecret. A rejected token gives an error naming the
// bot's Platform, never the token.
func New(ctx context.Context, o Options) (*Conn, error) {
	if o.Platform == "" {
		o.Platform = bot.Zalo
	}
	name := fmt.Sprintf("zalo bot %q", string(o.Platform))
	if o.Token == "" {
		return nil, fmt.Errorf("%s: empty token", name)
	}
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	o.Endpoint = strings.TrimRight(o.Endpoint, "/")
	if o.PollTimeout <= 0 {
		o.PollTimeout = DefaultPollTimeout
	}
	o.PollTimeout = (o.PollTimeout + time.Second - 1).Truncate(time.Second)
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: max(o.PollTimeout+o.RequestTimeout, photoTimeout)}
	}
	if hc, ok := o.HTTPClient.(*http.Client); ok && hc.Timeout > 0 && hc.Timeout <= o.PollTimeout {
		return nil, fmt.Errorf("%s: HTTP client timeout %v must exceed the poll timeout %v", name, hc.Timeout, o.PollTimeout)
	}
	if o.Limits == (bot.Limits{}) {
		o.Limits = DefaultLimits
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if err := checkWebhook(o.WebhookURL, o.WebhookSecret); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c := &Conn{
		client:         o.HTTPClient,
		endpoint:       o.Endpoint,
		token:          o.Token,
		platform:       o.Platform,
		title:          strings.TrimSpace(o.Title),
		limits:         o.Limits,
		log:            o.Log.With(bot.LogKeyPlatform, string(o.Platform)),
		pollTimeout:    o.PollTimeout,
		requestTimeout: o.RequestTimeout,
		webhook:        o.WebhookURL != "",
		secret:         o.WebhookSecret,
		gate:           newGate(),
		hooks:          make(chan bot.Message),
	}

	me, err := c.getMe(ctx)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Code == http.StatusUnauthorized {
			return nil, fmt.Errorf("%s: token rejected (401)", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c.botID = me.ID.String()
	if c.title == "" {
		c.title = me.title()
	}

	if c.webhook {
		params := map[string]string{"url": o.WebhookURL, "secret_token": o.WebhookSecret}
		if _, err := c.call(ctx, "setWebhook", params, c.requestTimeout); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return c, nil
	}
	if _, err := c.call(ctx, "deleteWebhook", nil, c.requestTimeout); err != nil {
		var ae *apiError
		// A bot that never had a webhook may answer 404 (as getWebhookInfo
		// does): nothing to delete.
		if !errors.As(err, &ae) || ae.Code != http.StatusNotFound {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return c, nil
}

// checkWebhook validates the webhook settings: both or neither, an https
// URL, a secret of 8 to 256 characters.
func checkWebhook(rawURL, secret string) error {
	if rawURL == "" {
		if secret != "" {
			return errors.New("webhook secret without a webhook URL")
		}
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return errors.New("webhook URL must be an absolute https URL")
	}
	if n := len([]rune(secret)); n < 8 || n > 256 {
		return fmt.Errorf("webhook secret of %d characters, want 8 to 256", n)
	}
	return nil
}

// me is getMe's answer. Newer docs show account_name only; older clients
// read display_name or name.
type me struct {
	ID          flexString `json:"id"`
	AccountName flexString `json:"account_name"`
	DisplayName flexString `json:"display_name"`
	Name        flexString `json:"name"`
}

func (m me) title() string {
	for _, s := range []flexString{m.DisplayName, m.Name, m.AccountName} {
		if t := strings.TrimSpace(s.String()); t != "" {
			return t
		}
	}
	return ""
}

func (c *Conn) getMe(ctx context.Context) (me, error) {
	res, err := c.call(ctx, "getMe", nil, c.requestTimeout)
	if err != nil {
		return me{}, err
	}
	var m me
	if err := json.Unmarshal(res, &m); err != nil || m.ID.String() == "" {
		return me{}, errors.New("getMe: answer without the bot's id")
	}
	return m, nil
}

// Title returns the bot's name as the Conn strips it from mentions.
func (c *Conn) Title() string { return c.title }

// ID returns the bot's own Zalo id, as getMe reported it.
func (c *Conn) ID() string { return c.botID }

// Caps describes the Zalo Bot Platform: no buttons and no edits (choices
// are numbered), texts of 2000 UTF-16 code units, group ids starting with
// "g:", group messages only when the bot is mentioned, photos in, and out
// by public URL only, no uploads, and the Limits of Options.
func (c *Conn) Caps() bot.Caps {
	return bot.Caps{
		Platform:      c.platform,
		Service:       "Zalo",
		Name:          c.title,
		Buttons:       false,
		Edit:          false,
		MaxText:       MaxText,
		Measure:       bot.UTF16,
		GroupPrefix:   GroupPrefix,
		GroupMention:  true,
		Upload:        false,
		PhotoURL:      true,
		ReceivePhotos: true,
		Limits:        c.limits,
	}
}
