// Package telegram is lamtheo's Telegram adapter: a bot.Conn (and
// bot.CommandSetter) over the Bot API through go-telegram-bot-api v5.
//
// It owns the long-polling loop instead of the library's GetUpdatesChan, so
// an update is confirmed to Telegram only when Receive is called again, after
// Serve has committed the previous batch, and no other offset is ever sent:
// update ids are not trusted to grow (Telegram numbers them afresh after a
// week without updates), duplicates are the Handler's to skip by key. It
// honours retry_after, backs off on 409 Conflict, 401 (for up to 10 minutes)
// and other failures, and returns at once when its context is cancelled. It
// translates updates into bot.Message, renders bot.Reply as HTML with every
// user-supplied text escaped, inline buttons and deep links, strips the
// buttons of an answered question, answers button presses with their toast,
// and maps the API's errors onto bot.SendError.
//
// The bot token never appears in an error or a log line of this package: the
// HTTP client's errors carry the request URL, which holds the token, and are
// redacted before they leave.
//
// Package telegram knows nothing of flows, storage or the outbox; rate
// limiting is the sender's job (see Conn.Limits).
package telegram
