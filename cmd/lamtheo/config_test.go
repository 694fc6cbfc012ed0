package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

// minimal is the smallest valid configuration file.
const minimal = `[org]
name = "Đảng bộ xã Test"

[[cells]]
code = "C01"
name = "Chi bộ thôn Đông"
`

func TestParseConfigDefaults(t *testing.T) {
	c, err := ParseConfig(strings.NewReader(minimal), "config.toml")
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	want := DefaultConfig()
	want.Org.Name = "Đảng bộ xã Test"
	want.Cells = []CellConfig{{Code: "C01", Name: "Chi bộ thôn Đông"}}
	c.src = nil
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestParseConfigAllKeys(t *testing.T) {
	doc := `
[org]
name = "Đảng bộ xã Test"
zone = "Asia/Bangkok"

[[cells]]
code = "C01"
name = "Chi bộ thôn Đông"
meeting_day = 5

[[cells]]
code = "C02"
name = "Chi bộ thôn Tây"

[admins]
telegram = [123, 456]
console = ["Nguyễn Văn Lan"]

[data]
path = "/var/lib/lamtheo.db"
backup_dir = "/var/backups/lamtheo"
backup_keep = 3

[telegram]
token = "123:abc"
endpoint = "http://127.0.0.1:8081/bot%s/%s"
poll_timeout = "30s"

[outbox]
per_second = 12.5
per_chat = "2s"
per_group = 10
group_window = "30s"
concurrency = 2

[files]
listen = "127.0.0.1:8090"
public_url = "https://bot.example.vn/files"
link_ttl = "12h"
keep = "72h"

[year]
theme = "Chuyên đề"
grace_days = 3
session_ttl = "1h"
invite_ttl = "24h"

[[year.categories]]
key = "a"
name = "Loại A"

[[year.categories]]
key = "b"
name = "Loại B"

[schedule]
remind_first = "0 9 18 * *"
remind_second = ""
remind_last = "30 7 L * *"
leaderboard = "0 9 4 * *"
campaign = "0 8 * 1-3 1"
dossier = "0 10 19 12 *"
backup = "0 3 * * *"
`
	c, err := ParseConfig(strings.NewReader(doc), "config.toml")
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	c.src = nil
	want := Config{
		Org: OrgConfig{Name: "Đảng bộ xã Test", Zone: "Asia/Bangkok"},
		Cells: []CellConfig{
			{Code: "C01", Name: "Chi bộ thôn Đông", MeetingDay: 5},
			{Code: "C02", Name: "Chi bộ thôn Tây"},
		},
		Admins:   AdminsConfig{Telegram: []int64{123, 456}, Console: []string{"Nguyễn Văn Lan"}},
		Data:     DataConfig{Path: "/var/lib/lamtheo.db", BackupDir: "/var/backups/lamtheo", BackupKeep: 3},
		Telegram: TelegramConfig{Token: "123:abc", Endpoint: "http://127.0.0.1:8081/bot%s/%s", PollTimeout: 30 * time.Second},
		Zalo:     DefaultZaloConfig(),
		Outbox:   OutboxConfig{PerSecond: 12.5, PerChat: 2 * time.Second, PerGroup: 10, GroupWindow: 30 * time.Second, Concurrency: 2},
		Files:    FilesConfig{Listen: "127.0.0.1:8090", PublicURL: "https://bot.example.vn/files", LinkTTL: 12 * time.Hour, Keep: 72 * time.Hour},
		Year: YearConfig{
			Theme: "Chuyên đề", GraceDays: 3,
			Categories: []Category{{Key: "a", Name: "Loại A"}, {Key: "b", Name: "Loại B"}},
			SessionTTL: time.Hour, InviteTTL: 24 * time.Hour,
		},
		Schedule: ScheduleConfig{
			flows.JobRemindFirst: "0 9 18 * *", flows.JobRemindSecond: "", flows.JobRemindLast: "30 7 L * *",
			flows.JobLeaderboard: "0 9 4 * *", flows.JobCampaign: "0 8 * 1-3 1", flows.JobDossier: "0 10 19 12 *", flows.JobBackup: "0 3 * * *",
			flows.JobMeetingLadder: "0 8 * * *", // not in the file: its default
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
	loc, err := c.Location()
	if err != nil || loc.String() != "Asia/Bangkok" {
		t.Errorf("Location() = %v, %v", loc, err)
	}
}

func TestExampleConfig(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "config.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := ParseConfig(f, "config.example.toml")
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	wantCategories(t, "config.example.toml", c.Year.Categories)
	if !slices.Equal(c.Year.Categories, DefaultCategories()) {
		t.Errorf("config.example.toml categories differ from DefaultCategories")
	}
	// Every key the parser knows must appear in the example.
	doc, err := os.ReadFile(filepath.Join("..", "..", "config.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	lines := keyLines(doc)
	for _, k := range []string{
		"org.name", "org.zone", "cells[0].code", "cells[0].name", "cells[0].meeting_day",
		"admins.telegram", "admins.console", "data.path", "data.backup_dir", "data.backup_keep",
		"telegram.endpoint", "telegram.poll_timeout",
		"outbox.per_second", "outbox.per_chat", "outbox.per_group", "outbox.group_window", "outbox.concurrency",
		"year.theme", "year.grace_days", "year.categories[0].key", "year.categories[0].name",
		"year.session_ttl", "year.invite_ttl",
	} { // [schedule]: see TestScheduleRegistry
		if lines[k] == 0 {
			t.Errorf("config.example.toml does not set %s", k)
		}
	}
	// telegram.token is a secret: documented in a comment only.
	if !strings.Contains(string(doc), "# token =") {
		t.Errorf("config.example.toml does not document telegram.token")
	}
}

func TestDemoConfig(t *testing.T) {
	c := DemoConfig()
	if err := c.Validate(); err != nil {
		t.Fatalf("DemoConfig().Validate: %v", err)
	}
	if c.Org.Name != "Đảng bộ xã Demo" || len(c.Cells) != 3 || c.Cells[2].Name != "Chi bộ Trường Tiểu học" ||
		!reflect.DeepEqual(c.Admins.Console, []string{"Admin"}) {
		t.Errorf("DemoConfig() = %+v", c)
	}
}

func TestDefaultConfigIsIncomplete(t *testing.T) {
	err := DefaultConfig().Validate()
	if err == nil {
		t.Fatal("DefaultConfig().Validate() = nil, want missing org.name and cells")
	}
	for _, want := range []string{"org.name is required", "cells: at least one"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	doc := minimal + "[telegram]\ntoken = \"file-token\"\n[data]\npath = \"file.db\"\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{EnvTelegramToken: "env-token", EnvData: "/data/env.db"}
	c, err := LoadConfig(path, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if c.Telegram.Token != "env-token" || c.Data.Path != "/data/env.db" {
		t.Errorf("overrides not applied: token set=%v path=%q", c.Telegram.Token == "env-token", c.Data.Path)
	}
	c, err = LoadConfig(path, func(string) string { return "" })
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if c.Telegram.Token != "file-token" || c.Data.Path != "file.db" {
		t.Errorf("file values lost: path=%q", c.Data.Path)
	}

	_, err = LoadConfig(filepath.Join(dir, "missing.toml"), os.Getenv)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: err = %v, want fs.ErrNotExist", err)
	}
}

func TestLoadConfigEnvErrorNamesVariable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(minimal+"[telegram]\ntoken = \"ok\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{EnvTelegramToken: "123:has space"}
	_, err := LoadConfig(path, func(k string) string { return env[k] })
	want := "LAMTHEO_TELEGRAM_TOKEN: telegram.token must not contain spaces or line breaks"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

// TestZaloConfig reads both shapes of [zalo]: one bot for every cell, its
// token from the environment, and several bots with their cells, tokens
// and webhook paths.
func TestZaloConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(doc string) string {
		path := filepath.Join(dir, "config.toml")
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	two := minimal + "\n[[cells]]\ncode = \"C02\"\nname = \"Chi bộ thôn Tây\"\n"

	c, err := LoadConfig(write(two+"[zalo]\ntitle = \"Bot Xã Demo\"\n"), func(k string) string {
		return map[string]string{EnvZaloToken: "zalo-secret-token-1"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Zalo.bots(), []zaloBot{{platform: "zalo", title: "Bot Xã Demo", token: "zalo-secret-token-1"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("one bot: %+v, want %+v", got, want)
	}

	doc := two + `[zalo]
webhook_listen = "127.0.0.1:8443"
webhook_url = "https://lamtheo.example.vn/zalo/"
max_users = 100

[[zalo.bots]]
name = "xa1"
title = "Bot Xã Demo 1"
cells = ["C01"]

[[zalo.bots]]
name = "xa-2"
token = "from-the-file"
cells = ["c02", "C01"]

[admins]
zalo = ["6ede9afa66b88fe6d6a9"]
`
	env := map[string]string{"LAMTHEO_ZALO_TOKEN_XA1": "t-one", "LAMTHEO_ZALO_WEBHOOK_SECRET": "s3cret-s3cret"}
	c, err = LoadConfig(write(doc), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := []zaloBot{
		{platform: "zalo.xa1", name: "xa1", title: "Bot Xã Demo 1", token: "t-one", cells: []string{"C01"}, webhookURL: "https://lamtheo.example.vn/zalo/xa1"},
		{platform: "zalo.xa-2", name: "xa-2", token: "from-the-file", cells: []string{"c02", "C01"}, webhookURL: "https://lamtheo.example.vn/zalo/xa-2"},
	}
	if got := c.Zalo.bots(); !reflect.DeepEqual(got, want) {
		t.Errorf("bots:\ngot  %+v\nwant %+v", got, want)
	}
	if c.Zalo.WebhookSecret != "s3cret-s3cret" || c.Zalo.MaxUsers != 100 || c.Zalo.MaxGroups != 3 || c.Zalo.MonthlyMessages != 3000 {
		t.Errorf("zalo = %+v", c.Zalo)
	}
	if !reflect.DeepEqual(c.Admins.Zalo, []string{"6ede9afa66b88fe6d6a9"}) {
		t.Errorf("admins.zalo = %v", c.Admins.Zalo)
	}
}

func TestOutboxLimits(t *testing.T) {
	l := DefaultConfig().Outbox.Limits()
	if l.PerSecond != 30 || l.PerChat != time.Second || l.PerGroup != 20 || l.GroupWindow != time.Minute || l.MaxConcurrent != bot.DefaultMaxConcurrent {
		t.Errorf("Limits() = %+v", l)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add(minimal)
	f.Add(minimal + "[year]\ncategories = [{key = \"a\", name = \"A\"}, [1], {x = {y = 2}}]\n")
	f.Add("[[a.b]]\n[a]\n[[a.b]]\nc = [[1], [{d = 1}]]\n'e'.\"f\" = 1\n")
	f.Add("[org]\nname = \"a\"\nzone = \"x\"\n[[cells]]\ncode = \"C\"\n[telegram]\ntoken = \"t\"\nendpoint = \"%s\"\n")
	if doc, err := os.ReadFile(filepath.Join("..", "..", "config.example.toml")); err == nil {
		f.Add(string(doc))
	}
	f.Fuzz(func(t *testing.T, doc string) {
		c, err := ParseConfig(strings.NewReader(doc), "config.toml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "config.toml") {
				t.Errorf("error does not name the file: %q", err)
			}
			return
		}
		if err := c.Validate(); err != nil && !strings.HasPrefix(err.Error(), "config.toml") {
			t.Errorf("error does not name the file: %q", err)
		}
	})
}

// TestEngineConfigZalo: each Zalo bot becomes a plan of the engine (its
// cells as the configuration spells them, the free plan's limits), and a
// Zalo admin id is an admin on every bot.
func TestEngineConfigZalo(t *testing.T) {
	cfg := DemoConfig()
	cfg.Zalo.MaxUsers = 60
	cfg.Zalo.Bots = []ZaloBotConfig{
		{Name: "xa1", Token: "t1", Cells: []string{"c01", "C02"}},
		{Name: "xa2", Token: "t2", Cells: []string{"C03"}},
	}
	cfg.Admins.Zalo = []string{"6ede9afa"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ec := engineConfig(cfg, time.UTC)
	want := map[bot.Platform]flows.Plan{
		"zalo.xa1": {Cells: []string{"C01", "C02"}, Users: 60, Groups: 3, Messages: 3000},
		"zalo.xa2": {Cells: []string{"C03"}, Users: 60, Groups: 3, Messages: 3000},
	}
	if !reflect.DeepEqual(ec.Plans, want) {
		t.Errorf("plans = %+v, want %+v", ec.Plans, want)
	}
	for _, p := range []bot.Platform{"zalo.xa1", "zalo.xa2"} {
		if !slices.Contains(ec.Admins, bot.UserID{Platform: p, ID: "6ede9afa"}) {
			t.Errorf("admins %v lack the Zalo admin on %s", ec.Admins, p)
		}
	}
	// One bot for every cell: no cell list.
	cfg.Zalo.Bots, cfg.Zalo.Token = nil, "t"
	if got := engineConfig(cfg, time.UTC).Plans[bot.Zalo]; got.Cells != nil || got.Messages != 3000 {
		t.Errorf("one bot's plan = %+v, want every cell", got)
	}
}

// TestRunRejectsZoneInCron: a cron expression with a zone prefix stops the
// program at start with the file, line and key, like any other bad value
// (robfig/cron's parser used to panic on it).
func TestRunRejectsZoneInCron(t *testing.T) {
	conf, _ := operatorSetup(t)
	f, err := os.OpenFile(conf, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("[schedule]\nremind_first = \"TZ=Asia/Ho_Chi_Minh\"\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, _, err = runCmd(t, "-config", conf)
	want := conf + `:9: schedule.remind_first "TZ=Asia/Ho_Chi_Minh": a time zone prefix`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("run = %v, want %s...", err, want)
	}
}
