package bot

import (
	"unicode"
	"unicode/utf8"
)

// Split cuts text into parts of at most max characters (runes; an invalid
// UTF-8 byte counts as one) so a long reply fits a platform's message limit.
// It cuts at the last line break that fits; where a single line is longer
// than max, at the last space that fits; where a single word is longer, hard
// at max. The whitespace at a cut (the line break or space and any blank
// lines or spaces around it) is dropped, so no part is empty and none made
// by a cut at whitespace is only whitespace. Text that already fits is
// returned whole as the only part; empty text gives no parts. A max below 1
// means no limit. Split is a pure function.
func Split(text string, max int) []string {
	if text == "" {
		return nil
	}
	if max < 1 || utf8.RuneCountInString(text) <= max {
		return []string{text}
	}
	s := newRunes(text)
	var parts []string
	start := 0 // rune index where the current part begins
	for s.n-start > max {
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
	n    int
}

func newRunes(text string) runes {
	off := make([]int, 0, len(text)+1)
	for i := 0; i < len(text); {
		off = append(off, i)
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	n := len(off)
	return runes{text: text, off: append(off, len(text)), n: n}
}

func (s runes) at(i int) rune {
	r, _ := utf8.DecodeRuneInString(s.text[s.off[i]:])
	return r
}

func (s runes) space(i int) bool { return unicode.IsSpace(s.at(i)) }

// cut finds where the part beginning at rune start ends (end, exclusive) and
// where the next part begins (next), for a text longer than start+max runes.
func (s runes) cut(start, max int) (end, next int) {
	// solid is the first non-space rune of the part: a cut at whitespace
	// must come after it, so the part has something visible.
	solid := -1
	for i := start; i < start+max; i++ {
		if !s.space(i) {
			solid = i
			break
		}
	}
	if solid >= 0 {
		// A cut at rune i makes [start, i) the part and rune i the
		// separator; i may be start+max, which exists because the text
		// is longer than that.
		for _, sep := range []func(int) bool{
			func(i int) bool { return s.at(i) == '\n' },
			s.space,
		} {
			for i := start + max; i > solid; i-- {
				if sep(i) {
					return s.widen(solid, i)
				}
			}
		}
	}
	return start + max, start + max
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
