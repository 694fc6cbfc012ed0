package export_test

import (
	"testing"

	"lamtheo/flows/text"
)

// TestWriteRowsRoundTrip reads back the member and deed rows rowEnc
// writes: markup, spaces at the ends and line breaks survive.
func TestWriteRowsRoundTrip(t *testing.T) {
	b := book()
	b.members[0].Name = ` Lê <Văn> & "Tư" `
	b.members[0].Deeds[0].Text = "Trồng cây\nDọn 'đường' làng"
	f := write(t, b)
	want(t, f, sheet(text.ExportMemberSheet), map[string]string{"B5": ` Lê <Văn> & "Tư" `, "C5": "Chi bộ thôn Đông"})
	want(t, f, sheet(text.ExportDeedSheet), map[string]string{"F5": "Trồng cây\nDọn 'đường' làng", "C5": "11", "G6": "Chi bộ ghi hộ"}, "C5")
}
