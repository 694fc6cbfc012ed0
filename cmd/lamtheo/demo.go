package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"lamtheo/flows"
	"lamtheo/flows/text"
)

// demoStart is when the terminal mode's clock starts, in the
// organisation's zone: a fixed day early in a month, so that the README's
// walk-through and examples/thang-11.txt give the same answers on any day.
const demoStart = "2026-11-03 09:00"

// demoCodes returns the terminal mode's invite codes: ABC201, ABC202, …
// on a fresh data file, continuing after the codes the file already
// holds, so that the README's blocks can be pasted as they are. Chats on
// Telegram and Zalo keep random codes (flows.NewInviteCode).
func (a *app) demoCodes(ctx context.Context) (func() string, error) {
	var held int
	err := a.db.View(ctx, func(tx flows.Tx) error {
		invs, err := tx.Invites("")
		held = len(invs)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("count invites: %w", err)
	}
	var mu sync.Mutex
	n := 200 + held
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("ABC%d", n)
	}, nil
}

// clock is the engine's clock: real time, moved by an offset in the
// terminal mode (":time 2026-11-25 08:00"). Its methods are safe for
// concurrent use.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
	loc    *time.Location
	real   func() time.Time // the machine's clock; default time.Now
	text   *text.Catalog    // renders set's confirmations and refusals
}

// Now returns the moved time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.realNow().Add(c.offset)
}

// setReal makes now the machine's clock the moved time follows.
func (c *clock) setReal(now func() time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.real = now
}

// realNow returns the machine's time. c.mu must be held.
func (c *clock) realNow() time.Time {
	if c.real == nil {
		return time.Now()
	}
	return c.real()
}

// set moves the clock to the time in s ("2006-01-02 15:04" in the
// organisation's zone) and returns a confirmation to print.
func (c *clock) set(s string) (string, error) {
	loc := c.loc
	if loc == nil {
		loc = time.Local
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		return "", errors.New(c.text.Render(text.ClockBadTime, nil))
	}
	c.mu.Lock()
	c.offset = t.Sub(c.realNow())
	c.mu.Unlock()
	return c.text.Render(text.ClockSet, bannerView{Time: t.Format("02/01/2006 15:04")}), nil
}

// bannerView is the data of the terminal's banner and of ":time"'s answer
// (which uses Time only).
type bannerView struct {
	Org  string // the organisation's name
	Time string // the bot's clock, dd/mm/yyyy hh:mm
}
