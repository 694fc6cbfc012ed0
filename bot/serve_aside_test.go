package bot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

// asideHandler fails every try of the messages in bad; it records what it
// handled and what it set aside, and fails SetAside when refuse is set.
type asideHandler struct {
	bad    map[string]bool
	refuse bool

	mu      sync.Mutex
	tries   map[string]int
	handled []string
	aside   []string
}

func (h *asideHandler) Handle(ctx context.Context, m bot.Message) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.Kind == bot.KindCursor {
		return nil
	}
	h.tries[m.Key]++
	if h.bad[m.Key] {
		return errors.New("load member: damaged record")
	}
	h.handled = append(h.handled, m.Key)
	return nil
}

func (h *asideHandler) SetAside(ctx context.Context, m bot.Message, cause error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.refuse {
		return errors.New("disk full")
	}
	h.aside = append(h.aside, m.Key+": "+cause.Error())
	return nil
}

// TestServeSetsAside (finding 3): a message that fails every try is set
// aside, confirmed, and the messages after it (in its chat and others) are
// handled; without a SetAsider, or when SetAside fails, Serve stops as
// before.
func TestServeSetsAside(t *testing.T) {
	a := bot.ChatID{Platform: bot.Telegram, ID: "1"}
	b := bot.ChatID{Platform: bot.Telegram, ID: "2"}
	batches := [][]bot.Message{
		{{Key: "a1", Chat: a}, {Key: "b1", Chat: b}, {Key: "a2", Chat: a}},
		{{Key: "a3", Chat: a, Kind: bot.KindCallback, CallbackID: "cb"}},
	}
	run := func(h bot.Handler) (*bottest.Conn, error) {
		conn := bottest.NewConn()
		for _, batch := range batches {
			conn.Push(batch...)
		}
		conn.Close()
		var err error
		synctest.Test(t, func(t *testing.T) {
			err = (&bot.Server{Conn: conn, Handler: h}).Serve(context.Background())
		})
		return conn, err
	}

	h := &asideHandler{bad: map[string]bool{"a1": true, "a3": true}, tries: map[string]int{}}
	conn, err := run(h)
	if err != nil {
		t.Fatalf("Serve = %v, want nil", err)
	}
	if h.tries["a1"] != 4 || h.tries["a3"] != 4 {
		t.Errorf("tries %v, want 4 of each bad message", h.tries)
	}
	if want := []string{"a1: load member: damaged record", "a3: load member: damaged record"}; !slices.Equal(h.aside, want) {
		t.Errorf("set aside %q, want %q", h.aside, want)
	}
	slices.Sort(h.handled)
	if !slices.Equal(h.handled, []string{"a2", "b1"}) {
		t.Errorf("handled %v, want a2 and b1", h.handled)
	}
	var acked []string
	for _, m := range conn.Acks() {
		acked = append(acked, m.Key)
	}
	slices.Sort(acked)
	if !slices.Equal(acked, []string{"a1", "a2", "a3", "b1"}) {
		t.Errorf("acknowledged %v, want every message", acked)
	}

	// A Handler that cannot set aside stops Serve, as does a failing SetAside.
	plain := &asideHandler{bad: map[string]bool{"a1": true}, tries: map[string]int{}}
	if _, err := run(bot.HandlerFunc(plain.Handle)); err == nil {
		t.Error("Serve without a SetAsider went on after a failing message")
	}
	refusing := &asideHandler{bad: map[string]bool{"a1": true}, tries: map[string]int{}, refuse: true}
	if _, err := run(refusing); err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "damaged record") {
		t.Errorf("Serve after SetAside failed = %v, want both errors", err)
	}
}
