package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

type update struct {
	id        int64
	kind      string
	body      map[string]any
	delivered bool // a getUpdates call returned it
}

// PushUpdate queues an update of the given kind ("message",
// "callback_query", "my_chat_member"...) with payload as its object, and
// returns its update_id.
func (f *Server) PushUpdate(kind string, payload map[string]any) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextUpdate
	f.nextUpdate++
	f.updates = append(f.updates, update{id: id, kind: kind, body: payload})
	if !f.holding {
		close(f.notify)
		f.notify = make(chan struct{})
	}
	return id
}

// Together runs push (calls of the Push methods) so that a waiting
// getUpdates sees all of its updates in one answer, as when they reach
// Telegram at the same moment; pushed one by one, a waiting long poll may
// return the first alone, and which happens depends on the scheduler.
func (f *Server) Together(push func()) {
	f.mu.Lock()
	f.holding = true
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.holding = false
		close(f.notify)
		f.notify = make(chan struct{})
	}()
	push()
}

// RenumberUpdates makes next the update_id of the next update pushed, the
// ids counting up from there, as Telegram does when a bot had no updates
// for a week: "the identifier of the next update will be chosen randomly
// instead of sequentially" (the Bot API server picks one between 2,000,001
// and 1,000,000,000). It panics if updates are queued or next is not
// positive: Telegram renumbers only an empty queue.
func (f *Server) RenumberUpdates(next int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.updates) > 0 || next <= 0 {
		panic(fmt.Sprintf("telegramtest: RenumberUpdates(%d) with %d updates queued", next, len(f.updates)))
	}
	f.nextUpdate = next
}

// PushMessage queues a message from from in chat with the given extra
// fields (e.g. "voice", "document", "new_chat_members") and returns its
// update_id.
func (f *Server) PushMessage(chat Chat, from User, fields map[string]any) int64 {
	f.mu.Lock()
	f.chats[chat.ID] = chat
	msg := f.messageLocked(chat, from, fields)
	f.mu.Unlock()
	return f.PushUpdate("message", msg)
}

// PushText queues a text message. A text starting with "/" carries a
// bot_command entity, as Telegram adds one, so "/summary@bot x" in a group
// chat is a command addressed to a bot.
func (f *Server) PushText(chat Chat, from User, text string) int64 {
	return f.PushMessage(chat, from, textFields(text))
}

// textFields returns the fields of a text message: the text, and the
// bot_command entity Telegram adds to a text starting with "/".
func textFields(text string) map[string]any {
	fields := map[string]any{"text": text}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		fields["entities"] = []any{map[string]any{"type": "bot_command", "offset": 0, "length": textLen(cmd)}}
	}
	return fields
}

// GroupAnonymousBot is the service account Telegram puts in "from" of a
// message an anonymous group administrator posts as the group.
var GroupAnonymousBot = User{ID: 1087968824, FirstName: "Group", Username: "GroupAnonymousBot", IsBot: true}

// PushAsChat queues a text posted in chat by an anonymous administrator:
// from is GroupAnonymousBot and sender_chat is chat itself, as Telegram
// sends it. A text starting with "/" carries a bot_command entity.
func (f *Server) PushAsChat(chat Chat, text string) int64 {
	fields := textFields(text)
	fields["sender_chat"] = chatJSON(chat)
	return f.PushMessage(chat, GroupAnonymousBot, fields)
}

// PushPhoto queues a photo with caption; fileID is the largest size's file
// id, two smaller sizes get derived ids.
func (f *Server) PushPhoto(chat Chat, from User, fileID, caption string) int64 {
	sizes := []any{
		map[string]any{"file_id": fileID + "-small", "file_unique_id": "us", "width": 90, "height": 67, "file_size": 1200},
		map[string]any{"file_id": fileID, "file_unique_id": "ul", "width": 1280, "height": 960, "file_size": 98000},
		map[string]any{"file_id": fileID + "-medium", "file_unique_id": "um", "width": 320, "height": 240, "file_size": 14000},
	}
	fields := map[string]any{"photo": sizes}
	if caption != "" {
		fields["caption"] = caption
	}
	return f.PushMessage(chat, from, fields)
}

// PushSticker queues a sticker.
func (f *Server) PushSticker(chat Chat, from User) int64 {
	return f.PushMessage(chat, from, map[string]any{"sticker": map[string]any{
		"file_id": "sticker-1", "file_unique_id": "st1", "width": 512, "height": 512, "is_animated": false, "emoji": "👍",
	}})
}

// PushCallback queues a press of a button with data on the bot's message
// messageID in chat, and returns the update_id and the callback query id.
func (f *Server) PushCallback(chat Chat, from User, messageID int64, data string) (updateID int64, callbackID string) {
	f.mu.Lock()
	f.chats[chat.ID] = chat
	f.nextCB++
	callbackID = "cb" + strconv.FormatInt(f.nextCB, 10)
	text := "…"
	if m, ok := f.messages[[2]int64{chat.ID, messageID}]; ok && m.Plain != "" {
		text = m.Plain
	}
	carrier := map[string]any{
		"message_id": messageID,
		"date":       time.Now().Unix(),
		"chat":       chatJSON(chat),
		"from":       userJSON(f.Bot),
		"text":       text,
	}
	f.mu.Unlock()
	id := f.PushUpdate("callback_query", map[string]any{
		"id":            callbackID,
		"from":          userJSON(from),
		"message":       carrier,
		"chat_instance": "ci" + strconv.FormatInt(chat.ID, 10),
		"data":          data,
	})
	return id, callbackID
}

// PushMyChatMember queues a change of the bot's own membership in chat,
// made by from (e.g. "left" -> "member" when added to a group, "member" ->
// "kicked" when removed).
func (f *Server) PushMyChatMember(chat Chat, from User, oldStatus, newStatus string) int64 {
	f.mu.Lock()
	f.chats[chat.ID] = chat
	botJSON := userJSON(f.Bot)
	f.mu.Unlock()
	return f.PushUpdate("my_chat_member", map[string]any{
		"chat":            chatJSON(chat),
		"from":            userJSON(from),
		"date":            time.Now().Unix(),
		"old_chat_member": map[string]any{"user": botJSON, "status": oldStatus},
		"new_chat_member": map[string]any{"user": botJSON, "status": newStatus},
	})
}

func (f *Server) messageLocked(chat Chat, from User, fields map[string]any) map[string]any {
	id := f.nextMsg
	f.nextMsg++
	msg := map[string]any{
		"message_id": id,
		"date":       time.Now().Unix(),
		"chat":       chatJSON(chat),
		"from":       userJSON(from),
	}
	for k, v := range fields {
		msg[k] = v
	}
	return msg
}

// Confirmed returns the update_id of the last update the bot confirmed (the
// highest of those the latest confirming getUpdates call forgot because of
// its offset), or 0.
func (f *Server) Confirmed() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.confirmed
}

// Lost returns the ids of the updates the bot confirmed, by the offset it
// asked for, without any getUpdates call having returned them: updates it
// can never receive. Telegram drops them silently; the fake tells.
func (f *Server) Lost() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.lost)
}

// DetectSpin makes the fake refuse, with a 500, every getUpdates call that
// comes when n calls were already made at the same instant (time.Now), and
// count it in Spins. Inside a testing/synctest bubble time stands still
// while goroutines run without blocking, so a poll loop that spins (polling
// again at once, forever) would otherwise hang the test; with DetectSpin it
// backs off, time moves on, and the test can report it. Zero turns it off.
func (f *Server) DetectSpin(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.spinLimit = n
}

// Spins returns how many getUpdates calls DetectSpin refused.
func (f *Server) Spins() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.spins
}

// Pending returns how many updates are queued and not yet confirmed.
func (f *Server) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.updates)
}

// AllowedUpdates returns the allowed_updates the bot last asked for.
func (f *Server) AllowedUpdates() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.allowed)
}

// WaitPolling blocks until a getUpdates call is waiting for updates (a long
// poll is parked) or ctx ends.
func (f *Server) WaitPolling(ctx context.Context) error {
	for {
		f.mu.Lock()
		if f.parked > 0 {
			f.mu.Unlock()
			return nil
		}
		ch := f.parkSignal
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (f *Server) parkLocked(delta int) {
	f.parked += delta
	close(f.parkSignal)
	f.parkSignal = make(chan struct{})
}

// spinningLocked counts a getUpdates call and reports whether DetectSpin
// refuses it.
func (f *Server) spinningLocked() bool {
	if f.spinLimit <= 0 {
		return false
	}
	if now := time.Now(); !now.Equal(f.spinAt) {
		f.spinAt, f.spinCalls = now, 0
	}
	f.spinCalls++
	if f.spinCalls <= f.spinLimit {
		return false
	}
	f.spins++
	return true
}

// The Bot API server's update queue (tdlib's TQueue) accepts an offset only
// within these bounds of its tail (the id the next update will get).
const (
	futureSlack = 10        // an offset up to tail+10 is accepted
	pastWindow  = 2_000_000 // an offset more than this below the tail is not
)

// getUpdates answers like the Bot API server (telegram-bot-api's
// Client::do_get_updates over its TQueue):
//   - offset 0 (or none) starts at the queue's head and confirms nothing;
//   - a negative offset counts from the tail and confirms the updates before
//     the last -offset;
//   - a positive offset within [tail-2,000,000, tail+10] confirms (forgets)
//     every update below it and starts there;
//   - any other positive offset is ignored: the call starts at the head and
//     confirms nothing. This is what happens after Telegram renumbered the
//     updates below an offset the bot kept: the new updates are returned,
//     whatever their ids, again and again until they are confirmed.
//
// A long poll waiting for updates applies its offset again when one is
// pushed, as the server does.
func (f *Server) getUpdates(w http.ResponseWriter, r *http.Request, form url.Values) {
	offset, _ := strconv.ParseInt(form.Get("offset"), 10, 64)
	limit, _ := strconv.Atoi(form.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(form.Get("timeout"))
	if timeout > 50 {
		timeout = 50 // Telegram caps the long poll near 50 s
	}
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		deadline = t.C
	}

	f.mu.Lock()
	if a := form.Get("allowed_updates"); a != "" && a != "null" { // tgbotapi sends null for none
		var list []string
		if err := json.Unmarshal([]byte(a), &list); err != nil {
			f.mu.Unlock()
			writeError(w, Fault{Code: 400, Description: "Bad Request: can't parse allowed updates"})
			return
		}
		f.allowed = list
	}
	for {
		if len(f.allowed) > 0 {
			f.updates = slices.DeleteFunc(f.updates, func(u update) bool { return !slices.Contains(f.allowed, u.kind) })
		}
		f.forgetLocked(f.fromLocked(offset))
		if len(f.updates) > 0 || deadline == nil {
			n := min(limit, len(f.updates))
			out := make([]map[string]any, 0, n)
			for i := range f.updates[:n] {
				u := &f.updates[i]
				u.delivered = true
				out = append(out, map[string]any{"update_id": u.id, u.kind: u.body})
			}
			f.mu.Unlock()
			writeResult(w, out)
			return
		}
		ch := f.notify
		f.parkLocked(1)
		f.mu.Unlock()
		var gone bool
		select {
		case <-ch:
		case <-deadline:
			deadline = nil
		case <-r.Context().Done():
			gone = true
		case <-f.done:
			gone = true
		}
		f.mu.Lock()
		f.parkLocked(-1)
		if gone {
			f.mu.Unlock()
			return
		}
	}
}

// fromLocked returns the update_id a getUpdates call with offset starts at:
// every queued update below it is confirmed.
func (f *Server) fromLocked(offset int64) int64 {
	tail := f.nextUpdate
	head := tail
	if len(f.updates) > 0 {
		head = f.updates[0].id
	}
	if offset <= 0 {
		if offset < 0 {
			offset += tail
		}
		return max(offset, head)
	}
	if offset > tail+futureSlack || offset < tail-pastWindow {
		return head // "in the future" or "in the past": ignored
	}
	return offset
}

// forgetLocked confirms the queued updates below from.
func (f *Server) forgetLocked(from int64) {
	i := 0
	for i < len(f.updates) && f.updates[i].id < from {
		if !f.updates[i].delivered {
			f.lost = append(f.lost, f.updates[i].id)
		}
		f.confirmed = f.updates[i].id
		i++
	}
	f.updates = slices.Delete(f.updates, 0, i)
}
