package flows

import (
	"strconv"
	"strings"
	"unicode"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// Typing as people type: a choice picked by its words, a command typed
// with diacritics or a letter off, «Giữ như cũ» always choice 1. Dates are
// in date.go.

// foldWords folds s for comparing what people type with what the bot
// shows: lowercase, without diacritics (đ is d, see foldName), every run
// of characters other than letters and digits (spaces, «», emoji, "/")
// one space. "« Quay lại" and "quay  LAI" both give "quay lai".
func foldWords(s string) string {
	f := strings.FieldsFunc(foldName(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

// minPrefixLetters is how many letters a choice's words typed in part
// must have: "khô" picks «Không có», "kh" nothing.
const minPrefixLetters = 3

// pickChoice returns the index of the choice, among n, that typed text s
// names, or -1: its number ("2", "2."); its label (labels[i], nil when
// unknown) typed in any case, with or without diacritics and symbols
// (see foldWords); or the start of exactly one label, of at least
// minPrefixLetters letters ("đã" does not pick «Đã làm», "giu" picks «Giữ
// như cũ» when no other label starts so); or, when no label matches, a
// yes word («vâng», «dạ», «có», «ok»…) the one choice marked yes, a no
// word («không», «thôi») the one marked no (see yesChoice). number
// reports that s is a number, whether or not it is one of the choices.
func pickChoice(s string, labels []string, n int) (i int, number bool) {
	s = strings.TrimSpace(s)
	if v, err := strconv.Atoi(strings.TrimSuffix(s, ".")); err == nil {
		if v >= 1 && v <= n {
			return v - 1, true
		}
		return -1, true
	}
	typed := foldWords(s)
	if typed == "" || len(labels) != n {
		return -1, false
	}
	exact, prefix := -1, -1
	exacts, prefixes := 0, 0
	for j, l := range labels {
		switch f := foldWords(unmarked(l)); {
		case f == typed:
			exact, exacts = j, exacts+1
		case strings.HasPrefix(f, typed) && (len(f) == len(typed) || f[len(typed)] == ' ' || !endsInDigit(typed)):
			prefix, prefixes = j, prefixes+1
		}
	}
	switch {
	case exacts == 1:
		return exact, false
	case exacts == 0 && prefixes == 1 && letters(typed) >= minPrefixLetters:
		return prefix, false
	case exacts == 0 && prefixes == 0:
		return markedChoice(typed, labels), false
	}
	return -1, false
}

// Yes and no words. A two-choice confirmation may mark its choices so
// that the words people answer a yes/no question with pick them: the
// choice that goes on with something undone later or harmless (confirm
// one's name, grant a secretary's rights, reopen a month, praise a deed,
// send one's pledge) is marked yes; the one that stops or goes back is
// marked no. A choice that closes a month, deletes, revokes, records a
// formal decision or decides on someone's transfer or pledge is never
// marked yes: a «có» typed for something else must not do that, so it
// takes its number or its own words.
const (
	yesMark = "\x01" // leads the label of a choice a yes word picks (see yesChoice)
	noMark  = "\x02" // leads the label of a choice a no word picks (see noChoice)
)

// yesChoice is choice, picked also by a yes word typed (see pickChoice).
func yesChoice[D ~string](label string, data D) bot.Choice { return choice(yesMark+label, data) }

// noChoice is choice, picked also by a no word typed (see pickChoice).
func noChoice[D ~string](label string, data D) bot.Choice { return choice(noMark+label, data) }

// unmarked returns label without its yes or no mark, as people see it.
func unmarked(label string) string {
	return strings.TrimPrefix(strings.TrimPrefix(label, yesMark), noMark)
}

// The words, folded (foldWords), that answer yes or no, and the
// particles said with them («vâng ạ», «đúng rồi», «thôi nhé»).
var (
	yesWords  = map[string]bool{"vang": true, "da": true, "u": true, "uh": true, "co": true, "dung": true, "ok": true, "oke": true, "okay": true, "dong y": true}
	noWords   = map[string]bool{"khong": true, "ko": true, "k": true, "kg": true, "thoi": true}
	particles = map[string]bool{"a": true, "roi": true, "nhe": true, "nha": true}
)

// answerWord returns whether folded typed text is a yes answer, a no
// answer, or neither: yes or no words, with particles, and not both.
func answerWord(typed string) (yes, no bool) {
	words := strings.Fields(strings.ReplaceAll(typed, "dong y", "dong_y"))
	for _, w := range words {
		w = strings.ReplaceAll(w, "_", " ")
		switch {
		case yesWords[w]:
			yes = true
		case noWords[w]:
			no = true
		case !particles[w]:
			return false, false
		}
	}
	if yes && no {
		return false, false
	}
	return yes, no
}

// markedChoice returns the index of the one label marked yes (or no) when
// folded typed text is a yes (or no) answer, or -1.
func markedChoice(typed string, labels []string) int {
	yes, no := answerWord(typed)
	mark := yesMark
	switch {
	case no:
		mark = noMark
	case !yes:
		return -1
	}
	at := -1
	for j, l := range labels {
		if strings.HasPrefix(l, mark) {
			if at >= 0 {
				return -1
			}
			at = j
		}
	}
	return at
}

// endsInDigit reports whether s ends in a digit: "tháng 1" is not the
// start of «tháng 11/2026».
func endsInDigit(s string) bool { return s != "" && s[len(s)-1] >= '0' && s[len(s)-1] <= '9' }

// letters counts the letters of s.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// editDistance is the number of letters to insert, delete, replace or
// swap with the next one to turn a into b (the optimal string alignment
// distance): "dangki" is 1 from "dangky", "baocao1" 1 from "baocao",
// "sumary" 1 from "summary", "tonhgop" 1 from "tonghop".
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	// d[i][j] is the distance between x[:i] and y[:j]; three rows suffice.
	prev2, prev, cur := make([]int, len(y)+1), make([]int, len(y)+1), make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}

// nearMiss returns the name among names closest to typed (both folded, see
// foldName) when it is close enough to be a slip: one edit away for
// names typed in up to five letters, two for longer ones, and closer than
// every other name. ok is false when none is, or two are equally close.
func nearMiss(typed string, names []string) (name string, ok bool) {
	limit := 1
	if len([]rune(typed)) > 5 {
		limit = 2
	}
	best, ties := limit+1, 0
	for _, n := range names {
		switch d := editDistance(typed, n); {
		case d < best:
			best, name, ties = d, n, 1
		case d == best && n != name:
			ties++
		}
	}
	return name, best <= limit && ties == 1
}

// keepRow is the choice «Giữ như cũ» with data. Changing a pledge item or
// a report, it is always the first choice, 1: the same number at every
// step, and answering 1 throughout changes nothing (where there is nothing
// to keep, 1 is the choice of nothing: «Không có chỉ tiêu», «Bỏ qua»…).
func keepRow[D ~string](r *req, data D) []bot.Choice {
	return row(choice(r.t(text.KeepAsIs, nil), data))
}
