package export

import "io"

// asyncWriter hands what is written to it, in chunks, to w in a goroutine
// of its own: the workbook's sheets are deflated there while the rows are
// read from the store and encoded (on two cores, the export takes about
// as long as the slower of the two, not their sum). It holds at most
// asyncChunks+1 chunks. Close must be called, once; it returns w's first
// error.
type asyncWriter struct {
	buf  []byte
	full chan []byte // chunks for w
	free chan []byte // chunks w is done with
	done chan error
}

// The chunks of an asyncWriter: their size and how many may wait.
const (
	asyncChunk  = 256 << 10
	asyncChunks = 3
)

func newAsyncWriter(w io.Writer) *asyncWriter {
	a := &asyncWriter{full: make(chan []byte, asyncChunks), free: make(chan []byte, asyncChunks+1), done: make(chan error, 1)}
	for range asyncChunks {
		a.free <- make([]byte, 0, asyncChunk)
	}
	a.buf = make([]byte, 0, asyncChunk)
	go func() {
		var err error
		for b := range a.full {
			if err == nil {
				_, err = w.Write(b)
			}
			a.free <- b[:0]
		}
		a.done <- err
	}()
	return a
}

// Write copies p into chunks; it never fails (Close tells w's error).
func (a *asyncWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := copy(a.buf[len(a.buf):cap(a.buf)], p)
		a.buf, p = a.buf[:len(a.buf)+k], p[k:]
		if len(a.buf) == cap(a.buf) {
			a.full <- a.buf
			a.buf = <-a.free
		}
	}
	return n, nil
}

// Close hands the last chunk to w, waits until w has taken every chunk
// and returns w's first error.
func (a *asyncWriter) Close() error {
	if len(a.buf) > 0 {
		a.full <- a.buf
		a.buf = nil
	}
	close(a.full)
	return <-a.done
}
