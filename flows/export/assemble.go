package export

import (
	"archive/zip"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"strconv"

	"lamtheo/flows"
)

// The worksheets of a new workbook: the i-th sheet is sheet<i+1>.xml.
const (
	memberPath = "xl/worksheets/sheet1.xml"
	cellPath   = "xl/worksheets/sheet2.xml"
	deedPath   = "xl/worksheets/sheet3.xml"
)

// sheetXML is a worksheet as excelize wrote it, cut where its rows go: the
// head ends with the column titles' row, the tail begins with
// </sheetData>.
type sheetXML struct {
	head, tail []byte
}

// assemble copies the workbook in head (as excelize wrote it, each sheet
// holding its head rows only) to out with the rows in: the member rows as
// b.Members reads them, the cell rows once they are all read (the cell
// sheet's entry comes after the member sheet's in the zip, whatever their
// order in the workbook), then the deed sheet: its rows, read with their
// members' and at most the book's DeedRows, wait in a spill file in
// tmpDir, and its title rows say where it stopped when there were more
// (deedSheet). Only one member's row is in memory at a time.
func (w writer) assemble(out io.Writer, head []byte, tmpDir string) error {
	zr, err := zip.NewReader(bytes.NewReader(head), int64(len(head)))
	if err != nil {
		return err
	}
	zw := zip.NewWriter(out)
	sheets := map[string]sheetXML{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return err
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		switch zf.Name {
		case memberPath, cellPath, deedPath:
			cut := bytes.LastIndex(body, []byte(`</sheetData>`))
			if cut < 0 {
				return fmt.Errorf("%s: no sheet data", zf.Name)
			}
			sheets[zf.Name] = sheetXML{head: body[:cut], tail: body[cut:]}
			continue
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		if _, err := fw.Write(body); err != nil {
			return err
		}
	}
	if len(sheets) != 3 {
		return fmt.Errorf("%d of 3 worksheets", len(sheets))
	}
	spill, err := os.CreateTemp(tmpDir, "xuat-rows-*")
	if err != nil {
		return err
	}
	defer os.Remove(spill.Name())
	defer spill.Close()
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: memberPath, Method: zip.Deflate})
	if err != nil {
		return err
	}
	// The member rows are deflated in a goroutine of its own.
	me, de := newSheetEnc(fw, sheets[memberPath]), newRowEnc(spill)
	deeds, err := w.memberRows(me.rowEnc, de)
	if err := cmp.Or(err, me.close(), de.w.Flush()); err != nil {
		return err
	}
	fw, err = zw.CreateHeader(&zip.FileHeader{Name: cellPath, Method: zip.Deflate})
	if err != nil {
		return err
	}
	ce := newRowEnc(fw)
	ce.w.Write(sheets[cellPath].head)
	w.cellRows(ce)
	ce.w.Write(sheets[cellPath].tail)
	if err := ce.w.Flush(); err != nil {
		return err
	}
	fw, err = zw.CreateHeader(&zip.FileHeader{Name: deedPath, Method: zip.Deflate})
	if err != nil {
		return err
	}
	if err := w.deedSheet(fw, sheets[deedPath], spill, deeds); err != nil {
		return err
	}
	return zw.Close()
}

// deedSheet writes the deed sheet to out: its head, its rows from spill,
// its tail. When the members had more deeds than the sheet holds (total
// over DeedRows), the row under the subtitle says where the list stopped
// and how to get the rest (flows.DeedsCutText), and so does the row after
// the last deed.
func (w writer) deedSheet(out io.Writer, s sheetXML, spill *os.File, total int) error {
	at := bytes.Index(s.head, []byte(`<row r="`+strconv.Itoa(headerRow)+`"`))
	if at < 0 {
		return fmt.Errorf("%s: no row of column titles", deedPath)
	}
	most := w.b.DeedRows()
	note := ""
	if total > most {
		note = flows.DeedsCutText(w.cat, w.b, total)
	}
	e := newRowEnc(out)
	noteRow := func(r int) {
		e.start(r)
		e.str(note, w.st.note)
		e.end()
	}
	e.w.Write(s.head[:at])
	if note != "" {
		noteRow(headerRow - 1)
	}
	e.w.Write(s.head[at:])
	if _, err := spill.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := e.w.ReadFrom(spill); err != nil {
		return err
	}
	if note != "" {
		noteRow(headerRow + most + 1)
	}
	e.w.Write(s.tail)
	return e.w.Flush()
}

// sheetEnc writes a worksheet's rows between its head and its tail,
// through an asyncWriter.
type sheetEnc struct {
	*rowEnc
	a    *asyncWriter
	tail []byte
}

func newSheetEnc(w io.Writer, s sheetXML) sheetEnc {
	a := newAsyncWriter(w)
	e := sheetEnc{rowEnc: newRowEnc(a), a: a, tail: s.tail}
	e.w.Write(s.head)
	return e
}

// close writes the tail and waits until everything is written.
func (e sheetEnc) close() error {
	e.w.Write(e.tail)
	return cmp.Or(e.w.Flush(), e.a.Close())
}
