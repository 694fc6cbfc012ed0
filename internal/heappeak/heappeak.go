// Package heappeak measures the peak heap of a piece of work, for the
// benchmarks that report a memory budget (peak-heap-MB).
package heappeak

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// Run runs f while sampling the bytes of live and not yet swept heap
// objects every millisecond; it returns the highest sample and the heap
// before f (after a GC: what f's input holds), in MB.
func Run(f func()) (peak, before float64) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	before = float64(s[0].Value.Uint64()) / (1 << 20)
	var (
		top uint64
		wg  sync.WaitGroup
	)
	done := make(chan struct{})
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			top = max(top, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	return float64(top) / (1 << 20), before
}
