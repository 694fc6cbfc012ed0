package flows_test

import (
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/rosterfile"
)

// TestAccessRosterFile (issue 11) extends the access table to the roster
// file sent to the bot (a Telegram document, the terminal's :nhap): in a
// private chat an admin and C01's secretary get the preview of C01's
// roster, C02's secretary is told C01 is not her cell, and everyone else
// (a member, the member delegated to record, a stranger) is told the bot
// reads only text; in the group the file is ignored by everyone. Nothing
// is written before the confirmation.
func TestAccessRosterFile(t *testing.T) {
	const preview, notText, otherCell = "Chi bộ Một (C01): 1 đồng chí", "Bot chỉ đọc được chữ", "không phải chi bộ của đồng chí"
	private := map[string]string{
		"admin": preview, "secOwn": preview, "secOther": otherCell,
		"member": notText, "delegate": notText, "stranger": notText,
	}
	for role, want := range private {
		for _, group := range []bool{false, true} {
			name := role + "/private"
			if group {
				name = role + "/group"
			}
			t.Run(name, func(t *testing.T) {
				env := newAccessEnv(t)
				h := env.harness
				h.eng.Rosters = rosterfile.Chat{Text: flows.Text()}
				u := env.users[role]
				m := bot.Message{Chat: u.PrivateChat(), From: u, Kind: bot.KindDocument, Document: csvFile("Trần Văn Hai,C01,\n")}
				if group {
					m.Chat, m.Group = env.group, true
				}
				got := joined(h.handle(m))
				switch {
				case group && got != "":
					t.Errorf("a file in the group was answered: %q", got)
				case !group && !strings.Contains(got, want):
					t.Errorf("answer %q, want %q", got, want)
				}
				if n := h.rosterLen("C01"); n != 0 {
					t.Errorf("%d entries written without a confirmation", n)
				}
			})
		}
	}
}
