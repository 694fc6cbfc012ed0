package flows

import (
	"strings"
	"unicode/utf8"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// cleanMessage normalises, at the door, what people type into m: its text
// (unless it is far over MaxInput, which is refused anyway), the sender's
// profile name and the group's title, the last two on one line. Callback
// data and file ids are the bot's own and the platform's, and stay as
// they are.
func cleanMessage(m bot.Message) bot.Message {
	if len(m.Text) <= 4*MaxInput {
		m.Text = NormalizeText(m.Text)
	}
	m.FromName = oneLine(m.FromName)
	m.ChatTitle = oneLine(m.ChatTitle)
	return m
}

// oneLine normalises s (see NormalizeText) and joins its lines with spaces.
func oneLine(s string) string {
	if len(s) > 4*MaxInput {
		s = s[:4*MaxInput]
	}
	return strings.Join(strings.Fields(NormalizeText(s)), " ")
}

// cleanInput normalises what a person typed and checks its length.
func cleanInput(s string, max int) (string, error) {
	s = strings.TrimSpace(NormalizeText(s))
	if s == "" {
		return "", refuse(text.EmptyInput, nil)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", refuse(text.TooLong, tooLongView{Max: max, N: n})
	}
	return s, nil
}
