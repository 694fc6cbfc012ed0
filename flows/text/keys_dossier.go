package text

// Keys of /hoso and the year-end dossier (dossier.txt).
const (
	CmdDossier         Key = "cmd_dossier"         // /help's line
	DossierDone        Key = "dossier_done"        // the line sent with one member's PDF; data: Name, Year, Reported, Due, Exempt, Items
	DossierCellDone    Key = "dossier_cell_done"   // the line sent with a cell's zip; data: Cell, Year, N
	DossierNoUpload    Key = "dossier_no_upload"   // no file reaches this chat (Zalo without [files] public_url)
	DossierUnavailable Key = "dossier_unavailable" // the deployment has no PDF writer
	DossierBadYear     Key = "dossier_bad_year"    // a year not yet come; data: Input, Year
	DossierOnlyOwn     Key = "dossier_only_own"    // a member asked for someone else's
	DossierAdminHelp   Key = "dossier_admin_help"  // an admin who is no member typed /hoso alone; data: Code
	DossierNotFound    Key = "dossier_not_found"   // no member of that name or number; data: Input, Cell
	DossierSeveral     Key = "dossier_several"     // several members of that name; data: Input, Found (No, Name)
	DossierCellEmpty   Key = "dossier_cell_empty"  // the cell has no member yet; data: Cell
	DossierJobNote     Key = "dossier_job_note"    // the year-end job's message with the PDF; data: Name, Year

	// The PDF (flows/dossier).
	DossierParty          Key = "dossier_party"            // top right
	DossierTitle          Key = "dossier_title"            // data: Year
	DossierHeader         Key = "dossier_header"           // one line each; data: Name, Cell, Org, Made
	DossierPurpose        Key = "dossier_purpose"          // what the dossier is for
	DossierPledgeHeading  Key = "dossier_pledge_heading"   // data: Year
	DossierPledgeState    Key = "dossier_pledge_state"     // data: Submitted, Decided, By, Approved, Returned
	DossierNoPledge       Key = "dossier_no_pledge"        // data: Year
	DossierItem           Key = "dossier_item"             // data: No, Text, Category, Target
	DossierDoneHeading    Key = "dossier_done_heading"     //
	DossierItemHeading    Key = "dossier_item_heading"     // data: No, Text
	DossierDeed           Key = "dossier_deed"             // data: Num, Status, Text
	DossierItemNone       Key = "dossier_item_none"        //
	DossierOthersHeading  Key = "dossier_others_heading"   //
	DossierMonthsHeading  Key = "dossier_months_heading"   //
	DossierMonthsCount    Key = "dossier_months_count"     // data: Reported, Due, Exempt
	DossierMonthLabel     Key = "dossier_month_label"      // data: Num, Year
	DossierStateNotMember Key = "dossier_state_not_member" // the month states, in flows.DossierMonthState's order
	DossierStateReported  Key = "dossier_state_reported"   //
	DossierStateExempt    Key = "dossier_state_exempt"     //
	DossierStateAhead     Key = "dossier_state_ahead"      //
	DossierStateOpen      Key = "dossier_state_open"       //
	DossierStatePaused    Key = "dossier_state_paused"     //
	DossierStateMissing   Key = "dossier_state_missing"    //
	DossierStatePraised   Key = "dossier_state_praised"    // after «reported» for a praised month
	DossierPraisedHeading Key = "dossier_praised_heading"  //
	DossierNone           Key = "dossier_none"             // an empty section
	DossierStatusHeading  Key = "dossier_status_heading"   //
	DossierJoined         Key = "dossier_joined"           // data: Num, Year
	DossierPaused         Key = "dossier_paused"           // data: Until, Reason
	DossierExempt         Key = "dossier_exempt"           //
	DossierClosing        Key = "dossier_closing"          //
	DossierPage           Key = "dossier_page"             // data: Page ({nb} is the page count)
)

// dossierKeys are /hoso's own replies, rendered with flows' views.
var dossierKeys = []Key{CmdDossier, DossierDone, DossierCellDone, DossierNoUpload, DossierUnavailable, DossierBadYear,
	DossierOnlyOwn, DossierAdminHelp, DossierNotFound, DossierSeveral, DossierCellEmpty, DossierJobNote}

// DossierKeys are the PDF's texts, rendered by flows/dossier (its tests
// check them).
var DossierKeys = []Key{
	DossierParty, DossierTitle, DossierHeader, DossierPurpose, DossierPledgeHeading, DossierPledgeState, DossierNoPledge,
	DossierItem, DossierDoneHeading, DossierItemHeading, DossierDeed, DossierItemNone, DossierOthersHeading,
	DossierMonthsHeading, DossierMonthsCount, DossierMonthLabel, DossierStateNotMember, DossierStateReported,
	DossierStateExempt, DossierStateAhead, DossierStateOpen, DossierStatePaused, DossierStateMissing, DossierStatePraised,
	DossierPraisedHeading, DossierNone, DossierStatusHeading, DossierJoined, DossierPaused, DossierExempt, DossierClosing,
	DossierPage,
}
