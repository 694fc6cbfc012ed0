package flows_test

import (
	"strings"
	"testing"

	"lamtheo/bot"
	"lamtheo/flows"
)

// TestRosterList (issue 11): /danhsach shows the cell's roster numbered,
// with the counts first (total, connected, not connected, miễn) and, for
// each person, their status, role and where they connected; removed
// entries are left out. An admin names the cell.
func TestRosterList(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	es := h.seedRoster("C01", "Nguyễn Văn An", "Lê Thị Năm", "Đỗ Văn Sáu", "Phạm Thị Bảy")
	h.update(func(tx flows.Tx) error {
		es[1].Status, es[1].Role = flows.RosterExempt, "Chi ủy viên"
		es[0].Claims = []flows.RosterClaim{{Platform: bot.Telegram, Member: 2, At: h.now}, {Platform: bot.Zalo, Member: 2, At: h.now}}
		es[3].Removed = h.now
		for i := range es {
			if err := tx.PutRosterEntry(&es[i]); err != nil {
				return err
			}
		}
		return nil
	})
	for _, who := range []struct {
		u    bot.UserID
		text string
	}{{env.users["secOwn"], "/danhsach"}, {env.users["admin"], "/danhsach c01"}} {
		reps := h.send(who.u, who.text)
		got := joined(reps)
		wantIn(t, strings.Join(labels(reps), "|"), "Thêm một đồng chí", "Sửa tên", "Đổi trạng thái", "Xoá khỏi danh sách", "Tải tệp mẫu", "Nhập từ tệp")
		wantIn(t, got, "Danh sách đảng viên của Chi bộ Một",
			"Tổng số 3 đồng chí: đã kết nối với bot 1, chưa kết nối 2; miễn công tác và sinh hoạt đảng 1.",
			"1. Nguyễn Văn An — Chính thức — đã kết nối qua Telegram, Zalo",
			"2. Lê Thị Năm — Miễn công tác và sinh hoạt đảng, Chi ủy viên — «chưa kết nối»",
			"3. Đỗ Văn Sáu — Chính thức — «chưa kết nối»")
		wantNotIn(t, got, "Phạm Thị Bảy")
	}
}

// TestRosterEdit (issue 11): each change of /danhsach is confirmed before
// it is written: adding a person (a name already on the roster flagged),
// renaming, changing the status, removing (keeping the entry, marked
// removed; a connected member leaves the cell and is told). A person is
// picked by number or by name, diacritics aside.
func TestRosterEdit(t *testing.T) {
	type step struct{ typed, want string }
	tests := []struct {
		name  string
		steps []step
		check func(t *testing.T, h *harness, roster []flows.RosterEntry)
	}{
		{"add", []step{{"1", "gõ họ và tên"}, {"Hoàng Văn Tám", "Trạng thái"}, {"2", "Thêm vào danh sách đảng viên của Chi bộ Một: đồng chí Hoàng Văn Tám, Dự bị?"},
			{"1", "Đã thêm đồng chí Hoàng Văn Tám"}},
			func(t *testing.T, h *harness, roster []flows.RosterEntry) {
				if len(roster) != 4 || roster[3].Name != "Hoàng Văn Tám" || roster[3].Status != flows.RosterProbation {
					t.Errorf("roster %+v", roster)
				}
			}},
		{"add a name already there", []step{{"1", "gõ họ và tên"}, {"Le Thi Nam", "Trạng thái"}, {"1", "danh sách đã có 1 đồng chí cùng tên; bot vẫn ghi thành người khác. Lưu ý: tên chưa có dấu"},
			{"1", "Đã thêm"}}, func(t *testing.T, h *harness, roster []flows.RosterEntry) {
			if len(roster) != 4 {
				t.Errorf("roster %+v", roster)
			}
		}},
		{"rename by number", []step{{"2", "số thứ tự"}, {"2", "họ và tên đúng"}, {"Lê Thị Nậm", "Sửa tên đồng chí Lê Thị Năm thành «Lê Thị Nậm»?"},
			{"1", "Đã sửa tên thành Lê Thị Nậm."}}, func(t *testing.T, h *harness, roster []flows.RosterEntry) {
			if roster[1].Name != "Lê Thị Nậm" {
				t.Errorf("roster %+v", roster)
			}
		}},
		{"status by name", []step{{"3", "số thứ tự"}, {"tran van hung", "Trạng thái của đồng chí Trần Văn Hùng"}, {"3", "Việc miễn công tác và sinh hoạt đảng là quyết định của chi bộ"},
			{"1", "thành «Miễn công tác và sinh hoạt đảng»"}}, func(t *testing.T, h *harness, roster []flows.RosterEntry) {
			if roster[2].Status != flows.RosterExempt {
				t.Errorf("roster %+v", roster)
			}
		}},
		{"remove, declined", []step{{"4", "số thứ tự"}, {"Năm", "Đưa đồng chí Lê Thị Năm ra khỏi danh sách"}, {"2", "Đã thôi"}},
			func(t *testing.T, h *harness, roster []flows.RosterEntry) {
				if !roster[1].OnRoster() {
					t.Errorf("removed: %+v", roster[1])
				}
			}},
		{"remove a connected member", []step{{"4", "số thứ tự"}, {"3", "Tài khoản Telegram của đồng chí ấy cũng thôi kết nối với chi bộ"},
			{"1", "Đã đưa đồng chí Trần Văn Hùng ra khỏi danh sách"}}, func(t *testing.T, h *harness, roster []flows.RosterEntry) {
			if roster[2].OnRoster() || len(roster[2].Claims) != 1 {
				t.Errorf("entry %+v, want removed with its claim kept", roster[2])
			}
			if m := h.member(roster[2].Claims[0].Member); m.Cell != "" {
				t.Errorf("member %+v still in the cell", m)
			}
		}},
		{"unknown person", []step{{"2", "số thứ tự"}, {"Vũ Văn Mười", "Không có ai trong danh sách ứng với «Vũ Văn Mười»"}, {"9", "từ 1 đến 3"}}, nil},
		{"remove oneself", []step{{"4", "số thứ tự"}, {"Trần Văn Hai", "không tự đưa mình ra khỏi danh sách"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newAccessEnv(t)
			h := env.harness
			sec := env.users["secOwn"]
			es := h.seedRoster("C01", "Trần Văn Hai", "Lê Thị Năm", "Trần Văn Hùng")
			hung := h.addMember(flows.Member{Name: "Trần Văn Hùng", Cell: "C01", Users: []bot.UserID{tg("66")}})
			h.update(func(tx flows.Tx) error {
				es[0].Claims = []flows.RosterClaim{{Platform: bot.Telegram, Member: 1, At: h.now}}
				es[2].Claims = []flows.RosterClaim{{Platform: bot.Telegram, Member: hung.ID, At: h.now}}
				if err := tx.PutRosterEntry(&es[0]); err != nil {
					return err
				}
				return tx.PutRosterEntry(&es[2])
			})
			h.send(sec, "/danhsach")
			for _, s := range tc.steps {
				wantIn(t, joined(h.send(sec, s.typed)), s.want)
			}
			if tc.check != nil {
				var roster []flows.RosterEntry
				h.view(func(tx flows.Tx) (err error) { roster, err = tx.Roster("C01"); return err })
				tc.check(t, h, roster)
			}
		})
	}
}

// TestRosterStale (issue 11): a change confirmed on a roster that changed
// since it was shown (another secretary's edit, a person connecting) is
// refused, nothing written, and the roster shown afresh.
func TestRosterStale(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	sec, admin := env.users["secOwn"], env.users["admin"]
	h.seedRoster("C01", "Lê Thị Năm")
	h.send(sec, "/danhsach")
	h.send(sec, "1")
	h.send(sec, "Hoàng Văn Tám")
	wantIn(t, joined(h.send(sec, "1")), "Thêm vào danh sách")
	// Meanwhile the admin adds someone.
	h.send(admin, "/danhsach C01")
	h.send(admin, "1")
	h.send(admin, "Vũ Thị Chín")
	h.send(admin, "1")
	wantIn(t, joined(h.send(admin, "1")), "Đã thêm đồng chí Vũ Thị Chín")
	got := joined(h.send(sec, "1"))
	wantIn(t, got, "Danh sách của chi bộ vừa thay đổi", "chưa có gì được ghi", "2. Vũ Thị Chín")
	var roster []flows.RosterEntry
	h.view(func(tx flows.Tx) (err error) { roster, err = tx.Roster("C01"); return err })
	for _, e := range roster {
		if strings.Contains(e.Name, "Tám") {
			t.Errorf("written on a stale roster: %+v", roster)
		}
	}
}

// TestRosterTemplateAndImport (issue 11): «Tải tệp mẫu» sends the template
// as a file where the platform uploads files and says how to get it
// elsewhere; «Nhập từ tệp» says to send the file here where the platform
// receives files, and names the other ways on one that does not (Zalo).
func TestRosterTemplateAndImport(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	h.eng.RosterTemplate = func(c flows.Cell) ([]byte, error) { return []byte("PK" + c.Code), nil }
	sec := env.users["secOwn"]
	h.send(sec, "/danhsach")
	reps := h.send(sec, "5")
	if len(reps) != 1 || reps[0].File == nil || string(reps[0].File.Data) != "PKC01" || reps[0].File.Name != "danh-sach-mau-c01.xlsx" {
		t.Fatalf("template: %s", dump(reps))
	}
	h.send(sec, "/danhsach")
	wantIn(t, joined(h.send(sec, "6")), "gửi tệp ấy cho bot ngay trong chat riêng này")

	zh := zaloHarness(t, flows.Plan{})
	zsec := zh.addMember(flows.Member{Name: "Nguyễn Thị Lan", Cell: "C01", Secretary: true, Users: []bot.UserID{zl("z9")}})
	zh.send(zsec.Users[0], "/danhsach")
	wantIn(t, joined(zh.send(zsec.Users[0], "5")), "Bot này không gửi tệp được", "lamtheo roster-template")
	zh.send(zsec.Users[0], "/danhsach")
	wantIn(t, joined(zh.send(zsec.Users[0], "6")), "Bot này không nhận được tệp", "bot Telegram", "lamtheo import-roster", ":nhap")
}

// TestRosterNoChange (issue 11): a status or a name set to what it is
// already is not asked for confirmation: nothing changes.
func TestRosterNoChange(t *testing.T) {
	for _, steps := range [][]string{{"3", "1", "1"}, {"2", "1", "Lê Thị Năm"}} {
		env := newAccessEnv(t)
		h := env.harness
		h.seedRoster("C01", "Lê Thị Năm")
		h.send(env.users["secOwn"], "/danhsach")
		var got string
		for _, s := range steps {
			got = joined(h.send(env.users["secOwn"], s))
		}
		wantIn(t, got, "không có gì thay đổi")
	}
}

// TestExemptOnRoster (issue 11): /mien and /danhsach's status agree: the
// roster entry of a member exempted with /mien becomes miễn, and chính
// thức again when the exemption is taken back; /danhsach's miễn exempts
// the member who claims the entry.
func TestExemptOnRoster(t *testing.T) {
	env := newAccessEnv(t)
	h := env.harness
	sec := env.users["secOwn"]
	var bon flows.Member
	h.update(func(tx flows.Tx) error {
		m, _, err := tx.MemberOf(env.users["member"])
		bon = m
		if err != nil {
			return err
		}
		return tx.PutRosterEntry(flows.RosterEntryOf(m))
	})
	status := func() flows.RosterStatus {
		var e flows.RosterEntry
		h.view(func(tx flows.Tx) (err error) { e, _, err = tx.RosterOf(bon.ID); return err })
		return e.Status
	}
	reps := h.send(sec, "/mien")
	reps = h.choose(sec, reps, "Phạm Văn Bốn")
	h.choose(sec, reps, "Đồng ý")
	if got := status(); got != flows.RosterExempt {
		t.Fatalf("entry status %v after /mien, want miễn", got)
	}
	reps = h.send(sec, "/mien")
	reps = h.choose(sec, reps, "Phạm Văn Bốn")
	h.send(sec, "1")
	if got := status(); got != flows.RosterFull {
		t.Fatalf("entry status %v after the exemption was taken back, want chính thức", got)
	}
	h.send(sec, "/danhsach")
	h.send(sec, "3")
	h.send(sec, "Phạm Văn Bốn")
	h.send(sec, "3")
	wantIn(t, joined(h.send(sec, "1")), "Đã đổi trạng thái")
	if m := h.member(bon.ID); m.Status != flows.Exempt {
		t.Errorf("member status %v after /danhsach's miễn, want exempt", m.Status)
	}
	// Each change is recorded with its date: /mien, its taking back, and
	// /danhsach's (miễn, chính thức, miễn).
	var e flows.RosterEntry
	h.view(func(tx flows.Tx) (err error) { e, _, err = tx.RosterOf(bon.ID); return err })
	want := []flows.RosterStatus{flows.RosterFull, flows.RosterExempt, flows.RosterFull}
	if len(e.Statuses) != len(want) {
		t.Fatalf("status history %v, want changes from %v", e.Statuses, want)
	}
	for i, c := range e.Statuses {
		if c.From != want[i] || c.At.IsZero() {
			t.Errorf("change %d: %+v, want from %v with its date", i, c, want[i])
		}
	}
}
