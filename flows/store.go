package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"lamtheo/bot"
)

// Store is the engine's durable state.
type Store interface {
	// Update runs fn in one write transaction and commits it when fn returns
	// nil. The store may group several concurrent Updates into one commit;
	// fn may therefore run more than once and must have no effect outside tx.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read-only transaction; writes through tx fail.
	View(ctx context.Context, fn func(tx Tx) error) error
}

// ErrReadOnly is returned by a write through the Tx of a View.
var ErrReadOnly = errors.New("flows: read-only transaction")

// ErrDamaged is wrapped by the error of a Tx lookup that found a stored
// record it cannot read (a damaged data file, a record of a newer
// version): reading it again fails the same way.
var ErrDamaged = errors.New("damaged record")

// DamagedError is the error of a Tx listing (Cells, Members, Invites,
// Reports) that met records it cannot read: it skipped them and returned
// the others. It wraps ErrDamaged.
type DamagedError struct {
	Records []string // what was skipped, for the operator: "member 12", "cell C01"
	Err     error    // the first decode error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("%d damaged records skipped (%s): %v", len(e.Records), strings.Join(e.Records, ", "), e.Err)
}

// Unwrap returns the first decode error, which wraps ErrDamaged.
func (e *DamagedError) Unwrap() error { return e.Err }

// Tx is one transaction of Store. Values returned are copies the caller may
// keep after the transaction ends. Lookups that find nothing return ok=false
// and a nil error.
type Tx interface {
	// MarkSeen records the update key of platform p as processed and
	// remembers cursor (if greater than the stored one) as the platform's
	// confirmed position. An empty key records only the cursor. It returns
	// seen=true, and changes nothing, when key was recorded in the last 48
	// hours; an older record counts as none, since a platform may use the
	// key again (Telegram renumbers its updates after a quiet week).
	MarkSeen(p bot.Platform, key string, cursor int64) (seen bool, err error)
	// Cursor returns the last cursor stored for p (0 if none).
	Cursor(p bot.Platform) (int64, error)

	// Session returns the conversation state of user in chat.
	Session(chat bot.ChatID, user bot.UserID) (s Session, ok bool, err error)
	// PutSession stores s for user in chat.
	PutSession(chat bot.ChatID, user bot.UserID, s Session) error
	// DeleteSession forgets the conversation of user in chat.
	DeleteSession(chat bot.ChatID, user bot.UserID) error

	// Cells returns every cell, ordered by code.
	//
	// Listings (Cells, Members, Invites, Reports) skip the records they
	// cannot read and return the rest with a *DamagedError; lookups of one
	// record return an error wrapping ErrDamaged.
	Cells() ([]Cell, error)
	// Cell returns the cell with code.
	Cell(code string) (c Cell, ok bool, err error)
	// PutCell creates or replaces the cell c.Code and indexes its groups.
	PutCell(c Cell) error
	// CellOfGroup returns the cell that the group chat is linked to.
	CellOfGroup(chat bot.ChatID) (c Cell, ok bool, err error)

	// Member returns the member with id.
	Member(id MemberID) (m Member, ok bool, err error)
	// MemberOf returns the member that the platform identity u belongs to,
	// among their Users or their Pending identities.
	MemberOf(u bot.UserID) (m Member, ok bool, err error)
	// Users returns how many identities of platform p belong to members
	// (Pending ones included).
	Users(p bot.Platform) (int, error)
	// PutMember creates m (assigning m.ID when it is 0) or replaces it, and
	// keeps the identity and cell indexes in step.
	PutMember(m *Member) error
	// DeleteMember forgets member id, a record left without any account,
	// cell or roster claim (see attachAccount); it fails for any other.
	// A missing member is no error.
	DeleteMember(id MemberID) error
	// Members returns the members of cell (all members when cell is ""), by ID.
	Members(cell string) ([]Member, error)
	// EachMember calls fn with every member, by ID, one at a time (what
	// Members("") returns, in bounded memory); it stops at fn's first
	// error and returns it. Damaged records are skipped and reported as
	// Members reports them.
	EachMember(fn func(m Member) error) error

	// RosterEntry returns the roster entry with id, removed or not.
	RosterEntry(id RosterID) (e RosterEntry, ok bool, err error)
	// PutRosterEntry creates e (assigning e.ID when it is 0) or replaces
	// it, and keeps the cell and claim indexes in step. It fails with
	// ErrRosterEntry for an entry without cell or name or with an unknown
	// status, and with ErrRosterClaim for two claims of one platform or a
	// member who already claims another entry.
	PutRosterEntry(e *RosterEntry) error
	// Roster returns the entries of cell, removed ones included, by ID.
	Roster(cell string) ([]RosterEntry, error)
	// RosterPast returns the entries that moved out of cell (their Moves
	// name it), wherever they are now, by ID: the people cell's past
	// months count.
	RosterPast(cell string) ([]RosterEntry, error)
	// RosterOf returns the entry that member claimed.
	RosterOf(member MemberID) (e RosterEntry, ok bool, err error)

	// Invite returns the invite with code.
	Invite(code string) (inv Invite, ok bool, err error)
	// PutInvite stores inv under inv.Code.
	PutInvite(inv Invite) error
	// Invites returns every stored invite of cell, live or not, by code;
	// of every cell when cell is "".
	Invites(cell string) ([]Invite, error)
	// JoinAttempts returns the wrong join codes counted for u (the zero
	// value when none).
	JoinAttempts(u bot.UserID) (JoinAttempts, error)
	// PutJoinAttempts stores a for u; the zero value forgets u.
	PutJoinAttempts(u bot.UserID, a JoinAttempts) error

	// Transfer returns member's waiting transfer request.
	Transfer(member MemberID) (t Transfer, ok bool, err error)
	// PutTransfer stores t under t.Member, replacing any other.
	PutTransfer(t Transfer) error
	// DeleteTransfer forgets member's transfer request, if any.
	DeleteTransfer(member MemberID) error
	// Transfers returns the waiting transfer requests to cell (to every
	// cell when cell is ""), by member ID.
	Transfers(cell string) ([]Transfer, error)

	// Pledge returns member's pledge for year.
	Pledge(member MemberID, year int) (p Pledge, ok bool, err error)
	// PutPledge stores p under (p.Member, p.Year).
	PutPledge(p Pledge) error
	// Report returns member's report for month.
	Report(member MemberID, month Month) (r Report, ok bool, err error)
	// PutReport stores r under (r.Month, r.Member).
	PutReport(r Report) error
	// Reports calls fn for every stored report of month, by member ID; the
	// cost is that of the month's reports only, never of other months.
	Reports(month Month, fn func(r Report) error) error
	// TallyMembers, TallyReports, TallyPledges and TallyRoster read the
	// store's tally index: a digest of every member, report, pledge and
	// roster entry (MemberTally, ReportTally, PledgeTally, RosterTallyOf),
	// which the store writes in the same transaction as the record, so
	// that the organisation's figures read a few bytes per person instead
	// of the records. Each calls fn one digest at a time and stops at fn's
	// first error; damaged digests are skipped and reported at the end as
	// Reports reports damaged records. fn must not keep its argument's
	// slices past the call (they are reused).
	//
	// TallyMembers lists every member's digest, by ID.
	TallyMembers(fn func(m MemberTally) error) error
	// TallyReports lists the digests of month's reports, by member ID; the
	// cost is that of the month's reports only.
	TallyReports(month Month, fn func(r ReportTally) error) error
	// TallyPledges lists the digests of year's pledges, by member ID.
	TallyPledges(year int, fn func(p PledgeTally) error) error
	// TallyRoster lists every roster entry's digest (RosterTallyOf), by
	// cell, then ID.
	TallyRoster(fn func(e RosterEntry) error) error
	// MonthState returns the state of cell's month (zero value: open).
	MonthState(cell string, month Month) (MonthState, error)
	// PutMonthState stores s.
	PutMonthState(s MonthState) error

	// JobRan reports whether the job run with key was recorded.
	JobRan(key string) (bool, error)
	// MarkJob records the job run key, at time at.
	MarkJob(key string, at time.Time) error

	// Unreachable reports whether the outbox found chat unreachable.
	Unreachable(chat bot.ChatID) (bool, error)
	// SetReachable forgets that chat was unreachable (the person wrote again).
	SetReachable(chat bot.ChatID) error

	// Enqueue adds r to the outbox; it is sent after the commit.
	Enqueue(r bot.Reply) error
	// Queued returns how many replies to chats of platform p wait in the
	// outbox.
	Queued(p bot.Platform) (int, error)
	// Sent returns how many messages the outbox delivered on platform p in
	// month (calendar months of the organisation's zone).
	Sent(p bot.Platform, m Month) (int, error)
	// RequestFile records q, assigning q.ID, for the FileWorker; the
	// worker is woken after the commit.
	RequestFile(q *FileRequest) error
	// FileRequests returns up to n waiting requests: those whose reply is
	// not Bulk first (someone is waiting for them), then the bulk ones,
	// each kind oldest first.
	FileRequests(n int) ([]FileRequest, error)
	// DeleteFileRequest forgets request id; ok=false when it was gone.
	DeleteFileRequest(id uint64) (ok bool, err error)
	// PutFile stores f's Name and Data, made at at, and returns its id
	// (bot.File.ID). Stored files are removed after the retention.
	PutFile(f bot.File, at time.Time) (id string, err error)
	// PutFileLink makes token a link to stored file id until expires.
	PutFileLink(token, id string, expires time.Time) error

	// PutAside records an update that was set aside (see Engine.SetAside).
	// Only the latest MaxAsides are kept.
	PutAside(a Aside) error
	// Asides returns the updates set aside, oldest first.
	Asides() ([]Aside, error)

	// AddBudgetNote records n about platform p in month m.
	AddBudgetNote(p bot.Platform, m Month, n BudgetNote) error
	// BudgetNotes returns the notes of platform p in month m, oldest first.
	BudgetNotes(p bot.Platform, m Month) ([]BudgetNote, error)
}
