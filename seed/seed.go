package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

// Options describe the organisation to make up.
type Options struct {
	Members int         // members on the rosters, spread evenly over the cells
	Cells   int         // chi bộ
	Months  int         // months of reports, ending with Until
	Until   flows.Month // the last month with reports (partly reported)
	Seed    uint64      // the random source's seed: the same options make the same data
	// Categories are the pledge categories' keys (the configuration's).
	Categories []string
}

// Stats count what Write stored.
type Stats struct {
	Cells, Roster, Members, Pledges, Reports int
}

// batchMembers is how many roster entries go in one write transaction:
// thousands of records per commit, so that seeding a province takes
// minutes, not one fsync per record.
const batchMembers = 5000

// CellCode returns the code of cell i (from 0): "C0001"…
func CellCode(i int) string { return fmt.Sprintf("C%04d", i+1) }

// CellName returns the name of cell i.
func CellName(i int) string {
	k := i / 20 // twenty cells a commune
	commune := communes[k%len(communes)]
	if k >= len(communes) {
		commune += fmt.Sprintf(" %d", k/len(communes)+1)
	}
	return fmt.Sprintf("Chi bộ thôn %d, xã %s", i%20+1, commune)
}

// MeetingDay returns the meeting day of cell i: a third of the cells meet
// on a set day, the others follow the organisation's deadline.
func MeetingDay(i int) int {
	if i%3 == 0 {
		return 5 + i%10
	}
	return 0
}

// Write stores the organisation o describes through st, in transactions
// of a few thousand members each; progress, if not nil, is called after
// each with the members done so far.
func Write(ctx context.Context, st flows.Store, o Options, progress func(done int)) (Stats, error) {
	if o.Cells < 1 || o.Members < o.Cells || o.Months < 1 || !o.Until.Valid() || len(o.Categories) == 0 {
		return Stats{}, fmt.Errorf("seed: want members ≥ cells ≥ 1, months ≥ 1, a valid month and categories (got %+v)", o)
	}
	var s Stats
	r := rand.New(rand.NewPCG(o.Seed, 0x1a37e0))
	first := o.Until
	for range o.Months - 1 {
		first = first.Prev()
	}
	for c := 0; c < o.Cells; {
		var cells []int
		for n := 0; c < o.Cells && (n == 0 || n+o.Members/o.Cells <= batchMembers); c++ {
			cells = append(cells, c)
			n += cellSize(o, c)
		}
		err := st.Update(ctx, func(tx flows.Tx) error {
			for _, c := range cells {
				if err := writeCell(tx, o, c, first, r, &s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return s, err
		}
		if progress != nil {
			progress(s.Roster)
		}
	}
	return s, nil
}

// cellSize returns how many people are on cell c's roster.
func cellSize(o Options, c int) int {
	n := o.Members / o.Cells
	if c < o.Members%o.Cells {
		n++
	}
	return n
}

// writeCell stores cell c, its roster, its members with their pledges and
// reports.
func writeCell(tx flows.Tx, o Options, c int, first flows.Month, r *rand.Rand, s *Stats) error {
	code := CellCode(c)
	cell := flows.Cell{Code: code, Name: CellName(c), MeetingDay: MeetingDay(c),
		Groups: []bot.ChatID{{Platform: bot.Telegram, ID: fmt.Sprint(-1001000000000 - int64(c))}}}
	if err := tx.PutCell(cell); err != nil {
		return err
	}
	s.Cells++
	joined := first.Start(time.UTC).AddDate(0, -1, 0)
	for i := range cellSize(o, c) {
		e := flows.RosterEntry{Cell: code, Name: name(r), Added: joined}
		e.Folded = flows.FoldName(e.Name)
		switch p := r.IntN(100); {
		case p < 3:
			e.Status = flows.RosterExempt
		case p < 10:
			e.Status = flows.RosterProbation
		}
		switch i {
		case 0:
			e.Role = "Bí thư"
		case 1:
			e.Role = "Phó bí thư"
		}
		// Most people are connected (the secretary always): 60 % on
		// Telegram, the others on Zalo.
		if i == 0 || r.IntN(100) < 92 {
			m := flows.Member{Name: e.Name, Cell: code, Secretary: i == 0, Joined: joined}
			if e.Status == flows.RosterExempt {
				m.Status = flows.Exempt
			}
			p := bot.Telegram
			if r.IntN(100) >= 60 {
				p = bot.Zalo
			}
			id := s.Roster + 1
			if p == bot.Telegram {
				m.Users = []bot.UserID{{Platform: p, ID: fmt.Sprint(5000000000 + id)}}
			} else {
				m.Users = []bot.UserID{{Platform: p, ID: fmt.Sprintf("%016x", uint64(id)*0x9e3779b97f4a7c15)}}
			}
			if r.IntN(100) < 2 { // tạm hoãn: ill, working away
				m.PausedUntil = o.Until.Next().Next().Start(time.UTC)
				m.PauseReason = pauseReasons[r.IntN(len(pauseReasons))]
			}
			if err := tx.PutMember(&m); err != nil {
				return err
			}
			s.Members++
			e.Claims = []flows.RosterClaim{{Platform: p, Member: m.ID, At: joined}}
			if err := writeHistory(tx, o, m, first, r, s); err != nil {
				return err
			}
		}
		if err := tx.PutRosterEntry(&e); err != nil {
			return err
		}
		s.Roster++
	}
	return nil
}

// writeHistory stores member m's pledges (3-5 items, approved) for every
// year of the months and their monthly reports: most months for most
// members, the last month for about half of them.
func writeHistory(tx flows.Tx, o Options, m flows.Member, first flows.Month, r *rand.Rand, s *Stats) error {
	if m.Status == flows.Exempt {
		return nil
	}
	diligence := 60 + r.IntN(41) // percent of months this member reports
	items := map[int][]flows.PledgeItem{}
	for mo := first; mo <= o.Until; mo = mo.Next() {
		y := mo.Year()
		if _, ok := items[y]; !ok {
			p := pledge(o, m.ID, y, r)
			if err := tx.PutPledge(p); err != nil {
				return err
			}
			s.Pledges++
			items[y] = p.Items
		}
		chance := diligence
		if mo == o.Until {
			chance /= 2
		}
		if r.IntN(100) >= chance {
			continue
		}
		rep := flows.Report{Member: m.ID, Month: mo,
			Submitted: mo.Start(time.UTC).AddDate(0, 0, 15+r.IntN(12)).Add(time.Duration(r.IntN(12*3600)) * time.Second),
			Exemplary: r.IntN(100) < 3}
		for _, it := range items[y] {
			rep.Entries = append(rep.Entries, flows.Entry{Item: it.No, Status: flows.ItemStatus(r.IntN(3)), Text: deeds[r.IntN(len(deeds))]})
		}
		if err := tx.PutReport(rep); err != nil {
			return err
		}
		s.Reports++
	}
	return nil
}

// pledge returns an approved pledge of 3-5 items for year.
func pledge(o Options, id flows.MemberID, year int, r *rand.Rand) flows.Pledge {
	n := 3 + r.IntN(3)
	p := flows.Pledge{Member: id, Year: year, Status: flows.PledgeApproved, NextNo: n + 1,
		Submitted: time.Date(year, 1, 10, 9, 0, 0, 0, time.UTC), Decided: time.Date(year, 1, 12, 9, 0, 0, 0, time.UTC)}
	for no := 1; no <= n; no++ {
		p.Items = append(p.Items, flows.PledgeItem{No: no, Text: pledgeTexts[r.IntN(len(pledgeTexts))],
			Category: o.Categories[r.IntN(len(o.Categories))], Target: targets[r.IntN(len(targets))]})
	}
	return p
}

// name returns a made-up Vietnamese full name.
func name(r *rand.Rand) string {
	return families[r.IntN(len(families))] + " " + middles[r.IntN(len(middles))] + " " + givens[r.IntN(len(givens))]
}

var (
	families     = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	middles      = []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Xuân"}
	givens       = []string{"An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hùng", "Hương", "Lan", "Long", "Mai", "Nam", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Việt", "Yến"}
	communes     = []string{"Yên Lạc", "Tân Phú", "Hòa Bình", "Đông Sơn", "Tây Hồ", "Phú Lộc", "Thạch Thất", "Quảng Điền"}
	pauseReasons = []string{"Ốm đau, điều trị dài ngày", "Đi làm ăn xa", "Chăm sóc người thân"}
	pledgeTexts  = []string{
		"Tham gia đầy đủ sinh hoạt chi bộ", "Vận động gia đình giữ gìn vệ sinh môi trường",
		"Giúp đỡ hộ nghèo trong thôn", "Đọc và trao đổi một bài viết về tư tưởng Hồ Chí Minh",
		"Tham gia lao động công ích", "Hòa giải mâu thuẫn trong khu dân cư", "Tiết kiệm điện, nước tại cơ quan",
	}
	targets = []string{"", "mỗi tháng 1 lần", "mỗi quý 1 lần", "cả năm"}
	deeds   = []string{
		"Đã tham gia dọn vệ sinh đường thôn", "Đã đến thăm hỏi gia đình chính sách",
		"Đã đọc bài và trao đổi trong sinh hoạt chi bộ", "Đang vận động các hộ phân loại rác",
		"Đã góp 2 ngày công làm đường liên thôn", "Chưa làm được, sẽ làm tháng sau",
	}
)
