package bot_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

// groupHandler is an asideHandler that also applies groups: all or
// nothing, failing a group that holds a bad message. It records each
// group it applied, and the one-by-one handling that follows a failed one.
type groupHandler struct {
	asideHandler
	groups [][]string // keys of the groups applied, in order
}

func (h *groupHandler) HandleGroup(ctx context.Context, msgs []bot.Message) ([]string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var keys, toasts []string
	for _, m := range msgs {
		if h.bad[m.Key] {
			return nil, errors.New("load member: damaged record")
		}
		keys = append(keys, m.Key)
		toasts = append(toasts, "toast "+m.Key)
	}
	h.groups = append(h.groups, keys)
	h.handled = append(h.handled, keys...)
	return toasts, nil
}

// TestServeGroupsOneChat: a batch of 70 messages of one chat and one of
// another is applied in groups of up to Server.Group (32, 32, 6), in order,
// each acknowledged with its toast after its group; the other chat's single
// message is handled alone. A group with a message that fails every try is
// handled again one by one: the others of the group are handled, the bad
// one set aside, and every message is acknowledged.
func TestServeGroupsOneChat(t *testing.T) {
	busy := bot.ChatID{Platform: bot.Telegram, ID: "-100"}
	other := bot.ChatID{Platform: bot.Telegram, ID: "7"}
	var batch []bot.Message
	var want []string
	for i := range 70 {
		key := fmt.Sprint("m", i)
		batch = append(batch, bot.Message{Key: key, Chat: busy, Cursor: int64(i + 1)})
		want = append(want, key)
	}
	batch = append(batch[:10:10], append([]bot.Message{{Key: "o1", Chat: other, Cursor: 99}}, batch[10:]...)...)

	for _, tt := range []struct {
		name   string
		bad    map[string]bool
		groups []int // sizes of the groups applied
		aside  []string
	}{
		{"all good", nil, []int{32, 32, 6}, nil},
		{"one bad", map[string]bool{"m40": true}, []int{32, 6}, []string{"m40: load member: damaged record"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := &groupHandler{asideHandler: asideHandler{bad: tt.bad, tries: map[string]int{}}}
			conn := bottest.NewConn()
			conn.Push(batch...)
			conn.Close()
			synctest.Test(t, func(t *testing.T) {
				if err := (&bot.Server{Conn: conn, Handler: h}).Serve(context.Background()); err != nil {
					t.Fatal(err)
				}
			})
			var sizes []int
			for _, g := range h.groups {
				sizes = append(sizes, len(g))
			}
			if !slices.Equal(sizes, tt.groups) {
				t.Errorf("groups of %v, want %v", sizes, tt.groups)
			}
			if !slices.Equal(h.aside, tt.aside) {
				t.Errorf("set aside %q, want %q", h.aside, tt.aside)
			}
			var acked, handled []string
			for _, m := range conn.Acks() {
				if m.Chat == busy {
					acked = append(acked, m.Key)
					wantToast := ""
					if slices.ContainsFunc(h.groups, func(g []string) bool { return slices.Contains(g, m.Key) }) {
						wantToast = "toast " + m.Key
					}
					if m.Toast != wantToast {
						t.Errorf("%s acknowledged with toast %q, want %q", m.Key, m.Toast, wantToast)
					}
				}
			}
			for _, k := range h.handled {
				if k != "o1" {
					handled = append(handled, k)
				}
			}
			if !slices.Equal(acked, want) {
				t.Errorf("acknowledged %v, want every message in order", acked)
			}
			wantHandled := slices.DeleteFunc(slices.Clone(want), func(k string) bool { return tt.bad[k] })
			if !slices.Equal(handled, wantHandled) {
				t.Errorf("handled %v, want %v", handled, wantHandled)
			}
			if !slices.Contains(h.handled, "o1") || h.tries["o1"] != 1 {
				t.Errorf("the other chat's message: handled %v, tried %d times, want alone once", h.handled, h.tries["o1"])
			}
		})
	}
}
