package rosterfile

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"lamtheo/flows"
	"lamtheo/flows/text"
)

// StatusText returns the status's name as the template and the roster say it.
func StatusText(cat *text.Catalog, s flows.RosterStatus) string {
	switch s {
	case flows.RosterProbation:
		return cat.Render(text.RosterStatusProbation, nil)
	case flows.RosterExempt:
		return cat.Render(text.RosterStatusExempt, nil)
	}
	return cat.Render(text.RosterStatusFull, nil)
}

// Template returns the xlsx file a secretary fills in: on its first sheet
// the header row and one example row of cell, on its second the
// explanation of the columns and statuses. Parse reads it back (its
// example row included).
func Template(cat *text.Catalog, cell flows.Cell) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := cat.Render(text.RosterTemplateSheet, nil)
	help := cat.Render(text.RosterTemplateHelpSheet, nil)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(help); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	header := strings.Split(cat.Render(text.RosterTemplateHeader, nil), "\n") // the words Parse looks for
	steps := []func() error{
		func() error { return f.SetSheetRow(sheet, "A1", &header) },
		func() error {
			ex := []string{cat.Render(text.RosterTemplateExample, nil), cell.Code, StatusText(cat, flows.RosterFull), ""}
			return f.SetSheetRow(sheet, "A2", &ex)
		},
		func() error { return f.SetCellStyle(sheet, "A1", "D1", bold) },
		func() error { return f.SetColWidth(sheet, "A", "A", 32) },
		func() error { return f.SetColWidth(sheet, "B", "B", 14) },
		func() error { return f.SetColWidth(sheet, "C", "C", 34) },
		func() error { return f.SetColWidth(sheet, "D", "D", 20) },
		func() error {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = "C2:C1000"
			statuses := []string{StatusText(cat, flows.RosterFull), StatusText(cat, flows.RosterProbation), StatusText(cat, flows.RosterExempt)}
			if err := dv.SetDropList(statuses); err != nil {
				return err
			}
			return f.AddDataValidation(sheet, dv)
		},
		func() error { return f.SetColWidth(help, "A", "A", 110) },
	}
	for i, line := range strings.Split(cat.Render(text.RosterTemplateHelp, cell), "\n") {
		steps = append(steps, func() error { return f.SetCellValue(help, fmt.Sprintf("A%d", i+1), line) })
	}
	steps = append(steps, func() error { return f.SetCellStyle(help, "A1", "A1", bold) })
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("roster template: %w", err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("roster template: %w", err)
	}
	return b.Bytes(), nil
}
