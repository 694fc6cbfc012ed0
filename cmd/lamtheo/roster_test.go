package main

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/flows"
	"lamtheo/store"
)

// runIn runs the program with args and stdin, and returns its output and
// error.
func runIn(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, log strings.Builder
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &log)
	return out.String(), err
}

// rosterOf returns the names on cell's roster in the data file at path,
// a removed one as "-name".
// membersOf returns how many members are in cell in the data file at path.
func membersOf(t *testing.T, path, cell string) int {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	err = db.View(context.Background(), func(tx flows.Tx) error {
		ms, err := tx.Members(cell)
		n = len(ms)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func rosterOf(t *testing.T, path, cell string) string {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	err = db.View(context.Background(), func(tx flows.Tx) error {
		es, err := tx.Roster(cell)
		for _, e := range es {
			if e.OnRoster() {
				out = append(out, e.Name)
			} else {
				out = append(out, "-"+e.Name)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, ", ")
}

// toSchema4 makes the data file at path one written before rosters
// existed (schema 4, without the roster buckets).
func toSchema4(t *testing.T, path string) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	err = bdb.Update(func(tx *bolt.Tx) error {
		for _, b := range []string{"roster", "roster_cell", "roster_claim"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, 4))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportRosterCommand: the template is written (never over a file);
// import-roster prints the preview and writes nothing without -yes (stdin
// not a terminal) or without a typed yes, writes with either, and
// refuses a file with rows to correct, a file that is not a spreadsheet,
// and a data file in use, writing nothing. A member who connected before
// rosters existed is on the roster already, and an import that leaves
// them out says they are connected.
func TestImportRosterCommand(t *testing.T) {
	conf, data := operatorSetup(t)
	dir := filepath.Dir(conf)
	writeMember(t, data, "Nguyễn Thị Lan", "", time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC))
	toSchema4(t, data)
	if got := rosterOf(t, data, "C01"); got != "Nguyễn Thị Lan" {
		t.Fatalf("roster after the first start: %q", got)
	}

	tmpl := filepath.Join(dir, "mau.xlsx")
	out, err := runIn(t, "", "roster-template", "-config", conf, tmpl)
	if err != nil || !strings.Contains(out, "Wrote "+tmpl) {
		t.Fatalf("roster-template: %q, %v", out, err)
	}
	if _, err := runIn(t, "", "roster-template", "-config", conf, tmpl); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("roster-template over a file: %v", err)
	}
	out, err = runIn(t, "", "import-roster", "-config", conf, tmpl)
	if err != nil || !strings.Contains(out, "thêm mới 1") || !strings.Contains(out, "Nothing written. Run again with -yes") {
		t.Errorf("import-roster without -yes: %q, %v", out, err)
	}
	if got := rosterOf(t, data, "C01"); got != "Nguyễn Thị Lan" {
		t.Errorf("roster after an unconfirmed import: %q", got)
	}

	file := writeFile(t, filepath.Join(dir, "chibo.csv"), "\ufeffHọ và tên;Chi bộ;Trạng thái\nTrần Văn Hùng;C01;\nLê Văn Tám;C01;dự bị\n")
	askTerminal = func(io.Reader) bool { return true }
	defer func() { askTerminal = isTerminal }()
	out, err = runIn(t, "không\n", "import-roster", "-config", conf, file)
	if err != nil || !strings.Contains(out, "Type yes") || !strings.HasSuffix(out, "Nothing written.\n") {
		t.Errorf("import-roster answered no: %q, %v", out, err)
	}
	out, err = runIn(t, "yes\n", "import-roster", "-config", conf, file)
	want := "Chi bộ Một (C01): 2 đồng chí — thêm mới 2, giữ nguyên 0, sửa 0, sẽ bỏ khỏi danh sách 1 đồng chí, trong đó 1 đồng chí đã kết nối (các đồng chí này sẽ không còn kết nối với chi bộ và được bot báo tin)."
	if err != nil || !strings.Contains(out, want) || !strings.Contains(out, "Đã ghi danh sách đảng viên: thêm mới 2") {
		t.Errorf("import-roster answered yes: %q, %v", out, err)
	}
	if got := rosterOf(t, data, "C01"); got != "-Nguyễn Thị Lan, Trần Văn Hùng, Lê Văn Tám" {
		t.Errorf("roster after the import: %q", got)
	}
	if got := membersOf(t, data, "C01"); got != 0 {
		t.Errorf("%d members still in C01 after the import took Lan off its roster, want 0 (as /danhsach's removal)", got)
	}
	askTerminal = isTerminal

	again := writeFile(t, filepath.Join(dir, "lai.csv"), "Họ và tên,Chi bộ\nNguyễn Thị Lan,C01\nTrần Văn Hùng,C01\nLê Văn Tám,C01\n")
	out, err = runIn(t, "", "import-roster", "-config", conf, "-yes", again)
	if err != nil || !strings.Contains(out, "thêm mới 0, giữ nguyên 1, sửa 2") {
		t.Errorf("import-roster -yes: %q, %v", out, err)
	}
	before := rosterOf(t, data, "C01")
	if before != "Nguyễn Thị Lan, Trần Văn Hùng, Lê Văn Tám" {
		t.Errorf("roster after the second import: %q", before)
	}

	for _, tc := range []struct {
		name, content, out, err string
		flags                   []string
	}{
		{"rows to correct", "Họ và tên,Chi bộ\nPhạm Thị Hoa,C01\nVũ Văn Năm,C07\n", "Dòng 3: không có chi bộ «C07»", "nothing written", nil},
		{"not a spreadsheet", "\x89PNG\r\n\x1a\n\x00\x00", "không phải bảng tính", "not a spreadsheet", nil},
		{"more rows than -max-rows", "Họ và tên,Chi bộ\nPhạm Thị Hoa,C01\nVũ Văn Năm,C01\n", "Tệp có hơn 1 dòng", "more than 1 rows", []string{"-max-rows", "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := writeFile(t, filepath.Join(dir, "bad.csv"), tc.content)
			out, err := runIn(t, "", append(append([]string{"import-roster", "-config", conf, "-yes"}, tc.flags...), f)...)
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(out, tc.out) {
				t.Errorf("import-roster: %q, %v", out, err)
			}
		})
	}
	db, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = runIn(t, "", "import-roster", "-config", conf, "-yes", again)
	db.Close()
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "stop the running lamtheo") {
		t.Errorf("import-roster of a data file in use: %v", err)
	}
	if got := rosterOf(t, data, "C01"); got != before {
		t.Errorf("roster after refused imports: %q, want %q", got, before)
	}
}
