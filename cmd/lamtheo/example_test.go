package main

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The README's month, as a script and as what the terminal prints for it.
const (
	exampleScript = "../../examples/thang-11.txt"
	exampleGolden = "../../examples/thang-11.golden"
	readmePath    = "../../README.md"
)

// playExample plays the README's month through the terminal mode on a
// fresh data file, with real the machine's clock (nil: time.Now).
func playExample(t *testing.T, real func() time.Time) string {
	t.Helper()
	script, err := os.ReadFile(exampleScript)
	if err != nil {
		t.Fatal(err)
	}
	return replay(t, string(script), consoleOptions{now: real})
}

// TestExampleMonth plays examples/thang-11.txt as "go run ./cmd/lamtheo <
// examples/thang-11.txt" does (run, with no token and an empty data file)
// and compares the output with examples/thang-11.golden; -update rewrites
// the golden file (then read the diff).
func TestExampleMonth(t *testing.T) {
	script, err := os.ReadFile(exampleScript)
	if err != nil {
		t.Fatal(err)
	}
	var out, log strings.Builder
	args := []string{"-data", filepath.Join(t.TempDir(), "lamtheo.db")}
	if err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(string(script)), &out, &log); err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	got := out.String()
	if *update {
		if err := os.WriteFile(exampleGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(exampleGolden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s plays differently from %s (run go test ./cmd/lamtheo -run TestExampleMonth -update and read the diff):\n%s",
			exampleScript, exampleGolden, firstDiff(string(want), got))
	}
}

// TestExampleAnyDate plays the README's month on machines whose clocks
// say other days, in other zones (UTC, as on most servers, and a zone west
// of it): the output is the same, and /lichnhac shows the reminders at
// 08:00 in the organisation's zone (Asia/Ho_Chi_Minh), not the machine's.
func TestExampleAnyDate(t *testing.T) {
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	machines := []struct {
		zone  *time.Location
		start time.Time
	}{
		{time.UTC, time.Date(2031, 7, 15, 23, 59, 30, 0, time.UTC)},
		{la, time.Date(2019, 2, 28, 3, 0, 0, 0, la)},
	}
	var outs []string
	for _, m := range machines {
		time.Local = m.zone
		began := time.Now()
		real := func() time.Time { return m.start.Add(time.Since(began)) } // it ticks, as a real clock does
		outs = append(outs, playExample(t, real))
	}
	time.Local = saved
	for i, out := range outs {
		if !strings.Contains(out, "- Nhắc báo cáo lần 1: lần tới thứ Sáu 20/11/2026 08:00\n") {
			t.Errorf("machine %d (zone %s): /lichnhac does not show the first reminder at 08:00:\n%s", i, machines[i].zone, out)
		}
	}
	if outs[0] != outs[1] {
		t.Errorf("the month plays differently on another day and zone:\n%s", firstDiff(outs[0], outs[1]))
	}
	if want, err := os.ReadFile(exampleGolden); err == nil && outs[0] != string(want) {
		t.Errorf("on a machine in UTC the month differs from %s:\n%s", exampleGolden, firstDiff(string(want), outs[0]))
	}
}

// TestREADMEBlocks checks the README's "Trying it in the terminal"
// section against the month: every ```text block (what to type) is a run
// of lines of examples/thang-11.txt, and every ```console block (what the
// terminal prints) appears verbatim in examples/thang-11.golden.
func TestREADMEBlocks(t *testing.T) {
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(exampleScript)
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile(exampleGolden)
	if err != nil {
		t.Fatal(err)
	}
	blocks := fencedBlocks(section(string(readme), "## Trying it in the terminal"))
	var typed, printed int
	for _, b := range blocks {
		switch b.lang {
		case "text":
			typed++
			if !strings.Contains("\n"+string(script), "\n"+b.body) {
				t.Errorf("README block at line %d of its terminal section is not a run of lines of %s:\n%s", b.line, exampleScript, b.body)
			}
		case "console":
			printed++
			if !strings.Contains("\n"+string(golden), "\n"+b.body) {
				t.Errorf("README block at line %d of its terminal section is not what the terminal prints (%s):\n%s", b.line, exampleGolden, b.body)
			}
		}
	}
	if typed == 0 || printed == 0 {
		t.Errorf("the README's terminal section has %d blocks to type and %d of output, want some of each", typed, printed)
	}
}

// section returns the part of a Markdown text from the line heading to
// the next heading of the same level.
func section(md, heading string) string {
	i := strings.Index(md, "\n"+heading+"\n")
	if i < 0 {
		return ""
	}
	rest := md[i+1+len(heading):]
	level := heading[:strings.Index(heading, " ")+1]
	if j := strings.Index(rest, "\n"+level); j >= 0 {
		rest = rest[:j+1]
	}
	return rest
}

// block is one fenced code block of a Markdown text.
type block struct {
	lang string
	body string // its lines, each ending with a newline
	line int    // the line of its opening fence, counted in the text given
}

// fencedBlocks returns the ``` blocks of md.
func fencedBlocks(md string) []block {
	var out []block
	var cur *block
	sc := bufio.NewScanner(strings.NewReader(md))
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(l, "```"):
			cur = &block{lang: strings.TrimPrefix(l, "```"), line: n}
		case cur != nil && l == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.body += l + "\n"
		}
	}
	return out
}
