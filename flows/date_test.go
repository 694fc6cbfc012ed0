package flows_test

import (
	"errors"
	"testing"
	"time"

	"lamtheo/flows"
)

func TestParseDay(t *testing.T) {
	loc := vnZone(t)
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, loc) // a Sunday of a year without 29/02
	tests := []struct {
		in     string
		want   string // "2006-01-02" when read
		reason flows.DateParseReason
		month  int // DateParseError.Day/Month/Year when refused
		day    int
		year   int
	}{
		{in: "24/11/2026", want: "2026-11-24"}, // past, but with a year: as typed
		{in: "24/11", want: "2027-11-24"},      // the next 24 November
		{in: "30/12", want: "2026-12-30"},
		{in: "6/12", want: "2026-12-06"}, // today
		{in: "5/12", want: "2027-12-05"}, // yesterday's date: next year's
		{in: "24-11", want: "2027-11-24"},
		{in: "24.11", want: "2027-11-24"},
		{in: "24 11", want: "2027-11-24"},
		{in: " 24 / 11 / 2027 ", want: "2027-11-24"},
		{in: "24/11/27", want: "2027-11-24"},
		{in: "ngày 24/11", want: "2027-11-24"},
		{in: "Ngày 24 tháng 11 năm 2027", want: "2027-11-24"},
		{in: "24 thang 11", want: "2027-11-24"},
		{in: "01/01", want: "2027-01-01"},
		{in: "29/02/2028", want: "2028-02-29"},
		{in: "29/02", reason: flows.DateParseNoLeapDay, day: 29, month: 2, year: 2027},
		{in: "29/02/2027", reason: flows.DateParseNoLeapDay, day: 29, month: 2, year: 2027},
		{in: "31/04", reason: flows.DateParseNoDay, day: 31, month: 4},
		{in: "31/4/2027", reason: flows.DateParseNoDay, day: 31, month: 4},
		{in: "00/11", reason: flows.DateParseNoDay, day: 0, month: 11},
		{in: "32/1", reason: flows.DateParseNoDay, day: 32, month: 1},
		{in: "24/13", reason: flows.DateParseNoMonth, day: 24, month: 13},
		{in: "24/0", reason: flows.DateParseNoMonth, day: 24, month: 0},
		{in: "24", reason: flows.DateParseNotDate},
		{in: "", reason: flows.DateParseNotDate},
		{in: "mai", reason: flows.DateParseNotDate},
		{in: "24/11/2026/1", reason: flows.DateParseNotDate},
		{in: "24/11/202", reason: flows.DateParseNotDate},
		{in: "24/11/6", reason: flows.DateParseNotDate},
		{in: "24/11/1999", reason: flows.DateParseNotDate},
		{in: "100/1", reason: flows.DateParseNotDate},
		{in: "24a/11", reason: flows.DateParseNotDate},
		{in: "-24/11", want: "2027-11-24"}, // a stray separator is only a separator
	}
	for _, tc := range tests {
		got, err := flows.ParseDay(tc.in, now, loc)
		pe, isParse := errors.AsType[*flows.DateParseError](err)
		switch {
		case tc.want != "" && err != nil:
			t.Errorf("ParseDay(%q): %v", tc.in, err)
		case tc.want != "" && (got.Format(time.DateOnly) != tc.want || got.Location() != loc || got.Hour() != 0):
			t.Errorf("ParseDay(%q) = %s, want %s at 00:00 in %s", tc.in, got, tc.want, loc)
		case tc.want == "" && !isParse:
			t.Errorf("ParseDay(%q) = %s, %v; want a *DateParseError", tc.in, got, err)
		case tc.want == "" && (pe.Reason != tc.reason || pe.Day != tc.day || pe.Month != tc.month || pe.Year != tc.year):
			t.Errorf("ParseDay(%q) = %+v; want reason %d, day %d, month %d, year %d", tc.in, pe, tc.reason, tc.day, tc.month, tc.year)
		}
	}
}

// TestParseDayZone: "today" is the organisation's: at 23:30 UTC on 6
// December it is already 7 December in Vietnam, so "6/12" is next year's.
func TestParseDayZone(t *testing.T) {
	loc := vnZone(t)
	now := time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC)
	got, err := flows.ParseDay("6/12", now, loc)
	if err != nil || got.Format(time.DateOnly) != "2027-12-06" {
		t.Errorf("ParseDay(6/12) at %s = %s, %v; want 2027-12-06", now, got, err)
	}
	got, err = flows.ParseDay("7/12", now, loc)
	if err != nil || got.Format(time.DateOnly) != "2026-12-07" {
		t.Errorf("ParseDay(7/12) at %s = %s, %v; want 2026-12-07", now, got, err)
	}
}

// FuzzParseDay: any text is a day at its first instant in the zone (not
// before today when typed without a year) or a *DateParseError; never a
// panic.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"24/11", "24/11/2026", "24-11", "24.11", "29/02", "31/04", "00/11", "ngày 24 tháng 11",
		"24 tháng 11 năm 2026", "", "mai", "1/1/9999", "24/11/26", "٢٤/١١", "24//11", "24/11/2026/1"} {
		f.Add(s, int64(1795000000))
	}
	loc := time.FixedZone("ICT", 7*3600)
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		now := time.Unix(unix%(4_000_000_000)+946_684_800, 0) // 2000 to 2126
		d, err := flows.ParseDay(s, now, loc)
		if err != nil {
			if _, ok := errors.AsType[*flows.DateParseError](err); !ok {
				t.Fatalf("ParseDay(%q): %v is not a *DateParseError", s, err)
			}
			return
		}
		if d.Location() != loc || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 {
			t.Fatalf("ParseDay(%q) = %v: not a day's first instant in %v", s, d, loc)
		}
	})
}
