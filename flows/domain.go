package flows

import (
	"fmt"
	"time"

	"lamtheo/bot"
)

// MemberID identifies a member inside one lamtheo instance. IDs are assigned
// by the store, increase, and are never reused.
type MemberID uint64

// Month is a calendar month in the organisation's zone, as year*100+month
// (202611 is tháng 11/2026). Months order as integers.
type Month int

// MonthOf returns the month that t falls in, in loc.
func MonthOf(t time.Time, loc *time.Location) Month {
	t = t.In(loc)
	return Month(t.Year()*100 + int(t.Month()))
}

// Year returns m's year.
func (m Month) Year() int { return int(m) / 100 }

// Num returns m's month number, 1 to 12.
func (m Month) Num() int { return int(m) % 100 }

// Valid reports whether m names a real month (of years 1900 to 9999; what
// people may type is narrower, see ParseMonth).
func (m Month) Valid() bool {
	return m.Year() >= 1900 && m.Year() <= 9999 && m.Num() >= 1 && m.Num() <= 12
}

// Prev returns the month before m.
func (m Month) Prev() Month {
	if m.Num() == 1 {
		return Month((m.Year()-1)*100 + 12)
	}
	return m - 1
}

// Next returns the month after m.
func (m Month) Next() Month {
	if m.Num() == 12 {
		return Month((m.Year()+1)*100 + 1)
	}
	return m + 1
}

// Start returns the first instant of m in loc.
func (m Month) Start(loc *time.Location) time.Time {
	return time.Date(m.Year(), time.Month(m.Num()), 1, 0, 0, 0, 0, loc)
}

// String returns "11/2026".
func (m Month) String() string { return fmt.Sprintf("%d/%d", m.Num(), m.Year()) }

// Cell is a chi bộ. Cells are declared in the configuration; their linked
// group chats are stored.
type Cell struct {
	Code       string // short code from config, e.g. "C01"; unique
	Name       string // "Chi bộ thôn Đông"
	MeetingDay int    // day of the month of the regular meeting; 0 = not set
	Groups     []bot.ChatID
}

// Status is a member's standing in their cell.
type Status int

// Member statuses.
const (
	Active Status = iota // reports monthly, counts in every denominator
	Exempt               // miễn sinh hoạt: never reminded, never counted
)

// Member is a đảng viên known to the bot.
type Member struct {
	ID        MemberID
	Name      string // full name as the member confirmed it
	Cell      string // cell code; "" when the member left their cell
	Secretary bool   // secretary of Cell
	// Recorder says the secretary delegated the member to record pledges
	// and reports for the members of Cell who do not use the bot (/uyquyen).
	Recorder bool
	Status   Status
	// Users are the member's identities on chat platforms, the one the
	// bot writes to first: the most recently connected.
	Users []bot.UserID
	// Pending are identities on another platform that asked to become the
	// member's (a move from Telegram to Zalo, say) and wait for the
	// secretary; until then they act as strangers.
	Pending []bot.UserID
	Joined  time.Time

	// Reminder pause (tạm hoãn): no reminders before PausedUntil.
	PausedUntil time.Time
	PauseReason string
	// Pauses are the member's latest pauses with their dates, oldest first
	// (at most maxPauses): the months a pause covered are left out of the
	// cell's figures (PausedOutOf). Records written before the history
	// have none.
	Pauses []Pause
}

// PrivateChats returns the member's private chats, one per identity, the
// one to write to first at the front.
func (m Member) PrivateChats() []bot.ChatID {
	out := make([]bot.ChatID, 0, len(m.Users))
	for _, u := range m.Users {
		out = append(out, u.PrivateChat())
	}
	return out
}

// Invite is a code that lets a person join a cell, posted in the cell's
// group by /link as a button (or typed as /join CODE).
type Invite struct {
	Code    string
	Cell    string
	Created time.Time
	Expires time.Time
	// Group is the group chat the code was posted in by /link; zero for a
	// code given in a private chat, to share by hand.
	Group bot.ChatID
	// Revoked is when the code was revoked (the group linked again, or the
	// secretary asked); zero while it is live.
	Revoked time.Time
}

// Live reports whether the code lets people join at now: not revoked and
// not expired.
func (inv Invite) Live(now time.Time) bool { return inv.Revoked.IsZero() && now.Before(inv.Expires) }

// Transfer is a member's request to belong to another cell on the bot
// (chuyển sinh hoạt đảng), waiting for the receiving cell's secretary (or
// an admin, for a cell without one) to confirm it. Until then the member
// stays in From, unchanged. There is at most one per member; it is deleted
// once decided.
type Transfer struct {
	Member   MemberID
	From, To string    // cell codes
	Asked    time.Time // when the member asked
}

// JoinAttempts counts one person's wrong join codes, to stop guessing.
type JoinAttempts struct {
	Wrong int       // unknown codes typed since Since
	Since time.Time // the first of them
	Until time.Time // no code is taken before this (the cool-down); zero: none
}

// Session is the state of one person's conversation in one chat.
type Session struct {
	Flow string // the flow in progress; "" for none
	Step string // the step within Flow (one of the flow's typed step constants)
	// State is what the flow collected so far: its own state struct,
	// encoded by the engine (see conversation); the store keeps it as bytes.
	State   []byte
	Choices []string // data of the choices last offered, by number (1-based)
	// Labels are the labels of Choices, by number, so that a choice's
	// words typed pick it (see pickChoice); nil in sessions stored before
	// labels were, where only numbers answer.
	Labels []string
	// Open reports that the question last asked also takes typed text (a
	// deed, a date, a reason): a number that is no choice is then refused
	// with a text that says so, and the hint under it says so too.
	Open    bool
	Updated time.Time // last activity; sessions expire after Config.SessionTTL.
	// A store that cannot read a stored conversation's state (a record of
	// an older layout) returns it with Updated zero, so it expires.

	// Notice holds the data of the stateless choices (go:...) of the
	// latest notice sent to this chat, a reminder say, so that a typed
	// number answers it where there are no buttons; NoticeAt is when it
	// was sent. They outlive the conversation.
	Notice   []string
	NoticeAt time.Time
	// NoticeLabels are the labels of Notice's choices, by number.
	NoticeLabels []string

	// Question numbers the questions asked in this chat, the latest last:
	// each question with choices gets the next number, which its buttons
	// carry (see stampChoice), so that a button answers only the question
	// it was shown with. It outlives the conversation (a session with no
	// flow is kept for it), so numbers are never reused. Zero in sessions
	// stored before buttons carried it.
	Question uint64
}

// PledgeStatus is where a yearly pledge stands.
type PledgeStatus int

// Pledge statuses.
const (
	PledgeDraft     PledgeStatus = iota // being written, not yet submitted
	PledgeSubmitted                     // waiting for the secretary
	PledgeApproved                      // approved by the secretary; items frozen
	PledgeReturned                      // returned with a comment; the member edits and resubmits
)

// PledgeItem is one concrete deed a member pledges for the year.
type PledgeItem struct {
	No       int    // stable number within the pledge, from 1; never reused
	Text     string // what the deed is
	Category string // category key from the year's configuration
	Target   string // optional measure, e.g. "mỗi tháng 1 lần"
}

// Pledge is one member's yearly pledge (bản đăng ký làm theo).
type Pledge struct {
	Member    MemberID
	Year      int
	Items     []PledgeItem // in No order; removed items are gone
	NextNo    int          // the number the next item gets
	Status    PledgeStatus
	Comment   string // the secretary's comment when returned
	Submitted time.Time
	Decided   time.Time // approved or returned
	DecidedBy string    // the name of who approved or returned it; "" when not recorded
	// Recorded says who wrote the pledge when the cell recorded it for
	// the member (/dangkythay); zero when the member wrote it.
	Recorded Recorded
}

// Recorded marks a pledge or report the cell recorded for a member who
// does not use the bot (chi bộ ghi hộ): who recorded it, and when.
type Recorded struct {
	By MemberID // the secretary, or the member they delegated; 0: the member wrote it
	At time.Time
}

// Zero reports whether the record is the member's own.
func (r Recorded) Zero() bool { return r.By == 0 }

// ItemStatus is what a member says about one pledge item in a month.
type ItemStatus int

// Item statuses in a monthly report.
const (
	NotYet ItemStatus = iota // chưa làm
	Doing                    // đang làm
	Done                     // đã làm
)

// Entry is one pledge item's line in a monthly report.
type Entry struct {
	Item   int // PledgeItem.No; 0 for a deed not tied to an item
	Status ItemStatus
	Text   string // what was done
}

// Report is one member's monthly report (báo cáo việc làm tháng).
type Report struct {
	Member    MemberID
	Month     Month
	Entries   []Entry
	Other     string // a deed not tied to a pledge item
	Photo     string // platform file id of an optional evidence photo
	Submitted time.Time
	Exemplary bool // featured by the secretary (nêu gương)
	// Recorded says who wrote the report when the cell recorded it for
	// the member (/baocaothay); zero when the member wrote it.
	Recorded Recorded
}

// MonthState is a cell's month as the secretary set it.
type MonthState struct {
	Cell   string
	Month  Month
	Closed bool
}

// BudgetKind says how a broadcast was cut to a platform's monthly message
// budget.
type BudgetKind int

// How broadcasts are cut.
const (
	BudgetReduced   BudgetKind = iota // fewer private messages than planned
	BudgetGroupOnly                   // one message to the cell's group instead of the private ones
	BudgetDeferred                    // nothing sent: no group on the platform and no budget
)

// BudgetNote records one broadcast cut to a platform's monthly message
// budget, for /lichnhac.
type BudgetNote struct {
	At      time.Time
	Job     Job    // the job, or "nudge" for /nhacnho
	Cell    string // cell code
	Kind    BudgetKind
	Planned int  // private messages planned
	Done    int  // private messages sent
	Group   bool // a message went to the cell's group instead
}

// Aside is an update the engine could not handle, however often it was
// tried, and set aside so that the platform's next updates are handled
// (see Engine.SetAside). It is kept for the operator.
type Aside struct {
	At       time.Time
	Key      string // the update's key on its platform
	Chat     bot.ChatID
	From     bot.UserID
	FromName string
	Kind     bot.Kind
	Text     string // what the person typed (cut to MaxInput characters), or the pressed choice's data
	Err      string // why it failed
}

// MaxAsides is how many set-aside updates the store keeps.
const MaxAsides = 1000
