package main

import (
	"bytes"
	"fmt"
	"sort"
	"time"
)

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
	d.known("", tree, "org", "cells", "admins", "data", "telegram", "zalo", "outbox", "files", "year", "schedule")

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

	if t, ok := d.table(tree, "", "files"); ok {
		d.known("files", t, "listen", "public_url", "link_ttl", "keep")
		d.str(t, "files", "listen", &c.Files.Listen)
		d.str(t, "files", "public_url", &c.Files.PublicURL)
		d.duration(t, "files", "link_ttl", &c.Files.LinkTTL)
		d.duration(t, "files", "keep", &c.Files.Keep)
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
