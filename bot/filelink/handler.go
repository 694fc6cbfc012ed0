package filelink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"lamtheo/bot"
)

// Source gives the file a link's token leads to: its name, its bytes and
// when the link expires; an error wrapping bot.ErrNoFile when there is no
// such link or file. *store.DB implements it.
type Source interface {
	LinkedFile(ctx context.Context, token string) (name string, data []byte, expires time.Time, err error)
}

// Handler serves GET and HEAD of "/TOKEN" (mount it under the public
// URL's path with http.StripPrefix): the linked file with its
// Content-Type and Content-Disposition, 410 Gone once the link expired,
// 404 for anything else (an unknown token, another path, a folder). Set
// the fields before the first request; it is then safe for concurrent
// use.
type Handler struct {
	Files Source
	// Expired is the page's text for an expired link (the catalogue's).
	Expired string
	// Now returns the current time. Nil: time.Now.
	Now func() time.Time
	// Log receives lookup failures other than a missing file. Nil: none.
	Log *slog.Logger
}

// A token is what flows makes (crypto/rand.Text: 26 characters of
// base32); anything outside these bounds is not looked up.
const (
	minToken = 16
	maxToken = 64
)

// validToken reports whether t can be a link token: 16 to 64 letters and
// digits, so no path element (".", "..", "a/b") ever reaches the store.
func validToken(t string) bool {
	if len(t) < minToken || len(t) > maxToken {
		return false
	}
	for _, r := range t {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func (h *Handler) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	token, ok := strings.CutPrefix(r.URL.Path, "/")
	if !ok || !validToken(token) {
		http.NotFound(w, r)
		return
	}
	name, data, expires, err := h.Files.LinkedFile(r.Context(), token)
	switch {
	case errors.Is(err, bot.ErrNoFile):
		http.NotFound(w, r)
		return
	case err != nil:
		if h.Log != nil {
			h.Log.Error("file link", bot.LogKeyErr, err)
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	case !h.now().Before(expires):
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, h.Expired, http.StatusGone)
		return
	}
	hdr := w.Header()
	ctype, inline := contentType(name)
	hdr.Set("Content-Type", ctype)
	hdr.Set("Content-Disposition", disposition(name, inline))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "private, no-store")
	hdr.Set("Referrer-Policy", "no-referrer")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// contentType returns the media type of a file by its name's extension,
// and whether a browser should show it rather than download it (a
// picture).
func contentType(name string) (string, bool) {
	switch strings.ToLower(path.Ext(name)) {
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false
	case ".png":
		return "image/png", true
	case ".jpg", ".jpeg":
		return "image/jpeg", true
	case ".pdf":
		return "application/pdf", false
	case ".zip":
		return "application/zip", false
	case ".csv":
		return "text/csv; charset=utf-8", false
	}
	return "application/octet-stream", false
}

// disposition returns the Content-Disposition of a file named name:
// inline or attachment, with an ASCII filename (Vietnamese letters folded,
// other characters "_") and the exact name as filename* (RFC 6266, RFC
// 8187), which every current browser prefers.
func disposition(name string, inline bool) string {
	kind := "attachment"
	if inline {
		kind = "inline"
	}
	name = norm.NFC.String(path.Base("/" + name))
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, kind, asciiName(name), pctEncode(name))
}

// asciiName folds name to ASCII: "Hồ sơ Đào.pdf" -> "Ho_so_Dao.pdf".
func asciiName(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "tep"
	}
	return b.String()
}

// pctEncode encodes s as an RFC 8187 value: attr-chars as they are, every
// other byte as %XX.
func pctEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
