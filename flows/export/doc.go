// Package export writes the spreadsheet of /xuat: a flows.ExportBook as an
// .xlsx workbook of three sheets (members with their month grid, the cells'
// summary with the organisation's total, the deeds reported), titles from
// the catalogue, numbers and percentages as values. excelize lays out the
// workbook (styles, widths, frozen heads, the cell summary); the member and
// deed rows are written as worksheet XML straight into the file's zip entry
// (rows.go), so an organisation's year costs the writer little more than
// the file's bytes. It knows no store and no platform: flows gathers the rows,
// cmd/lamtheo hands Write to the engine (Engine.Spreadsheet).
package export
