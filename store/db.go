package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"lamtheo/bot"
	"lamtheo/flows"
)

// Compile-time checks that DB provides what flows and bot consume.
var (
	_ flows.Store = (*DB)(nil)
	_ flows.Tx    = (*tx)(nil)
)

// ErrLocked is wrapped by the error of Open when another process (or another
// DB in this process) holds the file.
var ErrLocked = errors.New("store: database file is locked")

// ErrSchema is wrapped by the error of Open when the file was written by a
// newer lamtheo whose schema this build does not know.
var ErrSchema = errors.New("store: unsupported schema version")

// ErrClosed is returned by Update and View after Close.
var ErrClosed = errors.New("store: database closed")

// schemaVersion is the layout of buckets and records this build writes.
// Schema 2 writes outbox envelopes of record version 2 (with Reply.Bulk),
// which a schema 1 build cannot read. Schema 3 keys the outbox by platform
// and then Seq, one partition per platform. Schema 4 indexes each envelope
// under its chat and kind (bucket outbox_chat) and records the progress of
// long replies (outbox_sent); a schema 3 build would leave the index stale.
// Schema 5 keeps each cell's roster (buckets roster, roster_cell,
// roster_claim); its upgrade puts every member in a cell on the roster.
// Schema 6 keeps generated files apart (file_requests, files, file_data,
// file_links) and writes envelopes of version 5, whose file is a stored
// file's id (an older build would send such a reply without its file).
// Schema 7 writes the records of recording for members without a phone
// and of the roster's moves: report records of version 2 (Recorded),
// pledges of version 3 (Recorded), members of version 3
// (Recorder), roster entries of version 2 (Moves) and the roster_past
// index; a schema 6 build would take those records for damaged ones, so
// it must stop at Open instead. Schema 8 keeps the tally index (buckets
// tally_members, tally_reports, tally_pledges, and the values of
// roster_cell: tally.go), which a schema 7 build would leave stale. It is a variable only so
// that a test can play an older build.
var schemaVersion uint32 = 8

// migrations[v] upgrades a file of schema v to v+1 inside Open's write
// transaction. When the layout changes, bump schemaVersion and add the step
// here.
var migrations = map[uint32]func(tx *bolt.Tx) error{
	// Schema 1 to 2: nothing to rewrite, version 1 envelopes decode as not
	// bulk. The bump keeps an older build from opening a file whose outbox
	// it cannot read.
	1: func(*bolt.Tx) error { return nil },
	// Schema 2 to 3: the outbox is partitioned by platform.
	2: migrateOutbox3,
	// Schema 3 to 4: each chat's queues are indexed.
	3: migrateOutbox4,
	// Schema 4 to 5: every member in a cell becomes a roster entry.
	4: migrateRoster5,
	// Schema 5 to 6: nothing to rewrite; Open creates the file buckets,
	// and version 4 envelopes (their file's bytes inline) still decode
	// and send.
	5: func(*bolt.Tx) error { return nil },
	// Schema 6 to 7: nothing to rewrite; the older record versions still
	// decode, and Open creates roster_past. The bump keeps a schema 6
	// build from opening a file with records it cannot read.
	6: func(*bolt.Tx) error { return nil },
	// Schema 7 to 8: nothing here. Open builds the tally index
	// (tally.go) from the records before the migrations, in transactions
	// of its own (buildTally), and this one's commit makes it the
	// file's.
	7: func(*bolt.Tx) error { return nil },
}

// Options configures Open. The zero value is usable.
type Options struct {
	// Timeout is how long Open waits for the file lock. Default 1 s.
	Timeout time.Duration
	// Log receives the store's few log lines. Default: discard.
	Log *slog.Logger
	// Now is the clock for update markers, job marks, queue times and
	// backup names. Default time.Now.
	Now func() time.Time
	// Loc and MonthClock give the calendar month (of the organisation) in
	// which a sent message is counted, for a platform's monthly quota.
	// Default UTC and Now. (The terminal moves the organisation's clock;
	// update markers must keep to Now.)
	Loc        *time.Location
	MonthClock func() time.Time
	// UpgradeBackupDir is where Open copies a file of an older schema
	// before it upgrades it, as lamtheo-schemaN-YYYYMMDD-HHMMSS.db (N the
	// old version; backup retention never removes it). Default: the data
	// file's folder.
	UpgradeBackupDir string
	// InitialMmapSize is how much of the file bbolt maps at first, in
	// bytes. A process about to write one large transaction (lamtheo
	// import-roster) sets it to spare the remaps while the commit grows
	// the file, each of which copies every changed key and value onto the
	// heap. Address space only: it neither grows the file nor uses memory.
	// Default: bbolt's.
	InitialMmapSize int
}

// DB is lamtheo's durable state in one bbolt file: the flows records, the
// sessions and update markers, and the outbox. It is safe for concurrent
// use; Update calls from many goroutines are committed together (group
// commit). Open it once per process and Close it last.
type DB struct {
	bolt  *bolt.DB
	path  string
	log   *slog.Logger
	now   func() time.Time
	loc   *time.Location
	month func() time.Time // the clock of sent counts' months

	wakeMu sync.Mutex
	wakes  map[bot.Platform]chan struct{} // per outbox partition

	calls chan *call    // Updates waiting for the committer
	stop  chan struct{} // closed by Close to stop the committer
	done  chan struct{} // closed when the committer has stopped

	closeMu sync.RWMutex // held for reading by every Update and View
	closed  bool

	commits atomic.Uint64 // write transactions committed

	brokenMu  sync.Mutex
	brokenErr error         // why writing stopped; see Broken
	broken    chan struct{} // closed when brokenErr is set
}

// Open opens (creating if needed) the database file at path, creating its
// parent folder, and the buckets and schema inside it. If another lamtheo
// instance holds the file, Open gives up after opts.Timeout with an error
// wrapping ErrLocked.
//
// Before bbolt maps an existing file for writing, Open checks it with
// plain reads: its header pages, its size against them (a truncated file
// would SIGBUS), its freelist and its root; then it opens it read-only and
// reads whether the last lamtheo closed it. A file of at most 64 MiB is
// checked fully as Check does. A larger one is not read whole before Open
// returns, which would take seconds (see BenchmarkOpenCheck): if it was
// not closed cleanly (a crash, a kill, a power cut, a copy of a running
// file), bbolt's check of every page runs in the background, and damage
// it finds breaks the DB as a failed write does (see Broken). A damaged
// file, or an existing file of 0 bytes
// (bbolt would make it a new, empty one), is refused with a *DamagedError
// (wrapping ErrDamaged) that says what is wrong; Open never writes to it.
func Open(path string, opts Options) (*DB, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Loc == nil {
		opts.Loc = time.UTC
	}
	if opts.MonthClock == nil {
		opts.MonthClock = opts.Now
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Check the file before bbolt maps it for writing: bbolt trusts what
	// it reads, and a page missing from a truncated file is a SIGBUS.
	rep, err := inspect(path, opts.Timeout, func(r Report) bool { return r.Size <= fullCheckSize })
	switch {
	case errors.Is(err, fs.ErrNotExist): // a new file: bbolt creates it
	case err != nil:
		return nil, err
	default:
		opts.Log.Info("data file checked", bot.LogKeyPath, path, "size", rep.Size, "full", rep.Full, "closed_cleanly", rep.Clean, "took", rep.Took)
		for _, n := range rep.Notes {
			opts.Log.Warn("data file: "+n, bot.LogKeyPath, path)
		}
	}
	var bdb *bolt.DB
	var from uint32
	err = withFaults(func() error {
		var err error
		bdb, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout, InitialMmapSize: opts.InitialMmapSize})
		if err != nil {
			return err
		}
		if rep.Schema != 0 && rep.Schema < schemaVersion {
			if err := backupBeforeUpgrade(bdb, path, rep.Schema, opts); err != nil {
				_ = bdb.Close()
				return err
			}
		}
		if rep.Schema != 0 && rep.Schema < tallySchema && schemaVersion >= tallySchema {
			start := time.Now()
			if err := buildTally(bdb); err != nil {
				_ = bdb.Close()
				return fmt.Errorf("build the tally index: %w", err)
			}
			opts.Log.Info("tally index built", bot.LogKeyPath, path, "took", time.Since(start))
		}
		err = bdb.Update(func(btx *bolt.Tx) error {
			var err error
			from, err = prepare(btx)
			return err
		})
		if err != nil {
			_ = bdb.Close()
		}
		return err
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, lockedError(path)
	}
	if isDamage(err) {
		return nil, &DamagedError{Path: path, Reason: err.Error()}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if from != schemaVersion {
		opts.Log.Info("store schema upgraded", bot.LogKeyPath, path, "from", from, "to", schemaVersion)
	}
	db := &DB{
		bolt:   bdb,
		path:   path,
		log:    opts.Log,
		now:    opts.Now,
		loc:    opts.Loc,
		month:  opts.MonthClock,
		wakes:  make(map[bot.Platform]chan struct{}),
		calls:  make(chan *call, maxBatch),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
		broken: make(chan struct{}),
	}
	go db.commitLoop()
	if rep.Size > fullCheckSize && !rep.Clean {
		db.closeMu.RLock() // Close waits for the check
		go db.checkLater()
	}
	return db, nil
}

// prepare creates every bucket, checks the schema version and runs the
// migrations it needs. It returns the version the file had (schemaVersion
// for a new file).
func prepare(btx *bolt.Tx) (uint32, error) {
	for _, name := range allBuckets {
		if _, err := btx.CreateBucketIfNotExists(name); err != nil {
			return 0, fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := btx.Bucket(bucketMeta)
	if err := meta.Put(keyRunning, []byte{1}); err != nil {
		return 0, err
	}
	v := meta.Get([]byte("schema"))
	if v == nil {
		return schemaVersion, meta.Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, schemaVersion))
	}
	if len(v) != 4 {
		return 0, fmt.Errorf("schema version of %d bytes: %w", len(v), ErrSchema)
	}
	from := binary.BigEndian.Uint32(v)
	if from > schemaVersion {
		return from, fmt.Errorf("this data file was written by a newer lamtheo (schema version %d; this lamtheo only knows up to %d): run that version or a newer one, or restore a backup made by this one: %w", from, schemaVersion, ErrSchema)
	}
	for ver := from; ver < schemaVersion; ver++ {
		m := migrations[ver]
		if m == nil {
			return from, fmt.Errorf("no migration from schema version %d: %w", ver, ErrSchema)
		}
		if err := m(btx); err != nil {
			return from, fmt.Errorf("migrate schema %d to %d: %w", ver, ver+1, err)
		}
	}
	return from, meta.Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, schemaVersion))
}

// Commits returns how many write transactions the DB has committed since
// Open (not counting Open's own): a group of Updates committed together
// counts once. It is safe for concurrent use; benchmarks report it.
func (db *DB) Commits() uint64 { return db.commits.Load() }

// Path returns the file the DB was opened at.
func (db *DB) Path() string { return db.path }

// Close waits for running Updates and Views, marks the file closed
// cleanly (the next Open then need not read all of it), and closes it.
// Calls after Close fail with ErrClosed. A broken DB (see Broken) is left
// to the end of the process: bbolt may still hold its own lock.
func (db *DB) Close() error {
	db.closeMu.Lock()
	if db.closed {
		db.closeMu.Unlock()
		return nil
	}
	db.closed = true
	db.closeMu.Unlock()
	close(db.stop)
	<-db.done
	if db.Err() != nil {
		return nil
	}
	err := db.boltUpdate(func(btx *bolt.Tx) error {
		return btx.Bucket(bucketMeta).Put(keyRunning, []byte{0})
	})
	if db.Err() != nil {
		return nil
	}
	if cerr := db.bolt.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close %s: %w", db.path, err)
	}
	return nil
}

// Broken returns a channel closed when the DB stops writing because bbolt
// failed inside a commit (a panic or a memory fault: the file is damaged).
// From then on Update fails with Err, and the process should stop and
// have the file checked.
func (db *DB) Broken() <-chan struct{} { return db.broken }

// Err returns why the DB stopped writing, an error wrapping ErrDamaged, or
// nil while it works.
func (db *DB) Err() error {
	db.brokenMu.Lock()
	defer db.brokenMu.Unlock()
	return db.brokenErr
}

// boltUpdate runs fn in a bbolt write transaction, unless the DB is
// broken. A panic or memory fault inside bbolt breaks the DB: bbolt's
// state is unknown after it, so nothing is written any more.
func (db *DB) boltUpdate(fn func(*bolt.Tx) error) error {
	if err := db.Err(); err != nil {
		return err
	}
	err := withFaults(func() error { return db.bolt.Update(fn) })
	var pe *panicError
	if !errors.As(err, &pe) {
		return err
	}
	return db.breakWith(fmt.Sprintf("a write failed inside bbolt (%v); lamtheo stopped writing to it", pe.v))
}

// breakWith stops the DB writing, because the file is damaged for reason,
// unless it was stopped before, and returns why it stopped.
func (db *DB) breakWith(reason string) error {
	db.brokenMu.Lock()
	defer db.brokenMu.Unlock()
	if db.brokenErr == nil {
		db.brokenErr = &DamagedError{Path: db.path, Reason: reason}
		close(db.broken)
		db.log.Error("data file damaged: writes stopped", bot.LogKeyPath, db.path, bot.LogKeyErr, db.brokenErr)
	}
	return db.brokenErr
}

// checkLater runs bbolt's check of every page in one read transaction (a
// consistent view while Updates go on), for a big file that was not
// closed cleanly; damage breaks the DB. Open holds closeMu for reading
// for it, so that Close waits for the check.
func (db *DB) checkLater() {
	defer db.closeMu.RUnlock()
	start := time.Now()
	if err := withFaults(func() error { return boltCheck(db.bolt) }); err != nil {
		db.breakWith(fmt.Sprintf("bbolt's check after an unclean stop failed: %v", err))
		return
	}
	db.log.Info("data file checked in the background", bot.LogKeyPath, db.path, "took", time.Since(start))
}

// wakeOf returns the wake-up channel of platform p's outbox partition.
func (db *DB) wakeOf(p bot.Platform) chan struct{} {
	db.wakeMu.Lock()
	defer db.wakeMu.Unlock()
	w := db.wakes[p]
	if w == nil {
		w = make(chan struct{}, 1)
		db.wakes[p] = w
	}
	return w
}

// signal wakes platform p's outbox sender without blocking.
func (db *DB) signal(p bot.Platform) {
	select {
	case db.wakeOf(p) <- struct{}{}:
	default:
	}
}

// View implements flows.Store: fn runs in a read-only transaction whose
// writes fail with flows.ErrReadOnly.
func (db *DB) View(ctx context.Context, fn func(flows.Tx) error) error {
	return db.view(ctx, func(btx *bolt.Tx) error {
		return fn(&tx{db: db, btx: btx, ro: true})
	})
}

// boltView runs fn in a bbolt read transaction. A panic, of fn or of bbolt
// reading a damaged page, and a memory fault are returned as an error.
func (db *DB) boltView(fn func(*bolt.Tx) error) error {
	err := withFaults(func() error { return db.bolt.View(fn) })
	var pe *panicError
	if errors.As(err, &pe) {
		return fmt.Errorf("view: panic: %v", pe.v)
	}
	return err
}
