package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/flows"
)

// FuzzCheckFile feeds arbitrary bytes, as a data file, to the checks that
// read it before bbolt does: the header, the freelist and the walk must
// give an error, never a panic or a huge allocation; and a file they pass
// must go through Check (bbolt's read-only open and its own check) without
// a crash: that is the promise that lets Open and Check hand a file to
// bbolt. The seeds are small data files with 1 KiB pages, cut after their
// last page in use. Run it with -fuzzminimizetime of a few seconds: each
// run writes a file and opens it with bbolt, so minimising a new input
// takes the default minute.
func FuzzCheckFile(f *testing.F) {
	for _, seed := range checkFileSeeds(f) {
		f.Add(seed)
	}
	path := filepath.Join(f.TempDir(), "fuzz.db")
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := readHeader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		r := pageReader{f: bytes.NewReader(b), h: h, ps: uint64(h.pageSize)}
		if err := r.checkFreelist(); err != nil {
			return
		}
		w := walker{pageReader: r}
		if err := w.walk(); err != nil {
			return
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Check(path, time.Second); err != nil && !errors.Is(err, ErrDamaged) {
			t.Fatalf("Check: %v", err)
		}
	})
}

// checkFileSeeds returns small data files with 1 KiB pages: empty, with a
// few records, and with enough to have branch pages and free pages.
func checkFileSeeds(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for i, n := range []int{0, 3, 30} {
		path := filepath.Join(f.TempDir(), fmt.Sprintf("seed%d.db", i))
		bdb, err := bolt.Open(path, 0o600, &bolt.Options{PageSize: 1024})
		if err != nil {
			f.Fatal(err)
		}
		if err := bdb.Close(); err != nil {
			f.Fatal(err)
		}
		db, err := Open(path, Options{})
		if err != nil {
			f.Fatal(err)
		}
		for round := range 2 {
			err := db.Update(context.Background(), func(tx flows.Tx) error {
				for j := range n {
					m := flows.Member{ID: flows.MemberID(j + 1), Name: fmt.Sprintf("Nguyễn Văn %d.%d", j, round), Cell: "C01"}
					if round == 0 {
						m.ID = 0
					}
					if err := tx.PutMember(&m); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				f.Fatal(err)
			}
		}
		if err := db.Close(); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		// bbolt grows files by 32 KiB at least: keep the pages in use,
		// small inputs fuzz faster.
		h, err := readHeader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b[:h.pages()*uint64(h.pageSize)])
	}
	return out
}
