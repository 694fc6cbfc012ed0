// Command lamtheo runs the lamtheo chat bot: on Telegram when a token is
// configured, otherwise as a chat in the terminal.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"lamtheo/flows/text"
	"lamtheo/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "lamtheo:", err)
		os.Exit(1)
	}
}

// run is the whole program: it reads flags and configuration, opens the
// store and serves Telegram and the Zalo bots, or the terminal when no token
// is configured. It
// returns when ctx is done or, in the terminal, at the end of the input.
// "lamtheo check" and "lamtheo restore BACKUP" are the operator's commands
// for the data file (operator.go); "lamtheo import-roster FILE" and
// "lamtheo roster-template FILE" those for the cells' rosters (roster.go).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cat, err := text.Default()
	if err != nil {
		return fmt.Errorf("text catalogue: %w", err) // a build defect: every text would show as its key
	}
	if len(args) > 0 {
		switch args[0] {
		case "check":
			return runCheck(args[1:], getenv, stdout, stderr)
		case "restore":
			return runRestore(args[1:], getenv, stdout, stderr)
		case "import-roster":
			return runImportRoster(args[1:], getenv, stdin, stdout, stderr)
		case "roster-template":
			return runRosterTemplate(args[1:], getenv, stdout, stderr)
		}
	}
	flags := flag.NewFlagSet("lamtheo", flag.ContinueOnError)
	flags.SetOutput(stderr)
	configPath := flags.String("config", "", "configuration file (default ./config.toml when it exists)")
	dataPath := flags.String("data", "", "data file (overrides [data] path)")
	verbose := flags.Bool("v", false, "log debug details")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (the commands check, restore, import-roster and roster-template come first: lamtheo check -config FILE)", flags.Arg(0))
	}
	cfg, demo, err := loadConfig(*configPath, getenv)
	if err != nil {
		return err
	}
	if *dataPath != "" {
		cfg.Data.Path = *dataPath
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	} else if !cfg.servesChats() {
		level = slog.LevelWarn // keep the terminal chat readable
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if demo {
		log.Info("no config.toml: using the demo organisation")
	}

	// A damaged data file is refused at start, or stops a running bot at
	// its first write bbolt cannot finish; either way the operator is told
	// which backup to restore.
	damaged := func(err error) error {
		if !errors.Is(err, store.ErrDamaged) {
			return err
		}
		o := operatorFlags{config: *configPath, data: *dataPath}
		return &damagedError{err: err, advice: recoveryAdvice(cfg.Data, o)}
	}
	a, err := openApp(ctx, cfg, cat, log)
	if err != nil {
		return damaged(err)
	}
	defer a.Close()
	if !cfg.servesChats() {
		return damaged(a.serveConsole(ctx, stdin, stdout, consoleOptions{}))
	}
	return damaged(a.serveChats(ctx, chatOptions{}))
}

// loadConfig reads the configuration file: path, or ./config.toml when it
// exists. With neither, it returns the demo organisation (demo=true), with
// the environment overrides applied.
func loadConfig(path string, getenv func(string) string) (cfg Config, demo bool, err error) {
	if path != "" {
		cfg, err = LoadConfig(path, getenv)
		return cfg, false, err
	}
	cfg, err = LoadConfig("config.toml", getenv)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return cfg, false, err
	}
	cfg = DemoConfig()
	cfg.applyEnv(getenv)
	return cfg, true, cfg.Validate()
}
