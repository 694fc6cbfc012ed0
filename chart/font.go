package chart

import (
	"fmt"
	"sync"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// faces are the parsed embedded fonts. Parsing is done once; a *sfnt.Font
// is safe for concurrent use (each caller brings its own sfnt.Buffer or
// opentype.Face), so the parsed fonts are shared, read-only, by every Render.
var faces = sync.OnceValues(func() (*fonts, error) {
	regular, err := opentype.Parse(liberationsansregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("parse Liberation Sans Regular: %w", err)
	}
	bold, err := opentype.Parse(liberationsansbold.TTF)
	if err != nil {
		return nil, fmt.Errorf("parse Liberation Sans Bold: %w", err)
	}
	return &fonts{regular: regular, bold: bold}, nil
})

// fonts are the two faces the chart draws with.
type fonts struct{ regular, bold *sfnt.Font }

// face returns a new face of f at size pixels, its glyphs' coverage cut
// to 16 levels (see levels). A Face is not safe for concurrent use: every
// Render makes its own.
func face(f *sfnt.Font, size float64) (font.Face, error) {
	ff, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	return levels{ff}, nil
}

// Missing returns the runes of s (after NFC normalisation, as Render draws
// it) for which an embedded face has no glyph, in order of first
// appearance; white space is not checked. Both faces are checked.
func Missing(s string) ([]rune, error) {
	fs, err := faces()
	if err != nil {
		return nil, err
	}
	var out []rune
	for _, f := range []*sfnt.Font{fs.regular, fs.bold} {
		out = appendMissing(out, f, s)
	}
	return out, nil
}

// appendMissing appends to out the runes of NFC(s) that f has no glyph for
// and out does not hold yet.
func appendMissing(out []rune, f *sfnt.Font, s string) []rune {
	var buf sfnt.Buffer
	for _, r := range norm.NFC.String(s) {
		switch r {
		case ' ', '\n', '\t', '\r':
			continue
		}
		if i, err := f.GlyphIndex(&buf, r); err == nil && i != 0 {
			continue
		}
		seen := false
		for _, m := range out {
			seen = seen || m == r
		}
		if !seen {
			out = append(out, r)
		}
	}
	return out
}
