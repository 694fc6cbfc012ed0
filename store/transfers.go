package store

import (
	"encoding/binary"
	"fmt"

	"lamtheo/flows"
)

// Transfer implements flows.Tx.
func (t *tx) Transfer(member flows.MemberID) (flows.Transfer, bool, error) {
	v := t.b(bucketTransfers).Get(memberKey(member))
	if v == nil {
		return flows.Transfer{}, false, nil
	}
	tr, err := decodeTransfer(member, v)
	if err != nil {
		return flows.Transfer{}, false, fmt.Errorf("transfer of member %d: %w", member, err)
	}
	return tr, true, nil
}

// PutTransfer implements flows.Tx.
func (t *tx) PutTransfer(tr flows.Transfer) error {
	if err := t.writable(); err != nil {
		return err
	}
	if tr.Member == 0 || tr.To == "" {
		return fmt.Errorf("put transfer: no member or cell")
	}
	if err := t.b(bucketTransfers).Put(memberKey(tr.Member), encodeTransfer(tr)); err != nil {
		return fmt.Errorf("put transfer of member %d: %w", tr.Member, err)
	}
	return nil
}

// DeleteTransfer implements flows.Tx.
func (t *tx) DeleteTransfer(member flows.MemberID) error {
	if err := t.writable(); err != nil {
		return err
	}
	if err := t.b(bucketTransfers).Delete(memberKey(member)); err != nil {
		return fmt.Errorf("delete transfer of member %d: %w", member, err)
	}
	return nil
}

// Transfers implements flows.Tx. It reads the whole transfers bucket,
// which holds only the requests still waiting: a handful at a time.
func (t *tx) Transfers(cell string) ([]flows.Transfer, error) {
	var out []flows.Transfer
	var dmg damage
	err := t.b(bucketTransfers).ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			return nil
		}
		id := flows.MemberID(binary.BigEndian.Uint64(k))
		tr, err := decodeTransfer(id, v)
		if err != nil {
			return dmg.add(fmt.Sprint("transfer ", id), fmt.Errorf("transfer of member %d: %w", id, err))
		}
		if cell == "" || tr.To == cell {
			out = append(out, tr)
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, dmg.err()
}

func encodeTransfer(tr flows.Transfer) []byte {
	e := newEnc(24 + len(tr.From) + len(tr.To))
	e.str(tr.From)
	e.str(tr.To)
	e.time(tr.Asked)
	return e.b
}

func decodeTransfer(member flows.MemberID, v []byte) (flows.Transfer, error) {
	d := newDec(v)
	tr := flows.Transfer{Member: member}
	tr.From = d.str()
	tr.To = d.str()
	tr.Asked = d.time()
	return tr, d.err
}
