package flows

import (
	"lamtheo/bot"
	"lamtheo/flows/text"
)

// A group is for everyone to read: a refusal there is for the one person
// who typed the command or pressed the button, so it never goes to the
// group. refused is the one place a refusal (*Error) becomes what the
// person reads:
//
//   - in a private chat, and in a group while the person answers their own
//     question there (the admin's /link), it is said in the chat;
//   - another button pressed in a group (a stateless one, go:...) gets it
//     as the button's note (Telegram's callback toast; see stale for a
//     button of someone else's question);
//   - a command typed in a group gets it in the person's private chat when
//     the bot can write to them there (see reachable), or else one neutral
//     line in the group asking them to write to the bot privately, which
//     tells the group nothing about who may do what;
//   - an anonymous group administrator, whom the bot can neither tell nor
//     write to, is asked in the group to post as themselves when the
//     refusal is about who they are (see anonymousRefusal).
func (r *req) refused(fe *Error) error {
	name, _, isCmd := parseCommand(r.m.Text)
	if !r.m.Group || r.answering || !isCmd && r.m.Kind != bot.KindCallback {
		// Private; or an answer to the person's own question in the
		// group (typed text in a group reaches here only so).
		r.say(fe.Key, fe.Data)
		return nil
	}
	if r.m.Kind == bot.KindCallback && r.e.caps(r.m.Chat.Platform).Buttons {
		r.toast = r.t(r.e.textKey(r.m.Chat.Platform, fe.Key), fe.Data)
		return nil
	}
	if c, ok := lookup(name); ok {
		name = c.name
	}
	if r.m.Anonymous {
		if anonymousRefusal(fe.Key) {
			r.say(text.AnonymousSender, cmdView{Cmd: name})
		} else {
			r.say(fe.Key, fe.Data)
		}
		return nil
	}
	ok, err := r.reachable()
	if err != nil {
		return err
	}
	if !ok {
		r.say(text.GroupAskPrivate, botView{Bot: r.e.caps(r.m.Chat.Platform).Name})
		return nil
	}
	k, data := fe.Key, fe.Data
	if k == text.PrivateOnly {
		k = text.PrivateOnlyHere // they read it where the command works
	}
	v := groupRefusalView{Group: r.m.ChatTitle}
	if c, linked, err := r.tx.CellOfGroup(r.m.Chat); err != nil {
		return err
	} else if linked {
		v.Cell = c.Name
	}
	private := r.m.From.PrivateChat()
	v.Text = r.t(r.e.textKey(private.Platform, k), data)
	r.send(bot.Reply{Chat: private, Text: r.t(text.GroupRefusal, v)})
	return nil
}

// groupRefusalView feeds the private message that carries a refusal Text
// of something the person did in a group: the group of the cell Cell, or
// (not linked) the group titled Group.
type groupRefusalView struct {
	Cell, Group string
	Text        string
}

// reachable reports whether the bot can write to the sender in their
// private chat: they connected to a cell (which they did there), are
// waiting for a move to be confirmed, or are an administrator (who
// learned their id from the bot there), and the chat is not known to be
// unreachable (the person blocked the bot).
func (r *req) reachable() (bool, error) {
	if r.m.Anonymous || r.m.From.IsZero() || !(r.isMember || r.hasPending || r.admin()) {
		return false, nil
	}
	un, err := r.tx.Unreachable(r.m.From.PrivateChat())
	return !un, err
}

// anonymousRefusal reports whether refusal k is about who the sender is,
// which the bot cannot tell of an anonymous group administrator: then
// they are asked to post as themselves. Other refusals (a month typed
// wrong, a group not linked) are said to them in the group as they are.
func anonymousRefusal(k text.Key) bool {
	switch k {
	case text.NeedMember, text.NeedSecretary, text.NeedAdmin, text.PrivateOnly:
		return true
	}
	return false
}

// anonymousRole is the role of an anonymous group administrator in a
// group: they speak for the group, so they may do what any member may
// there (the group's counts of /summary), and nothing that needs to know
// who they are.
const anonymousRole = RoleMember
