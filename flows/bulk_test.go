package flows_test

import (
	"testing"

	"lamtheo/flows"
)

// TestBroadcastsAreBulk checks that what the scheduled jobs and /nhacnho
// queue to many people is marked bulk, so the sender lets the answers to
// people overtake it, and that an answer to the person who typed is not.
func TestBroadcastsAreBulk(t *testing.T) {
	jobs := []struct {
		job       flows.Job
		now, slot [4]int
	}{
		{flows.JobRemindFirst, [4]int{2026, 11, 20, 9}, [4]int{2026, 11, 20, 8}},
		{flows.JobRemindLast, [4]int{2026, 12, 4, 9}, [4]int{2026, 12, 4, 8}},
		{flows.JobLeaderboard, [4]int{2026, 12, 6, 9}, [4]int{2026, 12, 6, 8}},
		{flows.JobCampaign, [4]int{2027, 1, 10, 9}, [4]int{2027, 1, 10, 8}},
	}
	for _, tc := range jobs {
		t.Run(string(tc.job), func(t *testing.T) {
			o := newOrg(t)
			o.at(o.date(tc.now[0], tc.now[1], tc.now[2], tc.now[3]))
			ran, got := o.runJob(tc.job, o.date(tc.slot[0], tc.slot[1], tc.slot[2], tc.slot[3]), "")
			if !ran || len(got) == 0 {
				t.Fatalf("job ran=%v with %d replies, want some", ran, len(got))
			}
			for _, r := range got {
				if !r.Bulk {
					t.Errorf("reply to %s not bulk: %.80q", r.Chat, r.Text)
				}
			}
		})
	}
	t.Run("nhacnho", func(t *testing.T) {
		o := newOrg(t)
		got := o.send(o.uHai, "/nhacnho")
		nudges := 0
		for _, r := range got {
			switch {
			case r.Chat == o.uHai.PrivateChat() && r.Bulk:
				t.Errorf("answer to the secretary is bulk: %.80q", r.Text)
			case r.Chat != o.uHai.PrivateChat() && !r.Bulk:
				t.Errorf("nudge to %s not bulk", r.Chat)
			case r.Chat != o.uHai.PrivateChat():
				nudges++
			}
		}
		if nudges == 0 {
			t.Fatalf("no nudge queued:\n%s", dump(got))
		}
	})
}
