// Package zalo is lamtheo's Zalo adapter: a bot.Conn over the Zalo Bot
// Platform API (https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>),
// written on net/http, with no SDK.
//
// It owns the two ways Zalo delivers updates: long polling with getUpdates
// (one update per call, no offset, idle polls answered with error 408) and a
// webhook, for which the Conn is an http.Handler that checks the
// X-Bot-Api-Secret-Token header and answers Zalo only once the update was
// committed. It translates Zalo's events into bot.Message (group chats get
// the id prefix "g:", the bot's mention is stripped from group texts), drops
// the bot's own echoed messages, redeliveries and floods of stickers, renders
// bot.Reply as plain text with choices as a numbered list, sends photos by
// public URL, and maps Zalo's errors, which may arrive on HTTP 200, onto
// bot.SendError by the JSON body.
//
// The bot token is in every request URL; it never appears in an error or a
// log line of this package.
//
// Package zalo imports only package bot and the standard library. It knows
// nothing of flows, storage or the outbox; pacing sends is the Sender's job
// (see Caps.Limits), and durable deduplication is the engine's.
package zalo
