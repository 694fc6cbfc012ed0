package store

import (
	"encoding/binary"
	"fmt"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

// Records are a compact hand-written binary encoding: a version byte, then
// the fields in a fixed order as varints and length-prefixed strings. A
// record type is private to this package; each entity's encodeX and decodeX
// live in its file, next to its Tx methods (members.go, reports.go,
// outbox.go...), and this file holds the primitives they share. Decoding
// copies the value once into a string and slices every text field out of
// it, so a record costs one allocation plus one per slice it holds.
//
// An unsafe decode arena (records copied into shared 64 KiB chunks) used to
// save those allocations on bulk reads. It was removed because its gain did
// not show (2 shared cores, count 6, benchstat medians, with vs without):
// BenchmarkDecodeMonth 281 vs 251 ms (p=0.24), flows BenchmarkSummaryOrg
// 615 vs 625 ms (p=0.59, target 1 s); allocations fell 1.36 M to 0.52 M per
// summary, bytes only 2 %.
//
// Times are stored as seconds since the zero time.Time plus nanoseconds and
// come back in UTC (the zero time stays zero). Empty slices and maps come
// back nil. A change of layout gets a new version byte, and the decoder of
// the old version stays until a schema migration has rewritten the records.

// recordV1 is the version byte of every record type still at its first
// layout; a record type with a newer layout has its own constant.
const recordV1 = 1

// recordedV2 is the version byte of a report or pledge the cell recorded
// for its member (flows.Recorded): version 1's fields, then who recorded
// it and when. The member's own are still written as version 1.
const recordedV2 = 2

func (e *enc) recorded(r flows.Recorded) { e.uvarint(uint64(r.By)); e.time(r.At) }

func (d *dec) recorded() flows.Recorded {
	return flows.Recorded{By: flows.MemberID(d.uvarint()), At: d.time()}
}

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

// strs writes a list of strings: its length, then each one.
func (e *enc) strs(ss []string) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

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

// newDec copies v into a string and checks the version byte is recordV1.
func newDec(v []byte) dec { return newDecUpTo(v, recordV1) }

// newDecUpTo is newDec for a record type with versions 1 to newest; d.ver
// tells which one v is.
func newDecUpTo(v []byte, newest byte) dec {
	d := dec{s: string(v)}
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

// strs reads a list written by enc.strs; nil when it is empty.
func (d *dec) strs() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
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
