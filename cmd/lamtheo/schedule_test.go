package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	toml "github.com/pelletier/go-toml/v2"

	"lamtheo/flows"
)

// TestScheduleRegistry checks the [schedule] table against the registry of
// jobs (flows.Jobs): every registered job has its key, with the registry's
// default, that a file may set and config.example.toml documents; every key
// of the example's [schedule] table is a registered job; the scheduler
// enables every job with a schedule. (flows' TestJobRegistry checks that
// /lichnhac lists them.)
func TestScheduleRegistry(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "config.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var example struct{ Schedule map[string]any }
	if err := toml.Unmarshal(doc, &example); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(doc), "\n")
	def := DefaultConfig().Schedule
	registered := map[string]bool{}
	for _, j := range flows.Jobs() {
		key := string(j.Job)
		registered[key] = true
		if got := def[j.Job]; got != j.Default {
			t.Errorf("default schedule.%s = %q, want the registry's %q", key, got, j.Default)
		}
		if _, err := parseSchedule(j.Default); err != nil {
			t.Errorf("default schedule.%s %q: %v", key, j.Default, err)
		}
		if v, ok := example.Schedule[key]; !ok || v != j.Default {
			t.Errorf("config.example.toml: schedule.%s = %v, want the default %q", key, v, j.Default)
		}
		if l := keyLines(doc)["schedule."+key]; l == 0 || !strings.Contains(lines[l-1], "#") {
			t.Errorf("config.example.toml: schedule.%s has no comment saying what the job does", key)
		}
		c, err := ParseConfig(strings.NewReader(minimal+"[schedule]\n"+key+" = \"@daily\"\n"), "config.toml")
		if err != nil {
			t.Errorf("schedule.%s: %v", key, err)
		} else if c.Schedule[j.Job] != "@daily" {
			t.Errorf("schedule.%s = \"@daily\" read as %q", key, c.Schedule[j.Job])
		}
	}
	for key := range example.Schedule {
		if !registered[key] {
			t.Errorf("config.example.toml: schedule.%s is no registered job", key)
		}
	}
	if len(def) != len(registered) {
		t.Errorf("DefaultConfig().Schedule has %d jobs, the registry %d", len(def), len(registered))
	}
	s, err := newScheduler(DefaultConfig(), time.UTC, &fakeJobs{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.jobs) != len(registered) {
		t.Errorf("the scheduler runs %d jobs by default, the registry has %d", len(s.jobs), len(registered))
	}
}

func TestParseScheduleLastDay(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec string
		from time.Time
		want time.Time
	}{
		{"0 8 L * *", time.Date(2026, 1, 10, 0, 0, 0, 0, loc), time.Date(2026, 1, 31, 8, 0, 0, 0, loc)},
		{"0 8 L * *", time.Date(2026, 1, 31, 8, 0, 0, 0, loc), time.Date(2026, 2, 28, 8, 0, 0, 0, loc)},
		{"0 8 L * *", time.Date(2028, 2, 1, 0, 0, 0, 0, loc), time.Date(2028, 2, 29, 8, 0, 0, 0, loc)},
		{"0 8 L * *", time.Date(2026, 4, 28, 9, 0, 0, 0, loc), time.Date(2026, 4, 30, 8, 0, 0, 0, loc)},
		{"*/15 * L 6 *", time.Date(2026, 1, 1, 0, 0, 0, 0, loc), time.Date(2026, 6, 30, 0, 0, 0, 0, loc)},
		{"0 8 20 * *", time.Date(2026, 1, 20, 8, 0, 0, 0, loc), time.Date(2026, 2, 20, 8, 0, 0, 0, loc)},
		{"0 8 * 1-3 1", time.Date(2026, 3, 31, 0, 0, 0, 0, loc), time.Date(2027, 1, 4, 8, 0, 0, 0, loc)},
	}
	for _, tt := range tests {
		s, err := parseSchedule(tt.spec)
		if err != nil {
			t.Fatalf("parseSchedule(%q): %v", tt.spec, err)
		}
		if got := s.Next(tt.from); !got.Equal(tt.want) {
			t.Errorf("parseSchedule(%q).Next(%v) = %v, want %v", tt.spec, tt.from, got, tt.want)
		}
	}
}

// FuzzParseSchedule: any text, as a [schedule] value, is a schedule or an
// error, never a panic; a schedule's next activation is later than the
// time given (or zero: none within robfig's five years), and the latest
// slot the catch-up looks for is found without a panic.
func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"0 8 L * *", "0 8 1 * *", "*/15 9-17 * * 1-5", "@daily", "@every 1h30m", "@every 0s",
		"TZ=Asia/Ho_Chi_Minh", "TZ=", "CRON_TZ=UTC", "CRON_TZ=UTC 0 8 * * *", "TZ=UTC\t0 8 * * *", " TZ=UTC 0 8 * * *",
		"0 8 L 2 *", "0 8 31 2 *", "59 23 L 12 6", "0 0 1-31/0 * *", "1-2/3-4 * * * *", "", "@", "L L L L L"} {
		f.Add(s)
	}
	loc := time.FixedZone("ICT", 7*3600)
	from := time.Date(2026, 11, 3, 8, 30, 0, 0, loc)
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := parseSchedule(spec)
		if err != nil {
			return
		}
		if next := s.Next(from); !next.IsZero() && !next.After(from) {
			t.Fatalf("parseSchedule(%q).Next(%v) = %v: not later", spec, from, next)
		}
		if slot, ok := latestSlot(s, from, lookback); ok && slot.After(from) {
			t.Fatalf("parseSchedule(%q): latest slot %v after %v", spec, slot, from)
		}
	})
}
