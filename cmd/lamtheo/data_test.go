package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// operatorSetup writes a configuration whose data file is dir/data/lamtheo.db
// (backups in dir/data/backups) and returns its path and the data file's.
func operatorSetup(t *testing.T) (conf, data string) {
	t.Helper()
	dir := t.TempDir()
	data = filepath.Join(dir, "data", "lamtheo.db")
	conf = filepath.Join(dir, "config.toml")
	err := os.WriteFile(conf, []byte(`[org]
name = "Đảng bộ xã Thử"
[[cells]]
code = "C01"
name = "Chi bộ Một"
[data]
path = "`+filepath.ToSlash(data)+`"
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	return conf, data
}

// runCmd runs the program with args and no input, and returns its output,
// its log and its error.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, log strings.Builder
	err = run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &log)
	return out.String(), log.String(), err
}

// TestStartRemovesStaleBackupFiles: a backup killed half way leaves a
// temporary file in the backup directory; the next start removes it.
func TestStartRemovesStaleBackupFiles(t *testing.T) {
	conf, data := operatorSetup(t)
	backups := filepath.Join(filepath.Dir(data), "backups")
	if err := os.MkdirAll(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(backups, ".lamtheo-backup-1234567.tmp")
	if err := os.WriteFile(stale, []byte("half a backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "-config", conf); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
}
