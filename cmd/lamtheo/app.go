package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"lamtheo/bot"
	"lamtheo/bot/console"
	"lamtheo/bot/telegram"
	"lamtheo/flows"
	"lamtheo/flows/text"
	"lamtheo/store"
)

// app is one running lamtheo: its store, engine and configuration.
type app struct {
	cfg   Config
	log   *slog.Logger
	db    *store.DB
	eng   *flows.Engine
	clock *clock
	sched *scheduler // the periodic jobs (scheduler.go)
}

// openApp opens the store and builds the engine; the configured cells are
// written to the store.
func openApp(ctx context.Context, cfg Config, log *slog.Logger) (*app, error) {
	loc, err := cfg.Location()
	if err != nil {
		return nil, err
	}
	db, err := store.Open(cfg.Data.Path, store.Options{Log: log})
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, db: db, clock: &clock{loc: loc}}
	a.eng = flows.NewEngine(db, engineConfig(cfg, loc), log)
	a.eng.Now = a.clock.Now
	if a.sched, err = newScheduler(cfg, loc, a.eng, db, log); err != nil {
		db.Close()
		return nil, err
	}
	a.eng.Schedules = a.sched.schedules()
	cells := make([]flows.Cell, 0, len(cfg.Cells))
	for _, c := range cfg.Cells {
		cells = append(cells, flows.Cell{Code: c.Code, Name: c.Name, MeetingDay: c.MeetingDay})
	}
	if err := a.eng.SyncCells(ctx, cells); err != nil {
		db.Close()
		return nil, fmt.Errorf("store cells: %w", err)
	}
	return a, nil
}

// Close closes the store.
func (a *app) Close() error { return a.db.Close() }

// engineConfig translates the configuration into the engine's.
func engineConfig(cfg Config, loc *time.Location) flows.Config {
	ec := flows.Config{
		OrgName:    cfg.Org.Name,
		Loc:        loc,
		SessionTTL: cfg.Year.SessionTTL,
		InviteTTL:  cfg.Year.InviteTTL,
		Theme:      cfg.Year.Theme,
		GraceDays:  cfg.Year.GraceDays,
	}
	for _, c := range cfg.Year.Categories {
		ec.Categories = append(ec.Categories, flows.Category{Key: c.Key, Name: c.Name})
	}
	for _, id := range cfg.Admins.Telegram {
		ec.Admins = append(ec.Admins, bot.UserID{Platform: bot.Telegram, ID: strconv.FormatInt(id, 10)})
	}
	for _, name := range cfg.Admins.Console {
		ec.Admins = append(ec.Admins, bot.UserID{Platform: bot.Console, ID: console.UserID(name)})
	}
	return ec
}

// consoleOptions are knobs the transcript tests turn.
type consoleOptions struct {
	codes     func() string // invite codes; default random
	keyPrefix string        // console message keys' prefix; default random (console.Options.KeyPrefix)
}

// serveConsole runs the terminal chat over in and out until the input ends
// or ctx is done. Replies are printed before the next line is read.
func (a *app) serveConsole(ctx context.Context, in io.Reader, out io.Writer, o consoleOptions) error {
	if o.codes != nil {
		a.eng.NewCode = o.codes
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// One send at a time, in queue order: the terminal prints a deterministic transcript.
	sender := &bot.Sender{Outbox: a.db, Limits: bot.Limits{MaxConcurrent: 1}, Log: a.log, Wake: a.db.Wake()}
	interactive := isTerminal(in)
	if interactive {
		fmt.Fprintf(out, "%s\n\n", text.T(text.TerminalBanner, map[string]string{"Org": a.cfg.Org.Name}))
	}
	term := a.sched.terminal(a.clock.Now, interactive) // jobs catch up after ":time" (and at start for a person)
	conn := console.New(in, out, console.Options{
		Interactive: interactive,
		Idle:        term.idle(sender.WaitIdle),
		Now:         a.clock.Now,
		KeyPrefix:   o.keyPrefix,
		Commands:    map[string]func(string) (string, error){"time": term.setClock(a.clock.set)},
	})
	sender.Conn = conn
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return sender.Run(gctx) })
	g.Go(func() error {
		defer cancel()
		srv := &bot.Server{Conn: conn, Handler: a.eng, Log: a.log, Workers: 1}
		if err := srv.Serve(gctx); err != nil {
			return err
		}
		return sender.WaitIdle(gctx)
	})
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// telegramOptions are knobs the end-to-end tests turn.
type telegramOptions struct {
	client telegram.HTTPClient // default: a real HTTP client
}

// serveTelegram serves the Telegram bot until ctx is done.
func (a *app) serveTelegram(ctx context.Context, o telegramOptions) error {
	var cursor int64
	if err := a.db.View(ctx, func(tx flows.Tx) (err error) {
		cursor, err = tx.Cursor(bot.Telegram)
		return err
	}); err != nil {
		return err
	}
	conn, err := telegram.New(ctx, telegram.Options{
		Token:       a.cfg.Telegram.Token,
		Endpoint:    a.cfg.Telegram.Endpoint,
		PollTimeout: a.cfg.Telegram.PollTimeout,
		HTTPClient:  o.client,
		Cursor:      cursor,
		Log:         a.log,
	})
	if err != nil {
		return err
	}
	a.log.Info("serving Telegram", "bot", conn.Username(), "cursor", cursor)
	if err := conn.SetCommands(ctx, flows.Commands()); err != nil {
		a.log.Warn("set command menu failed", "err", err)
	}
	limits := a.cfg.Outbox.Limits()
	// The sender counts characters; Telegram counts UTF-16 units, where an
	// emoji is two. Leave room for a few.
	limits.MaxText = conn.Limits().MaxText - 96
	sender := &bot.Sender{Outbox: a.db, Conn: conn, Limits: limits, Log: a.log, Wake: a.db.Wake()}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return sender.Run(gctx) })
	g.Go(func() error { return a.sched.Run(gctx) })
	g.Go(func() error {
		srv := &bot.Server{Conn: conn, Handler: a.eng, Log: a.log}
		return srv.Serve(gctx)
	})
	if err := g.Wait(); err != nil && ctx.Err() == nil {
		return err
	}
	return nil
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// clock is the engine's clock: real time, moved by an offset in the
// terminal mode (":time 2026-11-25 08:00").
type clock struct {
	mu     sync.Mutex
	offset time.Duration
	loc    *time.Location
}

// Now returns the moved time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
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
		return "", errors.New(text.T(text.ClockBadTime, nil))
	}
	c.mu.Lock()
	c.offset = time.Until(t)
	c.mu.Unlock()
	return text.T(text.ClockSet, map[string]string{"Time": t.Format("02/01/2006 15:04")}), nil
}
