// Package chart draws the cells' leaderboard as a PNG picture: a horizontal
// bar chart of the month's reporting rates in rank order, the reader's own
// cell highlighted, cells without a rank listed at the bottom without a bar.
//
// It owns the layout, the embedded font (Liberation Sans, SIL Open Font
// Licence 1.1) and the PNG encoding. It knows no chat platform, no store and
// no language: every word it draws comes from its caller (flows renders them
// from the text catalogue), and it normalises each to NFC before drawing.
//
// The bars are plain rectangles drawn with image/draw and the text is
// rasterised with golang.org/x/image/font/opentype, rather than with
// gonum.org/v1/plot: a ranked list of bars needs no axes, ticks or legends,
// and plot adds about 8.5 MB to the binary (it links every Liberation face,
// a LaTeX renderer and an SVG backend) where this package adds about
// 1.8 MB, 0.8 MB of it the two font faces.
package chart
