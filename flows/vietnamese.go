package flows

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"lamtheo/flows/text"
)

// vnCollators pools Vietnamese collators: a collate.Collator keeps scratch
// state and must not be shared between goroutines.
var vnCollators = sync.Pool{New: func() any { return collate.New(language.Vietnamese) }}

// vnNameParts splits a full name into the given name (its last word) and the
// rest, the way Vietnamese lists are ordered: "Nguyễn Văn An" → "An",
// "Nguyễn Văn".
func vnNameParts(name string) (given, rest string) {
	f := strings.Fields(name)
	if len(f) == 0 {
		return "", ""
	}
	return f[len(f)-1], strings.Join(f[:len(f)-1], " ")
}

// vnNameKey is the collation key of one name: the given name's key and the
// rest's key, compared in that order.
type vnNameKey struct{ given, rest []byte }

func vnMakeKey(c *collate.Collator, buf *collate.Buffer, name string) vnNameKey {
	given, rest := vnNameParts(name)
	return vnNameKey{given: c.KeyFromString(buf, given), rest: c.KeyFromString(buf, rest)}
}

// vnTitleKey is the collation key of a title (a cell's name), compared
// word by word from the start.
func vnTitleKey(c *collate.Collator, buf *collate.Buffer, title string) vnNameKey {
	return vnNameKey{given: c.KeyFromString(buf, strings.Join(strings.Fields(title), " "))}
}

func (k vnNameKey) compare(o vnNameKey) int {
	if c := bytes.Compare(k.given, o.given); c != 0 {
		return c
	}
	return bytes.Compare(k.rest, o.rest)
}

// CompareNames compares two full names in Vietnamese order: by given name
// (the last word), then by the rest of the name, with Vietnamese collation
// (Đ after D, Ă and Â after A, and so on). It returns -1, 0 or +1. It is safe
// for concurrent use; to sort many names use SortByName, which computes each
// key once.
func CompareNames(a, b string) int {
	c := vnCollators.Get().(*collate.Collator)
	defer vnCollators.Put(c)
	var buf collate.Buffer
	return vnMakeKey(c, &buf, a).compare(vnMakeKey(c, &buf, b))
}

// vnSortKeyed sorts items by the Vietnamese order of name(item), a person's
// name (given name first, see CompareNames), then by tie.
func vnSortKeyed[T any](items []T, name func(T) string, tie func(a, b T) int) {
	vnSortBy(items, vnMakeKey, name, tie)
}

// vnSortTitles sorts items by the Vietnamese order of title(item), compared
// from the first word, then by tie.
func vnSortTitles[T any](items []T, title func(T) string, tie func(a, b T) int) {
	vnSortBy(items, vnTitleKey, title, tie)
}

func vnSortBy[T any](items []T, key func(*collate.Collator, *collate.Buffer, string) vnNameKey, name func(T) string, tie func(a, b T) int) {
	if len(items) < 2 {
		return
	}
	c := vnCollators.Get().(*collate.Collator)
	defer vnCollators.Put(c)
	var buf collate.Buffer
	type keyed struct {
		k    vnNameKey
		item T
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		ks[i] = keyed{k: key(c, &buf, name(it)), item: it}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		if r := a.k.compare(b.k); r != 0 {
			return r
		}
		return tie(a.item, b.item)
	})
	for i := range ks {
		items[i] = ks[i].item
	}
}

// SortByName sorts ms in Vietnamese order of their names (see CompareNames);
// members with equal names keep ID order. It is safe for concurrent use on
// distinct slices.
func SortByName(ms []Member) {
	vnSortKeyed(ms, func(m Member) string { return m.Name }, func(a, b Member) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
}

// FormatPercent formats num/den as a whole percentage without false
// precision: "—" when den is not positive, never "100%" unless num ≥ den and
// never "0%" unless num is 0 ("99%", "1%" instead).
func FormatPercent(num, den int) string {
	if den <= 0 {
		return "—"
	}
	return strconv.Itoa(vnPercent(num, den)) + "%"
}

// vnPercent is the whole percentage FormatPercent shows (den must be
// positive): rounded half up, but 99 rather than 100 when num < den and 1
// rather than 0 when num > 0.
func vnPercent(num, den int) int {
	if num < 0 {
		num = 0
	}
	p := int((200*int64(num) + int64(den)) / (2 * int64(den)))
	switch {
	case p >= 100 && num < den:
		p = 99
	case p == 0 && num > 0:
		p = 1
	}
	return p
}

// FormatMonth returns m as people write it, in the words of the catalogue
// cat: "tháng 11/2026".
func FormatMonth(cat *text.Catalog, m Month) string {
	return cat.Render(text.SummaryMonthName, struct{ Num, Year int }{m.Num(), m.Year()})
}

// NormalizeText cleans text a person typed: invalid UTF-8 and control
// characters are dropped, and so are the invisible format characters that
// could hide or reorder what a secretary reads (bidirectional embeddings,
// overrides, isolates and marks, zero-width spaces and joiners, the word
// joiner, the byte order mark, the soft hyphen, the Hangul fillers: every
// character of Unicode's Cf category and the fillers, see invisible), except
// a zero-width joiner between two emoji, which only draws them as one. Runs
// of spaces and tabs become one space, spaces around line breaks and at both
// ends are trimmed, line breaks are kept (at most one blank line in a row),
// at most maxMarks combining marks stay on one character, and the result is
// in Unicode NFC. It is idempotent. Everything people type
// passes through it (the engine cleans each message's text, the sender's
// name and the group's title at the door; cleanInput cleans again).
func NormalizeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending before the next visible character
	breaks := 0    // line breaks pending before the next visible character
	var last rune  // the last character written
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				continue // invalid byte
			}
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			breaks++
			space = false
			continue
		case r == '\n' || r == '\u2028' || r == '\u2029':
			breaks++
			space = false
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r):
			continue
		case r == '\u200d':
			next, _ := utf8.DecodeRuneInString(s[i+len("\u200d"):])
			if space || breaks > 0 || !emojiJoins(last, next) {
				continue
			}
		case invisible(r):
			continue
		}
		if b.Len() > 0 {
			switch {
			case breaks > 0:
				b.WriteString("\n\n"[:min(breaks, 2)])
			case space:
				b.WriteByte(' ')
			}
		}
		breaks, space = 0, false
		b.WriteRune(r)
		last = r
	}
	// Capping the marks before NFC keeps NFC from putting U+034F into a long
	// run; capping after catches a mark NFC decomposed into two.
	return capMarks(norm.NFC.String(capMarks(b.String())))
}

// maxMarks is how many combining marks NormalizeText keeps on one
// character. Vietnamese needs two (a vowel's mark and its tone, when
// decomposed); a longer run is "Zalgo" text that draws over the lines
// around it, and a run of more than 30 makes NFC insert the invisible
// U+034F to keep the text stream-safe.
const maxMarks = 8

// capMarks drops the combining marks after the first maxMarks in a row.
func capMarks(s string) string {
	n, cut := 0, -1
	for i, r := range s {
		if !unicode.Is(unicode.M, r) {
			n = 0
			continue
		}
		if n++; n > maxMarks {
			cut = i
			break
		}
	}
	if cut < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:cut])
	for _, r := range s[cut:] {
		if !unicode.Is(unicode.M, r) {
			n = 0
		} else if n++; n > maxMarks {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// invisible reports whether r is a character that shows as nothing and is
// not a space: a format character (Unicode's Cf: bidirectional controls
// U+200E–U+200F, U+202A–U+202E, U+2066–U+2069, U+061C; zero-width
// characters U+200B–U+200D, U+2060, U+FEFF; the soft hyphen; tags) or a
// filler that is formally a letter (U+115F, U+1160, U+3164, U+FFA0) or a
// mark (U+034F, U+17B4, U+17B5).
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || invisibleFiller(r)
}

// invisibleFiller reports whether r is one of the default-ignorable
// characters outside Cf that render as nothing.
func invisibleFiller(r rune) bool {
	switch r {
	case '\u034f', '\u115f', '\u1160', '\u17b4', '\u17b5', '\u3164', '\uffa0':
		return true
	}
	return false
}

// emojiJoins reports whether a zero-width joiner between prev and next
// joins two emoji (a family, a profession, a flag): prev a symbol, a skin
// tone or the emoji presentation selector, next a symbol.
func emojiJoins(prev, next rune) bool {
	if prev == utf8.RuneError || next == utf8.RuneError {
		return false
	}
	return (unicode.In(prev, unicode.So, unicode.Sk) || prev == '\ufe0f') && unicode.Is(unicode.So, next)
}

// foldName folds what people type for comparing it with what the bot
// knows (names, commands, the labels of choices): lowercase, without
// diacritics (đ becomes d), words joined with single spaces. "Trần  Văn
// HÙNG" gives "tran van hung", "/báocáo"'s name "baocao".
func foldName(name string) string {
	if f, ok := foldFast(name); ok {
		return f
	}
	return foldDecomposed(name)
}

// foldDecomposed is foldName the long way, for any text: one pass over
// the decomposed lowercase text, without transform's buffers.
func foldDecomposed(name string) string {
	d := norm.NFD.String(strings.ToLower(name))
	var b strings.Builder
	b.Grow(len(d))
	space, ascii := false, true
	for _, r := range d {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r == 'đ':
			r = 'd'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		ascii = ascii && r < utf8.RuneSelf
	}
	if ascii {
		return b.String()
	}
	return norm.NFC.String(b.String())
}

// vnMatchWord reports whether the word typed is want, in any case, with some
// or all of its diacritics left out: "da", "đa", "ĐÃ" and "đã" match "đã",
// "chua" and "chưa" match "chưa", but "đăng" (a mark want does not have)
// does not match "đang", nor "rơi" "rồi". Both are single words.
func vnMatchWord(typed, want string) bool {
	t := []rune(norm.NFD.String(strings.ToLower(typed)))
	w := []rune(norm.NFD.String(strings.ToLower(want)))
	i := 0
	for j := 0; j < len(w); {
		if i >= len(t) {
			return false
		}
		tr, wr := t[i], w[j]
		if tr != wr && (tr != 'd' || wr != 'đ') {
			return false
		}
		i, j = i+1, j+1
		k := j // the marks on this letter
		for j < len(w) && unicode.Is(unicode.Mn, w[j]) {
			j++
		}
		for ; i < len(t) && unicode.Is(unicode.Mn, t[i]); i++ {
			if !slices.Contains(w[k:j], t[i]) {
				return false
			}
		}
	}
	return i == len(t)
}
