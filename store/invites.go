package store

import (
	"fmt"

	"lamtheo/bot"
	"lamtheo/flows"
)

// Invite implements flows.Tx.
func (t *tx) Invite(code string) (flows.Invite, bool, error) {
	if code == "" {
		return flows.Invite{}, false, nil
	}
	v := t.b(bucketInvites).Get([]byte(code))
	if v == nil {
		return flows.Invite{}, false, nil
	}
	inv, err := decodeInvite(code, v)
	if err != nil {
		return flows.Invite{}, false, fmt.Errorf("invite: %w", err)
	}
	return inv, true, nil
}

// PutInvite implements flows.Tx.
func (t *tx) PutInvite(inv flows.Invite) error {
	if err := t.writable(); err != nil {
		return err
	}
	if inv.Code == "" {
		return fmt.Errorf("put invite: empty code")
	}
	if err := t.b(bucketInvites).Put([]byte(inv.Code), encodeInvite(inv)); err != nil {
		return fmt.Errorf("put invite: %w", err)
	}
	return nil
}

// Invites implements flows.Tx. It reads the whole invites bucket, which
// holds the few codes each cell was ever given; cell "" lists them all.
func (t *tx) Invites(cell string) ([]flows.Invite, error) {
	var out []flows.Invite
	var dmg damage
	err := t.b(bucketInvites).ForEach(func(k, v []byte) error {
		inv, err := decodeInvite(string(k), v)
		if err != nil {
			return dmg.add("invite "+string(k), fmt.Errorf("invite %s: %w", k, err))
		}
		if cell == "" || inv.Cell == cell {
			out = append(out, inv)
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, dmg.err()
}

// JoinAttempts implements flows.Tx.
func (t *tx) JoinAttempts(u bot.UserID) (flows.JoinAttempts, error) {
	k, err := userKey(u)
	if err != nil {
		return flows.JoinAttempts{}, fmt.Errorf("join attempts: %w", err)
	}
	v := t.b(bucketAttempts).Get(k)
	if v == nil {
		return flows.JoinAttempts{}, nil
	}
	a, err := decodeAttempts(v)
	if err != nil {
		return flows.JoinAttempts{}, fmt.Errorf("join attempts of %s: %w", u, err)
	}
	return a, nil
}

// PutJoinAttempts implements flows.Tx.
func (t *tx) PutJoinAttempts(u bot.UserID, a flows.JoinAttempts) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, err := userKey(u)
	if err != nil {
		return fmt.Errorf("put join attempts: %w", err)
	}
	if a == (flows.JoinAttempts{}) {
		err = t.b(bucketAttempts).Delete(k)
	} else {
		err = t.b(bucketAttempts).Put(k, encodeAttempts(a))
	}
	if err != nil {
		return fmt.Errorf("put join attempts of %s: %w", u, err)
	}
	return nil
}

// inviteV2 is the version byte of the invite records this build writes:
// version 1's fields, then the group the code was posted in and when it
// was revoked. Version 1 records decode as given privately and live.
const inviteV2 = 2

func encodeInvite(inv flows.Invite) []byte {
	e := newEnc(48 + len(inv.Cell) + len(inv.Group.ID))
	e.b[0] = inviteV2
	e.str(inv.Cell)
	e.time(inv.Created)
	e.time(inv.Expires)
	e.user(inv.Group.Platform, inv.Group.ID)
	e.time(inv.Revoked)
	return e.b
}

func decodeInvite(code string, v []byte) (flows.Invite, error) {
	d := newDecUpTo(v, inviteV2)
	inv := flows.Invite{Code: code}
	inv.Cell = d.str()
	inv.Created = d.time()
	inv.Expires = d.time()
	if d.ver >= inviteV2 {
		inv.Group = bot.ChatID{Platform: bot.Platform(d.str()), ID: d.str()}
		inv.Revoked = d.time()
	}
	return inv, d.err
}

// --- join attempts ---

func encodeAttempts(a flows.JoinAttempts) []byte {
	e := newEnc(32)
	e.int(a.Wrong)
	e.time(a.Since)
	e.time(a.Until)
	return e.b
}

func decodeAttempts(v []byte) (flows.JoinAttempts, error) {
	d := newDec(v)
	var a flows.JoinAttempts
	a.Wrong = d.int()
	a.Since = d.time()
	a.Until = d.time()
	return a, d.err
}
