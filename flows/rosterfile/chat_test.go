package rosterfile_test

import (
	"context"
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/rosterfile"
)

// TestChatImportKeepsImporter: a secretary's file sent in chat that leaves
// out her own row does not take her off the roster (nor out of the cell):
// the preview says she is kept, and the others left out are removed. The
// same file sent by the admin, who claims no entry, removes her.
func TestChatImportKeepsImporter(t *testing.T) {
	cat := catalog(t)
	file := csvFile(t, [][]string{{"Họ và tên", "Chi bộ"}, {"Trần Văn Hùng", "C01"}}, ',', false)
	for _, c := range []struct {
		name string
		by   func(lan flows.MemberID) flows.MemberID
		kept bool
	}{
		{"her own file", func(lan flows.MemberID) flows.MemberID { return lan }, true},
		{"the admin's file", func(flows.MemberID) flows.MemberID { return 0 }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := openStore(t)
			lan := flows.Member{Name: "Nguyễn Thị Lan", Cell: "C01", Secretary: true, Users: []bot.UserID{{Platform: bot.Telegram, ID: "1"}}}
			err := db.Update(context.Background(), func(tx flows.Tx) error {
				for _, c := range cells {
					if err := tx.PutCell(c); err != nil {
						return err
					}
				}
				return tx.PutMember(&lan)
			})
			if err != nil {
				t.Fatal(err)
			}
			seed(t, db,
				flows.RosterEntry{Cell: "C01", Name: "Nguyễn Thị Lan", Role: "Bí thư", Claims: []flows.RosterClaim{{Platform: bot.Telegram, Member: lan.ID}}},
				flows.RosterEntry{Cell: "C01", Name: "Trần Văn Hùng"},
				flows.RosterEntry{Cell: "C01", Name: "Lê Văn Tám"},
			)
			ch := rosterfile.Chat{Text: cat}
			read, err := ch.Read(file, cells, []string{"C01"}, c.by(lan.ID))
			if err != nil {
				t.Fatal(err)
			}
			err = db.Update(context.Background(), func(tx flows.Tx) error {
				preview, stamp, ok, err := ch.Preview(tx, read)
				if err != nil || !ok {
					t.Fatalf("preview: %v, ok %v", err, ok)
				}
				kept := "Tên của đồng chí (Nguyễn Thị Lan) không có trong tệp, nhưng đồng chí vẫn được giữ trong danh sách"
				removed := map[bool]string{true: "sẽ bỏ khỏi danh sách 1 đồng chí.", false: "sẽ bỏ khỏi danh sách 2 đồng chí, trong đó 1 đồng chí đã kết nối"}[c.kept]
				if strings.Contains(preview, kept) != c.kept || !strings.Contains(preview, removed) {
					t.Errorf("preview (kept %v):\n%s", c.kept, preview)
				}
				_, err = ch.Apply(tx, read, stamp, now)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			want := map[bool]string{true: "Nguyễn Thị Lan/0/Bí thư, Trần Văn Hùng/0/, -Lê Văn Tám", false: "-Nguyễn Thị Lan, Trần Văn Hùng/0/, -Lê Văn Tám"}[c.kept]
			if got := names(t, db, "C01"); got != want {
				t.Errorf("roster = %s, want %s", got, want)
			}
			_ = db.View(context.Background(), func(tx flows.Tx) error {
				if m, _, _ := tx.Member(lan.ID); (m.Cell == "C01" && m.Secretary) != c.kept {
					t.Errorf("Lan after the import: cell %q, secretary %v", m.Cell, m.Secretary)
				}
				return nil
			})
		})
	}
}
