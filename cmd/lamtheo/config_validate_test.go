package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
		{"files public url scheme", minimal + "[files]\nlisten = \"127.0.0.1:8090\"\npublic_url = \"ftp://x/files\"\n", "config.toml:9: files.public_url: want the endpoint's public https:// URL, e.g. https://bot.example.vn/files"},
		{"files public url without listen", minimal + "[files]\npublic_url = \"https://x/files\"\n", "config.toml:8: files.public_url is set but files.listen is not: lamtheo must serve the files the URL leads to"},
		{"files link ttl", minimal + "[files]\nlink_ttl = \"0s\"\n", "config.toml:8: files.link_ttl: want at least 1h, in hours (default 24h)"},
		{"files keep", minimal + "[files]\nkeep = \"12h\"\n", "config.toml:8: files.keep: want at least 1h and at least files.link_ttl (default 168h)"},
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
		{"leaderboard before the deadline", minimal + "[schedule]\nleaderboard = \"0 8 1 * *\"\n",
			`config.toml:8: schedule.leaderboard "0 8 1 * *": no run falls in the week after the report deadline (day 5 of the next month, year.grace_days), so the leaderboard of 1/2027 would never be posted; run it daily ("0 8 * * *": it posts once, after the deadline) or on day 6`},
		{"leaderboard before a later deadline", minimal + "[year]\ngrace_days = 7\n[schedule]\nleaderboard = \"0 8 6 * *\"\n",
			`config.toml:10: schedule.leaderboard "0 8 6 * *": no run falls in the week after the report deadline (day 7 of the next month, year.grace_days), so the leaderboard of 1/2027 would never be posted; run it daily ("0 8 * * *": it posts once, after the deadline) or on day 8`},
		{"leaderboard without grace days", minimal + "[year]\ngrace_days = 0\n[schedule]\nleaderboard = \"0 8 20 * *\"\n",
			`config.toml:10: schedule.leaderboard "0 8 20 * *": no run falls in the week after the report deadline (the month's last day, year.grace_days), so the leaderboard of 1/2027 would never be posted; run it daily ("0 8 * * *": it posts once, after the deadline) or on day 1`},
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
