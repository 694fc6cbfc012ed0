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
// như cũ» when no other label starts so). number reports that s is a
// number, whether or not it is one of the choices.
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
		switch f := foldWords(l); {
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
	}
	return -1, false
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
