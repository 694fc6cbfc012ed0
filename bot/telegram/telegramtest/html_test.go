package telegramtest

import "testing"

func TestPlainText(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"a &lt;b&gt; &amp; &quot;c&quot; &#65;&#x42;", `a <b> & "c" AB`, true},
		{"<b>đậm</b>\n<i>nghiêng <u>x</u></i>", "đậm\nnghiêng x", true},
		{`<a href="https://t.me/x">link</a>`, "link", true},
		{"a < b", "", false},
		{"a > b", "", false},
		{"a & b", "", false},
		{"<b>x", "", false},
		{"<b>x</i>", "", false},
		{"<script>x</script>", "", false},
	}
	for _, tt := range tests {
		got, err := plainText(tt.in, "HTML")
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("plainText(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if got, err := plainText("a < b", ""); err != nil || got != "a < b" {
		t.Errorf("no parse mode: %q, %v", got, err)
	}
}
