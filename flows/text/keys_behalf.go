package text

// Keys of behalf.txt: recording for the members without a phone
// (/baocaothay, /dangkythay) and delegating it (/uyquyen).
const (
	CmdReportBehalf      Key = "cmd_report_behalf" // /help's lines
	CmdPledgeBehalf      Key = "cmd_pledge_behalf"
	CmdDelegate          Key = "cmd_delegate"
	BehalfNotAllowed     Key = "behalf_not_allowed"     // neither the secretary nor delegated
	BehalfPick           Key = "behalf_pick"            // whom to record for; data: Cell, Month, Year, Report
	BehalfNoneLeft       Key = "behalf_none_left"       // nobody left without a report (pledge); same data
	BehalfConnectedLabel Key = "behalf_connected_label" // a choice of a member who uses the bot; data: Name
	BehalfNotFound       Key = "behalf_not_found"       // data: Input
	BehalfAmbiguous      Key = "behalf_ambiguous"       // data: Input, N
	BehalfReportStart    Key = "behalf_report_start"    // data: Name, Cell
	BehalfPledgeStart    Key = "behalf_pledge_start"    // data: Name, Cell
	BehalfReportSaved    Key = "behalf_report_saved"    // data: Name, Month
	BehalfPledgeApproved Key = "behalf_pledge_approved" // data: Name, N, Year, Cell
	DelegateShow         Key = "delegate_show"          // data: Cell, Names
	DelegateDone         Key = "delegate_done"          // data: Name, Cell
	DelegateYou          Key = "delegate_you"           // to the member delegated; data: Name, Cell
	DelegateYouNot       Key = "delegate_you_not"       // to a member whose delegation ends; data: Name, Cell
	DelegateRemoved      Key = "delegate_removed"       // data: Cell, Names
	DelegateNotFound     Key = "delegate_not_found"     // data: Cell, Names (the name typed)
	DelegateSecretary    Key = "delegate_secretary"     // the secretary needs no delegation; data: Name, Cell
)

var behalfKeys = []Key{CmdReportBehalf, CmdPledgeBehalf, CmdDelegate, BehalfNotAllowed, BehalfPick, BehalfNoneLeft,
	BehalfConnectedLabel, BehalfNotFound, BehalfAmbiguous, BehalfReportStart, BehalfPledgeStart, BehalfReportSaved,
	BehalfPledgeApproved, DelegateShow, DelegateDone, DelegateYou, DelegateYouNot, DelegateRemoved, DelegateNotFound,
	DelegateSecretary}
