package rosterfile

import (
	"hash/maphash"
	"testing"

	"lamtheo/flows"
)

// TestNamesCollision: two names of a cell with the same hash (forced
// here: 64-bit hashes of real names never meet) are told apart, and each
// one's repeat is found; the same name in another cell is no repeat.
func TestNamesCollision(t *testing.T) {
	n := names{first: map[nameKey]int32{}, seed: maphash.MakeSeed()}
	rows := []Row{{Line: 2, Name: "Nguyễn Thị Lan", Cell: "C01"}}
	if got := n.add(rows, "C01"); got != -1 {
		t.Fatalf("first name: %d", got)
	}
	// "Trần Văn Hùng" of C01 is given Lan's hash's place.
	n.first[nameKey{"C01", maphash.String(n.seed, flows.FoldName("Trần Văn Hùng"))}] = 0
	add := func(name, cell string) int {
		rows = append(rows, Row{Line: len(rows) + 2, Name: name, Cell: cell})
		return n.add(rows, cell)
	}
	for _, c := range []struct {
		name, cell string
		want       int
	}{
		{"Trần Văn Hùng", "C01", -1},
		{"TRAN VAN HUNG", "C01", 1},
		{"Nguyen Thi Lan", "C01", 0},
		{"Nguyễn Thị Lan", "C02", -1},
		{"Trần Văn Hùng", "C02", -1},
		{"Trần  văn hùng", "C01", 1},
	} {
		if got := add(c.name, c.cell); got != c.want {
			t.Errorf("%s of %s: first row %d, want %d", c.name, c.cell, got, c.want)
		}
	}
}
