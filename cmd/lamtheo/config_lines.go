package main

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

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

// keyLines maps every key path of doc to the line where it first appears:
// "org.zone", "cells[2].code", "year.categories[0].key". Tables and array
// elements are included, so an absent key can point at its enclosing table.
// doc must already be valid TOML.
func keyLines(doc []byte) map[string]int {
	lines := make(map[string]int)
	var p unstable.Parser
	p.Reset(doc)
	// The parser's Shape counts lines from the top of the document on
	// every call, which made this quadratic in the number of keys: find
	// lines in an index of line starts built once instead.
	starts := lineStarts(doc)
	line := func(r unstable.Range) int {
		if int(r.Offset)+int(r.Length) > len(doc) {
			return 0
		}
		return lineAt(starts, int(r.Offset))
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

// lineStarts returns the offset of the first byte of every line of doc.
func lineStarts(doc []byte) []int {
	starts := make([]int, 1, bytes.Count(doc, []byte{'\n'})+1)
	for i, b := range doc {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineAt returns the 1-based line of the byte at offset, given the line
// starts of its document.
func lineAt(starts []int, offset int) int {
	return sort.Search(len(starts), func(i int) bool { return starts[i] > offset })
}
