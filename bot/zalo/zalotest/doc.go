// Package zalotest is a fake Zalo Bot Platform API for tests, in the spirit
// of net/http/httptest: a Server that answers /bot<TOKEN>/<method> the way
// the research note (shared/research/zalo-bot-api.md) documents Zalo's
// current host, over loopback TCP or in process (Client), so it also works
// inside a testing/synctest bubble with virtual time.
//
// getUpdates hands out ONE update per call and forgets it, and answers
// {"ok":false,"description":"Request timeout","error_code":408} after the
// requested timeout when idle; it is refused while a webhook is set. Errors
// come on HTTP 200 by default (as measured on the current host) or with the
// matching status (WithMatchingStatus). Sends are validated (chat_id,
// 1–2000 UTF-16 units, photos by http(s) URL), counted against the free
// plan's monthly quota (3,000 by default, then 429 "Quota exceeded") and an
// optional per-second limit, and recorded per chat.
//
// Tests push updates (PushText, PushPhoto, PushSticker, PushUnsupported, in
// private or group chats), deliver them to a webhook handler with the
// secret the bot registered (DeliverWebhook), and inject faults before or
// after a call takes effect (FailNext, FailWith, FailRandomly): 429, 5xx,
// an HTML page, a hang, a dropped connection, a lost answer.
//
// Package zalotest imports no lamtheo package: it fakes Zalo, not the
// adapter.
package zalotest
