package flows

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"
)

// orgSummary is OrgSummary; with a non-nil dmg, the records it cannot read
// are left out (a damaged cell is not ranked, a damaged member, report or
// pledge not counted) and collected in dmg. Without deeds the rows'
// Deeds stay empty (Exemplary counts them still), and no record is read:
// for the callers that show none (the admin's table, a previous month's
// figures). It reads the roster's digests,
// keeping of each entry on a cell's roster in the month only what the
// month's rule needs (orgEntry) in a list sorted by member, then merges
// the members' digests with it and with those of the month's reports and
// of the year's pledges, all by member ID: its memory grows with the
// claimed entries by two words each, never with the history.
func (e *Engine) orgSummary(tx Tx, m Month, dmg *damage, deeds bool) (OrgSummary, error) {
	loc := e.loc()
	cells, err := tx.Cells()
	if err := dmg.listing(err); err != nil {
		return OrgSummary{}, fmt.Errorf("org summary: load cells: %w", err)
	}
	tallies := make([]cellTally, len(cells))
	cellAt := make(map[string]int32, len(cells))
	for i, c := range cells {
		cellAt[c.Code] = int32(i)
		st, err := tx.MonthState(c.Code, m)
		if err != nil {
			return OrgSummary{}, fmt.Errorf("org summary: month state %s: %w", c.Code, err)
		}
		tallies[i] = newCellTally(c, m, loc, st, false)
		tallies[i].deadline = ReportDeadline(m, loc, e.graceDays(c))
	}
	var claimed []orgClaim
	listed := map[MemberID]bool{} // the members of the entries' other claims: counted with the first
	err = tx.TallyRoster(func(en RosterEntry) error {
		code := en.CellIn(m, loc) // the one cell whose roster en may be on in m
		at, ok := cellAt[code]
		if !ok || !en.OnRosterIn(code, m, loc) {
			return nil
		}
		oe := orgEntry{at: at, rosterExempt: en.StatusIn(m, loc) == RosterExempt, history: len(en.Statuses) > 0, own: code == en.Cell}
		if len(en.Claims) == 0 {
			oe.tally(&tallies[at], nil, false, m, loc, nil, nil, nil)
			return nil
		}
		claimed = append(claimed, orgClaim{member: en.Claims[0].Member, entry: oe})
		for _, cl := range en.Claims[1:] {
			listed[cl.Member] = true
		}
		return nil
	})
	if err := dmg.listing(err); err != nil {
		return OrgSummary{}, fmt.Errorf("org summary: roster: %w", err)
	}
	claimed = byMember(claimed)
	// Members, the claimed entries, the month's reports and the year's
	// pledges all come by member ID: merge the four, one member at a time.
	reports, stopReports := pull(func(fn func(ReportTally) error) error { return tx.TallyReports(m, fn) })
	defer stopReports()
	pledges, stopPledges := pull(func(fn func(PledgeTally) error) error { return tx.TallyPledges(m.Year(), fn) })
	defer stopPledges()
	rep, rmore := reports()
	pl, pmore := pledges()
	err = tx.TallyMembers(func(mt MemberTally) error {
		cur := &mt.Member
		for len(claimed) > 0 && claimed[0].member < cur.ID { // its member is not stored (or unreadable): by the entry only
			claimed[0].entry.tally(&tallies[claimed[0].entry.at], nil, false, m, loc, nil, nil, nil)
			claimed = claimed[1:]
		}
		for rmore && rep.Member < cur.ID {
			rep, rmore = reports()
		}
		for pmore && pl.Member < cur.ID {
			pl, pmore = pledges()
		}
		var oe orgEntry
		if len(claimed) > 0 && claimed[0].member == cur.ID {
			oe = claimed[0].entry
			claimed = claimed[1:]
		} else {
			// A member on no entry (see withUnlisted): their own entry.
			at, inCell := cellAt[cur.Cell]
			if listed[cur.ID] || !inCell || !RosterEntryOf(*cur).OnRosterIn(cur.Cell, m, loc) {
				return nil
			}
			oe = orgEntry{at: at, own: true}
		}
		var rp *ReportTally
		var pp *PledgeTally
		if rmore && rep.Member == cur.ID {
			rp = &rep
		}
		if pmore && pl.Member == cur.ID {
			pp = &pl
		}
		var deed func() (string, string)
		if deeds && rp != nil && rp.Exemplary && rp.Submitted && oe.counts(m, loc, cur) {
			// The deed's name and text are in the records: read the
			// two of an exemplary report.
			full, r, what, err := exemplary(tx, cur.ID, m)
			if err := dmg.skip(what, err); err != nil {
				return fmt.Errorf("load exemplary report %d %s: %w", cur.ID, m, err)
			}
			if full.ID == 0 {
				rp = nil // unreadable: counted as not reported
			}
			deed = func() (string, string) { return full.Name, summaryDeedText(&r) }
		}
		oe.tally(&tallies[oe.at], cur, mt.Connected, m, loc, rp, pp, deed)
		return nil
	})
	err = dmg.listing(err) // damaged digests are skipped: their members count by their entry or not at all
	if err == nil {
		err = dmg.listing(stopReports())
	}
	if err == nil {
		err = dmg.listing(stopPledges())
	}
	if err != nil {
		return OrgSummary{}, fmt.Errorf("org summary of %s: %w", m, err)
	}
	for _, c := range claimed { // entries whose member is not stored (or unreadable): by their entry only
		c.entry.tally(&tallies[c.entry.at], nil, false, m, loc, nil, nil, nil)
	}
	sums := make([]CellSummary, len(tallies))
	for i := range tallies {
		sums[i] = tallies[i].summary()
	}
	return SummarizeOrg(m, sums), nil
}

// exemplary reads member id and their report of m in full (an exemplary
// report's deed). A member or report that is not stored comes back with
// ID 0; what names the record an error is about.
func exemplary(tx Tx, id MemberID, m Month) (mb Member, r Report, what string, err error) {
	mb, ok, err := tx.Member(id)
	if err != nil || !ok {
		return Member{}, Report{}, fmt.Sprintf("member %d", id), err
	}
	r, ok, err = tx.Report(id, m)
	if err != nil || !ok {
		return Member{}, Report{}, fmt.Sprintf("report %d %s", id, m), err
	}
	return mb, r, "", nil
}

// pull turns a store listing (each calls fn with one value at a time) into
// a pull iterator: next returns the next value and whether there was one;
// stop ends the listing (it may be called more than once) and returns the
// listing's error, a *DamagedError for skipped records.
func pull[T any](each func(fn func(T) error) error) (next func() (T, bool), stop func() error) {
	var err error
	var stopped bool
	seq := func(yield func(T) bool) {
		err = each(func(v T) error {
			if !yield(v) {
				return errStopped
			}
			return nil
		})
	}
	n, s := iter.Pull(seq)
	return n, func() error {
		if !stopped {
			stopped = true
			s()
		}
		if errors.Is(err, errStopped) {
			return nil
		}
		return err
	}
}

// errStopped ends a listing whose reader stopped early.
var errStopped = errors.New("flows: listing stopped")

// orgClaim is an entry on a cell's roster in the month with the member of
// its first claim.
type orgClaim struct {
	member MemberID
	entry  orgEntry
}

// byMember sorts claims by member, keeping of the claims of one member
// (which the store does not let happen) the last.
func byMember(claims []orgClaim) []orgClaim {
	slices.SortStableFunc(claims, func(a, b orgClaim) int { return cmp.Compare(a.member, b.member) })
	out := claims[:0]
	for i, c := range claims {
		if i+1 < len(claims) && claims[i+1].member == c.member {
			continue
		}
		out = append(out, c)
	}
	return out
}

// orgEntry is what the organisation's summary keeps of a roster entry on
// a cell's roster in the month: the cell's tally, and the entry's part of
// the rule (RosterEntry.CountsIn).
type orgEntry struct {
	at           int32 // the tally of the cell the entry is on in the month
	rosterExempt bool  // miễn by the roster's status in the month (RosterEntry.StatusIn)
	history      bool  // the entry has recorded status changes (exemptDuring)
	own          bool  // that cell is the entry's cell now: its member's rules hold
}

// counts reports whether the entry, with mb its member (nil for none),
// counts in month (see RosterEntry.CountsIn).
func (oe orgEntry) counts(month Month, loc *time.Location, mb *Member) bool {
	return rosterCounts(exemptDuring(oe.rosterExempt, oe.history, mb), oe.own, month, loc, mb)
}

// tally counts the entry in t, with mb its member (nil for none) and
// whether they use the bot, r and p the digests of their report and
// pledge, deed the name and text of an exemplary report (cellTally.addTally).
func (oe orgEntry) tally(t *cellTally, mb *Member, connected bool, month Month, loc *time.Location, r *ReportTally, p *PledgeTally, deed func() (string, string)) {
	how := tallied{onRoster: true, exempt: exemptDuring(oe.rosterExempt, oe.history, mb),
		counts: oe.counts(month, loc, mb), connected: mb != nil && connected}
	if mb == nil {
		mb = &Member{}
	}
	t.addTally(mb, how, r, p, deed)
}
