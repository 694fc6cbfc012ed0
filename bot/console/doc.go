// Package console is the terminal adapter: a bot.Conn over an io.Reader of
// typed (or piped) lines and an io.Writer of printed replies. It is lamtheo's
// token-free mode for trying the bot, and the driver of the end-to-end
// transcript tests.
//
// Each input line is one text message from the current person in the current
// chat. Lines starting with ":" are local commands that never reach the bot:
// ":as NAME" switches the person, ":group CODE" speaks in the simulated group
// of cell CODE, ":private" speaks in the private chat with the bot, ":help"
// lists the commands, ":quit" ends the input; the caller may add more
// (Options.Commands). Lines starting with "#" are comments.
//
// Output is deterministic (no timestamps, no random ids) so transcripts can be
// compared byte for byte. Package console knows bot's vocabulary only; it
// knows nothing of flows, storage or the chat platforms.
package console
