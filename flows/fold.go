package flows

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldTable maps each precomposed letter of the Latin blocks Vietnamese
// uses (U+00C0–U+024F, U+1E00–U+1EFF) to what foldName makes of it alone
// when that is one ASCII letter: 'Ữ' and 'ữ' to 'u', 'Đ' to 'd'. It is
// built by foldName's own rule, so the fast path cannot disagree with it.
var foldTable = func() map[rune]byte {
	t := map[rune]byte{}
	for _, block := range [][2]rune{{0x00C0, 0x024F}, {0x1E00, 0x1EFF}} {
		for r := block[0]; r <= block[1]; r++ {
			var base []rune
			for _, c := range norm.NFD.String(strings.ToLower(string(r))) {
				if !unicode.Is(unicode.Mn, c) {
					base = append(base, c)
				}
			}
			if len(base) == 1 && base[0] == 'đ' {
				base[0] = 'd'
			}
			if len(base) == 1 && base[0] < utf8.RuneSelf && unicode.IsLetter(base[0]) {
				t[r] = byte(base[0])
			}
		}
	}
	return t
}()

// foldFast is foldName for a text of ASCII and foldTable's letters only
// (nearly every Vietnamese name), in one pass without decomposing it:
// folding runs for every row of a roster file. ok is false for any other
// text, which foldName folds the long way.
func foldFast(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		var c byte
		switch {
		case r < utf8.RuneSelf:
			if unicode.IsSpace(r) {
				space = b.Len() > 0
				continue
			}
			c = byte(unicode.ToLower(r))
		default:
			f, ok := foldTable[r]
			if !ok {
				return "", false
			}
			c = f
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(c)
	}
	return b.String(), true
}
