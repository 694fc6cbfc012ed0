package flows

import (
	"errors"
	"fmt"
	"iter"
	"time"
)

// orgSummary is OrgSummary; with a non-nil dmg, the records it cannot read
// are left out (a damaged cell is not ranked, a damaged member, report or
// pledge not counted) and collected in dmg. It reads the roster's digests,
// keeping of each entry on a cell's roster in the month only what the
// month's rule needs (orgEntry), then merges the members' digests with
// those of the month's reports and of the year's pledges, all three by
// member ID: its memory grows with the claimed entries by a few words
// each, never with the history.
func (e *Engine) orgSummary(tx Tx, m Month, dmg *damage) (OrgSummary, error) {
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
	claimed := map[MemberID]orgEntry{}
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
		claimed[en.Claims[0].Member] = oe
		for _, cl := range en.Claims[1:] {
			listed[cl.Member] = true
		}
		return nil
	})
	if err := dmg.listing(err); err != nil {
		return OrgSummary{}, fmt.Errorf("org summary: roster: %w", err)
	}
	// Members, the month's reports and the year's pledges all come by
	// member ID: merge the three streams, one member at a time.
	reports, stopReports := pull(func(fn func(ReportTally) error) error { return tx.TallyReports(m, fn) })
	defer stopReports()
	pledges, stopPledges := pull(func(fn func(PledgeTally) error) error { return tx.TallyPledges(m.Year(), fn) })
	defer stopPledges()
	rep, rmore := reports()
	pl, pmore := pledges()
	err = tx.TallyMembers(func(mt MemberTally) error {
		cur := &mt.Member
		for rmore && rep.Member < cur.ID {
			rep, rmore = reports()
		}
		for pmore && pl.Member < cur.ID {
			pl, pmore = pledges()
		}
		oe, ok := claimed[cur.ID]
		if !ok {
			// A member on no entry (see withUnlisted): their own entry.
			at, inCell := cellAt[cur.Cell]
			if listed[cur.ID] || !inCell || !RosterEntryOf(*cur).OnRosterIn(cur.Cell, m, loc) {
				return nil
			}
			oe = orgEntry{at: at, own: true}
		}
		delete(claimed, cur.ID)
		var rp *ReportTally
		var pp *PledgeTally
		if rmore && rep.Member == cur.ID {
			rp = &rep
		}
		if pmore && pl.Member == cur.ID {
			pp = &pl
		}
		var deed func() (string, string)
		if rp != nil && rp.Exemplary && rp.Submitted && oe.counts(m, loc, cur) {
			// The deed's name and text are in the records: read the
			// two of an exemplary report.
			full, r, err := exemplary(tx, cur.ID, m)
			if err := dmg.skip(fmt.Sprintf("member %d", cur.ID), err); err != nil {
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
	for _, oe := range claimed { // entries whose member is not stored (or unreadable): by their entry only
		oe.tally(&tallies[oe.at], nil, false, m, loc, nil, nil, nil)
	}
	sums := make([]CellSummary, len(tallies))
	for i := range tallies {
		sums[i] = tallies[i].summary()
	}
	return SummarizeOrg(m, sums), nil
}

// exemplary reads member id and their report of m in full (an exemplary
// report's deed). A member or report that is not stored comes back with
// ID 0.
func exemplary(tx Tx, id MemberID, m Month) (Member, Report, error) {
	mb, ok, err := tx.Member(id)
	if err != nil || !ok {
		return Member{}, Report{}, err
	}
	r, ok, err := tx.Report(id, m)
	if err != nil || !ok {
		return Member{}, Report{}, err
	}
	return mb, r, nil
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
