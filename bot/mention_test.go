package bot

import "testing"

func TestStripMention(t *testing.T) {
	const name = "Bot Xã Demo"
	tests := []struct {
		text, name, want string
		ok               bool
	}{
		{"@Bot Xã Demo /summary 11", name, "/summary 11", true},
		{"@bot xã demo /summary", name, "/summary", true},
		{"@Bot Xã Demo, 2", name, "2", true},
		{"@Bot Xã Demo: /baocao", name, "/baocao", true},
		{"  @Bot Xã Demo  ", name, "", true},
		{"@Bot Xã Demo1 /summary", name, "/summary", true}, // another bot's longer name: up to the command
		{"@Bot Chi Bộ 3 /summary", name, "/summary", true}, // the platform showed another name
		{"@Lan xin chào", name, "xin chào", true},
		{"@Lan", name, "", true},
		{"/summary", name, "/summary", false},
		{"  chào cả nhà ", name, "chào cả nhà", false},
		{"@@Bot Xã Demo /x", "@" + name, "/x", true}, // a name given with its "@"
		{"@Bot Xã Demo /summary", "", "/summary", true},
	}
	for _, tt := range tests {
		got, ok := StripMention(tt.text, tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("StripMention(%q, %q) = %q, %v; want %q, %v", tt.text, tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzStripMention(f *testing.F) {
	f.Add("@Bot Xã Demo /summary 11", "Bot Xã Demo")
	f.Add("@", "")
	f.Add("@\xff /x", "\xff")
	f.Fuzz(func(t *testing.T, text, name string) {
		rest, ok := StripMention(text, name)
		if len(rest) > len(text) {
			t.Fatalf("StripMention(%q, %q) = %q: longer than the text", text, name, rest)
		}
		if !ok && rest != text && len(rest) >= len(text) {
			t.Fatalf("no mention, yet the text changed: %q -> %q", text, rest)
		}
	})
}
