package zalotest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// SecretHeader is the header in which Zalo sends the webhook secret.
const SecretHeader = "X-Bot-Api-Secret-Token"

// Zalo's event names.
const (
	EventText        = "message.text.received"
	EventImage       = "message.image.received"
	EventSticker     = "message.sticker.received"
	EventVoice       = "message.voice.received"
	EventUnsupported = "message.unsupported.received"
)

// User is a Zalo user as the fake puts it into updates.
type User struct {
	ID   string // 20 hex characters in real payloads
	Name string // display_name
}

// Chat is a chat as the fake puts it into updates. A private chat has the
// id of its person.
type Chat struct {
	ID    string
	Group bool
}

// Private returns the private chat with u.
func Private(u User) Chat { return Chat{ID: u.ID} }

// Group returns the group chat with id.
func Group(id string) Chat { return Chat{ID: id, Group: true} }

// Update is one update as Zalo delivers it: an event name and the message
// object. Build one with the Server's Text, Photo, Sticker, Unsupported or
// Message, or by hand.
type Update struct {
	Event   string
	Message map[string]any
}

// ID returns the update's message_id.
func (u Update) ID() string {
	id, _ := u.Message["message_id"].(string)
	return id
}

func (u Update) object() map[string]any {
	return map[string]any{"event_name": u.Event, "message": u.Message}
}

// Bare returns the update as Zalo's webhook posts it in captures:
// {"event_name":…,"message":…}.
func (u Update) Bare() []byte {
	data, _ := json.Marshal(u.object())
	return data
}

// Enveloped returns the update in the documented envelope, as getUpdates
// answers it: {"ok":true,"result":{"event_name":…,"message":…}}.
func (u Update) Enveloped() []byte {
	data, _ := json.Marshal(map[string]any{"ok": true, "result": u.object()})
	return data
}

// Message builds an update of event from from in chat with a fresh
// message_id, the date of now in milliseconds and fields added to the
// message object.
func (s *Server) Message(chat Chat, from User, event string, fields map[string]any) Update {
	s.mu.Lock()
	id := s.newIDLocked()
	s.mu.Unlock()
	chatType := "PRIVATE"
	if chat.Group {
		chatType = "GROUP"
	}
	msg := map[string]any{
		"message_id": id,
		"date":       time.Now().UnixMilli(),
		"from":       map[string]any{"id": from.ID, "display_name": from.Name, "is_bot": false},
		"chat":       map[string]any{"id": chat.ID, "chat_type": chatType},
	}
	maps.Copy(msg, fields)
	return Update{Event: event, Message: msg}
}

// Text builds a text message. In a group it starts with "@" and the bot's
// name unless it starts with "@" already: Zalo delivers a group message to
// the bot only when it mentions the bot (or replies to it).
func (s *Server) Text(chat Chat, from User, text string) Update {
	if chat.Group && !strings.HasPrefix(text, "@") {
		text = "@" + s.Bot.Name() + " " + text
	}
	return s.Message(chat, from, EventText, map[string]any{"text": text})
}

// Photo builds a photo message with its public URL in photo_url, as real
// payloads carry it.
func (s *Server) Photo(chat Chat, from User, url, caption string) Update {
	fields := map[string]any{"photo_url": url, "message_type": "CHAT_PHOTO"}
	if caption != "" {
		fields["caption"] = caption
	}
	return s.Message(chat, from, EventImage, fields)
}

// Sticker builds a sticker message.
func (s *Server) Sticker(chat Chat, from User) Update {
	return s.Message(chat, from, EventSticker, map[string]any{
		"sticker": "0e078a2fb66a5f34067b", "url": "https://zalo-api.zadn.vn/sticker/0e078a2fb66a5f34067b.png",
		"message_type": "CHAT_STICKER",
	})
}

// Unsupported builds what Zalo sends for a file, a contact, a location, a
// quote or a reaction: the event and no content.
func (s *Server) Unsupported(chat Chat, from User) Update {
	return s.Message(chat, from, EventUnsupported, nil)
}

// Push queues u for getUpdates (twice WithRedelivery) and returns its
// message_id.
func (s *Server) Push(u Update) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := u.Message["chat"].(map[string]any); ok && c["chat_type"] == "GROUP" {
		if id, ok := c["id"].(string); ok {
			s.groups[id] = true
		}
	}
	s.pushed[u.ID()] = u
	s.enqueueLocked(u)
	if s.twice {
		s.enqueueLocked(u)
	}
	return u.ID()
}

// PushText queues a text message (see Text) and returns its message_id.
func (s *Server) PushText(chat Chat, from User, text string) string {
	return s.Push(s.Text(chat, from, text))
}

// PushPhoto queues a photo message (see Photo) and returns its message_id.
func (s *Server) PushPhoto(chat Chat, from User, url, caption string) string {
	return s.Push(s.Photo(chat, from, url, caption))
}

// PushSticker queues a sticker and returns its message_id.
func (s *Server) PushSticker(chat Chat, from User) string {
	return s.Push(s.Sticker(chat, from))
}

// PushUnsupported queues an unsupported content and returns its
// message_id.
func (s *Server) PushUnsupported(chat Chat, from User) string {
	return s.Push(s.Unsupported(chat, from))
}

// Redeliver queues the pushed update with message_id id once more, and
// reports whether there was one.
func (s *Server) Redeliver(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.pushed[id]
	if ok {
		s.enqueueLocked(u)
	}
	return ok
}

// Pending returns how many updates wait for getUpdates.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

func (s *Server) enqueueLocked(u Update) {
	s.queue = append(s.queue, u)
	close(s.notify)
	s.notify = make(chan struct{})
}

// newIDLocked returns a fresh message id of 20 hex characters.
func (s *Server) newIDLocked() string {
	s.nextMsg++
	return fmt.Sprintf("%020x", s.nextMsg)
}

// echoLocked returns the update that echoes the bot's own sent message.
func (s *Server) echoLocked(sent Sent) Update {
	chatType := "PRIVATE"
	if s.groups[sent.ChatID] {
		chatType = "GROUP"
	}
	msg := map[string]any{
		"message_id": sent.MessageID,
		"date":       sent.Time.UnixMilli(),
		"from":       map[string]any{"id": s.Bot.ID, "display_name": s.Bot.Name(), "is_bot": true},
		"chat":       map[string]any{"id": sent.ChatID, "chat_type": chatType},
	}
	if sent.Method == "sendPhoto" {
		msg["photo_url"] = sent.Photo
		if sent.Text != "" {
			msg["caption"] = sent.Text
		}
		return Update{Event: EventImage, Message: msg}
	}
	msg["text"] = sent.Text
	return Update{Event: EventText, Message: msg}
}

// DeliverWebhook posts u to h in process the way Zalo calls a webhook: a
// bare JSON body (as in captures), Content-Type application/json, a Java
// User-Agent and the secret the bot registered with setWebhook in
// X-Bot-Api-Secret-Token. It returns h's answer once h returns.
func (s *Server) DeliverWebhook(ctx context.Context, h http.Handler, u Update) *http.Response {
	_, secret := s.Webhook()
	return PostWebhook(ctx, h, secret, u.Bare())
}

// DeliverWebhookURL posts u like DeliverWebhook, over HTTP to url.
func (s *Server) DeliverWebhookURL(ctx context.Context, url string, u Update) (*http.Response, error) {
	_, secret := s.Webhook()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(u.Bare()))
	if err != nil {
		return nil, err
	}
	webhookHeaders(req, secret)
	return http.DefaultClient.Do(req)
}

// PostWebhook posts body to h in process with secret in the
// X-Bot-Api-Secret-Token header (none when empty), like Zalo's webhook
// client, and returns h's answer once h returns.
func PostWebhook(ctx context.Context, h http.Handler, secret string, body []byte) *http.Response {
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "https://lamtheo.example/zalo", bytes.NewReader(body))
	webhookHeaders(req, secret)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func webhookHeaders(req *http.Request, secret string) {
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Java/17.0.8")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
}
