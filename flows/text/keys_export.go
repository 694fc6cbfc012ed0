package text

// Keys of /xuat and its spreadsheet (export.txt).
const (
	CmdExport         Key = "cmd_export"         // /help's line
	ExportDone        Key = "export_done"        // the line sent with the file; data: Scope, Period, Members, Deeds
	ExportBadPeriod   Key = "export_bad_period"  // a period /xuat does not read; data: Input, Admin, Code
	ExportNoUpload    Key = "export_no_upload"   // on a platform that cannot upload files (Zalo)
	ExportUnavailable Key = "export_unavailable" // the deployment has no spreadsheet writer

	// Generated files (xlsx, PNG, PDF) as the file worker delivers them
	// (flows/files.go).
	FileLink        Key = "file_link"         // under the text, where the platform cannot upload; data: URL, Hours
	FileNoLink      Key = "file_no_link"      // the file cannot reach this platform (no public_url); data: Service
	FileTooLarge    Key = "file_too_large"    // over the platform's upload limit, no public_url; data: Name, MB, Limit, Service, Export
	FilePrivateOnly Key = "file_private_only" // a person's file is not linked in a group chat
	FileFailed      Key = "file_failed"       // the file could not be made
	FileLinkExpired Key = "file_link_expired" // the file endpoint's page for an expired link

	// The workbook (flows/export).
	ExportOrgScope      Key = "export_org_scope"      // the scope of an export of every cell
	ExportPeriodMonth   Key = "export_period_month"   // data: Num, Year
	ExportPeriodHalf    Key = "export_period_half"    // data: Year, Last
	ExportPeriodYear    Key = "export_period_year"    // data: Year, Last
	ExportTitle         Key = "export_title"          // each sheet's first row; data: Org, Scope
	ExportSubtitle      Key = "export_subtitle"       // each sheet's second row; data: Period
	ExportMemberSheet   Key = "export_member_sheet"   // sheet names
	ExportCellSheet     Key = "export_cell_sheet"     //
	ExportDeedSheet     Key = "export_deed_sheet"     //
	ExportMemberColumns Key = "export_member_columns" // the member sheet's columns before the months, one a line
	ExportMemberEnd     Key = "export_member_columns_end"
	ExportMonthColumn   Key = "export_month_column" // data: Num
	ExportCellColumns   Key = "export_cell_columns" // data: Last
	ExportDeedColumns   Key = "export_deed_columns"
	ExportTotal         Key = "export_total"  // the organisation's row of the cell sheet
	ExportLegend        Key = "export_legend" // under the member sheet's title; data: Last
	ExportMarkReported  Key = "export_mark_reported"
	ExportMarkMissing   Key = "export_mark_missing"
	ExportMarkExempt    Key = "export_mark_exempt"
	ExportMarkPaused    Key = "export_mark_paused"
	ExportNoteExempt    Key = "export_note_exempt"
	ExportNotePaused    Key = "export_note_paused" // data: Until
	ExportNoteJoined    Key = "export_note_joined" // data: Num
	ExportNoteRecorded  Key = "export_note_recorded"
	ExportNoteOffline   Key = "export_note_offline"
	ExportOtherDeed     Key = "export_other_deed"
	ExportDeedsCut      Key = "export_deeds_cut" // the deed sheet stopped at its most rows (and /xuat's reply); data: Max, Total, Org, Again
)

// exportKeys are /xuat's own replies, rendered with flows' views.
var exportKeys = []Key{CmdExport, ExportDone, ExportBadPeriod, ExportNoUpload, ExportUnavailable, FileLink, FileNoLink, FileTooLarge, FilePrivateOnly, FileFailed, FileLinkExpired}

// ExportKeys are the workbook's texts, rendered by flows/export (its tests
// check them).
var ExportKeys = []Key{
	ExportOrgScope, ExportPeriodMonth, ExportPeriodHalf, ExportPeriodYear, ExportTitle, ExportSubtitle,
	ExportMemberSheet, ExportCellSheet, ExportDeedSheet, ExportMemberColumns, ExportMemberEnd, ExportMonthColumn,
	ExportCellColumns, ExportDeedColumns, ExportTotal, ExportLegend, ExportMarkReported, ExportMarkMissing,
	ExportMarkExempt, ExportMarkPaused, ExportNoteExempt, ExportNotePaused, ExportNoteJoined, ExportNoteRecorded, ExportNoteOffline, ExportOtherDeed, ExportDeedsCut,
}
