package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"lamtheo/flows"
	"lamtheo/flows/rosterfile"
	"lamtheo/flows/text"
	"lamtheo/store"
)

// askTerminal reports whether import-roster may ask for a typed
// confirmation on stdin: whether it is a terminal. Tests replace it.
var askTerminal = isTerminal

// importMmap is the data file's first mapping for an import: room for a
// province's roster written in one transaction without remapping.
const importMmap = 256 << 20

// confirmWords are the answers that confirm an import.
var confirmWords = []string{"yes", "có", "co"}

// runImportRoster is "lamtheo import-roster FILE": it reads a roster file
// (xlsx or CSV), prints the preview and the problems, and writes the
// rosters of the cells the file names in one transaction, with -yes or
// once the operator types yes at a terminal. Nothing is written when the
// file has rows to correct, or on any error. A file of more than -max-rows
// member rows (50,000) is refused.
func runImportRoster(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	const usage = "[-config FILE] [-data FILE] [-yes] [-max-rows N] FILE"
	var yes bool
	var lim rosterfile.Limits
	cfg, cat, path, err := rosterCommand("import-roster", usage, args, getenv, stderr, func(f *flag.FlagSet) {
		f.BoolVar(&yes, "yes", false, "write the roster without asking")
		f.IntVar(&lim.MaxRows, "max-rows", rosterfile.DefaultMaxRows, "refuse a file of more member rows")
	})
	if err != nil {
		return okHelp(err)
	}
	defer rosterfile.LimitMemory()()
	cells := cfg.flowsCells()
	f, err := parseRosterFile(path, cells, lim)
	if err != nil {
		if msg, ok := rosterfile.ErrorText(cat, err); ok {
			fmt.Fprintln(stdout, msg)
		}
		return fmt.Errorf("import-roster %s: %w", path, err)
	}
	db, err := store.Open(cfg.Data.Path, store.Options{Timeout: time.Second, InitialMmapSize: importMmap})
	switch {
	case errors.Is(err, store.ErrLocked):
		return fmt.Errorf("import-roster: %w\n(stop the running lamtheo, import, then start it again)", err)
	case err != nil:
		return fmt.Errorf("import-roster: %w", err)
	}
	defer db.Close()
	ctx := context.Background()
	var plan *rosterfile.Plan
	err = db.View(ctx, func(tx flows.Tx) error {
		var err error
		plan, err = rosterfile.PlanIn(tx, f, cells)
		return err
	})
	if err != nil {
		return fmt.Errorf("import-roster: %w", err)
	}
	fmt.Fprintln(stdout, plan.Preview(cat).Render(cat))
	if f.Blocked() {
		return fmt.Errorf("import-roster %s: nothing written: correct the rows listed above and import again", path)
	}
	if !yes {
		if !askTerminal(stdin) {
			fmt.Fprintln(stdout, "Nothing written. Run again with -yes to write this roster.")
			return nil
		}
		fmt.Fprint(stdout, "Type yes to write this roster: ")
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		if !slices.Contains(confirmWords, strings.ToLower(strings.TrimSpace(line))) {
			fmt.Fprintln(stdout, "Nothing written.")
			return nil
		}
	}
	err = db.Update(ctx, func(tx flows.Tx) error { return plan.Apply(tx, cat, time.Now()) })
	if err != nil {
		if msg, ok := rosterfile.ErrorText(cat, err); ok {
			fmt.Fprintln(stdout, msg)
		}
		return fmt.Errorf("import-roster: nothing written: %w", err)
	}
	fmt.Fprintln(stdout, plan.AppliedText(cat))
	return nil
}

// rosterCommand parses the flags and the one file argument of the roster
// command name, and loads the catalogue and the configuration.
func rosterCommand(name, usage string, args []string, getenv func(string) string, stderr io.Writer, more func(*flag.FlagSet)) (Config, *text.Catalog, string, error) {
	o, rest, err := parseOperator(name, usage, args, stderr, more)
	if err != nil {
		return Config{}, nil, "", err
	}
	if len(rest) != 1 {
		return Config{}, nil, "", fmt.Errorf("usage: lamtheo %s %s", name, usage)
	}
	cat, err := text.Default()
	if err != nil {
		return Config{}, nil, "", err
	}
	cfg, err := o.load(getenv)
	return cfg, cat, rest[0], err
}

// parseRosterFile reads the roster file at path.
func parseRosterFile(path string, cells []flows.Cell, lim rosterfile.Limits) (*rosterfile.File, error) {
	in, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	return rosterfile.Parse(in, cells, lim)
}

// runRosterTemplate is "lamtheo roster-template FILE": it writes the xlsx
// template of a cell's roster (the first configured cell, or -cell's) to
// FILE, which must not exist yet.
func runRosterTemplate(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const usage = "[-config FILE] [-cell CODE] FILE"
	var code string
	cfg, cat, path, err := rosterCommand("roster-template", usage, args, getenv, stderr, func(f *flag.FlagSet) {
		f.StringVar(&code, "cell", "", "the cell of the example row (default: the first configured cell)")
	})
	if err != nil {
		return okHelp(err)
	}
	cells := cfg.flowsCells()
	i := slices.IndexFunc(cells, func(c flows.Cell) bool { return code == "" || strings.EqualFold(c.Code, code) })
	if i < 0 {
		return fmt.Errorf("roster-template: no cell %q in the configuration", code)
	}
	b, err := rosterfile.Template(cat, cells[i])
	if err != nil {
		return err
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("roster-template: %s already exists; name another file", path)
	}
	if err != nil {
		return fmt.Errorf("roster-template: %w", err)
	}
	if _, err := out.Write(b); err != nil {
		out.Close()
		return fmt.Errorf("roster-template: %w", err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("roster-template: %w", err)
	}
	fmt.Fprintf(stdout, "Wrote %s: the roster template (example row of %s, %s). Fill it in, then: lamtheo import-roster %s\n",
		path, cells[i].Code, cells[i].Name, shellQuote(path))
	return nil
}
