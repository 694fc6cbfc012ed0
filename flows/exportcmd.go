package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// exportBadView is the data of text.ExportBadPeriod.
type exportBadView struct {
	Input string
	Admin bool   // the sender may name a cell
	Code  string // a cell's code, for the example
}

// exportDoneView is the data of text.ExportDone.
type exportDoneView struct {
	Scope, Period  string
	Members, Deeds int
}

// cmdExport (/xuat [mã chi bộ] [kỳ]) sends the spreadsheet of a period
// (ParsePeriod; the year so far by default): a secretary's of their cell,
// an admin's of the whole organisation or of the cell named first. Only
// where a file can reach the chat (uploaded, or linked to the file
// endpoint). The workbook is built by the FileWorker (makeExport), not in
// this update's transaction.
func (r *req) cmdExport(args string) error {
	if !r.e.fileReaches(r.m.Chat, true) {
		r.say(text.ExportNoUpload, nil)
		return nil
	}
	if r.e.Spreadsheet == nil {
		r.say(text.ExportUnavailable, nil)
		return nil
	}
	all, err := r.tx.Cells()
	if err != nil {
		return err
	}
	admin := r.admin()
	cells, scope, rest := r.exportScope(all, args, admin)
	if len(cells) == 0 {
		return refuse(text.NeedSecretary, nil)
	}
	loc := r.e.loc()
	p, ok := ParsePeriod(rest, CollectingMonth(r.now, loc, r.e.Cfg.GraceDays), r.now, loc)
	if !ok {
		code := cells[0].Code
		return refuse(text.ExportBadPeriod, exportBadView{Input: rest, Admin: admin, Code: code})
	}
	q := exportArgs{Period: p, Scope: scope}
	if scope != "" {
		q.Cell = cells[0].Code
	}
	r.requestFile(FileExport, q.encode(), bot.Reply{Chat: r.m.Chat}, true, false)
	return nil
}

// exportArgs are the parameters of an export's FileRequest: the period and
// the cell (none: the whole organisation) with its name.
type exportArgs struct {
	Period      Period
	Cell, Scope string
}

func (a exportArgs) encode() []string {
	p := a.Period
	return []string{strconv.Itoa(int(p.Kind)), strconv.Itoa(int(p.First)), strconv.Itoa(int(p.Last)), a.Cell, a.Scope}
}

func decodeExportArgs(args []string) (exportArgs, error) {
	if len(args) != 5 {
		return exportArgs{}, fmt.Errorf("export request: %d args", len(args))
	}
	var n [3]int
	for i := range n {
		v, err := strconv.Atoi(args[i])
		if err != nil {
			return exportArgs{}, fmt.Errorf("export request: %w", err)
		}
		n[i] = v
	}
	p := Period{Kind: PeriodKind(n[0]), First: Month(n[1]), Last: Month(n[2])}
	return exportArgs{Period: p, Cell: args[3], Scope: args[4]}, nil
}

// makeExport builds the workbook of an export request (fileMaker): the
// writer reads the book's rows one member at a time from one read-only
// transaction, so the rows never sit in memory together; the reply says
// what the workbook holds.
func (e *Engine) makeExport(ctx context.Context, q FileRequest, rep *bot.Reply) (*bot.File, error) {
	if e.Spreadsheet == nil {
		return nil, errors.New("no spreadsheet writer")
	}
	a, err := decodeExportArgs(q.Args)
	if err != nil {
		return nil, err
	}
	p := a.Period
	var (
		data []byte
		read *exportRows
	)
	err = e.Store.View(ctx, func(tx Tx) error {
		all, err := tx.Cells()
		if err != nil {
			return err
		}
		cells := all
		if a.Cell != "" {
			cells = nil
			for _, c := range all {
				if c.Code == a.Cell {
					cells = append(cells, c)
				}
			}
		}
		var b ExportBook
		b, read = e.exportBook(tx, cells, a.Scope, p, q.At)
		data, err = e.Spreadsheet(b)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", p.Last, err)
	}
	cat := e.text()
	shownScope := a.Scope
	if shownScope == "" {
		shownScope = cat.Render(text.ExportOrgScope, nil)
	}
	slug := e.Cfg.OrgName
	if a.Cell != "" {
		slug = a.Cell
	}
	rep.Text = e.t(text.ExportDone, exportDoneView{Scope: shownScope, Period: PeriodText(cat, p), Members: read.members, Deeds: read.deeds})
	return &bot.File{Name: exportFileName(slug, p), Data: data}, nil
}

// exportScope returns the cells an export of args covers, the name of the
// scope ("" for the organisation) and the rest of args (the period). An
// admin may name a cell by its code first; a secretary exports their own
// cell (naming it changes nothing).
func (r *req) exportScope(all []Cell, args string, admin bool) ([]Cell, string, string) {
	word, rest := args, ""
	if i := strings.IndexFunc(args, unicode.IsSpace); i >= 0 {
		word, rest = args[:i], strings.TrimSpace(args[i:])
	}
	own := ""
	if r.isMember && r.member.SecretaryOf(r.member.Cell) {
		own = r.member.Cell
	}
	for _, c := range all {
		if strings.EqualFold(c.Code, word) && (admin || c.Code == own) {
			return []Cell{c}, c.Name, rest
		}
	}
	if admin {
		return all, "", args
	}
	for _, c := range all {
		if c.Code == own {
			return []Cell{c}, c.Name, args
		}
	}
	return nil, "", args
}

// PeriodText says p in words, as /xuat's reply and the workbook's title
// say it: "tháng 11/2026", "6 tháng đầu năm 2026", "năm 2026 (đến tháng 11)".
func PeriodText(cat *text.Catalog, p Period) string {
	data := struct{ Num, Year, Last int }{p.First.Num(), p.Year(), p.Last.Num()}
	switch p.Kind {
	case PeriodHalf:
		return cat.Render(text.ExportPeriodHalf, data)
	case PeriodYear:
		return cat.Render(text.ExportPeriodYear, data)
	}
	return cat.Render(text.ExportPeriodMonth, data)
}

// exportFileName names the workbook: "lamtheo-xa-demo-2026.xlsx",
// "lamtheo-c01-2026-6t.xlsx", "lamtheo-xa-demo-2026-11.xlsx".
func exportFileName(scope string, p Period) string {
	name := "lamtheo-" + asciiSlug(scope) + fmt.Sprintf("-%d", p.Year())
	switch p.Kind {
	case PeriodHalf:
		name += "-6t"
	case PeriodMonth:
		name += fmt.Sprintf("-%02d", p.First.Num())
	}
	return name + ".xlsx"
}
