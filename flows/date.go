package flows

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// DateParseReason says why ParseDay refused its input.
type DateParseReason int

// Reasons for a DateParseError.
const (
	DateParseNotDate   DateParseReason = iota + 1 // the input does not read as a day
	DateParseNoMonth                              // the month is not 1 to 12 ("24/13")
	DateParseNoDay                                // the month has no such day ("31/04", "00/11")
	DateParseNoLeapDay                            // 29/02 of a year that has none
)

// DateParseError is ParseDay's failure: why the input names no day. The
// flows turn it into a refusal in their own words (see ParsePauseDate).
type DateParseError struct {
	Input      string // the input as typed, trimmed
	Reason     DateParseReason
	Day, Month int // the day and month read, when Reason is not DateParseNotDate
	Year       int // the year of a missing 29/02
}

func (e *DateParseError) Error() string {
	switch e.Reason {
	case DateParseNoMonth:
		return fmt.Sprintf("parse day %q: no month %d", e.Input, e.Month)
	case DateParseNoDay:
		return fmt.Sprintf("parse day %q: month %d has no day %d", e.Input, e.Month, e.Day)
	case DateParseNoLeapDay:
		return fmt.Sprintf("parse day %q: %d has no 29 February", e.Input, e.Year)
	}
	return fmt.Sprintf("parse day %q: not a day", e.Input)
}

// ParseDay reads a day as people type it, day first: "24/11",
// "24/11/2026", "24/11/26", "24-11", "24.11", "24 11", "ngày 24/11",
// "24 tháng 11 năm 2026", with one-digit days and months and any spacing.
// A day without a year is the next such day: today or later, "today"
// taken in loc. A day with a year is returned as it is, even when past
// (the caller decides). It returns the day's first instant in loc; a
// failure is a *DateParseError.
func ParseDay(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	in := strings.TrimSpace(NormalizeText(s))
	fail := func(r DateParseReason, day, month, year int) (time.Time, error) {
		return time.Time{}, &DateParseError{Input: in, Reason: r, Day: day, Month: month, Year: year}
	}
	words := strings.FieldsFunc(foldName(in), func(r rune) bool { return r == '/' || r == '-' || r == '.' || unicode.IsSpace(r) })
	if len(words) > 0 && words[0] == "ngay" {
		words = words[1:]
	}
	var n []int
	for i, w := range words {
		if (w == "thang" && i == 1) || (w == "nam" && i == 3) {
			continue // "24 tháng 11 năm 2026"
		}
		d, rest := vnDigits(w)
		ok := d != "" && rest == "" && len(d) <= 2 // a day or a month
		if len(n) == 2 {
			ok = rest == "" && (len(d) == 2 || len(d) == 4) // a year
		}
		if !ok {
			return fail(DateParseNotDate, 0, 0, 0)
		}
		n = append(n, vnAtoi(d))
	}
	if len(n) < 2 || len(n) > 3 {
		return fail(DateParseNotDate, 0, 0, 0)
	}
	day, month := n[0], n[1]
	if month < 1 || month > 12 {
		return fail(DateParseNoMonth, day, month, 0)
	}
	today := dayStart(now, loc)
	year := today.Year()
	switch {
	case len(n) == 3 && n[2] < 100:
		year = 2000 + n[2]
	case len(n) == 3:
		year = n[2]
		if year < monthParseMinYear || year > monthParseMaxYear {
			return fail(DateParseNotDate, 0, 0, 0)
		}
	case month < int(today.Month()) || month == int(today.Month()) && day < today.Day():
		year++ // this year's is past: the next one
	}
	d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, loc)
	switch {
	case day == 29 && month == 2 && d.Month() != time.February:
		return fail(DateParseNoLeapDay, day, month, year)
	case day < 1 || d.Day() != day:
		return fail(DateParseNoDay, day, month, 0)
	}
	return d, nil
}
