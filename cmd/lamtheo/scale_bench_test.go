package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkScale runs the real lamtheo binary, in the terminal, on a
// seeded organisation (cmd/lamtheo-seed) and measures, from outside the
// process: start-ms, from exec to the first answer (configuration read,
// data file checked, cells synced, serving); then an admin's /summary,
// with summary-ms, its CPU time (summary-cpu-ms) and the process's memory
// sampled from /proc/<pid>/status every 2 ms: peak-anon-MB (RssAnon: heap,
// stacks, everything but bbolt's file-backed pages), peak-rss-MB (VmHWM,
// the kernel's own peak resident set) and peak-file-MB (RssFile: the data
// file's pages the process touched, which are page cache), and
// idle-rss-MB before the summary. It is skipped unless
// LAMTHEO_SCALE_CONFIG names the seeded configuration:
//
//	go run ./cmd/lamtheo-seed -members 250000 -cells 2000 -months 12 -out /tmp/big.db -config /tmp/big.toml
//	LAMTHEO_SCALE_CONFIG=/tmp/big.toml go test ./cmd/lamtheo -run '^$' -bench Scale -benchtime 5x
//
// Each run is a new process on a data file in the page cache (after the
// first run); the figures are the runs' means, the peaks their maximum.
func BenchmarkScale(b *testing.B) {
	conf := os.Getenv("LAMTHEO_SCALE_CONFIG")
	if conf == "" {
		b.Skip("set LAMTHEO_SCALE_CONFIG to a configuration written by cmd/lamtheo-seed")
	}
	bin := filepath.Join(b.TempDir(), "lamtheo")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	var sum, peak scaleRun
	n := 0
	for b.Loop() {
		r := runScale(b, bin, conf)
		n++
		sum.start += r.start
		sum.summary += r.summary
		sum.summaryCPU += r.summaryCPU
		sum.idle.rss += r.idle.rss
		peak.peak.anon = max(peak.peak.anon, r.peak.anon)
		peak.peak.rss = max(peak.peak.rss, r.peak.rss)
		peak.peak.file = max(peak.peak.file, r.peak.file)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	b.ReportMetric(ms(sum.start), "start-ms")
	b.ReportMetric(ms(sum.summary), "summary-ms")
	b.ReportMetric(ms(sum.summaryCPU), "summary-cpu-ms")
	b.ReportMetric(sum.idle.rss/float64(n), "idle-rss-MB")
	b.ReportMetric(peak.peak.anon, "peak-anon-MB")
	b.ReportMetric(peak.peak.rss, "peak-rss-MB")
	b.ReportMetric(peak.peak.file, "peak-file-MB")
}

// scaleRun is what one run of BenchmarkScale measured.
type scaleRun struct {
	start, summary, summaryCPU time.Duration
	idle, peak                 memStatus
}

// memStatus is a process's memory in MB, from /proc/<pid>/status.
type memStatus struct {
	rss, anon, file float64 // VmRSS (VmHWM for a peak), RssAnon, RssFile
}

// runScale starts bin on conf, waits for its answer to ":as Admin", asks
// for /summary while sampling its memory, and stops it.
func runScale(b *testing.B, bin, conf string) scaleRun {
	b.Helper()
	var r scaleRun
	cmd := exec.Command(bin, "-config", conf)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer cmd.Process.Kill() // on a failure; a no-op after Wait
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// waitAdmin reads the output up to the answer to ":as Admin", and
	// reports whether a summary went by.
	waitAdmin := func() (summary bool) {
		for l := range lines {
			if strings.HasPrefix(l, "* ") && strings.Contains(l, "Admin (admin)") {
				return summary
			}
			summary = summary || strings.HasPrefix(l, "Báo cáo việc làm tháng")
		}
		b.Fatalf("lamtheo stopped before answering: %v\n%s", cmd.Wait(), stderr.String())
		return false
	}
	pid := cmd.Process.Pid
	fmt.Fprintln(stdin, ":as Admin")
	waitAdmin()
	r.start = time.Since(t0)
	r.idle = readMem(b, pid, "VmRSS")
	cpu0 := readCPU(b, pid)

	stop, sampled := make(chan struct{}), make(chan memStatus)
	go func() {
		var peak memStatus
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			m := readMem(b, pid, "VmHWM")
			peak = memStatus{rss: max(peak.rss, m.rss), anon: max(peak.anon, m.anon), file: max(peak.file, m.file)}
			select {
			case <-stop:
				sampled <- peak
				return
			case <-tick.C:
			}
		}
	}()
	t1 := time.Now()
	fmt.Fprintln(stdin, "/summary")
	fmt.Fprintln(stdin, ":as Admin") // its answer follows the summary's
	if !waitAdmin() {
		b.Fatalf("no summary in the output\n%s", stderr.String())
	}
	r.summary = time.Since(t1)
	r.summaryCPU = readCPU(b, pid) - cpu0
	close(stop)
	r.peak = <-sampled
	stdin.Close()
	go func() {
		for range lines { // drain
		}
	}()
	if err := cmd.Wait(); err != nil {
		b.Fatalf("lamtheo: %v\n%s", err, stderr.String())
	}
	return r
}

// readMem reads the resident set (the field rss, VmRSS or VmHWM),
// RssAnon and RssFile of process pid, in MB.
func readMem(b *testing.B, pid int, rss string) memStatus {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	var m memStatus
	for l := range strings.Lines(string(data)) {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		kb, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			continue
		}
		switch k {
		case rss:
			m.rss = kb / 1024
		case "RssAnon":
			m.anon = kb / 1024
		case "RssFile":
			m.file = kb / 1024
		}
	}
	return m
}

// readCPU returns the user and system CPU time process pid has used.
func readCPU(b *testing.B, pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The fields after the command name (in parentheses, which may hold
	// spaces): utime and stime are the 14th and 15th of the line, in
	// clock ticks of 1/100 s on Linux.
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		b.Fatalf("/proc/%d/stat: %q", pid, s)
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
