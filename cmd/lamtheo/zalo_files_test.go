package main

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"lamtheo/bot/zalo/zalotest"
)

// linkRE finds a file link of the tests' public URL; its token is 26
// characters of base32 (130 random bits).
var linkRE = regexp.MustCompile(`https://bot\.example\.vn/files/([A-Z2-7]{26})\b`)

// fetch asks the world's file endpoint for the path of url, as the proxy
// would pass it on.
func (w *zaloWorld) fetch(url string) *httptest.ResponseRecorder {
	w.t.Helper()
	rec := httptest.NewRecorder()
	path := strings.TrimPrefix(url, "https://bot.example.vn")
	w.a.fileHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// zaloFilesWorld is the demo cell on one Zalo bot with Lan its secretary,
// Hùng a member, and the file endpoint's public URL set or not.
func zaloFilesWorld(t *testing.T, publicURL string) (*zaloWorld, *zalotest.Server) {
	f := zalotest.NewServer(t, zalotest.InProcess())
	time.Sleep(26 * time.Hour) // Sunday 2 January, 09:00
	cfg := zaloConfig(f, t.TempDir())
	cfg.Files.PublicURL = publicURL
	w := newZaloWorld(t, cfg, f)
	code := w.zaloLink(f, zGroup, "Chi bộ thôn Đông")
	for _, u := range []zalotest.User{zLan, zHung} {
		w.zaloJoin(f, u, code)
	}
	w.zaloSecretary(f, "Chi bộ thôn Đông", zLan.Name)
	return w, f
}

// TestZaloFileLinks: on Zalo, which cannot upload, /xuat's workbook comes
// (on 2 January: 1999's, the month still collecting being December)
// as an expiring link in the text and the leaderboard's picture as a
// photo by link; each link leads to its file on the endpoint (the right
// type and name), and answers 410 once expired. Two links never share a
// token.
func TestZaloFileLinks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, f := zaloFilesWorld(t, "https://bot.example.vn/files")
		lan := zalotest.Private(zLan)
		got := w.say(f, lan, zLan, "/xuat")
		wantIn(t, "/xuat on Zalo", got, "Tệp tổng hợp Chi bộ thôn Đông", "Tải tệp tại: https://bot.example.vn/files/", "(hết hạn sau 24 giờ)")
		m := linkRE.FindStringSubmatch(got)
		if m == nil {
			t.Fatalf("no link in %q", got)
		}
		book := w.fetch(m[0])
		if book.Code != http.StatusOK || !strings.HasPrefix(book.Body.String(), "PK") {
			t.Fatalf("the workbook's link: %d %.20q", book.Code, book.Body.String())
		}
		if ct := book.Header().Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := book.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="lamtheo-c01-1999.xlsx"`) {
			t.Errorf("Content-Disposition %q", cd)
		}

		// Hùng reports January; on 6 February the leaderboard goes to the
		// group with its picture by link.
		w.until("2000-01-15 19:00")
		hung := zalotest.Private(zHung)
		ask := w.say(f, hung, zHung, "/baocao khác: dọn vệ sinh đường làng")
		w.say(f, hung, zHung, numberOf(t, ask, "Gửi báo cáo"))
		w.until("2000-02-06 09:00")
		var photo string
		for _, s := range f.Sent(zGroup.ID) {
			if s.Method == "sendPhoto" {
				photo = s.Photo
				wantIn(t, "the leaderboard's caption", s.Text, "Bảng xếp hạng báo cáo việc làm tháng 1/2000")
			}
		}
		pm := linkRE.FindStringSubmatch(photo)
		if pm == nil {
			t.Fatalf("the group got no leaderboard picture by link (photo %q)", photo)
		}
		if pm[1] == m[1] {
			t.Errorf("two links share the token %s", pm[1])
		}
		pic := w.fetch(photo)
		if pic.Code != http.StatusOK || pic.Header().Get("Content-Type") != "image/png" ||
			!strings.HasPrefix(pic.Header().Get("Content-Disposition"), "inline; ") {
			t.Errorf("the picture's link: %d %v", pic.Code, pic.Header())
		}
		// The workbook's link was made on 2 January: long expired.
		if old := w.fetch(m[0]); old.Code != http.StatusGone || !strings.Contains(old.Body.String(), "đã hết hạn") {
			t.Errorf("expired link: %d %q, want 410", old.Code, old.Body.String())
		}
		checkZaloTexts(t, f)
		w.quiet()
	})
}

// TestZaloDossierLink: on Zalo with a public URL, /hoso in the private
// chat brings the member's dossier as an expiring link to the PDF (the
// right type and file name) and the secretary's «cả chi bộ» the cell's
// zip; typed in the group, /hoso sends no link there or anywhere, only a
// pointer to the private chat.
func TestZaloDossierLink(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, f := zaloFilesWorld(t, "https://bot.example.vn/files")
		got := w.say(f, zalotest.Private(zHung), zHung, "/hoso")
		wantIn(t, "/hoso on Zalo", got, "Hồ sơ năm 1999 của đồng chí "+zHung.Name, "Tải tệp tại: https://bot.example.vn/files/", "(hết hạn sau 24 giờ)")
		m := linkRE.FindStringSubmatch(got)
		if m == nil {
			t.Fatalf("no link in %q", got)
		}
		pdf := w.fetch(m[0])
		if pdf.Code != http.StatusOK || !strings.HasPrefix(pdf.Body.String(), "%PDF") || pdf.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("the dossier's link: %d %v %.20q", pdf.Code, pdf.Header(), pdf.Body.String())
		}
		if cd := pdf.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="ho-so-`) || !strings.Contains(cd, `-1999.pdf"`) {
			t.Errorf("Content-Disposition %q", cd)
		}
		zip := w.say(f, zalotest.Private(zLan), zLan, "/hoso cả chi bộ")
		wantIn(t, "/hoso cả chi bộ on Zalo", zip, "Hồ sơ năm 1999 của 2 đảng viên Chi bộ thôn Đông", "Tải tệp tại: https://bot.example.vn/files/")
		if z := linkRE.FindString(zip); z == "" || w.fetch(z).Header().Get("Content-Type") != "application/zip" {
			t.Errorf("the zip's link in %q", zip)
		}

		before := len(f.Sent(zalotest.Private(zHung).ID))
		inGroup := w.say(f, zGroup, zHung, "/hoso")
		private := joined(f.Sent(zalotest.Private(zHung).ID)[before:])
		if linkRE.MatchString(inGroup) || linkRE.MatchString(private) {
			t.Errorf("/hoso in the group linked a file: group %q, private %q", inGroup, private)
		}
		wantIn(t, "/hoso in the group", private, "chỉ dùng khi nhắn riêng")
		checkZaloTexts(t, f)
		w.quiet()
	})
}

// TestZaloNoPublicURL: without [files] public_url, a Zalo secretary asking
// for the workbook and a member asking for their dossier are told to get
// it on Telegram, and the leaderboard
// reaches the group as text alone.
func TestZaloNoPublicURL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, f := zaloFilesWorld(t, "")
		got := w.say(f, zalotest.Private(zLan), zLan, "/xuat")
		wantIn(t, "/xuat on Zalo without a public URL", got, "Tệp Excel hiện chỉ gửi được qua Telegram")
		got = w.say(f, zalotest.Private(zHung), zHung, "/hoso")
		wantIn(t, "/hoso on Zalo without a public URL", got, "Tệp PDF hiện chỉ gửi được qua Telegram")
		hung := zalotest.Private(zHung)
		w.until("2000-01-15 19:00")
		ask := w.say(f, hung, zHung, "/baocao khác: dọn vệ sinh đường làng")
		w.say(f, hung, zHung, numberOf(t, ask, "Gửi báo cáo"))
		w.until("2000-02-06 09:00")
		board := false
		for _, s := range f.Sent(zGroup.ID) {
			if s.Method == "sendPhoto" {
				t.Errorf("a photo went to the group: %q", s.Photo)
			}
			board = board || strings.Contains(s.Text, "Bảng xếp hạng báo cáo việc làm tháng 1/2000")
		}
		if !board {
			t.Error("the group got no leaderboard")
		}
		checkZaloTexts(t, f)
		w.quiet()
	})
}
