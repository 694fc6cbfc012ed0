package flows_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"lamtheo/flows"
	"lamtheo/seed"
	"lamtheo/store"
)

// TestOrgSummaryStreamsAsCells: on a seeded organisation (3,000 people in
// 30 cells, a year of reports), the organisation's summary, which streams
// every member and the month's reports through per-cell tallies, gives
// each cell exactly the figures of that cell's own summary (CellSummary,
// without its lists of names, which the organisation's table never shows),
// in every month: the last, partly reported, one, a full one, a month
// before the reports began and one before anyone joined.
func TestOrgSummaryStreamsAsCells(t *testing.T) {
	o := seed.Options{Members: 3000, Cells: 30, Months: 12, Until: 202611, Seed: 13, Categories: []string{"a", "b"}}
	db := openSeeded(t, o)
	e := &flows.Engine{Store: db}
	for _, m := range []flows.Month{202611, 202610, 202601, 202511, 202001} {
		err := db.View(t.Context(), func(tx flows.Tx) error {
			org, err := e.OrgSummary(tx, m)
			if err != nil {
				return err
			}
			if len(org.Rows) != o.Cells {
				t.Errorf("%s: %d rows", m, len(org.Rows))
			}
			var total flows.SummaryCounts
			for _, row := range org.Rows {
				want, err := e.CellSummary(tx, row.Cell.Code, m)
				if err != nil {
					return err
				}
				got := row.CellSummary
				if got.SummaryCounts != want.SummaryCounts || got.Cell.Code != want.Cell.Code || got.Month != want.Month || got.Closed != want.Closed {
					t.Errorf("%s %s: streamed %+v\nits own summary %+v", m, row.Cell.Code, got.SummaryCounts, want.SummaryCounts)
				}
				if !reflect.DeepEqual(got.Deeds, want.Deeds) {
					t.Errorf("%s %s: streamed deeds %+v\nits own %+v", m, row.Cell.Code, got.Deeds, want.Deeds)
				}
				total.MustReport += want.MustReport
				total.Reported += want.Reported
			}
			if org.Total.MustReport != total.MustReport || org.Total.Reported != total.Reported {
				t.Errorf("%s: total %+v, the cells sum to %+v", m, org.Total, total)
			}
			if m == 202611 && (total.MustReport < 2000 || total.Reported == 0) {
				t.Errorf("%s: a seeded month counts %+v", m, total)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// noListStore is the store with the whole-organisation member listing
// (Members("")) refused: what holds every member in memory at once.
type noListStore struct{ *store.DB }

func (s noListStore) Update(ctx context.Context, fn func(flows.Tx) error) error {
	return s.DB.Update(ctx, func(tx flows.Tx) error { return fn(noListTx{tx}) })
}

func (s noListStore) View(ctx context.Context, fn func(flows.Tx) error) error {
	return s.DB.View(ctx, func(tx flows.Tx) error { return fn(noListTx{tx}) })
}

type noListTx struct{ flows.Tx }

func (t noListTx) Members(cell string) ([]flows.Member, error) {
	if cell == "" {
		return nil, errors.New("every member listed at once")
	}
	return t.Tx.Members(cell)
}

// TestAdminSummaryNeverListsEveryMember: an admin's /summary (the
// organisation's table, its hint of the other month) and the leaderboard
// read the members one at a time (Tx.EachMember), never the whole list at
// once, so their memory grows with the cells, not the members.
func TestAdminSummaryNeverListsEveryMember(t *testing.T) {
	o := newOrg(t)
	o.eng.Store = noListStore{o.db}
	if got := joined(to(o.send(o.admin, "/summary"), o.admin.PrivateChat())); strings.Contains(got, "trục trặc") || !strings.Contains(got, "Toàn Đảng bộ") {
		t.Errorf("admin /summary: %s", got)
	}
	if got := joined(to(o.send(o.uBa, "/bangxephang"), o.uBa.PrivateChat())); strings.Contains(got, "trục trặc") {
		t.Errorf("/bangxephang: %s", got)
	}
}
