// Package export writes the spreadsheet of /xuat: a flows.ExportBook as an
// .xlsx workbook of three sheets (members with their month grid, the cells'
// summary with the organisation's total, the deeds reported), titles from
// the catalogue, numbers and percentages as values. excelize lays out the
// workbook (styles, widths, frozen heads); the rows are written as
// worksheet XML straight into the file's zip entries (rows.go) as the book
// reads them from the store, one member at a time: the deed rows, read
// with their member's, wait deflated in a temporary file, and the cell
// summary, tallied on the way, follows the member sheet (assemble.go). So
// an organisation's year costs the writer little more than the file's
// bytes. It knows no store and no platform: flows reads the rows,
// cmd/lamtheo hands Write to the engine (Engine.Spreadsheet).
package export
