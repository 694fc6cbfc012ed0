package store_test

import (
	"os"
	"testing"

	"lamtheo/store"
)

func TestRawCommitRate(t *testing.T) {
	dir := t.TempDir()
	rate, err := store.RawCommitRate(dir, 0) // d = 0: exactly one commit
	if err != nil {
		t.Fatal(err)
	}
	if rate <= 0 {
		t.Errorf("rate = %v, want > 0", rate)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("scratch files left in dir: %v", entries)
	}
	if _, err := store.RawCommitRate(dir+"/missing", 0); err == nil {
		t.Error("RawCommitRate in a missing dir: want error")
	}
}
