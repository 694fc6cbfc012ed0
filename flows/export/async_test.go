package export

import (
	"bytes"
	"errors"
	"testing"
)

// TestAsyncWriter: what is written arrives whole and in order, whatever the
// sizes of the writes against the chunks'; the first error of the
// underlying writer is Close's.
func TestAsyncWriter(t *testing.T) {
	for _, sizes := range [][]int{{}, {1}, {asyncChunk}, {asyncChunk - 1, 2, asyncChunk * 5}, {7, 300000, 13, 3 * asyncChunk, 1}} {
		var got, want bytes.Buffer
		a := newAsyncWriter(&got)
		b := byte(0)
		for _, n := range sizes {
			p := make([]byte, n)
			for i := range p {
				p[i] = b
				b++
			}
			want.Write(p)
			if k, err := a.Write(p); k != n || err != nil {
				t.Fatalf("Write(%d) = %d, %v", n, k, err)
			}
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("sizes %v: %d bytes arrived, want %d the same", sizes, got.Len(), want.Len())
		}
	}
	broken := errors.New("disk full")
	a := newAsyncWriter(failWriter{broken})
	a.Write(make([]byte, 3*asyncChunk))
	if err := a.Close(); !errors.Is(err, broken) {
		t.Errorf("Close: %v, want the writer's error", err)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }
