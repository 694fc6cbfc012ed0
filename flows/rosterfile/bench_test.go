package rosterfile_test

import (
	"bytes"
	"context"
	"syscall"
	"testing"
	"time"

	"lamtheo/flows"
	"lamtheo/flows/rosterfile"
)

// BenchmarkImportRoster reads a roster of 250,000 people from xlsx, plans
// it against an empty roster and applies it in one transaction of a real
// store (issue 11's target: at most 10 s and 200 MB). It reports the
// process's peak resident memory, which includes writing the file.
func BenchmarkImportRoster(b *testing.B) {
	const n = 250_000
	file := xlsxFile(b, people(n), nil)
	lim := rosterfile.Limits{MaxRows: n, MaxBytes: 64 << 20}
	for b.Loop() {
		b.StopTimer()
		db := openStore(b)
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
			return p.Apply(tx, time.Now())
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(file))/1e6, "file-MB")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
}
