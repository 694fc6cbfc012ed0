package export_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"lamtheo/flows"
	"lamtheo/flows/export"
)

// words make up names and deeds that compress about as free Vietnamese
// text does (the generated book's repeated texts compress far better).
var words = strings.Fields("trồng cây keo dọn đường làng thăm hỏi gia đình chính sách giúp đỡ hộ nghèo vận động con cháu đi học " +
	"tham gia sinh hoạt chi bộ đóng góp quỹ khuyến học sửa nhà văn hóa tuyên truyền pháp luật an toàn giao thông vệ sinh " +
	"môi trường phân loại rác thải nhựa chăm sóc vườn cây ăn quả hòa giải mâu thuẫn xóm giềng học tập làm theo tấm gương " +
	"đạo đức phong cách Hồ Chí Minh nêu gương rèn luyện tu dưỡng bản thân hiến đất mở rộng ngõ xóm kiểm tra giám sát " +
	"người cao tuổi thanh niên phụ nữ nông dân cựu chiến binh mặt trận tổ quốc")

func phrase(r *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
		if r.IntN(8) == 0 {
			fmt.Fprintf(&b, " %d", r.IntN(1000))
		}
	}
	return b.String()
}

// TestFileSize measures the workbook's bytes for MEMBERS members of 12
// months with DEEDS deeds each, items of ITEM and deeds of TEXT bytes,
// from LAMTHEO_EXPORT_SIZE="MEMBERS DEEDS ITEM TEXT" (skipped without):
// what DefaultExportDeeds was chosen from (README, "/xuat").
func TestFileSize(t *testing.T) {
	env := os.Getenv("LAMTHEO_EXPORT_SIZE")
	if env == "" {
		t.Skip("set LAMTHEO_EXPORT_SIZE")
	}
	var members, deeds, item, text int
	if _, err := fmt.Sscan(env, &members, &deeds, &item, &text); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	b := generated(0)
	b.MaxDeeds = max(members*deeds, 1)
	b.Members = func(yield func(*flows.ExportMember) bool) error {
		m := flows.ExportMember{Items: 3, Marks: make([]flows.ExportMark, 12), Reported: 6, Due: 11}
		for i := range members {
			for k := range m.Marks {
				m.Marks[k] = flows.ExportMark(1 + r.IntN(2))
			}
			m.Name, m.Cell = phrase(r, 14), fmt.Sprintf("Chi bộ thôn số %d", i/125+1)
			m.Deeds = m.Deeds[:0]
			for j := range deeds {
				m.Deeds = append(m.Deeds, flows.ExportDeed{Name: m.Name, Cell: m.Cell, Month: flows.Month(202601 + j%12),
					Item: phrase(r, item), Status: flows.ItemStatus(r.IntN(3)), Text: phrase(r, text)})
			}
			if !yield(&m) {
				return nil
			}
		}
		return nil
	}
	data, err := export.Write(catalogue(t), b)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d members, %d deeds each: %d bytes", members, deeds, len(data))
}
