package bot

import (
	"unicode"
	"unicode/utf8"
)

// Measure is how a platform counts the length of a text.
type Measure int

// The ways platforms count.
const (
	// Runes counts Unicode code points; an invalid UTF-8 byte counts as one.
	Runes Measure = iota
	// UTF16 counts UTF-16 code units, as Telegram (and, to be safe, Zalo)
	// does: a character outside the Basic Multilingual Plane, such as most
	// emoji, counts two.
	UTF16
)

// units returns how many units m counts for r.
func (m Measure) units(r rune) int {
	if m == UTF16 && r >= 0x10000 {
		return 2
	}
	return 1
}

// Len returns the length of s as m counts it.
func (m Measure) Len(s string) int {
	n := utf8.RuneCountInString(s)
	if m == UTF16 {
		for _, r := range s {
			if r >= 0x10000 {
				n++
			}
		}
	}
	return n
}

// Split cuts text into parts of at most max characters (runes; an invalid
// UTF-8 byte counts as one) so a long reply fits a platform's message limit.
// It is Runes.Split.
func Split(text string, max int) []string { return Runes.Split(text, max) }

// Split cuts text into parts of at most max units as m counts them, so a
// long reply fits a platform's message limit.
// It cuts at the last line break that fits; where a single line is longer
// than max, at the last space that fits; where a single word is longer, hard
// at max. The whitespace at a cut (the line break or space and any blank
// lines or spaces around it) is dropped, so no part is empty and none made
// by a cut at whitespace is only whitespace. Text that already fits is
// returned whole as the only part; empty text gives no parts. A max below 1
// means no limit. Split is a pure function.
func (m Measure) Split(text string, max int) []string {
	if text == "" {
		return nil
	}
	if max < 1 || m.Len(text) <= max {
		return []string{text}
	}
	s := newRunes(text, m)
	var parts []string
	start := 0 // rune index where the current part begins
	for s.w[s.n]-s.w[start] > max {
		end, next := s.cut(start, max)
		parts = append(parts, text[s.off[start]:s.off[end]])
		start = next
	}
	if start < s.n {
		parts = append(parts, text[s.off[start]:])
	}
	return parts
}

// runes indexes a string by rune without decoding it into a []rune, so
// invalid UTF-8 survives a split byte for byte.
type runes struct {
	text string
	off  []int // off[i] is the byte offset of rune i; off[n] is len(text)
	w    []int // w[i] is the units of the runes before rune i; w[n] the whole
	n    int
}

func newRunes(text string, m Measure) runes {
	off := make([]int, 0, len(text)+1)
	w := make([]int, 1, len(text)+1)
	for i := 0; i < len(text); {
		off = append(off, i)
		r, size := utf8.DecodeRuneInString(text[i:])
		w = append(w, w[len(w)-1]+m.units(r))
		i += size
	}
	n := len(off)
	return runes{text: text, off: append(off, len(text)), w: w, n: n}
}

// fit returns the end of the longest run of runes from start that is at
// most max units long, and at least start+1 (a rune longer than max goes
// alone).
func (s runes) fit(start, max int) int {
	end := start
	for end < s.n && s.w[end+1]-s.w[start] <= max {
		end++
	}
	return end
}

func (s runes) at(i int) rune {
	r, _ := utf8.DecodeRuneInString(s.text[s.off[i]:])
	return r
}

func (s runes) space(i int) bool { return unicode.IsSpace(s.at(i)) }

// cut finds where the part beginning at rune start ends (end, exclusive) and
// where the next part begins (next), for a text longer than max units from
// start.
func (s runes) cut(start, max int) (end, next int) {
	limit := s.fit(start, max) // the part is at most [start, limit)
	if limit == start {
		return start + 1, start + 1 // one rune wider than max: alone
	}
	// solid is the first non-space rune of the part: a cut at whitespace
	// must come after it, so the part has something visible.
	solid := -1
	for i := start; i < limit; i++ {
		if !s.space(i) {
			solid = i
			break
		}
	}
	if solid >= 0 {
		// A cut at rune i makes [start, i) the part and rune i the
		// separator; i may be limit, which exists because the text is
		// longer than max units from start.
		for _, sep := range []func(int) bool{
			func(i int) bool { return s.at(i) == '\n' },
			s.space,
		} {
			for i := limit; i > solid; i-- {
				if sep(i) {
					return s.widen(solid, i)
				}
			}
		}
	}
	return limit, limit
}

// widen spreads the separator at rune i over the whitespace around it: the
// part ends after the last non-space rune before i (there is one, at solid
// or later) and the next part starts at the first non-space rune after i, or
// at the end of the text.
func (s runes) widen(solid, i int) (end, next int) {
	end = i
	for end > solid+1 && s.space(end-1) {
		end--
	}
	next = i + 1
	for next < s.n && s.space(next) {
		next++
	}
	return end, next
}

// splitReply cuts r into the messages to send for it: r itself when its
// text fits limit as m counts it (0: no limit), else one Reply per part of
// m.Split, the title, photo, file and edit on the first, the choices, hint
// and link on the last, Bulk on every part.
func splitReply(r Reply, limit int, m Measure) []Reply {
	if limit <= 0 {
		return []Reply{r}
	}
	budget := limit
	if r.Title != "" {
		// The title is shown above the text in the same message.
		budget = max(limit-m.Len(r.Title)-2, limit/2, 1)
	}
	if m.Len(r.Text) <= budget {
		return []Reply{r}
	}
	texts := m.Split(r.Text, budget)
	if len(texts) <= 1 {
		return []Reply{r}
	}
	parts := make([]Reply, len(texts))
	for i, t := range texts {
		parts[i] = Reply{Chat: r.Chat, Text: t, Bulk: r.Bulk}
	}
	first, last := &parts[0], &parts[len(parts)-1]
	first.Title, first.Photo, first.File, first.Edit = r.Title, r.Photo, r.File, r.Edit
	last.Choices, last.Hint, last.Link = r.Choices, r.Hint, r.Link
	return parts
}
