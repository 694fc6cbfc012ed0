package flows_test

import (
	"fmt"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/export"
	"lamtheo/internal/heappeak"
)

// fillExportYear stores an organisation of members in cells of 120 with
// the year to November 2026 that BenchmarkWriteOrgYear writes (package
// export): each with an approved pledge of three items, reports in every
// other month (member i in month k when i+k is even), one deed in all (the
// last report's), the other reports' entries not begun and untold (no deed).
func fillExportYear(b *testing.B, h *harness, members int) {
	b.Helper()
	const perCell, chunk = 120, 40 // chunk: cells per transaction
	cells := (members + perCell - 1) / perCell
	joined := time.Date(2025, 12, 1, 0, 0, 0, 0, h.loc)
	items := []flows.PledgeItem{{No: 1, Text: "Trồng cây"}, {No: 2, Text: "Giúp hộ nghèo"}, {No: 3, Text: "Dọn vệ sinh đường làng"}}
	for c0 := 0; c0 < cells; c0 += chunk {
		h.update(func(tx flows.Tx) error {
			for c := c0; c < min(c0+chunk, cells); c++ {
				code := fmt.Sprintf("C%04d", c+1)
				if err := tx.PutCell(flows.Cell{Code: code, Name: fmt.Sprintf("Chi bộ số %d", c+1)}); err != nil {
					return err
				}
				for j := range min(perCell, members-c*perCell) {
					i := c*perCell + j
					m := flows.Member{Name: fmt.Sprintf("Nguyễn Văn Số %d", i+1), Cell: code, Joined: joined,
						Users: []bot.UserID{tg(fmt.Sprint(1000000 + i))}}
					if err := tx.PutMember(&m); err != nil {
						return err
					}
					if err := tx.PutRosterEntry(flows.RosterEntryOf(m)); err != nil {
						return err
					}
					if err := tx.PutPledge(flows.Pledge{Member: m.ID, Year: 2026, Status: flows.PledgeApproved, NextNo: 4, Items: items,
						Submitted: joined.AddDate(0, 1, 9), Decided: joined.AddDate(0, 1, 11)}); err != nil {
						return err
					}
					last := flows.Month(202611 - (i+10)%2) // the last month k (0…10) with i+k even
					for k := range 11 {
						if (i+k)%2 != 0 {
							continue
						}
						mo := flows.Month(202601 + k)
						en := flows.Entry{Item: 1, Status: flows.NotYet}
						if mo == last {
							en = flows.Entry{Item: 1, Status: flows.Doing, Text: "Chăm sóc vườn cây"}
						}
						r := flows.Report{Member: m.ID, Month: mo, Submitted: mo.Start(h.loc).AddDate(0, 0, 20), Entries: []flows.Entry{en}}
						if err := tx.PutReport(r); err != nil {
							return err
						}
					}
				}
			}
			return nil
		})
	}
}

// BenchmarkExportOrgYear is an admin's /xuat of the organisation's year to
// November at 250,000 members, as production makes it: the file worker
// reads the store, writes the workbook and stores it with its reply. It
// reports the seconds and the peak heap sampled during that build (the
// issue's budget: 10 s, 100 MB) and the CPU time it took; the store is
// filled before. Skipped with -short: filling
// 250,000 members takes minutes.
func BenchmarkExportOrgYear(b *testing.B) {
	if testing.Short() {
		b.Skip("250,000 members: minutes to fill")
	}
	const members = 250000
	admin := tg("admin")
	h := newHarness(b, time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC), admin)
	h.eng.Spreadsheet = func(bk flows.ExportBook) ([]byte, error) { return export.Write(flows.Text(), bk) }
	fillExportYear(b, h, members)
	var peak float64
	var took, cpu time.Duration
	for b.Loop() {
		h.n++
		msg := bot.Message{Chat: admin.PrivateChat(), From: admin, FromName: "Admin", Kind: bot.KindText, Text: "/xuat", Key: fmt.Sprint("u", h.n)}
		if err := h.eng.Handle(b.Context(), msg); err != nil {
			b.Fatal(err)
		}
		p, _ := heappeak.Run(func() {
			start, cpu0 := time.Now(), heappeak.CPU()
			if n, err := h.files.Build(b.Context()); err != nil || n != 1 {
				b.Fatalf("built %d files: %v", n, err)
			}
			took += time.Since(start)
			cpu += heappeak.CPU() - cpu0
		})
		peak = max(peak, p)
	}
	reps := h.replies()
	if len(reps) != 1 || reps[0].File == nil {
		b.Fatalf("%d replies, want one with the workbook", len(reps))
	}
	b.ReportMetric(peak, "peak-heap-MB")
	b.ReportMetric(float64(took.Milliseconds())/float64(b.N)/1000, "s/export")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N)/1000, "cpu-s/export")
	b.ReportMetric(float64(len(reps[0].File.Data))/(1<<20), "file-MB")
}
