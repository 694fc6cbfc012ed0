package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/flows"
)

// The tally index (schema 8) keeps a digest of every member, report,
// pledge and roster entry (flows.MemberTally and its kin; a roster entry's
// is the value of its key in the roster's cell index, which held nothing
// before): what the organisation's figures read, a few bytes each, so that a month's summary
// reads the digests of that month's reports and of the year's pledges
// instead of whole records spread over the file. The write functions of
// the records (PutMember, PutReport, PutPledge, PutRosterEntry) write the
// digest in the same transaction, so that no caller can forget it; the
// upgrade to schema 8 builds it for an existing file (buildTally) and a
// full check compares it with the records (checkTally).
//
// A digest is a version byte, then varints (times as the records write
// them: seconds since the zero time, then nanoseconds) and length-prefixed
// cell codes:
//
//	member: flags (1 connected), status, cell, joined, pauses (count, then set and until of each)
//	report: flags (1 submitted, 2 recorded for the member, 4 exemplary), done items (count, then each number)
//	pledge: status, items (count, then each number)
//	roster: cell, status, added, removed, claims' members (count, each), moves (count, then from and at), status changes (count, then from and at)

// tallySchema is the first schema with the tally index.
const tallySchema = 8

// tallyV1 is the version byte of every digest.
const tallyV1 = 1

// Digest flags.
const (
	tallyConnected = 1 // member: Member.Connected

	tallySubmitted = 1 // report: Submitted is set
	tallyOnBehalf  = 2 // report: Recorded is set
	tallyExemplary = 4 // report: Exemplary
)

// tallyKey returns the key of a digest under a 4-byte period (a month or
// a year) and a member: period first, so that one month's reports (one
// year's pledges) are one range ordered by member.
func tallyKey(period uint32, member flows.MemberID) []byte {
	k := binary.BigEndian.AppendUint32(make([]byte, 0, 12), period)
	return binary.BigEndian.AppendUint64(k, uint64(member))
}

func encodeMemberTally(m *flows.Member) []byte {
	e := newEnc(24 + len(m.Cell) + 12*len(m.Pauses))
	e.b[0] = tallyV1
	var flags uint64
	if m.Connected() {
		flags |= tallyConnected
	}
	e.uvarint(flags)
	e.uvarint(uint64(m.Status))
	e.str(m.Cell)
	e.time(m.Joined)
	e.uvarint(uint64(len(m.Pauses)))
	for _, p := range m.Pauses {
		e.time(p.Set)
		e.time(p.Until)
	}
	return e.b
}

func encodeReportTally(r flows.Report) []byte {
	e := newEnc(4 + len(r.Entries))
	e.b[0] = tallyV1
	d := flows.ReportTallyOf(r)
	var flags uint64
	if d.Submitted {
		flags |= tallySubmitted
	}
	if d.OnBehalf {
		flags |= tallyOnBehalf
	}
	if d.Exemplary {
		flags |= tallyExemplary
	}
	e.uvarint(flags)
	e.uvarint(uint64(len(d.Done)))
	for _, no := range d.Done {
		e.int(no)
	}
	return e.b
}

func encodePledgeTally(p flows.Pledge) []byte {
	e := newEnc(4 + len(p.Items))
	e.b[0] = tallyV1
	e.uvarint(uint64(p.Status))
	e.uvarint(uint64(len(p.Items)))
	for _, it := range p.Items {
		e.int(it.No)
	}
	return e.b
}

func encodeRosterTally(en *flows.RosterEntry) []byte {
	return appendRosterTally(make([]byte, 0, 32+len(en.Cell)+10*len(en.Claims)+20*(len(en.Moves)+len(en.Statuses))), en)
}

// appendRosterTally appends the digest of en to dst.
func appendRosterTally(dst []byte, en *flows.RosterEntry) []byte {
	e := &enc{b: append(dst, tallyV1)}
	e.str(en.Cell)
	e.uvarint(uint64(en.Status))
	e.time(en.Added)
	e.time(en.Removed)
	e.uvarint(uint64(len(en.Claims)))
	for _, c := range en.Claims {
		e.uvarint(uint64(c.Member))
	}
	e.uvarint(uint64(len(en.Moves)))
	for _, mv := range en.Moves {
		e.str(mv.From)
		e.time(mv.At)
	}
	e.uvarint(uint64(len(en.Statuses)))
	for _, c := range en.Statuses {
		e.uvarint(uint64(c.From))
		e.time(c.At)
	}
	return e.b
}

// tdec reads a digest in place: unlike dec it copies nothing, and the cell
// codes it reads come from a table of the codes met so far, so that a
// listing allocates only when it meets a new cell.
type tdec struct {
	b     []byte
	err   bool
	cells map[string]string
}

func newTdec(v []byte, cells map[string]string) tdec {
	d := tdec{b: v, cells: cells}
	if len(v) == 0 || v[0] != tallyV1 {
		d.err = true
	} else {
		d.b = v[1:]
	}
	return d
}

func (d *tdec) uvarint() uint64 {
	if d.err {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *tdec) int() int {
	u := d.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return int(v)
}

// count reads a count of items of at least min bytes each.
func (d *tdec) count(min int) int {
	n := d.uvarint()
	if n > uint64(len(d.b)/min) {
		d.err = true
		return 0
	}
	return int(n)
}

func (d *tdec) cell() string {
	n := d.uvarint()
	if d.err || n > uint64(len(d.b)) {
		d.err = true
		return ""
	}
	b := d.b[:n]
	d.b = d.b[n:]
	s, ok := d.cells[string(b)]
	if !ok {
		s = string(b)
		d.cells[s] = s
	}
	return s
}

func (d *tdec) time() time.Time {
	sec := d.int()
	nsec := d.uvarint()
	if d.err || (sec == 0 && nsec == 0) {
		return time.Time{}
	}
	if nsec >= 1e9 {
		d.err = true
		return time.Time{}
	}
	return time.Unix(int64(sec)+zeroUnix, int64(nsec)).UTC()
}

// done reports an error when d failed or left bytes unread.
func (d *tdec) done() error {
	if d.err || len(d.b) != 0 {
		return fmt.Errorf("%w: bad tally digest", errCorrupt)
	}
	return nil
}

func decodeMemberTally(m *flows.MemberTally, id flows.MemberID, v []byte, cells map[string]string) error {
	d := newTdec(v, cells)
	flags := d.uvarint()
	pauses := m.Member.Pauses[:0]
	m.Member = flows.Member{ID: id, Status: flows.Status(d.uvarint()), Cell: d.cell(), Joined: d.time()}
	m.Connected = flags&tallyConnected != 0
	for n := d.count(4); n > 0; n-- {
		pauses = append(pauses, flows.Pause{Set: d.time(), Until: d.time()})
	}
	if len(pauses) > 0 {
		m.Member.Pauses = pauses
	}
	return d.done()
}

func decodeReportTally(r *flows.ReportTally, member flows.MemberID, v []byte) error {
	d := newTdec(v, nil)
	flags := d.uvarint()
	*r = flows.ReportTally{Member: member, Submitted: flags&tallySubmitted != 0, OnBehalf: flags&tallyOnBehalf != 0,
		Exemplary: flags&tallyExemplary != 0, Done: r.Done[:0]}
	for n := d.count(1); n > 0; n-- {
		r.Done = append(r.Done, d.int())
	}
	return d.done()
}

func decodePledgeTally(p *flows.PledgeTally, member flows.MemberID, v []byte) error {
	d := newTdec(v, nil)
	*p = flows.PledgeTally{Member: member, Status: flows.PledgeStatus(d.uvarint()), Items: p.Items[:0]}
	for n := d.count(1); n > 0; n-- {
		p.Items = append(p.Items, d.int())
	}
	return d.done()
}

func decodeRosterTally(e *flows.RosterEntry, id flows.RosterID, v []byte, cells map[string]string) error {
	d := newTdec(v, cells)
	claims, moves, statuses := e.Claims[:0], e.Moves[:0], e.Statuses[:0]
	*e = flows.RosterEntry{ID: id, Cell: d.cell(), Status: flows.RosterStatus(d.uvarint()), Added: d.time(), Removed: d.time()}
	for n := d.count(1); n > 0; n-- {
		claims = append(claims, flows.RosterClaim{Member: flows.MemberID(d.uvarint())})
	}
	for n := d.count(3); n > 0; n-- {
		moves = append(moves, flows.RosterMove{From: d.cell(), At: d.time()})
	}
	for n := d.count(3); n > 0; n-- {
		statuses = append(statuses, flows.RosterStatusChange{From: flows.RosterStatus(d.uvarint()), At: d.time()})
	}
	e.Claims, e.Moves, e.Statuses = nilIfEmpty(claims), nilIfEmpty(moves), nilIfEmpty(statuses)
	return d.done()
}

// nilIfEmpty returns s, nil when it is empty (as the records decode).
func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// TallyMembers implements flows.Tx.
func (t *tx) TallyMembers(fn func(m flows.MemberTally) error) error {
	cells := map[string]string{}
	var m flows.MemberTally
	return eachDigest(t.b(bucketTallyMembers), nil, 8, func(k, v []byte) error {
		return decodeMemberTally(&m, flows.MemberID(binary.BigEndian.Uint64(k)), v, cells)
	}, func(k []byte) string { return fmt.Sprint("member ", binary.BigEndian.Uint64(k)) }, func() error { return fn(m) })
}

// TallyReports implements flows.Tx.
func (t *tx) TallyReports(month flows.Month, fn func(r flows.ReportTally) error) error {
	var r flows.ReportTally
	return eachDigest(t.b(bucketTallyReports), monthPrefix(month), 12, func(k, v []byte) error {
		return decodeReportTally(&r, flows.MemberID(binary.BigEndian.Uint64(k[4:])), v)
	}, func(k []byte) string { return fmt.Sprintf("report %d %s", binary.BigEndian.Uint64(k[4:]), month) }, func() error { return fn(r) })
}

// TallyPledges implements flows.Tx.
func (t *tx) TallyPledges(year int, fn func(p flows.PledgeTally) error) error {
	var p flows.PledgeTally
	return eachDigest(t.b(bucketTallyPledges), binary.BigEndian.AppendUint32(nil, uint32(year)), 12, func(k, v []byte) error {
		return decodePledgeTally(&p, flows.MemberID(binary.BigEndian.Uint64(k[4:])), v)
	}, func(k []byte) string { return fmt.Sprintf("pledge %d/%d", binary.BigEndian.Uint64(k[4:]), year) }, func() error { return fn(p) })
}

// TallyRoster implements flows.Tx: the digests are the values of the
// roster's cell index, so the entries come by cell, then ID.
func (t *tx) TallyRoster(fn func(e flows.RosterEntry) error) error {
	cells := map[string]string{}
	var e flows.RosterEntry
	return eachDigest(t.b(bucketRosterCell), nil, 0, func(k, v []byte) error {
		return decodeRosterTally(&e, flows.RosterID(binary.BigEndian.Uint64(k[len(k)-8:])), v, cells)
	}, func(k []byte) string { return fmt.Sprint("roster entry ", binary.BigEndian.Uint64(k[len(k)-8:])) }, func() error { return fn(e) })
}

// eachDigest runs over the keys of b under prefix of length keyLen (0: a
// cell index's key, a cell code then 8 bytes): decode decodes one, then
// each is called. Damaged digests are skipped and reported at the end,
// named by what.
func eachDigest(b *bolt.Bucket, prefix []byte, keyLen int, decode func(k, v []byte) error, what func(k []byte) string, each func() error) error {
	var dmg damage
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if keyLen == 0 && (len(k) == 0 || len(k) != 1+int(k[0])+8) || keyLen > 0 && len(k) != keyLen {
			continue
		}
		if err := decode(k, v); err != nil {
			w := what(k)
			if err := dmg.add(w, fmt.Errorf("%s: tally: %w", w, err)); err != nil {
				return err
			}
			continue
		}
		if err := each(); err != nil {
			return err
		}
	}
	return dmg.err()
}
