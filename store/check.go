package store

import (
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrDamaged is wrapped by the errors of Open, Check, Restore and Update
// when a data file is damaged: truncated, emptied, or with pages that are
// not what bbolt wrote. Such errors are *DamagedError values.
var ErrDamaged = errors.New("store: data file damaged")

// DamagedError says what is wrong with a damaged data file, in words for
// the operator. It wraps ErrDamaged.
type DamagedError struct {
	Path   string
	Empty  bool   // the file has 0 bytes
	Reason string // what is wrong; empty when Empty
}

func (e *DamagedError) Error() string {
	if e.Empty {
		return fmt.Sprintf("data file %s is empty (0 bytes): it holds no organisation; delete it to start over, or restore a backup", e.Path)
	}
	return fmt.Sprintf("data file %s is damaged: %s", e.Path, e.Reason)
}

// Unwrap returns ErrDamaged.
func (e *DamagedError) Unwrap() error { return ErrDamaged }

// errLockTimeout is lockFile's error when another process holds the lock.
var errLockTimeout = errors.New("lock timeout")

// keyRunning, in the meta bucket, is 1 while a lamtheo has the file open
// and 0 once it closed it (see Open and Close). A file left at 1 was not
// closed: a crash, a kill, a power cut, or a copy taken while it ran.
var keyRunning = []byte("running")

// fullCheckSize is the size up to which Open checks a data file fully
// (reading every page and running bbolt's check) before it returns.
// BenchmarkOpenCheck, on the project's 2-core machine with the file in the
// page cache: the full check costs about 1.6 ms per MB when the machine is
// quiet (82 ms for 52 MB, 0.40 s for 267 MB with 100,000 members and a
// year of reports, 1.0 s for 637 MB with 250,000) and up to 4 ms per MB
// when it is busy, and 6.5 s for a 1.6 GB file not in the page cache; the
// quick checks cost about 2 ms whatever the size. So a file up to 64 MiB
// (a commune's is a few MB) is always read whole, in at most a quarter of
// a second. A larger one starts in milliseconds: closed cleanly, it is
// read whole by every backup's verification and by "lamtheo check"; not
// closed cleanly, bbolt's check runs in the background after Open (see
// checkLater). A variable so that tests can lower it.
var fullCheckSize int64 = 64 << 20

// Report is what a check found out about a data file.
type Report struct {
	Path     string
	Size     int64
	PageSize int
	Pages    uint64   // pages in use (bbolt's high-water mark)
	Reached  uint64   // pages reached from the root (full check only)
	Txid     uint64   // bbolt's transaction id: it grows with every commit
	Schema   uint32   // lamtheo's schema version; 0 when none is recorded
	Clean    bool     // the last lamtheo to use the file closed it
	Full     bool     // every page was read and bbolt's check ran
	Tally    bool     // the tally index was compared with the records (full check of schema 8 and later)
	Notes    []string // harmless oddities, e.g. one invalid header page
	Took     time.Duration
}

// Check checks the data file at path fully, without opening it for
// writing: its size against its header pages, its freelist, every page
// reachable from its root (read with plain reads, so a truncated or
// damaged file cannot fault), then bbolt's own consistency check on a
// read-only open. It waits up to timeout (default 1 s) for another
// lamtheo using the file, then fails with ErrLocked. A damaged file gives
// an error wrapping ErrDamaged (a *DamagedError); a missing one an error
// wrapping fs.ErrNotExist.
func Check(path string, timeout time.Duration) (Report, error) {
	return inspect(path, timeout, func(Report) bool { return true })
}

// inspect checks the data file at path: the quick checks (header pages,
// size, freelist, a read-only open reading the schema and the running
// marker), then, when full says so, the walk of every page and bbolt's
// check. It holds a shared lock on the file meanwhile, so it fails with
// ErrLocked while a lamtheo has the file open.
func inspect(path string, timeout time.Duration, full func(Report) bool) (rep Report, err error) {
	start := time.Now()
	rep.Path = path
	if timeout <= 0 {
		timeout = time.Second
	}
	f, err := os.Open(path)
	if err != nil {
		return rep, err
	}
	defer f.Close()
	if err := lockFile(f, false, timeout); errors.Is(err, errLockTimeout) {
		return rep, lockedError(path)
	} else if err != nil {
		return rep, fmt.Errorf("lock %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		return rep, err
	}
	rep.Size = st.Size()
	damaged := func(format string, args ...any) error {
		return &DamagedError{Path: path, Reason: fmt.Sprintf(format, args...)}
	}
	if rep.Size == 0 {
		return rep, &DamagedError{Path: path, Empty: true}
	}
	h, err := readHeader(f, rep.Size)
	if err != nil {
		return rep, damaged("%v", err)
	}
	rep.PageSize, rep.Pages, rep.Txid, rep.Notes = h.pageSize, h.pages(), h.meta.txid, h.notes
	pr := pageReader{f: f, h: h, ps: uint64(h.pageSize)}
	if err := pr.checkFreelist(); err != nil {
		return rep, damaged("%v", err)
	}
	// The root page: bbolt reads it first of all.
	if _, flags, _, err := pr.read(h.meta.root, nil); err != nil {
		return rep, damaged("root: %v", err)
	} else if flags != branchPage && flags != leafPage {
		return rep, damaged("the root page %d is neither a branch nor a leaf (type %#x)", h.meta.root, flags)
	}

	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return rep, lockedError(path)
	}
	if err != nil {
		return rep, damaged("bbolt cannot open it: %v", err)
	}
	defer bdb.Close()
	err = withFaults(func() error {
		return bdb.View(func(btx *bolt.Tx) error {
			meta := btx.Bucket(bucketMeta)
			if meta == nil {
				return nil // created but never prepared: a new file
			}
			if v := meta.Get([]byte("schema")); len(v) == 4 {
				rep.Schema = uint32(v[0])<<24 | uint32(v[1])<<16 | uint32(v[2])<<8 | uint32(v[3])
			}
			v := meta.Get(keyRunning)
			rep.Clean = len(v) == 1 && v[0] == 0
			return nil
		})
	})
	if err != nil {
		return rep, damaged("%v", err)
	}
	if !full(rep) {
		rep.Took = time.Since(start)
		return rep, nil
	}
	w := walker{pageReader: pr}
	if err := w.walk(); err != nil {
		return rep, damaged("%v", err)
	}
	rep.Reached = w.count
	if err := withFaults(func() error { return boltCheck(bdb) }); err != nil {
		return rep, damaged("bbolt's check failed: %v", err)
	}
	if rep.Schema >= tallySchema {
		if err := withFaults(func() error { return bdb.View(checkTally) }); err != nil {
			return rep, damaged("%v", err)
		}
		rep.Tally = true
	}
	rep.Full = true
	rep.Took = time.Since(start)
	return rep, nil
}

// lockedError is the error of a file another lamtheo instance holds.
func lockedError(path string) error {
	return fmt.Errorf("open %s: another lamtheo instance is using this file (stop it or choose another data file): %w", path, ErrLocked)
}
