package rosterfile_test

import (
	"math"
	"runtime/debug"
	"testing"

	"lamtheo/flows/rosterfile"
)

// TestLimitMemory: the import's memory limit is set and restored, unless
// GOMEMLIMIT names one, which wins.
func TestLimitMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Setenv("GOMEMLIMIT", "")
	restore := rosterfile.LimitMemory()
	if got := debug.SetMemoryLimit(-1); got != rosterfile.ImportMemoryLimit {
		t.Errorf("limit during the import = %d, want %d", got, rosterfile.ImportMemoryLimit)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after the import = %d, want %d", got, before)
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	rosterfile.LimitMemory()()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit with GOMEMLIMIT set = %d, want it left alone", got)
	}
}
