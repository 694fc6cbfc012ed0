package flows

import (
	"fmt"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// CampaignOpen reports whether the pledge campaign of slot's season is
// worth running at now: slot and now both fall in the campaign of the same
// year (campaignYear: December to March), and now is at most seven days
// after slot.
func CampaignOpen(slot, now time.Time, loc *time.Location) bool {
	sy, sok := campaignYear(slot, loc)
	ny, nok := campaignYear(now, loc)
	return sok && nok && sy == ny && now.Sub(slot) <= jobStale
}

// PledgeYear returns the year a pledge written at now is for: the current
// year in loc, and the coming one in December, when the campaign for it
// opens (pledges are written from December to March). /dangky and /duyet
// work on that year's pledges.
func PledgeYear(now time.Time, loc *time.Location) int {
	t := now.In(loc)
	if t.Month() == time.December {
		return t.Year() + 1
	}
	return t.Year()
}

// campaignYear returns the year whose pledges a campaign at t (in loc)
// invites: the coming year in December, t's year in January to March
// (PledgeYear); false in the other months.
func campaignYear(t time.Time, loc *time.Location) (int, bool) {
	m := MonthOf(t, loc)
	if m.Num() != 12 && m.Num() > 3 {
		return 0, false
	}
	return PledgeYear(t, loc), true
}

// CampaignTargets returns the members of cell to invite to write year's
// pledge at now, in Vietnamese name order: the members of cell who may be
// reminded at now (Remindable, months in loc) with no pledge of year
// (pledges are keyed by member) or only a draft without items.
func CampaignTargets(cell string, members []Member, pledges map[MemberID]Pledge, year int, now time.Time, loc *time.Location, unreachable map[bot.ChatID]bool) []Member {
	var out []Member
	for _, m := range members {
		if m.Cell != cell || !m.Remindable(now, loc, unreachable) {
			continue
		}
		if p, ok := pledges[m.ID]; ok && p.Member == m.ID && p.Year == year && (p.Status != PledgeDraft || len(p.Items) > 0) {
			continue
		}
		out = append(out, m)
	}
	SortByName(out)
	return out
}

// PledgeRate counts, among the members of cell who count in month
// (CountsIn, months in loc; the campaign asks about the month it runs in),
// those whose pledge of year is submitted or approved (registered), those
// waiting for the secretary (submitted), and all of them (must): each
// member being their own roster entry, as pledgeRate counts a roster.
func PledgeRate(cell string, members []Member, pledges map[MemberID]Pledge, year int, month Month, loc *time.Location) (registered, waiting, must int) {
	var people []RosterPerson
	for _, m := range members {
		if m.Cell == cell {
			people = append(people, RosterPerson{Entry: *RosterEntryOf(m), Member: m})
		}
	}
	return pledgeRate(cell, people, pledges, year, month, loc)
}

// pledgeRate is PledgeRate over the people of cell's roster, who count
// whether or not they use the bot (RosterPerson.CountsIn).
func pledgeRate(cell string, people []RosterPerson, pledges map[MemberID]Pledge, year int, month Month, loc *time.Location) (registered, waiting, must int) {
	for _, person := range people {
		if !person.CountsIn(cell, month, loc) {
			continue
		}
		must++
		m := person.Member
		p, ok := pledges[m.ID]
		if !person.HasMember() || !ok || p.Member != m.ID || p.Year != year {
			continue
		}
		switch p.Status {
		case PledgeSubmitted:
			registered++
			waiting++
		case PledgeApproved:
			registered++
		}
	}
	return registered, waiting, must
}

// campaignInviteView is the data of the invitation to write the year's
// pledge (campaign_invite and its typed variant).
type campaignInviteView struct {
	Name  string // the member
	Cell  string // the cell's name
	Year  int
	Theme string // the year's theme; "" for none
	Org   string // the organisation's name
}

// campaignRateView is the data of a cell's registration rate for its
// secretaries (campaign_rate).
type campaignRateView struct {
	Cell                string // the cell's name
	Year                int
	Registered, Waiting int // pledges submitted or approved; of them, waiting for the secretary
	MustReport          int // the members who count this month (Member.CountsIn)
	Percent             string
	Invited             int // members invited by this run
}

// campaign invites the members without a pledge for the year and tells each
// secretary the cell's registration rate.
func (j *jobRun) campaign() (bool, error) {
	loc := j.e.loc()
	if !CampaignOpen(j.slot, j.now, loc) {
		return false, nil
	}
	year, _ := campaignYear(j.slot, loc)
	cur := MonthOf(j.now, loc) // who counts: the members connected by this month
	j.month = Month(year*100 + 1)
	cells, err := j.cells()
	if err != nil {
		return false, err
	}
	button := [][]bot.Choice{row(choice(j.e.t(text.CampaignButton, nil), goPrefix+"dangky:"))}
	type rate struct {
		cell               Cell
		secs               []Member
		reg, waiting, must int
		invites            map[bot.ChatID]bool
	}
	var casts []cast
	var rates []rate
	for _, c := range cells {
		cs := cast{cell: c}
		rt := rate{cell: c, invites: map[bot.ChatID]bool{}}
		err := guard(func() error {
			ms, err := j.tx.Members(c.Code)
			if err := j.dmg.listing(err); err != nil {
				return fmt.Errorf("load members of %s: %w", c.Code, err)
			}
			pledges := make(map[MemberID]Pledge, len(ms))
			kept := ms[:0:0]
			for _, mb := range ms {
				if mb.Cell == c.Code && mb.CountsIn(cur, loc) {
					p, ok, err := j.tx.Pledge(mb.ID, year)
					if err != nil {
						if j.dmg.skip(fmt.Sprintf("pledge %d %d", mb.ID, year), err) != nil {
							return fmt.Errorf("load pledge %d %d: %w", mb.ID, year, err)
						}
						continue // left out: neither invited nor counted
					}
					if ok {
						pledges[mb.ID] = p
					}
				}
				kept = append(kept, mb)
			}
			ms = kept
			un, err := unreachableChats(j.tx, ms)
			if err != nil {
				return err
			}
			rt.secs = secretariesOf(ms, c.Code)
			for _, mb := range CampaignTargets(c.Code, ms, pledges, year, j.now, loc, un) {
				body := j.e.t(j.e.textKey(firstPlatform(mb), text.CampaignInvite), campaignInviteView{
					Name: mb.Name, Cell: c.Name, Year: year, Theme: j.e.Cfg.Theme, Org: j.e.Cfg.OrgName,
				})
				reps, err := privateReplies(j.tx, mb.PrivateChats(), body, button)
				if err != nil {
					return err
				}
				for _, r := range reps {
					rt.invites[r.Chat] = true
				}
				cs.privates = append(cs.privates, reps...)
			}
			roster, err := cellRoster(j.tx, c.Code, cur, loc)
			if err := j.dmg.listing(err); err != nil {
				return fmt.Errorf("load roster of %s: %w", c.Code, err)
			}
			byID := make(map[MemberID]Member, len(ms))
			for _, mb := range ms {
				byID[mb.ID] = mb
			}
			people := withUnlisted(rosterPeople(roster, func(id MemberID) (Member, bool) { mb, ok := byID[id]; return mb, ok }), roster, ms, c.Code)
			rt.reg, rt.waiting, rt.must = pledgeRate(c.Code, people, pledges, year, cur, loc)
			return nil
		})
		if err != nil {
			if err := j.dmg.skip("cell "+c.Code, err); err != nil {
				return false, err
			}
			continue
		}
		casts = append(casts, cs)
		rates = append(rates, rt)
	}
	b := j.e.newBudget(j.tx, j.now)
	out, err := b.spend(casts, cutToFit, j.job, j.now)
	if err != nil {
		return false, err
	}
	j.out = append(j.out, out...)
	for _, rt := range rates {
		invited := 0
		for _, r := range out {
			if rt.invites[r.Chat] {
				invited++
			}
		}
		j.prompted += invited
		if rt.must == 0 {
			continue
		}
		body := j.e.t(text.CampaignRate, campaignRateView{
			Cell: rt.cell.Name, Year: year, Registered: rt.reg, MustReport: rt.must,
			Percent: FormatPercent(rt.reg, rt.must), Waiting: rt.waiting, Invited: invited,
		})
		for _, sec := range rt.secs {
			reps, err := privateReplies(j.tx, sec.PrivateChats(), body, nil)
			if err != nil {
				return false, err
			}
			for _, r := range reps {
				b.take(r.Chat.Platform, 1)
			}
			j.out = append(j.out, reps...)
		}
	}
	return true, nil
}
