package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/console"
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

// crashMark starts the line the crash child prints at the top of every
// message it sends: the chat and a digest of the reply, so that the test
// can tell each delivered message from the others in any run's output.
const crashMark = "@@sent "

// markConn marks every message it sends with crashMark. The mark is
// printed with the message, in the same write, so a message that reached
// the output carries its mark. It declares texts of at most
// crashMaxText characters, so that the Sender sends the longer replies
// (help, summaries) in several messages and kills fall between them too.
type markConn struct{ bot.Conn }

// crashMaxText is the longest text markConn declares.
const crashMaxText = 120

// Caps returns the terminal's, with MaxText at most crashMaxText.
func (c markConn) Caps() bot.Caps {
	caps := c.Conn.Caps()
	if caps.MaxText == 0 || caps.MaxText > crashMaxText {
		caps.MaxText, caps.Measure = crashMaxText, bot.UTF16
	}
	return caps
}

// Send prints r with its mark; a Reply that prints nothing (Strip) gets
// none.
func (c markConn) Send(ctx context.Context, r bot.Reply) (string, error) {
	if r.Strip != "" {
		return c.Conn.Send(ctx, r)
	}
	r.Text = crashMark + r.Chat.String() + " " + replyDigest(r) + "\n" + r.Text
	return c.Conn.Send(ctx, r)
}

// replyDigest identifies a reply by what it shows, not by the platform
// ids of earlier messages it refers to (Edit), which differ from run to
// run.
func replyDigest(r bot.Reply) string {
	h := sha256.New()
	fmt.Fprintf(h, "%q|%q|%q|%v|%q|%v|%v|%v", r.Title, r.Text, r.Hint, r.Choices, r.Photo, r.Link, r.Edit != "", r.Bulk)
	if r.File != nil {
		fmt.Fprintf(h, "|%q|%x", r.File.Name, sha256.Sum256(r.File.Data))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// TestCrashChild is the process TestCrashRecovery starts and kills: with
// LAMTHEO_CRASH_CHILD set it runs the terminal mode of the demo
// organisation on that data file, reading the script LAMTHEO_CRASH_SCRIPT,
// with a fixed message key prefix and invite codes ABC201, ABC202, ... (a
// code already in the store is skipped, so a rerun after a crash issues the
// codes an uninterrupted run does), marking every message it sends
// (markConn). Without the variable it is skipped.
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
	wrap := func(c bot.Conn) bot.Conn { return markConn{c} }
	if err := a.serveConsole(ctx, in, os.Stdout, consoleOptions{codes: codes, keyPrefix: "crash", wrap: wrap}); err != nil {
		t.Fatal(err)
	}
}

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
	for _, s := range []string{"job leaderboard@2026-12-01T01:00:00Z", "closed 11/2026", "pause 2026-", "session ", "queued 0"} {
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

// dumpState opens the data file and returns its state as text: cells,
// members, invites, pledges, reports, month states, job marks, the
// sessions of who in their private chats and the groups, the terminal's
// cursor, the replies queued and the messages counted sent. Timestamps
// are left out (they follow the real clock), and so are the update
// markers, which the messages of the runs check (a line handled twice
// would answer twice).
func dumpState(t *testing.T, path string, who crashWho) string {
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
		if err := dumpSessions(&b, tx, who); err != nil {
			return err
		}
		cursor, err := tx.Cursor(bot.Console)
		if err != nil {
			return err
		}
		queued, err := tx.Queued(bot.Console)
		if err != nil {
			return err
		}
		// Sent counts go by the month of the clock when they were sent, and
		// a rerun sends what a kill left queued before its first :time.
		sent := 0
		for y := 2025; y <= 2028; y++ {
			for m := 1; m <= 12; m++ {
				n, err := tx.Sent(bot.Console, flows.Month(y*100+m))
				if err != nil {
					return err
				}
				sent += n
			}
		}
		fmt.Fprintf(&b, "cursor %d queued %d sent %d\n", cursor, queued, sent)
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

// dumpSessions writes the sessions of who, without their times.
func dumpSessions(b *strings.Builder, tx flows.Tx, who crashWho) error {
	for _, u := range who.users {
		for _, chat := range append([]bot.ChatID{u.PrivateChat()}, who.groups...) {
			s, ok, err := tx.Session(chat, u)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			fmt.Fprintf(b, "session %s %s flow %q step %q state %q choices %q notice %q\n",
				chat, u, s.Flow, s.Step, s.State, s.Choices, s.Notice)
		}
	}
	return nil
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
