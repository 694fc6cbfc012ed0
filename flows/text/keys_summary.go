package text

// Keys of the summary and leaderboard texts (summary.txt).
const (
	SummaryMonthName        Key = "summary.month.name"         // "tháng 11/2026"; data: Num, Year
	SummaryMonthErrNotMonth Key = "summary.month.err.notmonth" // input is not a month; data: *flows.MonthParseError
	SummaryMonthErrBadMonth Key = "summary.month.err.badmonth" // month number not 1–12
	SummaryMonthErrBadYear  Key = "summary.month.err.badyear"  // year outside 2000–2100
	SummaryCellGroup        Key = "summary.cell.group"         // a cell's month for its group: counts only
	SummaryCellSecretary    Key = "summary.cell.secretary"     // a cell's month for its secretary: with names
	SummaryOrg              Key = "summary.org"                // every cell's month, one line each
	SummaryMemberReport     Key = "summary.member.report"      // one member's report for the secretary
	SummaryLeaderGroup      Key = "summary.leader.group"       // the leaderboard for a cell's group
	SummaryLeaderAdmin      Key = "summary.leader.admin"       // the full leaderboard for the staff
)

// SummaryKeys lists every key above, for the test that each is in the
// catalogue.
var SummaryKeys = []Key{
	SummaryMonthName, SummaryMonthErrNotMonth, SummaryMonthErrBadMonth, SummaryMonthErrBadYear,
	SummaryCellGroup, SummaryCellSecretary, SummaryOrg, SummaryMemberReport,
	SummaryLeaderGroup, SummaryLeaderAdmin,
}
