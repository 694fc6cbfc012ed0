package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lamtheo/bot/telegram/telegramtest"
)

// TestShutdownPromptly runs the whole program on Telegram (the fake Bot API
// over real TCP), waits until it is long-polling, cancels it as SIGINT
// would, and checks it returns at once with its data closed: a second run
// on the same file starts, which it could not while the first held it.
func TestShutdownPromptly(t *testing.T) {
	f := telegramtest.NewServer(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "config.toml")
	err := os.WriteFile(conf, []byte(`[org]
name = "Đảng bộ xã Thử"
[[cells]]
code = "C01"
name = "Chi bộ Một"
[data]
path = "`+filepath.ToSlash(filepath.Join(dir, "lamtheo.db"))+`"
[telegram]
endpoint = "`+f.URL+`"
poll_timeout = "50s"
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == EnvTelegramToken {
			return f.Token
		}
		return ""
	}
	for i := range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		var stderr strings.Builder
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"-config", conf}, getenv, strings.NewReader(""), &strings.Builder{}, &stderr)
		}()
		wait, stop := context.WithTimeout(context.Background(), 10*time.Second)
		if err := f.WaitPolling(wait); err != nil {
			t.Fatalf("run %d never polled: %v\n%s", i, err, stderr.String())
		}
		stop()
		start := time.Now()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run %d: %v", i, err)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("run %d still running 2 s after the stop signal", i)
		}
		t.Logf("run %d stopped in %v", i, time.Since(start))
		if strings.Contains(stderr.String(), f.Token) {
			t.Errorf("the token reached the log:\n%s", stderr.String())
		}
	}
}
