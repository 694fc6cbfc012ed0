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
	"testing"
	"time"

	"lamtheo/flows"
	"lamtheo/flows/rosterfile"
	"lamtheo/store"
)

// BenchmarkImportRoster reads a roster of 250,000 people from xlsx, plans
// it against an empty roster and applies it in one transaction of a real
// store (issue 11's target: at most 10 s and 200 MB). It reports the
// process's peak resident memory during the import (VmHWM, reset once the
// file is written, so writing the test file is not counted), and the file
// size.
func BenchmarkImportRoster(b *testing.B) {
	const n = 250_000
	file := xlsxFile(b, people(n), nil)
	lim := rosterfile.Limits{MaxRows: n, MaxBytes: 64 << 20}
	cat := catalog(b)
	for b.Loop() {
		b.StopTimer()
		db, err := store.Open(filepath.Join(b.TempDir(), "lamtheo.db"), store.Options{InitialMmapSize: 256 << 20}) // as lamtheo import-roster
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		debug.FreeOSMemory()
		resetPeakRSS()
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
	b.ReportMetric(float64(len(file))/1e6, "file-MB")
	if mb, ok := peakRSS(); ok {
		b.ReportMetric(mb, "peak-rss-MB")
	}
}

// resetPeakRSS resets the process's VmHWM (Linux; elsewhere it does
// nothing and peakRSS gives the peak since the start).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS returns VmHWM of /proc/self/status in megabytes.
func peakRSS() (float64, bool) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return float64(kb) / 1024, err == nil
		}
	}
	return 0, false
}
