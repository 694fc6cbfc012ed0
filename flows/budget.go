package flows

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// A platform whose Plan limits the messages of a calendar month (a Zalo
// bot on the free plan: 3,000) gets its month budgeted. Replies to people
// always go (the sender sends them first); broadcasts are planned against
// what is left after a reserve kept for replies:
//
//   - a reminder rung that does not fit becomes one message with counts
//     (never names) to each of the cell's groups on the platform; the
//     private reminders go out on the last rung only, as many as fit;
//   - the leaderboard goes to the groups only;
//   - campaign invitations and /nhacnho nudges go as far as they fit.
//
// Nothing is cut silently: each cut is logged and kept as a BudgetNote that
// /lichnhac shows with each bot's use of the month, and the admins are
// warned privately when a bot has used 80 % and 95 % of its month.

// budgetReserve is the share of a platform's monthly messages (in percent)
// that broadcasts leave for replies to people.
const budgetReserve = 15

// warnAt are the shares of a month's messages (in percent) at which the
// admins are warned, once each per platform and month.
var warnAt = []int{80, 95}

// budget is what a job run (or a nudge) may still send on each budgeted
// platform this month. It lives inside one transaction.
type budget struct {
	e     *Engine
	tx    Tx
	month Month
	left  map[bot.Platform]int // broadcasts that fit; absent: not read yet
}

func (e *Engine) newBudget(tx Tx, now time.Time) *budget {
	return &budget{e: e, tx: tx, month: MonthOf(now, e.loc()), left: map[bot.Platform]int{}}
}

// limited reports whether platform p's month is budgeted.
func (b *budget) limited(p bot.Platform) bool { return b.e.plan(p).Messages > 0 }

// room returns how many more broadcast messages fit on p (a large number
// when p is not budgeted).
func (b *budget) room(p bot.Platform) (int, error) {
	quota := b.e.plan(p).Messages
	if quota <= 0 {
		return 1 << 30, nil
	}
	if n, ok := b.left[p]; ok {
		return n, nil
	}
	sent, err := b.tx.Sent(p, b.month)
	if err != nil {
		return 0, err
	}
	queued, err := b.tx.Queued(p)
	if err != nil {
		return 0, err
	}
	n := max(quota-quota*budgetReserve/100-sent-queued, 0)
	b.left[p] = n
	return n, nil
}

// take counts n messages sent on p.
func (b *budget) take(p bot.Platform, n int) {
	if v, ok := b.left[p]; ok {
		b.left[p] = max(v-n, 0)
	}
}

// note records and logs a cut broadcast.
func (b *budget) note(p bot.Platform, n BudgetNote) error {
	b.e.log().Warn("broadcast cut to the message budget", bot.LogKeyPlatform, string(p), bot.LogKeyJob, string(n.Job),
		bot.LogKeyCell, n.Cell, "kind", int(n.Kind), "planned", n.Planned, "sent", n.Done, "group", n.Group)
	return b.tx.AddBudgetNote(p, b.month, n)
}

// cast is what one broadcast plans to send about one cell: private
// messages to members (one per person), messages that always go (the
// secretaries' lists), and the counts-only text that stands in for the
// private ones in the cell's groups on a platform short of budget.
type cast struct {
	cell     Cell // the zero Cell for the admins' copies
	privates []bot.Reply
	always   []bot.Reply
	group    func(p bot.Platform) string // nil: the privates are not replaced
	inGroup  bool                        // the broadcast reached a group of the cell anyway
}

// castMode says how a broadcast is cut on a platform short of budget.
type castMode int

const (
	cutToFit   castMode = iota // send the privates that fit
	groupsOnly                 // post in the groups instead (a reminder rung before the last, the leaderboard)
	groupsAnd                  // post in the groups, and send the privates that fit (the last rung)
)

// spend decides what casts send under the budget: on a platform whose
// planned privates (over every cell of the run) do not fit, they are cut
// by mode. It returns the replies to queue and records the cuts as job's.
func (b *budget) spend(casts []cast, mode castMode, job Job, now time.Time) ([]bot.Reply, error) {
	planned := map[bot.Platform]int{}
	for _, c := range casts {
		for _, r := range c.privates {
			planned[r.Chat.Platform]++
		}
		for _, r := range c.always {
			planned[r.Chat.Platform]++
		}
	}
	short := map[bot.Platform]bool{}
	for p, n := range planned {
		if !b.limited(p) {
			continue
		}
		room, err := b.room(p)
		if err != nil {
			return nil, err
		}
		short[p] = n > room
	}
	var out []bot.Reply
	for _, c := range casts {
		for _, r := range c.always {
			b.take(r.Chat.Platform, 1)
			out = append(out, r)
		}
		for _, part := range byPlatform(c.privates) {
			p := part[0].Chat.Platform
			if !short[p] {
				b.take(p, len(part))
				out = append(out, part...)
				continue
			}
			posted, err := b.postGroups(c, p, mode, &out)
			if err != nil {
				return nil, err
			}
			n := BudgetNote{At: now, Job: job, Cell: c.cell.Code, Planned: len(part), Group: posted > 0}
			switch {
			case mode == groupsOnly && (posted > 0 || c.inGroup):
				n.Kind = BudgetGroupOnly
			case mode == groupsOnly:
				n.Kind = BudgetDeferred
			default:
				room, err := b.room(p)
				if err != nil {
					return nil, err
				}
				n.Done = min(room, len(part))
				n.Kind = BudgetReduced
				b.take(p, n.Done)
				out = append(out, part[:n.Done]...)
			}
			if err := b.note(p, n); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// postGroups posts c's counts-only text to each of its groups on p, when
// mode posts in groups and c has such a text; it returns how many.
func (b *budget) postGroups(c cast, p bot.Platform, mode castMode, out *[]bot.Reply) (int, error) {
	if mode == cutToFit || c.group == nil {
		return 0, nil
	}
	body := c.group(p)
	posted := 0
	for _, g := range c.cell.Groups {
		if g.Platform != p || body == "" {
			continue
		}
		if un, err := b.tx.Unreachable(g); err != nil || un {
			if err != nil {
				return 0, err
			}
			continue
		}
		*out = append(*out, bot.Reply{Chat: g, Text: body, Bulk: true})
		b.take(p, 1)
		posted++
	}
	return posted, nil
}

// byPlatform splits replies by their chat's platform, in platform order.
func byPlatform(reps []bot.Reply) [][]bot.Reply {
	var out [][]bot.Reply
	idx := map[bot.Platform]int{}
	for _, r := range reps {
		i, ok := idx[r.Chat.Platform]
		if !ok {
			i = len(out)
			idx[r.Chat.Platform] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	slices.SortFunc(out, func(a, b []bot.Reply) int { return cmp.Compare(a[0].Chat.Platform, b[0].Chat.Platform) })
	return out
}

// warnQuota queues, once per platform, month and threshold, a private
// warning to the admins when a budgeted platform has used (sent or
// queued) warnAt of its month's messages.
func (e *Engine) warnQuota(tx Tx, now time.Time) ([]bot.Reply, error) {
	var out []bot.Reply
	m := MonthOf(now, e.loc())
	for _, p := range slices.Sorted(maps.Keys(e.Cfg.Plans)) {
		quota := e.plan(p).Messages
		if quota <= 0 {
			continue
		}
		sent, err := tx.Sent(p, m)
		if err != nil {
			return nil, err
		}
		queued, err := tx.Queued(p)
		if err != nil {
			return nil, err
		}
		used := sent + queued
		for i := len(warnAt) - 1; i >= 0; i-- {
			at := warnAt[i]
			if used*100 < at*quota {
				continue
			}
			key := "quota-warn:" + string(p) + "@" + m.String() + ":" + strconv.Itoa(at)
			done, err := tx.JobRan(key)
			if err != nil || done {
				if err != nil {
					return nil, err
				}
				break // the higher warning went out: the lower one is moot
			}
			if err := tx.MarkJob(key, now); err != nil {
				return nil, err
			}
			body := e.t(text.QuotaWarn, quotaWarnView{Bot: e.caps(p).Name, Sent: used, Max: quota,
				Month: FormatMonth(e.text(), m), Percent: FormatPercent(used, quota), Last: i == len(warnAt)-1})
			e.log().Warn("message budget used", bot.LogKeyPlatform, string(p), "used", used, "quota", quota, "month", m.String())
			for _, chats := range adminChats(e.Cfg.Admins) {
				reps, err := privateReplies(tx, chats, body, nil)
				if err != nil {
					return nil, err
				}
				for _, r := range reps {
					r.Bulk = false
					out = append(out, r)
				}
			}
			break
		}
	}
	return out, nil
}

// quotaWarnView feeds the warning to admins that a bot sent Sent of its Max
// messages of the month; Last is the final warning, at the limit.
type quotaWarnView struct {
	Bot, Month, Percent string
	Sent, Max           int
	Last                bool
}
