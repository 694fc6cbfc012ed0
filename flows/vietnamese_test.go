package flows

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"lamtheo/flows/text"
)

func TestSortByName(t *testing.T) {
	want := []string{
		"Trần An", "Nguyễn Văn Anh", "Hoàng Ánh", "Lê Ân", "Trần Thị Bình", "Lê Chi",
		"Lê Văn Dũng", "Phạm Đức", "Nguyễn Hà", "Vũ Uyên", "Đỗ Ưng", "Nguyễn Văn Yến",
	}
	for seed := range uint64(20) {
		ms := make([]Member, len(want))
		for i, n := range want {
			ms[i] = Member{ID: MemberID(i + 1), Name: n}
		}
		r := rand.New(rand.NewPCG(seed, 1))
		r.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
		SortByName(ms)
		var got []string
		for _, m := range ms {
			got = append(got, m.Name)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("seed %d: got %q, want %q", seed, got, want)
		}
	}
}

func TestSortByNameTies(t *testing.T) {
	ms := []Member{
		{ID: 5, Name: "Trần Văn An"},
		{ID: 3, Name: "Nguyễn Văn An"},
		{ID: 9, Name: "Nguyễn  Văn An"}, // same name, extra space
		{ID: 1, Name: "An"},
		{ID: 2, Name: ""},
	}
	SortByName(ms)
	var ids []MemberID
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	if want := []MemberID{2, 1, 3, 9, 5}; !slices.Equal(ids, want) {
		t.Errorf("got %v, want %v", ids, want)
	}
}

func TestCompareNames(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"Hoàng Ánh", "Trần Bình", -1},
		{"Lê Dũng", "Phạm Đức", -1},
		{"Phạm Đức", "Lê Em", -1},
		{"Nguyễn Văn An", "Trần An", -1},
		{"Trần An", "Nguyễn Văn An", 1},
		{"Nguyễn Hà", "Nguyễn  Hà ", 0},
		{"Nguyễn Hà", "Nguyễn Hà", 0},
		{"Nguyễn Hà", "Nguye\u0302\u0303n Ha\u0300", 0}, // NFD spelling
	}
	for _, tt := range tests {
		if got := CompareNames(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareNames(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestFormatPercent(t *testing.T) {
	tests := []struct {
		num, den int
		want     string
	}{
		{0, 0, "—"},
		{3, 0, "—"},
		{1, -2, "—"},
		{0, 5, "0%"},
		{-1, 5, "0%"},
		{5, 5, "100%"},
		{1, 2, "50%"},
		{1, 3, "33%"},
		{2, 3, "67%"},
		{12, 15, "80%"},
		{6, 7, "86%"},
		{199, 200, "99%"}, // 99.5 would round to 100
		{999, 1000, "99%"},
		{249999, 250000, "99%"},
		{1, 200, "1%"},
		{1, 1000, "1%"}, // 0.1 would round to 0
		{1, 250000, "1%"},
		{7, 6, "117%"},
	}
	for _, tt := range tests {
		if got := FormatPercent(tt.num, tt.den); got != tt.want {
			t.Errorf("FormatPercent(%d, %d) = %q, want %q", tt.num, tt.den, got, tt.want)
		}
	}
}

func TestFormatMonth(t *testing.T) {
	for m, want := range map[Month]string{202611: "tháng 11/2026", 202601: "tháng 1/2026", 210012: "tháng 12/2100"} {
		if got := FormatMonth(Text(), m); got != want {
			t.Errorf("FormatMonth(Text(), %d) = %q, want %q", m, got, want)
		}
	}
}

func TestParseMonth(t *testing.T) {
	hcm := time.FixedZone("ICT", 7*3600)
	nov := time.Date(2026, 11, 15, 9, 0, 0, 0, hcm)
	dec := time.Date(2026, 12, 3, 9, 0, 0, 0, hcm)
	jan := time.Date(2027, 1, 3, 9, 0, 0, 0, hcm)
	// 20:00 UTC on 30 November is already 1 December in Vietnam.
	edge := time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		now  time.Time
		loc  *time.Location
		want Month
		err  MonthParseReason
	}{
		{"", nov, hcm, 202611, 0},
		{"   ", nov, hcm, 202611, 0},
		{"", edge, hcm, 202612, 0},
		{"", edge, time.UTC, 202611, 0},
		{"", edge, nil, 202611, 0},
		{"11", nov, hcm, 202611, 0},
		{"10", nov, hcm, 202610, 0},
		{"12", nov, hcm, 202512, 0}, // December 2026 is still ahead
		{"1", nov, hcm, 202601, 0},
		{"01", nov, hcm, 202601, 0},
		{"1", dec, hcm, 202601, 0},
		{"12", jan, hcm, 202612, 0},
		{"1", jan, hcm, 202701, 0},
		{"2", jan, hcm, 202602, 0},
		{"11/2026", nov, hcm, 202611, 0},
		{"11-2026", nov, hcm, 202611, 0},
		{"11.2026", nov, hcm, 202611, 0},
		{" 11 / 2026 ", nov, hcm, 202611, 0},
		{"11 2026", nov, hcm, 202611, 0},
		{"11/26", nov, hcm, 202611, 0},
		{"3/2025", nov, hcm, 202503, 0},
		{"12/2030", nov, hcm, 203012, 0}, // the future is the caller's business
		{"thang 11", nov, hcm, 202611, 0},
		{"tháng 11", nov, hcm, 202611, 0},
		{"Tháng 11/2026", nov, hcm, 202611, 0},
		{"THÁNG 11", nov, hcm, 202611, 0},
		{"tha\u0301ng 11", nov, hcm, 202611, 0}, // NFD
		{"tháng 11 năm 2026", nov, hcm, 202611, 0},
		{"thang 11 nam 2026", nov, hcm, 202611, 0},
		{"tháng11", nov, hcm, 202611, 0},
		{"thg 11", nov, hcm, 202611, 0},
		{"T11", nov, hcm, 202611, 0},
		{"t11/2026", nov, hcm, 202611, 0},
		{"t 11", nov, hcm, 202611, 0},
		{"2026-11", nov, hcm, 202611, 0},
		{"2026/3", nov, hcm, 202603, 0},
		{"202611", nov, hcm, 202611, 0},
		{"\t2026 - 11\n", nov, hcm, 202611, 0},
		{"tháng này", nov, hcm, 202611, 0},
		{"này", nov, hcm, 202611, 0},
		{"tháng trước", nov, hcm, 202610, 0},
		{"thang truoc", jan, hcm, 202612, 0},
		{"trước", nov, hcm, 202610, 0},

		{"13", nov, hcm, 0, MonthParseBadMonth},
		{"0", nov, hcm, 0, MonthParseBadMonth},
		{"00", nov, hcm, 0, MonthParseBadMonth},
		{"13/2026", nov, hcm, 0, MonthParseBadMonth},
		{"2026-13", nov, hcm, 0, MonthParseBadMonth},
		{"2026-0", nov, hcm, 0, MonthParseBadMonth},
		{"tháng 13", nov, hcm, 0, MonthParseBadMonth},
		{"202613", nov, hcm, 0, MonthParseBadMonth},
		{"11/1999", nov, hcm, 0, MonthParseBadYear},
		{"11/2101", nov, hcm, 0, MonthParseBadYear},
		{"1999-11", nov, hcm, 0, MonthParseBadYear},
		{"11/2", nov, hcm, 0, MonthParseBadYear},
		{"11/202", nov, hcm, 0, MonthParseBadYear},
		{"199911", nov, hcm, 0, MonthParseBadYear},
		{"abc", nov, hcm, 0, MonthParseNotMonth},
		{"tháng", nov, hcm, 0, MonthParseNotMonth},
		{"tháng mười một", nov, hcm, 0, MonthParseNotMonth},
		{"2026", nov, hcm, 0, MonthParseNotMonth},
		{"123", nov, hcm, 0, MonthParseNotMonth},
		{"11/2026/1", nov, hcm, 0, MonthParseNotMonth},
		{"11//2026", nov, hcm, 0, MonthParseNotMonth},
		{"-11", nov, hcm, 0, MonthParseNotMonth},
		{"11a", nov, hcm, 0, MonthParseNotMonth},
		{"2026-111", nov, hcm, 0, MonthParseNotMonth},
		{"99999999999999999999", nov, hcm, 0, MonthParseNotMonth},
		{"11/99999999999999999999", nov, hcm, 0, MonthParseNotMonth},
		{"١١", nov, hcm, 0, MonthParseNotMonth}, // non-ASCII digits
	}
	for _, tt := range tests {
		got, err := ParseMonth(tt.in, tt.now, tt.loc)
		if tt.err == 0 {
			if err != nil || got != tt.want {
				t.Errorf("ParseMonth(%q, %s) = %d, %v; want %d", tt.in, tt.now, got, err, tt.want)
			}
			continue
		}
		var pe *MonthParseError
		if !errors.As(err, &pe) || pe.Reason != tt.err || got != 0 {
			t.Errorf("ParseMonth(%q) = %d, %v; want reason %d", tt.in, got, err, tt.err)
			continue
		}
		checkUserText(t, badMonthText(pe))
		if !strings.HasPrefix(pe.Error(), "parse month") {
			t.Errorf("error text %q", pe.Error())
		}
	}
}

// badMonthText renders the refusal the flows show for pe (see
// req.parseMonthArg).
func badMonthText(pe *MonthParseError) string {
	return T(text.BadMonth, map[string]string{"Input": pe.Input})
}

func TestMonthParseErrorFields(t *testing.T) {
	now := time.Date(2026, 11, 15, 9, 0, 0, 0, time.UTC)
	for in, want := range map[string]MonthParseError{
		"13/2026": {Input: "13/2026", Reason: MonthParseBadMonth, Num: 13, Year: 2026},
		"11/1999": {Input: "11/1999", Reason: MonthParseBadYear, Num: 11, Year: 1999},
		"XYZ":     {Input: "xyz", Reason: MonthParseNotMonth},
	} {
		_, err := ParseMonth(in, now, time.UTC)
		var pe *MonthParseError
		if !errors.As(err, &pe) {
			t.Fatalf("ParseMonth(%q): %v", in, err)
		}
		if *pe != want {
			t.Errorf("ParseMonth(%q) failed with %+v, want %+v", in, *pe, want)
		}
		if msg := badMonthText(pe); !strings.Contains(msg, "«"+want.Input+"»") {
			t.Errorf("ParseMonth(%q): refusal %q lacks the input", in, msg)
		}
	}
	long := strings.Repeat("x", 100)
	_, err := ParseMonth(long, now, time.UTC)
	var pe *MonthParseError
	if !errors.As(err, &pe) || utf8.RuneCountInString(pe.Input) > 41 {
		t.Errorf("long input kept as %q", pe.Input)
	}
}

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"", "11", "11/2026", "tháng 11 năm 2026", "T11", "2026-11", "202611", "13", "11/1999", "tháng trước", "\xff", "t", "1/2"} {
		f.Add(s, int64(1795000000))
	}
	hcm := time.FixedZone("ICT", 7*3600)
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		now := time.Unix(unix%(4_000_000_000)+946_684_800, 0) // 2000 to 2126
		m, err := ParseMonth(s, now, hcm)
		if err != nil {
			var pe *MonthParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseMonth(%q): error %v is not a *MonthParseError", s, err)
			}
			if pe.Reason < MonthParseNotMonth || pe.Reason > MonthParseBadYear {
				t.Fatalf("ParseMonth(%q): reason %d", s, pe.Reason)
			}
			return
		}
		if !m.Valid() || m.Year() > 2126 {
			t.Fatalf("ParseMonth(%q) = %d: not a valid month", s, m)
		}
	})
}

func TestNormalizeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  a  \t b  ", "a b"},
		{"a\r\nb", "a\nb"},
		{"a\rb", "a\nb"},
		{"a  \n  b", "a\nb"},
		{"a\n\n\n\n b", "a\n\nb"},
		{"\n\n a \n\n", "a"},
		{"Đu\u031bc", "Đưc"},
		{"Nguye\u0302\u0303n", "Nguyễn"},
		{"\x00a\x07b\x1b", "ab"},
		{"a\u200bb\ufeff", "ab"},
		{"a\u00a0b", "a b"},
		{"a\u2028b", "a\nb"},
		{"a\xffb", "ab"},
		{"a\ufffdb", "a\ufffdb"}, // a real replacement character stays
		{"👨\u200d👩\u200d👧 gia đình", "👨\u200d👩\u200d👧 gia đình"},
		// Invisible format characters (finding 13): bidi embeddings,
		// overrides and isolates, zero-width characters, the soft hyphen,
		// word joiner and BOM, and the Hangul fillers that show as nothing.
		{"Nguy\u202eễn Văn A\u202c", "Nguyễn Văn A"},
		{"\u202a\u202b\u202c\u202d\u202eabc", "abc"},
		{"\u2066Lan\u2069 \u2067x\u2068y", "Lan xy"},
		{"a\u200bb\u200cc\u200dd\u2060e\ufeff", "abcde"},
		{"a\u200e\u200fb\u061cc", "abc"},
		{"xo\u00adng", "xong"},
		{"\u3164\u115f\u1160\uffa0", ""},
		{"a \u200b b", "a b"},
		{"\u200d👍", "👍"},
		{"❤\ufe0f\u200d🔥", "❤\ufe0f\u200d🔥"},
		// "Zalgo" text: at most maxMarks marks stay on a character, and a
		// run NFC would break with U+034F is cut first.
		{"a" + strings.Repeat("\u0302\u0303", 20) + "b", "ẫ" + strings.Repeat("\u0302\u0303", 3) + "b"},
		{"\ud55c" + strings.Repeat("\u0302\u0303", 16), "\ud55c" + strings.Repeat("\u0302\u0303", 4)},
		{"x\u0344\u0344\u0344\u0344\u0344\u0344\u0344\u0344", "ẍ" + strings.Repeat("\u0301\u0308", 4)},
		{"Nguye\u0302\u0303n" + strings.Repeat("\u0301", 3), "Nguyễń\u0301\u0301"},
	}
	for _, tt := range tests {
		if got := NormalizeText(tt.in); got != tt.want {
			t.Errorf("NormalizeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{"", " a \t b\r\n\n\nc ", "Nguye\u0302\u0303n", "\x00\xff", "a\u0301\u0300", " \u0301x",
		"\u202eabc\u202c", "\u2066x\u2069", "a\u200b\u200c\u200d\u2060\ufeffb", "👨\u200d👩\u200d👧", "\u200d\u200d👍\u200d", "\u3164",
		"\ud55c" + strings.Repeat("\u0302\u0303", 16), "x" + strings.Repeat("\u0344", 12)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NormalizeText(s)
		if !utf8.ValidString(got) {
			t.Fatalf("NormalizeText(%q) = %q: invalid UTF-8", s, got)
		}
		if again := NormalizeText(got); again != got {
			t.Fatalf("not idempotent: %q → %q → %q", s, got, again)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Fatalf("NormalizeText(%q) = %q: not NFC", s, got)
		}
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") || strings.Contains(got, "\n\n\n") {
			t.Fatalf("NormalizeText(%q) = %q: spaces left", s, got)
		}
		for _, r := range got {
			if r != '\n' && (unicode.IsControl(r) || (unicode.IsSpace(r) && r != ' ')) {
				t.Fatalf("NormalizeText(%q) = %q: kept %U", s, got, r)
			}
			if unicode.Is(unicode.Cf, r) && r != '\u200d' || invisibleFiller(r) {
				t.Fatalf("NormalizeText(%q) = %q: kept the invisible %U", s, got, r)
			}
		}
		// A zero-width joiner stays only between two pictographs (emoji).
		rs := []rune(got)
		for i, r := range rs {
			if r == '\u200d' && (i == 0 || i == len(rs)-1 || !unicode.Is(unicode.So, rs[i+1]) || rs[i+1] == utf8.RuneError ||
				!(unicode.In(rs[i-1], unicode.So, unicode.Sk) || rs[i-1] == '\ufe0f')) {
				t.Fatalf("NormalizeText(%q) = %q: kept a joiner outside an emoji", s, got)
			}
		}
	})
}

// FuzzNames: the name helpers never panic, and keep their promises on any
// valid UTF-8 (what NormalizeText leaves of typed text). foldName, which
// "the same name" compares, is idempotent, single spaced and, for NFC text,
// drops every mark; sameName is reflexive and symmetric; the Vietnamese
// name order (CompareNames) has a name equal to itself and flips its sign
// when the names swap; a word matches itself (vnMatchWord).
func FuzzNames(f *testing.F) {
	for _, s := range []string{"Trần Văn Hùng", "tran van  hung", "ĐỖ ƯNG", "Nguye\u0302\u0303n", "\u0301x", "İstanbul", "ǅ", "a\xffb", "", "  ", "Phạm\tĐức"} {
		f.Add(s, "Nguyễn Thị Lan")
	}
	coll := collate.New(language.Vietnamese) // one for the run: a new one per call is slow
	var buf collate.Buffer
	f.Fuzz(func(t *testing.T, a, b string) {
		fa := foldName(a)
		if !utf8.ValidString(a) {
			return
		}
		if again := foldName(fa); again != fa {
			t.Fatalf("foldName not idempotent: %q → %q → %q", a, fa, again)
		}
		if strings.TrimSpace(fa) != fa || strings.Contains(fa, "  ") {
			t.Fatalf("foldName(%q) = %q: spaces left", a, fa)
		}
		if norm.NFC.IsNormalString(a) {
			for _, r := range norm.NFD.String(fa) {
				if unicode.Is(unicode.Mn, r) {
					t.Fatalf("foldName(%q) = %q: keeps the mark %U", a, fa, r)
				}
			}
		}
		if !sameName(a, a) || sameName(a, b) != sameName(b, a) {
			t.Fatalf("sameName(%q, %q) not reflexive or symmetric", a, b)
		}
		buf.Reset()
		ka, kb := vnMakeKey(coll, &buf, a), vnMakeKey(coll, &buf, b)
		if ka.compare(ka) != 0 || ka.compare(kb) != -kb.compare(ka) {
			t.Fatalf("CompareNames(%q, %q) = %d, reversed %d", a, b, ka.compare(kb), kb.compare(ka))
		}
		if w := strings.Fields(a); len(w) == 1 && !vnMatchWord(w[0], w[0]) {
			t.Fatalf("vnMatchWord(%q, itself) = false", w[0])
		}
	})
}

func TestVnMatchWord(t *testing.T) {
	tests := []struct {
		typed, want string
		ok          bool
	}{
		{"đã", "đã", true},
		{"da", "đã", true},
		{"đa", "đã", true},
		{"dã", "đã", true},
		{"ĐÃ", "đã", true},
		{"Da", "đã", true},
		{"da\u0303", "đã", true}, // NFD
		{"chua", "chưa", true},
		{"thuc", "thực", true},
		{"thưc", "thực", true}, // the hook without the tone
		{"thục", "thực", true}, // the tone without the hook
		{"rồi", "rồi", true},
		{"roi", "rồi", true},
		{"rôi", "rồi", true},
		{"rơi", "rồi", false},   // a wrong mark
		{"đăng", "đang", false}, // a wrong mark
		{"dạ", "đã", false},
		{"đ", "d", false}, // đ is not d with a mark left out
		{"xong", "xong", true},
		{"xon", "xong", false},
		{"xongg", "xong", false},
		{"", "xong", false},
		{"", "", true},
	}
	for _, tt := range tests {
		if got := vnMatchWord(tt.typed, tt.want); got != tt.ok {
			t.Errorf("vnMatchWord(%q, %q) = %v, want %v", tt.typed, tt.want, got, tt.ok)
		}
	}
}
