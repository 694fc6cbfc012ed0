package zalo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"lamtheo/bot"
)

// Zalo's event names.
const (
	eventText        = "message.text.received"
	eventImage       = "message.image.received"
	eventSticker     = "message.sticker.received"
	eventVoice       = "message.voice.received"
	eventUnsupported = "message.unsupported.received"
)

// translator is what translating an update needs to know about the bot.
type translator struct {
	platform bot.Platform
	title    string // the bot's name as mentions show it
	botID    string // getMe's id; empty when unknown
}

// incoming is one translated update.
type incoming struct {
	msg bot.Message
	// self: the bot's own message echoed back (from.id is the bot's, or
	// from.is_bot): never handed up.
	self bool
}

// errNotJSON is returned by translate for a body that is not JSON.
var errNotJSON = errors.New("body is not JSON")

// translate turns a webhook body or a getUpdates result into messages. It
// accepts Zalo's enveloped shape {ok, result} (result an update, an array of
// them, or null), the bare update {event_name, message} and an array of
// updates, and decodes tolerantly: unknown fields are ignored, a field of
// the wrong type reads as empty. An update without event_name (Zalo's
// verification ping) or without a chat to answer gives no message.
//
// Each message is translated so: message.text.received gives KindText;
// message.image.received KindPhoto with PhotoID from photo_url (or photo)
// and Text the caption (or text, when it has no caption); stickers, voice, unsupported content and unknown
// events KindOther. Key is message_id, or a hash of the update when it has
// none. Time is date in milliseconds (seconds when below 1e12), else now.
// FromName is display_name, else name, else first_name. A chat whose
// chat_type is "GROUP" (in any case) gets GroupPrefix before its id and has
// the bot's mention stripped from its text (bot.StripMention); a private
// text that starts with the bot's mention loses it too. Other texts pass
// through untouched, whatever their length. translate never panics.
func (t translator) translate(body []byte, now time.Time) ([]incoming, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, nil
	}
	if !json.Valid(body) {
		return nil, errNotJSON
	}
	var out []incoming
	for _, raw := range updates(body) {
		if in, ok := t.update(raw, now); ok {
			out = append(out, in)
		}
	}
	return out, nil
}

// updates returns the raw updates a valid JSON body holds.
func updates(body []byte) []json.RawMessage {
	switch body[0] {
	case '[':
		var list []json.RawMessage
		if json.Unmarshal(body, &list) != nil {
			return nil
		}
		var out []json.RawMessage
		for _, u := range list {
			if u = bytes.TrimSpace(u); len(u) > 0 && u[0] == '{' {
				out = append(out, u)
			}
		}
		return out
	case '{':
		var top struct {
			OK     json.RawMessage `json:"ok"`
			Result json.RawMessage `json:"result"`
		}
		if json.Unmarshal(body, &top) != nil {
			return nil
		}
		if top.OK != nil { // the envelope
			if r := bytes.TrimSpace(top.Result); len(r) > 0 && (r[0] == '{' || r[0] == '[') {
				return updates(r)
			}
			return nil
		}
		return []json.RawMessage{body}
	}
	return nil
}

// rawUpdate is one event as Zalo sends it.
type rawUpdate struct {
	EventName flexString `json:"event_name"`
	Message   rawMessage `json:"message"`
}

type rawMessage struct {
	Present   bool       `json:"-"`
	MessageID flexString `json:"message_id"`
	Date      flexInt    `json:"date"`
	Text      flexString `json:"text"`
	Photo     flexString `json:"photo"`
	PhotoURL  flexString `json:"photo_url"`
	Caption   flexString `json:"caption"`
	From      rawSender  `json:"from"`
	Chat      rawChat    `json:"chat"`
}

type rawSender struct {
	ID          flexString `json:"id"`
	DisplayName flexString `json:"display_name"`
	Name        flexString `json:"name"`
	FirstName   flexString `json:"first_name"`
	LastName    flexString `json:"last_name"`
	IsBot       flexBool   `json:"is_bot"`
}

type rawChat struct {
	ID       flexString `json:"id"`
	ChatType flexString `json:"chat_type"`
}

// The nested objects read as empty when they are not objects.

func (m *rawMessage) UnmarshalJSON(data []byte) error {
	type plain rawMessage
	if !isObject(data) {
		return nil
	}
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return nil
	}
	*m = rawMessage(p)
	m.Present = true
	return nil
}

func (s *rawSender) UnmarshalJSON(data []byte) error {
	type plain rawSender
	var p plain
	if isObject(data) && json.Unmarshal(data, &p) == nil {
		*s = rawSender(p)
	}
	return nil
}

func (c *rawChat) UnmarshalJSON(data []byte) error {
	type plain rawChat
	var p plain
	if isObject(data) && json.Unmarshal(data, &p) == nil {
		*c = rawChat(p)
	}
	return nil
}

func isObject(data []byte) bool {
	data = bytes.TrimSpace(data)
	return len(data) > 0 && data[0] == '{'
}

// update translates one raw update; ok is false for updates that carry no
// message to handle.
func (t translator) update(raw json.RawMessage, now time.Time) (in incoming, ok bool) {
	var u rawUpdate
	if json.Unmarshal(raw, &u) != nil {
		return in, false
	}
	event := strings.ToLower(strings.TrimSpace(u.EventName.String()))
	if event == "" || !u.Message.Present {
		return in, false // a verification ping, or an event about no message
	}
	msg := u.Message
	group := strings.EqualFold(strings.TrimSpace(msg.Chat.ChatType.String()), "GROUP")
	from := msg.From.ID.String()
	chat := msg.Chat.ID.String()
	if chat == "" && !group {
		chat = from // a private chat has the id of the person
	}
	if chat == "" || !group && strings.HasPrefix(chat, GroupPrefix) {
		return in, false // nowhere to answer, or an id we could not tell from a group's
	}
	if from == "" && !group {
		from = chat
	}
	m := &in.msg
	m.Key = msg.MessageID.String()
	if m.Key == "" {
		sum := sha256.Sum256(raw)
		m.Key = "h:" + hex.EncodeToString(sum[:10])
	}
	m.Chat = bot.ChatID{Platform: t.platform, ID: chat}
	if group {
		m.Chat.ID = GroupPrefix + chat
		m.Group = true
	}
	if from != "" {
		m.From = bot.UserID{Platform: t.platform, ID: from}
	}
	m.FromName = msg.From.name()
	m.Time = msgTime(int64(msg.Date), now)
	switch event {
	case eventText:
		m.Kind, m.Text = bot.KindText, t.unmention(msg.Text.String(), group)
	case eventImage:
		photo := msg.PhotoURL.String()
		if photo == "" {
			photo = msg.Photo.String()
		}
		caption := msg.Caption.String()
		if caption == "" {
			caption = msg.Text.String() // a caption sent as text: read it all the same
		}
		m.Kind, m.Text = bot.KindPhoto, t.unmention(caption, group)
		if m.PhotoID = photo; photo == "" {
			m.Kind, m.Text = bot.KindOther, ""
		}
	default: // stickers, voice, unsupported content, events yet unknown
		m.Kind = bot.KindOther
	}
	in.self = msg.From.IsBot.v || t.botID != "" && from == t.botID
	return in, true
}

// unmention strips the bot's mention from a group text, and from a private
// text that starts with it; other texts are returned untouched.
func (t translator) unmention(text string, group bool) string {
	if group || mentions(text, t.title) {
		rest, _ := bot.StripMention(text, t.title)
		return rest
	}
	return text
}

// mentions reports whether text starts with "@" and the bot's name, as a
// whole word.
func mentions(text, title string) bool {
	title = strings.TrimPrefix(strings.TrimSpace(title), "@")
	text = strings.TrimSpace(text)
	n := len("@" + title)
	if title == "" || len(text) < n || !strings.EqualFold(text[:n], "@"+title) {
		return false
	}
	for _, r := range text[n:] {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}
	return true
}

// name returns the sender's display name.
func (s rawSender) name() string {
	for _, n := range []flexString{s.DisplayName, s.Name} {
		if v := strings.TrimSpace(n.String()); v != "" {
			return v
		}
	}
	return strings.TrimSpace(s.FirstName.String() + " " + s.LastName.String())
}

// msgTime reads Zalo's date: milliseconds since the epoch, or seconds when
// below 1e12; zero or negative means unknown (now).
func msgTime(date int64, now time.Time) time.Time {
	switch {
	case date <= 0:
		return now
	case date < 1e12:
		return time.Unix(date, 0)
	}
	return time.UnixMilli(date)
}

// flexString reads a JSON string, or the text of a number; anything else
// reads as empty. It never fails.
type flexString string

func (s *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	*s = ""
	if len(data) == 0 {
		return nil
	}
	switch c := data[0]; {
	case c == '"':
		var v string
		if json.Unmarshal(data, &v) == nil {
			*s = flexString(v)
		}
	case c == '-' || c >= '0' && c <= '9':
		*s = flexString(data)
	}
	return nil
}

func (s flexString) String() string { return string(s) }

// flexInt reads a JSON number or a string holding one; anything else, or a
// number out of int64's range, reads as 0. It never fails.
type flexInt int64

func (n *flexInt) UnmarshalJSON(data []byte) error {
	*n = 0
	var s flexString
	_ = s.UnmarshalJSON(data)
	text := strings.TrimSpace(string(s))
	if text == "" {
		return nil
	}
	if v, err := strconv.ParseInt(text, 10, 64); err == nil {
		*n = flexInt(v)
		return nil
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil && !math.IsNaN(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		*n = flexInt(int64(f))
	}
	return nil
}

// flexBool reads true, or the string "true"; anything else is false. It
// never fails.
type flexBool struct{ v bool }

func (b *flexBool) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	b.v = string(data) == "true" || strings.EqualFold(string(data), `"true"`)
	return nil
}
