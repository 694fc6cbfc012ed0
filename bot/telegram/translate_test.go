package telegram

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lamtheo/bot"
)

// FuzzTranslate feeds arbitrary JSON update bodies, decoded as getUpdates
// decodes them, to the translation of updates: it never panics, and what it
// hands up is a well-formed Message. The seed corpus is in
// testdata/fuzz/FuzzTranslate.
func FuzzTranslate(f *testing.F) {
	f.Add([]byte(`{"update_id":1001,"message":{"message_id":5,"date":1767225600,"chat":{"id":501,"type":"private","first_name":"An"},"from":{"id":501,"is_bot":false,"first_name":"An"},"text":"/summary@lamtheo_test_bot 3 2026","entities":[{"type":"bot_command","offset":0,"length":26}]}}`))
	f.Add([]byte(`{"update_id":7,"callback_query":{"id":"cb1","from":{"id":1,"first_name":""},"data":"x","message":{"message_id":1,"date":0}}}`))
	f.Add([]byte(`{"update_id":-1,"my_chat_member":{"chat":{"id":-1e3,"type":"group"},"from":{"id":0},"date":-9,"old_chat_member":{"status":"restricted","is_member":true},"new_chat_member":{"status":"left"}}}`))
	c := &Conn{api: &tgbotapi.BotAPI{Self: tgbotapi.User{UserName: "lamtheo_test_bot"}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		var u tgbotapi.Update
		if err := json.Unmarshal(data, &u); err != nil {
			return
		}
		m, ok := c.translate(u)
		if !ok {
			return
		}
		if m.Key != strconv.Itoa(u.UpdateID) || m.Cursor != int64(u.UpdateID) {
			t.Fatalf("key %q, cursor %d for update %d", m.Key, m.Cursor, u.UpdateID)
		}
		if m.Chat.Platform != bot.Telegram || m.Chat.ID == "" {
			t.Fatalf("chat %+v", m.Chat)
		}
		if _, err := strconv.ParseInt(m.Chat.ID, 10, 64); err != nil {
			t.Fatalf("chat id %q: %v", m.Chat.ID, err)
		}
		if !m.From.IsZero() && m.From.Platform != bot.Telegram {
			t.Fatalf("from %+v", m.From)
		}
		switch m.Kind {
		case bot.KindText:
			if name := firstWord(m.Text); strings.HasPrefix(name, "/") && strings.Contains(name, "@") {
				t.Fatalf("command %q still addressed to a bot", m.Text)
			}
		case bot.KindCallback:
			if m.Ref == "" {
				t.Fatalf("button press without the message it was on: %+v", m)
			}
		case bot.KindPhoto:
			if m.PhotoID == "" {
				t.Fatalf("photo without a file id: %+v", m)
			}
		case bot.KindOther, bot.KindAdded, bot.KindRemoved:
		default:
			t.Fatalf("kind %d", m.Kind)
		}
		if !utf8.ValidString(m.Text) || !utf8.ValidString(m.FromName) || !utf8.ValidString(m.ChatTitle) {
			t.Fatalf("invalid UTF-8 in %+v", m)
		}
	})
}

// firstWord returns s up to its first space, tab or line break.
func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t\n"); i >= 0 {
		return s[:i]
	}
	return s
}
