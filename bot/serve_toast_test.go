package bot_test

import (
	"context"
	"testing"

	"lamtheo/bot"
	"lamtheo/bot/bottest"
)

// TestSetToast: the toast a Handler sets reaches Conn.Ack with its message;
// a later message starts without one.
func TestSetToast(t *testing.T) {
	conn := bottest.NewConn()
	chat := bot.ChatID{Platform: bot.Telegram, ID: "1"}
	conn.Push(
		bot.Message{Key: "a", Chat: chat, Kind: bot.KindCallback, CallbackID: "cb1", Data: "old"},
		bot.Message{Key: "b", Chat: chat, Kind: bot.KindCallback, CallbackID: "cb2", Data: "new"},
	)
	conn.Close()
	h := bot.HandlerFunc(func(ctx context.Context, m bot.Message) error {
		if m.Data == "old" {
			bot.SetToast(ctx, "Nút này đã cũ")
		}
		return nil
	})
	bot.SetToast(context.Background(), "outside Serve: ignored")
	if err := (&bot.Server{Conn: conn, Handler: h}).Serve(context.Background()); err != nil {
		t.Fatal(err)
	}
	acks := conn.Acks()
	if len(acks) != 2 || acks[0].Toast != "Nút này đã cũ" || acks[1].Toast != "" {
		t.Errorf("acks = %+v, want the toast on the first only", acks)
	}
}
