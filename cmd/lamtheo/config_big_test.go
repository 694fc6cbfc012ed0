package main

import (
	"fmt"
	"strings"
	"testing"
)

// bigConfig returns a valid configuration of n cells, as a province-sized
// instance would have, with a Zalo bot per 40 cells. Cell i (from 0) has
// its [[cells]] header on line cellLine(i).
func bigConfig(n int) string {
	var b strings.Builder
	b.WriteString("[org]\nname = \"Đảng bộ tỉnh Thử\"\nzone = \"Asia/Ho_Chi_Minh\"\n\n")
	for i := range n {
		fmt.Fprintf(&b, "[[cells]]\ncode = \"C%05d\"\nname = \"Chi bộ thôn số %d\"\nmeeting_day = %d\n\n", i, i, i%29)
	}
	b.WriteString("[admins]\nconsole = [\"Admin\"]\n")
	return b.String()
}

// cellLine returns the line of cell i's [[cells]] header in bigConfig.
func cellLine(i int) int { return 5 + 5*i }

// TestBigConfigErrors: in a file of 5,000 cells, an error anywhere names
// its own line and key (the line index is built once, not per key).
func TestBigConfigErrors(t *testing.T) {
	const n = 5000
	tests := []struct {
		name string
		edit func(doc string) string
		want string
	}{
		{"unknown key in the first cell", func(doc string) string {
			return strings.Replace(doc, "meeting_day = 0\n", "meetingday = 0\n", 1)
		}, fmt.Sprintf(`big.toml:%d: unknown key "cells[0].meetingday"`, cellLine(0)+3)},
		{"wrong type in the middle", func(doc string) string {
			return strings.Replace(doc, "name = \"Chi bộ thôn số 2500\"\n", "name = 2500\n", 1)
		}, fmt.Sprintf("big.toml:%d: cells[2500].name: want a string, got an integer", cellLine(2500)+2)},
		{"bad value near the end", func(doc string) string {
			return strings.Replace(doc, "code = \"C04998\"\nname = \"Chi bộ thôn số 4998\"\nmeeting_day = 10\n",
				"code = \"C04998\"\nname = \"Chi bộ thôn số 4998\"\nmeeting_day = 31\n", 1)
		}, fmt.Sprintf("big.toml:%d: cells[4998].meeting_day 31: want 0 (not set) or a day from 1 to 28", cellLine(4998)+3)},
		{"duplicate code far from the first", func(doc string) string {
			return strings.Replace(doc, "code = \"C04999\"", "code = \"c00001\"", 1)
		}, fmt.Sprintf(`big.toml:%d: cells[4999].code "c00001" is used twice (first at line %d)`, cellLine(4999)+1, cellLine(1)+1)},
		{"table after the cells", func(doc string) string {
			return doc + "[outbox]\nconcurrency = 0\n"
		}, fmt.Sprintf("big.toml:%d: outbox.concurrency 0: want 1 to 1000", cellLine(n)+3)},
	}
	doc := bigConfig(n)
	if c, err := ParseConfig(strings.NewReader(doc), "big.toml"); err != nil {
		t.Fatal(err)
	} else if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edited := tt.edit(doc)
			if edited == doc {
				t.Fatal("the edit changed nothing")
			}
			c, err := ParseConfig(strings.NewReader(edited), "big.toml")
			if err == nil {
				err = c.Validate()
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n got %v\nwant %s", err, tt.want)
			}
		})
	}
}

// BenchmarkConfig parses and validates a generated configuration of 1,000
// and 5,000 cells; the target is 100 ms for 5,000 (issue 13).
func BenchmarkConfig(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		doc := bigConfig(n)
		b.Run(fmt.Sprintf("cells=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				c, err := ParseConfig(strings.NewReader(doc), "big.toml")
				if err != nil {
					b.Fatal(err)
				}
				if err := c.Validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
