package main

import (
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot/zalo/zalotest"
)

// TestZaloSeveralBots serves two cells with a Zalo bot each
// ([[zalo.bots]]), each bot on its own fake Bot API, at most two people per
// bot: a code of the other bot's cell is refused naming that bot; the
// third person on a full bot is refused and the secretary is told.
func TestZaloSeveralBots(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		east := zalotest.NewServer(t, zalotest.InProcess(), zalotest.WithToken("2000000000000000001:EastBotToken-secret_e"),
			zalotest.WithBot(zalotest.Bot{ID: "2000000000000000001", AccountName: "bot.east", DisplayName: "Bot Thôn Đông"}))
		west := zalotest.NewServer(t, zalotest.InProcess(), zalotest.WithToken("2000000000000000002:WestBotToken-secret_w"),
			zalotest.WithBot(zalotest.Bot{ID: "2000000000000000002", AccountName: "bot.west", DisplayName: "Bot Thôn Tây"}))
		time.Sleep(26 * time.Hour) // Sunday 2 January, 09:00
		cfg := zaloConfig(east, t.TempDir())
		cfg.Zalo.Token = ""
		cfg.Zalo.Bots = []ZaloBotConfig{
			{Name: "dong", Title: "Bot Thôn Đông", Token: east.Token, Cells: []string{"C01"}},
			{Name: "tay", Title: "Bot Thôn Tây", Token: west.Token, Cells: []string{"C02"}},
		}
		cfg.Zalo.MaxUsers = 2
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		w := newZaloWorld(t, cfg, east, west)
		eastGroup, westGroup := zalotest.Group("c0000000000000000011"), zalotest.Group("c0000000000000000022")
		eastCode := w.zaloLink(east, eastGroup, "Chi bộ thôn Đông")
		westCode := w.zaloLink(west, westGroup, "Chi bộ thôn Tây")
		w.zaloJoin(east, zLan, eastCode)
		w.zaloJoin(east, zHung, eastCode)
		w.zaloSecretary(east, "Chi bộ thôn Đông", zLan.Name)
		w.zaloJoin(west, zTuan, westCode)

		// Mai, of the west cell, writes to the east bot first.
		mai := zalotest.Private(zMai)
		wantIn(t, "the west code on the east bot", w.say(east, mai, zMai, "/join "+westCode),
			"Mã này là của Chi bộ thôn Tây, nhưng bot này không phục vụ Chi bộ thôn Tây", "nhắn riêng cho bot «Bot Thôn Tây»")

		// Mai's neighbour, of the east cell, finds the east bot full.
		full := w.say(east, mai, zMai, "/join "+eastCode)
		wantIn(t, "the third person on the east bot", full, "Bot này đã có đủ 2 người kết nối")
		wantIn(t, "Lan's note", lastOf(t, east, zLan), "Đồng chí Lê Thị Mai (Chi bộ thôn Đông) chưa kết nối được qua bot «Bot Thôn Đông»", "đủ 2 người")
		if n := count(east.Sent(zLan.ID), "chưa kết nối được"); n != 1 {
			t.Errorf("Lan was told %d times, want once", n)
		}
		// The west bot has room: Mai connects to the west cell there.
		w.zaloJoin(west, zMai, westCode)

		for _, c := range []struct {
			f      *zalotest.Server
			other  zalotest.Chat
			member zalotest.User
		}{{east, westGroup, zTuan}, {west, eastGroup, zLan}} {
			if n := len(c.f.Sent(c.other.ID)) + len(c.f.Sent(c.member.ID)); n != 0 {
				t.Errorf("bot %s sent %d messages to a chat of the other bot", c.f.Bot.Name(), n)
			}
			checkZaloTexts(t, c.f)
		}
		w.quiet()
	})
}
