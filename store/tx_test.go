package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

var (
	t0    = time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.UTC)
	alice = bot.UserID{Platform: bot.Telegram, ID: "1001"}
	bob   = bot.UserID{Platform: bot.Zalo, ID: "zl-bob-77"}
	group = bot.ChatID{Platform: bot.Telegram, ID: "-1001234567890"}
)

// TestRoundTrip writes each kind of record in one Update and reads it back
// in a View, comparing every field.
func TestRoundTrip(t *testing.T) {
	member := flows.Member{
		Name: "Nguyễn Văn An", Cell: "C01", Secretary: true, Status: flows.Exempt,
		Users:  []bot.UserID{alice, bob},
		Joined: t0, PausedUntil: t0.Add(30 * 24 * time.Hour), PauseReason: "ốm dài ngày",
	}
	tests := []struct {
		name string
		put  func(tx flows.Tx) error
		get  func(tx flows.Tx) (got any, ok bool, err error)
		want any
	}{
		{
			name: "session",
			put: func(tx flows.Tx) error {
				return tx.PutSession(group, alice, flows.Session{
					Flow: "report", Step: "item", State: []byte(`{"Month":202611,"Item":2}`),
					Choices: []string{"done:1", "doing:1", "notyet:1"}, Updated: t0, Question: 1 << 40,
				})
			},
			get: func(tx flows.Tx) (any, bool, error) { return tx.Session(group, alice) },
			want: flows.Session{
				Flow: "report", Step: "item", State: []byte(`{"Month":202611,"Item":2}`),
				Choices: []string{"done:1", "doing:1", "notyet:1"}, Updated: t0, Question: 1 << 40,
			},
		},
		{
			name: "empty session",
			put:  func(tx flows.Tx) error { return tx.PutSession(alice.PrivateChat(), alice, flows.Session{}) },
			get:  func(tx flows.Tx) (any, bool, error) { return tx.Session(alice.PrivateChat(), alice) },
			want: flows.Session{},
		},
		{
			name: "cell",
			put: func(tx flows.Tx) error {
				return tx.PutCell(flows.Cell{Code: "C01", Name: "Chi bộ thôn Đông", MeetingDay: 5,
					Groups: []bot.ChatID{group, {Platform: bot.Zalo, ID: "g-zalo-1"}}})
			},
			get: func(tx flows.Tx) (any, bool, error) { return tx.Cell("C01") },
			want: flows.Cell{Code: "C01", Name: "Chi bộ thôn Đông", MeetingDay: 5,
				Groups: []bot.ChatID{group, {Platform: bot.Zalo, ID: "g-zalo-1"}}},
		},
		{
			name: "cell of group",
			put: func(tx flows.Tx) error {
				return tx.PutCell(flows.Cell{Code: "C02", Name: "Chi bộ thôn Tây", Groups: []bot.ChatID{{Platform: bot.Telegram, ID: "-55"}}})
			},
			get: func(tx flows.Tx) (any, bool, error) {
				return tx.CellOfGroup(bot.ChatID{Platform: bot.Telegram, ID: "-55"})
			},
			want: flows.Cell{Code: "C02", Name: "Chi bộ thôn Tây", Groups: []bot.ChatID{{Platform: bot.Telegram, ID: "-55"}}},
		},
		{
			name: "member",
			put:  func(tx flows.Tx) error { m := member; return tx.PutMember(&m) },
			get:  func(tx flows.Tx) (any, bool, error) { return tx.Member(1) },
			want: withID(member, 1),
		},
		{
			name: "member of identity",
			put:  func(tx flows.Tx) error { m := member; return tx.PutMember(&m) },
			get:  func(tx flows.Tx) (any, bool, error) { return tx.MemberOf(bob) },
			want: withID(member, 1),
		},
		{
			name: "invite",
			put: func(tx flows.Tx) error {
				return tx.PutInvite(flows.Invite{Code: "Xy7_k", Cell: "C01", Created: t0, Expires: t0.Add(72 * time.Hour)})
			},
			get:  func(tx flows.Tx) (any, bool, error) { return tx.Invite("Xy7_k") },
			want: flows.Invite{Code: "Xy7_k", Cell: "C01", Created: t0, Expires: t0.Add(72 * time.Hour)},
		},
		{
			name: "revoked group invite",
			put: func(tx flows.Tx) error {
				return tx.PutInvite(flows.Invite{Code: "G1", Cell: "C01", Created: t0, Expires: t0.Add(72 * time.Hour), Group: group, Revoked: t0.Add(time.Hour)})
			},
			get:  func(tx flows.Tx) (any, bool, error) { return tx.Invite("G1") },
			want: flows.Invite{Code: "G1", Cell: "C01", Created: t0, Expires: t0.Add(72 * time.Hour), Group: group, Revoked: t0.Add(time.Hour)},
		},
		{
			name: "join attempts",
			put: func(tx flows.Tx) error {
				return tx.PutJoinAttempts(bob, flows.JoinAttempts{Wrong: 3, Since: t0, Until: t0.Add(time.Hour)})
			},
			get: func(tx flows.Tx) (any, bool, error) {
				a, err := tx.JoinAttempts(bob)
				return a, true, err
			},
			want: flows.JoinAttempts{Wrong: 3, Since: t0, Until: t0.Add(time.Hour)},
		},
		{
			name: "pledge",
			put: func(tx flows.Tx) error {
				return tx.PutPledge(flows.Pledge{Member: 7, Year: 2026, NextNo: 4, Status: flows.PledgeReturned,
					Items: []flows.PledgeItem{
						{No: 1, Text: "Đọc sách về Bác", Category: "hoc-tap", Target: "mỗi tháng 1 cuốn"},
						{No: 3, Text: "Dọn vệ sinh đường làng", Category: "cong-dong"},
					},
					Comment: "Cần cụ thể hơn", Submitted: t0, Decided: t0.Add(time.Hour)})
			},
			get: func(tx flows.Tx) (any, bool, error) { return tx.Pledge(7, 2026) },
			want: flows.Pledge{Member: 7, Year: 2026, NextNo: 4, Status: flows.PledgeReturned,
				Items: []flows.PledgeItem{
					{No: 1, Text: "Đọc sách về Bác", Category: "hoc-tap", Target: "mỗi tháng 1 cuốn"},
					{No: 3, Text: "Dọn vệ sinh đường làng", Category: "cong-dong"},
				},
				Comment: "Cần cụ thể hơn", Submitted: t0, Decided: t0.Add(time.Hour)},
		},
		{
			name: "report",
			put: func(tx flows.Tx) error {
				return tx.PutReport(flows.Report{Member: 7, Month: 202611, Other: "Hiến máu", Photo: "AgAC-photo",
					Entries:   []flows.Entry{{Item: 1, Status: flows.Done, Text: "Đọc xong"}, {Item: 3, Status: flows.Doing}, {Status: flows.NotYet}},
					Submitted: t0, Exemplary: true})
			},
			get: func(tx flows.Tx) (any, bool, error) { return tx.Report(7, 202611) },
			want: flows.Report{Member: 7, Month: 202611, Other: "Hiến máu", Photo: "AgAC-photo",
				Entries:   []flows.Entry{{Item: 1, Status: flows.Done, Text: "Đọc xong"}, {Item: 3, Status: flows.Doing}, {Status: flows.NotYet}},
				Submitted: t0, Exemplary: true},
		},
		{
			name: "month state",
			put: func(tx flows.Tx) error {
				return tx.PutMonthState(flows.MonthState{Cell: "C01", Month: 202611, Closed: true})
			},
			get: func(tx flows.Tx) (any, bool, error) {
				s, err := tx.MonthState("C01", 202611)
				return s, true, err
			},
			want: flows.MonthState{Cell: "C01", Month: 202611, Closed: true},
		},
		{
			name: "job mark",
			put:  func(tx flows.Tx) error { return tx.MarkJob("remind:C01:202611", t0) },
			get: func(tx flows.Tx) (any, bool, error) {
				ran, err := tx.JobRan("remind:C01:202611")
				return ran, true, err
			},
			want: true,
		},
		{
			name: "cursor",
			put: func(tx flows.Tx) error {
				_, err := tx.MarkSeen(bot.Telegram, "u:900", 900)
				return err
			},
			get: func(tx flows.Tx) (any, bool, error) {
				c, err := tx.Cursor(bot.Telegram)
				return c, true, err
			},
			want: int64(900),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t, nil)
			update(t, db, tt.put)
			view(t, db, func(tx flows.Tx) error {
				got, ok, err := tt.get(tx)
				if err != nil || !ok {
					t.Fatalf("get: ok=%v err=%v", ok, err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got  %#v\nwant %#v", got, tt.want)
				}
				return nil
			})
		})
	}
}

func withID(m flows.Member, id flows.MemberID) flows.Member { m.ID = id; return m }

// TestMissing checks that lookups of absent records return ok=false and no
// error, and zero values where the contract says so.
func TestMissing(t *testing.T) {
	db := openDB(t, nil)
	view(t, db, func(tx flows.Tx) error {
		checks := map[string]func() (bool, error){
			"session": func() (bool, error) { _, ok, err := tx.Session(group, alice); return ok, err },
			"cell":    func() (bool, error) { _, ok, err := tx.Cell("C99"); return ok, err },
			"group":   func() (bool, error) { _, ok, err := tx.CellOfGroup(group); return ok, err },
			"member":  func() (bool, error) { _, ok, err := tx.Member(3); return ok, err },
			"of":      func() (bool, error) { _, ok, err := tx.MemberOf(alice); return ok, err },
			"invite":  func() (bool, error) { _, ok, err := tx.Invite("nope"); return ok, err },
			"pledge":  func() (bool, error) { _, ok, err := tx.Pledge(1, 2026); return ok, err },
			"report":  func() (bool, error) { _, ok, err := tx.Report(1, 202611); return ok, err },
			"job":     func() (bool, error) { return tx.JobRan("x") },
			"unreach": func() (bool, error) { return tx.Unreachable(group) },
			"closed": func() (bool, error) {
				s, err := tx.MonthState("C01", 202611)
				return s.Closed, err
			},
		}
		for name, check := range checks {
			if ok, err := check(); ok || err != nil {
				t.Errorf("%s: ok=%v err=%v, want false, nil", name, ok, err)
			}
		}
		if a, err := tx.JoinAttempts(alice); a != (flows.JoinAttempts{}) || err != nil {
			t.Errorf("JoinAttempts = %+v, %v; want none", a, err)
		}
		if invs, err := tx.Invites("C01"); len(invs) != 0 || err != nil {
			t.Errorf("Invites = %+v, %v; want none", invs, err)
		}
		if c, err := tx.Cursor(bot.Zalo); c != 0 || err != nil {
			t.Errorf("Cursor = %d, %v; want 0, nil", c, err)
		}
		return nil
	})
}

func TestMarkSeen(t *testing.T) {
	clk := newClock()
	db := openDB(t, clk.Now)
	mark := func(p bot.Platform, key string, cursor int64) bool {
		t.Helper()
		var seen bool
		update(t, db, func(tx flows.Tx) error {
			var err error
			seen, err = tx.MarkSeen(p, key, cursor)
			return err
		})
		return seen
	}
	cursor := func(p bot.Platform) int64 {
		var c int64
		view(t, db, func(tx flows.Tx) error { var err error; c, err = tx.Cursor(p); return err })
		return c
	}
	if mark(bot.Telegram, "u:10", 10) {
		t.Error("first MarkSeen: seen=true")
	}
	if !mark(bot.Telegram, "u:10", 10) {
		t.Error("second MarkSeen: seen=false")
	}
	if mark(bot.Zalo, "u:10", 0) {
		t.Error("same key on another platform: seen=true")
	}
	if got := cursor(bot.Telegram); got != 10 {
		t.Errorf("telegram cursor = %d, want 10", got)
	}
	if got := cursor(bot.Zalo); got != 0 {
		t.Errorf("zalo cursor = %d, want 0 (never given)", got)
	}
	// A repeat changes nothing, not even the cursor.
	if !mark(bot.Telegram, "u:10", 99) || cursor(bot.Telegram) != 10 {
		t.Errorf("repeated MarkSeen moved the cursor to %d", cursor(bot.Telegram))
	}
	if mark(bot.Telegram, "u:11", 11) || cursor(bot.Telegram) != 11 {
		t.Errorf("cursor = %d after u:11, want 11", cursor(bot.Telegram))
	}
	// The cursor never moves back.
	if mark(bot.Telegram, "", 5) || cursor(bot.Telegram) != 11 {
		t.Errorf("cursor = %d after a lower cursor, want 11", cursor(bot.Telegram))
	}

	// Markers expire after 48 h: later marks prune the old ones.
	clk.Add(49 * time.Hour)
	mark(bot.Telegram, "u:12", 12)
	if mark(bot.Telegram, "u:10", 0) {
		t.Error("u:10 still marked 49 h later; want pruned")
	}
	clk.Add(time.Hour)
	if !mark(bot.Telegram, "u:12", 0) {
		t.Error("u:12 pruned after 1 h; want kept")
	}
}

// A marker older than 48 h is no marker, even before it is pruned: the
// platform may use the key again (Telegram numbers its updates afresh, at
// random, after a week without any), and that update must be handled.
func TestMarkSeenExpiredKeyReused(t *testing.T) {
	clk := newClock()
	db := openDB(t, clk.Now)
	mark := func(key string) (seen bool) {
		t.Helper()
		update(t, db, func(tx flows.Tx) (err error) {
			seen, err = tx.MarkSeen(bot.Telegram, key, 0)
			return err
		})
		return seen
	}
	for i := range 10 {
		mark(fmt.Sprint(1001 + i))
	}
	clk.Add(8 * 24 * time.Hour)
	for _, key := range []string{"1009", "1010"} {
		if mark(key) {
			t.Errorf("update %s, a week after a marker of the same key: seen", key)
		}
		if !mark(key) {
			t.Errorf("update %s again at once: not seen", key)
		}
	}
	clk.Add(47 * time.Hour)
	if !mark("1009") {
		t.Error("update 1009 47 h after its new marker: not seen")
	}
}

func TestUnreachableAndSetReachable(t *testing.T) {
	db := openDB(t, nil)
	update(t, db, func(tx flows.Tx) error { return tx.Enqueue(bot.Reply{Chat: group, Text: "x"}) })
	if err := db.Outbox(group.Platform).Finish(context.Background(), 1, bot.Result{Unreachable: true}); err != nil {
		t.Fatal(err)
	}
	isUnreachable := func() bool {
		var u bool
		view(t, db, func(tx flows.Tx) error { var err error; u, err = tx.Unreachable(group); return err })
		return u
	}
	if !isUnreachable() {
		t.Fatal("chat not unreachable after Finish with Unreachable")
	}
	update(t, db, func(tx flows.Tx) error { return tx.SetReachable(group) })
	if isUnreachable() {
		t.Error("chat still unreachable after SetReachable")
	}
}

// TestReadOnly checks that every write through a View's Tx fails with
// flows.ErrReadOnly and changes nothing.
func TestReadOnly(t *testing.T) {
	db := openDB(t, nil)
	writes := map[string]func(tx flows.Tx) error{
		"MarkSeen":      func(tx flows.Tx) error { _, err := tx.MarkSeen(bot.Telegram, "k", 1); return err },
		"PutSession":    func(tx flows.Tx) error { return tx.PutSession(group, alice, flows.Session{}) },
		"DeleteSession": func(tx flows.Tx) error { return tx.DeleteSession(group, alice) },
		"PutCell":       func(tx flows.Tx) error { return tx.PutCell(flows.Cell{Code: "C01"}) },
		"PutMember":     func(tx flows.Tx) error { return tx.PutMember(&flows.Member{Name: "x"}) },
		"PutInvite":     func(tx flows.Tx) error { return tx.PutInvite(flows.Invite{Code: "x"}) },
		"PutPledge":     func(tx flows.Tx) error { return tx.PutPledge(flows.Pledge{Member: 1, Year: 2026}) },
		"PutReport":     func(tx flows.Tx) error { return tx.PutReport(flows.Report{Member: 1, Month: 202611}) },
		"PutMonthState": func(tx flows.Tx) error { return tx.PutMonthState(flows.MonthState{Cell: "C01", Month: 202611}) },
		"MarkJob":       func(tx flows.Tx) error { return tx.MarkJob("j", t0) },
		"PutJoinAttempts": func(tx flows.Tx) error {
			return tx.PutJoinAttempts(alice, flows.JoinAttempts{Wrong: 1})
		},
		"SetReachable": func(tx flows.Tx) error { return tx.SetReachable(group) },
		"Enqueue":      func(tx flows.Tx) error { return tx.Enqueue(bot.Reply{Chat: group}) },
	}
	for name, write := range writes {
		err := db.View(context.Background(), write)
		if !errors.Is(err, flows.ErrReadOnly) {
			t.Errorf("%s in View = %v, want ErrReadOnly", name, err)
		}
	}
	if got, _ := db.Outbox(group.Platform).Pending(context.Background(), 0, 10); len(got) != 0 {
		t.Errorf("outbox has %d envelopes after read-only writes", len(got))
	}
}

// TestBulkReadsStayValid reads enough members and reports that any shared
// decode buffer would roll over several times, keeps every value, and
// checks each one afterwards (and after the caller appends to its slices).
func TestBulkReadsStayValid(t *testing.T) {
	db := openDB(t, nil)
	const n = 3000
	long := strings.Repeat("Đồng chí ", 40)
	update(t, db, func(tx flows.Tx) error {
		for i := range n {
			m := flows.Member{Name: fmt.Sprintf("%s%d", long, i), Cell: "C01",
				Users: []bot.UserID{{Platform: bot.Telegram, ID: fmt.Sprint(i)}}}
			if err := tx.PutMember(&m); err != nil {
				return err
			}
			r := flows.Report{Member: m.ID, Month: 202611, Other: fmt.Sprint(i),
				Entries: []flows.Entry{{Item: i, Text: m.Name}}}
			if err := tx.PutReport(r); err != nil {
				return err
			}
		}
		return nil
	})
	var ms []flows.Member
	var rs []flows.Report
	view(t, db, func(tx flows.Tx) error {
		var err error
		if ms, err = tx.Members(""); err != nil {
			return err
		}
		return tx.Reports(202611, func(r flows.Report) error { rs = append(rs, r); return nil })
	})
	if len(ms) != n || len(rs) != n {
		t.Fatalf("read %d members, %d reports; want %d", len(ms), len(rs), n)
	}
	for i := range n {
		ms[i].Users = append(ms[i].Users, bot.UserID{Platform: bot.Zalo, ID: "x"})
		rs[i].Entries = append(rs[i].Entries, flows.Entry{Text: "x"})
	}
	for i := range n {
		name := fmt.Sprintf("%s%d", long, i)
		m, r := ms[i], rs[i]
		if m.ID != flows.MemberID(i+1) || m.Name != name || m.Users[0].ID != fmt.Sprint(i) {
			t.Fatalf("member %d = %d %q %v", i, m.ID, m.Name[len(long):], m.Users)
		}
		if r.Member != m.ID || r.Other != fmt.Sprint(i) || r.Entries[0].Item != i || r.Entries[0].Text != name {
			t.Fatalf("report %d = %d %q %+v", i, r.Member, r.Other, r.Entries[0].Item)
		}
	}
}
