package flows

import (
	"slices"
	"strings"
	"testing"

	"lamtheo/flows/text"
)

// viewCase is a set of texts rendered with one view value.
type viewCase struct {
	keys []text.Key
	data any
}

// viewCases feeds every text that takes data a full value of its view
// and, where a text branches, values that take the other branches.
func viewCases() []viewCase {
	member := remindView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Deadline: "05/12/2026"}
	cell := remindCellView{Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Deadline: "05/12/2026", Bot: "Làm theo",
		Reported: 3, MustReport: 5, Missing: []missingLine{{Name: "Lê Chi", Paused: "20/12"}, {Name: "Trần Bình", Unreachable: true}}}
	return []viewCase{
		{[]text.Key{text.RemindFirst, text.RemindSecond, text.RemindLast, text.RemindFirstTyped, text.RemindSecondTyped,
			text.RemindLastTyped, text.NudgeMember, text.NudgeMemberTyped}, member},
		{[]text.Key{text.BudgetRemindGroup, text.RemindMissing}, cell},
		{[]text.Key{text.RemindMissing}, remindCellView{Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Reported: 5, MustReport: 5}},
		{[]text.Key{text.RemindMissing}, remindCellView{Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Reported: 4, MustReport: 5, Self: true}},
		{[]text.Key{text.RemindMissing}, remindCellView{Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Reported: 4, MustReport: 5, Self: true, Reminded: true}},
		{[]text.Key{text.RemindMissing}, remindCellView{Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Reported: 3, MustReport: 5,
			Offline: []string{"Hoàng Văn Bảy", "Đỗ Thị Sáu"}}},
		{[]text.Key{text.BehalfPick, text.BehalfNoneLeft}, behalfPickView{Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Year: 2026, Report: true}},
		{[]text.Key{text.BehalfPick, text.BehalfNoneLeft}, behalfPickView{Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Year: 2026}},
		{[]text.Key{text.BehalfNotFound, text.BehalfAmbiguous}, behalfTypedView{Input: "Nguyễn Văn An", N: 2}},
		{[]text.Key{text.BehalfReportSaved}, behalfSavedView{Name: "Nguyễn Văn An", Month: "tháng 11/2026"}},
		{[]text.Key{text.BehalfPledgeApproved}, pledgeSentView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", N: 3, Year: 2026}},
		{[]text.Key{text.DelegateShow, text.DelegateRemoved, text.DelegateNotFound}, delegateView{Cell: "Chi bộ thôn Đông", Names: "Lê Thị Năm"}},
		{[]text.Key{text.DelegateShow, text.DelegateRemoved}, delegateView{Cell: "Chi bộ thôn Đông"}},
		{[]text.Key{text.FeatureSelf}, featureSelfView{Month: "tháng 11/2026", Only: true}},
		{[]text.Key{text.ExportDone}, exportDoneView{Scope: "Chi bộ thôn Đông", Period: "năm 2026 (đến tháng 11)", Members: 12, Deeds: 30}},
		{[]text.Key{text.FileLink}, fileLinkView{URL: "https://bot.example.vn/files/ABC", Hours: 24}},
		{[]text.Key{text.FileNoLink}, fileNoLinkView{Service: "Zalo"}},
		{[]text.Key{text.FileTooLarge}, fileTooLargeView{Name: "lamtheo-xa-demo-2026.xlsx", MB: 63, Limit: 50, Service: "Telegram", Export: true}},
		{[]text.Key{text.ExportBadPeriod}, exportBadView{Input: "quý 3", Admin: true, Code: "C01"}},
		{[]text.Key{text.ExportBadPeriod}, exportBadView{Input: "quý 3"}},
		{[]text.Key{text.DossierDone}, dossierDoneView{Name: "Nguyễn Văn An", Year: 2026, Reported: 9, Due: 12, Items: 3}},
		{[]text.Key{text.DossierDone}, dossierDoneView{Name: "Nguyễn Văn An", Year: 2026, Reported: 1, Exempt: true}},
		{[]text.Key{text.DossierCellDone}, dossierCellView{Cell: "Chi bộ thôn Đông", Year: 2026, N: 12, Missing: []string{"Đỗ Văn Tư", "Hoàng Thị Xuân"}}},
		{[]text.Key{text.DossierBadYear, text.DossierNotFound, text.DossierCellEmpty}, dossierInputView{Input: "Hùng", Cell: "Chi bộ thôn Đông", Year: 2026}},
		{[]text.Key{text.DossierSeveral}, dossierInputView{Input: "Hùng", Cell: "Chi bộ thôn Đông", Year: 2026,
			Found: []dossierFoundView{{No: 3, Name: "Trần Văn Hùng"}, {No: 5, Name: "Lê Văn Hùng"}}}},
		{[]text.Key{text.DossierAdminHelp}, codeView{Code: "C01"}},
		{[]text.Key{text.DossierJobNote}, nameYearView{Name: "Nguyễn Văn An", Year: 2026}},
		{[]text.Key{text.FeatureSelf}, featureSelfView{Month: "tháng 11/2026"}},
		{[]text.Key{text.SummaryOtherMonth}, otherMonthView{Month: "tháng 12/2026", Arg: "12"}},
		{[]text.Key{text.SummaryOtherMonth}, otherMonthView{Month: "tháng 12/2026", Arg: "12", Bot: "Bot Xã Demo"}},
		{[]text.Key{text.MeetingSummary}, meetingSummaryView{Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Body: "Đã báo cáo: 4/5", Arg: "11"}},
		{[]text.Key{text.NudgeDone}, nudgeDoneView{Month: "tháng 11/2026", Nudged: []string{"Lê Chi"}, Budget: "Trần Bình",
			Paused: "Hoàng Ánh", Unreachable: "Lê Ân", Self: true}},
		{[]text.Key{text.NudgeDone}, nudgeDoneView{Month: "tháng 11/2026"}},
		{[]text.Key{text.CampaignInvite, text.CampaignInviteTyped}, campaignInviteView{Name: "Nguyễn Văn An",
			Cell: "Chi bộ thôn Đông", Year: 2027, Theme: "Học tập và làm theo", Org: "Đảng bộ xã"}},
		{[]text.Key{text.CampaignRate}, campaignRateView{Cell: "Chi bộ thôn Đông", Year: 2027, Registered: 3, Waiting: 1,
			MustReport: 5, Percent: "60%", Invited: 2}},
		{[]text.Key{text.ApproveAskComment, text.ApproveDone, text.ApproveNotPending, text.ApproveReturned,
			text.ExemptMarked, text.SecMarked, text.BehalfConnectedLabel, text.SecGrantAsk, text.SecRevokeAsk, text.ExemptAskOn, text.ExemptAskOff},
			nameView{Name: "Nguyễn Văn An"}},
		{[]text.Key{text.CellEmpty, text.JoinExpired, text.JoinNotInGroup, text.SchedRunLeader, text.SchedRunRemind,
			text.SecChooseMember}, cellView{Cell: "Chi bộ thôn Đông"}},
		{[]text.Key{text.BehalfReportStart, text.BehalfPledgeStart, text.DelegateDone, text.DelegateYou, text.DelegateYouNot,
			text.DelegateSecretary}, nameCellView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông"}},
		{[]text.Key{text.JoinAlready, text.MovePending, text.SecGranted, text.SecYouAre, text.SecRevoked,
			text.SecYouAreNot, text.ExemptDoneOn, text.ExemptDoneOff, text.ExemptYouOn, text.ExemptYouOff},
			nameCellView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông"}},
		{[]text.Key{text.GroupOnly, text.PrivateOnly, text.PrivateOnlyHere, text.AnonymousSender, text.UnknownCommand}, cmdView{Cmd: "/baocao"}},
		{[]text.Key{text.GroupRefusal}, groupRefusalView{Cell: "Chi bộ thôn Đông", Text: "Lệnh này chỉ dành cho bí thư chi bộ."}},
		{[]text.Key{text.GroupRefusal}, groupRefusalView{Group: "Nhóm họp", Text: "Lệnh này chỉ dành cho bí thư chi bộ."}},
		{[]text.Key{text.GroupRefusal}, groupRefusalView{Text: "Lệnh này chỉ dành cho bí thư chi bộ."}},
		{[]text.Key{text.ApprovePickLabel}, approveLabelView{Name: "Trần Văn Hùng", N: 2}},
		{[]text.Key{text.GroupAskPrivate}, botView{Bot: "@lamtheo_bot"}},
		{[]text.Key{text.GroupAskPrivate}, botView{}},
		{[]text.Key{text.JoinUnknownCode}, codeView{Code: "DONG-4821"}},
		{[]text.Key{text.JoinUnknownCode}, codeView{}},
		{[]text.Key{text.UnknownNear}, nearView{Cmd: "dangki", Near: "dangky", Desc: "Đăng ký việc làm theo Bác trong năm"}},
		{[]text.Key{text.ChoiceHint, text.ChooseNumber}, countView{N: 4}},
		{[]text.Key{text.ChoiceHint, text.ChooseNumber}, countView{N: 1, Open: true, Label: "Không có chỉ tiêu", Number: "2"}},
		{[]text.Key{text.ChoiceHint, text.ChooseNumber}, countView{N: 3, Open: true, Label: "Không có"}},
		{[]text.Key{text.TooLong}, tooLongView{Max: 1000, N: 5000}},
		{[]text.Key{text.PauseAsk, text.PauseBadDate, text.PausePast, text.PauseTooFar, text.PauseNoSuchDay},
			pauseDateView{Input: "32/13/2026", Short: "20/12", Example: "20/12/2026", Date: "01/01/2020", Max: "20/11/2027",
				Day: 32, Month: 13}},
		{[]text.Key{text.PauseNoSuchDay}, pauseDateView{Input: "31/4", Short: "20/12", Example: "20/12/2026", Day: 31, Month: 4}},
		{[]text.Key{text.PauseNoSuchDay}, pauseDateView{Input: "29/2", Short: "20/12", Example: "20/12/2026", Day: 29, Month: 2,
			LeapYear: 2027}},
		{[]text.Key{text.PauseAskReason, text.PauseCurrent, text.PauseKept, text.PauseDone, text.PauseSecretary,
			text.PauseResumedSecretary}, pauseView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Until: "20/12/2026",
			Reason: "Ốm đau", Told: true}},
		{[]text.Key{text.PauseCurrent, text.PauseDone}, pauseView{Until: "20/12/2026"}},
		{[]text.Key{text.WelcomeBack, text.WelcomeAdmin, text.WelcomeStranger, text.JoinAskName, text.JoinConfirmName, text.JoinConfirmTyped,
			text.JoinDone, text.JoinAskFullName, text.JoinNameWhich, text.GroupHelloLinked, text.GroupHello},
			welcomeView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Org: "Đảng bộ xã"}},
		{[]text.Key{text.JoinFullNameAgain}, nameAgainView{Name: "Hung Tran", Why: "«Tran» thường là họ."}},
		{[]text.Key{text.NameWhyHonorific, text.NameWhyOneWord, text.NameWhyWestern, text.NameWhyNoMarks},
			nameWhyView{Name: "Hung Tran", First: "Hung", Last: "Tran"}},
		{[]text.Key{text.YourID}, yourIDView{ID: "123456"}},
		{[]text.Key{text.GroupMentionHint}, botView{Bot: "lamtheo_bot"}},
		{[]text.Key{text.HelpPrivate, text.HelpGroup}, helpView{Org: "Đảng bộ xã", Role: "bí thư", Mention: "Gọi bot: @lamtheo_bot",
			Lines: []helpLine{{Cmd: "/baocao", Desc: "báo cáo"}, {Cmd: "/camket", Desc: "cam kết"}}}},
		{[]text.Key{text.HelpPrivate, text.HelpGroup}, helpView{Org: "Đảng bộ xã", Role: "đảng viên"}},
		{[]text.Key{text.LinkDone, text.InviteRenewed, text.JoinButton, text.JoinAlt, text.JoinRevoked},
			inviteView{Cell: "Chi bộ thôn Đông", Code: "DONG-4821", Org: "Đảng bộ xã", Bot: "lamtheo_bot"}},
		{[]text.Key{text.JoinMoveAsk, text.JoinMoveYes, text.JoinMoveNo},
			joinMoveView{Name: "Nguyễn Văn An", From: "Chi bộ thôn Đông", To: "Chi bộ thôn Tây"}},
		{[]text.Key{text.TransferSent, text.TransferToApprove, text.TransferNoteFrom, text.TransferWaiting,
			text.TransferWaitingOther, text.TransferRow, text.TransferShow, text.TransferApproved, text.TransferDoneNote,
			text.TransferDoneFrom, text.TransferRefused, text.TransferRefusedNote, text.TransferRefusedFrom,
			text.TransferMemberLeft, text.TransferAlready}, transferView{Name: "Nguyễn Văn An", From: "Chi bộ thôn Đông",
			To: "Chi bộ thôn Tây", Date: "20/11/2026", Who: "bí thư Chi bộ thôn Tây"}},
		{[]text.Key{text.TransferWhoSecretary}, cellView{Cell: "Chi bộ thôn Tây"}},
		{[]text.Key{text.TransferWhoNamed}, nameCellView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Tây"}},
		{[]text.Key{text.MoveAsk, text.MoveToApprove, text.MoveSent, text.MoveRow, text.MoveShow, text.MoveApproved,
			text.MoveDoneNote, text.MoveRefused, text.MoveRefusedNote},
			moveView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Where: "Zalo (bot «lamtheo»)"}},
		{[]text.Key{text.PledgeApprovedNote, text.PledgeReturnedNote},
			pledgeNoteView{Name: "Nguyễn Văn An", Year: 2027, Comment: "Bổ sung việc cụ thể"}},
		{[]text.Key{text.JoinCooldown}, cooldownView{Max: 5, Minutes: 30}},
		{[]text.Key{text.ConnectWrongBot, text.InviteCode}, inviteCodeView{Cell: "Chi bộ thôn Đông", Code: "DONG-4821",
			Until: "20/12/2026", Bots: []string{"lamtheo_bot", "lamtheo2"}}},
		{[]text.Key{text.ConnectWrongBot, text.InviteCode}, inviteCodeView{Cell: "Chi bộ thôn Đông", Code: "DONG-4821",
			Until: "20/12/2026"}},
		{[]text.Key{text.ConnectBotFull, text.ConnectBotFullNote, text.LinkBotFull, text.LinkBotFullNote},
			botFullView{Max: 1000, Cell: "Chi bộ thôn Đông", Name: "Nguyễn Văn An", Group: "Chi bộ Đông", Bot: "lamtheo"}},
		{[]text.Key{text.LinkRevokeAsk, text.LinkRevoked}, revokeView{Cell: "Chi bộ thôn Đông", Code: "DONG-4821", N: 2,
			Groups: 1}},
		{[]text.Key{text.LinkRevoked}, revokeView{Cell: "Chi bộ thôn Đông", Code: "DONG-4821", N: 2}},
		{[]text.Key{text.PlatformWhere}, platformView{Service: "Zalo", Bot: "lamtheo"}},
		{[]text.Key{text.PlatformWhere}, platformView{Service: "Telegram"}},
		{[]text.Key{text.FeatureNone, text.FeaturePick, text.NudgeNotOpen, text.NudgeClosed, text.ReportFuture, text.ReportBeforeJoined,
			text.MonthClosed, text.MonthLabel, text.ReportExisting, text.ReportNotSent, text.ReportEditDropped, text.ReportKept,
			text.ReportSaved, text.ReportUpdated, text.SumPickReport}, monthView{Month: "tháng 11/2026"}},
		{[]text.Key{text.ReportNoPledge}, noPledgeView{Month: "tháng 11/2026", Year: 2026, CanPledge: true}},
		{[]text.Key{text.ReportNoPledge}, noPledgeView{Month: "tháng 11/2026", Year: 2026}},
		{[]text.Key{text.MonthNotOpen, text.ReportWhichMonth}, monthGraceView{Month: "tháng 12/2026", Grace: 5}},
		{[]text.Key{text.BadMonth}, inputView{Input: "13/2026"}},
		{[]text.Key{text.ReportView, text.ReportReview, text.SumNoReport, text.SumPhotoCaption},
			memberMonthView{Name: "Nguyễn Văn An", Month: "tháng 11/2026", Body: "1. Dọn vệ sinh: xong"}},
		{[]text.Key{text.ReportIntro}, reportIntroView{Month: "tháng 11/2026", N: 3}},
		{[]text.Key{text.ReportAskStatus, text.ReportAskWhat, text.ReportAskOther}, reportItemView{I: 2, Total: 3, No: 4,
			Text: "Dọn vệ sinh đường làng", Target: "mỗi tháng 1 lần", Current: "xong", CurrentText: "đã dọn"}},
		{[]text.Key{text.ReportAskStatus, text.ReportAskWhat, text.ReportAskOther}, reportItemView{I: 1, Total: 1, No: 1,
			Text: "Dọn vệ sinh đường làng"}},
		{[]text.Key{text.ReportAskOther}, reportItemView{NoPledge: true, Current: "Nhặt rác"}},
		{[]text.Key{text.QuickNotReadable, text.QuickNoStatus, text.QuickDuplicate, text.QuickTooLong, text.QuickEmptyOther,
			text.QuickEmpty, text.QuickNoPledge, text.QuickNotInPledge}, quickView{Segment: "7 xong", Example: "1 xong",
			Nos: "1, 2, 3", Year: 2026, No: 7, N: 300, Max: 200}},
		{[]text.Key{text.QuickReview}, quickReviewView{Body: "1. Dọn vệ sinh: xong", Kept: true, Unsaid: true}},
		{[]text.Key{text.QuickReview}, quickReviewView{Body: "1. Dọn vệ sinh: xong"}},
		{[]text.Key{text.FeatureAskOn, text.FeatureAskOff, text.FeatureDoneOff, text.FeatureDoneOn, text.FeatureYou},
			featureView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026", Body: "1. Dọn vệ sinh: xong"}},
		{[]text.Key{text.SumReportLabel}, reportLabelView{Name: "Nguyễn Văn An", Exemplary: true}},
		{[]text.Key{text.SumReportLabel}, reportLabelView{Name: "Nguyễn Văn An"}},
		{[]text.Key{text.SchedView}, scheduleView{Jobs: []scheduleLine{{Name: "Bảng xếp hạng", Next: "08:00 01/12"},
			{Name: "Nhắc báo cáo"}}, Cell: "Chi bộ thôn Đông", Budget: "Bot «lamtheo»: 10/2000 tin", Month: "tháng 11/2026",
			Leader: "tháng 10/2026"}},
		{[]text.Key{text.SchedView}, scheduleView{Jobs: []scheduleLine{{Name: "Nhắc báo cáo"}}, Month: "tháng 11/2026",
			Leader: "tháng 10/2026", Pick: true}},
		{[]text.Key{text.SchedNotOpen, text.SchedDoneLeader, text.SchedLeaderEmpty, text.SchedDoneRemind}, schedDoneView{Cell: "Chi bộ thôn Đông",
			Month: "tháng 11/2026", Prompted: 4, Posted: 1, ToSec: 1}},
		{[]text.Key{text.SchedDoneLeader, text.SchedDoneRemind}, schedDoneView{Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026"}},
		{[]text.Key{text.BudgetLines}, budgetLinesView{Bots: []botUse{{Name: "lamtheo", Month: "tháng 11/2026", Percent: "5%",
			Sent: 100, Max: 2000, Queued: 3, Notes: []string{"02/11 08:00: nhắc báo cáo"}}}}},
		{[]text.Key{text.BudgetNoteReduced, text.BudgetNoteGroupOnly, text.BudgetNoteDeferred}, budgetNoteView{
			When: "02/11 08:00", Job: "Nhắc báo cáo", Cell: "Chi bộ thôn Đông", Planned: 10, Done: 4, Group: true}},
		{[]text.Key{text.BudgetNoteReduced, text.BudgetNoteGroupOnly, text.BudgetNoteDeferred}, budgetNoteView{
			When: "02/11 08:00", Job: "Nhắc báo cáo", Cell: "Chi bộ thôn Đông", Planned: 10}},
		{[]text.Key{text.CloseAsk, text.ReopenAsk}, closeView{Cell: "Chi bộ thôn Đông", Month: "tháng 11/2026"}},
		{[]text.Key{text.PledgeIntro}, pledgeIntroView{Year: 2027, Theme: "Học tập và làm theo"}},
		{[]text.Key{text.PledgeIntro, text.PledgeNextYear}, pledgeIntroView{Year: 2027}},
		{[]text.Key{text.PledgeFull}, pledgeFullView{Max: 10}},
		{[]text.Key{text.PledgeSent, text.PledgeSentNoSecretary, text.PledgeToApprove}, pledgeSentView{Name: "Nguyễn Văn An",
			Cell: "Chi bộ thôn Đông", N: 3, Year: 2027}},
		{[]text.Key{text.AsideNote}, asideView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", When: "02/11/2026 08:00"}},
		{[]text.Key{text.AsideNote}, asideView{Name: "Nguyễn Văn An", When: "02/11/2026 08:00"}},
		{[]text.Key{text.QuotaWarn}, quotaWarnView{Bot: "lamtheo", Month: "tháng 11/2026", Percent: "80%", Sent: 1600, Max: 2000}},
		{[]text.Key{text.QuotaWarn}, quotaWarnView{Bot: "lamtheo", Month: "tháng 11/2026", Percent: "100%", Sent: 2000, Max: 2000,
			Last: true}},
		{[]text.Key{text.JobDamaged}, jobDamagedView{Job: "Nhắc báo cáo", What: "m:12; m:14", N: 2}},
		{[]text.Key{text.LeaderNoGroup}, leaderNoGroupView{Cell: "Chi bộ thôn Đông", Body: "1. Nguyễn Văn An"}},
		{[]text.Key{text.ApproveShow, text.PledgeApprovedView, text.PledgeConfirmSubmit, text.PledgeView}, pledgeView{
			Name: "Nguyễn Văn An", Year: 2027, Theme: "Học tập và làm theo", Status: "chờ duyệt", Comment: "Bổ sung chỉ tiêu",
			Items: []itemView{{No: 1, Text: "Dọn vệ sinh đường làng", Category: "Trách nhiệm", Target: "mỗi tháng 1 lần"},
				{No: 2, Text: "Thăm hỏi gia đình chính sách"}}}},
		{[]text.Key{text.ApproveShow, text.PledgeApprovedView, text.PledgeConfirmSubmit, text.PledgeView},
			pledgeView{Name: "Nguyễn Văn An", Year: 2027}},
		{[]text.Key{text.PledgeConfirmRemove, text.PledgeAskNewText, text.PledgeAskTarget}, itemView{No: 1, Text: "Dọn vệ sinh đường làng", Target: "mỗi tháng 1 lần"}},
		{[]text.Key{text.MeView}, meView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Paused: "20/12/2026", Year: 2026,
			HasPledge: true, Status: "đã duyệt", Items: []meItem{{No: 1, Text: "Dọn vệ sinh", Latest: "xong",
				LatestMonth: "tháng 10/2026"}, {No: 2, Text: "Thăm hỏi"}}, Months: "T1 ✓ T2 –", Streak: 3, Last: "tháng 10/2026", DueNow: true,
			Month: "tháng 11/2026"}},
		{[]text.Key{text.MeView}, meView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Exempt: true, Year: 2026, Streak: 1, Last: "tháng 10/2026"}},
		{[]text.Key{text.MeView}, meView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Year: 2026}},
		{[]text.Key{text.RosterConnectAmbiguous, text.RosterConnectStranger}, rosterConnectView{Name: "Nguyễn Văn An",
			Cell: "Chi bộ thôn Đông", Where: "Telegram (bot @lamtheo_test_bot)",
			Found: []rosterNameView{{Name: "Nguyễn Văn An", Connected: true}, {Name: "Nguyễn Văn An"}}}},
		{[]text.Key{text.RosterClaimDeniedNote, text.RosterClaimNote, text.RosterConnectAmbiguous}, rosterConnectView{Name: "Nguyễn Văn An",
			Cell: "Chi bộ thôn Đông", Where: "Telegram", Entry: "Nguyễn Văn An", Found: []rosterNameView{{Name: "Nguyễn Văn An"}}}},
		{[]text.Key{text.RosterClaimAsk, text.RosterClaimDone, text.RosterClaimTaken, text.RosterYouLinked}, claimView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông"}},
		{[]text.Key{text.RosterDecideLink}, rosterNameView{Name: "Nguyễn Văn An", N: 3, Connected: true}},
		{[]text.Key{text.RosterDecideLink}, rosterNameView{Name: "Nguyễn Văn An", N: 3}},
		{[]text.Key{text.RosterList}, rosterListView{Cell: "Chi bộ thôn Đông", Total: 3, Connected: 2, NotConnected: 1, Exempt: 1,
			Lines: []rosterLineView{{N: 1, Name: "Nguyễn Văn An", Status: "Chính thức", Role: "Bí thư", Connected: true, Via: "Telegram, Zalo"},
				{N: 2, Name: "Lê Thị Năm", Status: "Dự bị", Connected: true}, {N: 3, Name: "Trần Văn Hùng", Status: "Miễn công tác và sinh hoạt đảng"}}}},
		{[]text.Key{text.RosterList}, rosterListView{Cell: "Chi bộ thôn Đông"}},
		{[]text.Key{text.RosterPickNone, text.RosterPickWhich}, rosterPickView{Typed: "An", Max: 2}},
		{[]text.Key{text.RosterAskRename}, nameView{Name: "Nguyễn Văn An"}},
		{[]text.Key{text.RosterAskStatus}, rosterStatusView{Name: "Nguyễn Văn An"}},
		{[]text.Key{text.RosterAskStatus}, rosterStatusView{}},
		{[]text.Key{text.RosterConfirmAdd, text.RosterConfirmRename, text.RosterConfirmStatus, text.RosterConfirmRemove,
			text.RosterAskLink, text.RosterAskNew, text.RosterAskDrop, text.RosterAskUnclaim, text.RosterDoneAdd, text.RosterDoneRename,
			text.RosterDoneStatus, text.RosterDoneRemove, text.RosterDoneLink, text.RosterDoneDrop, text.RosterDoneUnclaim, text.RosterWho},
			rosterConfirmView{Cell: "Chi bộ thôn Đông", Name: "Nguyễn Văn An", Old: "Dự bị", Status: "Chính thức", Account: "An Nguyễn",
				Where: "Telegram", Via: "Telegram", Same: 1, Connected: true, Replaces: true, Exempt: true, NoMarks: true}},
		{[]text.Key{text.RosterNoChange}, rosterConfirmView{Name: "Nguyễn Văn An", Status: "Chính thức"}},
		{[]text.Key{text.RosterNoChange}, rosterConfirmView{Name: "Nguyễn Văn An"}},
		{[]text.Key{text.RosterConfirmAdd, text.RosterConfirmStatus, text.RosterConfirmRemove, text.RosterAskLink, text.RosterDoneRemove},
			rosterConfirmView{Cell: "Chi bộ thôn Đông", Name: "Nguyễn Văn An", Old: "Dự bị", Status: "Chính thức"}},
		{[]text.Key{text.RosterYouDropped, text.RosterYouRemoved}, cellView{Cell: "Chi bộ thôn Đông"}},
		{[]text.Key{text.RosterFileTooBig}, sizeView{Max: 5}},
		{[]text.Key{text.MeView}, meView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Year: 2026, NextYear: 2027}},
		{[]text.Key{text.MeView}, meView{Name: "Nguyễn Văn An", Cell: "Chi bộ thôn Đông", Year: 2026, NextYear: 2027,
			NextStatus: "đã gửi, chờ bí thư duyệt", HasPledge: true, Status: "đã duyệt", Items: []meItem{{No: 1, Text: "Dọn vệ sinh"}}}},
		{[]text.Key{text.CloseState, text.CloseDone, text.ReopenDone}, cellMonthView{Cell: "Chi bộ thôn Đông",
			Month: "tháng 11/2026", Closed: true, Late: true, Reported: 3, MustReport: 5, NotReported: 2, Percent: "60%"}},
		{[]text.Key{text.CloseState, text.CloseDone, text.ReopenDone}, cellMonthView{Cell: "Chi bộ thôn Đông",
			Month: "tháng 11/2026", Reported: 5, MustReport: 5, Percent: "100%"}},
		{[]text.Key{text.CloseState, text.CloseDone}, cellMonthView{Cell: "Chi bộ thôn Đông", // nobody had connected by November
			Month: "tháng 11/2026", Percent: "—"}},
	}
}

// TestViewsRender renders every text fed a typed view with its view: a
// field the text names but the view lacks is a template error, which
// shows as "[key: …]".
func TestViewsRender(t *testing.T) {
	for _, c := range viewCases() {
		renderView(t, c)
	}
}

// renderedElsewhere are the texts that take data but are rendered outside
// flows' views: the summaries (their own tests), cmd/lamtheo's texts and
// the roster file's (flows/rosterfile's tests) and the terminal's
// (bot/console's tests).
var renderedElsewhere = slices.Concat([]text.Key{text.ClockSet, text.TerminalBanner}, text.SummaryKeys, text.RosterKeys, text.ConsoleKeys, text.ExportKeys, text.DossierKeys)

// TestViewsCoverCatalogue checks that every text that takes data is in
// viewCases, so a text added with a field is checked against its view.
func TestViewsCoverCatalogue(t *testing.T) {
	covered := map[text.Key]bool{}
	for _, c := range viewCases() {
		for _, k := range c.keys {
			covered[k], covered[k+"_typed"] = true, true
		}
	}
	for _, k := range Text().Keys() {
		if covered[k] || slices.Contains(renderedElsewhere, text.Key(strings.TrimSuffix(string(k), "_typed"))) {
			continue
		}
		if s := T(k, nil); strings.HasPrefix(s, "["+string(k)+":") {
			t.Errorf("%s takes data but no view case renders it", k)
		}
	}
}

// renderView renders every key of c, and its variant for platforms without
// buttons, with its view and fails on a template error or a catalogue miss.
func renderView(t *testing.T, c viewCase) {
	t.Helper()
	var keys []text.Key
	for _, k := range c.keys {
		keys = append(keys, k)
		if Text().Has(k + "_typed") {
			keys = append(keys, k+"_typed")
		}
	}
	for _, k := range keys {
		s := T(k, c.data)
		if strings.HasPrefix(s, "["+string(k)) {
			t.Errorf("%s with %T: %s", k, c.data, s)
			continue
		}
		checkUserText(t, s)
	}
}
