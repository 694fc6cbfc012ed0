//go:build unix

package heappeak

import (
	"syscall"
	"time"
)

// CPU returns the CPU time the process has used, user and system (zero
// where the system does not say): on a machine shared with other work,
// what a piece of work costs whatever the load.
func CPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
