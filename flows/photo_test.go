package flows_test

import (
	"strings"
	"testing"

	"lamtheo/bot"
)

// TestReportPhotoOnTelegram: on Telegram the report asks for an optional
// evidence photo, takes one, and the review says there is a photo.
func TestReportPhotoOnTelegram(t *testing.T) {
	env := newAccessEnv(t)
	env.say(t, "member", "/baocao")
	if got := lastOf(t, env.say(t, "member", "Nhặt rác bờ sông")); !strings.Contains(got, "ảnh") {
		t.Fatalf("after the other deed: %q, want the photo question", got)
	}
	// A sticker is not a photo.
	if got := lastOf(t, texts(env.send(t, "member", false, bot.Message{Kind: bot.KindOther}))); !strings.Contains(got, "ảnh") {
		t.Errorf("sticker at the photo step: %q", got)
	}
	review := lastOf(t, texts(env.send(t, "member", false, bot.Message{Kind: bot.KindPhoto, PhotoID: "AgACphoto1"})))
	if !strings.Contains(review, "xem lại") || strings.Contains(review, "Không có ảnh") {
		t.Fatalf("review after a photo:\n%s", review)
	}
}

func texts(rs []bot.Reply) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Text)
	}
	return out
}
