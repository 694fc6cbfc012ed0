package export_test

import (
	"testing"

	"lamtheo/flows/export"
	"lamtheo/internal/heappeak"
)

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
		p, in := heappeak.Run(func() {
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
