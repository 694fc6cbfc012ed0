package text

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestCatalogueComplete checks that the embedded catalogue parses, that every
// declared key has a text and every text a declared key.
func TestCatalogueComplete(t *testing.T) {
	c, err := Parse(files)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[Key]bool{}
	for _, list := range [][]Key{coreKeys, yearKeys, behalfKeys, SummaryKeys, secretaryKeys, jobsKeys, platformsKeys, hardeningKeys, transferKeys, RosterKeys, rosterChatKeys, ConsoleKeys, exportKeys, ExportKeys, dossierKeys, DossierKeys} {
		for _, k := range list {
			if declared[k] {
				t.Errorf("key %s declared twice", k)
			}
			declared[k] = true
			if !c.Has(k) {
				t.Errorf("key %s has no text", k)
			}
		}
	}
	for _, k := range c.Keys() {
		if !declared[k] {
			t.Errorf("text [%s] has no key constant", k)
		}
		if !snakeCase(string(k)) {
			t.Errorf("key %s is not snake_case (lowercase words joined by _)", k)
		}
	}
}

// snakeCase reports whether s is lowercase ASCII words and digits joined
// by single underscores, the one style of the catalogue's keys.
func snakeCase(s string) bool {
	for w := range strings.SplitSeq(s, "_") {
		if w == "" {
			return false
		}
		for _, r := range w {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
				return false
			}
		}
	}
	return true
}

func TestNum(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1.000"}, {2000, "2.000"}, {12345, "12.345"},
		{1234567, "1.234.567"}, {-1500, "-1.500"}, {int64(5000), "5.000"}, {"12/12", "12/12"},
	}
	for _, tc := range tests {
		if got := Num(tc.in); got != tc.want {
			t.Errorf("Num(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTooLongCounts: counts in texts are written the Vietnamese way.
func TestTooLongCounts(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	got := c.Render(TooLong, map[string]int{"N": 5000, "Max": 1000})
	if !strings.Contains(got, "(5.000 ký tự)") || !strings.Contains(got, "không quá 1.000 ký tự") {
		t.Errorf("too_long: %q", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"text outside an entry", "hello\n", "a.txt:1: text outside an entry"},
		{"duplicate key", "[a]\nx\n[a]\ny\n", "a.txt:3: key a defined twice"},
		{"bad template", "[a]\n{{.X\n", "a.txt:1:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(fstest.MapFS{"a.txt": {Data: []byte(tc.file)}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestRenderMissing(t *testing.T) {
	c, err := Parse(fstest.MapFS{"a.txt": {Data: []byte("# c\n[hi]\nChào {{.Name}}\n\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Render("hi", map[string]string{"Name": "đồng chí"}); got != "Chào đồng chí" {
		t.Errorf("render = %q", got)
	}
	if got := c.Render("nope", nil); got != "[nope]" {
		t.Errorf("missing key renders %q", got)
	}
	if got := c.Render("hi", map[string]string{}); !strings.HasPrefix(got, "[hi: ") {
		t.Errorf("missing field renders %q", got)
	}
}

// TestDefault: the embedded catalogue parses, and a catalogue that could
// not be read renders every text as its key, without a panic.
func TestDefault(t *testing.T) {
	if _, err := Default(); err != nil {
		t.Fatal(err)
	}
	var none *Catalog
	if got := none.Render("greeting", nil); got != "[greeting]" {
		t.Errorf("nil catalogue renders %q, want [greeting]", got)
	}
	if none.Has("greeting") {
		t.Error("nil catalogue has a key")
	}
}
