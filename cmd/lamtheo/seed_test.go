package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lamtheo/flows"
	"lamtheo/seed"
	"lamtheo/store"
)

// seedOptions returns the options of a seeded organisation of members in
// cells, with the default configuration's categories.
func seedOptions(members, cells int) seed.Options {
	o := seed.Options{Members: members, Cells: cells, Months: 12, Until: flows.Month(202611), Seed: 1}
	for _, c := range DefaultCategories() {
		o.Categories = append(o.Categories, c.Key)
	}
	return o
}

// TestSeedStarts: a seeded data file and its generated configuration start
// lamtheo the normal way (configuration, store checks, cells synced) and
// serve an admin's /summary over every seeded cell, from the seeded reports.
func TestSeedStarts(t *testing.T) {
	dir := t.TempDir()
	data, conf := filepath.Join(dir, "seed.db"), filepath.Join(dir, "seed.toml")
	o := seedOptions(200, 4)
	if err := os.WriteFile(conf, seed.Config(o, data), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := seed.Write(t.Context(), db, o, nil)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if st.Cells != 4 || st.Roster != 200 || st.Members < 150 || st.Members > 200 || st.Reports < st.Members*6 || st.Pledges < st.Members {
		t.Errorf("stats = %+v", st)
	}
	var out, log strings.Builder
	err = run(context.Background(), []string{"-config", conf}, func(string) string { return "" },
		strings.NewReader(":as Admin\n/summary\n"), &out, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	for c := range 4 {
		if name := seed.CellName(c); !strings.Contains(out.String(), name+" — ") {
			t.Errorf("the summary does not rank %s:\n%s", name, out.String())
		}
	}
	if !strings.Contains(out.String(), "tháng 10/2026") {
		t.Errorf("the summary is not of October 2026:\n%s", out.String())
	}
}
