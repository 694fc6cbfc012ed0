package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoCodes checks the terminal's invite codes: ABC201 on an empty
// data file, and on a file already holding codes the next ones, so that a
// second session on the same file never offers a taken code.
func TestDemoCodes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lamtheo.db")
	link := func(cell, choice string) string {
		return playConsole(t, path, ":as Admin\n:group "+cell+"\n/link\n"+choice+"\n", consoleOptions{})
	}
	if out := link("C01", "1"); !strings.Contains(out, "/join ABC201\n") {
		t.Errorf("first code on an empty file is not ABC201:\n%s", out)
	}
	if out := link("C02", "2"); !strings.Contains(out, "/join ABC202\n") {
		t.Errorf("first code of a second session is not ABC202:\n%s", out)
	}
}
