package telegram

import (
	"context"

	"lamtheo/bot"
)

// InGroup reports whether user is a member of the group chat, from
// Telegram's getChatMember: "creator", "administrator", "member" and
// "restricted" are in, "left" and "kicked" are not. known is false for a
// chat or user of another platform, or a status Telegram adds later; a
// failed request is returned as err (with known false). It satisfies the
// engine's Membership interface, which asks it before an update's
// transaction.
func (c *Conn) InGroup(ctx context.Context, group bot.ChatID, user bot.UserID) (yes, known bool, err error) {
	if group.Platform != bot.Telegram || user.Platform != bot.Telegram {
		return false, false, nil
	}
	status, err := c.MemberStatus(ctx, group, user)
	if err != nil {
		return false, false, err
	}
	switch status {
	case "creator", "administrator", "member", "restricted":
		return true, true, nil
	case "left", "kicked":
		return false, true, nil
	}
	return false, false, nil
}
