package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// A chart is flat colours and anti-aliased text. Encoding it as a PNG of
// RGBA pixels is three quarters of Render's time and gives ~190 KB; with
// the glyphs' coverage cut to 16 levels the picture has well under 256
// colours, so it is encoded exactly as a paletted PNG: a quarter of the
// bytes to filter and compress, and a file a third of the size.

// levels wraps a face so its glyph masks have 16 levels of coverage.
type levels struct{ font.Face }

// level maps a coverage to the nearest of 16 levels.
var level = func() (t [256]uint8) {
	for v := range t {
		t[v] = uint8((v + 8) / 17 * 17)
	}
	return t
}()

// Glyph returns the wrapped face's glyph with its mask's coverage cut to
// 16 levels (in place: the mask is the face's buffer for one glyph).
func (l levels) Glyph(dot fixed.Point26_6, r rune) (image.Rectangle, image.Image, image.Point, fixed.Int26_6, bool) {
	dr, mask, mp, adv, ok := l.Face.Glyph(dot, r)
	if a, isAlpha := mask.(*image.Alpha); isAlpha {
		for i, v := range a.Pix {
			a.Pix[i] = level[v]
		}
	}
	return dr, mask, mp, adv, ok
}

// encode writes img as a PNG: paletted, with its colours in order of first
// appearance, when it has at most 256 of them, else as RGBA.
func encode(img *image.RGBA) ([]byte, error) {
	var out image.Image = img
	if p, ok := paletted(img); ok {
		out = p
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, out); err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

// paletted returns img as an exact paletted image, or false when it has
// more than 256 colours.
func paletted(img *image.RGBA) (*image.Paletted, bool) {
	b := img.Bounds()
	p := image.NewPaletted(b, nil)
	index := map[[4]uint8]uint8{}
	var last [4]uint8
	var lastIdx uint8
	have := false
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := img.Pix[img.PixOffset(b.Min.X, y):]
		dst := p.Pix[p.PixOffset(b.Min.X, y):]
		for x := range b.Dx() {
			c := [4]uint8(src[4*x : 4*x+4])
			if !have || c != last {
				i, ok := index[c]
				if !ok {
					if len(p.Palette) == 256 {
						return nil, false
					}
					i = uint8(len(p.Palette))
					index[c] = i
					p.Palette = append(p.Palette, color.RGBA{c[0], c[1], c[2], c[3]})
				}
				last, lastIdx, have = c, i, true
			}
			dst[x] = lastIdx
		}
	}
	return p, true
}
