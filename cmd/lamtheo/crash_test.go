package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"lamtheo/flows"
	"lamtheo/store"
)

// The crash child's environment: the data file and the script it runs.
const (
	crashChildData   = "LAMTHEO_CRASH_CHILD"
	crashChildScript = "LAMTHEO_CRASH_SCRIPT"
)

// crashTail continues the month of a cell after its transcript ends: the
// reminder jobs catch up on the 25th, Hùng pauses, Lan closes November and
// the leaderboard runs on the 1st of December.
const crashTail = `# Crash test tail: jobs, a pause, a closed month.
:time 2026-11-25 08:30
:as Trần Văn Hùng
/tamhoan
1
1
:as Nguyễn Thị Lan
/dongthang
1
1
:time 2026-12-01 09:00
:as Lê Thị Mai
/cuatoi
`

// TestCrashChild is the process TestCrashRecovery starts and kills: with
// LAMTHEO_CRASH_CHILD set it runs the terminal mode of the demo
// organisation on that data file, reading the script LAMTHEO_CRASH_SCRIPT,
// with a fixed message key prefix and invite codes ABC201, ABC202, ... (a
// code already in the store is skipped, so a rerun after a crash issues the
// codes an uninterrupted run does). Without the variable it is skipped.
func TestCrashChild(t *testing.T) {
	data := os.Getenv(crashChildData)
	if data == "" {
		t.Skip("the child process of TestCrashRecovery")
	}
	in, err := os.Open(os.Getenv(crashChildScript))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	cfg := DemoConfig()
	cfg.Data.Path = data
	ctx := context.Background()
	a, err := openApp(ctx, cfg, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	n := 200
	codes := func() string { n++; return fmt.Sprintf("ABC%d", n) }
	if err := a.serveConsole(ctx, in, os.Stdout, consoleOptions{codes: codes, keyPrefix: "crash"}); err != nil {
		t.Fatal(err)
	}
}

// TestCrashRecovery kills the terminal mode with SIGKILL at random points
// of a scripted month, 20 times, reruns the whole script on the same data
// file (sometimes killing that run too), and checks that the final records
// equal those of an uninterrupted run. Each kill point is chosen by the
// child's output progress, never by a timer. After every kill the data file
// must open.
func TestCrashRecovery(t *testing.T) {
	if os.Getenv(crashChildData) != "" {
		t.Skip("in the child")
	}
	transcript, err := os.ReadFile("testdata/month_of_a_cell.txt")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "script.txt")
	if err := os.WriteFile(script, []byte(inputOf(string(transcript))+crashTail), 0o644); err != nil {
		t.Fatal(err)
	}

	refPath := filepath.Join(dir, "ref.db")
	lines, killed := runCrashChild(t, refPath, script, -1)
	if killed {
		t.Fatal("the reference run was killed")
	}
	want := dumpState(t, refPath)
	// The script must reach its end for the comparison to mean anything.
	for _, s := range []string{"job leaderboard@2026-12-01T01:00:00Z", "closed 11/2026", "pause 2026-"} {
		if !strings.Contains(want, s) {
			t.Fatalf("the reference state lacks %q:\n%s", s, want)
		}
	}

	rng := rand.New(rand.NewPCG(20261103, 5))
	const runs = 20
	var interrupted, partial int
	for i := range runs {
		path := filepath.Join(dir, fmt.Sprintf("crash%02d.db", i))
		crashes := 1 + rng.IntN(2) // sometimes the rerun is killed too
		for c := range crashes {
			after := 1 + rng.IntN(lines)
			_, killed := runCrashChild(t, path, script, after)
			got := dumpState(t, path) // the file opens after a kill
			if !killed {
				continue
			}
			if c == 0 {
				interrupted++
				if got != want {
					partial++
				}
			}
		}
		if _, killed := runCrashChild(t, path, script, -1); killed {
			t.Fatalf("run %d: the final run was killed", i)
		}
		if got := dumpState(t, path); got != want {
			t.Errorf("run %d: the state after crashes differs from an uninterrupted run:\n%s", i, lineDiff(want, got))
		}
	}
	t.Logf("%d of %d first runs killed, %d of them before the end state; %d output lines in a whole run", interrupted, runs, partial, lines)
	// A test that kills only finished processes proves nothing.
	if interrupted < runs/2 || partial < runs/2 {
		t.Errorf("only %d of %d first runs were killed, %d of them before the end state: the kill points miss the run", interrupted, runs, partial)
	}
}

// runCrashChild runs TestCrashChild on the data file path with script,
// killing it with SIGKILL once it has printed after lines (never when after
// is negative). It returns the number of lines read and whether the child
// was killed; any other ending fails the test.
func runCrashChild(t *testing.T, path, script string, after int) (lines int, killed bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	// A race-enabled binary sleeps 1 s at exit by default; the child need not.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(os.Environ(), crashChildData+"="+path, crashChildScript+"="+script, "GORACE="+gorace)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	sent := false
	for sc.Scan() {
		lines++
		if lines == after {
			if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
				t.Fatal(err)
			}
			sent = true
			break
		}
	}
	io.Copy(io.Discard, out)
	err = cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return lines, false // finished before the kill (or never killed)
	case sent && errors.As(err, &exit) && signalOf(exit) == syscall.SIGKILL:
		return lines, true
	default:
		t.Fatalf("child on %s: %v\n%s", filepath.Base(path), err, stderr.String())
		return lines, false
	}
}

// signalOf returns the signal that ended the process, or 0.
func signalOf(e *exec.ExitError) syscall.Signal {
	if ws, ok := e.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ws.Signal()
	}
	return 0
}

// crashMonths are the months the script touches, and its years.
var (
	crashMonths = []flows.Month{202610, 202611, 202612}
	crashYears  = []int{2026, 2027}
)

// dumpState opens the data file and returns its domain records as text:
// cells, members, invites, pledges, reports, month states and job marks.
// Sessions, update markers and the outbox are left out (a kill loses what
// was sent), and so are timestamps (they follow the real clock).
func dumpState(t *testing.T, path string) string {
	t.Helper()
	cfg := DemoConfig()
	loc, err := cfg.Location()
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", filepath.Base(path), err)
	}
	defer db.Close()
	var b strings.Builder
	err = db.View(context.Background(), func(tx flows.Tx) error {
		b.Reset()
		cells, err := tx.Cells()
		if err != nil {
			return err
		}
		for _, c := range cells {
			fmt.Fprintf(&b, "cell %s %q day %d groups %v\n", c.Code, c.Name, c.MeetingDay, c.Groups)
			for _, m := range crashMonths {
				s, err := tx.MonthState(c.Code, m)
				if err != nil {
					return err
				}
				if s.Closed {
					fmt.Fprintf(&b, "  closed %s\n", m)
				}
			}
		}
		members, err := tx.Members("")
		if err != nil {
			return err
		}
		for _, m := range members {
			fmt.Fprintf(&b, "member %d %q cell %q secretary %v status %d users %v\n", m.ID, m.Name, m.Cell, m.Secretary, m.Status, m.Users)
			if !m.PausedUntil.IsZero() {
				fmt.Fprintf(&b, "  pause %s %q\n", m.PausedUntil.In(loc).Format("2006-01-02"), m.PauseReason)
			}
			for _, y := range crashYears {
				p, ok, err := tx.Pledge(m.ID, y)
				if err != nil {
					return err
				}
				if ok {
					fmt.Fprintf(&b, "  pledge %d status %d next %d comment %q submitted %v decided %v\n",
						y, p.Status, p.NextNo, p.Comment, !p.Submitted.IsZero(), !p.Decided.IsZero())
					for _, it := range p.Items {
						fmt.Fprintf(&b, "    item %d %q %s %q\n", it.No, it.Text, it.Category, it.Target)
					}
				}
			}
			for _, mo := range crashMonths {
				r, ok, err := tx.Report(m.ID, mo)
				if err != nil {
					return err
				}
				if ok {
					fmt.Fprintf(&b, "  report %s other %q photo %q submitted %v exemplary %v\n",
						mo, r.Other, r.Photo, !r.Submitted.IsZero(), r.Exemplary)
					for _, e := range r.Entries {
						fmt.Fprintf(&b, "    entry %d status %d %q\n", e.Item, e.Status, e.Text)
					}
				}
			}
		}
		for n := 201; n <= 220; n++ {
			code := fmt.Sprintf("ABC%d", n)
			inv, ok, err := tx.Invite(code)
			if err != nil {
				return err
			}
			if ok {
				fmt.Fprintf(&b, "invite %s cell %s\n", inv.Code, inv.Cell)
			}
		}
		keys, err := crashJobKeys(cfg, loc, cells)
		if err != nil {
			return err
		}
		for _, k := range keys {
			ran, err := tx.JobRan(k)
			if err != nil {
				return err
			}
			if ran {
				fmt.Fprintf(&b, "job %s\n", k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read %s: %v", filepath.Base(path), err)
	}
	return b.String()
}

// crashJobKeys returns the keys of every slot of every configured job in
// the months the script touches, for the whole organisation and for each
// cell (a manual run), in the engine's format (flows.jobKey).
func crashJobKeys(cfg Config, loc *time.Location, cells []flows.Cell) ([]string, error) {
	from := crashMonths[0].Start(loc)
	to := crashMonths[len(crashMonths)-1].Next().Start(loc)
	var keys []string
	for _, j := range cfg.Schedule.jobs() {
		if strings.TrimSpace(j.spec) == "" {
			continue
		}
		sched, err := parseSchedule(j.spec)
		if err != nil {
			return nil, err
		}
		for s := sched.Next(from.Add(-time.Second)); !s.IsZero() && s.Before(to); s = sched.Next(s) {
			k := j.key + "@" + s.UTC().Format(time.RFC3339)
			keys = append(keys, k)
			for _, c := range cells {
				keys = append(keys, k+"#"+c.Code)
			}
		}
	}
	slices.Sort(keys)
	return keys, nil
}

// lineDiff lists the lines only in want ("-") or only in got ("+").
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	if b.Len() == 0 {
		return "(same lines, other order)"
	}
	return b.String()
}
