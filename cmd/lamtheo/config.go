package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // zones must resolve on machines without a zoneinfo database

	toml "github.com/pelletier/go-toml/v2"

	"lamtheo/bot"
)

// Config is the whole configuration of one lamtheo instance, as read from a
// TOML file (see config.example.toml) on top of DefaultConfig. A Config is a
// plain value: it is built once at start and then only read.
type Config struct {
	Org      OrgConfig      `toml:"org"`
	Cells    []CellConfig   `toml:"cells" want:"a table with code and name"`
	Admins   AdminsConfig   `toml:"admins"`
	Data     DataConfig     `toml:"data"`
	Telegram TelegramConfig `toml:"telegram"`
	Zalo     ZaloConfig     `toml:"zalo"`
	Outbox   OutboxConfig   `toml:"outbox"`
	Files    FilesConfig    `toml:"files"`
	Year     YearConfig     `toml:"year"`
	Schedule ScheduleConfig `toml:"schedule"`

	// src says where each key was read, so that Validate can name the file
	// and line; nil for configurations built in code.
	src *source
}

// OrgConfig is the [org] table: the organisation this instance serves.
type OrgConfig struct {
	Name string `toml:"name"` // required, e.g. "Đảng bộ xã Demo"
	Zone string `toml:"zone"` // IANA time zone of the organisation; months are computed in it
}

// CellConfig is one [[cells]] entry: a chi bộ.
type CellConfig struct {
	Code       string `toml:"code"`        // required, unique, 1-16 characters of A-Za-z0-9_-
	Name       string `toml:"name"`        // required, e.g. "Chi bộ thôn Đông"
	MeetingDay int    `toml:"meeting_day"` // day of month (1-28) of the regular meeting; 0 = not set
}

// AdminsConfig is the [admins] table: who has rights over the whole org.
type AdminsConfig struct {
	Telegram []int64  `toml:"telegram" want:"an integer Telegram user id"` // Telegram user ids
	Zalo     []string `toml:"zalo" want:"a Zalo user id in quotes"`        // Zalo user ids (each bot shows a person theirs); on every Zalo bot
	Console  []string `toml:"console" want:"a name in quotes"`             // display names in terminal mode (see console.UserID)
}

// DataConfig is the [data] table: where the database and its backups live.
type DataConfig struct {
	Path       string `toml:"path"`        // bbolt file; LAMTHEO_DATA overrides it
	BackupDir  string `toml:"backup_dir"`  // directory of the daily backups
	BackupKeep int    `toml:"backup_keep"` // how many backups to keep (at least 1)
}

// FilesConfig is the [files] table: the generated files (xlsx, PNG, PDF)
// and the HTTP endpoint that serves them to platforms that cannot upload
// (Zalo), by expiring unguessable links.
type FilesConfig struct {
	Listen    string        `toml:"listen"`     // address of the file endpoint ("127.0.0.1:8090"); empty: none
	PublicURL string        `toml:"public_url"` // the endpoint's public address behind the TLS proxy ("https://bot.example.vn/files")
	LinkTTL   time.Duration `toml:"link_ttl"`   // how long a link stays valid
	Keep      time.Duration `toml:"keep"`       // how long a generated file is stored (cleaned by the daily backup job)
}

// TelegramConfig is the [telegram] table.
type TelegramConfig struct {
	// Token is the bot token. It is a secret: prefer the environment
	// variable LAMTHEO_TELEGRAM_TOKEN, and never log it. Empty means no
	// Telegram connection.
	Token string `toml:"token"`
	// Endpoint is the Bot API URL pattern with two %s: the token, then the
	// method name.
	Endpoint    string        `toml:"endpoint"`
	PollTimeout time.Duration `toml:"poll_timeout"` // long-polling timeout of getUpdates
}

// OutboxConfig is the [outbox] table: the sender's rate limits.
type OutboxConfig struct {
	PerSecond   float64       `toml:"per_second"`   // messages per second across all chats
	PerChat     time.Duration `toml:"per_chat"`     // least gap between two messages to one chat
	PerGroup    int           `toml:"per_group"`    // messages per GroupWindow to one group chat
	GroupWindow time.Duration `toml:"group_window"` //
	Concurrency int           `toml:"concurrency"`  // most sends in flight at once
}

// Limits returns the limits as the bot package's sender takes them. MaxText
// is left zero: it belongs to the platform adapter.
func (o OutboxConfig) Limits() bot.Limits {
	return bot.Limits{
		PerSecond:     o.PerSecond,
		PerChat:       o.PerChat,
		PerGroup:      o.PerGroup,
		GroupWindow:   o.GroupWindow,
		MaxConcurrent: o.Concurrency,
	}
}

// YearConfig is the [year] table: the movement's year and conversations.
type YearConfig struct {
	Theme      string        `toml:"theme"`                                                             // the year's theme (chuyên đề năm)
	GraceDays  int           `toml:"grace_days"`                                                        // the previous month stays open until this day of the next month
	Categories []Category    `toml:"categories" want:"a table such as {key = \"...\", name = \"...\"}"` // categories of pledge items, in display order
	SessionTTL time.Duration `toml:"session_ttl"`
	InviteTTL  time.Duration `toml:"invite_ttl"`
}

// Category is one category of pledge items.
type Category struct {
	Key  string `toml:"key"`  // stable key stored with each item: 1-32 characters of a-z0-9_-
	Name string `toml:"name"` // what members read
}

// Environment variables that override the file.
const (
	EnvTelegramToken = "LAMTHEO_TELEGRAM_TOKEN"
	EnvData          = "LAMTHEO_DATA"
)

// DefaultConfig returns the configuration every file starts from. It has no
// organisation name and no cells, so it does not validate on its own.
func DefaultConfig() Config {
	return Config{
		Org:  OrgConfig{Zone: "Asia/Ho_Chi_Minh"},
		Data: DataConfig{Path: "lamtheo.db", BackupDir: "backups", BackupKeep: 7},
		Telegram: TelegramConfig{
			Endpoint:    "https://api.telegram.org/bot%s/%s",
			PollTimeout: 50 * time.Second,
		},
		Zalo: DefaultZaloConfig(),
		Outbox: OutboxConfig{
			PerSecond:   30,
			PerChat:     time.Second,
			PerGroup:    20,
			GroupWindow: time.Minute,
			Concurrency: bot.DefaultMaxConcurrent,
		},
		Files: FilesConfig{LinkTTL: 24 * time.Hour, Keep: 7 * 24 * time.Hour},
		Year: YearConfig{
			Theme:      "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về xây dựng đội ngũ cán bộ, đảng viên tiên phong, gương mẫu",
			GraceDays:  5,
			Categories: DefaultCategories(),
			SessionTTL: 72 * time.Hour,
			InviteTTL:  2160 * time.Hour,
		},
		Schedule: defaultSchedule(),
	}
}

// DefaultCategories returns the five standards of revolutionary ethics of
// QĐ 144-QĐ/TW (9/5/2024), verbatim and in its order, then the year's theme,
// as pledge categories. Pledge items store the key: the keys of the first
// version are kept where the standard is the same (trung-thanh, can-kiem,
// doan-ket, khiem-ton, chuyen-de); "ban-linh" is new and the old
// "trach-nhiem" (no standard of its own) is retired: flows still names it
// for the items saved under it.
func DefaultCategories() []Category {
	return []Category{
		{Key: "trung-thanh", Name: "Yêu nước, tôn trọng Nhân dân, tuyệt đối trung thành với Đảng, với Tổ quốc"},
		{Key: "ban-linh", Name: "Bản lĩnh, đổi mới, sáng tạo, hội nhập"},
		{Key: "can-kiem", Name: "Cần, kiệm, liêm, chính, chí công vô tư"},
		{Key: "doan-ket", Name: "Đoàn kết, kỷ cương, tình thương, trách nhiệm"},
		{Key: "khiem-ton", Name: "Gương mẫu, khiêm tốn, tu dưỡng rèn luyện, học tập suốt đời"},
		{Key: "chuyen-de", Name: "Theo chuyên đề năm"},
	}
}

// DemoConfig returns the organisation the terminal mode uses when no
// configuration file exists: three cells and one console admin, "Admin".
func DemoConfig() Config {
	c := DefaultConfig()
	c.Org.Name = "Đảng bộ xã Demo"
	c.Cells = []CellConfig{
		{Code: "C01", Name: "Chi bộ thôn Đông"},
		{Code: "C02", Name: "Chi bộ thôn Tây"},
		{Code: "C03", Name: "Chi bộ Trường Tiểu học", MeetingDay: 5},
	}
	c.Admins.Console = []string{"Admin"}
	return c
}

// LoadConfig reads the file at path on top of DefaultConfig, applies the
// environment overrides (LAMTHEO_TELEGRAM_TOKEN for telegram.token,
// LAMTHEO_DATA for data.path, the Zalo tokens and webhook secret) read
// through getenv, and validates the result.
// A missing file is an error matching fs.ErrNotExist.
func LoadConfig(path string, getenv func(string) string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	c, err := ParseConfig(f, path)
	if err != nil {
		return Config{}, err
	}
	c.applyEnv(getenv)
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// applyEnv applies the environment overrides; a key taken from the
// environment no longer points at a line of the file.
func (c *Config) applyEnv(getenv func(string) string) {
	if getenv == nil {
		return
	}
	if v := getenv(EnvTelegramToken); v != "" {
		c.Telegram.Token = v
		c.src.fromEnv("telegram.token", EnvTelegramToken)
	}
	if v := getenv(EnvData); v != "" {
		c.Data.Path = v
		c.src.fromEnv("data.path", EnvData)
	}
	c.applyZaloEnv(getenv)
}

// ParseConfig reads a TOML document from r on top of DefaultConfig. name is
// the file name used in error messages. It rejects syntax errors, unknown
// keys, values of the wrong type and malformed durations, each error naming
// the file, the line and the key; it does not call Validate.
func ParseConfig(r io.Reader, name string) (Config, error) {
	doc, err := io.ReadAll(r)
	if err != nil {
		return Config{}, fmt.Errorf("read config %s: %w", name, err)
	}
	doc = trimDoc(doc)
	src := &source{name: name}
	var tree map[string]any
	if err := toml.Unmarshal(doc, &tree); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, _ := de.Position()
			msg := strings.TrimPrefix(de.Error(), "toml: ")
			if k := de.Key(); len(k) > 0 {
				msg = strings.Join(k, ".") + ": " + msg
			}
			return Config{}, &ConfigError{File: name, Line: line, Msg: "syntax error: " + msg}
		}
		return Config{}, &ConfigError{File: name, Msg: "syntax error: " + err.Error()}
	}
	src.lines = keyLines(doc)
	d := &decoder{src: src}
	c := DefaultConfig()
	d.decode(tree, &c)
	c.src = src
	if len(d.errs) > 0 {
		return Config{}, joinErrors(d.errs)
	}
	return c, nil
}

// Location returns the organisation's time zone.
func (c Config) Location() (*time.Location, error) {
	if c.Org.Zone == "" {
		return nil, c.src.errf("org.zone", "org.zone is required")
	}
	loc, err := time.LoadLocation(c.Org.Zone)
	if err != nil || c.Org.Zone == "Local" {
		return nil, c.src.errf("org.zone", "org.zone %q: unknown time zone", c.Org.Zone)
	}
	return loc, nil
}
