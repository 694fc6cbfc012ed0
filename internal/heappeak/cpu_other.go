//go:build !unix

package heappeak

import "time"

// CPU returns zero: this system's CPU time is not read.
func CPU() time.Duration { return 0 }
