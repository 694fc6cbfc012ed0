package main

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"lamtheo/flows"
)

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
	c.Files.validate(s, add)

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
	if spec := c.Schedule[flows.JobLeaderboard]; strings.TrimSpace(spec) != "" && c.Year.GraceDays >= 0 && c.Year.GraceDays <= 28 {
		sched, err := parseSchedule(spec)
		loc, lerr := c.Location()
		if err == nil && lerr == nil {
			if m, miss := leaderboardMiss(sched, loc, c.Year.GraceDays); miss {
				deadline := fmt.Sprintf("day %d of the next month", c.Year.GraceDays)
				if c.Year.GraceDays == 0 {
					deadline = "the month's last day"
				}
				add(s.errf("schedule.leaderboard", "schedule.leaderboard %q: no run falls in the week after the report deadline "+
					"(%s, year.grace_days), so the leaderboard of %s would never be posted; "+
					"run it daily (\"0 8 * * *\": it posts once, after the deadline) or on day %d", spec, deadline, m, c.Year.GraceDays+1))
			}
		}
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

// validate reports the problems of [files].
func (f FilesConfig) validate(s *source, add func(*ConfigError)) {
	if f.PublicURL != "" {
		u, err := url.Parse(f.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			add(s.errf("files.public_url", "files.public_url: want the endpoint's public https:// URL, e.g. https://bot.example.vn/files"))
		}
		if f.Listen == "" {
			add(s.errf("files.public_url", "files.public_url is set but files.listen is not: lamtheo must serve the files the URL leads to"))
		}
	}
	if f.LinkTTL < time.Hour {
		add(s.errf("files.link_ttl", "files.link_ttl: want at least 1h, in hours (default 24h)"))
	}
	if f.Keep < f.LinkTTL || f.Keep < time.Hour {
		add(s.errf("files.keep", "files.keep: want at least 1h and at least files.link_ttl (default 168h)"))
	}
}
