package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"lamtheo/bot/filelink"
	"lamtheo/flows/text"
)

// serveWebhooks serves the Zalo bots' webhooks on ln, or on [zalo]
// webhook_listen when ln is nil, until ctx is done.
func (a *app) serveWebhooks(ctx context.Context, hooks http.Handler, ln net.Listener) error {
	return a.serveHTTP(ctx, "zalo webhooks", a.cfg.Zalo.WebhookListen, hooks, ln)
}

// serveFiles serves the file endpoint ([files]) on ln, or on [files]
// listen when ln is nil, until ctx is done: the generated files under
// their links, at the path of [files] public_url.
func (a *app) serveFiles(ctx context.Context, ln net.Listener) error {
	return a.serveHTTP(ctx, "files", a.cfg.Files.Listen, a.fileHandler(), ln)
}

// fileHandler returns the file endpoint: the links' files under the path
// of [files] public_url (the proxy in front passes the path on).
func (a *app) fileHandler() http.Handler {
	prefix := ""
	if u, err := url.Parse(a.cfg.Files.PublicURL); err == nil {
		prefix = strings.TrimRight(u.Path, "/")
	}
	h := &filelink.Handler{Files: a.db, Expired: a.eng.Text.Render(text.FileLinkExpired, nil), Log: a.log}
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", http.StripPrefix(prefix, h))
	return mux
}

// serveHTTP serves h on ln, or on addr when ln is nil, until ctx is done.
func (a *app) serveHTTP(ctx context.Context, what, addr string, h http.Handler, ln net.Listener) error {
	srv := &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // a large workbook over a slow line
	}
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", srv.Addr); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	a.log.Info("serving "+what, "listen", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("%s: %w", what, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	return nil
}
