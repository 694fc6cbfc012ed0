package flows_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestImportBoundaries keeps the design's arrows: bot imports no other
// lamtheo package and no chat SDK; flows knows no chat SDK, no bbolt, no
// cron runner, no spreadsheet and no PDF library, which only the roster
// file parser (flows/rosterfile), the /xuat writer (flows/export) and the
// /hoso writer (flows/dossier) use, and they know no store; bot/bottest
// fakes bot's interfaces and knows no platform; the fake platform APIs
// (telegramtest, zalotest) import no lamtheo package.
func TestImportBoundaries(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool on PATH")
	}
	tests := []struct {
		pkg       string
		forbidden []string
	}{
		{"lamtheo/bot", []string{"lamtheo/flows", "lamtheo/store", "lamtheo/cmd", "telegram-bot-api", "bbolt", "robfig/cron"}},
		{"lamtheo/flows", []string{"lamtheo/store", "lamtheo/bot/telegram", "lamtheo/bot/console", "telegram-bot-api", "bbolt", "robfig/cron", "zalo", "excelize", "fpdf"}},
		{"lamtheo/flows/export", []string{"lamtheo/store", "lamtheo/bot/telegram", "lamtheo/bot/console", "telegram-bot-api", "bbolt", "robfig/cron", "zalo"}},
		{"lamtheo/flows/dossier", []string{"lamtheo/store", "lamtheo/bot/telegram", "lamtheo/bot/console", "telegram-bot-api", "bbolt", "robfig/cron", "zalo", "excelize"}},
		{"lamtheo/flows/rosterfile", []string{"lamtheo/store", "lamtheo/bot/telegram", "lamtheo/bot/console", "telegram-bot-api", "bbolt", "robfig/cron", "zalo"}},
		{"lamtheo/store", []string{"lamtheo/bot/telegram", "lamtheo/bot/console", "telegram-bot-api", "robfig/cron"}},
		{"lamtheo/bot/bottest", []string{"lamtheo/flows", "lamtheo/store", "lamtheo/cmd", "lamtheo/bot/telegram", "lamtheo/bot/zalo", "lamtheo/bot/console", "telegram-bot-api", "bbolt"}},
		{"lamtheo/bot/telegram/telegramtest", []string{"lamtheo/", "telegram-bot-api"}},
		{"lamtheo/bot/zalo/zalotest", []string{"lamtheo/"}},
	}
	for _, tc := range tests {
		out, err := exec.Command("go", "list", "-deps", tc.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tc.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == tc.pkg {
				continue
			}
			for _, bad := range tc.forbidden {
				if strings.Contains(dep, bad) {
					t.Errorf("%s depends on %s", tc.pkg, dep)
				}
			}
		}
	}
}

// TestConsoleImports: the terminal adapter knows nothing of flows but the
// catalogue its own lines come from (flows/text), which imports no lamtheo
// package.
func TestConsoleImports(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool on PATH")
	}
	allowed := map[string][]string{
		"lamtheo/bot/console": {"lamtheo/bot", "lamtheo/flows/text"},
		"lamtheo/flows/text":  nil,
	}
	for pkg, ok := range allowed {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep != pkg && strings.HasPrefix(dep, "lamtheo/") && !slices.Contains(ok, dep) {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}

// TestFakesOnlyInTests keeps the test fakes out of the program, as
// net/http/httptest is: no package but a fake imports bot/bottest,
// telegramtest or zalotest, and a fake platform API serves only the tests
// of its adapter and of cmd/lamtheo (the end-to-end tests).
func TestFakesOnlyInTests(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool on PATH")
	}
	// The fakes, each with the packages whose tests may import it (nil:
	// any).
	fakes := map[string][]string{
		"lamtheo/bot/bottest":               nil,
		"lamtheo/bot/telegram/telegramtest": {"lamtheo/bot/telegram", "lamtheo/cmd/lamtheo"},
		"lamtheo/bot/zalo/zalotest":         {"lamtheo/bot/zalo", "lamtheo/cmd/lamtheo"},
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}|{{join .TestImports \" \"}} {{join .XTestImports \" \"}}", "lamtheo/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list lamtheo/...: %v\n%s", err, out)
	}
	for line := range strings.Lines(string(out)) {
		parts := strings.Split(strings.TrimSpace(line), "|")
		if len(parts) != 3 {
			t.Fatalf("go list: unexpected line %q", line)
		}
		pkg := parts[0]
		if _, fake := fakes[pkg]; !fake {
			for _, imp := range strings.Fields(parts[1]) {
				if _, ok := fakes[imp]; ok {
					t.Errorf("%s imports the test fake %s outside its tests", pkg, imp)
				}
			}
		}
		for _, imp := range strings.Fields(parts[2]) {
			if allowed := fakes[imp]; allowed != nil && !slices.Contains(allowed, pkg) {
				t.Errorf("the tests of %s import %s, which only %s may", pkg, imp, strings.Join(allowed, " and "))
			}
		}
	}
}
