package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/store"
)

// dumpState opens the data file and returns its state as text: cells,
// members, invites, pledges, reports, month states, job marks, the
// sessions of who in their private chats and the groups, the terminal's
// cursor, the replies queued, the messages counted sent and the files
// requested but not built. Timestamps
// are left out (they follow the real clock), and so are the update
// markers, which the messages of the runs check (a line handled twice
// would answer twice).
func dumpState(t *testing.T, path string, who crashWho) string {
	t.Helper()
	cfg := DemoConfig()
	loc, err := cfg.Location()
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", filepath.Base(path), err)
	}
	defer db.Close()
	var b strings.Builder
	err = db.View(context.Background(), func(tx flows.Tx) error {
		b.Reset()
		cells, err := tx.Cells()
		if err != nil {
			return err
		}
		for _, c := range cells {
			fmt.Fprintf(&b, "cell %s %q day %d groups %v\n", c.Code, c.Name, c.MeetingDay, c.Groups)
			for _, m := range crashMonths {
				s, err := tx.MonthState(c.Code, m)
				if err != nil {
					return err
				}
				if s.Closed {
					fmt.Fprintf(&b, "  closed %s\n", m)
				}
			}
		}
		members, err := tx.Members("")
		if err != nil {
			return err
		}
		for _, m := range members {
			fmt.Fprintf(&b, "member %d %q cell %q secretary %v status %d users %v\n", m.ID, m.Name, m.Cell, m.Secretary, m.Status, m.Users)
			if !m.PausedUntil.IsZero() {
				fmt.Fprintf(&b, "  pause %s %q\n", m.PausedUntil.In(loc).Format("2006-01-02"), m.PauseReason)
			}
			for _, y := range crashYears {
				p, ok, err := tx.Pledge(m.ID, y)
				if err != nil {
					return err
				}
				if ok {
					fmt.Fprintf(&b, "  pledge %d status %d next %d comment %q submitted %v decided %v\n",
						y, p.Status, p.NextNo, p.Comment, !p.Submitted.IsZero(), !p.Decided.IsZero())
					for _, it := range p.Items {
						fmt.Fprintf(&b, "    item %d %q %s %q\n", it.No, it.Text, it.Category, it.Target)
					}
				}
			}
			for _, mo := range crashMonths {
				r, ok, err := tx.Report(m.ID, mo)
				if err != nil {
					return err
				}
				if ok {
					fmt.Fprintf(&b, "  report %s other %q photo %q submitted %v exemplary %v\n",
						mo, r.Other, r.Photo, !r.Submitted.IsZero(), r.Exemplary)
					for _, e := range r.Entries {
						fmt.Fprintf(&b, "    entry %d status %d %q\n", e.Item, e.Status, e.Text)
					}
				}
			}
		}
		if err := dumpSessions(&b, tx, who); err != nil {
			return err
		}
		cursor, err := tx.Cursor(bot.Console)
		if err != nil {
			return err
		}
		queued, err := tx.Queued(bot.Console)
		if err != nil {
			return err
		}
		// Sent counts go by the month of the clock when they were sent, and
		// a rerun sends what a kill left queued before its first :time.
		sent := 0
		for y := 2025; y <= 2028; y++ {
			for m := 1; m <= 12; m++ {
				n, err := tx.Sent(bot.Console, flows.Month(y*100+m))
				if err != nil {
					return err
				}
				sent += n
			}
		}
		files, err := tx.FileRequests(100)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "cursor %d queued %d sent %d files waiting %d\n", cursor, queued, sent, len(files))
		for n := 201; n <= 220; n++ {
			code := fmt.Sprintf("ABC%d", n)
			inv, ok, err := tx.Invite(code)
			if err != nil {
				return err
			}
			if ok {
				fmt.Fprintf(&b, "invite %s cell %s\n", inv.Code, inv.Cell)
			}
		}
		keys, err := crashJobKeys(cfg, loc, cells)
		if err != nil {
			return err
		}
		for _, k := range keys {
			ran, err := tx.JobRan(k)
			if err != nil {
				return err
			}
			if ran {
				fmt.Fprintf(&b, "job %s\n", k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read %s: %v", filepath.Base(path), err)
	}
	return b.String()
}

// dumpSessions writes the sessions of who, without their times.
func dumpSessions(b *strings.Builder, tx flows.Tx, who crashWho) error {
	for _, u := range who.users {
		for _, chat := range append([]bot.ChatID{u.PrivateChat()}, who.groups...) {
			s, ok, err := tx.Session(chat, u)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			fmt.Fprintf(b, "session %s %s flow %q step %q state %q choices %q notice %q\n",
				chat, u, s.Flow, s.Step, s.State, s.Choices, s.Notice)
		}
	}
	return nil
}

// crashJobKeys returns the keys of every slot of every configured job in
// the months the script touches, for the whole organisation and for each
// cell (a manual run), in the engine's format (flows.jobKey).
func crashJobKeys(cfg Config, loc *time.Location, cells []flows.Cell) ([]string, error) {
	from := crashMonths[0].Start(loc)
	to := crashMonths[len(crashMonths)-1].Next().Start(loc)
	var keys []string
	for _, j := range cfg.Schedule.jobs() {
		if strings.TrimSpace(j.spec) == "" {
			continue
		}
		sched, err := parseSchedule(j.spec)
		if err != nil {
			return nil, err
		}
		for s := sched.Next(from.Add(-time.Second)); !s.IsZero() && s.Before(to); s = sched.Next(s) {
			k := j.key + "@" + s.UTC().Format(time.RFC3339)
			keys = append(keys, k)
			for _, c := range cells {
				keys = append(keys, k+"#"+c.Code)
			}
		}
	}
	slices.Sort(keys)
	return keys, nil
}

// lineDiff lists the lines only in want ("-") or only in got ("+").
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	if b.Len() == 0 {
		return "(same lines, other order)"
	}
	return b.String()
}
