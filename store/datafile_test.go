package store_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

// The damage child's environment: the pristine data file it damages and the
// first case it runs.
const (
	damageChildFile  = "LAMTHEO_DAMAGE_CHILD"
	damageChildStart = "LAMTHEO_DAMAGE_START"
)

// damageAll, set to 1, makes TestOpenDamaged flip every byte of every page
// header three ways and 2,000 random bytes, instead of eight bytes of each
// page header (each field's first and last) one way and 150 random bytes.
const damageAll = "LAMTHEO_DAMAGE_ALL"

// fileDamage is one way of damaging a closed data file.
type fileDamage struct {
	name  string
	apply func(b []byte) []byte // returns the damaged contents
	// refuse: Open must refuse the file with ErrDamaged. Otherwise Open may
	// refuse it or open it, and an opened file must work.
	refuse bool
}

// damages lists the ways TestOpenDamaged damages pristine (the contents of
// a closed data file with page size ps): truncations, an empty file, and
// single bytes flipped in every page header, in the header pages'
// contents and at random places.
func damages(pristine []byte, ps int) []fileDamage {
	trunc := func(n int) func([]byte) []byte {
		return func(b []byte) []byte { return b[:n] }
	}
	// The end of the pages in use, from the newer header page (bbolt
	// files grow in steps, so the file goes on past it).
	inUse := 0
	var txid uint64
	for pg := range 2 {
		m := pristine[pg*ps+16:]
		if tx := binary.NativeEndian.Uint64(m[48:]); pg == 0 || tx > txid {
			txid, inUse = tx, int(binary.NativeEndian.Uint64(m[40:]))*ps
		}
	}
	all := os.Getenv(damageAll) == "1"
	masks, random := []byte{0x01, 0x80, 0xff}, 2000
	if !all {
		random = 150
	}
	ds := []fileDamage{
		{name: "empty", apply: trunc(0), refuse: true},
		{name: "truncated to 100 bytes", apply: trunc(100), refuse: true},
		{name: "truncated to 8 KiB", apply: trunc(8 << 10), refuse: true},
		{name: "truncated to 12 KiB", apply: trunc(12 << 10), refuse: true},
		{name: "truncated to 16 KiB", apply: trunc(16 << 10), refuse: true},
		{name: "truncated to half the pages in use", apply: trunc(inUse / 2), refuse: true},
		{name: "truncated by one page in use", apply: trunc(inUse - ps), refuse: true},
		{name: "truncated by one byte in use", apply: trunc(inUse - 1), refuse: true},
		{name: "truncated to the pages in use", apply: trunc(inUse)},
		{name: "zeroed", apply: func(b []byte) []byte { return make([]byte, len(b)) }, refuse: true},
	}
	flip := func(off int, mask byte) func([]byte) []byte {
		return func(b []byte) []byte { b[off] ^= mask; return b }
	}
	for pg := range inUse / ps {
		n := 16 // the page header
		if pg < 2 {
			n = 16 + 64 // and the meta
		}
		for i := range n {
			if !all && i < 16 && !strings.Contains(" 0 7 8 9 10 11 12 15 ", fmt.Sprintf(" %d ", i)) {
				continue
			}
			for j, mask := range masks {
				if !all && j != (pg+i)%len(masks) {
					continue
				}
				off := pg*ps + i
				ds = append(ds, fileDamage{name: fmt.Sprintf("page %d byte %d ^%#02x", pg, i, mask), apply: flip(off, mask)})
			}
		}
	}
	rng := rand.New(rand.NewPCG(8, 4))
	for range random {
		off := 2*ps + rng.IntN(inUse-2*ps)
		mask := byte(1 << rng.IntN(8))
		ds = append(ds, fileDamage{name: fmt.Sprintf("byte %d ^%#02x", off, mask), apply: flip(off, mask)})
	}
	return ds
}

// makeDamageFixture writes a closed data file with a few hundred members
// and reports (several leaf and branch pages), sessions and queued
// replies, rewritten enough that its freelist holds pages.
func makeDamageFixture(t *testing.T, path string) {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 3, 8, 30, 0, 0, time.UTC)
	for round := range 3 {
		update(t, db, func(tx flows.Tx) error {
			for i := range 120 {
				m := flows.Member{ID: flows.MemberID(i + 1), Name: fmt.Sprintf("Nguyễn Văn %d.%d", i, round), Cell: fmt.Sprintf("C%02d", i%7), Joined: at}
				if round == 0 {
					m.ID = 0
					m.Users = []bot.UserID{{Platform: bot.Telegram, ID: strconv.Itoa(1000 + i)}}
				}
				if err := tx.PutMember(&m); err != nil {
					return err
				}
				if err := tx.PutReport(flows.Report{Member: m.ID, Month: 202611, Other: strings.Repeat("x", round*20)}); err != nil {
					return err
				}
			}
			for i := range 20 {
				chat := bot.ChatID{Platform: bot.Telegram, ID: strconv.Itoa(1000 + i)}
				if err := tx.Enqueue(bot.Reply{Chat: chat, Text: "Cảm ơn đồng chí."}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOpenDamaged damages a closed data file in every way damages lists and
// opens it: a damaged file must be refused with ErrDamaged and a message
// that says what is wrong, or, when the damage is harmless (a flipped byte
// in a free page, in the older header page), open and work. Never a panic
// and never a SIGBUS: each case runs in a child process (this test binary,
// running TestOpenDamagedChild), and a case that kills the child fails.
func TestOpenDamaged(t *testing.T) {
	if os.Getenv(damageChildFile) != "" {
		t.Skip("in the child")
	}
	dir := t.TempDir()
	pristine := filepath.Join(dir, "pristine.db")
	makeDamageFixture(t, pristine)
	b, err := os.ReadFile(pristine)
	if err != nil {
		t.Fatal(err)
	}
	ds := damages(b, os.Getpagesize())
	results := make(map[string]string, len(ds)) // case -> outcome line
	for start := 0; start < len(ds); {
		cmd := exec.Command(os.Args[0], "-test.run=^TestOpenDamagedChild$", "-test.v")
		cmd.Env = append(os.Environ(), damageChildFile+"="+pristine, damageChildStart+"="+strconv.Itoa(start))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, runErr := cmd.Output()
		running := -1
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			i, line, ok := strings.Cut(sc.Text(), "\t")
			n, err := strconv.Atoi(i)
			if !ok || err != nil || n < 0 || n >= len(ds) {
				continue
			}
			if line == "start" {
				running = n
				continue
			}
			results[ds[n].name] = line
			running = -1
		}
		if runErr == nil {
			break
		}
		if running < 0 {
			t.Fatalf("damage child failed outside a case: %v\n%s\n%s", runErr, out, tail(stderr.String(), 2000))
		}
		// The case killed the child: note it and go on after it.
		results[ds[running].name] = "crashed: " + runErr.Error() + ": " + firstLine(stderr.String())
		start = running + 1
	}
	var refused, opened int
	for _, d := range ds {
		res, ok := results[d.name]
		switch {
		case !ok:
			t.Errorf("%s: no outcome", d.name)
		case strings.HasPrefix(res, "refused: "):
			refused++
			if os.Getenv("SHOWREF") != "" {
				t.Logf("%s: %s", d.name, res)
			}
		case strings.HasPrefix(res, "opened") && !d.refuse:
			opened++
		default:
			t.Errorf("%s: %s", d.name, res)
		}
	}
	t.Logf("%d cases: %d refused, %d opened and worked", len(ds), refused, opened)
	if res := results["empty"]; !strings.Contains(res, "0 bytes") || !strings.Contains(res, "delete it") {
		t.Errorf("empty file: %s", res)
	}
	if res := results["truncated by one page in use"]; !strings.Contains(res, "truncated") {
		t.Errorf("truncated file: %s", res)
	}
}

// TestOpenDamagedChild is the process TestOpenDamaged starts: with
// LAMTHEO_DAMAGE_CHILD set to a pristine data file it runs the damage cases
// from LAMTHEO_DAMAGE_START on, printing "N\tstart" before case N and
// "N\toutcome" after it. Without the variable it is skipped.
func TestOpenDamagedChild(t *testing.T) {
	pristine := os.Getenv(damageChildFile)
	if pristine == "" {
		t.Skip("the child process of TestOpenDamaged")
	}
	b, err := os.ReadFile(pristine)
	if err != nil {
		t.Fatal(err)
	}
	ds := damages(b, os.Getpagesize())
	start, _ := strconv.Atoi(os.Getenv(damageChildStart))
	dir := t.TempDir()
	for i := start; i < len(ds); i++ {
		fmt.Printf("%d\tstart\n", i)
		path := filepath.Join(dir, fmt.Sprintf("case%d.db", i))
		if err := os.WriteFile(path, ds[i].apply(bytes.Clone(b)), 0o600); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%d\t%s\n", i, openDamaged(path))
		_ = os.Remove(path)
	}
}

// openDamaged opens the damaged file at path and, if it opens, reads and
// writes it and opens it again. It returns "refused: MESSAGE", "opened",
// or what went wrong.
func openDamaged(path string) (outcome string) {
	defer func() {
		if r := recover(); r != nil {
			outcome = fmt.Sprintf("panic: %v", r)
		}
	}()
	db, err := store.Open(path, store.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, store.ErrDamaged) {
			return "refused: " + strings.ReplaceAll(err.Error(), "\n", " ")
		}
		return "failed without ErrDamaged: " + err.Error()
	}
	ctx := context.Background()
	// Decoding errors are allowed (a flipped byte in a record); panics and
	// faults are not.
	_ = db.View(ctx, func(tx flows.Tx) error {
		_, _ = tx.Cells()
		_, _ = tx.Members("")
		_ = tx.Reports(202611, func(flows.Report) error { return nil })
		return nil
	})
	_, _ = db.Outbox(bot.Telegram).Pending(ctx, 0, 100)
	werr := db.Update(ctx, func(tx flows.Tx) error {
		return tx.PutMember(&flows.Member{Name: "Lê Thị Mới", Cell: "C01"})
	})
	if err := db.Close(); err != nil {
		return "close: " + err.Error()
	}
	db, err = store.Open(path, store.Options{Timeout: time.Second})
	if err != nil {
		return "opened, then refused: " + err.Error()
	}
	if err := db.Close(); err != nil {
		return "close: " + err.Error()
	}
	if werr != nil {
		return "opened (write failed: " + werr.Error() + ")"
	}
	return "opened"
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			return l
		}
	}
	return ""
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
