package flows

import (
	"time"

	"lamtheo/bot"
)

// The rules of who counts, who is reminded and who may act on a cell, each
// written once. Every summary, reminder, campaign, nudge and secretary tool
// asks them; none spells them out again.

// JoinedMonth returns the month m connected to the bot (or was added, or
// moved to their cell: whatever Joined records), in loc, the organisation's
// zone; 0 when Joined is not set, a member known from before the bot
// recorded it, who counts in every month.
func (m Member) JoinedMonth(loc *time.Location) Month {
	if m.Joined.IsZero() {
		return 0
	}
	return MonthOf(m.Joined, loc)
}

// CountsIn reports whether m counts in their cell's figures of month (every
// denominator: must report, must pledge; the leaderboard; /cuatoi's due
// month) and is due to report it: m is in a cell, not exempt (miễn công tác
// và sinh hoạt đảng), and had connected by month (JoinedMonth(loc) <=
// month, months in loc, the organisation's zone). Nobody is counted for a
// month before they could use the bot. A member whose reminders are paused
// still counts; a member who left their cell does not. Which cell is the
// caller's filter (m.Cell == cell).
func (m Member) CountsIn(month Month, loc *time.Location) bool {
	return m.Cell != "" && m.Status == Active && m.JoinedMonth(loc) <= month
}

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
// now: m counts in now's month (CountsIn, months in loc), their reminders
// are not paused, and they have a private chat not in unreachable. Exempt
// members and members who left are never reminded. What the reminder is
// about (a missing report of a month, which must also count: CountsIn; a
// missing pledge) is the caller's question.
func (m Member) Remindable(now time.Time, loc *time.Location, unreachable map[bot.ChatID]bool) bool {
	return m.CountsIn(MonthOf(now, loc), loc) && !m.Paused(now) && m.Reachable(unreachable)
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
