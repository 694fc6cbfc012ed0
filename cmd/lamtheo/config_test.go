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
	if len(want.Year.Categories) != 6 || want.Year.Categories[5].Name != "Làm theo chuyên đề năm" {
		t.Errorf("default categories = %v", want.Year.Categories)
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
leaderboard = "@monthly"
campaign = "0 8 * 1-3 1"
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
		Year: YearConfig{
			Theme: "Chuyên đề", GraceDays: 3,
			Categories: []Category{{Key: "a", Name: "Loại A"}, {Key: "b", Name: "Loại B"}},
			SessionTTL: time.Hour, InviteTTL: 24 * time.Hour,
		},
		Schedule: ScheduleConfig{
			flows.JobRemindFirst: "0 9 18 * *", flows.JobRemindSecond: "", flows.JobRemindLast: "30 7 L * *",
			flows.JobLeaderboard: "@monthly", flows.JobCampaign: "0 8 * 1-3 1", flows.JobBackup: "0 3 * * *",
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

// TestConfigErrors checks the exact text of one error of every class.
func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string // the whole error text
	}{
		{"syntax", "[org\nname = \"x\"\n", "config.toml:1: syntax error: expected ']' to close table name"},
		{"syntax later line", minimal + "zone = \n", "config.toml:7: syntax error: unexpected character U+000A at start of value"},
		{"duplicate key", "[org]\nname = \"a\"\nname = \"b\"\n", "config.toml:3: syntax error:"},
		{"unknown top-level table", minimal + "\n[telgram]\ntoken = \"x\"\n", `config.toml:8: unknown key "telgram"`},
		{"unknown top-level key", "telgram = 1\n" + minimal, `config.toml:1: unknown key "telgram"`},
		{"unknown nested key", "[org]\nname = \"a\"\nnmae = \"b\"\n[[cells]]\ncode=\"C\"\nname=\"n\"\n", `config.toml:3: unknown key "org.nmae"`},
		{"unknown key in array table", minimal + "meetingday = 3\n", `config.toml:7: unknown key "cells[0].meetingday"`},
		{"unknown key in inline table", minimal + "[year]\ncategories = [\n  {key = \"a\", name = \"A\"},\n  {key = \"b\", nam = \"B\"},\n]\n",
			`config.toml:10: unknown key "year.categories[1].nam"`},
		{"long unknown key", minimal + "[telegram]\n\"123456789:AAsecretsecretsecretsecret\" = 1\n", `config.toml:8: unknown key "telegram.\"12345678…\""`},
		{"quoted unknown key", minimal + "\"bad key\" = 1\n", `config.toml:7: unknown key "cells[0].\"bad key\""`},
		{"wrong type", minimal + "meeting_day = \"5\"\n", "config.toml:7: cells[0].meeting_day: want an integer, got a string"},
		{"wrong type table", "org = \"x\"\n", "config.toml:1: org: want a table, got a string"},
		{"wrong type array", minimal + "[admins]\ntelegram = 123\n", "config.toml:8: admins.telegram: want an array, got an integer"},
		{"wrong element type", minimal + "[admins]\ntelegram = [\n  123,\n  \"456\",\n]\n", "config.toml:10: admins.telegram[1]: want an integer Telegram user id, got a string"},
		{"duration not a string", minimal + "[telegram]\npoll_timeout = 50\n", `config.toml:8: telegram.poll_timeout: want a duration in quotes such as "50s", "2m" or "72h", got an integer`},
		{"bad duration", minimal + "[outbox]\nper_chat = \"1 sec\"\n", `config.toml:8: outbox.per_chat "1 sec": not a duration (write e.g. "50s", "2m" or "72h")`},
		{"required absent", "[[cells]]\ncode = \"C01\"\nname = \"x\"\n", "config.toml: org.name is required"},
		{"required absent in present table", "[org]\nzone = \"UTC\"\n[[cells]]\ncode = \"C01\"\nname = \"x\"\n", "config.toml:1: org.name is required"},
		{"required empty", "[org]\nname = \"  \"\n[[cells]]\ncode = \"C01\"\nname = \"x\"\n", "config.toml:2: org.name is required"},
		{"no cells", "[org]\nname = \"a\"\n", "config.toml: cells: at least one [[cells]] entry is required"},
		{"unknown zone", "[org]\nname = \"a\"\nzone = \"Asia/Hanoi\"\n[[cells]]\ncode = \"C01\"\nname = \"x\"\n", `config.toml:3: org.zone "Asia/Hanoi": unknown time zone`},
		{"Local zone", "[org]\nname = \"a\"\nzone = \"Local\"\n[[cells]]\ncode = \"C01\"\nname = \"x\"\n", `config.toml:3: org.zone "Local": unknown time zone`},
		{"cell code twice", "[org]\nname = \"a\"\n\n[[cells]]\ncode = \"C01\"\nname = \"x\"\n\n[[cells]]\ncode = \"C02\"\nname = \"y\"\n\n[[cells]]\ncode = \"c01\"\nname = \"z\"\n",
			`config.toml:13: cells[2].code "c01" is used twice (first at line 5)`},
		{"cell code absent", "[org]\nname = \"a\"\n[[cells]]\nname = \"x\"\n", "config.toml:3: cells[0].code is required"},
		{"cell code chars", "[org]\nname = \"a\"\n[[cells]]\ncode = \"C 01\"\nname = \"x\"\n", `config.toml:4: cells[0].code "C 01": use 1-16 characters of A-Z, a-z, 0-9, _ and -`},
		{"cell code long", "[org]\nname = \"a\"\n[[cells]]\ncode = \"C0123456789012345\"\nname = \"x\"\n", `config.toml:4: cells[0].code "C0123456789012345": use 1-16 characters of A-Z, a-z, 0-9, _ and -`},
		{"cell name absent", "[org]\nname = \"a\"\n[[cells]]\ncode = \"C01\"\n", "config.toml:3: cells[0].name is required"},
		{"meeting day", minimal + "meeting_day = 29\n", "config.toml:7: cells[0].meeting_day 29: want 0 (not set) or a day from 1 to 28"},
		{"cells inline", "cells = [1]\n[org]\nname = \"a\"\n", "config.toml:1: cells[0]: want a table with code and name, got an integer"},
		{"admin id", minimal + "[admins]\ntelegram = [0]\n", "config.toml:8: admins.telegram[0] 0: want a positive Telegram user id"},
		{"admin id twice", minimal + "[admins]\ntelegram = [5, 5]\n", "config.toml:8: admins.telegram[1] 5 is listed twice"},
		{"console admin empty", minimal + "[admins]\nconsole = [\"\"]\n", "config.toml:8: admins.console[0] is required"},
		{"data path empty", minimal + "[data]\npath = \"\"\n", "config.toml:8: data.path is required"},
		{"backup keep", minimal + "[data]\nbackup_keep = 0\n", "config.toml:8: data.backup_keep 0: keep at least 1 backup"},
		{"endpoint scheme", minimal + "[telegram]\nendpoint = \"ftp://x/%s/%s\"\n", "config.toml:8: telegram.endpoint must start with https:// or http://"},
		{"endpoint verbs", minimal + "[telegram]\nendpoint = \"https://x/bot%s\"\n", "config.toml:8: telegram.endpoint must contain %s twice (token, then method) and no other %"},
		{"endpoint other verb", minimal + "[telegram]\nendpoint = \"https://x/bot%s/%s?%d\"\n", "config.toml:8: telegram.endpoint must contain %s twice (token, then method) and no other %"},
		{"poll timeout", minimal + "[telegram]\npoll_timeout = \"0s\"\n", "config.toml:8: telegram.poll_timeout 0s: want 1s to 10m"},
		{"per second", minimal + "[outbox]\nper_second = 0\n", "config.toml:8: outbox.per_second 0: want more than 0"},
		{"per chat", minimal + "[outbox]\nper_chat = \"-1s\"\n", "config.toml:8: outbox.per_chat -1s: must not be negative"},
		{"per group", minimal + "[outbox]\nper_group = -1\n", "config.toml:8: outbox.per_group -1: must not be negative"},
		{"group window", minimal + "[outbox]\ngroup_window = \"0s\"\n", "config.toml:8: outbox.group_window 0s: want more than 0 when outbox.per_group is set"},
		{"concurrency", minimal + "[outbox]\nconcurrency = 0\n", "config.toml:8: outbox.concurrency 0: want 1 to 1000"},
		{"per second type", minimal + "[outbox]\nper_second = \"30\"\n", "config.toml:8: outbox.per_second: want a number, got a string"},
		{"int out of range", minimal + "[outbox]\nconcurrency = 99999999999\n", "config.toml:8: outbox.concurrency 99999999999: out of range"},
		{"theme", minimal + "[year]\ntheme = \"\"\n", "config.toml:8: year.theme is required"},
		{"grace days", minimal + "[year]\ngrace_days = 40\n", "config.toml:8: year.grace_days 40: want 0 to 28"},
		{"no categories", minimal + "[year]\ncategories = []\n", "config.toml:8: year.categories: at least one category is required"},
		{"category key twice", minimal + "[year]\ncategories = [\n {key = \"a\", name = \"A\"},\n {key = \"a\", name = \"B\"},\n]\n",
			`config.toml:10: year.categories[1].key "a" is used twice (first at year.categories[0])`},
		{"category key chars", minimal + "[[year.categories]]\nkey = \"Trung Thành\"\nname = \"A\"\n", `config.toml:8: year.categories[0].key "Trung Thành": use 1-32 characters of a-z, 0-9, _ and -`},
		{"category name absent", minimal + "[[year.categories]]\nkey = \"a\"\n", "config.toml:7: year.categories[0].name is required"},
		{"category not a table", minimal + "[year]\ncategories = [\"a\"]\n", `config.toml:8: year.categories[0]: want a table such as {key = "...", name = "..."}, got a string`},
		{"session ttl", minimal + "[year]\nsession_ttl = \"0s\"\n", "config.toml:8: year.session_ttl 0s: want more than 0"},
		{"invite ttl", minimal + "[year]\ninvite_ttl = \"-1h\"\n", "config.toml:8: year.invite_ttl -1h0m0s: want more than 0"},
		{"cron", minimal + "[schedule]\nbackup = \"0 2 * *\"\n", `config.toml:8: schedule.backup "0 2 * *": expected exactly 5 fields, found 4: [0 2 * *]`},
		{"zalo unknown key", minimal + "[zalo]\ntokn = \"x\"\n", `config.toml:8: unknown key "zalo.tokn"`},
		{"zalo endpoint", minimal + "[zalo]\nendpoint = \"bot-api.zaloplatforms.com\"\n", "config.toml:8: zalo.endpoint must start with https:// or http://"},
		{"zalo poll timeout", minimal + "[zalo]\npoll_timeout = \"5m\"\n", "config.toml:8: zalo.poll_timeout 5m0s: want 1s to 2m"},
		{"zalo limit", minimal + "[zalo]\nmonthly_messages = -1\n", "config.toml:8: zalo.monthly_messages -1: want 0 (no limit) or more"},
		{"zalo per second", minimal + "[zalo]\nper_second = 0\n", "config.toml:8: zalo.per_second 0: want more than 0"},
		{"zalo webhook url alone", minimal + "[zalo]\nwebhook_url = \"https://x.vn/zalo\"\n",
			"config.toml:8: zalo.webhook_url is set but zalo.webhook_listen is not: set both for webhook mode, neither for polling"},
		{"zalo webhook listen alone", minimal + "[zalo]\nwebhook_listen = \":8443\"\n",
			"config.toml:8: zalo.webhook_listen is set but zalo.webhook_url is not: Zalo needs the public https URL that reaches it"},
		{"zalo webhook secret", minimal + "[zalo]\nwebhook_listen = \":8443\"\nwebhook_url = \"https://x.vn/zalo\"\nwebhook_secret = \"short\"\n",
			"config.toml:10: zalo.webhook_secret: want 8-256 characters of A-Z, a-z, 0-9, _ and - (best set in LAMTHEO_ZALO_WEBHOOK_SECRET)"},
		{"zalo token with bots", minimal + "[zalo]\ntoken = \"abc\"\n[[zalo.bots]]\nname = \"xa1\"\ntoken = \"t1\"\ncells = [\"C01\"]\n",
			"config.toml:8: zalo.token is set together with [[zalo.bots]]: give each bot its own token (LAMTHEO_ZALO_TOKEN_<NAME>) instead"},
		{"zalo bot name", minimal + "[[zalo.bots]]\nname = \"Xã 1\"\ntoken = \"t\"\ncells = [\"C01\"]\n", `config.toml:8: zalo.bots[0].name "Xã 1": use 1-16 characters of a-z, 0-9, _ and -`},
		{"zalo bot name twice", minimal + "[[zalo.bots]]\nname = \"a\"\ntoken = \"t\"\ncells = [\"C01\"]\n[[zalo.bots]]\nname = \"a\"\ntoken = \"u\"\ncells = [\"C01\"]\n",
			`config.toml:12: zalo.bots[1].name "a" is used twice (first at zalo.bots[0])`},
		{"zalo bot no token", minimal + "[[zalo.bots]]\nname = \"xa-1\"\ncells = [\"C01\"]\n", "config.toml:7: zalo.bots[0]: no token: set LAMTHEO_ZALO_TOKEN_XA_1"},
		{"zalo bot no cells", minimal + "[[zalo.bots]]\nname = \"xa1\"\ntoken = \"t\"\n", "config.toml:7: zalo.bots[0].cells: list the codes of the cells this bot serves"},
		{"zalo bot unknown cell", minimal + "[[zalo.bots]]\nname = \"xa1\"\ntoken = \"t\"\ncells = [\"C01\", \"C09\"]\n", `config.toml:10: zalo.bots[0].cells[1] "C09": no [[cells]] entry has this code`},
		{"zalo bot unknown key", minimal + "[[zalo.bots]]\nname = \"xa1\"\ncell = [\"C01\"]\n", `config.toml:9: unknown key "zalo.bots[0].cell"`},
		{"zalo bot not a table", minimal + "[zalo]\nbots = [\"xa1\"]\n", "config.toml:8: zalo.bots[0]: want a table with name and cells, got a string"},
		{"zalo admin", minimal + "[admins]\nzalo = [\"\"]\n", "config.toml:8: admins.zalo[0]: want a Zalo user id in quotes, as the bot shows it to the person"},
		{"zalo admin twice", minimal + "[admins]\nzalo = [\"a1\", \"a1\"]\n", `config.toml:8: admins.zalo[1] "a1" is listed twice`},
		{"zalo admin type", minimal + "[admins]\nzalo = [12]\n", "config.toml:8: admins.zalo[0]: want a Zalo user id in quotes, got an integer"},
		{"cron zone without a space", minimal + "[schedule]\nremind_first = \"TZ=Asia/Ho_Chi_Minh\"\n",
			`config.toml:8: schedule.remind_first "TZ=Asia/Ho_Chi_Minh": a time zone prefix (TZ= or CRON_TZ=) is not allowed: every job runs in the zone of org.zone`},
		{"cron empty zone", minimal + "[schedule]\nremind_second = \"TZ=\"\n",
			`config.toml:8: schedule.remind_second "TZ=": a time zone prefix (TZ= or CRON_TZ=) is not allowed: every job runs in the zone of org.zone`},
		{"cron CRON_TZ without a space", minimal + "[schedule]\nleaderboard = \"CRON_TZ=UTC\"\n",
			`config.toml:8: schedule.leaderboard "CRON_TZ=UTC": a time zone prefix (TZ= or CRON_TZ=) is not allowed: every job runs in the zone of org.zone`},
		{"cron CRON_TZ", minimal + "[schedule]\nbackup = \"CRON_TZ=UTC 0 2 * * *\"\n",
			`config.toml:8: schedule.backup "CRON_TZ=UTC 0 2 * * *": a time zone prefix (TZ= or CRON_TZ=) is not allowed: every job runs in the zone of org.zone`},
		{"cron L misplaced", minimal + "[schedule]\nremind_last = \"0 L 1 * *\"\n", `config.toml:8: schedule.remind_last "0 L 1 * *": failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig(strings.NewReader(tt.doc), "config.toml")
			if err == nil {
				err = c.Validate()
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			got := err.Error()
			if strings.HasSuffix(tt.want, ":") {
				if !strings.HasPrefix(got, tt.want) {
					t.Errorf("error\n got %q\nwant prefix %q", got, tt.want)
				}
			} else if got != tt.want {
				t.Errorf("error\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestConfigErrorsJoined(t *testing.T) {
	doc := "[org]\nname = \"a\"\nzone = \"Nowhere\"\n[[cells]]\ncode = \"C01\"\n"
	c, err := ParseConfig(strings.NewReader(doc), "config.toml")
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	want := "config.toml:3: org.zone \"Nowhere\": unknown time zone\nconfig.toml:4: cells[0].name is required"
	if err == nil || err.Error() != want {
		t.Errorf("Validate() = %v, want %q", err, want)
	}
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Line != 3 || ce.Key != "org.zone" {
		t.Errorf("errors.As ConfigError = %+v", ce)
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

// TestTokenNeverInErrors provokes every error near the token and checks
// the token's text appears in none.
func TestTokenNeverInErrors(t *testing.T) {
	const secret = "7234567890:AAHsecretSECRETsecret"
	docs := []string{
		minimal + "[telegram]\ntoken = \"" + secret + "\n",                                    // unterminated string
		minimal + "[telegram]\ntoken = " + secret + "\n",                                      // unquoted
		minimal + "[telegram]\ntoken = \"" + secret + "\"\ntoken = \"" + secret + "\"\n",      // duplicate
		minimal + "[telegram]\ntoken = [\"" + secret + "\"]\n",                                // wrong type
		minimal + "[telegram]\ntoken = \"" + secret + " x\"\n",                                // space
		minimal + "[telegram]\ntoken = \"" + secret + "\"\nendpoint = \"" + secret + "%s\"\n", // bad endpoint
		minimal + "[telegram]\nendpoint = \"https://api.telegram.org/bot" + secret + "/%s\"\n",
		minimal + "[telegram]\nendpoint = \"ftp://" + secret + "/%s/%s\"\n",
		minimal + "[telegram]\n\"" + secret + "\" = 1\n", // nobody does that, but still an unknown key
		minimal + "[zalo]\ntoken = \"" + secret + " x\"\n",
		minimal + "[zalo]\ntoken = [\"" + secret + "\"]\n",
		minimal + "[[zalo.bots]]\nname = \"" + secret + "\"\ntoken = \"" + secret + "\"\ncells = [\"C01\"]\n",
		minimal + "[[zalo.bots]]\nname = \"a\"\ntoken = \"" + secret + "\tx\"\ncells = [\"C01\"]\n",
		minimal + "[zalo]\nwebhook_listen = \":1\"\nwebhook_url = \"" + secret + "\"\nwebhook_secret = \"" + secret + "!\"\n",
	}
	dir := t.TempDir()
	for i, doc := range docs {
		path := filepath.Join(dir, "config.toml")
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, env := range []string{"", secret + "\n"} {
			_, err := LoadConfig(path, func(k string) string {
				switch k {
				case EnvTelegramToken, EnvZaloToken, EnvZaloSecret:
					return env
				}
				return ""
			})
			if err == nil {
				if i != 8 {
					t.Errorf("doc %d: no error", i)
				}
				continue
			}
			if strings.Contains(err.Error(), "AAHsecret") {
				t.Errorf("doc %d: error text holds the token: %q", i, err)
			}
		}
	}
}

func TestKeyLines(t *testing.T) {
	doc := `a = 1
[t]
b.c = 2
[[arr]]
x = 1
[arr.sub]
y = 2
[[arr]]
x = [
  1,
  {k = 3},
]
`
	got := keyLines([]byte(doc))
	want := map[string]int{
		"a": 1, "t": 2, "t.b": 3, "t.b.c": 3,
		"arr": 4, "arr[0]": 4, "arr[0].x": 5, "arr[0].sub": 6, "arr[0].sub.y": 7,
		"arr[1]": 8, "arr[1].x": 9, "arr[1].x[0]": 10, "arr[1].x[1]": 11, "arr[1].x[1].k": 11,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keyLines =\n%v\nwant\n%v", got, want)
	}
}

func TestOutboxLimits(t *testing.T) {
	l := DefaultConfig().Outbox.Limits()
	if l.PerSecond != 30 || l.PerChat != time.Second || l.PerGroup != 20 || l.GroupWindow != time.Minute || l.MaxConcurrent != 8 {
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
