package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"lamtheo/flows/text"
)

// catalogueMiss matches the marker a missing catalogue text renders as.
var catalogueMiss = regexp.MustCompile(`\[[a-z0-9_.]+(\]|:)`)

// testText returns the embedded catalogue, which the tests pass to openApp
// as run does. Package text's tests check that it parses; were it
// unreadable, every text would show as its key and the transcripts differ.
func testText() *text.Catalog {
	c, _ := text.Default()
	return c
}

var update = flag.Bool("update", false, "rewrite the transcripts under testdata/ with what the bot says now")

// TestTranscripts replays every conversation under testdata/*.txt through
// the terminal mode (the real engine, store, outbox and console adapter) and
// compares what the bot answers with the file. A transcript is the console's
// own output: "> " lines are what the people typed, "# " lines are comments,
// "* " lines are the terminal's own notes, everything else the bot's replies.
// Run with -update to rewrite the files, then read the diff.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no transcripts under testdata/")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := replayConfig(t, inputOf(string(want)), consoleOptions{}, transcriptConfig[name])
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(want) {
				t.Errorf("transcript %s differs (run go test ./cmd/lamtheo -run TestTranscripts -update and read the diff):\n%s", file, firstDiff(string(want), got))
			}
			for _, line := range strings.Split(got, "\n") {
				if strings.HasPrefix(line, ">") || strings.HasPrefix(line, "#") {
					continue
				}
				if catalogueMiss.MatchString(line) || strings.Contains(line, "<no value>") || strings.Contains(line, " bạn ") {
					t.Errorf("suspicious reply line: %s", line)
				}
			}
		})
	}
}

// inputOf returns what the people typed in a transcript: its "> " lines and
// its comments.
func inputOf(transcript string) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(transcript))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "> "):
			b.WriteString(strings.TrimPrefix(line, "> ") + "\n")
		case strings.HasPrefix(line, "#"):
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// replay runs input through the terminal mode of the demo organisation on a
// fresh data file, as "go run ./cmd/lamtheo < input" does (its clock starts
// at demoStart, its invite codes are ABC201, ABC202, ...), and returns the
// output.
func replay(t *testing.T, input string, o consoleOptions) string {
	t.Helper()
	return replayConfig(t, input, o, nil)
}

// transcriptConfig changes the demo organisation for the transcripts
// named, each saying so in its first comment.
var transcriptConfig = map[string]func(*Config){
	// Chi bộ thôn Tây meets on the 10th, after the organisation's deadline.
	"leaderboard_deadline": func(c *Config) { c.Cells[1].MeetingDay = 10 },
}

// replayConfig is replay with the demo organisation changed by change
// (when not nil).
func replayConfig(t *testing.T, input string, o consoleOptions, change func(*Config)) string {
	t.Helper()
	cfg := DemoConfig()
	if change != nil {
		change(&cfg)
	}
	return playConfig(t, cfg, filepath.Join(t.TempDir(), "lamtheo.db"), input, o)
}

// playConsole runs input through the terminal mode of the demo
// organisation on the data file at path, and returns the output.
func playConsole(t *testing.T, path, input string, o consoleOptions) string {
	t.Helper()
	return playConfig(t, DemoConfig(), path, input, o)
}

// playConfig runs input through the terminal mode of the organisation
// cfg on the data file at path, and returns the output.
func playConfig(t *testing.T, cfg Config, path, input string, o consoleOptions) string {
	t.Helper()
	cfg.Data.Path = path
	ctx := context.Background()
	a, err := openApp(ctx, cfg, testText(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var out strings.Builder
	if err := a.serveConsole(ctx, strings.NewReader(input), &out, o); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\nwant: %s\ngot:  %s", i+1, wl, gl)
		}
	}
	return "(no difference)"
}
