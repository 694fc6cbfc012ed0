package store_test

import (
	"errors"
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
