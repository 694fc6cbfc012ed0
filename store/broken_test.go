package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"lamtheo/flows"
)

// TestCommitPanicBreaksDB damages the file under an open DB so that bbolt
// panics inside a commit, on the committer goroutine, where nothing
// recovered it: a branch page of the members is made to point at a free
// page, so the commit frees a page that is already free. The Update must
// fail with ErrDamaged, the DB must report itself broken and refuse
// further writes, and Close must return.
func TestCommitPanicBreaksDB(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for round := range 3 {
		err := db.Update(ctx, func(tx flows.Tx) error {
			for i := range 400 {
				m := flows.Member{ID: flows.MemberID(i + 1), Name: fmt.Sprintf("Nguyễn Văn %d.%d", i, round), Cell: "C01"}
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
			t.Fatal(err)
		}
	}

	// Find, with the checker's reader, the members' branch page, a free
	// page that holds an old leaf, and point the branch's first element
	// there.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	h, err := readHeader(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	r := pageReader{f: f, h: h, ps: uint64(h.pageSize)}
	branch := findBucketRoot(t, r, "members")
	if _, flags, _, _ := r.read(branch, nil); flags != branchPage {
		t.Fatalf("the members' root page %d is not a branch (%#x): too few members", branch, flags)
	}
	free := freeLeaf(t, r)
	var pgid [8]byte
	ne.PutUint64(pgid[:], free)
	if _, err := f.WriteAt(pgid[:], int64(branch*r.ps)+pageHeaderSize+8); err != nil {
		t.Fatal(err)
	}

	err = db.Update(ctx, func(tx flows.Tx) error {
		return tx.PutMember(&flows.Member{ID: 1, Name: "Lê Thị Mới", Cell: "C01"})
	})
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("Update through the damaged page = %v, want ErrDamaged", err)
	}
	t.Logf("Update: %v", err)
	select {
	case <-db.Broken():
	default:
		t.Error("Broken not closed")
	}
	if err := db.Update(ctx, func(tx flows.Tx) error { return nil }); !errors.Is(err, ErrDamaged) {
		t.Errorf("Update after the break = %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- db.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs")
	}
}

// findBucketRoot returns the root page of the top-level bucket name.
func findBucketRoot(t *testing.T, r pageReader, name string) uint64 {
	t.Helper()
	var find func(id uint64) uint64
	find = func(id uint64) uint64 {
		p, flags, count, err := r.read(id, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range int(count) {
			e := p[pageHeaderSize+i*elementSize:]
			if flags == branchPage {
				if root := find(ne.Uint64(e[8:])); root != 0 {
					return root
				}
				continue
			}
			off := pageHeaderSize + i*elementSize + int(ne.Uint32(e[4:]))
			if string(p[off:off+int(ne.Uint32(e[8:]))]) == name {
				return ne.Uint64(p[off+int(ne.Uint32(e[8:])):])
			}
		}
		return 0
	}
	root := find(r.h.meta.root)
	if root == 0 {
		t.Fatalf("no bucket %s", name)
	}
	return root
}

// freeLeaf returns the last page on the freelist that holds an old leaf.
// The last: the commit allocates free pages from the lowest, and in an
// order that varies (bbolt spills buckets in map order); a page allocated
// before the damaged branch's page is freed would hide the damage.
func freeLeaf(t *testing.T, r pageReader) uint64 {
	t.Helper()
	p, _, count, err := r.read(r.h.meta.freelist, nil)
	if err != nil {
		t.Fatal(err)
	}
	if count < 20 {
		t.Fatalf("only %d free pages", count)
	}
	for i := int(count) - 1; i >= 0; i-- {
		id := ne.Uint64(p[pageHeaderSize+8*i:])
		if _, flags, _, err := r.read(id, nil); err == nil && flags == leafPage {
			return id
		}
	}
	t.Fatal("no free page holds a leaf")
	return 0
}
