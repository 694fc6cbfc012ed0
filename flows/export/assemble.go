package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"cmp"
	"compress/flate"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
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
// order in the workbook), the deed rows, read with their members', from a
// deflated spill file in tmpDir. Only one member's row is in memory at a
// time.
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
	deeds := sheets[deedPath]
	sp, err := newSpill(tmpDir)
	if err != nil {
		return err
	}
	defer sp.remove()
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: memberPath, Method: zip.Deflate})
	if err != nil {
		return err
	}
	// The member and deed rows are deflated in goroutines of their own.
	me, de := newSheetEnc(fw, sheets[memberPath]), newSheetEnc(sp, deeds)
	err = w.memberRows(me.rowEnc, de.rowEnc)
	if err := cmp.Or(err, me.close(), de.close()); err != nil {
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
	if err := sp.copyTo(zw, deedPath); err != nil {
		return err
	}
	return zw.Close()
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

// spill holds one zip entry's content, deflated, in a temporary file until
// the entry's turn comes (zip.Writer.CreateRaw): the deed rows are read
// with the member rows, but go in a sheet of their own.
type spill struct {
	f    *os.File
	buf  *bufio.Writer // f's
	zw   *flate.Writer
	crc  hash.Hash32
	size uint64 // bytes before deflating
}

// spillLevel is the deflate level archive/zip uses.
const spillLevel = 5

func newSpill(dir string) (*spill, error) {
	f, err := os.CreateTemp(dir, "xuat-rows-*")
	if err != nil {
		return nil, err
	}
	s := &spill{f: f, buf: bufio.NewWriterSize(f, 64<<10), crc: crc32.NewIEEE()}
	if s.zw, err = flate.NewWriter(s.buf, spillLevel); err != nil {
		s.remove()
		return nil, err
	}
	return s, nil
}

func (s *spill) Write(p []byte) (int, error) {
	s.crc.Write(p)
	s.size += uint64(len(p))
	return s.zw.Write(p)
}

// copyTo writes the spilled content to zw as the entry called name.
func (s *spill) copyTo(zw *zip.Writer, name string) error {
	if err := s.zw.Close(); err != nil {
		return err
	}
	if err := s.buf.Flush(); err != nil {
		return err
	}
	n, err := s.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	h := &zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: s.crc.Sum32(), CompressedSize64: uint64(n), UncompressedSize64: s.size}
	fw, err := zw.CreateRaw(h)
	if err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err = io.Copy(fw, s.f)
	return err
}

// remove closes and removes the spill's file.
func (s *spill) remove() {
	s.f.Close()
	os.Remove(s.f.Name())
}
