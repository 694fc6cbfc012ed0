package store

import bolt "go.etcd.io/bbolt"

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

// Key codecs for RawPut.
var (
	MemberKey = memberKey
	ReportKey = reportKey
)
