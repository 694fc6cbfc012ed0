package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

// files is a FileSource of fixed files, failing for id "bad" until
// healed.
type files struct {
	mu     sync.Mutex
	data   map[string][]byte
	broken bool
}

func (f *files) FileData(ctx context.Context, id string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id == "bad" && f.broken {
		return nil, errors.New("disk hiccup")
	}
	d, ok := f.data[id]
	if !ok {
		return nil, fmt.Errorf("file %s: %w", id, bot.ErrNoFile)
	}
	return d, nil
}

// TestSenderLoadsStoredFiles: a reply whose file is a stored file's id
// goes out with the bytes loaded from Files; a file no longer stored
// leaves the reply's text to go alone; a failing load is retried, not
// dropped.
func TestSenderLoadsStoredFiles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		src := &files{data: map[string][]byte{"1": []byte("png"), "bad": []byte("late")}, broken: true}
		ob.Enqueue(
			bot.Reply{Chat: tg(1), Text: "kept", File: &bot.File{ID: "1", Name: "a.png", Photo: true}},
			bot.Reply{Chat: tg(2), Text: "gone", File: &bot.File{ID: "7", Name: "b.xlsx"}},
			bot.Reply{Chat: tg(3), Text: "retried", File: &bot.File{ID: "bad", Name: "c.pdf"}},
		)
		s := &bot.Sender{Outbox: ob, Conn: conn, Files: src, Log: slog.New(slog.DiscardHandler)}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go s.Run(ctx)
		time.Sleep(3 * time.Second) // virtual: the failing load's first backoff passes
		src.mu.Lock()
		src.broken = false
		src.mu.Unlock()
		waitIdle(t, s, time.Hour)
		for _, c := range []struct {
			chat bot.ChatID
			data string // "" for no file
		}{{tg(1), "png"}, {tg(2), ""}, {tg(3), "late"}} {
			got := conn.SentTo(c.chat)
			if len(got) != 1 {
				t.Fatalf("%s: %d sent, want 1", c.chat, len(got))
			}
			f := got[0].Reply.File
			switch {
			case c.data == "" && f != nil:
				t.Errorf("%s: sent file %+v, want none", c.chat, f)
			case c.data != "" && (f == nil || string(f.Data) != c.data):
				t.Errorf("%s: sent file %+v, want %q", c.chat, f, c.data)
			}
		}
	})
}
