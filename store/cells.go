package store

import (
	"errors"
	"fmt"

	"lamtheo/bot"
	"lamtheo/flows"
)

// Cells implements flows.Tx.
func (t *tx) Cells() ([]flows.Cell, error) {
	var out []flows.Cell
	var dmg damage
	err := t.b(bucketCells).ForEach(func(k, v []byte) error {
		c, err := decodeCell(string(k), v)
		if err != nil {
			return dmg.add("cell "+string(k), fmt.Errorf("cell %s: %w", k, err))
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, dmg.err()
}

// Cell implements flows.Tx.
func (t *tx) Cell(code string) (flows.Cell, bool, error) {
	if code == "" {
		return flows.Cell{}, false, nil
	}
	v := t.b(bucketCells).Get([]byte(code))
	if v == nil {
		return flows.Cell{}, false, nil
	}
	c, err := decodeCell(code, v)
	if err != nil {
		return flows.Cell{}, false, fmt.Errorf("cell %s: %w", code, err)
	}
	return c, true, nil
}

// PutCell implements flows.Tx. Groups the cell no longer lists are
// unlinked; a group listed by c is linked to c even if another cell had it.
func (t *tx) PutCell(c flows.Cell) error {
	if err := t.writable(); err != nil {
		return err
	}
	if c.Code == "" || len(c.Code) > 255 {
		return fmt.Errorf("put cell: invalid code %q", c.Code)
	}
	old, had, err := t.Cell(c.Code)
	if errors.Is(err, flows.ErrDamaged) {
		// Writing the cell again repairs it; the groups the damaged record
		// listed stay indexed to it until they are linked elsewhere.
		had, err = false, nil
	}
	if err != nil {
		return err
	}
	groups := t.b(bucketGroups)
	if had {
		for _, g := range old.Groups {
			k, err := chatKey(g)
			if err != nil {
				return fmt.Errorf("put cell %s: %w", c.Code, err)
			}
			if string(groups.Get(k)) == c.Code {
				if err := groups.Delete(k); err != nil {
					return fmt.Errorf("put cell %s: %w", c.Code, err)
				}
			}
		}
	}
	for _, g := range c.Groups {
		k, err := chatKey(g)
		if err != nil {
			return fmt.Errorf("put cell %s: %w", c.Code, err)
		}
		if err := groups.Put(k, []byte(c.Code)); err != nil {
			return fmt.Errorf("put cell %s: %w", c.Code, err)
		}
	}
	if err := t.b(bucketCells).Put([]byte(c.Code), encodeCell(c)); err != nil {
		return fmt.Errorf("put cell %s: %w", c.Code, err)
	}
	return nil
}

// CellOfGroup implements flows.Tx.
func (t *tx) CellOfGroup(chat bot.ChatID) (flows.Cell, bool, error) {
	k, err := chatKey(chat)
	if err != nil {
		return flows.Cell{}, false, fmt.Errorf("cell of group: %w", err)
	}
	code := t.b(bucketGroups).Get(k)
	if code == nil {
		return flows.Cell{}, false, nil
	}
	return t.Cell(string(code))
}

func encodeCell(c flows.Cell) []byte {
	e := newEnc(32 + len(c.Name) + 24*len(c.Groups))
	e.str(c.Name)
	e.int(c.MeetingDay)
	e.uvarint(uint64(len(c.Groups)))
	for _, g := range c.Groups {
		e.user(g.Platform, g.ID)
	}
	return e.b
}

func decodeCell(code string, v []byte) (flows.Cell, error) {
	d := newDec(v)
	c := flows.Cell{Code: code}
	c.Name = d.str()
	c.MeetingDay = d.int()
	if n := d.count(2); n > 0 {
		c.Groups = make([]bot.ChatID, n)
		for i := range c.Groups {
			c.Groups[i] = bot.ChatID{Platform: bot.Platform(d.str()), ID: d.str()}
		}
	}
	return c, d.err
}
