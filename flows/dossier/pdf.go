package dossier

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-fonts/liberation/liberationserifbold"
	"codeberg.org/go-fonts/liberation/liberationserifregular"
	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"lamtheo/flows"
	"lamtheo/flows/text"
)

// The page: A4 in millimetres, its margins, the font sizes and the height
// of one line of body text.
const (
	margin   = 20.0
	bodySize = 11.0
	smallSz  = 9.5
	lineH    = 5.5
	font     = "serif"
)

// Write returns d as a PDF, its words from cat. It is safe for concurrent
// use.
func Write(cat *text.Catalog, d flows.Dossier) ([]byte, error) {
	p := fpdf.New("P", "mm", "A4", "")
	// The file says the day it was made, as its header does: the same data
	// on the same day give the same bytes.
	y, m, day := d.Made.Date()
	made := time.Date(y, m, day, 0, 0, 0, 0, d.Made.Location())
	p.SetCreationDate(made)
	p.SetModificationDate(made)
	p.SetCompression(true)
	p.SetCatalogSort(true) // fonts in a fixed order: equal dossiers, equal bytes
	p.AddUTF8FontFromBytes(font, "", liberationserifregular.TTF)
	p.AddUTF8FontFromBytes(font, "B", liberationserifbold.TTF)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(true, margin)
	p.SetTitle(nfc(cat.Render(text.DossierTitle, struct{ Year int }{d.Year})+" — "+d.Name), true)
	p.SetLang("vi")
	w := &writer{p: p, cat: cat, d: d}
	p.AliasNbPages("{nb}")
	p.SetFooterFunc(func() {
		p.SetY(-margin + 5)
		p.SetFont(font, "", smallSz)
		p.CellFormat(0, lineH, w.t(text.DossierPage, struct{ Page int }{p.PageNo()}), "", 0, "C", false, 0, "")
	})
	p.AddPage()
	w.header()
	w.pledge()
	w.done()
	w.months()
	w.praised()
	w.status()
	w.para(w.t(text.DossierClosing, nil), "")
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("dossier pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("dossier pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// nfc normalises s for the page: composed (NFC), since fpdf draws code
// points one by one and a decomposed mark would land beside its letter;
// without the code points outside the Basic Multilingual Plane (emoji,
// which fpdf refuses and the font lacks) and the joiners and variation
// selectors that go with them.
func nfc(s string) string {
	s = norm.NFC.String(s)
	if !strings.ContainsFunc(s, dropped) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if dropped(r) {
			return -1
		}
		return r
	}, s)
}

// dropped reports whether r is left out of the page (see nfc).
func dropped(r rune) bool { return r > 0xFFFF || r == 0x200D || (r >= 0xFE00 && r <= 0xFE0F) }

// writer lays out one dossier.
type writer struct {
	p   *fpdf.Fpdf
	cat *text.Catalog
	d   flows.Dossier
}

// t renders key with data, NFC.
func (w *writer) t(key text.Key, data any) string { return nfc(w.cat.Render(key, data)) }

// date says t as dd/mm/yyyy.
func date(t time.Time) string { return t.Format("02/01/2006") }

// width is the width between the margins.
func (w *writer) width() float64 {
	pw, _ := w.p.GetPageSize()
	return pw - 2*margin
}

// header writes the organisation and the party's name, the title, the
// member's block and what the dossier is for.
func (w *writer) header() {
	p, d := w.p, w.d
	half := w.width() / 2
	p.SetFont(font, "", bodySize)
	y := p.GetY()
	p.MultiCell(half, lineH, nfc(strings.ToUpper(d.Org)+"\n"+strings.ToUpper(d.Cell)), "", "C", false)
	end := p.GetY()
	p.SetXY(margin+half, y)
	p.SetFont(font, "B", bodySize)
	p.MultiCell(half, lineH, w.t(text.DossierParty, nil), "", "C", false)
	p.SetY(max(end, p.GetY()) + 6)
	p.SetFont(font, "B", 13)
	p.MultiCell(0, 6.5, w.t(text.DossierTitle, struct{ Year int }{d.Year}), "", "C", false)
	p.Ln(4)
	p.SetFont(font, "", bodySize)
	p.MultiCell(0, lineH+0.5, w.t(text.DossierHeader, struct{ Name, Cell, Org, Made string }{d.Name, d.Cell, d.Org, date(d.Made)}), "", "L", false)
	p.Ln(2)
	p.SetFont(font, "", smallSz)
	p.MultiCell(0, lineH-0.5, w.t(text.DossierPurpose, nil), "", "L", false)
	p.Ln(2)
}

// heading writes a section's heading.
func (w *writer) heading(s string) {
	w.p.Ln(3)
	w.p.SetFont(font, "B", bodySize+1)
	w.p.MultiCell(0, lineH+1, s, "", "L", false)
	w.p.Ln(1)
}

// para writes s as a paragraph in style ("" or "B"), indented by indent
// millimetres.
func (w *writer) paraAt(s, style string, indent float64) {
	w.p.SetFont(font, style, bodySize)
	w.p.SetX(margin + indent)
	w.p.MultiCell(w.width()-indent, lineH, s, "", "L", false)
}

func (w *writer) para(s, style string) { w.paraAt(s, style, 0) }

// pledge writes section 1: the pledge, its approval and its items.
func (w *writer) pledge() {
	d := w.d
	w.heading(w.t(text.DossierPledgeHeading, struct{ Year int }{d.Year}))
	if !d.HasPledge {
		w.para(w.t(text.DossierNoPledge, struct{ Year int }{d.Year}), "")
		return
	}
	state := struct {
		Submitted, Decided, By string
		Approved, Returned     bool
	}{Submitted: date(d.Submitted), By: d.DecidedBy,
		Approved: d.Status == flows.PledgeApproved, Returned: d.Status == flows.PledgeReturned}
	if !d.Decided.IsZero() {
		state.Decided = date(d.Decided)
	}
	w.para(w.t(text.DossierPledgeState, state), "")
	for _, it := range d.Items {
		w.paraAt(w.t(text.DossierItem, struct {
			No                     int
			Text, Category, Target string
		}{it.No, it.Text, it.CategoryName, it.Target}), "", 4)
	}
}

// done writes section 2: what was done, item by item across the months,
// then the deeds outside the pledge.
func (w *writer) done() {
	d := w.d
	w.heading(w.t(text.DossierDoneHeading, nil))
	for _, it := range d.Items {
		w.para(w.t(text.DossierItemHeading, struct {
			No   int
			Text string
		}{it.No, it.Text}), "B")
		if len(it.Deeds) == 0 {
			w.paraAt(w.t(text.DossierItemNone, nil), "", 4)
		}
		w.deeds(it.Deeds)
		w.p.Ln(1)
	}
	w.para(w.t(text.DossierOthersHeading, nil), "B")
	if len(d.Others) == 0 {
		w.paraAt(w.t(text.DossierNone, nil), "", 4)
	}
	w.deeds(d.Others)
}

// deeds writes one line per deed: its month, its status and what was done.
func (w *writer) deeds(ds []flows.DossierDeed) {
	for _, dd := range ds {
		w.paraAt(w.deed(dd), "", 4)
	}
}

// deed says one deed; a deed outside the pledge in a list of praised ones
// carries its item's words when it has them.
func (w *writer) deed(dd flows.DossierDeed) string {
	status := text.StatusDone
	switch dd.Status {
	case flows.Doing:
		status = text.StatusDoing
	case flows.NotYet:
		status = text.StatusNotYet
	}
	return w.t(text.DossierDeed, struct {
		Num          int
		Status, Text string
	}{dd.Month.Num(), w.t(status, nil), dd.Text})
}

// stateKeys are the words of the month states, in their order.
var stateKeys = []text.Key{
	flows.DossierNotMember: text.DossierStateNotMember,
	flows.DossierReported:  text.DossierStateReported,
	flows.DossierExempt:    text.DossierStateExempt,
	flows.DossierAhead:     text.DossierStateAhead,
	flows.DossierOpen:      text.DossierStateOpen,
	flows.DossierPaused:    text.DossierStatePaused,
	flows.DossierMissing:   text.DossierStateMissing,
}

// months writes section 3: the count of months reported and a table of
// the twelve months.
func (w *writer) months() {
	d := w.d
	w.heading(w.t(text.DossierMonthsHeading, nil))
	w.para(w.t(text.DossierMonthsCount, struct {
		Reported, Due int
		Exempt        bool
	}{d.Reported, d.Due, d.Exempt}), "")
	w.p.Ln(1)
	widths := []float64{35, w.width() - 35}
	for _, m := range d.Months {
		state := w.t(stateKeys[m.State], nil)
		if m.Praised {
			state += w.t(text.DossierStatePraised, nil)
		}
		w.row(widths, w.t(text.DossierMonthLabel, struct{ Num, Year int }{m.Month.Num(), m.Month.Year()}), state)
	}
}

// row writes one row of a bordered table, each cell wrapped to its width
// and the row as high as its tallest cell (SplitText), on a new page when
// it does not fit.
func (w *writer) row(widths []float64, cells ...string) {
	p := w.p
	p.SetFont(font, "", bodySize)
	lines := 1
	for i, c := range cells {
		lines = max(lines, len(p.SplitText(c, widths[i])))
	}
	h := float64(lines)*lineH + 1
	_, ph := p.GetPageSize()
	if p.GetY()+h > ph-margin {
		p.AddPage()
	}
	x, y := margin, p.GetY()
	for i, c := range cells {
		p.Rect(x, y, widths[i], h, "D")
		p.SetXY(x, y+0.5)
		p.MultiCell(widths[i], lineH, c, "", "L", false)
		x += widths[i]
	}
	p.SetXY(margin, y+h)
}

// praised writes section 4: the deeds of the praised reports.
func (w *writer) praised() {
	d := w.d
	w.heading(w.t(text.DossierPraisedHeading, nil))
	if len(d.Praised) == 0 {
		w.para(w.t(text.DossierNone, nil), "")
	}
	for _, dd := range d.Praised {
		s := w.deed(dd)
		if dd.ItemText != "" {
			s += " (" + nfc(dd.ItemText) + ")"
		}
		w.paraAt(s, "", 4)
	}
}

// status writes section 5: when the member connected, the latest pause,
// the exemption.
func (w *writer) status() {
	d := w.d
	w.heading(w.t(text.DossierStatusHeading, nil))
	any := false
	if d.Joined != 0 {
		w.para(w.t(text.DossierJoined, struct{ Num, Year int }{d.Joined.Num(), d.Joined.Year()}), "")
		any = true
	}
	if !d.PausedUntil.IsZero() {
		w.para(w.t(text.DossierPaused, struct{ Until, Reason string }{date(d.PausedUntil), d.PauseReason}), "")
		any = true
	}
	if d.Exempt {
		w.para(w.t(text.DossierExempt, nil), "")
		any = true
	}
	if !any {
		w.para(w.t(text.DossierNone, nil), "")
	}
	w.p.Ln(4)
}
