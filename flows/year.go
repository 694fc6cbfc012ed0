package flows

// flowReport is the monthly report flow (report.go).
const flowReport = "report"

// moreFlows returns the handlers of the year's flows.
func moreFlows(flow string) func(r *req, in input) error {
	switch flow {
	case flowPledge:
		return (*req).pledgeStep
	case flowApprove:
		return (*req).approveStep
	case flowReport:
		return (*req).reportStep
	case flowPickCell:
		return (*req).pickCellStep
	case flowPause:
		return (*req).pauseStep
	case flowSchedule:
		return (*req).scheduleStep
	}
	return secretaryFlow(flow)
}
