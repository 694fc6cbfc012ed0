package seed_test

import (
	"path/filepath"
	"testing"

	"lamtheo/flows"
	"lamtheo/seed"
	"lamtheo/store"
)

// TestWrite seeds 300 people in 3 cells and reads them back through the
// store: every cell has its roster and one secretary, every connected
// member claims their roster entry, reports are of the seeded months only,
// and the same options make the same organisation.
func TestWrite(t *testing.T) {
	o := seed.Options{Members: 300, Cells: 3, Months: 12, Until: 202611, Seed: 7, Categories: []string{"a", "b"}}
	write := func() (seed.Stats, *store.DB) {
		db, err := store.Open(filepath.Join(t.TempDir(), "seed.db"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		st, err := seed.Write(t.Context(), db, o, nil)
		if err != nil {
			t.Fatal(err)
		}
		return st, db
	}
	st, db := write()
	if again, _ := write(); again != st {
		t.Errorf("the same options made %+v, then %+v", st, again)
	}
	err := db.View(t.Context(), func(tx flows.Tx) error {
		for c := range o.Cells {
			code := seed.CellCode(c)
			roster, err := tx.Roster(code)
			if err != nil {
				return err
			}
			members, err := tx.Members(code)
			if err != nil {
				return err
			}
			if len(roster) != 100 || len(members) < 80 {
				t.Errorf("%s: %d on the roster, %d connected", code, len(roster), len(members))
			}
			secretaries := 0
			for _, m := range members {
				if m.Secretary {
					secretaries++
				}
				if e, ok, err := tx.RosterOf(m.ID); err != nil || !ok || e.Cell != code || e.Name != m.Name {
					t.Errorf("member %d (%s) claims %+v, %v, %v", m.ID, m.Name, e, ok, err)
				}
			}
			if secretaries != 1 {
				t.Errorf("%s has %d secretaries", code, secretaries)
			}
		}
		reports := 0
		for m := flows.Month(202501); m <= 202612; m = m.Next() {
			n := 0
			if err := tx.Reports(m, func(flows.Report) error { n++; return nil }); err != nil {
				return err
			}
			if (m < 202512 || m > 202611) && n > 0 {
				t.Errorf("%s has %d reports, outside the seeded months", m, n)
			}
			reports += n
		}
		if reports != st.Reports {
			t.Errorf("%d reports stored, Write says %d", reports, st.Reports)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
