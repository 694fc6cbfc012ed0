package flows_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportBoundaries keeps the design's arrows: bot imports no other
// lamtheo package and no chat SDK; flows knows no chat SDK, no bbolt and no
// cron runner.
func TestImportBoundaries(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool on PATH")
	}
	tests := []struct {
		pkg       string
		forbidden []string
	}{
		{"lamtheo/bot", []string{"lamtheo/flows", "lamtheo/store", "lamtheo/cmd", "telegram-bot-api", "bbolt", "robfig/cron"}},
		{"lamtheo/flows", []string{"lamtheo/store", "lamtheo/bot/telegram", "lamtheo/bot/console", "telegram-bot-api", "bbolt", "robfig/cron", "zalo"}},
		{"lamtheo/store", []string{"lamtheo/bot/telegram", "lamtheo/bot/console", "telegram-bot-api", "robfig/cron"}},
	}
	for _, tc := range tests {
		out, err := exec.Command("go", "list", "-deps", tc.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tc.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, bad := range tc.forbidden {
				if strings.Contains(dep, bad) {
					t.Errorf("%s depends on %s", tc.pkg, dep)
				}
			}
		}
	}
}
