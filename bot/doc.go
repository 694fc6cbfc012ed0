// Package bot is lamtheo's chat vocabulary, in the spirit of net/http: a Message
// comes in, Replies go out, a Handler turns one into the other, and a Conn is
// what each chat platform (Telegram, Zalo, the terminal) provides. Serve runs
// the receive loop and Sender drains the persistent outbox under rate limits.
//
// Package bot imports no other lamtheo package and no chat SDK. Adapters live
// below it (bot/telegram, bot/console) and know nothing of flows or storage.
package bot
