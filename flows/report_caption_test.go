package flows_test

import (
	"fmt"
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// TestReportAskOtherWithoutPledge (text proposal #12): a member without a
// pledge is asked for the month's good deeds, not for deeds "beyond the
// registered ones"; a member with a pledge still is.
func TestReportAskOtherWithoutPledge(t *testing.T) {
	env := newAccessEnv(t)
	got := strings.Join(env.say(t, "member", "/baocao"), "\n")
	wantIn(t, got, "Trong tháng, đồng chí đã làm được việc tốt nào? Đồng chí gõ ngắn gọn.")
	wantNotIn(t, got, "Ngoài các việc đã đăng ký")

	m := env.memberOf(t, "member")
	env.putPledge(flows.Pledge{Member: m.ID, Year: 2026, Status: flows.PledgeApproved, NextNo: 2,
		Items: []flows.PledgeItem{{No: 1, Text: "Trồng cây", Category: "cm1"}}})
	env.say(t, "member", "/huy")
	env.say(t, "member", "/baocao")
	got = strings.Join(env.say(t, "member", "3"), "\n") // chưa làm
	wantIn(t, got, "Ngoài các việc đã đăng ký")
}

// caption sends a photo with caption as role in their private chat.
func (env *accessEnv) caption(t *testing.T, role, photo, caption string) []bot.Reply {
	t.Helper()
	return env.send(t, role, false, bot.Message{Kind: bot.KindPhoto, PhotoID: photo, Text: caption})
}

// pick presses, as role in their private chat, the choice whose label
// contains label among replies.
func (env *accessEnv) pick(t *testing.T, role string, replies []bot.Reply, label string) []bot.Reply {
	t.Helper()
	c, ok := findChoice(replies, label)
	if !ok {
		t.Fatalf("no choice %q in:\n%s", label, dump(replies))
	}
	return env.send(t, role, false, bot.Message{Kind: bot.KindCallback, Data: c.Data, CallbackID: "cb"})
}

// TestReportPhotoCaption: a photo's caption is kept as the text of the
// report, and the photo as its photo: at a step expecting a deed the
// caption is the deed, at the photo step it joins the other deeds, and a
// member's captioned photo outside a conversation is a report in one
// message (with /baocao or without). A photo without a caption where a
// text is expected, a stranger's, and one in a group are not read.
func TestReportPhotoCaption(t *testing.T) {
	typed := func(role, s string) func(*testing.T, *accessEnv, []bot.Reply) []bot.Reply {
		return func(t *testing.T, env *accessEnv, _ []bot.Reply) []bot.Reply {
			return env.send(t, role, false, bot.Message{Kind: bot.KindText, Text: s})
		}
	}
	photo := func(id, caption string) func(*testing.T, *accessEnv, []bot.Reply) []bot.Reply {
		return func(t *testing.T, env *accessEnv, _ []bot.Reply) []bot.Reply {
			return env.caption(t, "member", id, caption)
		}
	}
	press := func(label string) func(*testing.T, *accessEnv, []bot.Reply) []bot.Reply {
		return func(t *testing.T, env *accessEnv, last []bot.Reply) []bot.Reply {
			return env.pick(t, "member", last, label)
		}
	}
	tests := []struct {
		name   string
		pledge bool
		steps  []func(*testing.T, *accessEnv, []bot.Reply) []bot.Reply
		review []string // what the last replies say before sending
		stored flows.Report
	}{
		{"deed of a member without a pledge", false,
			[]func(*testing.T, *accessEnv, []bot.Reply) []bot.Reply{typed("member", "/baocao"), photo("P1", "Nhặt rác bờ sông")},
			[]string{"xem lại báo cáo", "Nhặt rác bờ sông", "Có ảnh minh chứng"},
			flows.Report{Other: "Nhặt rác bờ sông", Photo: "P1"}},
		{"what was done for a pledge item", true,
			[]func(*testing.T, *accessEnv, []bot.Reply) []bot.Reply{typed("member", "/baocao"), press("Đã làm"),
				photo("P2", "Trồng 10 cây"), press("Không có"), press("Giữ như cũ")},
			[]string{"xem lại báo cáo", "Trồng 10 cây", "Có ảnh minh chứng"},
			flows.Report{Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "Trồng 10 cây"}}, Photo: "P2"}},
		{"at the photo step", false,
			[]func(*testing.T, *accessEnv, []bot.Reply) []bot.Reply{typed("member", "/baocao"), typed("member", "Nhặt rác"),
				photo("P3", "Buổi nhặt rác bờ sông")},
			[]string{"xem lại báo cáo", "Nhặt rác; Buổi nhặt rác bờ sông", "Có ảnh minh chứng"},
			flows.Report{Other: "Nhặt rác; Buổi nhặt rác bờ sông", Photo: "P3"}},
		{"a report in one message after /baocao", true,
			[]func(*testing.T, *accessEnv, []bot.Reply) []bot.Reply{photo("P4", "/baocao 1 xong: trồng 10 cây; khác: thăm gia đình chính sách")},
			[]string{"Bot hiểu tin nhắn", "trồng 10 cây", "thăm gia đình chính sách", "Có ảnh minh chứng"},
			flows.Report{Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "trồng 10 cây"}}, Other: "thăm gia đình chính sách", Photo: "P4"}},
		{"a report in one message without /baocao", true,
			[]func(*testing.T, *accessEnv, []bot.Reply) []bot.Reply{photo("P5", "1 đang làm; khác: dọn vệ sinh")},
			[]string{"Bot hiểu tin nhắn", "dọn vệ sinh", "Có ảnh minh chứng"},
			flows.Report{Entries: []flows.Entry{{Item: 1, Status: flows.Doing}}, Other: "dọn vệ sinh", Photo: "P5"}},
		{"a caption alone is the month's deed", false,
			[]func(*testing.T, *accessEnv, []bot.Reply) []bot.Reply{photo("P6", "Dọn vệ sinh đường làng")},
			[]string{"Bot hiểu tin nhắn", "Dọn vệ sinh đường làng", "Có ảnh minh chứng"},
			flows.Report{Other: "Dọn vệ sinh đường làng", Photo: "P6"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newAccessEnv(t)
			m := env.memberOf(t, "member")
			if tc.pledge {
				env.putPledge(flows.Pledge{Member: m.ID, Year: 2026, Status: flows.PledgeApproved, NextNo: 2,
					Items: []flows.PledgeItem{{No: 1, Text: "Trồng cây", Category: "cm1"}}})
			}
			var last []bot.Reply
			for _, step := range tc.steps {
				last = step(t, env, last)
			}
			wantIn(t, joined(last), tc.review...)
			wantIn(t, joined(env.pick(t, "member", last, "Gửi")), "Đã nhận báo cáo")
			env.view(func(tx flows.Tx) error {
				r, _, err := tx.Report(m.ID, 202611)
				if err != nil {
					return err
				}
				if r.Other != tc.stored.Other || r.Photo != tc.stored.Photo || fmt.Sprint(r.Entries) != fmt.Sprint(tc.stored.Entries) {
					t.Errorf("stored %+v,\nwant %+v", r, tc.stored)
				}
				return nil
			})
		})
	}
}

// TestReportPhotoNotRead: where a photo is no answer it is not read as
// one, caption or not.
func TestReportPhotoNotRead(t *testing.T) {
	env := newAccessEnv(t)
	notText := flows.T(text.NotText, nil)
	// Without a caption where a deed is expected.
	env.say(t, "member", "/baocao")
	if got := strings.TrimSpace(joined(env.caption(t, "member", "P1", ""))); got != notText {
		t.Errorf("a photo without caption at the deed step: %q", got)
	}
	env.say(t, "member", "/huy")
	// A stranger's captioned photo.
	if got := strings.TrimSpace(joined(env.caption(t, "stranger", "P2", "Dọn vệ sinh"))); got != notText {
		t.Errorf("a stranger's captioned photo: %q", got)
	}
	// In a group, nothing.
	if got := env.send(t, "member", true, bot.Message{Kind: bot.KindPhoto, PhotoID: "P3", Text: "Dọn vệ sinh"}); len(got) != 0 {
		t.Errorf("a captioned photo in the group: %s", dump(got))
	}
}

// TestReportPhotoCaptionWaitsForMonth: in the grace days a captioned
// photo first asks which month; the photo and the caption wait for the
// answer.
func TestReportPhotoCaptionWaitsForMonth(t *testing.T) {
	env := newAccessEnv(t)
	env.at(env.date(2026, 12, 3, 9))
	got := env.caption(t, "member", "P7", "Dọn vệ sinh đường làng")
	got = env.pick(t, "member", got, "tháng 11")
	wantIn(t, joined(got), "Dọn vệ sinh đường làng", "Có ảnh minh chứng")
	env.pick(t, "member", got, "Gửi")
	m := env.memberOf(t, "member")
	env.view(func(tx flows.Tx) error {
		r, _, err := tx.Report(m.ID, 202611)
		if err == nil && (r.Other != "Dọn vệ sinh đường làng" || r.Photo != "P7") {
			t.Errorf("stored %+v", r)
		}
		return err
	})
}
