package store_test

import (
	"strings"
	"testing"

	"lamtheo/flows"
)

// TestInvitesOfCellAndAttempts: Invites lists one cell's codes, revoked
// and expired ones too; join attempts set to zero are forgotten.
func TestInvitesOfCellAndAttempts(t *testing.T) {
	db := openDB(t, nil)
	update(t, db, func(tx flows.Tx) error {
		for _, inv := range []flows.Invite{
			{Code: "A1", Cell: "C01", Expires: t0}, {Code: "B1", Cell: "C02", Expires: t0},
			{Code: "A2", Cell: "C01", Expires: t0, Group: group, Revoked: t0},
		} {
			if err := tx.PutInvite(inv); err != nil {
				return err
			}
		}
		return tx.PutJoinAttempts(alice, flows.JoinAttempts{Wrong: 2, Since: t0})
	})
	update(t, db, func(tx flows.Tx) error { return tx.PutJoinAttempts(alice, flows.JoinAttempts{}) })
	view(t, db, func(tx flows.Tx) error {
		invs, err := tx.Invites("C01")
		if err != nil {
			return err
		}
		var codes []string
		for _, inv := range invs {
			codes = append(codes, inv.Code)
		}
		if strings.Join(codes, ",") != "A1,A2" {
			t.Errorf("Invites(C01) = %v, want A1,A2", codes)
		}
		if a, err := tx.JoinAttempts(alice); a != (flows.JoinAttempts{}) || err != nil {
			t.Errorf("attempts after reset = %+v, %v", a, err)
		}
		return nil
	})
}
