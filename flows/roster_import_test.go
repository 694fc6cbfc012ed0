package flows_test

import (
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/rosterfile"
)

// sendFile sends doc to the bot from u's private chat.
func (h *harness) sendFile(u bot.UserID, doc *bot.Document) []bot.Reply {
	return h.handle(bot.Message{Chat: u.PrivateChat(), From: u, Kind: bot.KindDocument, Document: doc})
}

// csvFile is a roster file of lines after the header row.
func csvFile(lines string) *bot.Document {
	data := "Họ và tên,Chi bộ,Trạng thái\n" + lines
	return &bot.Document{Name: "danh-sach.csv", Size: int64(len(data)), Data: []byte(data)}
}

// TestRosterImportChat (issue 11): a roster file sent in a private chat by
// a secretary or an admin is previewed (counts per cell, every problem by
// row) and written in one transaction once confirmed; a secretary's may
// change their own cell only; a file refused as a whole, too big or not
// fetched gets a clear answer and nothing is written; a member's file is
// not read.
func TestRosterImportChat(t *testing.T) {
	tests := []struct {
		name    string
		who     string
		doc     *bot.Document
		preview []string // in the answer to the file
		asks    bool     // asks to confirm
		want    map[string]int
	}{
		{"secretary, own cell", "secOwn", csvFile("Trần Văn Hai,C01,\nLê Thị Năm,C01,Dự bị\nLê Thị Năm,C01,\nPHẠM VĂN BỐN,C01,\n"),
			[]string{"Danh sách đảng viên trong tệp: 4 đồng chí.", "Chi bộ Một (C01): 4 đồng chí — thêm mới 4",
				"Dòng 4: «Lê Thị Năm» trùng tên với dòng 3", "Dòng 5: tên viết toàn chữ in hoa"}, true, map[string]int{"C01": 4}},
		{"secretary, another cell", "secOwn", csvFile("Trần Văn Hai,C01,\nLê Thị Ba,C02,\n"),
			[]string{"Dòng 3: chi bộ «C02» không phải chi bộ của đồng chí", "Danh sách chưa được ghi"}, false, map[string]int{}},
		{"admin, two cells", "admin", csvFile("Trần Văn Hai,C01,\nLê Thị Ba,C02,\n"),
			[]string{"Chi bộ Một (C01): 1 đồng chí", "Chi bộ Hai (C02): 1 đồng chí"}, true, map[string]int{"C01": 1, "C02": 1}},
		{"unknown status", "secOwn", csvFile("Trần Văn Hai,C01,Đã mất\n"),
			[]string{"Dòng 2: trạng thái «Đã mất» không rõ"}, false, map[string]int{}},
		{"not a spreadsheet", "secOwn", &bot.Document{Name: "anh.png", Data: []byte("\x89PNG\r\n\x1a\n\x00\x00")},
			[]string{"Tệp này không phải bảng tính"}, false, map[string]int{}},
		{"empty", "secOwn", &bot.Document{Name: "trong.csv", Data: []byte{}}, []string{"Tệp không có dòng đảng viên nào."}, false, map[string]int{}},
		{"more rows than a chat import takes", "admin", csvFile(strings.Repeat("Trần Văn Hai,C01,\n", rosterfile.DefaultChatMaxRows+1)),
			[]string{"Tệp có hơn 5.000 dòng"}, false, map[string]int{}},
		{"too big", "secOwn", &bot.Document{Name: "lon.xlsx", Size: 9 << 20, TooBig: true}, []string{"Tệp lớn quá (trên 5 MB)"}, false, map[string]int{}},
		{"not fetched", "secOwn", &bot.Document{Name: "a.xlsx", Failed: true}, []string{"Bot chưa nhận được tệp này"}, false, map[string]int{}},
		{"a member", "member", csvFile("Trần Văn Hai,C01,\n"), []string{"Bot chỉ đọc được chữ"}, false, map[string]int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newAccessEnv(t)
			h := env.harness
			h.eng.Rosters = rosterfile.Chat{Text: flows.Text()}
			u := env.users[tc.who]
			reps := h.sendFile(u, tc.doc)
			wantIn(t, joined(reps), tc.preview...)
			_, asked := findChoice(reps, "Ghi danh sách")
			if asked != tc.asks {
				t.Fatalf("asked %v, want %v:\n%s", asked, tc.asks, dump(reps))
			}
			if asked {
				if n := h.rosterLen("C01") + h.rosterLen("C02"); n != 0 {
					t.Fatalf("%d entries written before the confirmation", n)
				}
				wantIn(t, joined(h.choose(u, reps, "Ghi danh sách")), "Đã ghi danh sách đảng viên")
			}
			for _, c := range []string{"C01", "C02"} {
				if got := h.rosterLen(c); got != tc.want[c] {
					t.Errorf("%s: %d entries, want %d", c, got, tc.want[c])
				}
			}
		})
	}
}

// rosterLen returns how many entries cell's roster has.
func (h *harness) rosterLen(cell string) int {
	h.t.Helper()
	var n int
	h.view(func(tx flows.Tx) error {
		es, err := tx.Roster(cell)
		n = len(es)
		return err
	})
	return n
}

// TestRosterImportStale (issue 11): an import confirmed after the roster
// changed since its preview writes nothing, says so and shows the fresh
// preview to confirm again.
func TestRosterImportStale(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	h.eng.Rosters = rosterfile.Chat{Text: flows.Text()}
	sec := env.users["secOwn"]
	reps := h.sendFile(sec, csvFile("Trần Văn Hai,C01,\nLê Thị Năm,C01,\n"))
	wantIn(t, joined(reps), "thêm mới 2")
	h.seedRoster("C01", "Lê Thị Năm") // another import, or a /danhsach edit
	reps = h.choose(sec, reps, "Ghi danh sách")
	wantIn(t, joined(reps), "Danh sách của chi bộ vừa được thay đổi", "thêm mới 1, giữ nguyên 1")
	if n := h.rosterLen("C01"); n != 1 {
		t.Fatalf("%d entries after the stale confirmation, want 1", n)
	}
	wantIn(t, joined(h.choose(sec, reps, "Ghi danh sách")), "Đã ghi danh sách đảng viên: thêm mới 1")
	if n := h.rosterLen("C01"); n != 2 {
		t.Errorf("%d entries, want 2", n)
	}
}

// TestRosterImportKeepsSender (issue 11): a secretary's file that leaves
// out her own row does not take her off the roster, nor out of her cell,
// as /danhsach does not let her remove herself: the preview says she is
// kept.
func TestRosterImportKeepsSender(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	h.eng.Rosters = rosterfile.Chat{Text: flows.Text()}
	sec := env.users["secOwn"]
	hai, _ := h.memberOf(sec)
	h.update(func(tx flows.Tx) error {
		return tx.PutRosterEntry(&flows.RosterEntry{Cell: "C01", Name: hai.Name, Added: h.now, Claims: []flows.RosterClaim{{Platform: bot.Telegram, Member: hai.ID}}})
	})
	h.seedRoster("C01", "Lê Thị Năm")
	reps := h.sendFile(sec, csvFile("Lê Thị Năm,C01,\nPhạm Văn Bốn,C01,\n"))
	wantIn(t, joined(reps), "thêm mới 1, giữ nguyên 1, sửa 0, sẽ bỏ khỏi danh sách 0 đồng chí.",
		"Tên của đồng chí (Trần Văn Hai) không có trong tệp, nhưng đồng chí vẫn được giữ trong danh sách")
	wantIn(t, joined(h.choose(sec, reps, "Ghi danh sách")), "Đã ghi danh sách đảng viên: thêm mới 1, sửa 0, đưa ra khỏi danh sách 0")
	h.view(func(tx flows.Tx) error {
		if e, ok, err := tx.RosterOf(hai.ID); err != nil || !ok || !e.OnRoster() {
			t.Errorf("the secretary's entry after her import: %+v, %v, %v", e, ok, err)
		}
		return nil
	})
	if m := h.member(hai.ID); m.Cell != "C01" || !m.Secretary {
		t.Errorf("the secretary after her import: cell %q, secretary %v", m.Cell, m.Secretary)
	}
}
