//go:build !unix

package store

import (
	"os"
	"time"
)

// lockFile does nothing where flock is missing: bbolt's own lock still
// guards Open, but Check and Restore cannot tell a running instance.
func lockFile(f *os.File, exclusive bool, timeout time.Duration) error { return nil }
