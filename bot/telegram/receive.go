package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lamtheo/bot"
)

// allowedUpdates are the update kinds Receive asks for. Telegram remembers
// the list server-side.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// Backoff bounds of the poll loop.
const (
	minBackoff      = time.Second
	maxBackoff      = 30 * time.Second
	conflictBackoff = 5 * time.Second
	// authGiveUp is how long getUpdates may keep answering 401 before
	// Receive returns an error; authLogEvery how often it is logged.
	authGiveUp   = 10 * time.Minute
	authLogEvery = time.Minute
)

// Receive long-polls getUpdates until at least one update lamtheo handles
// arrives, and returns them in the order Telegram gave them. Calling Receive
// again confirms every update up to the last one returned (and any skipped
// one after it); nothing is confirmed before that. It honours retry_after,
// backs off on 409 Conflict (another instance or a webhook) and on other
// failures (doubling from 1 s to 30 s), and returns ctx.Err() once ctx is
// done. A rejected token (401) is retried likewise, since a proxy in the way
// or a short incident at Telegram answers so too, and logged as an error at
// most once a minute; Receive returns an error only when the 401s have
// lasted 10 minutes.
//
// Update ids are not trusted to grow: after a week without updates
// Telegram numbers the next ones afresh, at random, possibly below every id
// seen before. So Receive drops no update for its id, and it sends an
// offset (which confirms every queued update below it) only once, to
// confirm what it returned last; every other poll has none and starts at the
// oldest unconfirmed update. No old offset is ever sent again: one above
// the new ids would be ignored by Telegram (which then hands the same
// updates out again and again), and one just above the first of them would
// confirm them unseen. The first poll of a Conn confirms nothing either, so
// after a restart the updates handled but not yet confirmed come again; the
// Handler skips them by Message.Key (the update_id), which must therefore be
// remembered longer than Telegram keeps an unconfirmed update (24 hours).
func (c *Conn) Receive(ctx context.Context) ([]bot.Message, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cfg := tgbotapi.UpdateConfig{
			Offset:         int(c.confirm),
			Limit:          100,
			Timeout:        int(c.pollTimeout / time.Second),
			AllowedUpdates: allowedUpdates,
		}
		pctx, cancel := context.WithTimeout(ctx, c.pollTimeout+c.requestTimeout)
		updates, err := c.bot(pctx).GetUpdates(cfg)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			wait, fatal := c.pollFailed(err)
			if fatal != nil {
				return nil, fatal
			}
			if err := sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}
		if c.conflict || !c.authSince.IsZero() {
			c.log.Info("telegram polling resumed")
		}
		c.failures, c.conflict = 0, false
		c.authSince, c.authLogged = time.Time{}, time.Time{}
		c.confirm = 0 // this poll confirmed the previous batch

		var batch []bot.Message
		for _, u := range updates {
			c.confirm = int64(u.UpdateID) + 1
			if m, ok := c.translate(u); ok {
				batch = append(batch, m)
			}
		}
		for _, m := range batch {
			if m.Kind == bot.KindDocument {
				c.fetch(ctx, m.Document)
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err // unconfirmed: the batch comes again after a restart
		}
		if len(batch) > 0 {
			return batch, nil
		}
		// Nothing to handle (idle poll, or only skipped updates, which the
		// next poll confirms).
	}
}

// pollFailed decides how long to wait after a failed getUpdates, and logs
// it. A non-nil fatal error ends Receive.
func (c *Conn) pollFailed(err error) (wait time.Duration, fatal error) {
	err = c.redact(err)
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		switch {
		case te.RetryAfter > 0:
			wait = time.Duration(te.RetryAfter) * time.Second
			c.log.Warn("telegram getUpdates rate limited", bot.LogKeyRetryAt, wait)
			return wait, nil
		case te.Code == http.StatusUnauthorized:
			return c.unauthorized(err)
		case te.Code == http.StatusConflict:
			if !c.conflict {
				c.log.Error("telegram getUpdates conflict: another instance of the bot is polling or a webhook is set; backing off",
					bot.LogKeyErr, err)
				c.conflict = true
			}
			wait = backoff(conflictBackoff, c.failures)
			c.failures++
			return wait, nil
		}
	}
	wait = backoff(minBackoff, c.failures)
	c.failures++
	c.log.Warn("telegram getUpdates failed", bot.LogKeyErr, err, "attempt", c.failures, bot.LogKeyRetryIn, wait)
	return wait, nil
}

// unauthorized handles a 401 from getUpdates: the token was revoked, or
// something in the way answers for Telegram. It backs off as after other
// failures, logs an error at most once a minute, and gives up with an error
// once the 401s have lasted authGiveUp (the last try falls on it).
func (c *Conn) unauthorized(err error) (wait time.Duration, fatal error) {
	now := time.Now()
	if c.authSince.IsZero() {
		c.authSince = now
	}
	lasted := now.Sub(c.authSince)
	if lasted >= authGiveUp {
		return 0, fmt.Errorf("telegram getUpdates: token rejected for %v (revoked in @BotFather?): 401 %w",
			lasted.Round(time.Second), err)
	}
	wait = min(backoff(minBackoff, c.failures), authGiveUp-lasted)
	c.failures++
	if c.authLogged.IsZero() || now.Sub(c.authLogged) >= authLogEvery {
		c.authLogged = now
		c.log.Error("telegram getUpdates: token rejected (401 Unauthorized): revoked in @BotFather, or a proxy in the way? retrying",
			bot.LogKeyErr, err, bot.LogKeySince, c.authSince, bot.LogKeyGivesUp, (authGiveUp - lasted).Round(time.Second), bot.LogKeyRetryIn, wait)
	}
	return wait, nil
}

// backoff returns base doubled n times, at most maxBackoff.
func backoff(base time.Duration, n int) time.Duration {
	d := base
	for range n {
		d *= 2
		if d >= maxBackoff {
			return maxBackoff
		}
	}
	return min(d, maxBackoff)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// translate turns an update into a bot.Message; ok is false for updates
// lamtheo does not handle (service messages, commands for another bot,
// inline callbacks, changes of membership in private chats or channels).
func (c *Conn) translate(u tgbotapi.Update) (m bot.Message, ok bool) {
	m.Key = strconv.Itoa(u.UpdateID)
	m.Cursor = int64(u.UpdateID)
	switch {
	case u.Message != nil:
		return c.message(m, u.Message)
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		if cq.Message == nil || cq.Message.Chat == nil {
			return m, false // a button on an inline-mode message: not ours
		}
		setChat(&m, cq.Message.Chat)
		setFrom(&m, cq.From)
		m.Kind = bot.KindCallback
		m.Data = cq.Data
		m.CallbackID = cq.ID
		m.Ref = strconv.Itoa(cq.Message.MessageID)
		m.Time = time.Now() // a callback query carries no date
		return m, true
	case u.MyChatMember != nil:
		cm := u.MyChatMember
		if cm.Chat.Type != "group" && cm.Chat.Type != "supergroup" {
			return m, false
		}
		was, is := isIn(cm.OldChatMember), isIn(cm.NewChatMember)
		switch {
		case !was && is:
			m.Kind = bot.KindAdded
		case was && !is:
			m.Kind = bot.KindRemoved
		default:
			return m, false // e.g. promoted to administrator
		}
		setChat(&m, &cm.Chat)
		from := cm.From
		setFrom(&m, &from)
		m.Time = time.Unix(int64(cm.Date), 0)
		return m, true
	}
	return m, false
}

// isIn reports whether a chat member status means the bot is in the chat.
func isIn(cm tgbotapi.ChatMember) bool {
	switch cm.Status {
	case "creator", "administrator", "member":
		return true
	case "restricted":
		return cm.IsMember
	}
	return false
}

func (c *Conn) message(m bot.Message, msg *tgbotapi.Message) (bot.Message, bool) {
	if msg.Chat == nil {
		return m, false
	}
	setChat(&m, msg.Chat)
	setFrom(&m, msg.From)
	if msg.SenderChat != nil {
		// Posted as a chat (an anonymous administrator as the group, or a
		// linked channel): From is Telegram's service account, no person.
		m.Anonymous, m.FromName = true, msg.SenderChat.Title
	}
	m.Time = time.Unix(int64(msg.Date), 0)
	photo := largest(msg.Photo)
	switch {
	case msg.Text != "":
		text, ok := c.command(msg.Text)
		if !ok {
			return m, false
		}
		m.Kind, m.Text = bot.KindText, text
	case photo != "":
		// The caption is read as typed text: a command in it is
		// addressed like one typed.
		caption, ok := c.command(msg.Caption)
		if !ok {
			return m, false
		}
		m.Kind, m.PhotoID, m.Text = bot.KindPhoto, photo, caption
	case msg.Document != nil && !m.Group:
		// A file sent privately (a roster spreadsheet): Receive fetches it.
		m.Kind, m.Text = bot.KindDocument, msg.Caption
		m.Document = &bot.Document{ID: msg.Document.FileID, Name: msg.Document.FileName, Size: int64(msg.Document.FileSize)}
	case hasContent(msg):
		m.Kind, m.Text = bot.KindOther, msg.Caption
	default:
		return m, false // a service message: members joined, title changed, pinned...
	}
	return m, true
}

// largest returns the file id of the largest size of a photo, or "" when
// none has one.
func largest(sizes []tgbotapi.PhotoSize) string {
	var best tgbotapi.PhotoSize
	for _, p := range sizes {
		if p.FileID == "" {
			continue
		}
		if best.FileID == "" || p.Width*p.Height > best.Width*best.Height ||
			p.Width*p.Height == best.Width*best.Height && p.FileSize > best.FileSize {
			best = p
		}
	}
	return best.FileID
}

// hasContent reports whether msg carries something a person sent (as
// opposed to a service message).
func hasContent(msg *tgbotapi.Message) bool {
	return len(msg.Photo) > 0 || msg.Animation != nil || msg.Audio != nil || msg.Document != nil || msg.Sticker != nil ||
		msg.Video != nil || msg.VideoNote != nil || msg.Voice != nil || msg.Contact != nil ||
		msg.Dice != nil || msg.Game != nil || msg.Poll != nil || msg.Venue != nil || msg.Location != nil
}

// command normalises a command addressed to this bot ("/help@ThisBot x" ->
// "/help x"); ok is false for a command addressed to another bot. Other
// texts are returned as they are.
func (c *Conn) command(text string) (string, bool) {
	if !strings.HasPrefix(text, "/") {
		return text, true
	}
	end := strings.IndexAny(text, " \t\n")
	if end < 0 {
		end = len(text)
	}
	name, target, found := strings.Cut(text[:end], "@")
	if !found {
		return text, true
	}
	if !strings.EqualFold(target, c.Username()) {
		return "", false
	}
	return name + text[end:], true
}

func setChat(m *bot.Message, ch *tgbotapi.Chat) {
	m.Chat = bot.ChatID{Platform: bot.Telegram, ID: strconv.FormatInt(ch.ID, 10)}
	m.Group = ch.Type == "group" || ch.Type == "supergroup"
	m.ChatTitle = ch.Title
}

func setFrom(m *bot.Message, u *tgbotapi.User) {
	if u == nil {
		return
	}
	m.From = bot.UserID{Platform: bot.Telegram, ID: strconv.FormatInt(u.ID, 10)}
	m.FromName = strings.TrimSpace(u.FirstName + " " + u.LastName)
}
