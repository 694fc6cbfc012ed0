// Package export writes the spreadsheet of /xuat: a flows.ExportBook as an
// .xlsx workbook of three sheets (members with their month grid, the cells'
// summary with the organisation's total, the deeds reported), titles from
// the catalogue, numbers and percentages as values, streamed row by row
// (excelize's StreamWriter) so an organisation's year stays small in
// memory. It knows no store and no platform: flows gathers the rows,
// cmd/lamtheo hands Write to the engine (Engine.Spreadsheet).
package export
