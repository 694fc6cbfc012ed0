package telegram

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lamtheo/bot"
)

// Ack answers the button press m carries, so the person's client stops its
// spinner, with m.Toast as the short notification Telegram shows over the
// chat (none when empty; cut to Telegram's 200 characters). It does nothing
// for other messages.
func (c *Conn) Ack(ctx context.Context, m bot.Message) error {
	if m.CallbackID == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.requestTimeout)
	defer cancel()
	// answerCallbackQuery returns true, not a Message: Request, not Send.
	if _, err := c.bot(ctx).Request(tgbotapi.NewCallback(m.CallbackID, cut(m.Toast, MaxToast))); err != nil {
		return c.sendErr("answerCallbackQuery", err)
	}
	return nil
}

// cut returns s if it has at most n UTF-16 code units, else its longest
// prefix that fits n-1 of them followed by "…".
func cut(s string, n int) string {
	if utf16Len(s) <= n {
		return s
	}
	used := 0
	for i, r := range s {
		if used+utf16.RuneLen(r) > n-1 {
			return s[:i] + "…"
		}
		used += utf16.RuneLen(r)
	}
	return s
}

// Send delivers r and returns the Telegram message id of the message that
// carries its text and buttons. The text is sent as HTML with r.Title in
// bold and everything escaped; r.Choices become inline keyboard rows and
// r.Link a deep-link button; r.Edit edits that message instead; r.Strip
// removes the buttons of that message and sends nothing (see strip);
// r.Photo (file id or URL) and r.File (uploaded: with File.Photo as a
// photo, sendPhoto, else as a document) are sent with the text as caption
// when it fits in 1024 characters, else followed by a text message; a file
// over Telegram's upload limits (MaxUpload, MaxPhotoUpload) is refused
// without a call, Permanent, as Telegram's 413 is. Errors are
// *bot.SendError (wrapped) where Telegram said why; others are transient.
func (c *Conn) Send(ctx context.Context, r bot.Reply) (string, error) {
	if r.Chat.Platform != bot.Telegram {
		return "", permanent("chat %s is not a Telegram chat", r.Chat)
	}
	chatID, err := strconv.ParseInt(r.Chat.ID, 10, 64)
	if err != nil {
		return "", permanent("bad chat id %q", r.Chat.ID)
	}
	if r.Strip != "" {
		return c.strip(ctx, chatID, r)
	}
	body, length := render(r.Title, r.Text)
	if length > MaxText {
		return "", permanent("text of %d characters exceeds %d", length, MaxText)
	}
	if f := r.File; f != nil && !c.Caps().UploadFits(len(f.Data), f.Photo) {
		// Telegram would answer 413 after the whole upload, every time.
		return "", &bot.SendError{Code: http.StatusRequestEntityTooLarge, Permanent: true,
			Message: fmt.Sprintf("file %q of %d bytes is over the upload limit", f.Name, len(f.Data))}
	}
	kb, err := c.keyboard(r)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, c.requestTimeout)
	defer cancel()
	api := c.bot(ctx)

	if r.Edit != "" {
		if r.Photo != "" || r.File != nil {
			return "", permanent("cannot edit a message into a photo or file")
		}
		if length == 0 {
			return "", permanent("empty text")
		}
		id, err := strconv.Atoi(r.Edit)
		if err != nil {
			return "", permanent("bad message id %q to edit", r.Edit)
		}
		cfg := tgbotapi.NewEditMessageText(chatID, id, body)
		cfg.ParseMode = tgbotapi.ModeHTML
		cfg.DisableWebPagePreview = true
		cfg.ReplyMarkup = kb
		if _, err := api.Send(cfg); err != nil {
			var te *tgbotapi.Error
			if errors.As(err, &te) && strings.Contains(te.Message, "message is not modified") {
				return r.Edit, nil // already shows exactly this
			}
			return "", c.sendErr("editMessageText", err)
		}
		return r.Edit, nil
	}

	// Media first; the text rides on the last one as its caption if it fits.
	var media []tgbotapi.Chattable
	var markup any
	if kb != nil {
		markup = *kb
	}
	captionFits := length <= MaxCaption
	if r.Photo != "" {
		var file tgbotapi.RequestFileData = tgbotapi.FileID(r.Photo)
		if strings.HasPrefix(r.Photo, "https://") || strings.HasPrefix(r.Photo, "http://") {
			file = tgbotapi.FileURL(r.Photo)
		}
		p := tgbotapi.NewPhoto(chatID, file)
		if r.File == nil && captionFits {
			p.Caption, p.ParseMode, p.ReplyMarkup = body, tgbotapi.ModeHTML, markup
		}
		media = append(media, p)
	}
	if f := r.File; f != nil && f.Photo {
		p := tgbotapi.NewPhoto(chatID, tgbotapi.FileBytes{Name: f.Name, Bytes: f.Data})
		if captionFits {
			p.Caption, p.ParseMode, p.ReplyMarkup = body, tgbotapi.ModeHTML, markup
		}
		media = append(media, p)
	} else if f != nil {
		d := tgbotapi.NewDocument(chatID, tgbotapi.FileBytes{Name: f.Name, Bytes: f.Data})
		if captionFits {
			d.Caption, d.ParseMode, d.ReplyMarkup = body, tgbotapi.ModeHTML, markup
		}
		media = append(media, d)
	}
	var ref string
	for _, m := range media {
		sent, err := api.Send(m)
		if err != nil {
			method := "sendPhoto"
			if _, ok := m.(tgbotapi.DocumentConfig); ok {
				method = "sendDocument"
			}
			return "", c.sendErr(method, err)
		}
		ref = strconv.Itoa(sent.MessageID)
	}
	if len(media) > 0 && captionFits {
		return ref, nil
	}
	if length == 0 {
		if len(media) > 0 {
			return ref, nil
		}
		return "", permanent("empty text")
	}
	msg := tgbotapi.NewMessage(chatID, body)
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	msg.ReplyMarkup = markup
	sent, err := api.Send(msg)
	if err != nil {
		return "", c.sendErr("sendMessage", err)
	}
	return strconv.Itoa(sent.MessageID), nil
}

// strip removes every button of the bot's message r.Strip in chat (an
// empty inline keyboard), so an answered question cannot be answered again,
// and returns r.Strip. A message with no buttons left ("message is not
// modified"), one that is gone ("message to edit not found") or one Telegram
// will not edit ("message can't be edited") has nothing to strip: that is
// success.
func (c *Conn) strip(ctx context.Context, chatID int64, r bot.Reply) (string, error) {
	if r.Title != "" || r.Text != "" || len(r.Choices) > 0 || r.Link != nil || r.Photo != "" || r.File != nil || r.Edit != "" {
		return "", permanent("a reply that strips buttons has no other content")
	}
	id, err := strconv.Atoi(r.Strip)
	if err != nil || id <= 0 {
		return "", permanent("bad message id %q to strip", r.Strip)
	}
	ctx, cancel := context.WithTimeout(ctx, c.requestTimeout)
	defer cancel()
	none := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
	// The result is a Message, or true for inline messages: Request.
	if _, err := c.bot(ctx).Request(tgbotapi.NewEditMessageReplyMarkup(chatID, id, none)); err != nil {
		var te *tgbotapi.Error
		if errors.As(err, &te) && nothingToStrip(te.Message) {
			return r.Strip, nil
		}
		return "", c.sendErr("editMessageReplyMarkup", err)
	}
	return r.Strip, nil
}

// nothingToStrip reports whether Telegram's refusal of an edit of buttons
// means there are none to remove.
func nothingToStrip(desc string) bool {
	desc = strings.ToLower(desc)
	for _, s := range []string{"message is not modified", "message to edit not found", "message can't be edited"} {
		if strings.Contains(desc, s) {
			return true
		}
	}
	return false
}

// render returns the HTML body for a title and a text, and its length as
// Telegram counts it (UTF-16 code units of the visible text).
func render(title, text string) (body string, length int) {
	switch {
	case title == "":
		return html.EscapeString(text), utf16Len(text)
	case text == "":
		return "<b>" + html.EscapeString(title) + "</b>", utf16Len(title)
	}
	return "<b>" + html.EscapeString(title) + "</b>\n" + html.EscapeString(text), utf16Len(title) + 1 + utf16Len(text)
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// keyboard builds the inline keyboard of r, or nil when it has no buttons.
func (c *Conn) keyboard(r bot.Reply) (*tgbotapi.InlineKeyboardMarkup, error) {
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, choices := range r.Choices {
		var row []tgbotapi.InlineKeyboardButton
		for _, ch := range choices {
			if ch.Label == "" {
				return nil, permanent("choice with data %q has no label", ch.Data)
			}
			if n := len(ch.Data); n == 0 || n > bot.MaxChoiceData {
				return nil, permanent("choice data of %d bytes, want 1 to %d", n, bot.MaxChoiceData)
			}
			row = append(row, tgbotapi.NewInlineKeyboardButtonData(ch.Label, ch.Data))
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	if l := r.Link; l != nil {
		if !validPayload(l.Payload) {
			return nil, permanent("deep link payload %q is not 1-64 characters of A-Za-z0-9_-", l.Payload)
		}
		if l.Label == "" {
			return nil, permanent("link without label")
		}
		u := "https://t.me/" + c.Username() + "?start=" + l.Payload
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL(l.Label, u)))
	}
	if len(rows) == 0 {
		return nil, nil
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	return &kb, nil
}

func validPayload(p string) bool {
	if len(p) < 1 || len(p) > 64 {
		return false
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// permanent returns a SendError for a request that can never succeed.
func permanent(format string, args ...any) error {
	return &bot.SendError{Permanent: true, Message: fmt.Sprintf(format, args...)}
}

// sendErr maps an error of a call to Telegram onto the bot.SendError
// contract, with the token redacted:
//   - retry_after (429; Code is 0 on multipart uploads) -> RetryAfter
//   - 403 (blocked, kicked, deactivated) and 400 "chat not found" -> Unreachable
//   - other 400, 413 (a file over the upload limit), a migrated group -> Permanent
//   - 5xx, 401, transport and decoding errors -> a plain error (transient)
func (c *Conn) sendErr(method string, err error) error {
	err = c.redact(err)
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		return fmt.Errorf("telegram %s: %w", method, err)
	}
	code := te.Code
	if code == 0 { // multipart uploads drop error_code; recover it from the text
		code = codeOf(te.Message)
	}
	se := &bot.SendError{Code: code, Message: te.Message}
	switch {
	case te.RetryAfter > 0:
		se.Code = http.StatusTooManyRequests
		se.RetryAfter = time.Duration(te.RetryAfter) * time.Second
	case te.MigrateToChatID != 0:
		se.Permanent = true
		se.Message = fmt.Sprintf("%s (group migrated to supergroup %d)", te.Message, te.MigrateToChatID)
	case code == http.StatusForbidden:
		se.Unreachable = true
	case code == http.StatusBadRequest && strings.Contains(strings.ToLower(te.Message), "chat not found"):
		se.Unreachable = true
	case code == http.StatusBadRequest, code == http.StatusRequestEntityTooLarge:
		se.Permanent = true // sending it again would fail again
	default:
		return fmt.Errorf("telegram %s: %w", method, err)
	}
	return fmt.Errorf("telegram %s: %w", method, se)
}

// codeOf guesses the HTTP status of a Bot API error description.
func codeOf(desc string) int {
	for prefix, code := range map[string]int{
		"Bad Request":              http.StatusBadRequest,
		"Unauthorized":             http.StatusUnauthorized,
		"Forbidden":                http.StatusForbidden,
		"Not Found":                http.StatusNotFound,
		"Conflict":                 http.StatusConflict,
		"Too Many Requests":        http.StatusTooManyRequests,
		"Request Entity Too Large": http.StatusRequestEntityTooLarge,
	} {
		if strings.HasPrefix(desc, prefix) {
			return code
		}
	}
	return 0
}

// SetCommands sets the command menus: cs.Private for all private chats,
// cs.Group for all group chats, cs.GroupAdmin for all group
// administrators. An empty list deletes that scope's menu.
func (c *Conn) SetCommands(ctx context.Context, cs bot.CommandSet) error {
	ctx, cancel := context.WithTimeout(ctx, c.requestTimeout)
	defer cancel()
	api := c.bot(ctx)
	for _, s := range []struct {
		scope tgbotapi.BotCommandScope
		cmds  []bot.Command
	}{
		{tgbotapi.NewBotCommandScopeAllPrivateChats(), cs.Private},
		{tgbotapi.NewBotCommandScopeAllGroupChats(), cs.Group},
		{tgbotapi.NewBotCommandScopeAllChatAdministrators(), cs.GroupAdmin},
	} {
		var req tgbotapi.Chattable
		if len(s.cmds) == 0 {
			req = tgbotapi.NewDeleteMyCommandsWithScope(s.scope)
		} else {
			cmds := make([]tgbotapi.BotCommand, 0, len(s.cmds))
			for _, cmd := range s.cmds {
				cmds = append(cmds, tgbotapi.BotCommand{Command: cmd.Name, Description: cmd.Description})
			}
			req = tgbotapi.NewSetMyCommandsWithScope(s.scope, cmds...)
		}
		// setMyCommands returns true, not a Message: Request, not Send.
		if _, err := api.Request(req); err != nil {
			return fmt.Errorf("set commands for %s: %w", s.scope.Type, c.sendErr("setMyCommands", err))
		}
	}
	return nil
}

// MemberStatus returns user's status in chat as Telegram reports it:
// "creator", "administrator", "member", "restricted", "left" or "kicked".
// Telegram answers for other users reliably only when the bot is an
// administrator of chat.
func (c *Conn) MemberStatus(ctx context.Context, chat bot.ChatID, user bot.UserID) (string, error) {
	chatID, err := strconv.ParseInt(chat.ID, 10, 64)
	if err != nil || chat.Platform != bot.Telegram {
		return "", fmt.Errorf("telegram getChatMember: bad chat %s", chat)
	}
	userID, err := strconv.ParseInt(user.ID, 10, 64)
	if err != nil || user.Platform != bot.Telegram {
		return "", fmt.Errorf("telegram getChatMember: bad user %s", user)
	}
	ctx, cancel := context.WithTimeout(ctx, c.requestTimeout)
	defer cancel()
	cm, err := c.bot(ctx).GetChatMember(tgbotapi.GetChatMemberConfig{
		ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: chatID, UserID: userID},
	})
	if err != nil {
		return "", c.sendErr("getChatMember", err)
	}
	return cm.Status, nil
}
