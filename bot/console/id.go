package console

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"lamtheo/bot"
)

// GroupChat returns the simulated group chat of the cell code: id "g-CODE".
func GroupChat(code string) bot.ChatID {
	return bot.ChatID{Platform: bot.Console, ID: "g-" + code}
}

// UserID returns the console user id of a display name: lowercase, accents
// removed, runs of anything but letters and digits turned into one "-",
// e.g. "Nguyễn Văn Lan" -> "nguyen-van-lan". A name of symbols only, as
// Zalo profiles often have, is named by their code points: "🌻" ->
// "u1f33b". It returns "" for a name with no letter, digit or symbol.
func UserID(name string) string {
	name = strings.ToLower(strings.ToValidUTF8(name, " "))
	plain, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), name)
	if err != nil {
		plain = name
	}
	var b strings.Builder
	dash := false
	for _, r := range plain {
		if r == 'đ' {
			r = 'd'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return symbolsID(plain)
	}
	return b.String()
}

// symbolsID names a name without letters or digits by the code points of
// its first few symbols (emoji): "🌻 ☀" -> "u1f33b-2600"; "" when it has
// none.
func symbolsID(name string) string {
	var hex []string
	for _, r := range name {
		if unicode.Is(unicode.So, r) && len(hex) < 8 {
			hex = append(hex, strconv.FormatInt(int64(r), 16))
		}
	}
	if len(hex) == 0 {
		return ""
	}
	return "u" + strings.Join(hex, "-")
}
