package flows

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"lamtheo/flows/text"
)

// QuickReport is a month's report typed in one message, as ParseQuickReport
// reads it. It is not checked against any pledge.
type QuickReport struct {
	// Month is the leading month as typed ("tháng 11", "tháng 11/2026"),
	// "" when the message names none; read it with ParseMonth.
	Month string
	// Items are the pledge items' lines in the order typed; a number
	// appears at most once.
	Items []QuickItem
	// Other is the deed not tied to a pledge item ("khác: …"). OtherGiven
	// says whether the message had a "khác" part at all: "khác: không"
	// gives OtherGiven with an empty Other.
	Other      string
	OtherGiven bool
}

// QuickItem is one pledge item's line of a QuickReport.
type QuickItem struct {
	No      int        // the item's number in the pledge, as typed
	Status  ItemStatus // done, doing or not yet
	Text    string     // what was done, as typed; "" when not given
	Segment string     // the part of the message the line was read from
}

// QuickReportReason says why ParseQuickReport refused its input.
type QuickReportReason int

// Reasons for a QuickReportError.
const (
	QuickNotReadable QuickReportReason = iota + 1 // a part starts with neither an item number nor "khác"
	QuickNoStatus                                 // an item number without a known status
	QuickDuplicate                                // an item number, or "khác", given twice
	QuickTooLong                                  // a text longer than MaxItemText
	QuickEmptyOther                               // "khác:" with nothing after it
	QuickEmpty                                    // no item and no other deed at all
)

// QuickReportError is ParseQuickReport's refusal: which part of the message
// could not be read, and why. Key names the Vietnamese text to show.
type QuickReportError struct {
	Segment string // the part, normalised and cut to 60 characters
	Reason  QuickReportReason
	No      int // the item number, for QuickNoStatus and QuickDuplicate (0 for "khác")
	N       int // the text's length in characters, for QuickTooLong
}

func (e *QuickReportError) Error() string {
	why := map[QuickReportReason]string{
		QuickNotReadable: "not an item",
		QuickNoStatus:    "no status",
		QuickDuplicate:   "given twice",
		QuickTooLong:     "text too long",
		QuickEmptyOther:  "empty other deed",
		QuickEmpty:       "nothing reported",
	}[e.Reason]
	return fmt.Sprintf("parse quick report: %q: %s", e.Segment, why)
}

// Key returns the catalogue key of the message explaining e.
func (e *QuickReportError) Key() text.Key {
	switch e.Reason {
	case QuickNoStatus:
		return text.QuickNoStatus
	case QuickDuplicate:
		return text.QuickDuplicate
	case QuickTooLong:
		return text.QuickTooLong
	case QuickEmptyOther:
		return text.QuickEmptyOther
	case QuickEmpty:
		return text.QuickEmpty
	}
	return text.QuickNotReadable
}

// Data returns what the text of Key needs: the part, the number, the
// lengths and the example of the format, rendered from c.
func (e *QuickReportError) Data(c *text.Catalog) any {
	return quickView{Segment: e.Segment, No: e.No, N: e.N, Max: MaxItemText, Example: c.Render(text.QuickExample, nil)}
}

// quickView feeds the refusals of a report typed in one message: the part
// (Segment) and item No at fault, the lengths, the pledge year and its item
// numbers (Nos), and an example of the format.
type quickView struct {
	Segment, Example, Nos string
	Year, No, N, Max      int
}

// ParseQuickReport reads a month's report typed in one message after
// /baocao:
//
//	1 xong: dọn vệ sinh đường làng; 2 đang làm; khác: thăm hỏi gia đình chính sách
//
// The message is cut into parts at ";" and line breaks (and at a comma
// followed by a new item, "1 xong, 2 chưa"). Each part is
//
//   - an item: its number (optionally after "việc", "mục" or "số"), a status,
//     and optionally what was done, with any of ":", ",", "-", ".", ")" or
//     spaces between them: "1 xong: …", "1: xong, …", "1 - đã làm - …",
//     "1. đang làm", "2 chưa";
//   - the other deed: "khác", "việc khác", "việc làm khác" or "việc tốt khác",
//     then the deed ("khác: không" says there is none);
//   - first only, a month: a part starting with "tháng" (or "thang", "thg",
//     "th", "t11") up to its first ":", e.g. "tháng 11: 1 xong; 2 chưa".
//
// Words are read in any case, with some or all diacritics left out (but not
// with wrong ones, see vnMatchWord), the longest status that matches whole
// words first: done is xong, đã làm, đã xong, làm xong, rồi, đã, hoàn
// thành…; doing is đang, đang làm, đang thực hiện, chưa xong…; not yet is
// chưa, chưa làm, không… The text is kept as typed (normalised), also for
// "not yet". Failures are *QuickReportError naming the part.
func ParseQuickReport(s string) (QuickReport, error) {
	var q QuickReport
	seen := map[int]bool{}
	for i, seg := range quickSegments(NormalizeText(s)) {
		if i == 0 {
			if w, _ := quickWord(seg); quickMonthWord(w) {
				head, rest, _ := strings.Cut(seg, ":")
				q.Month = strings.TrimSpace(head)
				if seg = strings.TrimSpace(rest); seg == "" {
					continue
				}
			}
		}
		if err := q.add(seg, seen); err != nil {
			return QuickReport{}, err
		}
	}
	if len(q.Items) == 0 && !q.OtherGiven {
		return QuickReport{}, &QuickReportError{Segment: quickCut(NormalizeText(s)), Reason: QuickEmpty}
	}
	return q, nil
}

// add reads one part of the message into q.
func (q *QuickReport) add(seg string, seen map[int]bool) error {
	fail := func(r QuickReportReason, no, n int) error {
		return &QuickReportError{Segment: quickCut(seg), Reason: r, No: no, N: n}
	}
	if no, rest, ok := quickNumber(seg); ok {
		st, rest, ok := quickStatus(rest)
		if !ok {
			return fail(QuickNoStatus, no, 0)
		}
		if seen[no] {
			return fail(QuickDuplicate, no, 0)
		}
		seen[no] = true
		t := quickText(rest)
		if n := utf8.RuneCountInString(t); n > MaxItemText {
			return fail(QuickTooLong, no, n)
		}
		q.Items = append(q.Items, QuickItem{No: no, Status: st, Text: t, Segment: quickCut(seg)})
		return nil
	}
	rest, ok := quickOther(seg)
	if !ok {
		return fail(QuickNotReadable, 0, 0)
	}
	if q.OtherGiven {
		return fail(QuickDuplicate, 0, 0)
	}
	t := quickText(rest)
	if t == "" {
		return fail(QuickEmptyOther, 0, 0)
	}
	if _, n := quickPhrase(t, quickNone); n == len(strings.Fields(t)) {
		t = "" // "khác: không"
	}
	if n := utf8.RuneCountInString(t); n > MaxItemText {
		return fail(QuickTooLong, 0, n)
	}
	q.Other, q.OtherGiven = t, true
	return nil
}

// isQuickReport reports whether args, the text after /baocao, is a report
// in one message rather than a month. It is a month (read by ParseMonth as
// before, with its refusals) when ParseMonth takes it for one, in range or
// not; or when it has no ":", ";" or line break and either starts with
// "tháng" (thang, thg, th, t) or is made only of digits, "/", "-", ".",
// "năm", "này" and "trước". Anything else is a report in one message.
func isQuickReport(args string) bool {
	s := NormalizeText(args)
	if s == "" {
		return false
	}
	// Whether ParseMonth reads a month at all does not depend on the date.
	var pe *MonthParseError
	if _, err := ParseMonth(s, time.Time{}, time.UTC); !errors.As(err, &pe) || pe.Reason != MonthParseNotMonth {
		return false
	}
	if strings.ContainsAny(s, ";:\n") {
		return true
	}
	if w, _ := quickWord(s); quickMonthWord(w) {
		return false
	}
	for rest := s; rest != ""; {
		r, size := utf8.DecodeRuneInString(rest)
		if (r >= '0' && r <= '9') || strings.ContainsRune(" /-.", r) {
			rest = rest[size:]
			continue
		}
		w, after := quickWord(rest)
		if !vnMatchWord(w, "năm") && !vnMatchWord(w, "này") && !vnMatchWord(w, "trước") {
			return true
		}
		rest = after
	}
	return false
}

// quickMonthWord reports whether the word w starts a month.
func quickMonthWord(w string) bool {
	return vnMatchWord(w, "tháng") || vnMatchWord(w, "thg") || vnMatchWord(w, "th") || vnMatchWord(w, "t")
}

// quickSeps are what may stand between an item's number, its status and its
// text.
const quickSeps = " :,-–—.)"

// quickSegments cuts s (normalised) into its parts: at ";", at line breaks,
// and at a comma followed by a new item or by "khác:". Parts are trimmed;
// empty ones are dropped.
func quickSegments(s string) []string {
	var out []string
	add := func(seg string) {
		if seg = strings.Trim(seg, " "); seg != "" {
			out = append(out, seg)
		}
	}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		for {
			i := quickCommaCut(part)
			if i < 0 {
				break
			}
			add(part[:i])
			part = part[i+1:]
		}
		add(part)
	}
	return out
}

// quickCommaCut returns the index of the first comma of part that starts a
// new item ("…, 2 chưa") or the other deed ("…, khác: …"), or -1.
func quickCommaCut(part string) int {
	for i := 0; i < len(part); i++ {
		if part[i] != ',' {
			continue
		}
		next := strings.TrimLeft(part[i+1:], " ")
		if _, rest, ok := quickNumber(next); ok {
			if _, _, ok := quickStatus(rest); ok {
				return i
			}
		}
		if rest, ok := quickOther(next); ok && strings.HasPrefix(strings.TrimLeft(rest, " "), ":") {
			return i
		}
	}
	return -1
}

// quickWord returns the first word of s and what follows it; the word is ""
// when s does not start with a letter.
func quickWord(s string) (word, rest string) {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			break
		}
		i += size
	}
	return s[:i], s[i:]
}

// quickNumber reads the item number at the start of seg, after an optional
// "việc", "mục" or "số", and returns it with what follows it.
func quickNumber(seg string) (no int, rest string, ok bool) {
	s := seg
	if w, after := quickWord(s); vnMatchWord(w, "việc") || vnMatchWord(w, "mục") || vnMatchWord(w, "số") {
		s = strings.TrimLeft(after, " ")
	}
	d, rest := vnDigits(s)
	if d == "" || len(d) > 3 {
		return 0, seg, false
	}
	return vnAtoi(d), rest, true
}

// quickPhrases are words people type, longest first within each list: a
// typed phrase matches when its words match (see vnMatchWord).
type quickPhrases [][]string

func phrases(ss ...string) quickPhrases {
	out := make(quickPhrases, 0, len(ss))
	for _, s := range ss {
		out = append(out, strings.Fields(s))
	}
	return out
}

var (
	quickDone   = phrases("đã làm xong", "đã làm rồi", "đã hoàn thành", "xong rồi", "đã xong", "làm xong", "đã làm", "làm rồi", "hoàn thành", "xong", "rồi", "đã")
	quickDoing  = phrases("đang thực hiện", "đang tiến hành", "chưa hoàn thành", "đang làm", "chưa xong", "đang")
	quickNotYet = phrases("chưa thực hiện", "chưa làm", "chưa có", "không làm", "chưa", "không")
	quickOthers = phrases("việc làm khác", "việc tốt khác", "việc khác", "khác")
	quickNone   = phrases("không có gì", "không có", "không")
)

// quickPhrase returns the longest phrase of ps that s starts with, as whole
// words separated by spaces, and how many words it has (0 for none); end is
// where the phrase ends in s.
func quickPhrase(s string, ps quickPhrases) (end, n int) {
	var words []string
	var ends []int
	for at := 0; len(words) < 3; {
		w, after := quickWord(s[at:])
		if w == "" {
			break
		}
		at = len(s) - len(after)
		words, ends = append(words, w), append(ends, at)
		sp := len(after) - len(strings.TrimLeft(after, " "))
		if sp == 0 {
			break
		}
		at += sp
	}
	best := 0
	for _, p := range ps {
		if len(p) <= best || len(p) > len(words) {
			continue
		}
		if quickWordsMatch(words[:len(p)], p) {
			best = len(p)
		}
	}
	if best == 0 {
		return 0, 0
	}
	return ends[best-1], best
}

func quickWordsMatch(typed, want []string) bool {
	for i := range want {
		if !vnMatchWord(typed[i], want[i]) {
			return false
		}
	}
	return true
}

// quickStatus reads a status at the start of s (after separators), the
// longest that matches whole words, and returns it with what follows.
func quickStatus(s string) (st ItemStatus, rest string, ok bool) {
	s = strings.TrimLeft(s, quickSeps)
	best, bestEnd := 0, 0
	for _, c := range []struct {
		st ItemStatus
		ps quickPhrases
	}{{Done, quickDone}, {Doing, quickDoing}, {NotYet, quickNotYet}} {
		if end, n := quickPhrase(s, c.ps); n > best {
			st, best, bestEnd = c.st, n, end
		}
	}
	if best == 0 {
		return 0, s, false
	}
	return st, s[bestEnd:], true
}

// quickOther reads the label of the other deed at the start of seg and
// returns what follows it.
func quickOther(seg string) (rest string, ok bool) {
	if end, n := quickPhrase(seg, quickOthers); n > 0 {
		return seg[end:], true
	}
	return seg, false
}

// quickText returns what was done from what follows a status or a label.
func quickText(s string) string {
	return strings.TrimRight(strings.TrimLeft(s, quickSeps), " ")
}

// quickCut cuts a part to 60 characters for a refusal.
func quickCut(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}
