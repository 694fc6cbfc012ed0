package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeployFiles: the systemd unit and the Dockerfile of deploy/ keep the
// directives that make lamtheo safe to run for real (its own user and
// state directory, a read-only system, restarts, secrets from the
// environment; a static non-root image with the data on a volume), and
// .dockerignore keeps data files and secrets out of images.
func TestDeployFiles(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"deploy/lamtheo.service", []string{
			"User=lamtheo", "StateDirectory=lamtheo", "ProtectSystem=strict", "ReadWritePaths=/var/lib/lamtheo",
			"NoNewPrivileges=yes", "Restart=on-failure", "EnvironmentFile=/etc/lamtheo/env",
			"ExecStart=/usr/local/bin/lamtheo -config /etc/lamtheo/config.toml -data /var/lib/lamtheo/lamtheo.db",
		}},
		{"deploy/Dockerfile", []string{
			"AS build", "CGO_ENABLED=0", "FROM scratch", "ca-certificates.crt", "USER 65532", "VOLUME /data",
			`"-config", "/etc/lamtheo/config.toml"`, `"-data", "/data/lamtheo.db"`, ":ro",
		}},
		{".dockerignore", []string{"*.db", "backups/", "config.toml", ".git"}},
	}
	for _, tt := range tests {
		b, err := os.ReadFile(filepath.Join("..", "..", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %q", tt.file, w)
			}
		}
	}
}
