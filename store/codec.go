package store

import (
	"encoding/binary"
	"fmt"
	"time"
	"unsafe"

	"lamtheo/bot"
	"lamtheo/flows"
)

// Records are a compact hand-written binary encoding: a version byte, then
// the fields in a fixed order as varints and length-prefixed strings. A
// record type is private to this package; flows types are converted to and
// from it here. Decoding copies the value once into a string and slices
// every text field out of it, so a record costs one allocation plus one per
// slice it holds.
//
// Times are stored as seconds since the zero time.Time plus nanoseconds and
// come back in UTC (the zero time stays zero). Empty slices and maps come
// back nil. A change of layout gets a new version byte, and the decoder of
// the old version stays until a schema migration has rewritten the records.

// recordV1 is the version byte of every record written by this build but
// the outbox envelope.
const recordV1 = 1

// sessionV2 is version 1's fields, then the latest notice's choices and
// time.
const sessionV2 = 2

// sessionV3 is version 2's fields, then the number of the latest
// question. Versions 1 and 2 decode with question 0.
const sessionV3 = 3

// sessionV4 is the version byte of the session records this build writes:
// version 3's layout with the flow's typed state (opaque bytes, encoded by
// flows) in place of its map of strings. The map of an older record means
// nothing to this build's flows: a conversation in progress in it decodes
// with no step and Updated zero, so the engine expires it with its usual
// message; its notice and question number are kept.
const sessionV4 = 4

// memberV2 is the version byte of the member records this build writes:
// version 1's fields, then the pending identities.
const memberV2 = 2

// envelopeV2 is version 1's fields, then Bulk. Version 1 envelopes (schema
// 1 files) still decode, as not bulk.
const envelopeV2 = 2

// envelopeV3 is the version byte of the outbox envelopes this build writes:
// version 2's fields, then Strip.
const envelopeV3 = 3

// errCorrupt is wrapped by every decode failure: it is flows.ErrDamaged,
// so that the engine can tell a record it will never read from a passing
// failure.
var errCorrupt = flows.ErrDamaged

// zeroUnix is the Unix second of the zero time.Time.
var zeroUnix = time.Time{}.Unix()

// enc appends fields to a record.
type enc struct{ b []byte }

func newEnc(size int) *enc {
	e := &enc{b: make([]byte, 0, size)}
	e.b = append(e.b, recordV1)
	return e
}

func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) int(v int)        { e.varint(int64(v)) }
func (e *enc) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) bytes(p []byte)   { e.uvarint(uint64(len(p))); e.b = append(e.b, p...) }

func (e *enc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *enc) time(t time.Time) {
	e.varint(t.Unix() - zeroUnix)
	e.uvarint(uint64(t.Nanosecond()))
}

func (e *enc) user(p bot.Platform, id string) { e.str(string(p)); e.str(id) }

// dec reads fields from a record held in a string. The first error sticks;
// later reads return zero values.
type dec struct {
	s   string
	i   int
	ver byte // the record's version byte
	err error
}

// arena hands out memory for decoding many records at once (a month of
// reports, every member): record bytes are copied into shared 64 KiB
// chunks and slices are carved from shared backing arrays, which saves
// several allocations per record. A chunk is never written again once
// handed out, so the strings and slices stay valid for as long as the
// caller keeps them. A nil arena allocates per record.
type arena struct {
	buf     []byte
	users   []bot.UserID
	entries []flows.Entry
}

const arenaChunk = 64 << 10

// str returns a string holding a copy of v.
func (a *arena) str(v []byte) string {
	if a == nil || len(v) > arenaChunk/4 {
		return string(v)
	}
	if len(v) == 0 {
		return ""
	}
	if cap(a.buf)-len(a.buf) < len(v) {
		a.buf = make([]byte, 0, arenaChunk)
	}
	start := len(a.buf)
	a.buf = append(a.buf, v...)
	// The bytes are never modified after this point.
	return unsafe.String(&a.buf[start], len(v))
}

// userSlice returns a zeroed slice of n identities whose capacity is n, so
// that an append by the caller never reaches a neighbour's elements.
func (a *arena) userSlice(n int) []bot.UserID {
	if a == nil {
		return make([]bot.UserID, n)
	}
	return carve(&a.users, n)
}

// entrySlice is userSlice for report entries.
func (a *arena) entrySlice(n int) []flows.Entry {
	if a == nil {
		return make([]flows.Entry, n)
	}
	return carve(&a.entries, n)
}

// carve cuts a zeroed slice of n elements with capacity n from the block
// *pool, starting a new block when it is full; large slices get their own.
func carve[T any](pool *[]T, n int) []T {
	if n > 64 {
		return make([]T, n)
	}
	if cap(*pool)-len(*pool) < n {
		*pool = make([]T, 0, 1024)
	}
	start := len(*pool)
	*pool = (*pool)[:start+n]
	return (*pool)[start : start+n : start+n]
}

// newDec copies v into a string (from a, if not nil) and checks the
// version byte is recordV1.
func newDec(v []byte, a *arena) dec { return newDecUpTo(v, a, recordV1) }

// newDecUpTo is newDec for a record type with versions 1 to newest; d.ver
// tells which one v is.
func newDecUpTo(v []byte, a *arena, newest byte) dec {
	d := dec{s: a.str(v)}
	if len(d.s) == 0 {
		d.err = fmt.Errorf("%w: empty", errCorrupt)
		return d
	}
	if d.s[0] < recordV1 || d.s[0] > newest {
		d.err = fmt.Errorf("%w: unknown record version %d", errCorrupt, d.s[0])
		return d
	}
	d.ver = d.s[0]
	d.i = 1
	return d
}

func (d *dec) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s at byte %d", errCorrupt, what, d.i)
	}
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	var shift uint
	for j := d.i; j < len(d.s) && j-d.i < binary.MaxVarintLen64; j++ {
		c := d.s[j]
		if c < 0x80 {
			d.i = j + 1
			return v | uint64(c)<<shift
		}
		v |= uint64(c&0x7f) << shift
		shift += 7
	}
	d.fail("varint")
	return 0
}

func (d *dec) varint() int64 {
	u := d.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *dec) int() int { return int(d.varint()) }

func (d *dec) str() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.s)-d.i) {
		d.fail("string length")
		return ""
	}
	s := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

func (d *dec) bytes() []byte {
	s := d.str()
	if s == "" {
		return nil
	}
	return []byte(s)
}

func (d *dec) bool() bool {
	if d.err != nil {
		return false
	}
	if d.i >= len(d.s) {
		d.fail("bool")
		return false
	}
	c := d.s[d.i]
	d.i++
	return c != 0
}

func (d *dec) time() time.Time {
	sec := d.varint()
	nsec := d.uvarint()
	if d.err != nil || (sec == 0 && nsec == 0) {
		return time.Time{}
	}
	if nsec >= 1e9 {
		d.fail("time")
		return time.Time{}
	}
	return time.Unix(sec+zeroUnix, int64(nsec)).UTC()
}

// count reads a slice length and checks it against the bytes left, each
// element taking at least min bytes.
func (d *dec) count(min int) int {
	n := d.uvarint()
	if d.err != nil {
		return 0
	}
	if n > uint64((len(d.s)-d.i)/min) {
		d.fail("count")
		return 0
	}
	return int(n)
}

// --- member ---

func encodeMember(m *flows.Member) []byte {
	e := newEnc(64 + len(m.Name) + len(m.PauseReason) + 24*(len(m.Users)+len(m.Pending)))
	e.b[0] = memberV2
	e.str(m.Name)
	e.str(m.Cell)
	e.bool(m.Secretary)
	e.int(int(m.Status))
	e.uvarint(uint64(len(m.Users)))
	for _, u := range m.Users {
		e.user(u.Platform, u.ID)
	}
	e.time(m.Joined)
	e.time(m.PausedUntil)
	e.str(m.PauseReason)
	e.uvarint(uint64(len(m.Pending)))
	for _, u := range m.Pending {
		e.user(u.Platform, u.ID)
	}
	return e.b
}

func decodeMember(id flows.MemberID, v []byte, a *arena) (flows.Member, error) {
	d := newDecUpTo(v, a, memberV2)
	m := flows.Member{ID: id}
	m.Name = d.str()
	m.Cell = d.str()
	m.Secretary = d.bool()
	m.Status = flows.Status(d.int())
	if n := d.count(2); n > 0 {
		m.Users = a.userSlice(n)
		for i := range m.Users {
			m.Users[i] = bot.UserID{Platform: bot.Platform(d.str()), ID: d.str()}
		}
	}
	m.Joined = d.time()
	m.PausedUntil = d.time()
	m.PauseReason = d.str()
	if d.ver >= memberV2 {
		if n := d.count(2); n > 0 {
			m.Pending = make([]bot.UserID, n)
			for i := range m.Pending {
				m.Pending[i] = bot.UserID{Platform: bot.Platform(d.str()), ID: d.str()}
			}
		}
	}
	return m, d.err
}

// --- cell ---

func encodeCell(c flows.Cell) []byte {
	e := newEnc(32 + len(c.Name) + 24*len(c.Groups))
	e.str(c.Name)
	e.int(c.MeetingDay)
	e.uvarint(uint64(len(c.Groups)))
	for _, g := range c.Groups {
		e.user(g.Platform, g.ID)
	}
	return e.b
}

func decodeCell(code string, v []byte) (flows.Cell, error) {
	d := newDec(v, nil)
	c := flows.Cell{Code: code}
	c.Name = d.str()
	c.MeetingDay = d.int()
	if n := d.count(2); n > 0 {
		c.Groups = make([]bot.ChatID, n)
		for i := range c.Groups {
			c.Groups[i] = bot.ChatID{Platform: bot.Platform(d.str()), ID: d.str()}
		}
	}
	return c, d.err
}

// --- session ---

func encodeSession(s flows.Session) []byte {
	e := newEnc(128 + len(s.State))
	e.b[0] = sessionV4
	e.str(s.Flow)
	e.str(s.Step)
	e.bytes(s.State)
	e.uvarint(uint64(len(s.Choices)))
	for _, c := range s.Choices {
		e.str(c)
	}
	e.time(s.Updated)
	e.uvarint(uint64(len(s.Notice)))
	for _, c := range s.Notice {
		e.str(c)
	}
	e.time(s.NoticeAt)
	e.uvarint(s.Question)
	return e.b
}

func decodeSession(v []byte) (flows.Session, error) {
	d := newDecUpTo(v, nil, sessionV4)
	var s flows.Session
	s.Flow = d.str()
	s.Step = d.str()
	if d.ver >= sessionV4 {
		s.State = d.bytes()
	} else if n := d.count(2); n > 0 { // the old map of strings: skipped
		for range 2 * n {
			d.str()
		}
	}
	if n := d.count(1); n > 0 {
		s.Choices = make([]string, n)
		for i := range s.Choices {
			s.Choices[i] = d.str()
		}
	}
	s.Updated = d.time()
	if d.ver >= sessionV2 {
		if n := d.count(1); n > 0 {
			s.Notice = make([]string, n)
			for i := range s.Notice {
				s.Notice[i] = d.str()
			}
		}
		s.NoticeAt = d.time()
	}
	if d.ver >= sessionV3 {
		s.Question = d.uvarint()
	}
	if d.ver < sessionV4 && s.Flow != "" {
		s.Step, s.Updated = "", time.Time{} // its state is lost: expire it
	}
	return s, d.err
}

// --- invite ---

// inviteV2 is the version byte of the invite records this build writes:
// version 1's fields, then the group the code was posted in and when it
// was revoked. Version 1 records decode as given privately and live.
const inviteV2 = 2

func encodeInvite(inv flows.Invite) []byte {
	e := newEnc(48 + len(inv.Cell) + len(inv.Group.ID))
	e.b[0] = inviteV2
	e.str(inv.Cell)
	e.time(inv.Created)
	e.time(inv.Expires)
	e.user(inv.Group.Platform, inv.Group.ID)
	e.time(inv.Revoked)
	return e.b
}

func decodeInvite(code string, v []byte) (flows.Invite, error) {
	d := newDecUpTo(v, nil, inviteV2)
	inv := flows.Invite{Code: code}
	inv.Cell = d.str()
	inv.Created = d.time()
	inv.Expires = d.time()
	if d.ver >= inviteV2 {
		inv.Group = bot.ChatID{Platform: bot.Platform(d.str()), ID: d.str()}
		inv.Revoked = d.time()
	}
	return inv, d.err
}

// --- join attempts ---

func encodeAttempts(a flows.JoinAttempts) []byte {
	e := newEnc(32)
	e.int(a.Wrong)
	e.time(a.Since)
	e.time(a.Until)
	return e.b
}

func decodeAttempts(v []byte) (flows.JoinAttempts, error) {
	d := newDec(v, nil)
	var a flows.JoinAttempts
	a.Wrong = d.int()
	a.Since = d.time()
	a.Until = d.time()
	return a, d.err
}

// --- pledge ---

func encodePledge(p flows.Pledge) []byte {
	size := 32 + len(p.Comment)
	for _, it := range p.Items {
		size += 8 + len(it.Text) + len(it.Category) + len(it.Target)
	}
	e := newEnc(size)
	e.uvarint(uint64(len(p.Items)))
	for _, it := range p.Items {
		e.int(it.No)
		e.str(it.Text)
		e.str(it.Category)
		e.str(it.Target)
	}
	e.int(p.NextNo)
	e.int(int(p.Status))
	e.str(p.Comment)
	e.time(p.Submitted)
	e.time(p.Decided)
	return e.b
}

func decodePledge(member flows.MemberID, year int, v []byte) (flows.Pledge, error) {
	d := newDec(v, nil)
	p := flows.Pledge{Member: member, Year: year}
	if n := d.count(4); n > 0 {
		p.Items = make([]flows.PledgeItem, n)
		for i := range p.Items {
			it := &p.Items[i]
			it.No = d.int()
			it.Text = d.str()
			it.Category = d.str()
			it.Target = d.str()
		}
	}
	p.NextNo = d.int()
	p.Status = flows.PledgeStatus(d.int())
	p.Comment = d.str()
	p.Submitted = d.time()
	p.Decided = d.time()
	return p, d.err
}

// --- report ---

func encodeReport(r flows.Report) []byte {
	size := 32 + len(r.Other) + len(r.Photo)
	for _, en := range r.Entries {
		size += 4 + len(en.Text)
	}
	e := newEnc(size)
	e.uvarint(uint64(len(r.Entries)))
	for _, en := range r.Entries {
		e.int(en.Item)
		e.int(int(en.Status))
		e.str(en.Text)
	}
	e.str(r.Other)
	e.str(r.Photo)
	e.time(r.Submitted)
	e.bool(r.Exemplary)
	return e.b
}

func decodeReport(month flows.Month, member flows.MemberID, v []byte, a *arena) (flows.Report, error) {
	d := newDec(v, a)
	r := flows.Report{Member: member, Month: month}
	if n := d.count(3); n > 0 {
		r.Entries = a.entrySlice(n)
		for i := range r.Entries {
			en := &r.Entries[i]
			en.Item = d.int()
			en.Status = flows.ItemStatus(d.int())
			en.Text = d.str()
		}
	}
	r.Other = d.str()
	r.Photo = d.str()
	r.Submitted = d.time()
	r.Exemplary = d.bool()
	return r, d.err
}

// --- outbox envelope ---

func encodeEnvelope(r bot.Reply, queued time.Time) []byte {
	size := 64 + len(r.Title) + len(r.Text) + len(r.Hint) + len(r.Photo) + len(r.Edit)
	if r.File != nil {
		size += len(r.File.Data) + len(r.File.Name)
	}
	e := newEnc(size)
	e.b[0] = envelopeV3
	e.user(r.Chat.Platform, r.Chat.ID)
	e.str(r.Title)
	e.str(r.Text)
	e.uvarint(uint64(len(r.Choices)))
	for _, row := range r.Choices {
		e.uvarint(uint64(len(row)))
		for _, c := range row {
			e.str(c.Label)
			e.str(c.Data)
		}
	}
	e.str(r.Hint)
	e.bool(r.Link != nil)
	if r.Link != nil {
		e.str(r.Link.Label)
		e.str(r.Link.Payload)
		e.str(r.Link.Alt)
	}
	e.str(r.Photo)
	e.bool(r.File != nil)
	if r.File != nil {
		e.str(r.File.Name)
		e.bytes(r.File.Data)
	}
	e.str(r.Edit)
	e.time(queued)
	e.bool(r.Bulk)
	e.str(r.Strip)
	return e.b
}

func decodeEnvelope(seq uint64, v []byte) (bot.Envelope, error) {
	d := newDecUpTo(v, nil, envelopeV3)
	env := bot.Envelope{Seq: seq}
	r := &env.Reply
	r.Chat = bot.ChatID{Platform: bot.Platform(d.str()), ID: d.str()}
	r.Title = d.str()
	r.Text = d.str()
	if n := d.count(1); n > 0 {
		r.Choices = make([][]bot.Choice, n)
		for i := range r.Choices {
			if m := d.count(2); m > 0 {
				r.Choices[i] = make([]bot.Choice, m)
				for j := range r.Choices[i] {
					r.Choices[i][j] = bot.Choice{Label: d.str(), Data: d.str()}
				}
			}
		}
	}
	r.Hint = d.str()
	if d.bool() {
		r.Link = &bot.Link{Label: d.str(), Payload: d.str(), Alt: d.str()}
	}
	r.Photo = d.str()
	if d.bool() {
		r.File = &bot.File{Name: d.str(), Data: d.bytes()}
	}
	r.Edit = d.str()
	env.Queued = d.time()
	if d.ver >= envelopeV2 {
		r.Bulk = d.bool()
	}
	if d.ver >= envelopeV3 {
		r.Strip = d.str()
	}
	return env, d.err
}

// --- aside ---

func encodeAside(a flows.Aside) []byte {
	e := newEnc(64 + len(a.Key) + len(a.Chat.ID) + len(a.From.ID) + len(a.FromName) + len(a.Text) + len(a.Err))
	e.time(a.At)
	e.str(a.Key)
	e.user(a.Chat.Platform, a.Chat.ID)
	e.user(a.From.Platform, a.From.ID)
	e.str(a.FromName)
	e.int(int(a.Kind))
	e.str(a.Text)
	e.str(a.Err)
	return e.b
}

func decodeAside(v []byte) (flows.Aside, error) {
	d := newDec(v, nil)
	var a flows.Aside
	a.At = d.time()
	a.Key = d.str()
	a.Chat = bot.ChatID{Platform: bot.Platform(d.str()), ID: d.str()}
	a.From = bot.UserID{Platform: bot.Platform(d.str()), ID: d.str()}
	a.FromName = d.str()
	a.Kind = bot.Kind(d.int())
	a.Text = d.str()
	a.Err = d.str()
	return a, d.err
}

// --- budget note ---

func encodeBudgetNote(n flows.BudgetNote) []byte {
	e := newEnc(48 + len(n.Job) + len(n.Cell))
	e.time(n.At)
	e.str(string(n.Job))
	e.str(n.Cell)
	e.int(int(n.Kind))
	e.int(n.Planned)
	e.int(n.Done)
	e.bool(n.Group)
	return e.b
}

func decodeBudgetNote(v []byte) (flows.BudgetNote, error) {
	d := newDec(v, nil)
	n := flows.BudgetNote{At: d.time(), Job: flows.Job(d.str()), Cell: d.str(), Kind: flows.BudgetKind(d.int()),
		Planned: d.int(), Done: d.int(), Group: d.bool()}
	return n, d.err
}
