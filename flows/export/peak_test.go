package export_test

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"lamtheo/flows/export"
)

// peakHeap runs f while sampling the bytes of live and not yet swept heap
// objects every millisecond; it returns the highest sample and the heap
// before f (after a GC: what f's input holds), in MB.
func peakHeap(f func()) (peak, before float64) {
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

// BenchmarkWriteOrgYear writes the organisation's year of 250,000 members
// (11 months, one deed each) and reports the peak heap during the write,
// the book included (the budget: 10 s, 100 MB). Skipped with
// -short: one run takes several seconds.
func BenchmarkWriteOrgYear(b *testing.B) {
	if testing.Short() {
		b.Skip("250,000 members: several seconds")
	}
	book := generated(250000)
	cat := catalogue(b)
	var size int
	var peak, input float64
	for b.Loop() {
		p, in := peakHeap(func() {
			data, err := export.Write(cat, book)
			if err != nil {
				b.Fatal(err)
			}
			size = len(data)
		})
		peak, input = max(peak, p), in
	}
	b.ReportMetric(peak, "peak-heap-MB")
	b.ReportMetric(input, "book-MB")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
}
