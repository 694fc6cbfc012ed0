package store

import (
	"fmt"

	"lamtheo/bot"
	"lamtheo/flows"
)

// PutAside implements flows.Tx: records get increasing sequence keys, and
// the one flows.MaxAsides before the new one is deleted.
func (t *tx) PutAside(a flows.Aside) error {
	if err := t.writable(); err != nil {
		return err
	}
	b := t.b(bucketAsides)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("put aside: %w", err)
	}
	if err := b.Put(u64(seq), encodeAside(a)); err != nil {
		return fmt.Errorf("put aside: %w", err)
	}
	if seq > flows.MaxAsides {
		if err := b.Delete(u64(seq - flows.MaxAsides)); err != nil {
			return fmt.Errorf("put aside: %w", err)
		}
	}
	return nil
}

// Asides implements flows.Tx.
func (t *tx) Asides() ([]flows.Aside, error) {
	var out []flows.Aside
	var dmg damage
	err := t.b(bucketAsides).ForEach(func(k, v []byte) error {
		a, err := decodeAside(v)
		if err != nil {
			return dmg.add(fmt.Sprintf("aside %x", k), fmt.Errorf("aside %x: %w", k, err))
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, dmg.err()
}

func encodeAside(a flows.Aside) []byte {
	e := newEnc(64 + len(a.Key) + len(a.Chat.ID) + len(a.From.ID) + len(a.FromName) + len(a.Text) + len(a.Err))
	e.time(a.At)
	e.str(a.Key)
	e.user(a.Chat.Platform, a.Chat.ID)
	e.user(a.From.Platform, a.From.ID)
	e.str(a.FromName)
	e.int(int(a.Kind))
	e.str(a.Text)
	e.str(a.Err)
	return e.b
}

func decodeAside(v []byte) (flows.Aside, error) {
	d := newDec(v)
	var a flows.Aside
	a.At = d.time()
	a.Key = d.str()
	a.Chat = bot.ChatID{Platform: bot.Platform(d.str()), ID: d.str()}
	a.From = bot.UserID{Platform: bot.Platform(d.str()), ID: d.str()}
	a.FromName = d.str()
	a.Kind = bot.Kind(d.int())
	a.Text = d.str()
	a.Err = d.str()
	return a, d.err
}
