package store

import (
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// RawCommitRate measures the machine's raw bbolt commit rate: it writes one
// ~100-byte record per fsynced transaction into a scratch file in dir for
// about d and returns commits per second. The scratch file is removed. It is
// the yardstick that durable-throughput targets are stated against.
func RawCommitRate(dir string, d time.Duration) (float64, error) {
	f, err := os.CreateTemp(dir, "rawcommit-*.db")
	if err != nil {
		return 0, fmt.Errorf("raw commit rate: %w", err)
	}
	path := f.Name()
	_ = f.Close()
	_ = os.Remove(path)
	defer os.Remove(path)
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return 0, fmt.Errorf("raw commit rate: %w", err)
	}
	defer bdb.Close()
	rc := rawCommitter{db: bdb}
	start := time.Now()
	n := 0
	for n == 0 || time.Since(start) < d {
		if err := rc.commit(); err != nil {
			return 0, fmt.Errorf("raw commit rate: %w", err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// rawCommitter writes one record per transaction, as RawCommitRate and
// BenchmarkRawCommit do.
type rawCommitter struct {
	db  *bolt.DB
	val [100]byte
}

// commit writes one record under the next sequence key in its own fsynced
// transaction.
func (r *rawCommitter) commit() error {
	return r.db.Update(func(btx *bolt.Tx) error {
		b, err := btx.CreateBucketIfNotExists([]byte("raw"))
		if err != nil {
			return err
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return b.Put(u64(seq), r.val[:])
	})
}
