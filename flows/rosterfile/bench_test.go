package rosterfile_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lamtheo/flows"
	"lamtheo/flows/rosterfile"
	"lamtheo/store"
)

// BenchmarkImportRoster reads a roster of 250,000 people from xlsx, plans
// it against an empty roster and applies it in one transaction of a real
// store (issue 11's target: at most 10 s and 200 MB), under the memory
// limit lamtheo import-roster sets (rosterfile.LimitMemory). It reports the
// process's peak resident memory during the import (VmHWM, reset once the
// file is written, so writing the test file is not counted), the peak of
// its anonymous memory (RssAnon, sampled every 5 ms: the heap, without the
// mapped binary), the process's CPU time per import, and the file size.
func BenchmarkImportRoster(b *testing.B) {
	const n = 250_000
	file := xlsxFile(b, people(n), nil)
	lim := rosterfile.Limits{MaxRows: n, MaxBytes: 64 << 20}
	cat := catalog(b)
	defer rosterfile.LimitMemory()()
	anon := sampleAnon()
	defer anon.stop()
	cpu0, _ := cpuTime()
	for b.Loop() {
		b.StopTimer()
		db, err := store.Open(filepath.Join(b.TempDir(), "lamtheo.db"), store.Options{InitialMmapSize: 256 << 20}) // as lamtheo import-roster
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		debug.FreeOSMemory()
		resetPeakRSS()
		anon.reset()
		b.StartTimer()
		f, err := rosterfile.Parse(bytes.NewReader(file), cells, lim)
		if err != nil {
			b.Fatal(err)
		}
		err = db.Update(context.Background(), func(tx flows.Tx) error {
			p, err := plan(b, tx, f)
			if err != nil {
				return err
			}
			return p.Apply(tx, cat, time.Now())
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
	if cpu, ok := cpuTime(); ok {
		// The CPU of the whole loop, the untimed setup included (a fresh
		// store, a forced collection): a little over the import's own.
		b.ReportMetric((cpu-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	}
	b.ReportMetric(float64(len(file))/1e6, "file-MB")
	if mb, ok := peakRSS(); ok {
		b.ReportMetric(mb, "peak-rss-MB")
	}
	if mb, ok := anon.peak(); ok {
		b.ReportMetric(mb, "peak-anon-MB")
	}
}

// anonSampler samples RssAnon of /proc/self/status and keeps its peak.
type anonSampler struct {
	max  atomic.Int64 // kB; -1 where /proc/self/status has no RssAnon
	done chan struct{}
}

func sampleAnon() *anonSampler {
	s := &anonSampler{done: make(chan struct{})}
	go func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			kb, ok := statusKB("RssAnon:")
			if !ok {
				s.max.Store(-1)
				return
			}
			if kb > s.max.Load() {
				s.max.Store(kb)
			}
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *anonSampler) reset() {
	if s.max.Load() >= 0 {
		s.max.Store(0)
	}
}

func (s *anonSampler) peak() (float64, bool) {
	kb := s.max.Load()
	return float64(kb) / 1024, kb > 0
}

func (s *anonSampler) stop() { close(s.done) }

// resetPeakRSS resets the process's VmHWM (Linux; elsewhere it does
// nothing and peakRSS gives the peak since the start).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS returns VmHWM of /proc/self/status in megabytes.
func peakRSS() (float64, bool) {
	kb, ok := statusKB("VmHWM:")
	return float64(kb) / 1024, ok
}

// statusKB returns the field of /proc/self/status named by its prefix, in
// kB.
func statusKB(prefix string) (int64, bool) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}
