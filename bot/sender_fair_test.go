package bot_test

import (
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

// TestSenderFairAcrossChats queues a stranger's flood of replies (5,000 to
// one chat, as 5,000 wrong /join codes give), then one reply to somebody
// else: that reply must go out within a second, as Telegram's limits allow,
// not after the flood. The flood itself keeps its order and its 1 s pace.
func TestSenderFairAcrossChats(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const flood = 5000
		ob, conn := bottest.NewOutbox(), telegramConn()
		stranger, other := tg(666), tg(42)
		for i := range flood {
			ob.Enqueue(bot.Reply{Chat: stranger, Text: text(stranger, i)})
		}
		start(t, ob, conn, telegramLimits, true)
		time.Sleep(10 * time.Second)
		queued := time.Now()
		ob.Enqueue(bot.Reply{Chat: other, Text: "trợ giúp"})
		time.Sleep(5 * time.Second)
		sent := conn.SentTo(other)
		if len(sent) != 1 {
			t.Fatalf("the other chat got %d replies within 5 s of its queueing behind %d to a stranger, want 1", len(sent), flood)
		}
		if d := sent[0].Time.Sub(queued); d > time.Second {
			t.Errorf("the other chat's reply went out %v after it was queued, want at most 1s", d)
		}
		t.Logf("the other chat's reply went out %v after it was queued", sent[0].Time.Sub(queued))
		got := conn.SentTo(stranger)
		for i, m := range got {
			if m.Reply.Text != text(stranger, i) {
				t.Fatalf("stranger's reply %d is %q: out of order", i, m.Reply.Text)
			}
		}
		if n := len(got); n < 14 || n > 16 {
			t.Errorf("%d replies to the stranger in 15 s, want about 15 (1 per second)", n)
		}
		// Reading past the flood once, then a few of its replies a second:
		// no busy loop over the outbox.
		if n := ob.Reads(); n > 60 {
			t.Errorf("the outbox was read %d times in 15 s", n)
		}
		t.Logf("%d outbox reads in 15 s", ob.Reads())
	})
}

// TestSenderFairAcrossManyFloods has 40 strangers flood at once, more than
// the overall rate can serve at 1 message per second each: a reply to
// somebody else still goes out within one round of the flooding chats (40
// at 30 msg/s), not after their backlogs.
func TestSenderFairAcrossManyFloods(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const strangers, each = 40, 200
		ob, conn := bottest.NewOutbox(), telegramConn()
		for i := range each {
			for j := range strangers {
				c := tg(1000 + j)
				ob.Enqueue(bot.Reply{Chat: c, Text: text(c, i)})
			}
		}
		start(t, ob, conn, telegramLimits, true)
		time.Sleep(20 * time.Second)
		other := tg(42)
		queued := time.Now()
		ob.Enqueue(bot.Reply{Chat: other, Text: "trợ giúp"})
		time.Sleep(10 * time.Second)
		sent := conn.SentTo(other)
		if len(sent) != 1 {
			t.Fatalf("the other chat got %d replies within 10 s, want 1", len(sent))
		}
		if d := sent[0].Time.Sub(queued); d > 2*time.Second {
			t.Errorf("the other chat's reply went out %v after it was queued, want at most 2s", d)
		}
		t.Logf("the other chat's reply went out %v after it was queued", sent[0].Time.Sub(queued))
		if n := conn.Throttled(); n != 0 {
			t.Errorf("%d 429s", n)
		}
	})
}

// TestSenderQueueOrderWithoutChatLimits sends, one at a time and with no
// per-chat limit (the terminal), replies queued together to two chats,
// one of them long enough for three messages: they go out in queue order,
// the parts of the long one one after the other, as the terminal's
// transcripts expect. Taking turns only applies to chats that must wait.
func TestSenderQueueOrderWithoutChatLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob, conn := bottest.NewOutbox(), bottest.NewConn()
		conn.Declared.MaxText = 12
		conn.Latency = 10 * time.Millisecond // time passes between the sends
		a, b := tg(1), tg(2)
		ob.Enqueue(
			bot.Reply{Chat: a, Text: "a1 phần 1\na1 phần 2\na1 phần 3"},
			bot.Reply{Chat: a, Text: "a2"},
			bot.Reply{Chat: b, Text: "b1"},
			bot.Reply{Chat: a, Text: "a3"},
			bot.Reply{Chat: b, Text: "b2"},
		)
		s := start(t, ob, conn, bot.Limits{MaxConcurrent: 1}, true)
		waitIdle(t, s, time.Hour)
		var got []string
		for _, m := range conn.Sent() {
			got = append(got, m.Reply.Text)
		}
		want := []string{"a1 phần 1", "a1 phần 2", "a1 phần 3", "a2", "b1", "a3", "b2"}
		if !slices.Equal(got, want) {
			t.Errorf("sent %q, want %q", got, want)
		}
	})
}
