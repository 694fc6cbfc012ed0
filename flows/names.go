package flows

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"lamtheo/flows/text"
)

// nameReason says why a name is not yet one the bot can address a member
// by («đồng chí Nguyễn Thị Tư»): profile names on Telegram and Zalo are
// often «Bà Tư», «Hung Tran» or «Tư».
type nameReason int

// Why a name needs the full name (see needsFullName), the most telling
// first.
const (
	nameFull      nameReason = iota // a full name: nothing to ask
	nameHonorific                   // starts with a form of address (Bà, Ông, Cô…)
	nameOneWord                     // a single word
	nameWestern                     // given name first: the last word is a family name, the first is not
	nameNoMarks                     // no Vietnamese diacritics at all
)

// honorifics are the forms of address a profile name may start with,
// lower case, with their diacritics.
var honorifics = map[string]bool{"bà": true, "ông": true, "cô": true, "chú": true, "anh": true, "chị": true, "bác": true}

// familyNames are common Vietnamese family names, folded (see foldName):
// those of nine in ten people and many rarer ones.
var familyNames = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(`nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly
		dinh dao doan lam luong trinh truong mai cao ha to ta chu la quach thai luu tang kieu khuc khong lai
		mac nghiem phung quan thach tieu trieu vuong ung ton au giang hua thieu diep dam lieu nong tong ninh
		han bach kim lu lo nghiem tat`) {
		m[f] = true
	}
	return m
}()

// needsFullName reports whether name (a profile name, or one typed) should
// be asked for again as a full name with diacritics before the bot
// addresses the person by it, and why: it starts with a form of address,
// is one word, looks given-name-first, or has no diacritics at all. The
// first matching reason of that order is returned.
func needsFullName(name string) (nameReason, bool) {
	words := strings.Fields(norm.NFC.String(strings.ToLower(name)))
	if len(words) == 0 {
		return nameOneWord, true
	}
	marks := hasMarks(name)
	first, last := foldName(words[0]), foldName(words[len(words)-1])
	switch {
	case honorifics[words[0]], !marks && foldedHonorific(first):
		return nameHonorific, true
	case len(words) == 1:
		return nameOneWord, true
	case familyNames[last] && !familyNames[first]:
		return nameWestern, true
	case !marks:
		return nameNoMarks, true
	}
	return nameFull, false
}

// foldedHonorific reports whether the folded word is a form of address
// written without diacritics («ba», «ong»), and not also a family name
// («chu» is Chu as well as Chú).
func foldedHonorific(word string) bool {
	if familyNames[word] {
		return false
	}
	for h := range honorifics {
		if foldName(h) == word {
			return true
		}
	}
	return false
}

// hasMarks reports whether s has a Vietnamese diacritic: a combining mark
// once decomposed, or đ.
func hasMarks(s string) bool {
	for _, c := range norm.NFD.String(s) {
		if c == 'đ' || c == 'Đ' || unicode.Is(unicode.Mn, c) {
			return true
		}
	}
	return false
}

// looksLikeName reports whether s, typed where a choice was expected,
// looks enough like a full name to be taken as one: a valid name (see
// validName) that needs nothing more (see needsFullName) and starts with a
// known family name; «sửa», «đúng rồi» or «Sửa tên» do not.
func looksLikeName(s string) bool {
	name, err := validName(s)
	if err != nil {
		return false
	}
	if _, needs := needsFullName(name); needs {
		return false
	}
	return familyNames[foldName(strings.Fields(name)[0])]
}

// nameWhyKeys are the texts that say why a name is asked for again.
var nameWhyKeys = map[nameReason]text.Key{
	nameHonorific: text.NameWhyHonorific,
	nameOneWord:   text.NameWhyOneWord,
	nameWestern:   text.NameWhyWestern,
	nameNoMarks:   text.NameWhyNoMarks,
}

// nameWhy says, for the second request of a full name, why the name typed
// (a valid one, see validName) is asked for again.
func (r *req) nameWhy(reason nameReason, name string) string {
	words := strings.Fields(name)
	return r.t(nameWhyKeys[reason], nameWhyView{Name: name, First: words[0], Last: words[len(words)-1]})
}

// nameWhyView feeds the reasons a name is asked for again: the name typed,
// its first and last words.
type nameWhyView struct{ Name, First, Last string }

// nameAgainView feeds the second request of a full name: the name typed and
// why it is asked for again.
type nameAgainView struct{ Name, Why string }
