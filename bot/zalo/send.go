package zalo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"lamtheo/bot"
)

// quotaRetry is how long the Sender is told to wait after 429 "Quota
// exceeded"; Zalo gives no retry_after (one SDK uses a 30 s base).
const quotaRetry = 30 * time.Second

// Ack marks m as handled: a webhook delivery of m is answered 200 now, and
// redeliveries of m are dropped.
func (c *Conn) Ack(ctx context.Context, m bot.Message) error {
	c.gate.commit(m.Key)
	return nil
}

// Send delivers r as plain text and returns the Zalo message id of the last
// message it sent. The text reads: r.Title on its own line and a blank
// line, r.Text, r's choices numbered from 1 (in Reply.Flat order), one per
// line, r.Hint, then r.Link's Alt (or its Label). r.Photo, which must be an
// http(s) URL, is sent with sendPhoto and the text as its caption.
//
// The whole must fit MaxText UTF-16 units; when only the choices, hint and
// link make it too long, they follow in a second message (a failure of
// that second message makes the Sender send both again). A longer text, a
// photo that is not a URL, a File, an Edit, an empty reply or a chat of
// another platform are refused with a permanent *bot.SendError before
// anything is sent: Caps tells the flows not to ask for them.
//
// Zalo's refusals map onto *bot.SendError by the JSON body, whatever the
// HTTP status: 429 or "quota exceeded" gives RetryAfter 30 s; 400 is
// Permanent; 404 on sendMessage (no such chat) is Unreachable, on sendPhoto
// Permanent; 401, 403 and 408 are transient SendErrors. Other codes, bodies
// that are not the API's JSON and transport errors are plain (transient)
// errors. A send whose answer was lost may have been delivered: the Sender
// sends it again, so the person may read it twice.
func (c *Conn) Send(ctx context.Context, r bot.Reply) (string, error) {
	if r.Strip != "" {
		return "", nil // Zalo has no buttons to remove
	}
	if r.Chat.Platform != c.platform {
		return "", permanent("chat %s is not a chat of %s", r.Chat, c.platform)
	}
	chatID := strings.TrimPrefix(r.Chat.ID, GroupPrefix)
	if chatID == "" {
		return "", permanent("empty chat id")
	}
	switch {
	case r.Edit != "":
		return "", permanent("zalo cannot edit a sent message")
	case r.File != nil:
		// Zalo cannot upload (Caps.Upload is false): flows send a file's
		// expiring link to lamtheo's file endpoint instead, a picture's as
		// r.Photo, another file's in the text.
		return "", permanent("zalo cannot send documents")
	case r.Photo != "" && !isWebURL(r.Photo):
		return "", permanent("zalo sends photos by http(s) URL only")
	}
	texts, err := layout(r)
	if err != nil {
		return "", err
	}
	if r.Photo == "" && len(texts) == 0 {
		return "", permanent("empty text")
	}
	var ref string
	if r.Photo != "" {
		params := map[string]string{"chat_id": chatID, "photo": r.Photo}
		if len(texts) > 0 {
			params["caption"], texts = texts[0], texts[1:]
		}
		if ref, err = c.send(ctx, "sendPhoto", params); err != nil {
			return "", err
		}
	}
	for _, text := range texts {
		if ref, err = c.send(ctx, "sendMessage", map[string]string{"chat_id": chatID, "text": text}); err != nil {
			return "", err
		}
	}
	return ref, nil
}

// layout renders r's text: one text when it fits MaxText, two when the
// choices, hint and link fit only on their own, none when r has no text.
func layout(r bot.Reply) ([]string, error) {
	head, tail := render(r)
	full := join(head, tail, "\n")
	switch {
	case full == "":
		return nil, nil
	case bot.UTF16.Len(full) <= MaxText:
		return []string{full}, nil
	case head != "" && tail != "" && bot.UTF16.Len(head) <= MaxText && bot.UTF16.Len(tail) <= MaxText:
		return []string{head, tail}, nil
	}
	return nil, permanent("text of %d UTF-16 units exceeds %d", bot.UTF16.Len(full), MaxText)
}

// render returns the two blocks of r's text: the title and text (head), and
// the numbered choices, hint and link (tail). The adapter adds no words.
func render(r bot.Reply) (head, tail string) {
	head = join(r.Title, strings.TrimRight(r.Text, "\n"), "\n\n")
	var b strings.Builder
	for i, ch := range r.Flat() {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strconv.Itoa(i+1) + ". " + ch.Label)
	}
	tail = join(b.String(), r.Hint, "\n")
	if l := r.Link; l != nil {
		alt := l.Alt
		if alt == "" {
			alt = l.Label
		}
		tail = join(tail, alt, "\n")
	}
	return head, tail
}

// join joins the non-empty of a and b with sep.
func join(a, b, sep string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}

func isWebURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// send makes one send call and returns the new message's id.
func (c *Conn) send(ctx context.Context, method string, params map[string]string) (string, error) {
	timeout := c.requestTimeout
	if method == "sendPhoto" {
		timeout = max(timeout, photoTimeout)
	}
	res, err := c.call(ctx, method, params, timeout)
	if err != nil {
		return "", sendErr(method, err)
	}
	var sent struct {
		MessageID flexString `json:"message_id"`
	}
	_ = json.Unmarshal(res, &sent) // a success without an id is still a success
	return sent.MessageID.String(), nil
}

// sendErr maps the error of a send call onto the bot.SendError contract
// (see Send). Its texts hold no token: call redacted them.
func sendErr(method string, err error) error {
	var ae *apiError
	if !errors.As(err, &ae) {
		return err
	}
	msg := ae.Description
	if msg == "" {
		msg = fmt.Sprintf("error %d", ae.Code)
	}
	se := &bot.SendError{Code: ae.Code, Message: msg}
	switch {
	case ae.Code == http.StatusTooManyRequests || isQuota(ae.Description):
		se.Code, se.RetryAfter = http.StatusTooManyRequests, quotaRetry
	case ae.Code == http.StatusBadRequest:
		se.Permanent = true
	case ae.Code == http.StatusNotFound && method == "sendMessage":
		se.Unreachable = true
	case ae.Code == http.StatusNotFound:
		se.Permanent = true
	case ae.Code == http.StatusUnauthorized, ae.Code == http.StatusForbidden, ae.Code == http.StatusRequestTimeout:
		// transient: the Sender retries with backoff
	default:
		return err
	}
	return fmt.Errorf("zalo %s: %w", method, se)
}

// permanent returns a SendError for a reply that can never be sent.
func permanent(format string, args ...any) error {
	return &bot.SendError{Permanent: true, Message: fmt.Sprintf(format, args...)}
}
