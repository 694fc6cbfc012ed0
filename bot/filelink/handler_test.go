package filelink_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/bot/filelink"
)

// file is one linked file of the fake store.
type file struct {
	name    string
	data    string
	expires time.Time
}

// links is a Source of fixed links, recording the tokens asked for.
type links struct {
	files map[string]file
	asked []string
}

func (l *links) LinkedFile(_ context.Context, token string) (string, []byte, time.Time, error) {
	l.asked = append(l.asked, token)
	f, ok := l.files[token]
	if !ok {
		return "", nil, time.Time{}, fmt.Errorf("link: %w", bot.ErrNoFile)
	}
	return f.name, []byte(f.data), f.expires, nil
}

const (
	xlsxToken = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	pngToken  = "PNGPNGPNGPNGPNGPNGPNGPNGPN"
	pdfToken  = "PDFPDFPDFPDFPDFPDFPDFPDFPD"
	zipToken  = "ZIPZIPZIPZIPZIPZIPZIPZIPZI"
	oldToken  = "OLDOLDOLDOLDOLDOLDOLDOLDOL"
)

func server(t *testing.T) (*httptest.Server, *links, *time.Time) {
	now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	day := now.Add(24 * time.Hour)
	src := &links{files: map[string]file{
		xlsxToken: {"lamtheo-c01-2026.xlsx", "PK workbook", day},
		pngToken:  {"bang-xep-hang-2026-11.png", "\x89PNG picture", day},
		pdfToken:  {"Hồ sơ Đào Thị Ưng 2026.pdf", "%PDF dossier", day},
		zipToken:  {"hoso-c01-2026.zip", "PK zip", day},
		oldToken:  {"cu.xlsx", "old", now.Add(-time.Minute)},
	}}
	h := &filelink.Handler{Files: src, Expired: "Liên kết đã hết hạn.", Now: func() time.Time { return now }}
	mux := http.NewServeMux()
	mux.Handle("/files/", http.StripPrefix("/files", h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, src, &now
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestServesLinkedFiles: each kind of file is served with its type, shown
// inline (a picture) or downloaded under its name: an ASCII fallback and
// the exact Vietnamese name percent-encoded.
func TestServesLinkedFiles(t *testing.T) {
	srv, _, _ := server(t)
	for _, c := range []struct {
		token, ctype, disp, body string
	}{
		{xlsxToken, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			`attachment; filename="lamtheo-c01-2026.xlsx"; filename*=UTF-8''lamtheo-c01-2026.xlsx`, "PK workbook"},
		{pngToken, "image/png", `inline; filename="bang-xep-hang-2026-11.png"; filename*=UTF-8''bang-xep-hang-2026-11.png`, "\x89PNG picture"},
		{pdfToken, "application/pdf",
			`attachment; filename="Ho_so_Dao_Thi_Ung_2026.pdf"; filename*=UTF-8''H%E1%BB%93%20s%C6%A1%20%C4%90%C3%A0o%20Th%E1%BB%8B%20%C6%AFng%202026.pdf`, "%PDF dossier"},
		{zipToken, "application/zip", `attachment; filename="hoso-c01-2026.zip"; filename*=UTF-8''hoso-c01-2026.zip`, "PK zip"},
	} {
		resp, body := get(t, srv.URL+"/files/"+c.token)
		if resp.StatusCode != http.StatusOK || body != c.body {
			t.Errorf("%s: %d %q, want 200 %q", c.token, resp.StatusCode, body, c.body)
		}
		if got := resp.Header.Get("Content-Type"); got != c.ctype {
			t.Errorf("%s: Content-Type %q, want %q", c.token, got, c.ctype)
		}
		if got := resp.Header.Get("Content-Disposition"); got != c.disp {
			t.Errorf("%s: Content-Disposition\n got %s\nwant %s", c.token, got, c.disp)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", c.token, got)
		}
	}
}

// TestRefusals: an expired link is 410 Gone with the catalogue's text; an
// unknown token, the folder itself and every path that is not a token
// (traversal, nested paths, encoded slashes) are 404, and none but a
// well-formed token reaches the store; other methods are 405.
func TestRefusals(t *testing.T) {
	srv, src, _ := server(t)
	resp, body := get(t, srv.URL+"/files/"+oldToken)
	if resp.StatusCode != http.StatusGone || body != "Liên kết đã hết hạn.\n" {
		t.Errorf("expired link: %d %q, want 410 with the text", resp.StatusCode, body)
	}
	src.asked = nil
	for _, p := range []string{"/files/", "/files", "/files/UNKNOWNUNKNOWNUNKNOWN12", "/files/" + xlsxToken[:10], "/files/" + xlsxToken + ".xlsx"} {
		if resp, _ := get(t, srv.URL+p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
	// Paths as they reach the handler, uncleaned by any client or mux.
	h := &filelink.Handler{Files: src}
	for _, p := range []string{
		"", "/", "/..", "/../lamtheo.db", "/../" + xlsxToken, "/" + xlsxToken + "/", "/" + xlsxToken + "/..",
		"/" + xlsxToken + "/../../lamtheo.db", "//" + xlsxToken, "/" + xlsxToken + "%2f..", "/.%2e/" + xlsxToken,
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.Path = p
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("path %q: %d, want 404", p, rec.Code)
		}
	}
	if len(src.asked) != 1 || src.asked[0] != "UNKNOWNUNKNOWNUNKNOWN12" {
		t.Errorf("tokens looked up: %q, want only the well-formed unknown one", src.asked)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/files/"+xlsxToken, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", resp.StatusCode)
	}
}
