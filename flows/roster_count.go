package flows

import (
	"slices"
	"time"
)

// The roster is the denominator: a cell's figures of a month count the
// people on its roster that month, whether or not they use the bot. These
// are the rules of who that is, written once; SummarizeRoster, the
// organisation's summary, the leaderboard and /xuat ask them.

// RosterMove is one move of a roster entry between cells (chuyển sinh hoạt
// đảng): the entry was on From's roster until At.
type RosterMove struct {
	From string
	At   time.Time
}

// CellIn returns the code of the cell whose roster e was on at the end of
// month (months in loc): the cell of the first move made after month, or
// e.Cell when there is none. The month of a move counts in the cell the
// entry moved to.
func (e RosterEntry) CellIn(month Month, loc *time.Location) string {
	for _, mv := range e.Moves {
		if MonthOf(mv.At, loc) > month {
			return mv.From
		}
	}
	return e.Cell
}

// OnRosterIn reports whether e is on cell's roster in month, exempt or not:
// it was added by the month's end (Added in month or before; a zero Added,
// an entry of the first rosters, is on every month), it was in cell then
// (CellIn), and it was not removed in or before month (removal takes the
// person out of the month it is made in and every later one; the months
// before keep them). Months are in loc.
func (e RosterEntry) OnRosterIn(cell string, month Month, loc *time.Location) bool {
	if cell == "" || e.CellIn(month, loc) != cell {
		return false
	}
	if !e.Added.IsZero() && MonthOf(e.Added, loc) > month {
		return false
	}
	return e.Removed.IsZero() || MonthOf(e.Removed, loc) > month
}

// ExemptIn reports whether e, with m its member (nil for none: see
// RosterPerson), is exempt (miễn công tác và sinh hoạt đảng): by its roster
// status or by the member's.
func (e RosterEntry) ExemptIn(m *Member) bool {
	return e.Status == RosterExempt || m != nil && m.Status == Exempt
}

// CountsIn reports whether e counts in cell's figures of month (every
// denominator: must report, must pledge; the leaderboard; /xuat), whether
// or not the person uses the bot: e is on cell's roster in month
// (OnRosterIn) and not exempt (ExemptIn). m is e's member (nil when the
// entry has none, a person who never connected and for whom nothing was
// recorded): while e is in the cell its member's rules also hold (the
// member is in a cell and had connected by the month, Member.CountsIn); in
// a cell e has since moved out of, the member's record (its cell, and its
// Joined, which is the move) speaks of the new cell and is not asked. A
// member whose reminders are paused (tạm hoãn) counts here: a pause
// leaves a month out only when it covered the month's reporting deadline
// and the member did not report (PausedOutOf), which the cell's tally
// asks.
func (e RosterEntry) CountsIn(cell string, month Month, loc *time.Location, m *Member) bool {
	return e.OnRosterIn(cell, month, loc) && rosterCounts(e.ExemptDuring(month, loc, m), cell == e.Cell, month, loc, m)
}

// rosterCounts is the rest of RosterEntry.CountsIn for an entry on the
// cell's roster in month: rosterExempt is the roster's status, own whether
// the cell is the entry's cell now, m the entry's member (nil for none).
// The organisation's summary, which keeps only these of an entry, asks it
// too.
func rosterCounts(rosterExempt, own bool, month Month, loc *time.Location, m *Member) bool {
	if rosterExempt || m != nil && m.Status == Exempt {
		return false
	}
	return m == nil || !own || m.CountsIn(month, loc)
}

// Connected reports whether m, a roster entry's member, uses the bot: they
// have an identity on a platform. A member recorded by the secretary for
// a person without a phone has none.
func (m Member) Connected() bool { return len(m.Users) > 0 }

// RosterPerson is one roster entry as a month's figures see it: the entry
// and its member, the member of its first claim (Member.ID 0 when it has
// none or that member is not stored: the person is then known by the
// entry's name only). Only the first claim's member counts, so that one
// person is one line however many accounts claim the entry.
type RosterPerson struct {
	Entry  RosterEntry
	Member Member
}

// HasMember reports whether p's entry has a stored member.
func (p RosterPerson) HasMember() bool { return p.Member.ID != 0 }

// member returns p's member, nil for none (the argument of CountsIn).
func (p *RosterPerson) member() *Member {
	if !p.HasMember() {
		return nil
	}
	return &p.Member
}

// CountsIn reports whether p counts in cell's month (RosterEntry.CountsIn).
func (p RosterPerson) CountsIn(cell string, month Month, loc *time.Location) bool {
	return p.Entry.CountsIn(cell, month, loc, p.member())
}

// Connected reports whether p uses the bot (Member.Connected).
func (p RosterPerson) Connected() bool { return p.HasMember() && p.Member.Connected() }

// rosterPeople pairs each entry of roster with its member, looked up with
// member (which reports false for a member it does not know).
func rosterPeople(roster []RosterEntry, member func(MemberID) (Member, bool)) []RosterPerson {
	out := make([]RosterPerson, len(roster))
	for i, e := range roster {
		out[i].Entry = e
		if len(e.Claims) > 0 {
			if m, ok := member(e.Claims[0].Member); ok {
				out[i].Member = m
			}
		}
		if !out[i].HasMember() {
			out[i].Member = Member{Name: e.Name, Cell: e.Cell}
		}
	}
	return out
}

// joinedMonth returns the month p came to cell: the month the entry was
// added, or moved into cell; while the entry is in cell, the member's
// JoinedMonth when later (they connected later). 0 when not known: a
// person of the first rosters, on every month.
func (p RosterPerson) joinedMonth(cell string, loc *time.Location) Month {
	var j Month
	if !p.Entry.Added.IsZero() {
		j = MonthOf(p.Entry.Added, loc)
	}
	for i, mv := range p.Entry.Moves {
		to := p.Entry.Cell
		if i+1 < len(p.Entry.Moves) {
			to = p.Entry.Moves[i+1].From
		}
		if to == cell {
			j = MonthOf(mv.At, loc)
		}
	}
	if p.HasMember() && cell == p.Entry.Cell {
		j = max(j, p.Member.JoinedMonth(loc))
	}
	return j
}

// withUnlisted returns people followed by the members of cell among ms
// whose account claims no entry of roster: a member who connected under a
// name the secretary has yet to match (or whose records predate rosters
// and were never put on one). Each counts as their own entry
// (RosterEntryOf) until the secretary links them, so that nobody who uses
// the bot drops out of the figures.
func withUnlisted(people []RosterPerson, roster []RosterEntry, ms []Member, cell string) []RosterPerson {
	claimed := map[MemberID]bool{}
	for _, e := range roster {
		for _, c := range e.Claims {
			claimed[c.Member] = true
		}
	}
	for _, m := range ms {
		if m.Cell == cell && !claimed[m.ID] {
			people = append(people, RosterPerson{Entry: *RosterEntryOf(m), Member: m})
		}
	}
	return people
}

// RosterStatusChange is one status change of a roster entry (/mien,
// /danhsach): the entry had status From until At.
type RosterStatusChange struct {
	From RosterStatus
	At   time.Time
}

// SetStatus sets e's status to s at at, recording the change in
// e.Statuses when it is one.
func (e *RosterEntry) SetStatus(s RosterStatus, at time.Time) {
	if e.Status == s {
		return
	}
	e.Statuses = append(e.Statuses, RosterStatusChange{From: e.Status, At: at})
	e.Status = s
}

// StatusIn returns e's status at the end of month (months in loc): the
// status a change made after month changed from, or e.Status when there is
// none. The month of a change has the new status, as the month of a move
// counts in the new cell.
func (e RosterEntry) StatusIn(month Month, loc *time.Location) RosterStatus {
	for _, c := range e.Statuses {
		if MonthOf(c.At, loc) > month {
			return c.From
		}
	}
	return e.Status
}

// ExemptDuring reports whether e, with m its member (nil for none), was
// exempt (miễn công tác và sinh hoạt đảng) in month: by the roster's status
// then (StatusIn). An entry with no recorded change (written before the
// history, or never changed) has today's status for every month, its
// member's too (ExemptIn): /mien keeps the two in step and records the
// change on the entry.
func (e RosterEntry) ExemptDuring(month Month, loc *time.Location, m *Member) bool {
	return exemptDuring(e.StatusIn(month, loc) == RosterExempt, len(e.Statuses) > 0, m)
}

// exemptDuring is ExemptDuring of an entry whose status in the month is
// miễn (rosterExempt) and which has a recorded history (or not).
func exemptDuring(rosterExempt, history bool, m *Member) bool {
	return rosterExempt || !history && m != nil && m.Status == Exempt
}

// Pause is one pause (tạm hoãn) of a member's reminders: set at Set, in
// force until Until (the start of the day after its last day, or the
// moment the member resumed).
type Pause struct {
	Set   time.Time
	Until time.Time
}

// maxPauses bounds the pauses a member record keeps: a little over a year
// of monthly pauses.
const maxPauses = 16

// StartPause records a pause of m set at now until until (PausedUntil): a
// pause still in force ends at now, replaced by the new one.
func (m *Member) StartPause(now, until time.Time) {
	m.EndPause(now)
	m.Pauses = append(m.Pauses, Pause{Set: now, Until: until})
	if len(m.Pauses) > maxPauses {
		m.Pauses = slices.Clone(m.Pauses[len(m.Pauses)-maxPauses:])
	}
}

// EndPause ends at now the pause of m in force at now, if any (the member
// resumed).
func (m *Member) EndPause(now time.Time) {
	if n := len(m.Pauses); n > 0 && m.Pauses[n-1].Until.After(now) {
		m.Pauses[n-1].Until = now
	}
}

// ReportDeadline returns the end of month's reporting in a cell whose
// grace ends on day grace (its meeting day, or the organisation's grace
// days; CollectingMonth): the start of the day after that day of the next
// month, in loc.
func ReportDeadline(month Month, loc *time.Location, grace int) time.Time {
	return month.Next().Start(loc).AddDate(0, 0, grace)
}

// PausedOutOf reports whether m is left out of month's figures for a pause
// (tạm hoãn): a pause set before month's reporting deadline
// (ReportDeadline with grace) was still in force at that deadline (it
// ended at it or later). A member who reported the month anyway counts as
// usual: the caller asks this of the members without a report. A pause
// set after the deadline, or resumed before it, leaves the month as it
// was; a pause with no recorded start (a record written before the
// history) leaves every month.
func (m Member) PausedOutOf(month Month, loc *time.Location, grace int) bool {
	return m.pausedAt(ReportDeadline(month, loc, grace))
}

// pausedAt is PausedOutOf for the month whose deadline is dl (never for a
// zero dl: a caller that knows no deadline).
func (m Member) pausedAt(dl time.Time) bool {
	if dl.IsZero() {
		return false
	}
	for _, p := range m.Pauses {
		if p.Set.Before(dl) && !p.Until.Before(dl) {
			return true
		}
	}
	return false
}
