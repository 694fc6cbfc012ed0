package flows

import (
	"context"
	"strings"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// Guessing join codes: after maxWrongCodes unknown codes within
// wrongCodeWindow, a person's codes are not looked at for joinCooldown.
// A code is 6 characters of 31, so guessing one of a few live codes takes
// hundreds of millions of tries.
const (
	maxWrongCodes   = 5
	wrongCodeWindow = time.Hour
	joinCooldown    = 30 * time.Minute
)

// Membership tells whether a person is in a group chat, where the
// platform can tell (Telegram can; Zalo cannot). The engine asks it before
// an update's transaction, never inside one, since it may go over the
// network. Implementations must be safe for concurrent use.
type Membership interface {
	// InGroup reports whether user is a member of the group chat. known
	// is false when the platform cannot tell (a group or user of another
	// platform, a bot that may not ask); err is a failure to ask, which
	// the engine logs and treats as not known.
	InGroup(ctx context.Context, group bot.ChatID, user bot.UserID) (yes, known bool, err error)
}

// membershipTimeout bounds the question to Membership.
const membershipTimeout = 10 * time.Second

// groupGate is what Membership said, before the transaction, about the
// sender and the group a join code was posted in.
type groupGate struct {
	group      bot.ChatID
	yes, known bool
	code       string // the code asked about
}

// joinCode returns the code as the join flow reads it from what follows
// /join or the j_ of a start payload.
func joinCode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(NormalizeText(s)), ""))
}

// codeOf returns the join code m carries: "/start j_CODE" (a group's
// button) or "/join CODE", in a private chat.
func codeOf(m bot.Message) (string, bool) {
	if m.Group || m.Kind != bot.KindText {
		return "", false
	}
	name, args, ok := parseCommand(m.Text)
	if !ok {
		return "", false
	}
	if c, found := lookup(name); !found || (c.name != "start" && c.name != "join") {
		return "", false
	}
	if name == "start" {
		code, ok := strings.CutPrefix(args, joinPrefix)
		if !ok {
			return "", false
		}
		args = code
	}
	code := joinCode(args)
	return code, code != ""
}

// checkGroup asks Membership, outside any transaction, whether the sender
// of m is in the group where the code m carries was posted; nil when there
// is nothing to ask (no code, a code given privately, no Membership).
func (e *Engine) checkGroup(ctx context.Context, m bot.Message) *groupGate {
	if e.Membership == nil {
		return nil
	}
	code, ok := codeOf(m)
	if !ok {
		return nil
	}
	var inv Invite
	var found bool
	if err := e.Store.View(ctx, func(tx Tx) error {
		var err error
		inv, found, err = tx.Invite(code)
		return err
	}); err != nil || !found || inv.Group.IsZero() || !inv.Live(e.now()) {
		return nil // the transaction will tell the person
	}
	ctx, cancel := context.WithTimeout(ctx, membershipTimeout)
	defer cancel()
	yes, known, err := e.Membership.InGroup(ctx, inv.Group, m.From)
	if err != nil {
		e.log().Warn("group membership unknown", bot.LogKeyChat, inv.Group.String(), bot.LogKeyErr, err)
		known = false
	}
	return &groupGate{group: inv.Group, yes: yes, known: known, code: code}
}

// notInGroup reports whether Membership said the sender is not in the
// group where inv was posted.
func (r *req) notInGroup(inv Invite) bool {
	g := r.gate
	return g != nil && !inv.Group.IsZero() && g.group == inv.Group && g.code == inv.Code && g.known && !g.yes
}

// coolingDown refuses any code while the sender's cool-down after wrong
// codes lasts.
func (r *req) coolingDown(a JoinAttempts) error {
	if !r.now.Before(a.Until) {
		return nil
	}
	minutes := int((a.Until.Sub(r.now) + time.Minute - 1) / time.Minute)
	return refuse(text.JoinCooldown, cooldownView{Max: maxWrongCodes, Minutes: minutes})
}

// wrongCode counts an unknown code the sender typed and returns the
// refusal: the code is not found, or, at the maxWrongCodes-th within
// wrongCodeWindow, the cool-down starts.
func (r *req) wrongCode(a JoinAttempts, code string) error {
	if a.Since.IsZero() || r.now.Sub(a.Since) > wrongCodeWindow {
		a = JoinAttempts{Since: r.now}
	}
	a.Wrong++
	if a.Wrong >= maxWrongCodes {
		a = JoinAttempts{Until: r.now.Add(joinCooldown)}
	}
	if err := r.tx.PutJoinAttempts(r.m.From, a); err != nil {
		return err
	}
	if !a.Until.IsZero() {
		r.e.log().Info("join codes cooling down", bot.LogKeyUser, r.m.From.String(), "until", a.Until)
		return r.coolingDown(a)
	}
	return refuse(text.JoinUnknownCode, codeView{Code: code})
}

// revokeInvites revokes every live invite for which which is true, except
// the code keep, and returns how many it revoked.
func (r *req) revokeInvites(cell, keep string, which func(Invite) bool) (int, error) {
	invs, err := r.tx.Invites(cell)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, inv := range invs {
		if inv.Code == keep || !inv.Live(r.now) || !which(inv) {
			continue
		}
		inv.Revoked = r.now
		if err := r.tx.PutInvite(inv); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// postedIn selects the invites posted in group.
func postedIn(group bot.ChatID) func(Invite) bool {
	return func(inv Invite) bool { return inv.Group == group }
}

// liveCodes counts cell's live invites other than keep.
func (r *req) liveCodes(cell, keep string) (int, error) {
	invs, err := r.tx.Invites(cell)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, inv := range invs {
		if inv.Code != keep && inv.Live(r.now) {
			n++
		}
	}
	return n, nil
}

// cooldownView feeds the refusal after Max wrong codes: for how many
// minutes codes are not taken.
type cooldownView struct{ Max, Minutes int }
