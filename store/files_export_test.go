package store

import bolt "go.etcd.io/bbolt"

// FileChunk is the size of a stored file's pieces (putFileData).
const FileChunk = fileChunk

// RawLens returns the lengths of the values in the named bucket, in key
// order: tests see how a file's bytes are stored.
func (db *DB) RawLens(bucket string) []int {
	var out []int
	db.bolt.View(func(btx *bolt.Tx) error {
		return btx.Bucket([]byte(bucket)).ForEach(func(_, v []byte) error {
			out = append(out, len(v))
			return nil
		})
	})
	return out
}

// RawDelete deletes key from the named bucket, bypassing every codec.
func (db *DB) RawDelete(bucket string, key []byte) error {
	return db.bolt.Update(func(btx *bolt.Tx) error { return btx.Bucket([]byte(bucket)).Delete(key) })
}
