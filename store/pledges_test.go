package store_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"lamtheo/flows"
)

// TestPledgeLookupOrders checks Pledge against the stored pledges for
// lookups in member order (the cursor steps), backwards, at random, past
// either end, for years in between, and interleaved with writes in the same
// transaction (which must be seen).
func TestPledgeLookupOrders(t *testing.T) {
	db := openDB(t, nil)
	stored := map[[2]int]string{} // member, year -> comment
	put := func(tx flows.Tx, member, year int, comment string) error {
		stored[[2]int{member, year}] = comment
		return tx.PutPledge(flows.Pledge{Member: flows.MemberID(member), Year: year, Comment: comment,
			Items: []flows.PledgeItem{{No: 1, Text: strings.Repeat("việc ", 20)}}})
	}
	// Members 10, 12, ... 2998 (every third without 2026), years 2024–2026:
	// many pages, gaps between members and between years.
	update(t, db, func(tx flows.Tx) error {
		for m := 10; m < 3000; m += 2 {
			for _, y := range []int{2024, 2026} {
				if y == 2026 && m%3 == 0 {
					continue
				}
				if err := put(tx, m, y, fmt.Sprintf("%d/%d", m, y)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	check := func(t *testing.T, tx flows.Tx, member, year int) {
		t.Helper()
		p, ok, err := tx.Pledge(flows.MemberID(member), year)
		want, wantOK := stored[[2]int{member, year}]
		if err != nil || ok != wantOK || p.Comment != want || (ok && (p.Member != flows.MemberID(member) || p.Year != year)) {
			t.Fatalf("Pledge(%d, %d) = %q %v %v; want %q %v", member, year, p.Comment, ok, err, want, wantOK)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	orders := []struct {
		name    string
		lookups func(t *testing.T, tx flows.Tx)
	}{
		{"member order", func(t *testing.T, tx flows.Tx) {
			for m := 0; m < 3010; m++ {
				check(t, tx, m, 2026)
			}
		}},
		{"member order, every year", func(t *testing.T, tx flows.Tx) {
			for m := 0; m < 3010; m++ {
				for y := 2023; y <= 2027; y++ {
					check(t, tx, m, y)
				}
			}
		}},
		{"backwards", func(t *testing.T, tx flows.Tx) {
			for m := 3010; m >= 0; m-- {
				check(t, tx, m, 2024)
			}
		}},
		{"random", func(t *testing.T, tx flows.Tx) {
			for range 5000 {
				check(t, tx, rng.IntN(3020), 2023+rng.IntN(5))
			}
		}},
		{"past the end and back", func(t *testing.T, tx flows.Tx) {
			for _, m := range []int{2998, 2999, 5000, 6000, 2998, 10, 9, 0, 11, 12} {
				check(t, tx, m, 2024)
			}
		}},
	}
	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			view(t, db, func(tx flows.Tx) error { o.lookups(t, tx); return nil })
		})
	}
	t.Run("writes between lookups", func(t *testing.T) {
		update(t, db, func(tx flows.Tx) error {
			for m := 0; m < 3010; m++ {
				check(t, tx, m, 2026)
				switch m % 7 {
				case 0: // a new pledge just after the one looked up
					if err := put(tx, m+1, 2026, "new"); err != nil {
						return err
					}
				case 1: // the one looked up, replaced
					if err := put(tx, m, 2026, "replaced"); err != nil {
						return err
					}
				case 2: // one before
					if err := put(tx, m-1, 2025, "before"); err != nil {
						return err
					}
				}
				check(t, tx, m, 2026)
				check(t, tx, m+1, 2026)
			}
			return nil
		})
		view(t, db, func(tx flows.Tx) error { orders[1].lookups(t, tx); return nil })
	})
}
