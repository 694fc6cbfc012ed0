package bot_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

// TestSenderResumesLongReplyAfterKill sends a reply long enough for five
// messages and kills the run (its outbox writes fail from then on, like a
// process killed with SIGKILL) while the third part is on its way. The
// next run must send the rest: only the part in flight may be repeated,
// never the parts whose sending was recorded before.
func TestSenderResumesLongReplyAfterKill(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		conn.Declared.MaxText = 20
		conn.Latency = time.Second
		var dead atomic.Bool
		ob.FinishErr = func(uint64) error {
			if dead.Load() {
				return errors.New("killed")
			}
			return nil
		}
		c := tg(7)
		var lines []string
		for i := range 5 {
			lines = append(lines, fmt.Sprintf("phần %d của tin dài", i+1))
		}
		ob.Enqueue(bot.Reply{Chat: c, Text: strings.Join(lines, "\n")}, bot.Reply{Chat: c, Text: "sau đó"})

		ctx, cancel := context.WithCancel(context.Background())
		first := &bot.Sender{Outbox: ob, Conn: conn}
		done := make(chan error, 1)
		go func() { done <- first.Run(ctx) }()
		// Parts go out at 0, 1 and 2 s, each answered a second later.
		time.Sleep(2*time.Second + time.Second/2)
		dead.Store(true) // the kill: nothing more is written
		cancel()
		<-done
		if n := len(conn.SentTo(c)); n != 3 {
			t.Fatalf("%d parts delivered before the kill, want 3", n)
		}

		dead.Store(false)
		s := start(t, ob, conn, bot.Limits{}, true)
		waitIdle(t, s, time.Hour)
		var got []string
		for _, m := range conn.SentTo(c) {
			got = append(got, m.Reply.Text)
		}
		want := append(slices.Clone(lines), "sau đó")
		repeats, ok := repeatsOf(got, want)
		if !ok {
			t.Fatalf("delivered %q, want %q (a message may be repeated right after itself)", got, want)
		}
		if repeats > 1 {
			t.Errorf("delivered %q: %d messages repeated after the kill, want at most 1 (the one in flight)", got, repeats)
		}
	})
}

// repeatsOf matches the delivered messages got against want: each of want
// in order, where a message may be delivered again right after itself (a
// repeat). It returns the number of repeats, and false if got has a message
// out of order, one that is neither, or lacks one of want.
func repeatsOf(got, want []string) (repeats int, ok bool) {
	i := 0
	for _, g := range got {
		switch {
		case i < len(want) && g == want[i]:
			i++
		case i > 0 && g == want[i-1]:
			repeats++
		default:
			return repeats, false
		}
	}
	return repeats, i == len(want)
}
