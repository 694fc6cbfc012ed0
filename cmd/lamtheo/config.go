package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // zones must resolve on machines without a zoneinfo database

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"lamtheo/bot"
)

// Config is the whole configuration of one lamtheo instance, as read from a
// TOML file (see config.example.toml) on top of DefaultConfig. A Config is a
// plain value: it is built once at start and then only read.
type Config struct {
	Org      OrgConfig
	Cells    []CellConfig
	Admins   AdminsConfig
	Data     DataConfig
	Telegram TelegramConfig
	Zalo     ZaloConfig
	Outbox   OutboxConfig
	Year     YearConfig
	Schedule ScheduleConfig

	// src says where each key was read, so that Validate can name the file
	// and line; nil for configurations built in code.
	src *source
}

// OrgConfig is the [org] table: the organisation this instance serves.
type OrgConfig struct {
	Name string // required, e.g. "Đảng bộ xã Demo"
	Zone string // IANA time zone of the organisation; months are computed in it
}

// CellConfig is one [[cells]] entry: a chi bộ.
type CellConfig struct {
	Code       string // required, unique, 1-16 characters of A-Za-z0-9_-
	Name       string // required, e.g. "Chi bộ thôn Đông"
	MeetingDay int    // day of month (1-28) of the regular meeting; 0 = not set
}

// AdminsConfig is the [admins] table: who has rights over the whole org.
type AdminsConfig struct {
	Telegram []int64  // Telegram user ids
	Zalo     []string // Zalo user ids (each bot shows a person theirs); on every Zalo bot
	Console  []string // display names in terminal mode (see console.UserID)
}

// DataConfig is the [data] table: where the database and its backups live.
type DataConfig struct {
	Path       string // bbolt file; LAMTHEO_DATA overrides it
	BackupDir  string // directory of the daily backups
	BackupKeep int    // how many backups to keep (at least 1)
}

// TelegramConfig is the [telegram] table.
type TelegramConfig struct {
	// Token is the bot token. It is a secret: prefer the environment
	// variable LAMTHEO_TELEGRAM_TOKEN, and never log it. Empty means no
	// Telegram connection.
	Token string
	// Endpoint is the Bot API URL pattern with two %s: the token, then the
	// method name.
	Endpoint    string
	PollTimeout time.Duration // long-polling timeout of getUpdates
}

// OutboxConfig is the [outbox] table: the sender's rate limits.
type OutboxConfig struct {
	PerSecond   float64       // messages per second across all chats
	PerChat     time.Duration // least gap between two messages to one chat
	PerGroup    int           // messages per GroupWindow to one group chat
	GroupWindow time.Duration //
	Concurrency int           // sends in flight at once
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
	Theme      string     // the year's theme (chuyên đề năm)
	GraceDays  int        // the previous month stays open until this day of the next month
	Categories []Category // categories of pledge items, in display order
	SessionTTL time.Duration
	InviteTTL  time.Duration
}

// Category is one category of pledge items.
type Category struct {
	Key  string // stable key stored with each item: 1-32 characters of a-z0-9_-
	Name string // what members read
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
			Concurrency: 8,
		},
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
// QĐ 144-QĐ/TW (2024) and the year's theme, as pledge categories.
func DefaultCategories() []Category {
	return []Category{
		{Key: "trung-thanh", Name: "Trung thành, kiên định"},
		{Key: "trach-nhiem", Name: "Trách nhiệm, gương mẫu"},
		{Key: "doan-ket", Name: "Đoàn kết, kỷ luật"},
		{Key: "can-kiem", Name: "Cần, kiệm, liêm, chính, chí công vô tư"},
		{Key: "khiem-ton", Name: "Khiêm tốn, giản dị, tự phê bình"},
		{Key: "chuyen-de", Name: "Làm theo chuyên đề năm"},
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
		{Code: "C03", Name: "Chi bộ Trường Tiểu học"},
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

// ConfigError is one problem in a configuration: Error() reads
// "file:line: message", the line left out when unknown, the file too for a
// configuration built in code.
type ConfigError struct {
	File string // file name as given to ParseConfig, or an environment variable
	Line int    // 1-based; 0 when the key is absent from the file
	Key  string // the key, e.g. "cells[2].code" (array indexes count from 0)
	Msg  string // the problem, starting with the key where there is one
}

func (e *ConfigError) Error() string {
	switch {
	case e.File == "":
		return e.Msg
	case e.Line == 0:
		return e.File + ": " + e.Msg
	default:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
}

// joinErrors joins errs in order of their lines, at most 20 of them.
func joinErrors(errs []error) error {
	sort.SliceStable(errs, func(i, j int) bool {
		var a, b *ConfigError
		if errors.As(errs[i], &a) && errors.As(errs[j], &b) {
			return a.Line < b.Line
		}
		return false
	})
	if len(errs) > 20 {
		errs = append(errs[:20], fmt.Errorf("... and %d more problems", len(errs)-20))
	}
	return errors.Join(errs...)
}

// source remembers where each key of a file was read.
type source struct {
	name  string
	lines map[string]int    // key path -> line of its first appearance
	env   map[string]string // key path -> environment variable it came from
}

func (s *source) fromEnv(key, env string) {
	if s == nil {
		return
	}
	if s.env == nil {
		s.env = make(map[string]string)
	}
	s.env[key] = env
}

// errf returns a ConfigError about key. Its line is the key's, or the line
// of the nearest enclosing table or array element present in the file.
func (s *source) errf(key, format string, args ...any) *ConfigError {
	e := &ConfigError{Key: key, Msg: fmt.Sprintf(format, args...)}
	if s == nil {
		return e
	}
	if env, ok := s.env[key]; ok {
		e.File = env
		return e
	}
	e.File = s.name
	e.Line = s.lineOf(key)
	return e
}

// lineOf returns the line of key or of its nearest parent in the file, or 0.
func (s *source) lineOf(key string) int {
	if s == nil {
		return 0
	}
	for k := key; k != ""; k = parentKey(k) {
		if l, ok := s.lines[k]; ok {
			return l
		}
	}
	return 0
}

// exactLine returns the line of key itself, or 0.
func (s *source) exactLine(key string) int {
	if s == nil {
		return 0
	}
	return s.lines[key]
}

// parentKey strips the last part of a key path: "a.b[2].c" -> "a.b[2]" ->
// "a.b" -> "a" -> "".
func parentKey(k string) string {
	i := strings.LastIndexAny(k, ".[")
	if i < 0 {
		return ""
	}
	return k[:i]
}

// validKey matches the keys that need no quoting in messages and paths.
var validKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// joinKey appends one part to a key path.
func joinKey(path, part string) string {
	if !validKey.MatchString(part) {
		part = fmt.Sprintf("%q", part)
	}
	if path == "" {
		return part
	}
	return path + "." + part
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

var (
	cellCode    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,16}$`)
	categoryKey = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)
)

// Validate reports every problem of c, joined, each naming the file, line
// and key where c was read from a file. Secrets never appear in the text.
func (c Config) Validate() error {
	s := c.src
	var errs []error
	add := func(e *ConfigError) { errs = append(errs, e) }
	required := func(key, v string) bool {
		if strings.TrimSpace(v) == "" {
			add(s.errf(key, "%s is required", key))
			return false
		}
		return true
	}

	// [org]
	required("org.name", c.Org.Name)
	if required("org.zone", c.Org.Zone) {
		if _, err := c.Location(); err != nil {
			var ce *ConfigError
			if errors.As(err, &ce) {
				add(ce)
			}
		}
	}

	// [[cells]]
	if len(c.Cells) == 0 {
		add(s.errf("cells", "cells: at least one [[cells]] entry is required"))
	}
	firstCode := make(map[string]int) // lowercased code -> index
	for i, cell := range c.Cells {
		p := fmt.Sprintf("cells[%d]", i)
		if required(p+".code", cell.Code) {
			switch j, dup := firstCode[strings.ToLower(cell.Code)]; {
			case !cellCode.MatchString(cell.Code):
				add(s.errf(p+".code", "%s.code %q: use 1-16 characters of A-Z, a-z, 0-9, _ and -", p, cell.Code))
			case dup:
				first := fmt.Sprintf("cells[%d].code", j)
				where := first
				if l := s.exactLine(first); l > 0 {
					where = fmt.Sprintf("line %d", l)
				}
				add(s.errf(p+".code", "%s.code %q is used twice (first at %s)", p, cell.Code, where))
			default:
				firstCode[strings.ToLower(cell.Code)] = i
			}
		}
		required(p+".name", cell.Name)
		if cell.MeetingDay < 0 || cell.MeetingDay > 28 {
			add(s.errf(p+".meeting_day", "%s.meeting_day %d: want 0 (not set) or a day from 1 to 28", p, cell.MeetingDay))
		}
	}

	// [admins]
	seenID := make(map[int64]bool)
	for i, id := range c.Admins.Telegram {
		k := fmt.Sprintf("admins.telegram[%d]", i)
		switch {
		case id <= 0:
			add(s.errf(k, "%s %d: want a positive Telegram user id", k, id))
		case seenID[id]:
			add(s.errf(k, "%s %d is listed twice", k, id))
		}
		seenID[id] = true
	}
	for i, name := range c.Admins.Console {
		required(fmt.Sprintf("admins.console[%d]", i), name)
	}

	// [data]
	required("data.path", c.Data.Path)
	required("data.backup_dir", c.Data.BackupDir)
	if c.Data.BackupKeep < 1 {
		add(s.errf("data.backup_keep", "data.backup_keep %d: keep at least 1 backup", c.Data.BackupKeep))
	}

	// [telegram]: never quote the token or the endpoint (which may hold it).
	if strings.ContainsAny(c.Telegram.Token, " \t\r\n") {
		add(s.errf("telegram.token", "telegram.token must not contain spaces or line breaks"))
	}
	if e := c.Telegram.Endpoint; !strings.HasPrefix(e, "https://") && !strings.HasPrefix(e, "http://") {
		add(s.errf("telegram.endpoint", "telegram.endpoint must start with https:// or http://"))
	} else if strings.Count(e, "%s") != 2 || strings.Count(e, "%") != 2 {
		add(s.errf("telegram.endpoint", "telegram.endpoint must contain %%s twice (token, then method) and no other %%"))
	}
	if t := c.Telegram.PollTimeout; t < time.Second || t > 10*time.Minute {
		add(s.errf("telegram.poll_timeout", "telegram.poll_timeout %s: want 1s to 10m", t))
	}

	// [zalo]
	cells := make(map[string]bool, len(firstCode))
	for code := range firstCode {
		cells[code] = true
	}
	c.validateZalo(cells, add)

	// [outbox]
	if c.Outbox.PerSecond <= 0 {
		add(s.errf("outbox.per_second", "outbox.per_second %g: want more than 0", c.Outbox.PerSecond))
	}
	if c.Outbox.PerChat < 0 {
		add(s.errf("outbox.per_chat", "outbox.per_chat %s: must not be negative", c.Outbox.PerChat))
	}
	if c.Outbox.PerGroup < 0 {
		add(s.errf("outbox.per_group", "outbox.per_group %d: must not be negative", c.Outbox.PerGroup))
	}
	if c.Outbox.PerGroup > 0 && c.Outbox.GroupWindow <= 0 {
		add(s.errf("outbox.group_window", "outbox.group_window %s: want more than 0 when outbox.per_group is set", c.Outbox.GroupWindow))
	}
	if n := c.Outbox.Concurrency; n < 1 || n > 1000 {
		add(s.errf("outbox.concurrency", "outbox.concurrency %d: want 1 to 1000", n))
	}

	// [year]
	required("year.theme", c.Year.Theme)
	if g := c.Year.GraceDays; g < 0 || g > 28 {
		add(s.errf("year.grace_days", "year.grace_days %d: want 0 to 28", g))
	}
	if len(c.Year.Categories) == 0 {
		add(s.errf("year.categories", "year.categories: at least one category is required"))
	}
	firstKey := make(map[string]int)
	for i, cat := range c.Year.Categories {
		p := fmt.Sprintf("year.categories[%d]", i)
		if required(p+".key", cat.Key) {
			if !categoryKey.MatchString(cat.Key) {
				add(s.errf(p+".key", "%s.key %q: use 1-32 characters of a-z, 0-9, _ and -", p, cat.Key))
			} else if j, dup := firstKey[cat.Key]; dup {
				add(s.errf(p+".key", "%s.key %q is used twice (first at year.categories[%d])", p, cat.Key, j))
			} else {
				firstKey[cat.Key] = i
			}
		}
		required(p+".name", cat.Name)
	}
	if c.Year.SessionTTL <= 0 {
		add(s.errf("year.session_ttl", "year.session_ttl %s: want more than 0", c.Year.SessionTTL))
	}
	if c.Year.InviteTTL <= 0 {
		add(s.errf("year.invite_ttl", "year.invite_ttl %s: want more than 0", c.Year.InviteTTL))
	}

	// [schedule]
	for _, e := range c.Schedule.validate(s) {
		add(e)
	}

	if len(errs) == 0 {
		return nil
	}
	err := joinErrors(errs)
	msg := err.Error()
	for _, secret := range c.secrets() {
		// Defence in depth: no message above quotes a secret. (Real
		// tokens are 40+ characters; a shorter one would mangle ordinary
		// words.)
		if len(secret) >= 8 && strings.Contains(msg, secret) {
			msg = strings.ReplaceAll(msg, secret, "***")
		}
	}
	if msg != err.Error() {
		return errors.New(msg)
	}
	return err
}

// decoder turns the generic TOML tree into a Config, collecting every
// problem with its key and line.
type decoder struct {
	src  *source
	errs []error
}

func (d *decoder) errf(key, format string, args ...any) {
	d.errs = append(d.errs, d.src.errf(key, format, args...))
}

// known reports the keys of table m (at path) not in names, in line order.
func (d *decoder) known(path string, m map[string]any, names ...string) {
	var unknown []string
	for k := range m {
		if !contains(names, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		key := joinKey(path, k)
		d.errf(key, "unknown key %q", joinKey(path, shorten(k)))
	}
}

// shorten cuts an unknown key longer than any lamtheo key, so that a
// secret pasted where a key belongs is not repeated in full.
func shorten(k string) string {
	if r := []rune(k); len(r) > 24 {
		return string(r[:8]) + "…"
	}
	return k
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// kindOf names a TOML value's type for messages.
func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	default:
		return "a date or time"
	}
}

func (d *decoder) table(m map[string]any, path, k string) (map[string]any, bool) {
	v, ok := m[k]
	if !ok {
		return nil, false
	}
	key := joinKey(path, k)
	t, ok := v.(map[string]any)
	if !ok {
		d.errf(key, "%s: want a table, got %s", key, kindOf(v))
		return nil, false
	}
	return t, true
}

func (d *decoder) str(m map[string]any, path, k string, dst *string) {
	v, ok := m[k]
	if !ok {
		return
	}
	s, ok := v.(string)
	if !ok {
		key := joinKey(path, k)
		d.errf(key, "%s: want a string, got %s", key, kindOf(v))
		return
	}
	*dst = s
}

func (d *decoder) integer(m map[string]any, path, k string, dst *int) {
	v, ok := m[k]
	if !ok {
		return
	}
	key := joinKey(path, k)
	n, ok := v.(int64)
	if !ok {
		d.errf(key, "%s: want an integer, got %s", key, kindOf(v))
		return
	}
	if n < -1<<31 || n > 1<<31-1 {
		d.errf(key, "%s %d: out of range", key, n)
		return
	}
	*dst = int(n)
}

func (d *decoder) number(m map[string]any, path, k string, dst *float64) {
	v, ok := m[k]
	if !ok {
		return
	}
	switch n := v.(type) {
	case int64:
		*dst = float64(n)
	case float64:
		*dst = n
	default:
		key := joinKey(path, k)
		d.errf(key, "%s: want a number, got %s", key, kindOf(v))
	}
}

func (d *decoder) duration(m map[string]any, path, k string, dst *time.Duration) {
	var s string
	if _, ok := m[k]; !ok {
		return
	}
	key := joinKey(path, k)
	if _, isString := m[k].(string); !isString {
		d.errf(key, "%s: want a duration in quotes such as \"50s\", \"2m\" or \"72h\", got %s", key, kindOf(m[k]))
		return
	}
	d.str(m, path, k, &s)
	t, err := time.ParseDuration(s)
	if err != nil {
		d.errf(key, "%s %q: not a duration (write e.g. \"50s\", \"2m\" or \"72h\")", key, s)
		return
	}
	*dst = t
}

// array returns m[k] as a list, accepting arrays of tables too.
func (d *decoder) array(m map[string]any, path, k string) ([]any, bool) {
	v, ok := m[k]
	if !ok {
		return nil, false
	}
	switch a := v.(type) {
	case []any:
		return a, true
	case []map[string]any:
		out := make([]any, len(a))
		for i := range a {
			out[i] = a[i]
		}
		return out, true
	}
	key := joinKey(path, k)
	d.errf(key, "%s: want an array, got %s", key, kindOf(v))
	return nil, false
}

// arrayOf reads the array m[k] whose elements must all be of type T into
// dst (replacing the default); an element of another type is an error that
// says what was wanted.
func arrayOf[T any](d *decoder, m map[string]any, path, k, want string, dst *[]T) {
	a, ok := d.array(m, path, k)
	if !ok {
		return
	}
	*dst = nil
	for i, v := range a {
		e, ok := v.(T)
		if !ok {
			key := fmt.Sprintf("%s[%d]", joinKey(path, k), i)
			d.errf(key, "%s: want %s, got %s", key, want, kindOf(v))
			continue
		}
		*dst = append(*dst, e)
	}
}

func (d *decoder) decode(tree map[string]any, c *Config) {
	d.known("", tree, "org", "cells", "admins", "data", "telegram", "zalo", "outbox", "year", "schedule")

	if t, ok := d.table(tree, "", "org"); ok {
		d.known("org", t, "name", "zone")
		d.str(t, "org", "name", &c.Org.Name)
		d.str(t, "org", "zone", &c.Org.Zone)
	}

	if a, ok := d.array(tree, "", "cells"); ok {
		c.Cells = nil
		for i, v := range a {
			p := fmt.Sprintf("cells[%d]", i)
			t, ok := v.(map[string]any)
			if !ok {
				d.errf(p, "%s: want a table with code and name, got %s", p, kindOf(v))
				continue
			}
			d.known(p, t, "code", "name", "meeting_day")
			var cell CellConfig
			d.str(t, p, "code", &cell.Code)
			d.str(t, p, "name", &cell.Name)
			d.integer(t, p, "meeting_day", &cell.MeetingDay)
			c.Cells = append(c.Cells, cell)
		}
	}

	if t, ok := d.table(tree, "", "admins"); ok {
		d.known("admins", t, "telegram", "zalo", "console")
		arrayOf(d, t, "admins", "telegram", "an integer Telegram user id", &c.Admins.Telegram)
		arrayOf(d, t, "admins", "zalo", "a Zalo user id in quotes", &c.Admins.Zalo)
		arrayOf(d, t, "admins", "console", "a name in quotes", &c.Admins.Console)
	}

	if t, ok := d.table(tree, "", "data"); ok {
		d.known("data", t, "path", "backup_dir", "backup_keep")
		d.str(t, "data", "path", &c.Data.Path)
		d.str(t, "data", "backup_dir", &c.Data.BackupDir)
		d.integer(t, "data", "backup_keep", &c.Data.BackupKeep)
	}

	if t, ok := d.table(tree, "", "telegram"); ok {
		d.known("telegram", t, "token", "endpoint", "poll_timeout")
		d.str(t, "telegram", "token", &c.Telegram.Token)
		d.str(t, "telegram", "endpoint", &c.Telegram.Endpoint)
		d.duration(t, "telegram", "poll_timeout", &c.Telegram.PollTimeout)
	}

	if t, ok := d.table(tree, "", "zalo"); ok {
		d.decodeZalo(t, &c.Zalo)
	}

	if t, ok := d.table(tree, "", "outbox"); ok {
		d.known("outbox", t, "per_second", "per_chat", "per_group", "group_window", "concurrency")
		d.number(t, "outbox", "per_second", &c.Outbox.PerSecond)
		d.duration(t, "outbox", "per_chat", &c.Outbox.PerChat)
		d.integer(t, "outbox", "per_group", &c.Outbox.PerGroup)
		d.duration(t, "outbox", "group_window", &c.Outbox.GroupWindow)
		d.integer(t, "outbox", "concurrency", &c.Outbox.Concurrency)
	}

	if t, ok := d.table(tree, "", "year"); ok {
		d.known("year", t, "theme", "grace_days", "categories", "session_ttl", "invite_ttl")
		d.str(t, "year", "theme", &c.Year.Theme)
		d.integer(t, "year", "grace_days", &c.Year.GraceDays)
		if a, ok := d.array(t, "year", "categories"); ok {
			c.Year.Categories = nil
			for i, v := range a {
				p := fmt.Sprintf("year.categories[%d]", i)
				ct, ok := v.(map[string]any)
				if !ok {
					d.errf(p, "%s: want a table such as {key = \"...\", name = \"...\"}, got %s", p, kindOf(v))
					continue
				}
				d.known(p, ct, "key", "name")
				var cat Category
				d.str(ct, p, "key", &cat.Key)
				d.str(ct, p, "name", &cat.Name)
				c.Year.Categories = append(c.Year.Categories, cat)
			}
		}
		d.duration(t, "year", "session_ttl", &c.Year.SessionTTL)
		d.duration(t, "year", "invite_ttl", &c.Year.InviteTTL)
	}

	if t, ok := d.table(tree, "", "schedule"); ok {
		d.decodeSchedule(t, c.Schedule)
	}
}

// trimDoc drops a UTF-8 byte order mark, which editors on Windows add.
func trimDoc(doc []byte) []byte {
	return bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf"))
}

// keyLines maps every key path of doc to the line where it first appears:
// "org.zone", "cells[2].code", "year.categories[0].key". Tables and array
// elements are included, so an absent key can point at its enclosing table.
// doc must already be valid TOML.
func keyLines(doc []byte) map[string]int {
	lines := make(map[string]int)
	var p unstable.Parser
	p.Reset(doc)
	line := func(r unstable.Range) int {
		if int(r.Offset)+int(r.Length) > len(doc) {
			return 0
		}
		return p.Shape(r).Start.Line
	}
	record := func(path string, l int) {
		if _, ok := lines[path]; !ok && l > 0 {
			lines[path] = l
		}
	}
	counts := make(map[string]int) // array table path -> elements seen
	// resolve turns a dotted key into a path, indexing every prefix that is
	// an array of tables by its current (last) element, and records each
	// prefix's line.
	resolve := func(base string, it unstable.Iterator) (string, int) {
		path, first := base, 0
		for it.Next() {
			k := it.Node()
			path = joinKey(path, string(k.Data))
			l := line(k.Raw)
			if first == 0 {
				first = l
			}
			if n := counts[path]; n > 0 {
				path = fmt.Sprintf("%s[%d]", path, n-1)
			}
			record(path, l)
		}
		return path, first
	}
	var walk func(path string, v *unstable.Node, l int)
	walk = func(path string, v *unstable.Node, l int) {
		switch v.Kind {
		case unstable.Array:
			i := 0
			for it := v.Children(); it.Next(); {
				e := it.Node()
				if e.Kind == unstable.Comment {
					continue
				}
				el := fmt.Sprintf("%s[%d]", path, i)
				i++
				switch e.Kind {
				case unstable.Array:
					record(el, l)
				case unstable.InlineTable:
					record(el, line(e.Raw))
				default:
					record(el, line(e.Raw))
				}
				walk(el, e, lines[el])
			}
		case unstable.InlineTable:
			for it := v.Children(); it.Next(); {
				kv := it.Node()
				if kv.Kind != unstable.KeyValue {
					continue
				}
				k, kl := resolve(path, kv.Key())
				walk(k, kv.Value(), kl)
			}
		}
	}
	table := ""
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			table, _ = resolve("", e.Key())
		case unstable.ArrayTable:
			// Resolve the parent parts first, then open a new element.
			var parts []*unstable.Node
			for it := e.Key(); it.Next(); {
				parts = append(parts, it.Node())
			}
			path := ""
			for i, k := range parts {
				path = joinKey(path, string(k.Data))
				if i == len(parts)-1 {
					n := counts[path]
					counts[path] = n + 1
					record(path, line(k.Raw))
					path = fmt.Sprintf("%s[%d]", path, n)
				} else if n := counts[path]; n > 0 {
					path = fmt.Sprintf("%s[%d]", path, n-1)
				}
				record(path, line(k.Raw))
			}
			table = path
		case unstable.KeyValue:
			k, l := resolve(table, e.Key())
			walk(k, e.Value(), l)
		}
	}
	return lines
}
