package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"lamtheo/store"
)

// operatorFlags are the flags of the operator commands (check, restore,
// import-roster, roster-template): the configuration (for [data] and the
// cells) and the data file.
type operatorFlags struct {
	config string
	data   string
}

// parseOperator parses the flags of an operator command named name, before
// and after its arguments, and returns the arguments. more adds the
// command's own flags.
func parseOperator(name, usage string, args []string, stderr io.Writer, more ...func(*flag.FlagSet)) (operatorFlags, []string, error) {
	var o operatorFlags
	flags := flag.NewFlagSet("lamtheo "+name, flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&o.config, "config", "", "configuration file (default ./config.toml when it exists)")
	flags.StringVar(&o.data, "data", "", "data file (overrides [data] path)")
	for _, add := range more {
		add(flags)
	}
	flags.Usage = func() {
		fmt.Fprintf(stderr, "usage: lamtheo %s %s\n", name, usage)
		flags.PrintDefaults()
	}
	var rest []string
	for {
		if err := flags.Parse(args); err != nil {
			return o, nil, err
		}
		args = flags.Args()
		if len(args) == 0 {
			return o, rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// dataConfig returns the [data] table the operator's flags select.
func (o operatorFlags) dataConfig(getenv func(string) string) (DataConfig, error) {
	cfg, err := o.load(getenv)
	return cfg.Data, err
}

// load returns the configuration the operator's flags select, its data
// file overridden by -data.
func (o operatorFlags) load(getenv func(string) string) (Config, error) {
	cfg, _, err := loadConfig(o.config, getenv)
	if err != nil {
		return Config{}, err
	}
	if o.data != "" {
		cfg.Data.Path = o.data
	}
	return cfg, nil
}

// restoreCommand returns the command line that restores backup with the
// same configuration and data file as o.
func (o operatorFlags) restoreCommand(backup string) string {
	cmd := "lamtheo restore"
	if o.config != "" {
		cmd += " -config " + shellQuote(o.config)
	}
	if o.data != "" {
		cmd += " -data " + shellQuote(o.data)
	}
	return cmd + " " + shellQuote(backup)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:@,=", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// recoveryAdvice returns what an operator facing the damaged data file of
// d should do: restore the newest backup that passes the check (named, with
// the command), or, without one, where the backups were looked for.
func recoveryAdvice(d DataConfig, o operatorFlags) string {
	dir := backupDir(d)
	bs, err := store.Backups(dir)
	if err != nil {
		return fmt.Sprintf("The backups could not be listed: %v.", err)
	}
	if len(bs) == 0 {
		return fmt.Sprintf("There is no backup in %s to restore.", dir)
	}
	b, ok, err := store.NewestVerifiedBackup(dir)
	switch {
	case err != nil:
		return fmt.Sprintf("The backups could not be listed: %v.", err)
	case !ok:
		return fmt.Sprintf("None of the %d backups in %s passes the check, so there is none to restore.", len(bs), dir)
	}
	return fmt.Sprintf("The newest backup that passes the check is %s (written %s).\n"+
		"To put it in place (the damaged file is kept aside under a dated name), run:\n  %s",
		b.Path, b.Modified.Format("2006-01-02 15:04 MST"), o.restoreCommand(b.Path))
}

// damagedError is the error run returns when the data file is damaged: the
// damage, and the recovery advice.
type damagedError struct {
	err    error // wraps store.ErrDamaged
	advice string
}

func (e *damagedError) Error() string {
	return e.err.Error() + "\n" + e.advice
}

func (e *damagedError) Unwrap() error { return e.err }

// runCheck is "lamtheo check": it checks the data file fully and reports,
// on stdout, what it found; a damaged file makes it fail with the recovery
// advice.
func runCheck(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, rest, err := parseOperator("check", "[-config FILE] [-data FILE]", args, stderr)
	if err != nil {
		return okHelp(err)
	}
	if len(rest) > 0 {
		return fmt.Errorf("check: unexpected arguments %q", rest)
	}
	d, err := o.dataConfig(getenv)
	if err != nil {
		return err
	}
	rep, err := store.Check(d.Path, time.Second)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("check: there is no data file %s", d.Path)
	case errors.Is(err, store.ErrLocked):
		return fmt.Errorf("check: %w\n(a running lamtheo checks its data every night: its backup is checked fully)", err)
	case errors.Is(err, store.ErrDamaged):
		return &damagedError{err: err, advice: recoveryAdvice(d, o)}
	case err != nil:
		return fmt.Errorf("check: %w", err)
	}
	fmt.Fprintf(stdout, "Data file %s: %s, %d pages of %d bytes in use, schema %d.\n",
		rep.Path, sizeText(rep.Size), rep.Pages, rep.PageSize, rep.Schema)
	if rep.Clean {
		fmt.Fprintln(stdout, "The last lamtheo to use it closed it cleanly.")
	} else {
		fmt.Fprintln(stdout, "It was not closed cleanly (a crash, a kill or a power cut, or a copy of a running file): the next start checks it fully.")
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(stdout, "Note: %s.\n", n)
	}
	tally := ""
	if rep.Tally {
		tally = "; the tally index matches the records"
	}
	fmt.Fprintf(stdout, "Check passed in %.1f s: every page reachable from the root was read (%d), and bbolt's consistency check found nothing%s.\n",
		rep.Took.Seconds(), rep.Reached, tally)
	bs, err := store.Backups(backupDir(d))
	switch {
	case err != nil:
		fmt.Fprintf(stdout, "Backups: %v.\n", err)
	case len(bs) == 0:
		fmt.Fprintf(stdout, "There is no backup in %s.\n", backupDir(d))
	default:
		fmt.Fprintf(stdout, "%d backups in %s, the newest %s (written %s).\n",
			len(bs), backupDir(d), bs[0].Path, bs[0].Modified.Format("2006-01-02 15:04 MST"))
	}
	return nil
}

// runRestore is "lamtheo restore BACKUP": it puts a verified copy of
// BACKUP in place of the data file, keeping the old one aside.
func runRestore(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, rest, err := parseOperator("restore", "[-config FILE] [-data FILE] BACKUP", args, stderr)
	if err != nil {
		return okHelp(err)
	}
	if len(rest) != 1 {
		return errors.New("usage: lamtheo restore [-config FILE] [-data FILE] BACKUP")
	}
	d, err := o.dataConfig(getenv)
	if err != nil {
		return err
	}
	res, err := store.Restore(rest[0], d.Path, time.Now(), time.Second)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backup %s passed the check (%s, %d pages).\n", rest[0], sizeText(res.Backup.Size), res.Backup.Pages)
	switch {
	case res.Aside == "":
		fmt.Fprintf(stdout, "There was no data file %s.\n", d.Path)
	case res.Previous != nil:
		fmt.Fprintf(stdout, "The damaged data file is kept as %s.\n", res.Aside)
	default:
		fmt.Fprintf(stdout, "The data file passed its check; it is kept as %s.\n", res.Aside)
	}
	fmt.Fprintf(stdout, "Restored: %s now holds the backup. Start lamtheo as usual; what happened after the backup was written is not in it.\n", d.Path)
	return nil
}

// okHelp turns -h into success.
func okHelp(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// sizeText writes n bytes for people.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
