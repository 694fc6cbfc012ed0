package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/console"
	"lamtheo/flows"
)

// crashRuns is how many crashed runs TestCrashRecovery makes: 20, or
// LAMTHEO_CRASH_RUNS (200 before a release).
func crashRuns(t *testing.T) int {
	s := os.Getenv("LAMTHEO_CRASH_RUNS")
	if s == "" {
		return 20
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("LAMTHEO_CRASH_RUNS=%q: want a number of runs", s)
	}
	return n
}

// TestCrashRecovery kills the terminal mode with SIGKILL at random points
// of a scripted month, 20 times (LAMTHEO_CRASH_RUNS), reruns the whole
// script on the same data file (sometimes killing that run too), and checks
// that the final state equals that of an uninterrupted run: the records,
// the sessions, the cursor and the outbox (empty, with as many messages
// counted sent). Each kill point is chosen either by the child's output
// progress or by a timer, uniformly over an uninterrupted run's length.
// After every kill the data file must open. The messages the runs of one
// data file sent, together, must be those of an uninterrupted run, each
// chat's in order, where a kill may repeat at most one message per chat:
// the one in flight, sent again first by the next run.
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
	input := inputOf(string(transcript)) + crashTail
	if err := os.WriteFile(script, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	people := crashPeople(input)

	refPath := filepath.Join(dir, "ref.db")
	began := time.Now()
	ref := runCrashChild(t, refPath, script, crashKill{})
	length := time.Since(began)
	if ref.killed {
		t.Fatal("the reference run was killed")
	}
	want := dumpState(t, refPath, people)
	// The script must reach its end for the comparison to mean anything.
	for _, s := range []string{"job leaderboard@2026-12-01T01:00:00Z", "closed 11/2026", "pause 2026-", "session ", "queued 0", "files waiting 0"} {
		if !strings.Contains(want, s) {
			t.Fatalf("the reference state lacks %q:\n%s", s, want)
		}
	}
	if len(ref.sent) < 50 {
		t.Fatalf("the reference run sent %d messages", len(ref.sent))
	}

	rng := rand.New(rand.NewPCG(20261103, 5))
	runs := crashRuns(t)
	var interrupted, partial, kills, byTimer, repeats, worst int
	for i := range runs {
		path := filepath.Join(dir, fmt.Sprintf("crash%03d.db", i))
		var outputs []crashRun
		crashes := 1 + rng.IntN(2) // sometimes the rerun is killed too
		for c := range crashes {
			k := crashKill{lines: 1 + rng.IntN(ref.lines)}
			if rng.IntN(2) == 0 {
				k = crashKill{after: time.Duration(rng.Int64N(int64(length)))}
			}
			run := runCrashChild(t, path, script, k)
			outputs = append(outputs, run)
			got := dumpState(t, path, people) // the file opens after a kill
			if !run.killed {
				continue
			}
			kills++
			if k.after > 0 {
				byTimer++
			}
			if c == 0 {
				interrupted++
				if got != want {
					partial++
				}
			}
		}
		final := runCrashChild(t, path, script, crashKill{})
		if final.killed {
			t.Fatalf("run %d: the final run was killed", i)
		}
		outputs = append(outputs, final)
		if got := dumpState(t, path, people); got != want {
			t.Errorf("run %d: the state after crashes differs from an uninterrupted run:\n%s", i, lineDiff(want, got))
		}
		n, most, err := crashRepeats(ref.sent, outputs)
		if err != nil {
			t.Errorf("run %d: %v", i, err)
		}
		repeats += n
		worst = max(worst, most)
	}
	t.Logf("%d runs, %d kills (%d by timer, %d by output); %d of %d first runs killed, %d of them before the end state; "+
		"%d messages repeated in all, at most %d per chat after one kill; %d messages and %d output lines in a whole run",
		runs, kills, byTimer, kills-byTimer, interrupted, runs, partial, repeats, worst, len(ref.sent), ref.lines)
	// A test that kills only finished processes proves nothing.
	if interrupted < runs/2 || partial < runs/2 {
		t.Errorf("only %d of %d first runs were killed, %d of them before the end state: the kill points miss the run", interrupted, runs, partial)
	}
}

// crashKill says when runCrashChild kills the child: once it has printed
// lines lines, or after the duration after; never when both are zero.
type crashKill struct {
	lines int
	after time.Duration
}

// crashRun is what one child process did.
type crashRun struct {
	lines  int         // output lines read
	sent   []crashSent // the marked messages it printed, in order
	killed bool
}

// crashSent is one message a child sent: its chat and digest.
type crashSent struct{ chat, digest string }

// runCrashChild runs TestCrashChild on the data file path with script,
// killing it with SIGKILL as k says. It returns what the child printed and
// whether it was killed; any other ending fails the test.
func runCrashChild(t *testing.T, path, script string, k crashKill) crashRun {
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
	var sent atomic.Bool
	kill := func() {
		sent.Store(true)
		if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Error(err)
		}
	}
	if k.after > 0 {
		timer := time.AfterFunc(k.after, kill)
		defer timer.Stop()
	}
	var run crashRun
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		run.lines++
		if mark, ok := strings.CutPrefix(sc.Text(), crashMark); ok {
			chat, digest, _ := strings.Cut(mark, " ")
			run.sent = append(run.sent, crashSent{chat, digest})
		}
		if run.lines == k.lines {
			kill()
		}
	}
	io.Copy(io.Discard, out)
	err = cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return run // finished before the kill (or never killed)
	case sent.Load() && errors.As(err, &exit) && signalOf(exit) == syscall.SIGKILL:
		run.killed = true
		return run
	default:
		t.Fatalf("child on %s: %v\n%s", filepath.Base(path), err, stderr.String())
		return run
	}
}

// crashRepeats checks the messages that the runs of one data file sent
// against those of an uninterrupted run, chat by chat: each of want in
// order, and nothing else but repeats, a message sent again by the next
// run as its first to that chat right after the previous run sent it last.
// It returns how many messages were repeated and the most repeated to one
// chat after one kill.
func crashRepeats(want []crashSent, runs []crashRun) (repeats, most int, err error) {
	wantBy := make(map[string][]string)
	for _, s := range want {
		wantBy[s.chat] = append(wantBy[s.chat], s.digest)
	}
	next := make(map[string]int) // per chat: the index in wantBy of the next one due
	for r, run := range runs {
		perChat := make(map[string]int) // repeats in this run (after kill r-1)
		seen := make(map[string]bool)   // chats this run has sent to
		for _, s := range run.sent {
			w, i := wantBy[s.chat], next[s.chat]
			switch {
			case i < len(w) && s.digest == w[i]:
				next[s.chat]++
			case r > 0 && !seen[s.chat] && i > 0 && s.digest == w[i-1]:
				perChat[s.chat]++
				repeats++
			default:
				return repeats, most, fmt.Errorf("run %d sent %s message %s: neither the next one due (%d of %d) nor a repeat of the last", r+1, s.chat, s.digest, i+1, len(w))
			}
			seen[s.chat] = true
		}
		for _, n := range perChat {
			most = max(most, n)
		}
	}
	for chat, w := range wantBy {
		if next[chat] != len(w) {
			return repeats, most, fmt.Errorf("chat %s got %d of its %d messages", chat, next[chat], len(w))
		}
	}
	return repeats, most, nil
}

// crashPeople returns the console ids of the people the script speaks as
// and the chats it speaks in: each person's private chat and the groups.
func crashPeople(script string) crashWho {
	var w crashWho
	seen := make(map[string]bool)
	for _, l := range strings.Split(script, "\n") {
		l = strings.TrimSpace(l)
		if name, ok := strings.CutPrefix(l, ":as "); ok && !seen["u"+name] {
			seen["u"+name] = true
			w.users = append(w.users, bot.UserID{Platform: bot.Console, ID: console.UserID(name)})
		}
		if code, ok := strings.CutPrefix(l, ":group "); ok && !seen["g"+code] {
			seen["g"+code] = true
			w.groups = append(w.groups, console.GroupChat(code))
		}
	}
	return w
}

// crashWho is whose sessions dumpState lists.
type crashWho struct {
	users  []bot.UserID
	groups []bot.ChatID
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
