package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"lamtheo/bot"
	"lamtheo/bot/console"
	"lamtheo/bot/telegram"
	"lamtheo/bot/zalo"
	"lamtheo/flows"
	"lamtheo/flows/dossier"
	"lamtheo/flows/export"
	"lamtheo/flows/rosterfile"
	"lamtheo/flows/text"
	"lamtheo/store"
)

// app is one running lamtheo: its store, engine and configuration.
type app struct {
	cfg   Config
	log   *slog.Logger
	db    *store.DB
	eng   *flows.Engine
	files *flows.FileWorker // builds the files flows ask for, apart from updates and senders
	clock *clock
	sched *scheduler // the periodic jobs (scheduler.go)
}

// serveMmap is the data file's first mapping in the running bot: a commit
// that grows the file past the mapping waits for every read transaction
// to end, and the file worker writes an export's workbook inside one
// (seconds for a province's year), so the mapping has room for most
// organisations' whole life (bbolt then grows it by 1 GB).
const serveMmap = 256 << 20

// openApp opens the store and builds the engine, which renders its texts
// from cat; the configured cells are written to the store.
func openApp(ctx context.Context, cfg Config, cat *text.Catalog, log *slog.Logger) (*app, error) {
	loc, err := cfg.Location()
	if err != nil {
		return nil, err
	}
	clk := &clock{loc: loc, text: cat}
	// The store counts a platform's messages by month on the same clock
	// as the engine (the terminal's :time moves both).
	// A file of an older schema is copied into the backup directory
	// before it is upgraded. The mapping has room ahead (serveMmap).
	db, err := store.Open(cfg.Data.Path, store.Options{Log: log, Loc: loc, MonthClock: clk.Now, UpgradeBackupDir: backupDir(cfg.Data),
		InitialMmapSize: serveMmap})
	if err != nil {
		return nil, err
	}
	// Backups killed half way leave temporary files: while this process
	// holds the data file, no other writes backups of it.
	if _, err := db.CleanBackupDir(backupDir(cfg.Data)); err != nil {
		log.Warn("remove stale backup files failed", bot.LogKeyErr, err)
	}
	a := &app{cfg: cfg, log: log, db: db, clock: clk}
	// The rest of the engine's fields are set by serveConsole, serveChats
	// and serve, before it handles a message or runs a job.
	a.eng = &flows.Engine{Store: db, Cfg: engineConfig(cfg, loc), Text: cat, Log: log, Now: clk.Now,
		Spreadsheet:    func(b flows.ExportBook) ([]byte, error) { return export.Write(cat, b) },
		DossierPDF:     func(d flows.Dossier) ([]byte, error) { return dossier.Write(cat, d) },
		RosterTemplate: func(c flows.Cell) ([]byte, error) { return rosterfile.Template(cat, c) },
		Rosters:        rosterfile.Chat{Text: cat},
		FileURL:        cfg.Files.PublicURL, LinkTTL: cfg.Files.LinkTTL}
	a.files = &flows.FileWorker{Engine: a.eng, Wake: db.FileWake()}
	if a.sched, err = newScheduler(cfg, loc, a.eng, db, log); err != nil {
		db.Close()
		return nil, err
	}
	a.sched.cleanFiles = func(ctx context.Context, now time.Time) (int, error) {
		return db.CleanFiles(ctx, now.Add(-cfg.Files.Keep), now)
	}
	a.eng.Schedules = a.sched.schedules()
	if err := a.eng.SyncCells(ctx, cfg.flowsCells()); err != nil {
		db.Close()
		return nil, fmt.Errorf("store cells: %w", err)
	}
	return a, nil
}

// flowsCells returns the configured cells.
func (cfg Config) flowsCells() []flows.Cell {
	cells := make([]flows.Cell, 0, len(cfg.Cells))
	for _, c := range cfg.Cells {
		cells = append(cells, flows.Cell{Code: c.Code, Name: c.Name, MeetingDay: c.MeetingDay})
	}
	return cells
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
	codes := make(map[string]string, len(cfg.Cells)) // lowercased -> as configured
	for _, c := range cfg.Cells {
		codes[strings.ToLower(c.Code)] = c.Code
	}
	for _, b := range cfg.Zalo.bots() {
		plan := flows.Plan{Users: cfg.Zalo.MaxUsers, Groups: cfg.Zalo.MaxGroups, Messages: cfg.Zalo.MonthlyMessages}
		for _, c := range b.cells {
			plan.Cells = append(plan.Cells, codes[strings.ToLower(c)])
		}
		if ec.Plans == nil {
			ec.Plans = make(map[bot.Platform]flows.Plan)
		}
		ec.Plans[b.platform] = plan
		// Zalo ids are opaque and may differ from bot to bot: an admin's id
		// is tried on every bot (flows sends to one person once).
		for _, id := range cfg.Admins.Zalo {
			ec.Admins = append(ec.Admins, bot.UserID{Platform: b.platform, ID: id})
		}
	}
	return ec
}

// consoleOptions are knobs the transcript tests turn.
type consoleOptions struct {
	codes     func() string // invite codes; default demoCodes
	keyPrefix string        // console message keys' prefix; default random (console.Options.KeyPrefix)
	// now is the machine's clock; default time.Now. The demo's clock
	// starts at demoStart whatever it says.
	now func() time.Time
	// wrap, if set, wraps the terminal's Conn (the crash test marks every
	// message the Sender sends).
	wrap func(bot.Conn) bot.Conn
	// files is where the terminal writes the files the bot sends; default
	// the current folder when the terminal is interactive, none for a
	// script (":luu DIR" then).
	files string
}

// dir returns where the terminal writes files at first.
func (o consoleOptions) dir(interactive bool) string {
	if o.files == "" && interactive {
		return "."
	}
	return o.files
}

// serveConsole runs the terminal chat over in and out until the input ends
// or ctx is done. Replies are printed before the next line is read. The
// clock starts at demoStart and invite codes follow demoCodes, so that a
// script plays the same on any day.
func (a *app) serveConsole(ctx context.Context, in io.Reader, out io.Writer, o consoleOptions) error {
	if o.now != nil {
		a.clock.setReal(o.now)
	}
	if _, err := a.clock.set(demoStart); err != nil {
		return err
	}
	codes := o.codes
	if codes == nil {
		var err error
		if codes, err = a.demoCodes(ctx); err != nil {
			return err
		}
	}
	a.eng.NewCode = codes
	// One send at a time, in queue order: the terminal prints a deterministic transcript.
	l := &link{sender: &bot.Sender{Limits: bot.Limits{MaxConcurrent: 1}}, workers: 1, ends: true}
	interactive := isTerminal(in)
	if interactive {
		start := flows.FormatSlot(a.eng.Text, a.clock.Now(), a.clock.loc)
		fmt.Fprintf(out, "%s\n\n", a.eng.Text.Render(text.TerminalBanner, bannerView{Org: a.cfg.Org.Name, Time: start}))
	}
	term := a.sched.terminal(a.clock.Now) // jobs catch up after ":time"
	l.conn = console.New(in, out, console.Options{
		Interactive: interactive,
		Idle:        term.idle(a.waitIdle(l.sender)),
		Now:         a.clock.Now,
		KeyPrefix:   o.keyPrefix,
		Text:        a.eng.Text,
		Commands:    map[string]func(string) (string, error){"time": term.setClock(a.clock.set)},
		Help:        map[string]string{"time": a.eng.Text.Render(text.TerminalHelpTime, nil)},
		Dir:         o.dir(interactive),
	})
	if o.wrap != nil {
		l.conn = o.wrap(l.conn)
	}
	return a.serve(ctx, serveOptions{}, l)
}

// chatOptions are knobs the end-to-end tests turn.
type chatOptions struct {
	telegram telegram.HTTPClient // default: a real HTTP client
	zalo     zalo.HTTPClient     // default: a real HTTP client
	webhooks net.Listener        // default: listen on [zalo] webhook_listen
	files    net.Listener        // default: listen on [files] listen
}

// serveChats connects to every configured chat platform (Telegram, each
// Zalo bot) and serves them all from one process, with the scheduler, until
// ctx is done; they stop together.
func (a *app) serveChats(ctx context.Context, o chatOptions) error {
	var links []*link
	if a.cfg.Telegram.Token != "" {
		l, err := a.dialTelegram(ctx, o)
		if err != nil {
			return err
		}
		links = append(links, l)
	}
	hooks := http.NewServeMux()
	for _, b := range a.cfg.Zalo.bots() {
		l, path, err := a.dialZalo(ctx, b, o)
		if err != nil {
			return err
		}
		if path != "" {
			hooks.Handle("POST "+path, l.conn.(http.Handler))
		}
		links = append(links, l)
	}
	if len(links) == 0 {
		return errors.New("no chat platform is configured")
	}
	a.eng.Flood = flows.DefaultFloodLimit // the terminal has none: one person types everything
	so := serveOptions{scheduler: true}
	if a.cfg.Zalo.WebhookListen != "" {
		so.also = append(so.also, func(ctx context.Context) error { return a.serveWebhooks(ctx, hooks, o.webhooks) })
	}
	if a.cfg.Files.Listen != "" {
		so.also = append(so.also, func(ctx context.Context) error { return a.serveFiles(ctx, o.files) })
	}
	return a.serve(ctx, so, links...)
}

// dialZalo connects to Zalo as bot b. It returns the bot's link and, in
// webhook mode, the URL path its updates arrive at.
func (a *app) dialZalo(ctx context.Context, b zaloBot, o chatOptions) (*link, string, error) {
	z := a.cfg.Zalo
	limits := zalo.DefaultLimits
	limits.PerSecond = z.PerSecond
	opts := zalo.Options{
		Token:       b.token,
		Endpoint:    z.Endpoint,
		Platform:    b.platform,
		Title:       b.title,
		Limits:      limits,
		HTTPClient:  o.zalo,
		PollTimeout: z.PollTimeout,
		Log:         a.log,
	}
	var path string
	if b.webhookURL != "" {
		u, err := url.Parse(b.webhookURL)
		if err != nil {
			return nil, "", fmt.Errorf("zalo bot %q: webhook URL: %w", b.platform, err)
		}
		opts.WebhookURL, opts.WebhookSecret, path = b.webhookURL, z.WebhookSecret, u.Path
		if path == "" {
			path = "/"
		}
	}
	conn, err := zalo.New(ctx, opts)
	if err != nil {
		return nil, "", err
	}
	mode := "polling"
	if path != "" {
		mode = "webhook"
	}
	a.log.Info("serving Zalo", bot.LogKeyPlatform, string(b.platform), bot.LogKeyBot, conn.Title(), "mode", mode)
	return &link{conn: conn, sender: &bot.Sender{Limits: limits}}, path, nil
}

// dialTelegram connects to the Telegram Bot API. The Conn starts at the
// oldest update Telegram holds unconfirmed, not at the stored cursor (update
// ids restart at random after a quiet week); the engine skips the updates it
// already handled by their keys.
func (a *app) dialTelegram(ctx context.Context, o chatOptions) (*link, error) {
	conn, err := telegram.New(ctx, telegram.Options{
		Token:       a.cfg.Telegram.Token,
		Endpoint:    a.cfg.Telegram.Endpoint,
		PollTimeout: a.cfg.Telegram.PollTimeout,
		HTTPClient:  o.telegram,
		Log:         a.log,
	})
	if err != nil {
		return nil, err
	}
	a.log.Info("serving Telegram", bot.LogKeyBot, conn.Username())
	a.eng.Membership = conn // joining with a group's button checks the group (getChatMember)
	if err := conn.SetCommands(ctx, flows.Commands(a.eng.Text)); err != nil {
		a.log.Warn("set command menu failed", bot.LogKeyErr, err)
	}
	return &link{conn: conn, sender: &bot.Sender{Limits: a.cfg.Outbox.Limits()}}, nil
}

// link is one Conn with its own delivery path: the Sender that drains the
// Conn's partition of the outbox under its limits.
type link struct {
	conn    bot.Conn
	sender  *bot.Sender // Outbox, Conn, Log and Wake are set by serve
	workers int         // bot.Server.Workers; 0 = its default
	// ends: when the Conn's input ends, serve waits until every reply is
	// sent and returns (the terminal); otherwise only ctx ends serve.
	ends bool
}

// serveOptions say what else serve runs beside the links.
type serveOptions struct {
	scheduler bool                              // the periodic jobs
	also      []func(ctx context.Context) error // e.g. the webhook server
}

// serve runs every link (its receive loop and its sender), the scheduler
// and the rest of o, until ctx is done or a link that ends has ended and
// every outbox partition served is empty. It stops them together; the
// first error of any of them is returned.
func (a *app) serve(ctx context.Context, o serveOptions, links ...*link) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var reg platforms
	for _, l := range links {
		out := a.db.Outbox(l.conn.Caps().Platform)
		l.sender.Outbox, l.sender.Conn, l.sender.Log, l.sender.Wake = out, l.conn, a.log, out.Wake()
		l.sender.Files = a.db
		reg = append(reg, l.conn)
	}
	a.eng.Platforms = reg
	a.reportStranded(ctx, reg)
	g, gctx := errgroup.WithContext(ctx)
	for _, l := range links {
		g.Go(func() error { return l.sender.Run(gctx) })
		g.Go(func() error {
			srv := &bot.Server{Conn: l.conn, Handler: a.eng, Log: a.log, Workers: l.workers}
			if err := srv.Serve(gctx); err != nil || !l.ends || gctx.Err() != nil {
				return err
			}
			defer cancel()
			for _, l := range links {
				if err := a.waitIdle(l.sender)(gctx); err != nil {
					return err
				}
			}
			return nil
		})
	}
	g.Go(func() error { return a.files.Run(gctx) })
	if o.scheduler {
		g.Go(func() error { return a.sched.Run(gctx) })
	}
	// A write bbolt could not finish means a damaged file: stop.
	g.Go(func() error {
		select {
		case <-a.db.Broken():
			return a.db.Err()
		case <-gctx.Done():
			return nil
		}
	})
	for _, f := range o.also {
		g.Go(func() error { return f(gctx) })
	}
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil {
		return err
	}
	return nil
}

// waitIdle returns a wait until no file is being made (the file worker
// enqueues its reply) and s has sent every reply.
func (a *app) waitIdle(s *bot.Sender) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := a.files.WaitIdle(ctx); err != nil {
			return err
		}
		return s.WaitIdle(ctx)
	}
}

var _ flows.Membership = (*telegram.Conn)(nil)

// platforms tells the engine what each served platform's Conn can do.
type platforms []bot.Conn

// Caps implements flows.Platforms.
func (ps platforms) Caps(p bot.Platform) (bot.Caps, bool) {
	for _, c := range ps {
		if caps := c.Caps(); caps.Platform == p {
			return caps, true
		}
	}
	return bot.Caps{}, false
}

// All implements flows.Platforms.
func (ps platforms) All() []bot.Caps {
	out := make([]bot.Caps, len(ps))
	for i, c := range ps {
		out[i] = c.Caps()
	}
	return out
}

// reportStranded logs the replies waiting for a platform that is not served
// now (a bot removed from the configuration): they stay queued, unsent.
func (a *app) reportStranded(ctx context.Context, served platforms) {
	waiting, err := a.db.Partitions(ctx)
	if err == nil {
		err = a.db.View(ctx, func(tx flows.Tx) error {
			for _, p := range waiting {
				if _, ok := served.Caps(p); ok {
					continue
				}
				n, err := tx.Queued(p)
				if err != nil {
					return err
				}
				a.log.Warn("replies wait for a platform that is not served", bot.LogKeyPlatform, string(p), "queued", n)
			}
			return nil
		})
	}
	if err != nil {
		a.log.Warn("count queued replies failed", bot.LogKeyErr, err)
	}
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
