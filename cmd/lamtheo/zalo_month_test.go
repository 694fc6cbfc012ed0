package main

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot/zalo/zalotest"
)

// TestZaloCellMonth plays a cell's January on one Zalo bot, every answer
// typed: the admin links the group with a mention, four members connect
// with the code the group was given, one registers a pledge by numbers and
// the secretary approves it by answering the notice's number; one member
// reports with the guided questions, one in a single message, one by
// answering a reminder with 1; the group's /summary shows counts only; the
// reminders reach only who has not reported, one per rung at 08:00 on the
// 20th, the 25th and the 31st; the leaderboard is posted in the group once
// on 1 February. (The synctest clock starts on 1 January 2000, 07:00 in
// Vietnam.)
func TestZaloCellMonth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := zalotest.NewServer(t, zalotest.InProcess())
		time.Sleep(26 * time.Hour) // Sunday 2 January, 09:00
		w := newZaloWorld(t, zaloConfig(f, t.TempDir()), f)

		code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
		for _, u := range []zalotest.User{zLan, zHung, zMai, zTuan} {
			w.zaloJoin(f, u, code)
		}
		w.zaloSecretary(f, "Chi bộ thôn Đông", zLan.Name)
		wantIn(t, "Lan's notice", joined(f.Sent(zLan.ID)), "đã được cấp quyền bí thư trên bot của Chi bộ thôn Đông")

		// Hùng registers one deed, every question answered by number but
		// the deed itself, and sends it to Lan.
		hung := zalotest.Private(zHung)
		ask := w.say(f, hung, zHung, "/dangky")
		wantIn(t, "/dangky", ask, "Đồng chí gõ một việc làm cụ thể")
		ask = w.say(f, hung, zHung, "Tham gia dọn vệ sinh đường làng")
		ask = w.say(f, hung, zHung, numberOf(t, ask, "Đoàn kết, kỷ cương, tình thương, trách nhiệm"))
		ask = w.say(f, hung, zHung, numberOf(t, ask, "Không có chỉ tiêu"))
		wantIn(t, "the pledge", ask, "1. Tham gia dọn vệ sinh đường làng")
		ask = w.say(f, hung, zHung, numberOf(t, ask, "Gửi bí thư duyệt"))
		sent := w.say(f, hung, zHung, numberOf(t, ask, "Gửi"))
		wantIn(t, "the pledge sent", sent, "Đã gửi bản đăng ký năm 2000 (1 việc) cho bí thư Chi bộ thôn Đông")

		// Lan answers the notice by its number, then approves.
		lan := zalotest.Private(zLan)
		notice := f.Sent(zLan.ID)
		wantIn(t, "Lan's notice", notice[len(notice)-1].Text, "Đồng chí Trần Văn Hùng gửi bản đăng ký", "1. Xem và duyệt")
		ask = w.say(f, lan, zLan, "1")
		wantIn(t, "the pledge to approve", ask, "Tham gia dọn vệ sinh đường làng", "Đồng chí duyệt hay trả lại để sửa?")
		done := w.say(f, lan, zLan, numberOf(t, ask, "Duyệt"))
		wantIn(t, "the approval", done, "Đã duyệt bản đăng ký của đồng chí Trần Văn Hùng")
		wantIn(t, "Hùng's note", joined(f.Sent(zHung.ID)), "đã được chi bộ duyệt")

		// 10 January: Lan reports with the guided questions.
		w.until("2000-01-10 10:00")
		ask = w.say(f, lan, zLan, "/baocao")
		wantIn(t, "Lan's report", ask, "Trong tháng, đồng chí đã làm được việc tốt nào?")
		ask = w.say(f, lan, zLan, "Vận động bà con đóng góp làm đường")
		wantIn(t, "the photo question", ask, "Đồng chí có muốn gửi một ảnh làm minh chứng không?")
		ask = w.say(f, lan, zLan, numberOf(t, ask, "Không gửi ảnh"))
		wantIn(t, "Lan's review", ask, "Xin đồng chí xem lại báo cáo tháng 1/2000")
		done = w.say(f, lan, zLan, numberOf(t, ask, "Gửi báo cáo"))
		wantIn(t, "Lan's report", done, "Đã nhận báo cáo tháng 1/2000")

		// 15 January: Hùng reports in one message.
		w.until("2000-01-15 19:00")
		ask = w.say(f, hung, zHung, "/baocao 1 xong: dọn vệ sinh đường làng 2 buổi; khác: thăm hỏi gia đình chính sách")
		wantIn(t, "Hùng's one-message report", ask, "Bot hiểu tin nhắn của đồng chí như sau",
			"Tham gia dọn vệ sinh đường làng: đã làm — dọn vệ sinh đường làng 2 buổi", "- thăm hỏi gia đình chính sách")
		done = w.say(f, hung, zHung, numberOf(t, ask, "Gửi báo cáo"))
		wantIn(t, "Hùng's report", done, "Đã nhận báo cáo tháng 1/2000")

		// 20 January, 08:00: Mai and Tuấn are reminded; Tuấn answers 1.
		w.until("2000-01-20 09:00")
		tuan := zalotest.Private(zTuan)
		last := f.Sent(zTuan.ID)
		wantIn(t, "Tuấn's reminder", last[len(last)-1].Text, ". Hạn gửi: hết ngày", "1. Báo cáo ngay")
		ask = w.say(f, tuan, zTuan, "1")
		wantIn(t, "the reminder answered by 1", ask, "báo cáo việc tốt đã làm trong tháng 1/2000", "đã làm được việc tốt nào?")
		ask = w.say(f, tuan, zTuan, "Trồng cây xanh trước nhà văn hóa")
		ask = w.say(f, tuan, zTuan, numberOf(t, ask, "Không gửi ảnh"))
		done = w.say(f, tuan, zTuan, numberOf(t, ask, "Gửi báo cáo"))
		wantIn(t, "Tuấn's report", done, "Đã nhận báo cáo tháng 1/2000")

		// 26 January: the group's summary has counts, no names.
		w.until("2000-01-26 20:00")
		sum := w.say(f, zGroup, zLan, "/summary")
		wantIn(t, "the group's summary", sum, "Chi bộ thôn Đông — báo cáo việc làm tháng 1/2000", "Đã báo cáo: 3/4 đồng chí", "Chưa báo cáo: 1 đồng chí")
		for _, u := range []zalotest.User{zLan, zHung, zMai, zTuan} {
			if strings.Contains(sum, u.Name) || strings.Contains(sum, strings.Fields(u.Name)[2]) {
				t.Errorf("the group's summary names %s:\n%s", u.Name, sum)
			}
		}

		w.until("2000-02-02 09:00")
		if err := w.stop(); err != nil {
			t.Fatal(err)
		}

		for _, c := range []struct {
			u    zalotest.User
			want []string
		}{
			{zLan, nil},
			{zHung, nil},
			{zTuan, []string{"20/01 08:00"}},
			{zMai, []string{"20/01 08:00", "25/01 08:00", "31/01 08:00"}},
		} {
			if got := w.reminders(f.Sent(c.u.ID)); !equal(got, c.want) {
				t.Errorf("%s was reminded at %v, want %v", c.u.Name, got, c.want)
			}
		}
		// The last rung tells the secretary, privately, who is missing.
		missing := f.Sent(zLan.ID)
		if n := count(missing, "Lê Thị Mai"); n != 1 {
			t.Errorf("Lan got Mai's name %d times, want once (the last rung's list)", n)
		}
		group := f.Sent(zGroup.ID)
		if n := count(group, "Bảng xếp hạng báo cáo việc làm tháng 1/2000"); n != 1 {
			t.Errorf("the group got January's leaderboard %d times, want once:\n%s", n, joined(group))
		}
		for _, s := range group {
			for _, u := range []zalotest.User{zMai} {
				if strings.Contains(s.Text, u.Name) {
					t.Errorf("the group was told a missing member's name:\n%s", s.Text)
				}
			}
		}
		checkZaloTexts(t, f)
		w.quiet()
	})
}
