package bot

import (
	"strings"
	"unicode"
)

// StripMention removes a mention of the bot from the start of text, as
// platforms that deliver group messages only when the bot is mentioned
// leave it there: with name "Bot Xã Demo", "@Bot Xã Demo /summary 11" gives
// "/summary 11". The mention is matched case-insensitively. When text starts
// with "@" but not with the bot's name (the platform showed another name),
// everything before the first word that starts with "/" is removed, or,
// without one, the first word. ok reports whether text started with a
// mention at all; text without one is returned trimmed.
func StripMention(text, name string) (rest string, ok bool) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "@") {
		return text, false
	}
	if name = strings.TrimPrefix(strings.TrimSpace(name), "@"); name != "" {
		if n := len("@" + name); len(text) >= n && strings.EqualFold(text[:n], "@"+name) &&
			(len(text) == n || !isWordRune(text[n:])) {
			return strings.TrimLeftFunc(text[n:], func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ':' }), true
		}
	}
	if i := strings.Index(text, " /"); i >= 0 {
		return strings.TrimSpace(text[i+1:]), true
	}
	if _, after, found := strings.Cut(text, " "); found {
		return strings.TrimSpace(after), true
	}
	return "", true
}

// isWordRune reports whether s starts with a letter or digit, which would
// make the text before it part of a longer name.
func isWordRune(s string) bool {
	for _, r := range s {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return false
}
