package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/bits"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The on-disk layout of bbolt (go.etcd.io/bbolt/internal/common), which
// the checks read with plain file reads instead of through bbolt's memory
// map: a fault in a map of a truncated file is a SIGBUS no recover can
// catch, and bbolt trusts what it reads.
const (
	boltMagic   = 0xED0CDAED
	boltVersion = 2

	pageHeaderSize  = 16 // id u64, flags u16, count u16, overflow u32
	metaSize        = 64 // magic, version, page size, flags u32; root, sequence, freelist, pgid, txid, checksum u64
	metaSummed      = 56 // the checksum covers the meta before it
	elementSize     = 16 // branch: pos, ksize u32, pgid u64; leaf: flags, pos, ksize, vsize u32
	bucketValueSize = 16 // root pgid, sequence u64; an inline bucket's page follows

	branchPage   = 0x01
	leafPage     = 0x02
	metaPage     = 0x04
	freelistPage = 0x10
	bucketLeaf   = 0x01

	noFreelist = ^uint64(0)

	minPageSize = 1 << 10
	maxPageSize = 1 << 24
	maxDepth    = 64 // branch levels and nested buckets together
)

var ne = binary.NativeEndian // bbolt files use the machine's byte order

// meta is one of the two header pages of a bbolt file.
type meta struct {
	pageSize uint32
	root     uint64 // the root bucket's page
	freelist uint64 // the freelist's page, or noFreelist
	pgid     uint64 // the high-water mark: pages 0 to pgid-1 are in use
	txid     uint64
}

// parseMeta reads the meta in page p (at least its header and meta).
func parseMeta(p []byte) (meta, error) {
	if len(p) < pageHeaderSize+metaSize {
		return meta{}, errors.New("too short")
	}
	m := p[pageHeaderSize:]
	h := fnv.New64a()
	h.Write(m[:metaSummed])
	switch {
	case ne.Uint32(m[0:]) != boltMagic:
		return meta{}, errors.New("not a bbolt header")
	case ne.Uint32(m[4:]) != boltVersion:
		return meta{}, fmt.Errorf("bbolt format version %d", ne.Uint32(m[4:]))
	case ne.Uint64(m[56:]) != h.Sum64():
		return meta{}, errors.New("checksum mismatch")
	}
	return meta{
		pageSize: ne.Uint32(m[8:]),
		root:     ne.Uint64(m[16:]),
		freelist: ne.Uint64(m[32:]),
		pgid:     ne.Uint64(m[40:]),
		txid:     ne.Uint64(m[48:]),
	}, nil
}

// header is what the header pages of a data file say, checked against the
// file's size.
type header struct {
	size     int64
	pageSize int
	meta     meta     // the header page bbolt uses: the newest valid one
	notes    []string // harmless oddities, e.g. one invalid header page
}

// pages returns the number of pages in use (the high-water mark).
func (h header) pages() uint64 { return h.meta.pgid }

// readHeader reads and checks the header pages of the bbolt file f of size
// bytes, as bbolt's Open would, and then checks that the file holds every
// page the header says is in use, and that the root and the freelist are
// among them. It reads nothing else.
func readHeader(f io.ReaderAt, size int64) (header, error) {
	h := header{size: size}
	if size < 2*minPageSize {
		return h, fmt.Errorf("it is only %d bytes, too short for a bbolt file (truncated?)", size)
	}
	buf := make([]byte, pageHeaderSize+metaSize)
	var metas [2]meta
	var errs [2]error
	if _, err := f.ReadAt(buf, 0); err != nil {
		return h, fmt.Errorf("read header: %w", err)
	}
	metas[0], errs[0] = parseMeta(buf)
	if errs[0] == nil && validPageSize(metas[0].pageSize) {
		h.pageSize = int(metas[0].pageSize)
	} else if errs[0] == nil {
		errs[0] = fmt.Errorf("page size %d", metas[0].pageSize)
	}
	if h.pageSize != 0 {
		metas[1], errs[1] = readMetaAt(f, buf, int64(h.pageSize), size)
	} else {
		// As bbolt does: look for the second header page at each possible
		// page size.
		errs[1] = errors.New("not found")
		for ps := int64(minPageSize); ps <= maxPageSize && ps+pageHeaderSize+metaSize <= size; ps <<= 1 {
			m, err := readMetaAt(f, buf, ps, size)
			if err == nil && int64(m.pageSize) == ps {
				metas[1], errs[1], h.pageSize = m, nil, int(ps)
				break
			}
		}
	}
	if errs[0] == nil && errs[1] == nil && metas[1].pageSize != metas[0].pageSize {
		errs[1] = fmt.Errorf("page size %d, the other says %d", metas[1].pageSize, metas[0].pageSize)
	}
	use := 0
	switch {
	case errs[0] != nil && errs[1] != nil:
		if zeros(f, min(size, 2*int64(max(h.pageSize, 4096)))) {
			return h, errors.New("its first pages are all zero bytes: it is not a data file any more (zeroed or never written)")
		}
		return h, fmt.Errorf("both header pages are invalid (page 0: %v; page 1: %v): not a lamtheo data file, or its header is damaged", errs[0], errs[1])
	case errs[0] != nil:
		use = 1
	case errs[1] != nil:
		use = 0
	case metas[1].txid > metas[0].txid:
		use = 1
	}
	if errs[1-use] != nil {
		// bbolt falls back on the other header page, which is consistent
		// (its transaction's pages were not reused): the file loses at most
		// its last transaction.
		h.notes = append(h.notes, fmt.Sprintf("header page %d is invalid (%v); bbolt uses page %d", 1-use, errs[1-use], use))
	}
	h.meta = metas[use]
	// bbolt's own check reads both header pages as pages: each must say
	// which one it is.
	for pg := range 2 {
		var hdr [pageHeaderSize]byte
		if _, err := f.ReadAt(hdr[:], int64(pg*h.pageSize)); err != nil {
			return h, fmt.Errorf("read header page %d: %w", pg, err)
		}
		if id, flags := ne.Uint64(hdr[0:]), ne.Uint16(hdr[8:]); id != uint64(pg) || flags != metaPage {
			return h, fmt.Errorf("header page %d is marked as page %d of type %#x", pg, id, flags)
		}
	}
	m, ps := h.meta, uint64(h.pageSize)
	switch {
	case m.pgid < 4:
		return h, fmt.Errorf("header page %d says only %d pages are in use", use, m.pgid)
	case m.pgid > uint64(size)/ps:
		return h, fmt.Errorf("it is %d bytes but its header says it holds %d pages of %d bytes (%d bytes): it was truncated, e.g. by a full disk or an interrupted copy", size, m.pgid, ps, m.pgid*ps)
	case m.root < 2 || m.root >= m.pgid:
		return h, fmt.Errorf("header page %d puts the root at page %d, outside pages 2 to %d", use, m.root, m.pgid-1)
	case m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.pgid):
		return h, fmt.Errorf("header page %d puts the freelist at page %d, outside pages 2 to %d", use, m.freelist, m.pgid-1)
	}
	return h, nil
}

// validPageSize reports whether n is a page size bbolt can have written.
func validPageSize(n uint32) bool {
	return n >= minPageSize && n <= maxPageSize && bits.OnesCount32(n) == 1
}

// readMetaAt reads the header page at off of a file of size bytes.
func readMetaAt(f io.ReaderAt, buf []byte, off, size int64) (meta, error) {
	if off+int64(len(buf)) > size {
		return meta{}, errors.New("past the end of the file")
	}
	if _, err := f.ReadAt(buf, off); err != nil {
		return meta{}, err
	}
	return parseMeta(buf)
}

// zeros reports whether the first n bytes of f are all zero.
func zeros(f io.ReaderAt, n int64) bool {
	b := make([]byte, n)
	if _, err := f.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		return false
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// pageReader reads pages of a bbolt file with plain reads, checking every
// offset, count and size it meets against the page and the file.
type pageReader struct {
	f  io.ReaderAt
	h  header
	ps uint64
}

// read reads page id and its overflow pages into buf (grown as needed) and
// returns them with the page's flags and count. It checks that the page
// says it is id and lies within the pages in use.
func (r pageReader) read(id uint64, buf []byte) (p []byte, flags, count uint16, err error) {
	if id < 2 || id >= r.h.pages() {
		return nil, 0, 0, fmt.Errorf("page %d is referenced, but the pages in use are 2 to %d", id, r.h.pages()-1)
	}
	if uint64(cap(buf)) < r.ps {
		buf = make([]byte, r.ps)
	}
	p = buf[:r.ps]
	if _, err := r.f.ReadAt(p, int64(id*r.ps)); err != nil {
		return nil, 0, 0, fmt.Errorf("read page %d: %w", id, err)
	}
	pid, flags, count, overflow := ne.Uint64(p[0:]), ne.Uint16(p[8:]), ne.Uint16(p[10:]), uint64(ne.Uint32(p[12:]))
	if pid != id {
		return nil, 0, 0, fmt.Errorf("page %d says it is page %d", id, pid)
	}
	if overflow >= r.h.pages()-id {
		return nil, 0, 0, fmt.Errorf("page %d runs %d pages past the last page in use", id, overflow+id+1-r.h.pages())
	}
	if overflow > 0 {
		n := (overflow + 1) * r.ps
		if uint64(cap(buf)) < n {
			buf = append(buf[:r.ps], make([]byte, n-r.ps)...)
		}
		p = buf[:n]
		if _, err := r.f.ReadAt(p[r.ps:], int64((id+1)*r.ps)); err != nil {
			return nil, 0, 0, fmt.Errorf("read page %d: %w", id, err)
		}
	}
	return p, flags, count, nil
}

// checkFreelist checks the freelist page: its type and size, and that the
// free pages it lists are in use, not the header pages, sorted and
// distinct. bbolt panics on a freelist that breaks these, at Open or at
// the first commit.
func (r pageReader) checkFreelist() error {
	id := r.h.meta.freelist
	if id == noFreelist {
		return nil
	}
	p, flags, count, err := r.read(id, nil)
	if err != nil {
		return fmt.Errorf("freelist: %w", err)
	}
	if flags != freelistPage {
		return fmt.Errorf("the freelist page %d is not a freelist page (type %#x)", id, flags)
	}
	start, n := uint64(pageHeaderSize), uint64(count)
	if count == 0xFFFF { // the count is the first element
		if len(p) < pageHeaderSize+8 {
			return fmt.Errorf("the freelist page %d is too short", id)
		}
		n = ne.Uint64(p[pageHeaderSize:])
		start += 8
	}
	if n > (uint64(len(p))-start)/8 {
		return fmt.Errorf("the freelist page %d lists %d pages, more than it can hold", id, n)
	}
	prev := uint64(1)
	for i := range n {
		f := ne.Uint64(p[start+8*i:])
		switch {
		case f < 2 || f >= r.h.pages():
			return fmt.Errorf("the freelist lists page %d, outside pages 2 to %d", f, r.h.pages()-1)
		case f <= prev && i > 0:
			return fmt.Errorf("the freelist lists page %d after page %d (out of order or twice)", f, prev)
		}
		prev = f
	}
	return nil
}

// walker visits every page reachable from the root bucket with plain
// reads, checking each element's key and value lie within its page, and
// that no page is reached twice. After a walk without error, nothing bbolt
// reads while it checks or serves the file lies outside the file.
type walker struct {
	pageReader
	seen  []uint64 // bitset of the pages reached
	bufs  [][]byte // one page buffer per depth
	count uint64   // pages reached
}

// walk checks the tree of the root bucket.
func (w *walker) walk() error {
	w.seen = make([]uint64, (w.h.pages()+63)/64)
	w.bufs = make([][]byte, maxDepth+1)
	return w.page(w.h.meta.root, 0)
}

// mark records pages id to id+n as reached; it fails if one was already.
func (w *walker) mark(id, n uint64) error {
	for i := id; i <= id+n; i++ {
		if w.seen[i/64]&(1<<(i%64)) != 0 {
			return fmt.Errorf("page %d is reached twice", i)
		}
		w.seen[i/64] |= 1 << (i % 64)
	}
	w.count += n + 1
	return nil
}

// page checks the branch or leaf page id at depth and what it refers to.
func (w *walker) page(id uint64, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("page %d is more than %d levels deep", id, maxDepth)
	}
	p, flags, count, err := w.read(id, w.bufs[depth])
	if err != nil {
		return err
	}
	w.bufs[depth] = p
	if err := w.mark(id, uint64(len(p))/w.ps-1); err != nil {
		return err
	}
	switch flags {
	case branchPage:
		if count == 0 {
			return fmt.Errorf("branch page %d is empty", id)
		}
		if err := elements(p, count, id, false); err != nil {
			return err
		}
		for i := range int(count) {
			e := p[pageHeaderSize+i*elementSize:]
			if err := w.page(ne.Uint64(e[8:]), depth+1); err != nil {
				return err
			}
		}
		return nil
	case leafPage:
		return w.leaf(p, count, id, depth)
	default:
		return fmt.Errorf("page %d is neither a branch nor a leaf (type %#x)", id, flags)
	}
}

// leaf checks the leaf page p (count elements) of page id, and the buckets
// it holds: inline ones in place, the others' pages at depth+1.
func (w *walker) leaf(p []byte, count uint16, id uint64, depth int) error {
	if err := elements(p, count, id, true); err != nil {
		return err
	}
	for i := range int(count) {
		e := p[pageHeaderSize+i*elementSize:]
		if ne.Uint32(e[0:])&bucketLeaf == 0 {
			continue
		}
		off := pageHeaderSize + i*elementSize + int(ne.Uint32(e[4:])) + int(ne.Uint32(e[8:]))
		v := p[off : off+int(ne.Uint32(e[12:]))]
		if len(v) < bucketValueSize {
			return fmt.Errorf("page %d: bucket %d has a header of %d bytes", id, i, len(v))
		}
		if root := ne.Uint64(v); root != 0 {
			if err := w.page(root, depth+1); err != nil {
				return err
			}
			continue
		}
		inline := v[bucketValueSize:]
		if len(inline) < pageHeaderSize {
			return fmt.Errorf("page %d: inline bucket %d is too short", id, i)
		}
		if f := ne.Uint16(inline[8:]); f != leafPage {
			return fmt.Errorf("page %d: inline bucket %d is not a leaf (type %#x)", id, i, f)
		}
		if depth+1 > maxDepth {
			return fmt.Errorf("page %d: buckets nested more than %d deep", id, maxDepth)
		}
		if err := w.leaf(inline, ne.Uint16(inline[10:]), id, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// elements checks that the count elements of page p (of page id) and their
// keys, and for a leaf their values, lie within p.
func elements(p []byte, count uint16, id uint64, leaf bool) error {
	end := uint64(pageHeaderSize) + uint64(count)*elementSize
	if end > uint64(len(p)) {
		return fmt.Errorf("page %d: %d elements do not fit in %d bytes", id, count, len(p))
	}
	for i := range uint64(count) {
		at := pageHeaderSize + i*elementSize
		e := p[at:]
		var pos, n uint64
		if leaf {
			pos, n = uint64(ne.Uint32(e[4:])), uint64(ne.Uint32(e[8:]))+uint64(ne.Uint32(e[12:]))
		} else {
			pos, n = uint64(ne.Uint32(e[0:])), uint64(ne.Uint32(e[4:]))
		}
		if at+pos < end || at+pos+n > uint64(len(p)) {
			return fmt.Errorf("page %d: element %d points outside its page", id, i)
		}
	}
	return nil
}

// errViewGone: the header page of a read transaction was overwritten by
// two later commits before walkView read it; a new transaction may do.
var errViewGone = errors.New("the transaction's header page was already reused")

// walkView walks, with plain reads of f (size bytes), the tree that btx,
// a read transaction of the same file, sees: from the header page of
// btx's transaction (bbolt writes the two header pages in turn, and the
// pages an open read transaction sees are not reused), so commits may go
// on meanwhile. After it, bbolt's own check of btx reads nothing outside
// the file: a page id gone wrong would otherwise fault in bbolt's check
// goroutine, where no recover can reach it.
func walkView(f io.ReaderAt, size int64, btx *bolt.Tx) (pages uint64, err error) {
	h, err := readHeader(f, size)
	if err != nil {
		return 0, err
	}
	buf := make([]byte, pageHeaderSize+metaSize)
	for pg := range 2 {
		m, err := readMetaAt(f, buf, int64(pg*h.pageSize), size)
		if err != nil || m.txid != uint64(btx.ID()) {
			continue
		}
		if m.pgid > h.meta.pgid || m.root < 2 || m.root >= m.pgid {
			return 0, fmt.Errorf("header page %d of transaction %d is inconsistent (root %d, %d pages in use)", pg, m.txid, m.root, m.pgid)
		}
		h.meta = m
		w := walker{pageReader: pageReader{f: f, h: h, ps: uint64(h.pageSize)}}
		err = w.walk()
		return w.count, err
	}
	return 0, errViewGone
}

// boltCheck runs bbolt's own consistency check (freelist against reachable
// pages, key order) on the read-only bbolt bdb, and returns up to ten of
// the problems it reports. The caller has walked the file, so bbolt reads
// nothing outside it.
func boltCheck(bdb *bolt.DB) error {
	return bdb.View(func(btx *bolt.Tx) error {
		var errs []error
		for e := range btx.Check() {
			if len(errs) < 10 {
				errs = append(errs, e)
			}
		}
		return errors.Join(errs...)
	})
}

// withFaults runs fn with memory faults turned into panics (see
// debug.SetPanicOnFault) and recovers them, and any other panic, into a
// *panicError.
func withFaults(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{r}
		}
	}()
	return fn()
}

// panicError is a panic of bbolt (or a memory fault) recovered by
// withFaults.
type panicError struct{ v any }

func (e *panicError) Error() string { return fmt.Sprintf("bbolt failed reading it: %v", e.v) }

// isDamage reports whether err, from bbolt, means the file is damaged: a
// recovered panic or fault, or header pages bbolt rejects.
func isDamage(err error) bool {
	var pe *panicError
	return errors.As(err, &pe) || errors.Is(err, berrors.ErrInvalid) ||
		errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrVersionMismatch)
}
