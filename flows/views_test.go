package flows

import (
	"testing"

	"lamtheo/flows/text"
)

// TestViewsRender renders every text fed a typed view with a full value of
// it, every branch taken: a field the text names but the view lacks shows
// as a template error.
func TestViewsRender(t *testing.T) {
	member := remindView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Deadline: "05/12/2026"}
	cell := remindCellView{Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Deadline: "05/12/2026", Bot: "Làm theo",
		Reported: 3, MustReport: 5, Missing: []missingLine{{Name: "Lê Chi", Paused: "20/12"}, {Name: "Trần Bình", Unreachable: true}}}
	tests := []struct {
		keys []text.Key
		data any
	}{
		{[]text.Key{text.RemindFirst, text.RemindSecond, text.RemindLast, text.RemindFirstTyped, text.RemindSecondTyped,
			text.RemindLastTyped, text.NudgeMember, text.NudgeMemberTyped}, member},
		{[]text.Key{text.BudgetRemindGroup, text.RemindMissing}, cell},
		{[]text.Key{text.RemindMissing}, remindCellView{Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Reported: 5, MustReport: 5}},
		{[]text.Key{text.NudgeDone}, nudgeDoneView{Month: "tháng 11/2026", Nudged: []string{"Lê Chi"}, Budget: "Trần Bình",
			Paused: "Hoàng Ánh", Unreachable: "Lê Ân"}},
		{[]text.Key{text.NudgeDone}, nudgeDoneView{Month: "tháng 11/2026"}},
		{[]text.Key{text.CampaignInvite, text.CampaignInviteTyped}, campaignInviteView{Name: "Nguyễn Văn An",
			Cell: "Chi bộ thôn Đông", Year: 2027, Theme: "Học tập và làm theo", Org: "Đảng bộ xã"}},
		{[]text.Key{text.CampaignRate}, campaignRateView{Cell: "Chi bộ thôn Đông", Year: 2027, Registered: 3, Waiting: 1,
			MustReport: 5, Percent: "60%", Invited: 2}},
	}
	for _, tt := range tests {
		for _, k := range tt.keys {
			checkUserText(t, T(k, tt.data))
		}
	}
}
