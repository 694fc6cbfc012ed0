package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
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
const schemaVersion = 4

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
}

// Group commit limits: an Update waits for no timer; while one commit is
// being written, arriving Updates queue and the next commit takes up to
// maxBatch of them.
const maxBatch = 128

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
}

// call is one Update waiting for its commit.
type call struct {
	ctx  context.Context
	fn   func(flows.Tx) error
	done chan error
}

// Open opens (creating if needed) the database file at path, creating its
// parent folder, and the buckets and schema inside it. If another lamtheo
// instance holds the file, Open gives up after opts.Timeout with an error
// wrapping ErrLocked.
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
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: another lamtheo instance is using this file (stop it or choose another data file): %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var from uint32
	err = bdb.Update(func(btx *bolt.Tx) error {
		var err error
		from, err = prepare(btx)
		return err
	})
	if err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if from != schemaVersion {
		opts.Log.Info("store schema upgraded", "path", path, "from", from, "to", schemaVersion)
	}
	db := &DB{
		bolt:  bdb,
		path:  path,
		log:   opts.Log,
		now:   opts.Now,
		loc:   opts.Loc,
		month: opts.MonthClock,
		wakes: make(map[bot.Platform]chan struct{}),
		calls: make(chan *call, maxBatch),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	go db.commitLoop()
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
	v := meta.Get([]byte("schema"))
	if v == nil {
		return schemaVersion, meta.Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, schemaVersion))
	}
	if len(v) != 4 {
		return 0, fmt.Errorf("schema version of %d bytes: %w", len(v), ErrSchema)
	}
	from := binary.BigEndian.Uint32(v)
	if from > schemaVersion {
		return from, fmt.Errorf("the file has schema version %d but this lamtheo only knows up to %d; run a newer lamtheo: %w", from, schemaVersion, ErrSchema)
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

// Close waits for running Updates and Views, then closes the file. Calls
// after Close fail with ErrClosed.
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
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close %s: %w", db.path, err)
	}
	return nil
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

// Update implements flows.Store. Concurrent Updates are committed together
// in one bbolt transaction (one fsync); if one of them fails, the others are
// run again without it, and it is run alone, so fn may run more than once.
// An error returned by fn is returned unchanged. fn runs on the committer
// goroutine and must not call Update, View, Pending, Finish or Backup.
func (db *DB) Update(ctx context.Context, fn func(flows.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	db.closeMu.RLock()
	defer db.closeMu.RUnlock()
	if db.closed {
		return ErrClosed
	}
	c := &call{ctx: ctx, fn: fn, done: make(chan error, 1)}
	db.calls <- c
	return <-c.done
}

// View implements flows.Store: fn runs in a read-only transaction whose
// writes fail with flows.ErrReadOnly.
func (db *DB) View(ctx context.Context, fn func(flows.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	db.closeMu.RLock()
	defer db.closeMu.RUnlock()
	if db.closed {
		return ErrClosed
	}
	return db.bolt.View(func(btx *bolt.Tx) error {
		return fn(&tx{db: db, btx: btx, ro: true})
	})
}

// commitLoop is the committer: it takes the queued Updates in batches of up
// to maxBatch and commits each batch in one transaction.
func (db *DB) commitLoop() {
	defer close(db.done)
	batch := make([]*call, 0, maxBatch)
	for {
		batch = batch[:0]
		select {
		case c := <-db.calls:
			batch = append(batch, c)
		case <-db.stop:
			return
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case c := <-db.calls:
				batch = append(batch, c)
			default:
				break fill
			}
		}
		db.commit(batch)
	}
}

// commit runs batch in one write transaction. A call whose fn fails is
// taken out and run alone (its result is final); the rest are run again.
func (db *DB) commit(batch []*call) {
	live := batch[:0]
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.done <- err
			continue
		}
		live = append(live, c)
	}
	batch = live
	for len(batch) > 0 {
		failed := -1
		err := db.bolt.Update(func(btx *bolt.Tx) error {
			for i, c := range batch {
				if err := db.run(btx, c); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if err == nil {
			db.commits.Add(1)
		}
		if failed < 0 || len(batch) == 1 {
			for _, c := range batch {
				c.done <- err
			}
			return
		}
		c := batch[failed]
		batch = append(batch[:failed], batch[failed+1:]...)
		err = db.bolt.Update(func(btx *bolt.Tx) error { return db.run(btx, c) })
		if err == nil {
			db.commits.Add(1)
		}
		c.done <- err
	}
}

// run calls c.fn on btx, turning a panic into an error so that one bad
// Update cannot take the committer down.
func (db *DB) run(btx *bolt.Tx, c *call) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("update: panic: %v", r)
		}
	}()
	if err := c.ctx.Err(); err != nil {
		return err
	}
	return c.fn(&tx{db: db, btx: btx})
}
