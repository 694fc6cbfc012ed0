package rosterfile_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/rosterfile"
	"lamtheo/store"
)

var now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func openStore(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "lamtheo.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// seed puts entries on the roster.
func seed(t *testing.T, db *store.DB, es ...flows.RosterEntry) {
	t.Helper()
	err := db.Update(context.Background(), func(tx flows.Tx) error {
		for _, e := range es {
			if err := tx.PutRosterEntry(&e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// planFile parses file and plans it against the store's rosters, in tx.
func planFile(t testing.TB, tx flows.Tx, file []byte) (*rosterfile.Plan, error) {
	f, err := rosterfile.Parse(bytes.NewReader(file), cells, rosterfile.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return plan(t, tx, f)
}

// plan plans f against the store's rosters, in tx, as lamtheo
// import-roster and the chat do (PlanIn: by the rosters' versions).
func plan(t testing.TB, tx flows.Tx, f *rosterfile.File) (*rosterfile.Plan, error) {
	return rosterfile.PlanIn(tx, f, cells)
}

// planOfEntries plans f against the store's rosters read whole, in tx
// (NewPlan: by the entries' stamps).
func planOfEntries(tx flows.Tx, f *rosterfile.File) (*rosterfile.Plan, error) {
	current := map[string][]flows.RosterEntry{}
	for _, c := range cells {
		es, err := tx.Roster(c.Code)
		if err != nil {
			return nil, err
		}
		current[c.Code] = es
	}
	return rosterfile.NewPlan(f, cells, current), nil
}

// names returns "name/status/role" of cell's entries on the roster, and
// "-name" of removed ones.
func names(t *testing.T, db *store.DB, cell string) string {
	t.Helper()
	var out []string
	err := db.View(context.Background(), func(tx flows.Tx) error {
		es, err := tx.Roster(cell)
		for _, e := range es {
			s := e.Name + "/" + itoa(int(e.Status)) + "/" + e.Role
			if !e.OnRoster() {
				s = "-" + e.Name
			}
			out = append(out, s)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, ", ")
}

// TestPlanAndApply: against the current roster, a file's rows are new,
// unchanged or changed, and the entries it leaves out are removed (kept,
// marked); a name without diacritics matches and keeps the written name; a
// removed person in the file is put back without the claim of the member
// who was taken out of the cell with them (they connect again); the other
// cell is not touched. The preview says so.
func TestPlanAndApply(t *testing.T) {
	db := openStore(t)
	seed(t, db,
		flows.RosterEntry{Cell: "C01", Name: "Nguyễn Thị Lan", Role: "Bí thư", Claims: []flows.RosterClaim{{Platform: bot.Telegram, Member: 1}}},
		flows.RosterEntry{Cell: "C01", Name: "Trần Văn Hùng", Claims: []flows.RosterClaim{{Platform: bot.Zalo, Member: 2}}},
		flows.RosterEntry{Cell: "C01", Name: "Lê Văn Tám"},
		flows.RosterEntry{Cell: "C01", Name: "Phạm Thị Hoa", Removed: now.Add(-time.Hour), Claims: []flows.RosterClaim{{Platform: bot.Telegram, Member: 4}}},
		flows.RosterEntry{Cell: "C01", Name: "Vũ Văn Năm", Claims: []flows.RosterClaim{{Platform: bot.Telegram, Member: 5}}},
		flows.RosterEntry{Cell: "C02", Name: "Đỗ Văn Bảy"},
	)
	file := csvFile(t, [][]string{
		{"Họ và tên", "Chi bộ", "Trạng thái", "Chức vụ"},
		{"Nguyễn Thị Lan", "C01", "", "Bí thư"},
		{"Tran Van Hung", "C01", "", ""},
		{"Lê Văn Tám", "C01", "dự bị", ""},
		{"Phạm Thị Hoa", "C01", "", ""},
		{"Hoàng Văn Sáu", "C01", "", ""},
	}, ',', false)
	var p *rosterfile.Plan
	err := db.Update(context.Background(), func(tx flows.Tx) error {
		var err error
		if p, err = planFile(t, tx, file); err != nil {
			return err
		}
		return p.Apply(tx, catalog(t), now)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Cells) != 1 {
		t.Fatalf("plan of %d cells, want 1", len(p.Cells))
	}
	cp := p.Cells[0]
	if len(cp.New) != 1 || cp.Unchanged != 2 || len(cp.Changed) != 2 || len(cp.Removed) != 1 {
		t.Errorf("plan: %d new, %d unchanged, %d changed, %d removed; want 1, 2, 2, 1", len(cp.New), cp.Unchanged, len(cp.Changed), len(cp.Removed))
	}
	want := "Nguyễn Thị Lan/0/Bí thư, Trần Văn Hùng/0/, Lê Văn Tám/1/, Phạm Thị Hoa/0/, -Vũ Văn Năm, Hoàng Văn Sáu/0/"
	if got := names(t, db, "C01"); got != want {
		t.Errorf("C01 after the import:\n%s\nwant\n%s", got, want)
	}
	if got := names(t, db, "C02"); got != "Đỗ Văn Bảy/0/" {
		t.Errorf("C02 after the import: %s", got)
	}
	_ = db.View(context.Background(), func(tx flows.Tx) error {
		if e, ok, _ := tx.RosterOf(4); ok {
			t.Errorf("the person put back is claimed again by the member taken out of the cell: %+v", e)
		}
		es, _ := tx.Roster("C01")
		if i := slices.IndexFunc(es, func(e flows.RosterEntry) bool { return e.Name == "Phạm Thị Hoa" }); i < 0 || !es[i].OnRoster() || len(es[i].Claims) != 0 {
			t.Errorf("the person put back: %+v", es)
		}
		if e, ok, _ := tx.RosterOf(5); !ok || e.OnRoster() || !e.Removed.Equal(now) {
			t.Errorf("the removed entry: %+v %v", e, ok)
		}
		return nil
	})
	cat := catalog(t)
	got := p.Preview(cat).Render(cat)
	for _, s := range []string{"5 đồng chí", "Chi bộ thôn Đông (C01): 5 đồng chí — thêm mới 1, giữ nguyên 2, sửa 2, sẽ bỏ khỏi danh sách 1 đồng chí, trong đó 1 đồng chí đã kết nối",
		"Dòng 3: tên «Tran Van Hung» không có dấu", "chỉ được ghi khi xác nhận",
		"Trong số sửa có 1 đồng chí trước đây đã được đưa ra khỏi danh sách, nay được ghi lại; 1 đồng chí trong số đó đã từng kết nối, nay cần kết nối lại với bot"} {
		if !strings.Contains(got, s) {
			t.Errorf("preview lacks %q:\n%s", s, got)
		}
	}
	if strings.Contains(got, "[") {
		t.Errorf("preview with a template defect:\n%s", got)
	}
	if got := p.AppliedText(cat); got != "Đã ghi danh sách đảng viên: thêm mới 1, sửa 2, đưa ra khỏi danh sách 1, giữ nguyên 2." {
		t.Errorf("AppliedText = %q", got)
	}
}

// TestApplyRefused: a blocked file, or a roster changed since the plan,
// writes nothing; an error in the middle of Apply leaves the roster as it
// was (the transaction fails whole).
func TestApplyRefused(t *testing.T) {
	db := openStore(t)
	seed(t, db, flows.RosterEntry{Cell: "C01", Name: "Nguyễn Thị Lan"})
	before := names(t, db, "C01")
	blocked := csvFile(t, [][]string{{"Họ và tên", "Chi bộ"}, {"Trần Văn Hùng", "C01"}, {"Lê Văn Tám", "C09"}}, ',', false)
	err := db.Update(context.Background(), func(tx flows.Tx) error {
		p, err := planFile(t, tx, blocked)
		if err != nil {
			return err
		}
		return p.Apply(tx, catalog(t), now)
	})
	if !errors.Is(err, rosterfile.ErrBlocked) {
		t.Errorf("Apply of a blocked file = %v", err)
	}
	// A plan whose second new row cannot be stored: the first is not kept.
	err = db.Update(context.Background(), func(tx flows.Tx) error {
		p, err := planFile(t, tx, csvFile(t, [][]string{{"Họ và tên", "Chi bộ"}, {"Trần Văn Hùng", "C01"}, {"Lê Văn Tám", "C01"}}, ',', false))
		if err != nil {
			return err
		}
		p.File.Rows[p.Cells[0].New[1]].Name = ""
		return p.Apply(tx, catalog(t), now)
	})
	if !errors.Is(err, flows.ErrRosterEntry) {
		t.Errorf("Apply with a bad row = %v", err)
	}
	if got := names(t, db, "C01"); got != before {
		t.Errorf("roster after refused imports: %s, want %s", got, before)
	}
}

// TestTwoImporters: two secretaries import at once. Planned from the same
// preview, the second to apply is refused with ErrStale and the roster is
// the first's file; planned and applied each in its own transaction (the
// server's -yes), the second sees the first's result and the roster is
// exactly one file's, never a mix.
func TestTwoImporters(t *testing.T) {
	files := [2][]byte{
		csvFile(t, [][]string{{"Họ và tên", "Chi bộ"}, {"Nguyễn Thị Lan", "C01"}, {"Trần Văn Hùng", "C01"}}, ',', false),
		csvFile(t, [][]string{{"Họ và tên", "Chi bộ"}, {"Lê Văn Tám", "C01"}, {"Phạm Thị Hoa", "C01"}, {"Vũ Văn Năm", "C01"}}, ',', false),
	}
	onRoster := func(db *store.DB) string {
		var out []string
		for _, s := range strings.Split(names(t, db, "C01"), ", ") {
			if !strings.HasPrefix(s, "-") {
				out = append(out, strings.Split(s, "/")[0])
			}
		}
		return strings.Join(out, ", ")
	}
	wants := [2]string{"Nguyễn Thị Lan, Trần Văn Hùng", "Lê Văn Tám, Phạm Thị Hoa, Vũ Văn Năm"}

	t.Run("from one preview", func(t *testing.T) {
		db := openStore(t)
		seed(t, db, flows.RosterEntry{Cell: "C01", Name: "Đỗ Văn Bảy"})
		var plans [2]*rosterfile.Plan
		_ = db.View(context.Background(), func(tx flows.Tx) error {
			for i := range plans {
				plans[i], _ = planFile(t, tx, files[i])
			}
			return nil
		})
		var wg sync.WaitGroup
		var errs [2]error
		for i := range plans {
			wg.Go(func() {
				errs[i] = db.Update(context.Background(), func(tx flows.Tx) error { return plans[i].Apply(tx, catalog(t), now) })
			})
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil && won < 0:
				won = i
			case err == nil:
				t.Fatal("both imports planned from one roster were applied")
			case !errors.Is(err, rosterfile.ErrStale):
				t.Fatalf("import %d: %v", i, err)
			}
		}
		if won < 0 {
			t.Fatal("neither import was applied")
		}
		if got := onRoster(db); got != wants[won] {
			t.Errorf("roster = %s, want import %d's: %s", got, won, wants[won])
		}
	})
	t.Run("each in its transaction", func(t *testing.T) {
		db := openStore(t)
		var wg sync.WaitGroup
		for i := range files {
			wg.Go(func() {
				err := db.Update(context.Background(), func(tx flows.Tx) error {
					p, err := planFile(t, tx, files[i])
					if err != nil {
						return err
					}
					return p.Apply(tx, catalog(t), now)
				})
				if err != nil {
					t.Errorf("import %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		if got := onRoster(db); got != wants[0] && got != wants[1] {
			t.Errorf("roster = %s, a mix of two files", got)
		}
	})
}

// TestApplyRemovesConnected: an entry the file leaves out is taken off the
// roster as /danhsach's removal does: the member who claims it leaves the
// cell (no longer its secretary either) and is told in their private chat;
// a member on the same entry but already in another cell stays there, and
// the preview counts the connected among the removed.
func TestApplyRemovesConnected(t *testing.T) {
	db := openStore(t)
	tam := bot.UserID{Platform: bot.Telegram, ID: "7"}
	moved := bot.UserID{Platform: bot.Zalo, ID: "8"}
	var ids [2]flows.MemberID
	err := db.Update(context.Background(), func(tx flows.Tx) error {
		for i, m := range []flows.Member{
			{Name: "Lê Văn Tám", Cell: "C01", Secretary: true, Users: []bot.UserID{tam}},
			{Name: "Lê Văn Tám", Cell: "C02", Users: []bot.UserID{moved}},
		} {
			if err := tx.PutMember(&m); err != nil {
				return err
			}
			ids[i] = m.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seed(t, db,
		flows.RosterEntry{Cell: "C01", Name: "Nguyễn Thị Lan"},
		flows.RosterEntry{Cell: "C01", Name: "Lê Văn Tám", Claims: []flows.RosterClaim{{Platform: bot.Telegram, Member: ids[0]}, {Platform: bot.Zalo, Member: ids[1]}}},
		flows.RosterEntry{Cell: "C01", Name: "Trần Văn Hùng"},
	)
	cat := catalog(t)
	var p *rosterfile.Plan
	err = db.Update(context.Background(), func(tx flows.Tx) error {
		var err error
		if p, err = planFile(t, tx, csvFile(t, [][]string{{"Họ và tên", "Chi bộ"}, {"Nguyễn Thị Lan", "C01"}}, ',', false)); err != nil {
			return err
		}
		return p.Apply(tx, cat, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Preview(cat).Render(cat); !strings.Contains(got, "sẽ bỏ khỏi danh sách 2 đồng chí, trong đó 1 đồng chí đã kết nối") {
		t.Errorf("preview:\n%s", got)
	}
	_ = db.View(context.Background(), func(tx flows.Tx) error {
		if m, _, _ := tx.Member(ids[0]); m.Cell != "" || m.Secretary {
			t.Errorf("the removed member is still in cell %q (secretary %v)", m.Cell, m.Secretary)
		}
		if m, _, _ := tx.Member(ids[1]); m.Cell != "C02" {
			t.Errorf("the member of another cell was moved to %q", m.Cell)
		}
		return nil
	})
	for _, c := range []struct {
		p    bot.Platform
		want int
	}{{bot.Telegram, 1}, {bot.Zalo, 0}} {
		envs, err := db.Outbox(c.p).Pending(context.Background(), 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(envs) != c.want {
			t.Fatalf("%s outbox: %d messages, want %d", c.p, len(envs), c.want)
		}
		if c.want > 0 && (envs[0].Reply.Chat != tam.PrivateChat() || !strings.Contains(envs[0].Reply.Text, "đưa ra khỏi danh sách đảng viên của Chi bộ thôn Đông")) {
			t.Errorf("told %+v", envs[0].Reply)
		}
	}
}
