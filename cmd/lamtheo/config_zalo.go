package main

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"lamtheo/bot"
)

// ZaloConfig is the [zalo] table: the Zalo bots of the instance. Either one
// bot serves every cell (its token in Token, best from LAMTHEO_ZALO_TOKEN),
// or each [[zalo.bots]] entry serves the cells it lists. With neither token,
// lamtheo does not connect to Zalo.
type ZaloConfig struct {
	// Token of the one bot that serves every cell. It is a secret.
	Token string `toml:"token"`
	// Title is that bot's name as people see it in Zalo («Bot Làm theo Bác
	// xã Demo»); it is stripped from group mentions and named in texts.
	// Empty: the name Zalo reports.
	Title string `toml:"title"`
	// Endpoint is the Bot API base URL; the method URL is
	// Endpoint/bot<TOKEN>/<method>. A local fake can stand in.
	Endpoint    string        `toml:"endpoint"`
	PollTimeout time.Duration `toml:"poll_timeout"` // long-polling timeout of getUpdates

	// Webhook mode (every bot): WebhookListen is the address lamtheo's
	// HTTP server listens on, WebhookURL the public https URL that reaches
	// it (a bot of [[zalo.bots]] gets WebhookURL/<name>), WebhookSecret the
	// header secret (best from LAMTHEO_ZALO_WEBHOOK_SECRET). Empty: long
	// polling.
	WebhookListen string `toml:"webhook_listen"`
	WebhookURL    string `toml:"webhook_url"`
	WebhookSecret string `toml:"webhook_secret"`

	// The plan's limits per bot (the free plan's by default) and the send
	// rate (Zalo publishes none).
	MaxUsers        int     `toml:"max_users"`        // people connected through one bot
	MaxGroups       int     `toml:"max_groups"`       // group chats one bot serves
	MonthlyMessages int     `toml:"monthly_messages"` // messages one bot sends in a calendar month
	PerSecond       float64 `toml:"per_second"`       // messages a second across all chats of a bot

	Bots []ZaloBotConfig `toml:"bots" want:"a table with name and cells"` // [[zalo.bots]]
}

// ZaloBotConfig is one [[zalo.bots]] entry.
type ZaloBotConfig struct {
	// Name identifies the bot in the data file; do not change it once in
	// use. 1-16 characters of a-z, 0-9, _ and -.
	Name  string   `toml:"name"`
	Title string   `toml:"title"`                              // the bot's name as people see it in Zalo
	Token string   `toml:"token"`                              // secret; best from LAMTHEO_ZALO_TOKEN_<NAME>
	Cells []string `toml:"cells" want:"a cell code in quotes"` // codes of the cells the bot serves
}

// Environment variables of the [zalo] table.
const (
	EnvZaloToken   = "LAMTHEO_ZALO_TOKEN"
	EnvZaloSecret  = "LAMTHEO_ZALO_WEBHOOK_SECRET"
	envZaloTokenOf = "LAMTHEO_ZALO_TOKEN_" // + the bot's name in capitals, - as _
)

// DefaultZaloConfig returns [zalo] as it is without the table: no bot, the
// free plan's limits.
func DefaultZaloConfig() ZaloConfig {
	return ZaloConfig{
		Endpoint:        "https://bot-api.zaloplatforms.com",
		PollTimeout:     30 * time.Second,
		MaxUsers:        50,
		MaxGroups:       3,
		MonthlyMessages: 3000,
		PerSecond:       5,
	}
}

// zaloTokenEnv returns the environment variable of bot name's token.
func zaloTokenEnv(name string) string {
	return envZaloTokenOf + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// zaloBot is one Zalo bot to serve, as the configuration resolves it.
type zaloBot struct {
	platform   bot.Platform
	name       string // "" for the one bot of [zalo]
	title      string
	token      string
	cells      []string // nil: every cell
	webhookURL string   // "" in polling mode
}

// bots returns the configured Zalo bots: the one bot of [zalo], or each
// [[zalo.bots]] entry (platform "zalo.<name>").
func (z ZaloConfig) bots() []zaloBot {
	if len(z.Bots) == 0 {
		if z.Token == "" {
			return nil
		}
		return []zaloBot{{platform: bot.Zalo, title: z.Title, token: z.Token, webhookURL: z.WebhookURL}}
	}
	out := make([]zaloBot, 0, len(z.Bots))
	for _, b := range z.Bots {
		zb := zaloBot{platform: zaloPlatform(b.Name), name: b.Name, title: b.Title, token: b.Token, cells: b.Cells}
		if z.WebhookURL != "" {
			zb.webhookURL = strings.TrimSuffix(z.WebhookURL, "/") + "/" + b.Name
		}
		out = append(out, zb)
	}
	return out
}

// zaloPlatform returns the platform (id space and outbox partition) of the
// [[zalo.bots]] entry name.
func zaloPlatform(name string) bot.Platform { return bot.Platform("zalo." + name) }

// applyZaloEnv takes the Zalo secrets from the environment.
func (c *Config) applyZaloEnv(getenv func(string) string) {
	if v := getenv(EnvZaloToken); v != "" {
		c.Zalo.Token = v
		c.src.fromEnv("zalo.token", EnvZaloToken)
	}
	if v := getenv(EnvZaloSecret); v != "" {
		c.Zalo.WebhookSecret = v
		c.src.fromEnv("zalo.webhook_secret", EnvZaloSecret)
	}
	for i := range c.Zalo.Bots {
		env := zaloTokenEnv(c.Zalo.Bots[i].Name)
		if v := getenv(env); v != "" {
			c.Zalo.Bots[i].Token = v
			c.src.fromEnv(fmt.Sprintf("zalo.bots[%d].token", i), env)
		}
	}
}

// secrets returns every secret of the configuration, so that Validate can
// make sure no message quotes one.
func (c Config) secrets() []string {
	out := []string{c.Telegram.Token, c.Zalo.Token, c.Zalo.WebhookSecret}
	for _, b := range c.Zalo.Bots {
		out = append(out, b.Token)
	}
	return out
}

var (
	zaloBotName  = regexp.MustCompile(`^[a-z0-9_-]{1,16}$`)
	zaloSecretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{8,256}$`)
)

// validateZalo reports the problems of [zalo] and [admins] zalo; cells are
// the configured cell codes, lowercased. No message quotes a token or the
// webhook secret.
func (c Config) validateZalo(cells map[string]bool, add func(*ConfigError)) {
	s, z := c.src, c.Zalo
	if strings.ContainsAny(z.Token, " \t\r\n") {
		add(s.errf("zalo.token", "zalo.token must not contain spaces or line breaks"))
	}
	if !strings.HasPrefix(z.Endpoint, "https://") && !strings.HasPrefix(z.Endpoint, "http://") {
		add(s.errf("zalo.endpoint", "zalo.endpoint must start with https:// or http://"))
	}
	if t := z.PollTimeout; t < time.Second || t > 2*time.Minute {
		add(s.errf("zalo.poll_timeout", "zalo.poll_timeout %s: want 1s to 2m", t))
	}
	for key, n := range map[string]int{"max_users": z.MaxUsers, "max_groups": z.MaxGroups, "monthly_messages": z.MonthlyMessages} {
		if n < 0 {
			add(s.errf("zalo."+key, "zalo.%s %d: want 0 (no limit) or more", key, n))
		}
	}
	if z.PerSecond <= 0 {
		add(s.errf("zalo.per_second", "zalo.per_second %g: want more than 0", z.PerSecond))
	}
	switch {
	case z.WebhookListen == "" && z.WebhookURL != "":
		add(s.errf("zalo.webhook_url", "zalo.webhook_url is set but zalo.webhook_listen is not: set both for webhook mode, neither for polling"))
	case z.WebhookListen != "" && z.WebhookURL == "":
		add(s.errf("zalo.webhook_listen", "zalo.webhook_listen is set but zalo.webhook_url is not: Zalo needs the public https URL that reaches it"))
	case z.WebhookListen != "":
		if !strings.HasPrefix(z.WebhookURL, "https://") && !strings.HasPrefix(z.WebhookURL, "http://") {
			add(s.errf("zalo.webhook_url", "zalo.webhook_url: want a public https:// URL"))
		}
		if !zaloSecretRE.MatchString(z.WebhookSecret) {
			add(s.errf("zalo.webhook_secret", "zalo.webhook_secret: want 8-256 characters of A-Z, a-z, 0-9, _ and - (best set in %s)", EnvZaloSecret))
		}
	}
	if len(z.Bots) > 0 && z.Token != "" {
		add(s.errf("zalo.token", "zalo.token is set together with [[zalo.bots]]: give each bot its own token (%s<NAME>) instead", envZaloTokenOf))
	}
	if len(z.Bots) > 0 && z.Title != "" {
		add(s.errf("zalo.title", "zalo.title is for the one bot without [[zalo.bots]]: set title in each [[zalo.bots]] entry instead"))
	}
	names := make(map[string]int)
	for i, b := range z.Bots {
		p := fmt.Sprintf("zalo.bots[%d]", i)
		switch j, dup := names[b.Name]; {
		case !zaloBotName.MatchString(b.Name):
			add(s.errf(p+".name", "%s.name %q: use 1-16 characters of a-z, 0-9, _ and -", p, b.Name))
		case dup:
			add(s.errf(p+".name", "%s.name %q is used twice (first at zalo.bots[%d])", p, b.Name, j))
		default:
			names[b.Name] = i
		}
		switch {
		case b.Token == "":
			add(s.errf(p+".token", "%s: no token: set %s", p, zaloTokenEnv(b.Name)))
		case strings.ContainsAny(b.Token, " \t\r\n"):
			add(s.errf(p+".token", "%s.token must not contain spaces or line breaks", p))
		}
		if len(b.Cells) == 0 {
			add(s.errf(p+".cells", "%s.cells: list the codes of the cells this bot serves", p))
		}
		for k, code := range b.Cells {
			if !cells[strings.ToLower(code)] {
				add(s.errf(fmt.Sprintf("%s.cells[%d]", p, k), "%s.cells[%d] %q: no [[cells]] entry has this code", p, k, code))
			}
		}
	}
	seen := make(map[string]bool)
	for i, id := range c.Admins.Zalo {
		k := fmt.Sprintf("admins.zalo[%d]", i)
		switch {
		case strings.TrimSpace(id) == "" || strings.ContainsAny(id, " \t\r\n"):
			add(s.errf(k, "%s: want a Zalo user id in quotes, as the bot shows it to the person", k))
		case seen[id]:
			add(s.errf(k, "%s %q is listed twice", k, id))
		}
		seen[id] = true
	}
}

// servesChats reports whether a chat platform is configured (a Telegram or
// a Zalo token); without one lamtheo runs in the terminal.
func (c Config) servesChats() bool { return c.Telegram.Token != "" || len(c.Zalo.bots()) > 0 }
