package text

// Keys of the summary and leaderboard texts (summary.txt).
const (
	SummaryMonthName     Key = "summary_month_name"     // "tháng 11/2026"; data: Num, Year
	SummaryCellGroup     Key = "summary_cell_group"     // a cell's month for its group: counts only
	SummaryCellSecretary Key = "summary_cell_secretary" // a cell's month for its secretary: with names
	SummaryOtherMonth    Key = "summary_other_month"    // under a summary of the default month: how to see the other open one
	SummaryOrg           Key = "summary_org"            // every cell's month, one line each
	SummaryMemberReport  Key = "summary_member_report"  // one member's report for the secretary
	SummaryLeaderGroup   Key = "summary_leader_group"   // the leaderboard for a cell's group
	SummaryLeaderAdmin   Key = "summary_leader_admin"   // the full leaderboard for the staff

	// The leaderboard picture and /bangxephang.
	LeaderChartTitle     Key = "leader_chart_title"      // the picture's heading; data: MonthText
	LeaderChartAlt       Key = "leader_chart_alt"        // what the picture shows, where it is not shown; data: MonthText
	LeaderChartNoReport  Key = "leader_chart_no_report"  // next to a cell at 0 %
	LeaderChartNoMembers Key = "leader_chart_no_members" // next to a cell nobody had to report in
	LeaderChartOpen      Key = "leader_chart_open"       // the footnote for cells still collecting the month
	LeaderChartMore      Key = "leader_chart_more"       // the line for cells left out; data: N
	LeaderNone           Key = "leader_none"             // /bangxephang with no cell ranked; data: MonthText
)

// SummaryKeys lists every key above, for the test that each is in the
// catalogue.
var SummaryKeys = []Key{
	SummaryMonthName, SummaryCellGroup, SummaryCellSecretary, SummaryOtherMonth, SummaryOrg,
	SummaryMemberReport, SummaryLeaderGroup, SummaryLeaderAdmin,
	LeaderChartTitle, LeaderChartAlt, LeaderChartNoReport, LeaderChartNoMembers, LeaderChartOpen, LeaderChartMore, LeaderNone,
}
