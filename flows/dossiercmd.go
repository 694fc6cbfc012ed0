package flows

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// dossierDoneView is the data of text.DossierDone.
type dossierDoneView struct {
	Name                 string
	Year                 int
	Reported, Due, Items int
	Exempt               bool
}

// dossierCellView is the data of text.DossierCellDone.
type dossierCellView struct {
	Cell    string
	Year, N int
	Missing []string // on the roster with no record, so no dossier
}

// dossierInputView is the data of the refusals of what was typed.
type dossierInputView struct {
	Input, Cell string
	Year        int
	Found       []dossierFoundView // several members of the name
}

// dossierFoundView is one member of text.DossierSeveral.
type dossierFoundView struct {
	No   int // the member's number in the cell's list
	Name string
}

// nameYearView is the data of text.DossierJobNote.
type nameYearView struct {
	Name string
	Year int
}

// cmdDossier (/hoso [mã chi bộ] [họ tên | số thứ tự | cả chi bộ] [năm])
// sends a year-end dossier as a PDF, only where a file can reach the
// private chat (uploaded, or linked to the file endpoint): a member's own with /hoso alone (the year being reported by
// default, or the year typed last); a secretary's of one member of their
// cell, named (diacritics optional, see matchMembers) or by number in the
// cell's list in name order, or the whole cell's as one zip; an admin's
// of any member or cell, naming the cell by its code first. Anyone else
// asking for someone else's is refused. The files are built by the
// FileWorker (dossierfile.go), not in this update's transaction.
func (r *req) cmdDossier(args string) error {
	if !r.e.fileReaches(r.m.Chat, true) {
		r.say(text.DossierNoUpload, nil)
		return nil
	}
	if r.e.DossierPDF == nil {
		r.say(text.DossierUnavailable, nil)
		return nil
	}
	loc := r.e.loc()
	year, rest := CollectingMonth(r.now, loc, r.e.Cfg.GraceDays).Year(), strings.TrimSpace(args)
	if words := strings.Fields(rest); len(words) > 0 {
		if y, err := strconv.Atoi(words[len(words)-1]); err == nil && y >= 2000 && y <= 9999 {
			if y > MonthOf(r.now, loc).Year() {
				return refuse(text.DossierBadYear, dossierInputView{Input: words[len(words)-1], Year: year})
			}
			year, rest = y, strings.Join(words[:len(words)-1], " ")
		}
	}
	cells, err := r.tx.Cells()
	if err != nil {
		return err
	}
	var cell Cell
	named := false
	if r.isMember {
		cell.Code = r.member.Cell
	}
	if r.admin() {
		word, after := rest, ""
		if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
			word, after = rest[:i], strings.TrimSpace(rest[i:])
		}
		for _, c := range cells {
			if strings.EqualFold(c.Code, word) {
				cell, named, rest = c, true, after
			}
		}
	}
	for _, c := range cells {
		if c.Code == cell.Code {
			cell = c
		}
	}
	if rest == "" && r.isMember && (!named || cell.Code == r.member.Cell) {
		return r.sendDossier(r.member, year)
	}
	if cell.Code == "" || (rest == "" && !named) {
		code := "C01"
		if len(cells) > 0 {
			code = cells[0].Code
		}
		return refuse(text.DossierAdminHelp, codeView{Code: code}) // a cell's code here
	}
	if !r.mayActOn(cell.Code) {
		return refuse(text.DossierOnlyOwn, nil)
	}
	ms, err := cellMembers(r.tx, cell.Code)
	if err != nil {
		return err
	}
	if rest == "" || wholeCell(rest) {
		return r.sendCellDossiers(cell, ms, year)
	}
	if n, err := strconv.Atoi(rest); err == nil {
		if n < 1 || n > len(ms) {
			return refuse(text.DossierNotFound, dossierInputView{Input: rest, Cell: cell.Name})
		}
		return r.sendDossier(ms[n-1], year)
	}
	found := matchMembers(ms, rest)
	switch len(found) {
	case 0:
		return refuse(text.DossierNotFound, dossierInputView{Input: rest, Cell: cell.Name})
	case 1:
		return r.sendDossier(ms[found[0]], year)
	}
	v := dossierInputView{Input: rest, Cell: cell.Name}
	for _, i := range found {
		v.Found = append(v.Found, dossierFoundView{No: i + 1, Name: ms[i].Name})
	}
	return refuse(text.DossierSeveral, v)
}

// wholeCell reports whether what was typed asks for the whole cell.
func wholeCell(s string) bool {
	switch foldName(s) {
	case "ca chi bo", "chi bo", "tat ca", "ca", "all":
		return true
	}
	return false
}

// matchMembers returns the indexes in ms of the members whose name what
// was typed names: every typed word is a word of the name, in any order,
// with some or all of its diacritics left out (vnMatchWord: "hung" and
// "Hùng" name Hùng, "Hưng" does not). Members named by all their words
// come first and alone: "Văn Hùng" names both Trần Văn Hùng and Lê Văn
// Hùng, "Trần Văn Hùng" only the first.
func matchMembers(ms []Member, typed string) []int {
	words := strings.Fields(NormalizeText(typed))
	var whole, part []int
	for i, m := range ms {
		name := strings.Fields(m.Name)
		if !wordsIn(words, name) {
			continue
		}
		if len(words) == len(name) {
			whole = append(whole, i)
		}
		part = append(part, i)
	}
	if len(whole) > 0 {
		return whole
	}
	return part
}

// wordsIn reports whether each typed word matches a word of name, each
// word of name matched once.
func wordsIn(typed, name []string) bool {
	used := make([]bool, len(name))
	for _, w := range typed {
		ok := false
		for j, n := range name {
			if !used[j] && vnMatchWord(w, n) {
				used[j], ok = true, true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return len(typed) > 0
}

// sendDossier asks for m's dossier of year, for the chat asked in: the
// FileWorker builds it (makeDossier), not this update's transaction.
func (r *req) sendDossier(m Member, year int) error {
	r.addFile(dossierRequest(m, year, "", bot.Reply{Chat: r.m.Chat}))
	return nil
}

// sendCellDossiers asks for the dossiers of year of ms, the members of
// cell, as one zip of PDFs, built by the FileWorker (makeDossierZip).
func (r *req) sendCellDossiers(cell Cell, ms []Member, year int) error {
	if len(ms) == 0 {
		return refuse(text.DossierCellEmpty, dossierInputView{Cell: cell.Name})
	}
	r.requestFile(FileDossierZip, dossierArgs{Cell: cell.Code, Year: year}.encode(), bot.Reply{Chat: r.m.Chat}, true, false)
	return nil
}

// dossierFileName names a dossier file in ASCII: "ho-so-nguyen-van-an-2026.pdf".
func dossierFileName(name string, year int, ext string) string {
	return fmt.Sprintf("ho-so-%s-%d%s", asciiSlug(name), year, ext)
}

// asciiSlug writes s as lowercase ASCII letters and digits joined by
// hyphens, diacritics dropped: "Chi bộ thôn Đông" gives "chi-bo-thon-dong".
func asciiSlug(s string) string {
	var b strings.Builder
	for _, r := range foldName(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}
