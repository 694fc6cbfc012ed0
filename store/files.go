package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/bot"
	"lamtheo/flows"
)

// Generated files. A flow records a file request (bucket file_requests);
// the file worker builds the file and, in one transaction, stores it
// (files: its name and time; file_data: its bytes), links it where the
// platform fetches it by URL (file_links) and enqueues its reply, whose
// bot.File names the stored file by ID. The Sender loads the bytes
// (FileData) just before it sends; the file endpoint serves a link's file
// (LinkedFile). CleanFiles removes old files and expired links.

// fileWake is the wake-up channel's key of the file worker, apart from the
// outbox partitions' (a platform name never starts with a space).
const fileWake bot.Platform = " files"

// FileWake returns a channel that receives a value after every committed
// Update that recorded a file request. It has a buffer of one and is never
// closed; the file worker drains it.
func (db *DB) FileWake() <-chan struct{} { return db.wakeOf(fileWake) }

// RequestFile implements flows.Tx. A request whose reply is Bulk (the
// year-end dossiers, the leaderboard's pictures) is keyed after every
// other (requestKey), so a person waiting for a file is served before a
// wave of 250,000 dossiers.
func (t *tx) RequestFile(q *flows.FileRequest) error {
	if err := t.writable(); err != nil {
		return err
	}
	if q.Reply.Chat.IsZero() {
		return fmt.Errorf("request file: reply without chat")
	}
	b := t.b(bucketFileRequests)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("request file: %w", err)
	}
	q.ID = seq
	if err := b.Put(requestKey(seq, q.Reply.Bulk), encodeFileRequest(*q)); err != nil {
		return fmt.Errorf("request file: %w", err)
	}
	t.btx.OnCommit(func() { t.db.signal(fileWake) })
	return nil
}

// bulkRequest prefixes the key of a Bulk request: the 8-byte sequence
// numbers of the others all begin with a zero byte, so the bulk ones sort
// after them all, each kind in the order it came.
const bulkRequest = 0xff

// requestKey is the key of request seq in file_requests: its sequence
// number, after bulkRequest when bulk.
func requestKey(seq uint64, bulk bool) []byte {
	if !bulk {
		return u64(seq)
	}
	return append([]byte{bulkRequest}, u64(seq)...)
}

// FileRequests implements flows.Tx: the requests someone waits for first,
// then the bulk ones, each oldest first. A request that cannot be read is
// skipped (and logged): it would otherwise stop every later one.
func (t *tx) FileRequests(n int) ([]flows.FileRequest, error) {
	var out []flows.FileRequest
	c := t.b(bucketFileRequests).Cursor()
	for k, v := c.First(); k != nil && len(out) < n; k, v = c.Next() {
		if len(k) == 9 && k[0] == bulkRequest {
			k = k[1:]
		}
		if len(k) != 8 {
			continue
		}
		id := binary.BigEndian.Uint64(k)
		q, err := decodeFileRequest(id, v)
		if err != nil {
			t.db.log.Error("file request damaged: skipped", "request", id, bot.LogKeyErr, err)
			continue
		}
		out = append(out, q)
	}
	return out, nil
}

// DeleteFileRequest implements flows.Tx.
func (t *tx) DeleteFileRequest(id uint64) (bool, error) {
	if err := t.writable(); err != nil {
		return false, err
	}
	b := t.b(bucketFileRequests)
	for _, bulk := range []bool{false, true} {
		if k := requestKey(id, bulk); b.Get(k) != nil {
			return true, b.Delete(k)
		}
	}
	return false, nil
}

// PutFile implements flows.Tx: the file's id is its sequence number.
func (t *tx) PutFile(f bot.File, at time.Time) (string, error) {
	if err := t.writable(); err != nil {
		return "", err
	}
	b := t.b(bucketFiles)
	seq, err := b.NextSequence()
	if err != nil {
		return "", fmt.Errorf("put file: %w", err)
	}
	e := newEnc(32 + len(f.Name))
	e.time(at)
	e.str(f.Name)
	if err := b.Put(u64(seq), e.b); err != nil {
		return "", fmt.Errorf("put file: %w", err)
	}
	if err := putFileData(t.b(bucketFileData), seq, f.Data); err != nil {
		return "", fmt.Errorf("put file: %w", err)
	}
	return strconv.FormatUint(seq, 10), nil
}

// PutFileLink implements flows.Tx.
func (t *tx) PutFileLink(token, id string, expires time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	n, err := fileID(id)
	if err != nil {
		return fmt.Errorf("put file link: %w", err)
	}
	if token == "" || len(token) > 255 {
		return fmt.Errorf("put file link: token of %d bytes", len(token))
	}
	e := newEnc(24)
	e.uvarint(n)
	e.time(expires)
	return t.b(bucketFileLinks).Put([]byte(token), e.b)
}

// fileID parses a stored file's id.
func fileID(id string) (uint64, error) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("bad file id %q", id)
	}
	return n, nil
}

// view runs fn in a read-only bbolt transaction, unless ctx is done or the
// DB closed.
func (db *DB) view(ctx context.Context, fn func(btx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	db.closeMu.RLock()
	defer db.closeMu.RUnlock()
	if db.closed {
		return ErrClosed
	}
	return db.boltView(fn)
}

var _ bot.FileSource = (*DB)(nil)

// FileData implements bot.FileSource: the bytes of stored file id, or an
// error wrapping bot.ErrNoFile.
func (db *DB) FileData(ctx context.Context, id string) ([]byte, error) {
	n, err := fileID(id)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", bot.ErrNoFile, err)
	}
	var data []byte
	err = db.view(ctx, func(btx *bolt.Tx) error {
		var ok bool
		if data, ok = fileData(btx.Bucket(bucketFileData), n); !ok {
			return fmt.Errorf("file %d: %w", n, bot.ErrNoFile)
		}
		return nil
	})
	return data, err
}

// LinkedFile returns the name and bytes of the file that link token leads
// to, and when the link expires; an error wrapping bot.ErrNoFile when
// there is no such link or file.
func (db *DB) LinkedFile(ctx context.Context, token string) (name string, data []byte, expires time.Time, err error) {
	err = db.view(ctx, func(btx *bolt.Tx) error {
		v := btx.Bucket(bucketFileLinks).Get([]byte(token))
		if v == nil {
			return bot.ErrNoFile
		}
		d := newDec(v)
		id := d.uvarint()
		expires = d.time()
		if d.err != nil {
			return fmt.Errorf("file link: %w", d.err)
		}
		meta := btx.Bucket(bucketFiles).Get(u64(id))
		if meta == nil {
			return bot.ErrNoFile
		}
		md := newDec(meta)
		md.time()
		name = md.str()
		if md.err != nil {
			return fmt.Errorf("file %d: %w", id, md.err)
		}
		var ok bool
		if data, ok = fileData(btx.Bucket(bucketFileData), id); !ok {
			return bot.ErrNoFile
		}
		return nil
	})
	return name, data, expires, err
}

// CleanFiles removes the stored files made before before and the links
// expired at now, and returns how many files it removed. A file still
// referred to by an unsent reply goes too: that reply is sent without it.
func (db *DB) CleanFiles(ctx context.Context, before, now time.Time) (int, error) {
	removed := 0
	err := db.Update(ctx, func(ftx flows.Tx) error {
		removed = 0
		t := ftx.(*tx)
		files, data := t.b(bucketFiles), t.b(bucketFileData)
		var old [][]byte
		err := files.ForEach(func(k, v []byte) error {
			d := newDec(v)
			if at := d.time(); d.err != nil || at.Before(before) {
				old = append(old, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := deleteKeys(old, files); err != nil {
			return err
		}
		for _, k := range old {
			if err := deleteFileData(data, k); err != nil {
				return err
			}
		}
		removed = len(old)
		links := t.b(bucketFileLinks)
		var expired [][]byte
		err = links.ForEach(func(k, v []byte) error {
			d := newDec(v)
			d.uvarint()
			if exp := d.time(); d.err != nil || !exp.After(now) {
				expired = append(expired, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		return deleteKeys(expired, links)
	})
	if err != nil {
		return 0, fmt.Errorf("clean files: %w", err)
	}
	return removed, nil
}

// deleteKeys deletes keys from every bucket of bs.
func deleteKeys(keys [][]byte, bs ...*bolt.Bucket) error {
	for _, k := range keys {
		for _, b := range bs {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// fileChunk is the size of the pieces a file's bytes are stored in
// (file_data: 8-byte file id|4-byte piece number -> the piece). bbolt
// rewrites a whole leaf, two values at least, when one of its keys
// changes, copying each value into new pages at the commit: files stored
// whole made storing an organisation's workbook (20 MB) copy the one or
// two stored before it too, up to three times its size on the heap at
// once. In pieces, a commit copies the new file and a few pieces of the
// one before. A file stored whole under its 8-byte id (by a build before
// the pieces) is still read and removed.
const fileChunk = 256 << 10

// putFileData stores data as file id's bytes in b, in pieces of fileChunk
// (an empty file as one empty piece). bbolt keeps the pieces' bytes until
// the commit: data must not change before it.
func putFileData(b *bolt.Bucket, id uint64, data []byte) error {
	for i := uint32(0); i == 0 || len(data) > 0; i++ {
		n := min(len(data), fileChunk)
		if err := b.Put(binary.BigEndian.AppendUint32(u64(id), i), data[:n:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// fileData returns a copy of file id's bytes from b, and whether it is
// there: its pieces joined (putFileData), or its bytes stored whole.
func fileData(b *bolt.Bucket, id uint64) ([]byte, bool) {
	prefix := u64(id)
	c := b.Cursor()
	k, v := c.Seek(prefix)
	switch {
	case k == nil || !bytes.HasPrefix(k, prefix):
		return nil, false
	case len(k) == len(prefix): // stored whole
		return bytes.Clone(v), true
	}
	size := 0 // first the size, so the bytes are allocated once
	for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		size += len(v)
	}
	data := make([]byte, 0, size)
	for k, v = c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		data = append(data, v...)
	}
	return data, true
}

// deleteFileData deletes the bytes of the file whose 8-byte id is id from
// b: its pieces, or its bytes stored whole.
func deleteFileData(b *bolt.Bucket, id []byte) error {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(id); k != nil && bytes.HasPrefix(k, id); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	return deleteKeys(keys, b)
}

func encodeFileRequest(q flows.FileRequest) []byte {
	env := encodeEnvelope(q.Reply, q.At)
	e := newEnc(64 + len(env))
	e.str(string(q.Kind))
	e.strs(q.Args)
	e.time(q.At)
	e.bool(q.Private)
	e.bool(q.Optional)
	e.bytes(env)
	return e.b
}

func decodeFileRequest(id uint64, v []byte) (flows.FileRequest, error) {
	d := newDec(v)
	q := flows.FileRequest{ID: id}
	q.Kind = flows.FileKind(d.str())
	q.Args = d.strs()
	q.At = d.time()
	q.Private = d.bool()
	q.Optional = d.bool()
	env := d.bytes()
	if d.err != nil {
		return q, d.err
	}
	e, err := decodeEnvelope(0, env)
	q.Reply = e.Reply
	return q, err
}
