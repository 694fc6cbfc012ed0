package text

// Keys of platforms.txt.
const (
	YourID              Key = "your_id"
	InviteCode          Key = "invite_code"
	ConnectWrongBot     Key = "connect_wrong_bot"
	ConnectBotFull      Key = "connect_bot_full"
	ConnectBotFullNote  Key = "connect_bot_full_note"
	LinkNoCellHere      Key = "link_no_cell_here"
	LinkBotFull         Key = "link_bot_full"
	LinkBotFullNote     Key = "link_bot_full_note"
	MoveAsk             Key = "move_ask"
	MoveYes             Key = "move_yes"
	MoveNo              Key = "move_no"
	MoveSent            Key = "move_sent"
	MovePending         Key = "move_pending"
	MoveToApprove       Key = "move_to_approve"
	MoveOpen            Key = "move_open"
	MoveRow             Key = "move_row"
	MoveShow            Key = "move_show"
	MoveConfirm         Key = "move_confirm"
	MoveDeny            Key = "move_deny"
	MoveApproved        Key = "move_approved"
	MoveRefused         Key = "move_refused"
	MoveDoneNote        Key = "move_done_note"
	MoveRefusedNote     Key = "move_refused_note"
	MoveGone            Key = "move_gone"
	PlatformWhere       Key = "platform_where"
	QuotaWarn           Key = "quota_warn"
	BudgetRemindGroup   Key = "budget_remind_group"
	BudgetLines         Key = "budget_lines"
	BudgetNoteReduced   Key = "budget_note_reduced"
	BudgetNoteGroupOnly Key = "budget_note_group_only"
	BudgetNoteDeferred  Key = "budget_note_deferred"
	JobNudgeName        Key = "job_nudge_name"
	BudgetAdmins        Key = "budget_admins"
)

// platformsKeys lists the keys of platforms.txt, for the completeness test.
var platformsKeys = []Key{YourID, InviteCode, ConnectWrongBot, ConnectBotFull, ConnectBotFullNote, LinkNoCellHere, LinkBotFull, LinkBotFullNote, MoveAsk, MoveYes, MoveNo, MoveSent, MovePending, MoveToApprove, MoveOpen, MoveRow, MoveShow, MoveConfirm, MoveDeny, MoveApproved, MoveRefused, MoveDoneNote, MoveRefusedNote, MoveGone, PlatformWhere, QuotaWarn, BudgetRemindGroup, BudgetLines, BudgetNoteReduced, BudgetNoteGroupOnly, BudgetNoteDeferred, JobNudgeName, BudgetAdmins}
