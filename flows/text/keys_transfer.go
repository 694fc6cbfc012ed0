package text

// Keys of transfer.txt: a member's request to belong to another cell on
// the bot, and its confirmation by the receiving cell's secretary.
const (
	TransferSent         Key = "transfer_sent"
	TransferToApprove    Key = "transfer_to_approve"
	TransferNoteFrom     Key = "transfer_note_from"
	TransferWaiting      Key = "transfer_waiting"
	TransferWaitingOther Key = "transfer_waiting_other"
	TransferRow          Key = "transfer_row"
	TransferShow         Key = "transfer_show"
	TransferApproved     Key = "transfer_approved"
	TransferDoneNote     Key = "transfer_done_note"
	TransferDoneFrom     Key = "transfer_done_from"
	TransferRefused      Key = "transfer_refused"
	TransferRefusedNote  Key = "transfer_refused_note"
	TransferRefusedFrom  Key = "transfer_refused_from"
	TransferMemberLeft   Key = "transfer_member_left"
	TransferAlready      Key = "transfer_already"
	TransferWhoSecretary Key = "transfer_who_secretary"
	TransferWhoNamed     Key = "transfer_who_named"
	TransferWhoOffice    Key = "transfer_who_office"
)

// transferKeys lists the keys of transfer.txt, for the completeness test.
var transferKeys = []Key{TransferSent, TransferToApprove, TransferNoteFrom, TransferWaiting, TransferWaitingOther,
	TransferRow, TransferShow, TransferApproved, TransferDoneNote, TransferDoneFrom, TransferRefused,
	TransferRefusedNote, TransferRefusedFrom, TransferMemberLeft, TransferAlready, TransferWhoSecretary,
	TransferWhoNamed, TransferWhoOffice}
