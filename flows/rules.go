package flows

import (
	"time"

	"lamtheo/bot"
)

// The rules of who counts, who is reminded and who may act on a cell, each
// written once. Every summary, reminder, campaign, nudge and secretary tool
// asks them; none spells them out again.

// Counts reports whether m counts in their cell's figures (every
// denominator: must report, must pledge) and is due to report: m is in a
// cell and not exempt (miễn sinh hoạt). A member whose reminders are paused
// still counts; a member who left their cell does not. Which cell is the
// caller's filter (m.Cell == cell).
func (m Member) Counts() bool { return m.Cell != "" && m.Status == Active }

// Paused reports whether m's reminders are paused (tạm hoãn) at now: until
// the start of the day PausedUntil names.
func (m Member) Paused(now time.Time) bool { return m.PausedUntil.After(now) }

// Reachable reports whether m has a private chat that is not in
// unreachable (the chats the outbox found it cannot write to).
func (m Member) Reachable(unreachable map[bot.ChatID]bool) bool {
	for _, c := range m.PrivateChats() {
		if !unreachable[c] {
			return true
		}
	}
	return false
}

// Remindable reports whether m may be reminded (or invited) privately at
// now: m counts (Counts), their reminders are not paused, and they have a
// private chat not in unreachable. Exempt members and members who left are
// never reminded. What the reminder is about (a missing report, a missing
// pledge) is the caller's question.
func (m Member) Remindable(now time.Time, unreachable map[bot.ChatID]bool) bool {
	return m.Counts() && !m.Paused(now) && m.Reachable(unreachable)
}

// SecretaryOf reports whether m is the secretary of cell (never of "").
func (m Member) SecretaryOf(cell string) bool { return m.Secretary && cell != "" && m.Cell == cell }

// mayActOn reports whether a sender may act on cell as its secretary would
// (read its reports, close its months, exempt, approve, nudge…): an admin
// of the organisation on every cell, a member on the cell they are the
// secretary of. m is the sender's member record, the zero Member for a
// sender who is none.
func mayActOn(cell string, admin bool, m Member) bool { return admin || m.SecretaryOf(cell) }

// secretariesOf returns the secretaries of cell among ms.
func secretariesOf(ms []Member, cell string) []Member {
	var out []Member
	for _, m := range ms {
		if m.SecretaryOf(cell) {
			out = append(out, m)
		}
	}
	return out
}

// mayActOn reports whether the sender may act on cell (see mayActOn).
func (r *req) mayActOn(cell string) bool {
	var m Member
	if r.isMember {
		m = r.member
	}
	return mayActOn(cell, r.admin(), m)
}
