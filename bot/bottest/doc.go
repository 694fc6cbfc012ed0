// Package bottest provides platform-neutral fakes of package bot's
// interfaces for tests, in the spirit of net/http/httptest: Conn, a
// recording bot.Conn that tests feed with incoming batches and that can
// fail, take time and enforce rate limits; Outbox, an in-memory bot.Outbox
// for the sender; and Buffer, a concurrency-safe writer for logs and
// terminal output.
//
// Package bottest imports only bot and fakes no platform's API (NewConn
// merely declares Telegram's capabilities by default): the fake servers of
// a platform live next to its adapter (bot/telegram/telegramtest,
// bot/zalo/zalotest).
package bottest
