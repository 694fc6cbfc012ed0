package main

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lamtheo/bot/bottest"
	"lamtheo/bot/zalo/zalotest"
)

// TestZaloWebhookServed runs the program with a Zalo bot in webhook mode on
// a real local listener: the bot registers its URL and secret with the fake
// API, a delivery with the right secret is answered 200 once handled and its
// reply reaches the person, a wrong secret gets 403 and nothing else, and
// Zalo's verification ping (no event) gets 200. It runs on real time (a
// real socket), waiting on the fake, never sleeping.
func TestZaloWebhookServed(t *testing.T) {
	f := zalotest.NewServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	const secret = "webhook-s3cret-123"
	cfg := DemoConfig()
	cfg.Admins.Console = nil
	cfg.Data.Path = filepath.Join(t.TempDir(), "lamtheo.db")
	cfg.Zalo.Token, cfg.Zalo.Endpoint = f.Token, f.URL
	cfg.Zalo.WebhookListen, cfg.Zalo.WebhookURL, cfg.Zalo.WebhookSecret = ln.Addr().String(), "https://lamtheo.example.vn/zalo", secret
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var logs bottest.Buffer
	a, err := openApp(ctx, cfg, testText(), slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.serveChats(sctx, chatOptions{webhooks: ln}) }()

	post := func(secret string, body []byte) int {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+ln.Addr().String()+"/zalo", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set(zalotest.SecretHeader, secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	lan := zalotest.User{ID: "6ede9afa66b88fe6d6a9", Name: "Nguyễn Thị Lan"}
	if code := post("wrong-secret-000", f.Text(zalotest.Private(lan), lan, "/start").Bare()); code != http.StatusForbidden {
		t.Errorf("wrong secret: %d, want 403", code)
	}
	if code := post(secret, []byte(`{}`)); code != http.StatusOK {
		t.Errorf("verification ping: %d, want 200", code)
	}
	if code := post(secret, f.Text(zalotest.Private(lan), lan, "/start").Bare()); code != http.StatusOK {
		t.Fatalf("delivery: %d, want 200", code)
	}
	sent, err := f.WaitSent(ctx, lan.ID, 1)
	if err != nil {
		t.Fatalf("no reply: %v (sent %+v)", err, sent)
	}
	if !strings.Contains(sent[0].Text, "Kính chào đồng chí") {
		t.Errorf("reply %q, want the greeting", sent[0].Text)
	}
	if url, got := f.Webhook(); url != cfg.Zalo.WebhookURL || got != secret {
		t.Errorf("registered webhook %q with secret %q", url, got)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("serveChats: %v", err)
	}
	if n := len(f.Sent(lan.ID)); n != 1 {
		t.Errorf("%d replies to the person, want 1 (the wrong secret's delivery must not be handled)", n)
	}
	if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), f.Token) {
		t.Error("a secret reached the log")
	}
}
