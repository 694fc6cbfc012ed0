package main

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
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
		if !slices.Contains(names, k) {
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

// tomlTable is a configuration type that decodes its own table (a map
// such as ScheduleConfig, whose keys come from a registry).
type tomlTable interface {
	decodeTOML(d *decoder, t map[string]any, path string)
}

var durationType = reflect.TypeFor[time.Duration]()

// decodeStruct decodes table m, at key path, into the struct v: each field
// with a `toml:"key"` tag from that key, the other keys of m unknown. A
// key left out keeps the field's value (the default). A field's `want`
// tag says, for an array, what each element must be ("a Telegram user id
// in quotes", "a table with code and name"). Adding a table to Config is
// adding one struct with tags; a field type not handled here panics in
// every test.
func (d *decoder) decodeStruct(m map[string]any, path string, v reflect.Value) {
	t := v.Type()
	var names []string
	for i := range t.NumField() {
		if k := t.Field(i).Tag.Get("toml"); k != "" {
			names = append(names, k)
		}
	}
	d.known(path, m, names...)
	for i := range t.NumField() {
		f := t.Field(i)
		k := f.Tag.Get("toml")
		if _, ok := m[k]; !ok || k == "" {
			continue
		}
		d.field(m, path, k, f.Tag.Get("want"), v.Field(i))
	}
}

// field decodes m[k] into v, by v's type.
func (d *decoder) field(m map[string]any, path, k, want string, v reflect.Value) {
	if tt, ok := v.Addr().Interface().(tomlTable); ok {
		if t, ok := d.table(m, path, k); ok {
			tt.decodeTOML(d, t, joinKey(path, k))
		}
		return
	}
	if v.Type() == durationType {
		d.duration(m, path, k, v.Addr().Interface().(*time.Duration))
		return
	}
	switch v.Kind() {
	case reflect.String:
		d.str(m, path, k, v.Addr().Interface().(*string))
	case reflect.Int:
		d.integer(m, path, k, v.Addr().Interface().(*int))
	case reflect.Float64:
		d.number(m, path, k, v.Addr().Interface().(*float64))
	case reflect.Bool:
		d.boolean(m, path, k, v.Addr().Interface().(*bool))
	case reflect.Struct:
		if t, ok := d.table(m, path, k); ok {
			d.decodeStruct(t, joinKey(path, k), v)
		}
	case reflect.Slice:
		d.slice(m, path, k, want, v)
	default:
		panic(fmt.Sprintf("config: no decoder for %s (key %s)", v.Type(), joinKey(path, k)))
	}
}

// slice reads the array m[k] into the slice v, replacing the default:
// tables into a slice of structs, strings or integers into a slice of
// them. An element of another type is an error saying what was wanted.
func (d *decoder) slice(m map[string]any, path, k, want string, v reflect.Value) {
	a, ok := d.array(m, path, k)
	if !ok {
		return
	}
	et := v.Type().Elem()
	v.Set(reflect.Zero(v.Type()))
	if len(a) > 0 {
		v.Set(reflect.MakeSlice(v.Type(), 0, len(a)))
	}
	for i, e := range a {
		p := fmt.Sprintf("%s[%d]", joinKey(path, k), i)
		if et.Kind() == reflect.Struct {
			t, ok := e.(map[string]any)
			if !ok {
				d.errf(p, "%s: want %s, got %s", p, want, kindOf(e))
				continue
			}
			ev := reflect.New(et).Elem()
			d.decodeStruct(t, p, ev)
			v.Set(reflect.Append(v, ev))
			continue
		}
		ev := reflect.ValueOf(e)
		if ev.Type() != et {
			d.errf(p, "%s: want %s, got %s", p, want, kindOf(e))
			continue
		}
		v.Set(reflect.Append(v, ev))
	}
}

func (d *decoder) boolean(m map[string]any, path, k string, dst *bool) {
	b, ok := m[k].(bool)
	if !ok {
		key := joinKey(path, k)
		d.errf(key, "%s: want true or false, got %s", key, kindOf(m[k]))
		return
	}
	*dst = b
}

func (d *decoder) decode(tree map[string]any, c *Config) {
	d.decodeStruct(tree, "", reflect.ValueOf(c).Elem())
}

// trimDoc drops a UTF-8 byte order mark, which editors on Windows add.
func trimDoc(doc []byte) []byte {
	return bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf"))
}
