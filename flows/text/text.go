package text

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template"
)

// Key names one text of the catalogue.
type Key string

//go:embed *.txt
var files embed.FS

// Catalog holds the parsed templates. It is safe for concurrent use.
type Catalog struct {
	tmpl map[Key]*template.Template
	raw  map[Key]string
}

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
	defaultErr  error
)

// Default returns the embedded Vietnamese catalogue, parsed on first use,
// or why it cannot be parsed: a build defect, which the package's tests
// catch and cmd/lamtheo checks once before it starts.
func Default() (*Catalog, error) {
	defaultOnce.Do(func() { defaultCat, defaultErr = Parse(files) })
	return defaultCat, defaultErr
}

// Parse reads every *.txt file of fsys. A file holds entries of the form
//
//	[key_name]
//	text, one or more lines, in text/template syntax
//
// Lines starting with "#" outside an entry are comments; trailing blank lines
// of an entry are dropped.
func Parse(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{tmpl: map[Key]*template.Template{}, raw: map[Key]string{}}
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if err := c.parseFile(name, data); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Catalog) parseFile(name string, data []byte) error {
	var (
		key   Key
		lines []string
		start int
	)
	flush := func() error {
		if key == "" {
			return nil
		}
		for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
			lines = lines[:len(lines)-1]
		}
		body := strings.Join(lines, "\n")
		if _, dup := c.raw[key]; dup {
			return fmt.Errorf("%s:%d: key %s defined twice", name, start, key)
		}
		t, err := template.New(string(key)).Option("missingkey=error").Funcs(funcs).Parse(body)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, start, err)
		}
		c.tmpl[key], c.raw[key] = t, body
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") && !strings.Contains(line, " ") {
			if err := flush(); err != nil {
				return err
			}
			key, lines, start = Key(line[1:len(line)-1]), nil, n
			continue
		}
		if key == "" {
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			return fmt.Errorf("%s:%d: text outside an entry", name, n)
		}
		lines = append(lines, line)
	}
	return flush()
}

var funcs = template.FuncMap{
	"inc": func(i int) int { return i + 1 },
	"num": Num,
}

// Num formats a count the Vietnamese way, a dot between thousands:
// 2000 -> "2.000". Texts print every count through it ({{num .N}}); years
// and month or day numbers are printed as they are. A value that is not an
// integer is printed as it is.
func Num(v any) string {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	case int32:
		n = int64(x)
	default:
		return fmt.Sprint(v)
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// Has reports whether k is in the catalogue. A nil catalogue has no key.
func (c *Catalog) Has(k Key) bool {
	if c == nil {
		return false
	}
	_, ok := c.tmpl[k]
	return ok
}

// Keys returns every key of the catalogue, sorted.
func (c *Catalog) Keys() []Key {
	out := make([]Key, 0, len(c.tmpl))
	for k := range c.tmpl {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Render executes the text k with data. A missing key (every key of a nil
// catalogue) or a template error yields the key itself in brackets, so a
// defect shows but never crashes; tests check that no such text is ever
// produced.
func (c *Catalog) Render(k Key, data any) string {
	var t *template.Template
	if c != nil {
		t = c.tmpl[k]
	}
	if t == nil {
		return "[" + string(k) + "]"
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "[" + string(k) + ": " + err.Error() + "]"
	}
	return b.String()
}
