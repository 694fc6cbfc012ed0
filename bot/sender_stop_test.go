package bot_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

func TestSenderFinishFailureDoesNotResend(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		var fails atomic.Int32
		ob.FinishErr = func(uint64) error {
			if fails.Add(1) <= 3 {
				return errors.New("disk full")
			}
			return nil
		}
		ob.Enqueue(bot.Reply{Chat: tg(1), Text: "x"})
		s := start(t, ob, conn, bot.Limits{}, true)
		waitIdle(t, s, time.Hour)
		if n := len(conn.Sent()); n != 1 {
			t.Errorf("sent %d times, want once", n)
		}
	})
}

func TestSenderStopsWithSendsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		conn.Latency = time.Hour
		ob.Enqueue(bot.Reply{Chat: tg(1), Text: "x"}, bot.Reply{Chat: tg(2), Text: "y"})
		s := &bot.Sender{Outbox: ob, Conn: conn}
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- s.Run(ctx) }()
		time.Sleep(time.Minute)
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run = %v", err)
		}
		if n := ob.Len(); n != 2 {
			t.Errorf("%d envelopes left, want both (not finished without an answer)", n)
		}
	})
}

func TestSenderFinishesSendCompletedDuringStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		// A Send that ignores its context and succeeds after the stop.
		conn.Fail = func(int, bot.Reply) error { time.Sleep(time.Minute); return nil }
		ob.Enqueue(bot.Reply{Chat: tg(1), Text: "x"})
		s := &bot.Sender{Outbox: ob, Conn: conn}
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- s.Run(ctx) }()
		time.Sleep(time.Second)
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run = %v", err)
		}
		if len(conn.Sent()) != 1 || ob.Len() != 0 {
			t.Errorf("sent %d, %d left in the outbox; want the delivered envelope finished", len(conn.Sent()), ob.Len())
		}
	})
}
