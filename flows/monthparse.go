package flows

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Months as people type them: ParseMonth and its diagnostics.

// MonthParseReason says why ParseMonth refused its input.
type MonthParseReason int

// Reasons for a MonthParseError.
const (
	MonthParseNotMonth MonthParseReason = iota + 1 // the input does not name a month
	MonthParseBadMonth                             // the month number is not 1 to 12
	MonthParseBadYear                              // the year is outside 2000 to 2100
)

// Years ParseMonth accepts.
const (
	monthParseMinYear = 2000
	monthParseMaxYear = 2100
)

// MonthParseError is ParseMonth's failure: why the input names no month.
// It is a diagnostic, not a refusal: the flows show every one as the same
// *Error (text.BadMonth with the input, see req.parseMonthArg).
type MonthParseError struct {
	Input  string // the input, normalised and cut to 40 characters
	Reason MonthParseReason
	Num    int // the month number read, when Reason is MonthParseBadMonth
	Year   int // the year read, when Reason is MonthParseBadYear
}

func (e *MonthParseError) Error() string {
	switch e.Reason {
	case MonthParseBadMonth:
		return fmt.Sprintf("parse month %q: month %d out of range", e.Input, e.Num)
	case MonthParseBadYear:
		return fmt.Sprintf("parse month %q: year %d out of range", e.Input, e.Year)
	}
	return fmt.Sprintf("parse month %q: not a month", e.Input)
}

// ParseMonth reads a month as people type it: "" (the current month), "11",
// "11/2026", "11-2026", "11.2026", "11/26", "tháng 11", "thang 11",
// "Tháng 11/2026", "tháng 11 năm 2026", "T11", "t11/2026", "2026-11",
// "tháng này", "tháng trước", with any spacing. A month without a year is
// the most recent such month that is not in the future (in January "12" is
// December of the previous year). "Now" and the current month are taken in
// loc. Failures are *MonthParseError. Any month returned is Valid.
func ParseMonth(s string, now time.Time, loc *time.Location) (Month, error) {
	if loc == nil {
		loc = time.UTC
	}
	cur := MonthOf(now, loc)
	in := strings.ToLower(NormalizeText(s))
	in = strings.Join(strings.Fields(in), " ")
	fail := func(r MonthParseReason, num, year int) (Month, error) {
		cut := in
		if utf8.RuneCountInString(cut) > 40 {
			cut = string([]rune(cut)[:40]) + "…"
		}
		return 0, &MonthParseError{Input: cut, Reason: r, Num: num, Year: year}
	}
	switch in {
	case "", "này", "nay":
		return cur, nil
	case "trước", "truoc":
		return cur.Prev(), nil
	}
	rest := in
	for _, p := range []string{"tháng", "thang", "thg", "th", "t"} {
		if strings.HasPrefix(rest, p) {
			rest = strings.TrimSpace(strings.TrimPrefix(rest, p))
			break
		}
	}
	switch rest {
	case "này", "nay":
		return cur, nil
	case "trước", "truoc":
		return cur.Prev(), nil
	}
	// "11 năm 2026" → "11 2026"
	rest = strings.Replace(rest, "năm", " ", 1)
	rest = strings.Replace(rest, "nam", " ", 1)

	a, rest := vnDigits(rest)
	if a == "" {
		return fail(MonthParseNotMonth, 0, 0)
	}
	rest = strings.TrimLeft(rest, " ")
	if rest != "" && strings.ContainsRune("/-.", rune(rest[0])) {
		rest = strings.TrimLeft(rest[1:], " ")
	}
	b, rest := vnDigits(rest)
	if rest != "" || len(a) > 6 || len(b) > 6 {
		return fail(MonthParseNotMonth, 0, 0)
	}

	var num, year int
	switch {
	case b == "" && len(a) == 6: // "202611"
		year, num = vnAtoi(a[:4]), vnAtoi(a[4:])
	case b == "" && len(a) <= 2:
		num = vnAtoi(a)
		year = cur.Year()
		if num > cur.Num() {
			year--
		}
	case b == "":
		return fail(MonthParseNotMonth, 0, 0)
	case len(a) == 4: // "2026-11"
		year, num = vnAtoi(a), vnAtoi(b)
		if len(b) > 2 {
			return fail(MonthParseNotMonth, 0, 0)
		}
	case len(a) <= 2:
		num = vnAtoi(a)
		switch len(b) {
		case 2:
			year = 2000 + vnAtoi(b)
		case 4:
			year = vnAtoi(b)
		default:
			if num < 1 || num > 12 {
				return fail(MonthParseBadMonth, num, 0)
			}
			return fail(MonthParseBadYear, num, vnAtoi(b))
		}
	default:
		return fail(MonthParseNotMonth, 0, 0)
	}
	if num < 1 || num > 12 {
		return fail(MonthParseBadMonth, num, year)
	}
	if year < monthParseMinYear || year > monthParseMaxYear {
		return fail(MonthParseBadYear, num, year)
	}
	return Month(year*100 + num), nil
}

// vnDigits splits s after its leading ASCII digits.
func vnDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}

// vnAtoi converts a short run of ASCII digits (at most 6, checked by the
// caller) to an int.
func vnAtoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
