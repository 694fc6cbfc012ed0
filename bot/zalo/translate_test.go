package zalo

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"lamtheo/bot"
)

const (
	title = "Bot Xã Demo"
	botID = "1459232241454765289"
)

var (
	tr  = translator{platform: "zalo.xa1", title: title, botID: botID}
	now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
)

func chatID(id string) bot.ChatID { return bot.ChatID{Platform: "zalo.xa1", ID: id} }
func userID(id string) bot.UserID { return bot.UserID{Platform: "zalo.xa1", ID: id} }

// body builds an update: event and message fields in the bare shape.
func body(event string, msg map[string]any) string {
	data, _ := json.Marshal(map[string]any{"event_name": event, "message": msg})
	return string(data)
}

// msg builds a message from Lan in her private chat, with extra fields.
func msg(extra map[string]any) map[string]any {
	m := map[string]any{
		"message_id": "2d758cb5e222177a4e35",
		"date":       int64(1750316131602),
		"from":       map[string]any{"id": "6ede9afa66b88fe6d6a9", "display_name": "Lan", "is_bot": false},
		"chat":       map[string]any{"id": "6ede9afa66b88fe6d6a9", "chat_type": "PRIVATE"},
	}
	for k, v := range extra {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

var group = map[string]any{"id": "f00dbabe1234567890ab", "chat_type": "GROUP"}

func TestTranslate(t *testing.T) {
	sent := time.UnixMilli(1750316131602)
	lan := bot.Message{
		Key: "2d758cb5e222177a4e35", Chat: chatID("6ede9afa66b88fe6d6a9"), From: userID("6ede9afa66b88fe6d6a9"),
		FromName: "Lan", Time: sent,
	}
	with := func(m bot.Message, edit func(*bot.Message)) *bot.Message {
		edit(&m)
		return &m
	}
	inGroup := func(m *bot.Message) { m.Chat, m.Group = chatID("g:f00dbabe1234567890ab"), true }
	long := strings.Repeat("Làm theo gương Bác 😀. ", 250) // 5,500 runes: the engine limits it, not the adapter

	tests := []struct {
		name string
		body string
		want *bot.Message // nil: no message
		self bool
	}{
		{"the documented enveloped text",
			`{"ok":true,"result":{"event_name":"message.text.received","message":{"message_id":"2d758cb5e222177a4e35","date":1750316131602,"text":"/dangky 12 việc tốt","from":{"id":"6ede9afa66b88fe6d6a9","display_name":"Lan","is_bot":false},"chat":{"id":"6ede9afa66b88fe6d6a9","chat_type":"PRIVATE"}}}}`,
			with(lan, func(m *bot.Message) { m.Kind, m.Text = bot.KindText, "/dangky 12 việc tốt" }), false},
		{"bare text", body(eventText, msg(map[string]any{"text": "xin chào"})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text = bot.KindText, "xin chào" }), false},
		{"image with photo_url and caption", body(eventImage, msg(map[string]any{"photo_url": "https://p.zdn.vn/a.jpg", "caption": "Trồng cây", "message_type": "CHAT_PHOTO"})),
			with(lan, func(m *bot.Message) {
				m.Kind, m.PhotoID, m.Text = bot.KindPhoto, "https://p.zdn.vn/a.jpg", "Trồng cây"
			}), false},
		{"image with its caption as text", body(eventImage, msg(map[string]any{"photo_url": "https://p.zdn.vn/c.jpg", "text": "/baocao khác: trồng cây"})),
			with(lan, func(m *bot.Message) {
				m.Kind, m.PhotoID, m.Text = bot.KindPhoto, "https://p.zdn.vn/c.jpg", "/baocao khác: trồng cây"
			}), false},
		{"image with photo (the docs' name)", body(eventImage, msg(map[string]any{"photo": "https://p.zdn.vn/b.jpg"})),
			with(lan, func(m *bot.Message) { m.Kind, m.PhotoID = bot.KindPhoto, "https://p.zdn.vn/b.jpg" }), false},
		{"photo_url wins over photo", body(eventImage, msg(map[string]any{"photo": "https://old", "photo_url": "https://new"})),
			with(lan, func(m *bot.Message) { m.Kind, m.PhotoID = bot.KindPhoto, "https://new" }), false},
		{"image without a URL", body(eventImage, msg(map[string]any{"caption": "?"})),
			with(lan, func(m *bot.Message) { m.Kind = bot.KindOther }), false},
		{"sticker", body(eventSticker, msg(map[string]any{"sticker": "0e078a2fb66a5f34067b", "url": "https://s"})),
			with(lan, func(m *bot.Message) { m.Kind = bot.KindOther }), false},
		{"voice", body(eventVoice, msg(map[string]any{"voice_url": "https://v.aac"})),
			with(lan, func(m *bot.Message) { m.Kind = bot.KindOther }), false},
		{"unsupported", body(eventUnsupported, msg(nil)),
			with(lan, func(m *bot.Message) { m.Kind = bot.KindOther }), false},
		{"unknown event", body("message.link.received", msg(map[string]any{"text": "https://x"})),
			with(lan, func(m *bot.Message) { m.Kind = bot.KindOther }), false},
		{"event name in capitals", body("MESSAGE.TEXT.RECEIVED", msg(map[string]any{"text": "a"})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text = bot.KindText, "a" }), false},
		{"group with the mention stripped", body(eventText, msg(map[string]any{"text": "@Bot Xã Demo /summary 11", "chat": group})),
			with(lan, func(m *bot.Message) { inGroup(m); m.Kind, m.Text = bot.KindText, "/summary 11" }), false},
		{`"group" in lower case`, body(eventText, msg(map[string]any{"text": "@bot xã demo /summary", "chat": map[string]any{"id": "f00dbabe1234567890ab", "chat_type": "group"}})),
			with(lan, func(m *bot.Message) { inGroup(m); m.Kind, m.Text = bot.KindText, "/summary" }), false},
		{"group mention under another name", body(eventText, msg(map[string]any{"text": "@Bot Chi Bộ 3 /summary", "chat": group})),
			with(lan, func(m *bot.Message) { inGroup(m); m.Kind, m.Text = bot.KindText, "/summary" }), false},
		{"group photo caption with a mention", body(eventImage, msg(map[string]any{"photo_url": "https://p", "caption": "@Bot Xã Demo ảnh", "chat": group})),
			with(lan, func(m *bot.Message) { inGroup(m); m.Kind, m.PhotoID, m.Text = bot.KindPhoto, "https://p", "ảnh" }), false},
		{"private text starting with the mention", body(eventText, msg(map[string]any{"text": "@Bot Xã Demo, /baocao"})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text = bot.KindText, "/baocao" }), false},
		{"private text mentioning someone else is untouched", body(eventText, msg(map[string]any{"text": "@Lan  cảm ơn "})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text = bot.KindText, "@Lan  cảm ơn " }), false},
		{"date in seconds", body(eventText, msg(map[string]any{"text": "a", "date": 1750316131})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text, m.Time = bot.KindText, "a", time.Unix(1750316131, 0) }), false},
		{"date as a string", body(eventText, msg(map[string]any{"text": "a", "date": "1750316131602"})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text = bot.KindText, "a" }), false},
		{"no date", body(eventText, msg(map[string]any{"text": "a", "date": nil})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text, m.Time = bot.KindText, "a", now }), false},
		{"name from name", body(eventText, msg(map[string]any{"text": "a", "from": map[string]any{"id": "6ede9afa66b88fe6d6a9", "name": "Bình"}})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text, m.FromName = bot.KindText, "a", "Bình" }), false},
		{"name from first_name", body(eventText, msg(map[string]any{"text": "a", "from": map[string]any{"id": "6ede9afa66b88fe6d6a9", "first_name": "Cúc", "last_name": "Trần"}})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text, m.FromName = bot.KindText, "a", "Cúc Trần" }), false},
		{"display_name wins", body(eventText, msg(map[string]any{"text": "a", "from": map[string]any{"id": "6ede9afa66b88fe6d6a9", "display_name": " Dũng ", "name": "x", "first_name": "y"}})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text, m.FromName = bot.KindText, "a", "Dũng" }), false},
		{"emoji-only name", body(eventText, msg(map[string]any{"text": "a", "from": map[string]any{"id": "6ede9afa66b88fe6d6a9", "display_name": "🌸🇻🇳"}})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text, m.FromName = bot.KindText, "a", "🌸🇻🇳" }), false},
		{"5,000-character text untouched", body(eventText, msg(map[string]any{"text": long})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text = bot.KindText, long }), false},
		{"numeric ids", body(eventText, msg(map[string]any{"text": "a", "message_id": 123, "from": map[string]any{"id": 77}, "chat": map[string]any{"id": 77}})),
			&bot.Message{Key: "123", Chat: chatID("77"), From: userID("77"), Kind: bot.KindText, Text: "a", Time: sent}, false},
		{"private chat without chat.id answers the sender", body(eventText, msg(map[string]any{"text": "a", "chat": map[string]any{"chat_type": "PRIVATE"}})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text = bot.KindText, "a" }), false},
		{"own message by id", body(eventText, msg(map[string]any{"text": "Đã ghi nhận", "from": map[string]any{"id": botID, "is_bot": false}})),
			with(lan, func(m *bot.Message) {
				m.Kind, m.Text, m.From, m.FromName = bot.KindText, "Đã ghi nhận", userID(botID), ""
			}), true},
		{"own message by is_bot", body(eventText, msg(map[string]any{"text": "x", "from": map[string]any{"id": "aaa", "is_bot": true}})),
			with(lan, func(m *bot.Message) { m.Kind, m.Text, m.From, m.FromName = bot.KindText, "x", userID("aaa"), "" }), true},
		{"ping without event_name", `{"message":"ping"}`, nil, false},
		{"empty body", ``, nil, false},
		{"empty object", `{}`, nil, false},
		{"envelope with a null result", `{"ok":true,"result":null}`, nil, false},
		{"error envelope", `{"ok":false,"description":"Request timeout","error_code":408}`, nil, false},
		{"event without a message", `{"event_name":"user.follow"}`, nil, false},
		{"group without a chat id", body(eventText, msg(map[string]any{"text": "a", "chat": map[string]any{"chat_type": "GROUP"}})), nil, false},
		{"private id that looks like a group's", body(eventText, msg(map[string]any{"text": "a", "chat": map[string]any{"id": "g:x"}})), nil, false},
		{"message of the wrong type", `{"event_name":"message.text.received","message":[1,2]}`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tr.translate([]byte(tt.body), now)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if len(got) != 0 {
					t.Fatalf("got %+v, want nothing", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d messages, want 1", len(got))
			}
			if got[0].msg != *tt.want || got[0].self != tt.self {
				t.Errorf("\n got %+v self %v\nwant %+v self %v", got[0].msg, got[0].self, *tt.want, tt.self)
			}
		})
	}
}

func TestTranslateKeyFallback(t *testing.T) {
	b := body(eventText, msg(map[string]any{"text": "a", "message_id": nil}))
	a1, _ := tr.translate([]byte(b), now)
	a2, _ := tr.translate([]byte(b), now)
	other, _ := tr.translate([]byte(body(eventText, msg(map[string]any{"text": "b", "message_id": nil}))), now)
	if len(a1) != 1 || !strings.HasPrefix(a1[0].msg.Key, "h:") || a1[0].msg.Key != a2[0].msg.Key || a1[0].msg.Key == other[0].msg.Key {
		t.Errorf("keys %+v %+v %+v", a1, a2, other)
	}
}

// A getUpdates result may be an array; each element is an update.
func TestTranslateArray(t *testing.T) {
	b := "[" + body(eventText, msg(map[string]any{"text": "1", "message_id": "a"})) + `,7,null,` +
		body(eventText, msg(map[string]any{"text": "2", "message_id": "b"})) + "]"
	got, err := tr.translate([]byte(b), now)
	if err != nil || len(got) != 2 || got[0].msg.Text != "1" || got[1].msg.Key != "b" {
		t.Errorf("got %+v, %v", got, err)
	}
	if _, err := tr.translate([]byte("<html>502</html>"), now); err == nil {
		t.Error("HTML accepted")
	}
}

// FuzzTranslate: no body makes translate panic, and every message it gives
// has a key, a chat of the translator's platform, and a group id exactly
// when it says Group.
func FuzzTranslate(f *testing.F) {
	f.Add([]byte(body(eventText, msg(map[string]any{"text": "@Bot Xã Demo /summary", "chat": group}))))
	f.Add([]byte(`{"ok":true,"result":{"event_name":"message.image.received","message":{"photo_url":"https://p","date":"1e3"}}}`))
	f.Add([]byte(`[{"event_name":"x","message":{"chat":{"id":1e400}}}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := tr.translate(data, now)
		if err != nil {
			return
		}
		for _, in := range got {
			m := in.msg
			if m.Key == "" || m.Chat.Platform != tr.platform || m.Chat.ID == "" {
				t.Fatalf("bad message %+v from %q", m, data)
			}
			if m.Group != strings.HasPrefix(m.Chat.ID, GroupPrefix) {
				t.Fatalf("Group %v for chat %q", m.Group, m.Chat.ID)
			}
			if m.Kind == bot.KindPhoto && m.PhotoID == "" {
				t.Fatalf("photo without URL from %q", data)
			}
			if utf8.ValidString(string(data)) && !utf8.ValidString(m.Text) {
				t.Fatalf("invalid UTF-8 text %q from valid input", m.Text)
			}
		}
	})
}
