package flows

import "testing"

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in, name, args string
		ok             bool
	}{
		{"/baocao", "baocao", "", true},
		{"/BaoCao 11", "baocao", "11", true},
		{"/baocao@lamtheo_bot  tháng 11 ", "baocao", "tháng 11", true},
		{"/baocao\n1 xong\n2 chưa", "baocao", "1 xong\n2 chưa", true}, // a report starting on the next line
		{"/baocao\t1 xong", "baocao", "1 xong", true},
		{"/baocao\u00a01 xong", "baocao", "1 xong", true},
		{" /help ", "help", "", true},
		{"/", "", "", false},
		{"baocao", "", "", false},
	}
	for _, tt := range tests {
		name, args, ok := parseCommand(tt.in)
		if name != tt.name || args != tt.args || ok != tt.ok {
			t.Errorf("parseCommand(%q) = %q, %q, %v; want %q, %q, %v", tt.in, name, args, ok, tt.name, tt.args, tt.ok)
		}
	}
}
