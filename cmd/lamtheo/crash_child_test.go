package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"testing"

	"lamtheo/bot"
)

// The crash child's environment: the data file and the script it runs.
const (
	crashChildData   = "LAMTHEO_CRASH_CHILD"
	crashChildScript = "LAMTHEO_CRASH_SCRIPT"
)

// crashTail continues the month of a cell after its transcript ends: the
// reminder jobs catch up on the 25th, Hùng pauses, Lan closes November and
// the leaderboard runs on the 1st of December.
const crashTail = `# Crash test tail: jobs, a pause, a closed month, files built off the update.
:time 2026-11-25 08:30
:as Trần Văn Hùng
/tamhoan
1
1
:as Nguyễn Thị Lan
/dongthang
1
1
/xuat 11
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
	switch f := r.File; {
	case f != nil && f.Photo:
		fmt.Fprintf(h, "|%q|%x", f.Name, sha256.Sum256(f.Data))
	case f != nil:
		// A workbook's zip records the time it was written: its name and
		// size identify it.
		fmt.Fprintf(h, "|%q|%d", f.Name, len(f.Data))
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
	a, err := openApp(ctx, cfg, testText(), slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
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
