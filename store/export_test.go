package store

import (
	bolt "go.etcd.io/bbolt"

	"lamtheo/flows"
)

// Test hooks: the key codecs, for the ordering test in store_test.
var (
	ChatKey = chatKey
	ParseID = parseID
)

// RawPut writes value under key in the named bucket, bypassing every
// codec: tests damage records with it.
func (db *DB) RawPut(bucket string, key, value []byte) error {
	return db.bolt.Update(func(btx *bolt.Tx) error { return btx.Bucket([]byte(bucket)).Put(key, value) })
}

// PlayOlderBuild makes Open behave as a build that knows schemas up to v
// only, until the test ends.
func PlayOlderBuild(t interface{ Cleanup(func()) }, v uint32) {
	was := schemaVersion
	schemaVersion = v
	t.Cleanup(func() { schemaVersion = was })
}

// Key codecs for RawPut.
var (
	MemberKey = memberKey
	ReportKey = reportKey
)

// BoltBatch runs fn through bbolt's own DB.Batch and BoltUpdate through a
// plain bbolt Update, bypassing the group commit: BenchmarkGroupCommit
// compares them with Update.
func (db *DB) BoltBatch(fn func(flows.Tx) error) error {
	return db.bolt.Batch(func(btx *bolt.Tx) error { return fn(&tx{db: db, btx: btx}) })
}

func (db *DB) BoltUpdate(fn func(flows.Tx) error) error {
	return db.bolt.Update(func(btx *bolt.Tx) error { return fn(&tx{db: db, btx: btx}) })
}

// CheckTally compares db's tally index with its records (checkTally).
func (db *DB) CheckTally() error { return db.bolt.View(checkTally) }

// SetTallyBatch sets how many digests one transaction of the tally
// index's build writes, until the test ends.
func SetTallyBatch(t interface{ Cleanup(func()) }, n int) {
	was := tallyBatch
	tallyBatch = n
	t.Cleanup(func() { tallyBatch = was })
}

// SetFullCheckSize sets the size up to which Open checks a file fully
// before it returns, and returns a function restoring it.
func SetFullCheckSize(n int64) (restore func()) {
	old := fullCheckSize
	fullCheckSize = n
	return func() { fullCheckSize = old }
}
