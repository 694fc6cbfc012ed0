// Package telegramtest is a fake Telegram Bot API for tests, in the spirit
// of net/http/httptest: a Server that answers /bot<TOKEN>/<method> the way
// Telegram does, so that the real go-telegram-bot-api client, and with it
// the bot/telegram adapter, runs against it unchanged, over loopback TCP or
// in process (Client), so it also works inside a testing/synctest bubble
// with virtual time.
//
// Tests push updates (PushText, PushPhoto, PushCallback, PushMyChatMember…,
// in private chats and groups); getUpdates hands them out with the Bot API
// server's offset and long-poll semantics (updates.go). Sends, edits,
// callback answers and command menus are checked as strictly as Telegram
// checks them and recorded per chat (send.go), including the HTML parse
// mode and the UTF-16 text length (html.go). The fake can enforce
// Telegram's rate limits (limits.go) and inject faults before or after a
// call takes effect: 429, 5xx, an HTML page, a hang, a lost answer, a
// blocked chat (faults.go).
//
// Package telegramtest imports no lamtheo package: it fakes Telegram, not
// the adapter. Its rate-limit arithmetic deliberately repeats the sender's
// instead of sharing it, so that it can catch the sender's mistakes. Only
// tests import it (those of bot/telegram and cmd/lamtheo;
// flows/imports_test.go checks it).
package telegramtest
