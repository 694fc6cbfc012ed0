// Package console is the terminal adapter: a bot.Conn over an io.Reader of
// typed (or piped) lines and an io.Writer of printed replies. It is lamtheo's
// token-free mode for trying the bot, and the driver of the end-to-end
// transcript tests.
//
// Each input line is one text message from the current person in the current
// chat. Lines starting with ":" are local commands that never reach the bot:
// ":as NAME" switches the person, ":group CODE" speaks in the simulated group
// of cell CODE, ":private" speaks in the private chat with the bot,
// ":sticker" sends the bot a sticker (a message without text), ":photo
// CAPTION" a photo with its caption (the caption may be empty), ":help" lists
// the commands, ":quit" ends the input; the caller may add more
// (Options.Commands). Lines starting with "#" are comments.
//
// The terminal plays one platform at a time. ":telegram" (the default) is
// Telegram as the terminal has always shown it: no length limit, edits
// marked, files and photos printed as notes. ":zalo" plays the Zalo Bot
// Platform: Caps declares Zalo's 2,000-character texts (counted in UTF-16
// units), no buttons, no edits, no files, photos by URL only, and group
// messages only when they mention the bot; an edit is printed as a new
// message and a file as a note that it cannot be delivered; in a group, a
// line reaches the bot only when it starts with an @mention, which is
// stripped (bot.StripMention with Options.BotName). Both modes serve the
// same chats and ids, so a conversation can switch mode midway.
//
// Output is deterministic (no timestamps, no random ids) so transcripts can be
// compared byte for byte. Package console knows bot's vocabulary only; it
// knows nothing of flows, storage or the chat platforms.
package console
