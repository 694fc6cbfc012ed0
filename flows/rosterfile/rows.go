package rosterfile

import (
	"hash/maphash"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"lamtheo/flows"
)

// File is what Parse read: the rows to import and the problems found.
type File struct {
	Header   int // row number of the header row
	Rows     []Row
	Problems []Problem // by row number
}

// Row is one person of the file. It holds what the entry is written from
// and no more (the folded name is computed again where a plan needs it): a
// file of 250,000 people is held through its whole import.
type Row struct {
	Line   int    // the row's number in the file, as a spreadsheet shows it
	Name   string // NFC, single spaces; title case when written in capitals
	Cell   string // the cell's code, the configured cell's own string
	Status flows.RosterStatus
	Role   string
}

// ProblemKind tells what is wrong with a row.
type ProblemKind int

// Kinds of Problem. The first three keep the row out, and the file from
// being applied; the others are warnings.
const (
	EmptyName     ProblemKind = iota // a row with other columns but no name
	UnknownCell                      // «chi bộ» is no configured cell (or empty)
	UnknownStatus                    // «trạng thái» is none of the known statuses
	DuplicateName                    // the same name twice in one cell: both kept
	AllCaps                          // the name was in capitals: title-cased
	NoDiacritics                     // the name has no Vietnamese marks
	// OtherCell: a cell the person importing may not change (a
	// secretary's import names another cell); blocks like UnknownCell.
	OtherCell
)

// Blocks reports whether a problem of kind k keeps its row, and so the
// file, from being applied.
func (k ProblemKind) Blocks() bool { return k <= UnknownStatus || k == OtherCell }

// Problem is one problem of one row.
type Problem struct {
	Line  int
	Kind  ProblemKind
	Value string // what the row says: the cell, the status, the name
	Other int    // DuplicateName: the row it repeats
}

// OnlyCells keeps the rows of the cells codes names; every other row
// becomes an OtherCell problem (a secretary imports their own cell only).
func (f *File) OnlyCells(codes []string) {
	rows := f.Rows[:0]
	for _, r := range f.Rows {
		if slices.Contains(codes, r.Cell) {
			rows = append(rows, r)
			continue
		}
		f.Problems = append(f.Problems, Problem{Line: r.Line, Kind: OtherCell, Value: r.Cell})
	}
	f.Rows = rows
	slices.SortStableFunc(f.Problems, func(a, b Problem) int { return a.Line - b.Line })
}

// Blocked reports whether f has a problem that keeps it from being applied.
func (f *File) Blocked() bool {
	for _, p := range f.Problems {
		if p.Kind.Blocks() {
			return true
		}
	}
	return false
}

// Header names, folded (see flows.FoldName, punctuation dropped).
var (
	nameHeaders   = []string{"ho va ten", "ho ten", "ho va ten dang vien", "ten"}
	cellHeaders   = []string{"chi bo", "ma chi bo", "ten chi bo"}
	statusHeaders = []string{"trang thai", "tinh trang"}
	roleHeaders   = []string{"chuc vu", "vai tro", "chuc vu trong chi bo"}
)

// columns are the header's column indexes, -1 when absent.
type columns struct{ name, cell, status, role int }

func (c columns) get(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// findColumns reads cells as a header row: ok when it names the column of
// names.
func findColumns(cells []string) (columns, bool) {
	c := columns{-1, -1, -1, -1}
	for i, v := range cells {
		f := foldHeader(v)
		for _, h := range []struct {
			at    *int
			names []string
		}{{&c.name, nameHeaders}, {&c.cell, cellHeaders}, {&c.status, statusHeaders}, {&c.role, roleHeaders}} {
			if *h.at < 0 && slices.Contains(h.names, f) {
				*h.at = i
			}
		}
	}
	return c, c.name >= 0
}

// foldHeader folds a header or a status: flows.FoldName, with
// punctuation as spaces.
func foldHeader(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return ' '
		}
		return r
	}, s)
	return flows.FoldName(s)
}

// statuses maps folded status words to statuses; "" is chính thức.
var statuses = map[string]flows.RosterStatus{
	"":                                flows.RosterFull,
	"chinh thuc":                      flows.RosterFull,
	"dang vien chinh thuc":            flows.RosterFull,
	"du bi":                           flows.RosterProbation,
	"dang vien du bi":                 flows.RosterProbation,
	"mien":                            flows.RosterExempt,
	"mien sinh hoat":                  flows.RosterExempt,
	"mien sinh hoat dang":             flows.RosterExempt,
	"mien cong tac":                   flows.RosterExempt,
	"mien cong tac va sinh hoat":      flows.RosterExempt,
	"mien cong tac va sinh hoat dang": flows.RosterExempt,
	"mien cong tac sinh hoat dang":    flows.RosterExempt,
}

// ParseStatus reads a status as people write it.
func ParseStatus(s string) (flows.RosterStatus, bool) {
	st, ok := statuses[foldHeader(s)]
	return st, ok
}

// checker checks rows one by one against the cells.
type checker struct {
	file  File
	cells map[string]string // folded code or name -> code
	seen  names             // the first row of each folded name, by cell
	// What the cell and status columns said, as written, and what it
	// meant: a file repeats a few values on every row.
	cellOf   map[string]cellMatch
	statusOf map[string]statusMatch
}

type cellMatch struct {
	code string
	ok   bool
}

type statusMatch struct {
	status flows.RosterStatus
	ok     bool
}

func newChecker(cells []flows.Cell) *checker {
	p := &checker{cells: map[string]string{}, seen: names{first: map[nameKey]int32{}, seed: maphash.MakeSeed()},
		cellOf: map[string]cellMatch{}, statusOf: map[string]statusMatch{}}
	for _, c := range cells {
		for _, k := range []string{c.Code, c.Name, strings.TrimPrefix(flows.FoldName(c.Name), "chi bo ")} {
			if f := flows.FoldName(k); f != "" {
				p.cells[f] = c.Code
			}
		}
	}
	return p
}

func (p *checker) problem(line int, k ProblemKind, value string, other int) {
	p.file.Problems = append(p.file.Problems, Problem{Line: line, Kind: k, Value: value, Other: other})
}

// row checks one data row and keeps it when it may be imported.
func (p *checker) row(line int, name, cell, status, role string) {
	name = flows.NormalizeText(strings.ReplaceAll(name, "\n", " "))
	if role != "" {
		role = flows.NormalizeText(role)
	}
	if name == "" {
		p.problem(line, EmptyName, "", 0)
		return
	}
	cm, known := p.cellOf[cell]
	if !known {
		folded := flows.FoldName(cell)
		cm.code, cm.ok = p.cells[folded]
		if !cm.ok {
			cm.code, cm.ok = p.cells[strings.TrimPrefix(folded, "chi bo ")]
		}
		p.cellOf[cell] = cm
	}
	sm, known := p.statusOf[status]
	if !known {
		sm.status, sm.ok = ParseStatus(status)
		p.statusOf[status] = sm
	}
	code, ok, st, stOK := cm.code, cm.ok, sm.status, sm.ok
	if !ok {
		p.problem(line, UnknownCell, flows.NormalizeText(cell), 0)
	}
	if !stOK {
		p.problem(line, UnknownStatus, flows.NormalizeText(status), 0)
	}
	if !ok || !stOK {
		return
	}
	if allCaps(name) {
		name = titleCase(name)
		p.problem(line, AllCaps, name, 0)
	}
	if noMarks(name) {
		p.problem(line, NoDiacritics, name, 0)
	}
	p.file.Rows = append(p.file.Rows, Row{Line: line, Name: name, Cell: code, Status: st, Role: role})
	if first := p.seen.add(p.file.Rows, code); first >= 0 {
		p.problem(line, DuplicateName, name, p.file.Rows[first].Line)
	}
}

// names finds the first row of a cell with a folded name. It keeps a hash
// of each name, not the folded name: a province's 250,000 names are not
// held twice while the file is read.
type names struct {
	first map[nameKey]int32 // the first row of each cell and hash
	// other holds the first row of a name whose hash another name of its
	// cell has (never seen, but possible).
	other map[string]map[string]int32
	seed  maphash.Seed
}

type nameKey struct {
	cell string
	hash uint64
}

// add notes the last of rows; it returns the first row of its cell with
// the same folded name, -1 when it is the first.
func (n *names) add(rows []Row, cell string) int {
	last := int32(len(rows) - 1)
	folded := flows.FoldName(rows[last].Name)
	k := nameKey{cell, maphash.String(n.seed, folded)}
	i, ok := n.first[k]
	switch {
	case !ok:
		n.first[k] = last
		return -1
	case flows.FoldName(rows[i].Name) == folded:
		return int(i)
	}
	if n.other == nil {
		n.other = map[string]map[string]int32{}
	}
	if n.other[cell] == nil {
		n.other[cell] = map[string]int32{}
	}
	if i, ok := n.other[cell][folded]; ok {
		return int(i)
	}
	n.other[cell][folded] = last
	return -1
}

// allCaps reports whether name has at least two letters and no lowercase
// one.
func allCaps(name string) bool {
	letters := 0
	for _, r := range name {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		}
	}
	return letters >= 2
}

// titleCase writes each word of name with a capital first letter and the
// others small, the way Vietnamese names are written: "NGUYỄN THỊ ĐÀO"
// gives "Nguyễn Thị Đào".
func titleCase(name string) string {
	words := strings.Fields(strings.ToLower(name))
	for i, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[size:]
	}
	return strings.Join(words, " ")
}

// noMarks reports whether name, which has letters, has none outside ASCII
// (no Vietnamese mark, no đ).
func noMarks(name string) bool {
	for _, r := range name {
		if r >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
