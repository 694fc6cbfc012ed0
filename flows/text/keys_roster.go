package text

// Keys of roster.txt.
const (
	RosterStatusFull        Key = "roster_status_full"
	RosterStatusProbation   Key = "roster_status_probation"
	RosterStatusExempt      Key = "roster_status_exempt"
	RosterConnectAmbiguous  Key = "roster_connect_ambiguous"
	RosterConnectStranger   Key = "roster_connect_stranger"
	RosterPreview           Key = "roster_preview"
	RosterProblemEmptyName  Key = "roster_problem_empty_name"
	RosterProblemCell       Key = "roster_problem_unknown_cell"
	RosterProblemOtherCell  Key = "roster_problem_other_cell"
	RosterProblemStatus     Key = "roster_problem_unknown_status"
	RosterProblemDuplicate  Key = "roster_problem_duplicate"
	RosterProblemAllCaps    Key = "roster_problem_all_caps"
	RosterProblemNoMarks    Key = "roster_problem_no_diacritics"
	RosterErrNotSpreadsheet Key = "roster_err_not_spreadsheet"
	RosterErrOldExcel       Key = "roster_err_old_excel"
	RosterErrNotUTF8        Key = "roster_err_not_utf8"
	RosterErrEmpty          Key = "roster_err_empty"
	RosterErrNoHeader       Key = "roster_err_no_header"
	RosterErrNoCellColumn   Key = "roster_err_no_cell_column"
	RosterErrTooMany        Key = "roster_err_too_many"
	RosterErrTooBig         Key = "roster_err_too_big"
	RosterErrUnreadable     Key = "roster_err_unreadable"
	RosterErrStale          Key = "roster_err_stale"
	RosterApplied           Key = "roster_applied"
	RosterTemplateSheet     Key = "roster_template_sheet"
	RosterTemplateHelpSheet Key = "roster_template_help_sheet"
	RosterTemplateHeader    Key = "roster_template_header" // one column title per line
	RosterTemplateExample   Key = "roster_template_example"
	RosterTemplateHelp      Key = "roster_template_help"
)

// RosterKeys lists the keys of roster.txt, for the completeness test; they
// are rendered by flows/rosterfile, whose tests feed each its view, but for
// the roster_connect notes, which flows' view cases render.
var RosterKeys = []Key{RosterStatusFull, RosterStatusProbation, RosterStatusExempt,
	RosterConnectAmbiguous, RosterConnectStranger, RosterPreview,
	RosterProblemEmptyName, RosterProblemCell, RosterProblemOtherCell, RosterProblemStatus, RosterProblemDuplicate,
	RosterProblemAllCaps, RosterProblemNoMarks, RosterErrNotSpreadsheet, RosterErrOldExcel,
	RosterErrNotUTF8, RosterErrEmpty, RosterErrNoHeader, RosterErrNoCellColumn, RosterErrTooMany,
	RosterErrTooBig, RosterErrUnreadable, RosterErrStale, RosterApplied, RosterTemplateSheet,
	RosterTemplateHelpSheet, RosterTemplateHeader, RosterTemplateExample, RosterTemplateHelp}
