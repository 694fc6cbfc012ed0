package rosterfile

import (
	"errors"

	"lamtheo/flows/text"
)

// Preview is the summary of a plan shown before it is confirmed: counts per
// cell and the problems by row.
type Preview struct {
	Rows     int           // people in the file
	Cells    []PreviewCell // the cells the file names
	Problems []string      // the first problems, rendered
	More     int           // problems beyond those shown
	Blocked  bool          // rows to correct: the plan cannot be applied
}

// PreviewCell is one cell's line of a Preview.
type PreviewCell struct {
	Code, Name                       string
	Total                            int // people of the cell in the file
	New, Unchanged, Changed, Removed int
	RemovedConnected                 int // removed entries claimed by a member
	// Restored counts the changed entries that were off the roster and
	// come back; RestoredConnected those of them an account had claimed
	// (whose person connects again).
	Restored, RestoredConnected int
	Kept                        []string // the importer's own entry, not in the file but kept
}

// MaxShownProblems is how many problems a Preview lists; it counts the rest.
const MaxShownProblems = 30

// Preview summarises p, with its first MaxShownProblems problems' texts
// from cat.
func (p *Plan) Preview(cat *text.Catalog) Preview { return p.PreviewMax(cat, MaxShownProblems) }

// PreviewMax summarises p, with its first max problems' texts from cat.
func (p *Plan) PreviewMax(cat *text.Catalog, max int) Preview {
	v := Preview{Rows: len(p.File.Rows), Blocked: p.File.Blocked()}
	for _, cp := range p.Cells {
		c := PreviewCell{Code: cp.Cell.Code, Name: cp.Cell.Name, New: len(cp.New), Unchanged: cp.Unchanged,
			Changed: len(cp.Changed), Removed: len(cp.Removed)}
		c.Total = c.New + c.Unchanged + c.Changed
		for _, e := range cp.Removed {
			if len(e.Claims) > 0 {
				c.RemovedConnected++
			}
		}
		for _, ch := range cp.Changed {
			if ch.Restored() {
				c.Restored++
				if ch.Before.Connected() {
					c.RestoredConnected++
				}
			}
		}
		for _, e := range cp.Kept {
			c.Kept = append(c.Kept, e.Name)
		}
		v.Cells = append(v.Cells, c)
	}
	for i, pr := range p.File.Problems {
		if i == max {
			v.More = len(p.File.Problems) - i
			break
		}
		v.Problems = append(v.Problems, cat.Render(problemKeys[pr.Kind], pr))
	}
	return v
}

// Render returns the preview's text.
func (v Preview) Render(cat *text.Catalog) string { return cat.Render(text.RosterPreview, v) }

var problemKeys = map[ProblemKind]text.Key{
	EmptyName:     text.RosterProblemEmptyName,
	UnknownCell:   text.RosterProblemCell,
	UnknownStatus: text.RosterProblemStatus,
	DuplicateName: text.RosterProblemDuplicate,
	AllCaps:       text.RosterProblemAllCaps,
	NoDiacritics:  text.RosterProblemNoMarks,
	OtherCell:     text.RosterProblemOtherCell,
}

var errorKeys = map[ErrorKind]text.Key{
	NotSpreadsheet: text.RosterErrNotSpreadsheet,
	OldExcel:       text.RosterErrOldExcel,
	NotUTF8:        text.RosterErrNotUTF8,
	Empty:          text.RosterErrEmpty,
	NoHeader:       text.RosterErrNoHeader,
	NoCellColumn:   text.RosterErrNoCellColumn,
	TooManyRows:    text.RosterErrTooMany,
	TooBig:         text.RosterErrTooBig,
	Unreadable:     text.RosterErrUnreadable,
}

// ErrorText returns what a person is told about err, an error of Parse or
// Apply, and whether it is one of them (otherwise the caller's generic
// text is due).
func ErrorText(cat *text.Catalog, err error) (string, bool) {
	var e *Error
	switch {
	case errors.As(err, &e):
		return cat.Render(errorKeys[e.Kind], map[string]any{"Max": e.Max, "Rows": headerRows}), true
	case errors.Is(err, ErrStale):
		return cat.Render(text.RosterErrStale, nil), true
	}
	return "", false
}

// AppliedText returns what is said once p was applied.
func (p *Plan) AppliedText(cat *text.Catalog) string {
	var n struct{ New, Changed, Removed, Unchanged int }
	for _, cp := range p.Cells {
		n.New += len(cp.New)
		n.Changed += len(cp.Changed)
		n.Removed += len(cp.Removed)
		n.Unchanged += cp.Unchanged
	}
	return cat.Render(text.RosterApplied, n)
}
