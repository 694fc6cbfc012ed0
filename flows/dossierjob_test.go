package flows_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// TestDossierJob: on 20 December each member who may be reminded gets
// their dossier of the year privately, as a bulk message with the PDF, on
// a platform that uploads files; exempt, paused, unreachable and
// Zalo-only members, and members who left their cell, get nothing. The
// slot runs once; a January slot sends the year just ended; a slot a week
// late is skipped.
func TestDossierJob(t *testing.T) {
	h := hosoHarness(t) // C01: An, Dũng, Đào, Hà (secretary), Hùng, Hưng, Long (exempt), Uyên, Ưng; C02: Tây
	slot := time.Date(2026, 12, 20, 9, 0, 0, 0, h.loc)
	h.at(slot.Add(time.Minute))
	edit := func(user string, f func(*flows.Member)) {
		h.update(func(tx flows.Tx) error {
			m, _, err := tx.MemberOf(tg(user))
			if err != nil {
				return err
			}
			f(&m)
			return tx.PutMember(&m)
		})
	}
	edit("dung", func(m *flows.Member) { m.PausedUntil = slot.AddDate(0, 0, 10) })
	edit("uyen", func(m *flows.Member) {
		m.Users = []bot.UserID{{Platform: bot.Zalo, ID: "zuyen"}}
	})
	edit("ung", func(m *flows.Member) { m.Cell = "" })
	h.unreachable(tg("hung2").PrivateChat())
	ran, reps := h.runJob(flows.JobDossier, slot, "")
	if !ran {
		t.Fatal("the job did not run")
	}
	var got []string
	for _, r := range reps {
		if r.File == nil || !r.Bulk || r.Chat.Platform != bot.Telegram {
			t.Errorf("not a private bulk file on Telegram: %+v", r)
			continue
		}
		got = append(got, r.Chat.ID+" "+r.File.Name+" "+string(r.File.Data))
	}
	slices.Sort(got)
	want := []string{
		"an ho-so-bui-van-an-2026.pdf Bùi Văn An|2026|2/11",
		"dao ho-so-le-thi-dao-2026.pdf Lê Thị Đào|2026|1/11",
		"ha ho-so-nguyen-thi-ha-2026.pdf Nguyễn Thị Hà|2026|0/11",
		"hung ho-so-tran-van-hung-2026.pdf Trần Văn Hùng|2026|0/11",
		"tay ho-so-do-van-tay-2026.pdf Đỗ Văn Tây|2026|1/11",
	}
	if !slices.Equal(got, want) {
		t.Errorf("dossiers sent:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range reps {
		if r.Chat == tg("an").PrivateChat() && r.Text != flows.T(text.DossierJobNote, struct {
			Name string
			Year int
		}{"Bùi Văn An", 2026}) {
			t.Errorf("An's note %q", r.Text)
		}
	}
	if ran, reps := h.runJob(flows.JobDossier, slot, ""); ran || len(reps) > 0 {
		t.Errorf("the slot ran twice: %d replies", len(reps))
	}

	// A January slot sends the year just ended; one a week late nothing.
	jan := time.Date(2027, 1, 5, 9, 0, 0, 0, h.loc)
	h.at(jan)
	if _, reps := h.runJob(flows.JobDossier, jan, "C02"); len(reps) != 1 || reps[0].File.Name != "ho-so-do-van-tay-2026.pdf" {
		t.Errorf("January: %s", dump(reps))
	}
	h.at(jan.AddDate(0, 0, 9))
	if ran, reps := h.runJob(flows.JobDossier, jan.AddDate(0, 0, 1), ""); ran || len(reps) > 0 {
		t.Errorf("a stale slot ran: %s", dump(reps))
	}
}
