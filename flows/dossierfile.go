package flows

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// dossierArgs are the parameters of a dossier's FileRequest: the member
// (FileDossier) or the cell (FileDossierZip), the year, and which note goes
// with the file (dossierNoteJob: the year-end job's; otherwise /hoso's).
type dossierArgs struct {
	Member MemberID
	Cell   string
	Year   int
	Note   string
}

// dossierNoteJob marks the year-end job's dossiers (text.DossierJobNote).
const dossierNoteJob = "job"

func (a dossierArgs) encode() []string {
	return []string{strconv.FormatUint(uint64(a.Member), 10), a.Cell, strconv.Itoa(a.Year), a.Note}
}

func decodeDossierArgs(args []string) (dossierArgs, error) {
	if len(args) != 4 {
		return dossierArgs{}, fmt.Errorf("dossier request: %d args", len(args))
	}
	id, err := strconv.ParseUint(args[0], 10, 64)
	if err != nil {
		return dossierArgs{}, fmt.Errorf("dossier request: %w", err)
	}
	year, err := strconv.Atoi(args[2])
	if err != nil {
		return dossierArgs{}, fmt.Errorf("dossier request: %w", err)
	}
	return dossierArgs{Member: MemberID(id), Cell: args[1], Year: year, Note: args[3]}, nil
}

// dossierArgsOf returns the parameters of q, a dossier's request, when
// the engine can write PDFs.
func (e *Engine) dossierArgsOf(q FileRequest) (dossierArgs, error) {
	if e.DossierPDF == nil {
		return dossierArgs{}, errors.New("no PDF writer")
	}
	return decodeDossierArgs(q.Args)
}

// dossierRequest is the request of m's dossier of year, sent privately
// with rep (its text written by makeDossier).
func dossierRequest(m Member, year int, note string, rep bot.Reply) FileRequest {
	return FileRequest{Kind: FileDossier, Args: dossierArgs{Member: m.ID, Year: year, Note: note}.encode(), Reply: rep, Private: true}
}

// makeDossier builds one member's dossier PDF (fileMaker): the dossier is
// gathered in one read-only transaction as at the request, then written
// outside it; the reply says what it holds (text.DossierDone), or is the
// year-end job's note (text.DossierJobNote).
func (e *Engine) makeDossier(ctx context.Context, q FileRequest, rep *bot.Reply) (*bot.File, error) {
	a, err := e.dossierArgsOf(q)
	if err != nil {
		return nil, err
	}
	d, err := e.dossierAt(ctx, a.Member, a.Year, q.At)
	if err != nil {
		return nil, err
	}
	f, err := e.dossierPDF(d)
	if err != nil {
		return nil, err
	}
	if a.Note == dossierNoteJob {
		rep.Text = e.t(text.DossierJobNote, nameYearView{Name: d.Name, Year: d.Year})
	} else {
		rep.Text = e.t(text.DossierDone, dossierDoneView{Name: d.Name, Year: d.Year, Reported: d.Reported, Due: d.Due, Exempt: d.Exempt, Items: len(d.Items)})
	}
	return f, nil
}

// dossierPDF writes d as a PDF, named.
func (e *Engine) dossierPDF(d Dossier) (*bot.File, error) {
	data, err := e.DossierPDF(d)
	if err != nil {
		return nil, fmt.Errorf("dossier of %s/%d: %w", d.Name, d.Year, err)
	}
	return &bot.File{Name: dossierFileName(d.Name, d.Year, ".pdf"), Data: data}, nil
}

// makeDossierZip builds the dossiers of a cell's members as one zip of
// PDFs (fileMaker), in the order of the cell's list: gathered in one
// read-only transaction as at the request, written outside it.
func (e *Engine) makeDossierZip(ctx context.Context, q FileRequest, rep *bot.Reply) (*bot.File, error) {
	a, err := e.dossierArgsOf(q)
	if err != nil {
		return nil, err
	}
	cell := Cell{Code: a.Cell, Name: a.Cell}
	var ds []Dossier
	var missing []string // on the roster with no record: no dossier
	err = e.Store.View(ctx, func(tx Tx) error {
		if c, ok, err := tx.Cell(a.Cell); err != nil {
			return err
		} else if ok {
			cell = c
		}
		ms, err := cellMembers(tx, a.Cell)
		if err != nil {
			return err
		}
		for _, m := range ms {
			d, err := e.dossierOf(tx, m, a.Year, q.At)
			if err != nil {
				return err
			}
			ds = append(ds, d)
		}
		missing, err = unrecordedNames(tx, a.Cell)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dossiers of %s: %w", a.Cell, err)
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("dossiers of %s: no member", a.Cell)
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	names := map[string]int{}
	for _, d := range ds {
		pdf, err := e.dossierPDF(d)
		if err != nil {
			return nil, err
		}
		name := pdf.Name
		if names[name]++; names[name] > 1 {
			name = strings.TrimSuffix(name, ".pdf") + fmt.Sprintf("-%d.pdf", names[name])
		}
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: dayStart(q.At, e.loc())})
		if err != nil {
			return nil, fmt.Errorf("dossier zip: %w", err)
		}
		if _, err := f.Write(pdf.Data); err != nil {
			return nil, fmt.Errorf("dossier zip: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("dossier zip: %w", err)
	}
	rep.Text = e.t(text.DossierCellDone, dossierCellView{Cell: cell.Name, Year: a.Year, N: len(ds), Missing: missing})
	return &bot.File{Name: dossierFileName(cell.Name, a.Year, ".zip"), Data: buf.Bytes()}, nil
}

// unrecordedNames returns, in Vietnamese order, the names of the people
// on cell's roster whom no member record stands for: they never
// connected and the cell never recorded for them, so they have no
// dossier.
func unrecordedNames(tx Tx, cell string) ([]string, error) {
	roster, err := tx.Roster(cell)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, en := range roster {
		if en.OnRoster() && len(en.Claims) == 0 {
			names = append(names, en.Name)
		}
	}
	vnSortKeyed(names, func(n string) string { return n }, strings.Compare)
	return names, nil
}

// cellMembers returns the members of cell in the order of its list
// (Vietnamese name order), the order /hoso's numbers count in.
func cellMembers(tx Tx, cell string) ([]Member, error) {
	all, err := tx.Members(cell)
	if err != nil {
		return nil, err
	}
	var ms []Member
	for _, m := range all {
		if m.Cell == cell {
			ms = append(ms, m)
		}
	}
	SortByName(ms)
	return ms, nil
}
