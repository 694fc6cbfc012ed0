package store_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"lamtheo/flows"
)

func TestReportsRangeLimitedToMonth(t *testing.T) {
	db := openDB(t, nil)
	update(t, db, func(tx flows.Tx) error {
		for _, month := range []flows.Month{202610, 202611, 202612, 202701} {
			for _, m := range []flows.MemberID{3, 1, 2, 1 << 40} {
				if err := tx.PutReport(flows.Report{Member: m, Month: month, Other: month.String()}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	view(t, db, func(tx flows.Tx) error {
		var got []flows.MemberID
		err := tx.Reports(202611, func(r flows.Report) error {
			if r.Month != 202611 || r.Other != "11/2026" {
				t.Errorf("report of month %d (%q) in scan of 202611", r.Month, r.Other)
			}
			got = append(got, r.Member)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []flows.MemberID{1, 2, 3, 1 << 40}; !reflect.DeepEqual(got, want) {
			t.Errorf("members = %v, want %v", got, want)
		}
		stop := errors.New("stop")
		n := 0
		if err := tx.Reports(202612, func(flows.Report) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Errorf("Reports with fn error: n=%d err=%v", n, err)
		}
		if err := tx.Reports(202609, func(flows.Report) error { t.Error("report in empty month"); return nil }); err != nil {
			t.Error(err)
		}
		return nil
	})
}

// TestReportLookupOrders checks Report in a View, whose lookups step a
// cursor when they come in key order, against the stored reports: month by
// month in member order (as an export reads them), member by member,
// backwards, at random and past either end.
func TestReportLookupOrders(t *testing.T) {
	db := openDB(t, nil)
	stored := map[[2]int]string{} // member, month -> Other
	// Members 10, 12, … 2998, months 1–11/2026, every third member missing
	// the even months: many pages, gaps between members and between months.
	update(t, db, func(tx flows.Tx) error {
		for m := 10; m < 3000; m += 2 {
			for mo := 202601; mo <= 202611; mo++ {
				if m%3 == 0 && mo%2 == 0 {
					continue
				}
				other := fmt.Sprintf("%d/%d", m, mo)
				stored[[2]int{m, mo}] = other
				if err := tx.PutReport(flows.Report{Member: flows.MemberID(m), Month: flows.Month(mo), Other: other}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	check := func(t *testing.T, tx flows.Tx, member, month int) {
		t.Helper()
		r, ok, err := tx.Report(flows.MemberID(member), flows.Month(month))
		want, wantOK := stored[[2]int{member, month}]
		if err != nil || ok != wantOK || r.Other != want || (ok && (r.Member != flows.MemberID(member) || r.Month != flows.Month(month))) {
			t.Fatalf("Report(%d, %d) = %q %v %v; want %q %v", member, month, r.Other, ok, err, want, wantOK)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	orders := []struct {
		name    string
		lookups func(t *testing.T, tx flows.Tx)
	}{
		{"month by month, in member order", func(t *testing.T, tx flows.Tx) {
			for mo := flows.Month(202512); mo <= 202612; mo = mo.Next() {
				for m := 0; m < 3010; m++ {
					check(t, tx, m, int(mo))
				}
			}
		}},
		{"member by member", func(t *testing.T, tx flows.Tx) {
			for m := 0; m < 3010; m += 7 {
				for mo := 202601; mo <= 202611; mo++ {
					check(t, tx, m, mo)
				}
			}
		}},
		{"backwards", func(t *testing.T, tx flows.Tx) {
			for m := 3010; m >= 0; m-- {
				check(t, tx, m, 202605)
			}
		}},
		{"random", func(t *testing.T, tx flows.Tx) {
			for range 5000 {
				check(t, tx, rng.IntN(3020), []int{202512, 202601, 202602, 202606, 202611, 202612}[rng.IntN(6)])
			}
		}},
		{"past the end and back", func(t *testing.T, tx flows.Tx) {
			for _, k := range [][2]int{{2998, 202611}, {2999, 202611}, {5000, 202611}, {10, 202701}, {2998, 202611}, {10, 202601}, {0, 202601}, {12, 202601}} {
				check(t, tx, k[0], k[1])
			}
		}},
	}
	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			view(t, db, func(tx flows.Tx) error { o.lookups(t, tx); return nil })
		})
	}
}
