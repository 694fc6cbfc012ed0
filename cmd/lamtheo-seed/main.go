// Command lamtheo-seed writes a made-up organisation of any size to a new
// lamtheo data file, with the configuration that matches it, for measuring
// lamtheo at scale:
//
//	go run ./cmd/lamtheo-seed -members 250000 -cells 2000 -months 12 -out big.db -config big.toml
//	go run ./cmd/lamtheo -config big.toml     # the terminal, as admin: ":as Admin", "/summary"
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"lamtheo/flows"
	"lamtheo/seed"
	"lamtheo/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "lamtheo-seed:", err)
		os.Exit(1)
	}
}

// defaultCategories are the keys of lamtheo's default pledge categories,
// which the generated configuration keeps.
var defaultCategories = []string{"trung-thanh", "ban-linh", "can-kiem", "doan-ket", "khiem-ton", "chuyen-de"}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	flags := flag.NewFlagSet("lamtheo-seed", flag.ContinueOnError)
	flags.SetOutput(stderr)
	o := seed.Options{Categories: defaultCategories}
	flags.IntVar(&o.Members, "members", 250000, "people on the cells' rosters")
	flags.IntVar(&o.Cells, "cells", 2000, "cells (chi bộ)")
	flags.IntVar(&o.Months, "months", 12, "months of reports")
	until := flags.String("until", "11/2026", "the last month with reports (the terminal starts on 3/11/2026)")
	flags.Uint64Var(&o.Seed, "seed", 1, "random seed: the same flags make the same file")
	out := flags.String("out", "big.db", "the data file to create (must not exist)")
	conf := flags.String("config", "big.toml", "the configuration file to write")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	m, err := flows.ParseMonth(*until, time.Now(), time.UTC)
	if err != nil {
		return fmt.Errorf("-until %q: want a month such as 11/2026", *until)
	}
	o.Until = m
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s exists: seed a new file", *out)
	}
	abs, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*conf, seed.Config(o, abs), 0o644); err != nil {
		return err
	}
	db, err := store.Open(abs, store.Options{})
	if err != nil {
		return err
	}
	start := time.Now()
	st, err := seed.Write(ctx, db, o, func(done int) {
		fmt.Fprintf(stderr, "\r%d/%d members (%s)", done, o.Members, time.Since(start).Round(time.Second))
	})
	fmt.Fprintln(stderr)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s: %d cells, %d on the rosters, %d connected, %d pledges, %d reports, %.0f MB in %s\n%s: its configuration\n",
		*out, st.Cells, st.Roster, st.Members, st.Pledges, st.Reports, float64(fi.Size())/1e6, time.Since(start).Round(time.Second), *conf)
	return nil
}
