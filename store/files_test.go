package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

// TestFileRequests: a request keeps its kind, args, time, flags and reply;
// requests someone waits for are listed before the bulk ones, each kind
// oldest first, however they came; a deleted one (of either kind) is
// gone and deleting it again reports so; a View cannot record one.
func TestFileRequests(t *testing.T) {
	clk := newClock()
	db := openDB(t, clk.Now)
	chat := bot.ChatID{Platform: bot.Telegram, ID: "42"}
	want := flows.FileRequest{Kind: flows.FileExport, Args: []string{"2", "202601", "202611", "C01", "Chi bộ thôn Đông"},
		At: clk.Now(), Private: true, Optional: false, Reply: bot.Reply{Chat: chat, Text: "Bảng xếp hạng", Bulk: true}}
	update(t, db, func(tx flows.Tx) error {
		for _, bulk := range []bool{true, false, true, false} { // IDs 1 to 4
			q := want
			q.Reply.Bulk = bulk
			if err := tx.RequestFile(&q); err != nil {
				return err
			}
		}
		return nil
	})
	ids := func(qs []flows.FileRequest) []uint64 {
		var out []uint64
		for _, q := range qs {
			out = append(out, q.ID)
		}
		return out
	}
	view(t, db, func(tx flows.Tx) error {
		q := want
		if err := tx.RequestFile(&q); !errors.Is(err, flows.ErrReadOnly) {
			t.Errorf("RequestFile in a View: %v, want ErrReadOnly", err)
		}
		got, err := tx.FileRequests(3)
		if err != nil {
			return err
		}
		if !slices.Equal(ids(got), []uint64{2, 4, 1}) {
			t.Fatalf("FileRequests(3) = %v, want 2 and 4 (waited for), then 1 (bulk)", ids(got))
		}
		g := got[2]
		if g.Kind != want.Kind || len(g.Args) != 5 || g.Args[4] != "Chi bộ thôn Đông" || !g.At.Equal(want.At) ||
			!g.Private || g.Optional || g.Reply.Chat != chat || g.Reply.Text != want.Reply.Text || !g.Reply.Bulk {
			t.Errorf("request read back as %+v, want %+v", g, want)
		}
		if got[0].Reply.Bulk {
			t.Errorf("request 2 read back bulk")
		}
		return nil
	})
	update(t, db, func(tx flows.Tx) error {
		for _, id := range []uint64{2, 1} {
			if ok, err := tx.DeleteFileRequest(id); err != nil || !ok {
				t.Errorf("DeleteFileRequest(%d) = %v, %v; want true", id, ok, err)
			}
			if ok, err := tx.DeleteFileRequest(id); err != nil || ok {
				t.Errorf("DeleteFileRequest(%d) again = %v, %v; want false", id, ok, err)
			}
		}
		return nil
	})
	view(t, db, func(tx flows.Tx) error {
		got, _ := tx.FileRequests(10)
		if !slices.Equal(ids(got), []uint64{4, 3}) {
			t.Errorf("after delete: %v, want 4 and 3", ids(got))
		}
		return nil
	})
	select {
	case <-db.FileWake():
	default:
		t.Error("no wake-up after a request was committed")
	}
}

// TestStoredFiles: a stored file's bytes are read by id and by a link
// until CleanFiles removes expired links and old files; an outbox reply
// refers to the file by id without its bytes.
func TestStoredFiles(t *testing.T) {
	clk := newClock()
	db := openDB(t, clk.Now)
	ctx := context.Background()
	data := []byte("PK\x03\x04 workbook")
	var id string
	chat := bot.ChatID{Platform: bot.Telegram, ID: "42"}
	update(t, db, func(tx flows.Tx) error {
		var err error
		if id, err = tx.PutFile(bot.File{Name: "hồ sơ.xlsx", Data: data}, clk.Now()); err != nil {
			return err
		}
		if err := tx.PutFileLink("TOKEN", id, clk.Now().Add(24*time.Hour)); err != nil {
			return err
		}
		return tx.Enqueue(bot.Reply{Chat: chat, Text: "Tệp", File: &bot.File{ID: id, Name: "hồ sơ.xlsx", Photo: true, Alt: "ảnh"}})
	})
	got, err := db.FileData(ctx, id)
	if err != nil || string(got) != string(data) {
		t.Fatalf("FileData(%s) = %q, %v", id, got, err)
	}
	if _, err := db.FileData(ctx, "999"); !errors.Is(err, bot.ErrNoFile) {
		t.Errorf("FileData(999): %v, want ErrNoFile", err)
	}
	envs, err := db.Outbox(bot.Telegram).Pending(ctx, 0, 10)
	if err != nil || len(envs) != 1 {
		t.Fatalf("Pending = %v, %v", envs, err)
	}
	if f := envs[0].Reply.File; f == nil || f.ID != id || len(f.Data) != 0 || !f.Photo || f.Alt != "ảnh" {
		t.Errorf("envelope's file = %+v, want id %s without bytes", f, id)
	}
	name, body, exp, err := db.LinkedFile(ctx, "TOKEN")
	if err != nil || name != "hồ sơ.xlsx" || string(body) != string(data) || !exp.Equal(clk.Now().Add(24*time.Hour)) {
		t.Fatalf("LinkedFile = %q, %q, %v, %v", name, body, exp, err)
	}
	if _, _, _, err := db.LinkedFile(ctx, "OTHER"); !errors.Is(err, bot.ErrNoFile) {
		t.Errorf("LinkedFile(OTHER): %v, want ErrNoFile", err)
	}

	// A day later the link has expired; the file is kept for a week.
	clk.Add(25 * time.Hour)
	if n, err := db.CleanFiles(ctx, clk.Now().Add(-7*24*time.Hour), clk.Now()); err != nil || n != 0 {
		t.Fatalf("CleanFiles after a day = %d, %v; want 0 files", n, err)
	}
	if _, _, _, err := db.LinkedFile(ctx, "TOKEN"); !errors.Is(err, bot.ErrNoFile) {
		t.Errorf("expired link: %v, want ErrNoFile", err)
	}
	if _, err := db.FileData(ctx, id); err != nil {
		t.Errorf("file gone after a day: %v", err)
	}
	clk.Add(7 * 24 * time.Hour)
	if n, err := db.CleanFiles(ctx, clk.Now().Add(-7*24*time.Hour), clk.Now()); err != nil || n != 1 {
		t.Fatalf("CleanFiles after eight days = %d, %v; want 1", n, err)
	}
	if _, err := db.FileData(ctx, id); !errors.Is(err, bot.ErrNoFile) {
		t.Errorf("file after retention: %v, want ErrNoFile", err)
	}
}

// TestStoredFilePieces: a file is stored in pieces of store.FileChunk
// (so that storing the next one does not make bbolt copy it again), read
// back whole, by id and by link, and removed whole; an empty file is one
// empty piece; a file stored whole by an earlier build is still read and
// removed.
func TestStoredFilePieces(t *testing.T) {
	clk := newClock()
	db := openDB(t, clk.Now)
	ctx := context.Background()
	big := make([]byte, 2*store.FileChunk+7)
	for i := range big {
		big[i] = byte(i * 7)
	}
	// An earlier build's file 1, stored whole.
	old := []byte("PK old workbook")
	update(t, db, func(tx flows.Tx) error {
		_, err := tx.PutFile(bot.File{Name: "cũ.xlsx"}, clk.Now())
		return err
	})
	if err := db.RawDelete("file_data", []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	if err := db.RawPut("file_data", []byte{0, 0, 0, 0, 0, 0, 0, 1}, old); err != nil {
		t.Fatal(err)
	}
	var ids []string
	update(t, db, func(tx flows.Tx) error {
		for _, data := range [][]byte{big, nil} {
			id, err := tx.PutFile(bot.File{Name: "tệp.xlsx", Data: data}, clk.Now())
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return tx.PutFileLink("BIG", ids[0], clk.Now().Add(time.Hour))
	})
	want := []int{len(old), store.FileChunk, store.FileChunk, 7, 0}
	if got := db.RawLens("file_data"); !slices.Equal(got, want) {
		t.Errorf("stored pieces = %v, want %v", got, want)
	}
	for _, c := range []struct {
		id   string
		want []byte
	}{{"1", old}, {ids[0], big}, {ids[1], nil}} {
		got, err := db.FileData(ctx, c.id)
		if err != nil || !slices.Equal(got, c.want) || (c.id != "1" && cap(got) != len(got)) {
			t.Errorf("FileData(%s) = %d bytes (cap %d), %v; want %d", c.id, len(got), cap(got), err, len(c.want))
		}
	}
	if _, body, _, err := db.LinkedFile(ctx, "BIG"); err != nil || !slices.Equal(body, big) {
		t.Errorf("LinkedFile(BIG) = %d bytes, %v; want %d", len(body), err, len(big))
	}
	clk.Add(8 * 24 * time.Hour)
	if n, err := db.CleanFiles(ctx, clk.Now().Add(-7*24*time.Hour), clk.Now()); err != nil || n != 3 {
		t.Fatalf("CleanFiles = %d, %v; want 3", n, err)
	}
	if got := db.RawLens("file_data"); len(got) != 0 {
		t.Errorf("pieces left after CleanFiles: %v", got)
	}
}
