package flows

// The tally digests are what the organisation's figures (OrgSummary, the
// leaderboard) read of each record: a few fields, kept by the store in a
// compact index of its own (a roster entry's: in its cell index) in the
// same transaction as the record (see Tx.TallyMembers). They carry data, never decisions: the rules of who
// counts are the ones every summary asks (roster_count.go, rules.go).

// MemberTally is the digest of a member: Member holds its ID, Cell,
// Status, Joined and Pauses only (no name, no identities); Connected is
// Member.Connected of the full record.
type MemberTally struct {
	Member    Member
	Connected bool
}

// ReportTally is the digest of a report: whether it was submitted, whether
// the cell recorded it for its member (Report.Recorded), whether it is
// exemplary, and the pledge items its entries report done (Entry.Item of
// the entries with status Done, in the report's order).
type ReportTally struct {
	Member    MemberID
	Submitted bool
	OnBehalf  bool
	Exemplary bool
	Done      []int
}

// PledgeTally is the digest of a pledge: its status and its items' numbers
// (PledgeItem.No, in the pledge's order).
type PledgeTally struct {
	Member MemberID
	Status PledgeStatus
	Items  []int
}

// ReportTallyOf returns r's digest: what the store keeps of it.
func ReportTallyOf(r Report) ReportTally {
	t := ReportTally{Member: r.Member, Submitted: !r.Submitted.IsZero(), OnBehalf: !r.Recorded.Zero(), Exemplary: r.Exemplary}
	for _, e := range r.Entries {
		if e.Status == Done {
			t.Done = append(t.Done, e.Item)
		}
	}
	return t
}

// PledgeTallyOf returns p's digest.
func PledgeTallyOf(p Pledge) PledgeTally {
	t := PledgeTally{Member: p.Member, Status: p.Status}
	for _, it := range p.Items {
		t.Items = append(t.Items, it.No)
	}
	return t
}

// MemberTallyOf returns m's digest.
func MemberTallyOf(m Member) MemberTally {
	return MemberTally{Member: Member{ID: m.ID, Cell: m.Cell, Status: m.Status, Joined: m.Joined, Pauses: m.Pauses}, Connected: m.Connected()}
}

// RosterTallyOf returns e's digest: the entry without its name, role and
// the platforms and times of its claims (a claim keeps its member).
func RosterTallyOf(e RosterEntry) RosterEntry {
	d := RosterEntry{ID: e.ID, Cell: e.Cell, Status: e.Status, Added: e.Added, Removed: e.Removed, Moves: e.Moves, Statuses: e.Statuses}
	for _, c := range e.Claims {
		d.Claims = append(d.Claims, RosterClaim{Member: c.Member})
	}
	return d
}

// itemsDone counts the pledge's items (their numbers) that done reports
// done, each once.
func itemsDone(items, done []int) int {
	n := 0
	for _, no := range items {
		for _, d := range done {
			if d == no {
				n++
				break
			}
		}
	}
	return n
}
