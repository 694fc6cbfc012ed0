package flows

import (
	"strings"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// fileTx records the files and links deliverFile stores; nothing else of
// Tx is used.
type fileTx struct {
	Tx
	files []bot.File
	links map[string]string // token -> file id
}

func (t *fileTx) PutFile(f bot.File, _ time.Time) (string, error) {
	t.files = append(t.files, f)
	return string(rune('0' + len(t.files))), nil
}

func (t *fileTx) PutFileLink(token, id string, _ time.Time) error {
	if t.links == nil {
		t.links = map[string]string{}
	}
	t.links[token] = id
	return nil
}

// deliverPlatforms: Telegram uploads; Zalo takes photos by URL only.
type deliverPlatforms struct{}

func (deliverPlatforms) Caps(p bot.Platform) (bot.Caps, bool) {
	switch p {
	case bot.Telegram:
		return bot.Caps{Platform: p, Service: "Telegram", GroupPrefix: "-", Upload: true, PhotoURL: true, MaxUpload: 2_000_000, MaxPhotoUpload: 1_000_000}, true
	case bot.Zalo:
		return bot.Caps{Platform: p, Service: "Zalo", GroupPrefix: "g:", PhotoURL: true}, true
	}
	return bot.Caps{}, false
}

func (d deliverPlatforms) All() []bot.Caps {
	tg, _ := d.Caps(bot.Telegram)
	z, _ := d.Caps(bot.Zalo)
	return []bot.Caps{tg, z}
}

// TestDeliverFile: each platform gets a file the way it can take one: an
// upload of the stored file, a link as the photo or under the text; a
// person's file never goes to a group; without a public URL the
// text goes alone (an optional picture) or says how to get the file; a
// file that could not be made says so (or, optional, is left out). A file
// over the platform's upload limit (a document's, a photo's) is never
// handed to the sender to upload: it goes as a link, or the text says it
// is too large and what to do.
func TestDeliverFile(t *testing.T) {
	tgPriv := bot.ChatID{Platform: bot.Telegram, ID: "1"}
	tgGroup := bot.ChatID{Platform: bot.Telegram, ID: "-100"}
	zPriv := bot.ChatID{Platform: bot.Zalo, ID: "z1"}
	zGroup := bot.ChatID{Platform: bot.Zalo, ID: "g:z2"}
	book := &bot.File{Name: "lamtheo-c01-2026.xlsx", Data: []byte("PK")}
	pic := &bot.File{Name: "bang-xep-hang.png", Data: []byte("PNG"), Photo: true, Alt: "bảng"}
	bigBook := &bot.File{Name: "lamtheo-xa-demo-2026.xlsx", Data: make([]byte, 2_000_001)}
	bigPic := &bot.File{Name: "bang-xep-hang.png", Data: make([]byte, 1_000_001), Photo: true}
	const url = "https://bot.example.vn/files"
	link := url + "/TOKEN0000000000000000000000"
	tests := []struct {
		name     string
		fileURL  string
		chat     bot.ChatID
		f        *bot.File
		private  bool
		optional bool
		text     string // the reply's text after, "" for "Văn bản"
		photo    string
		upload   bool // the reply carries the stored file
		links    int
	}{
		{"telegram uploads", url, tgPriv, book, true, false, "", "", true, 0},
		{"telegram uploads a picture", "", tgPriv, pic, false, true, "", "", true, 0},
		{"zalo document by link", url, zPriv, book, true, false,
			"Văn bản\n\n" + T(text.FileLink, fileLinkView{URL: link, Hours: 24}), "", false, 1},
		{"zalo picture by link", url, zGroup, pic, false, true, "", link, false, 1},
		{"zalo private file not linked in a group", url, zGroup, book, true, false, T(text.FilePrivateOnly, nil), "", false, 0},
		{"telegram private file not uploaded to a group", url, tgGroup, book, true, false, T(text.FilePrivateOnly, nil), "", false, 0},
		{"telegram group picture", url, tgGroup, pic, false, true, "", "", true, 0},
		{"zalo picture without a public URL", "", zGroup, pic, false, true, "", "", false, 0},
		{"zalo document without a public URL", "", zPriv, book, true, false, T(text.FileNoLink, fileNoLinkView{Service: "Zalo"}), "", false, 0},
		{"telegram file over the upload limit by link", url, tgPriv, bigBook, true, false,
			"Văn bản\n\n" + T(text.FileLink, fileLinkView{URL: link, Hours: 24}), "", false, 1},
		{"telegram file over the upload limit without a public URL", "", tgPriv, bigBook, true, false,
			T(text.FileTooLarge, fileTooLargeView{Name: bigBook.Name, MB: 3, Limit: 2, Service: "Telegram", Export: true}), "", false, 0},
		{"telegram picture over the photo limit by link", url, tgGroup, bigPic, false, true,
			"Văn bản\n\n" + T(text.FileLink, fileLinkView{URL: link, Hours: 24}), "", false, 1},
		{"telegram picture over the photo limit without a public URL", "", tgGroup, bigPic, false, true, "", "", false, 0},
		{"not made", url, tgPriv, nil, true, false, T(text.FileFailed, nil), "", false, 0},
		{"optional picture not made", url, zGroup, nil, false, true, "", "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Engine{Platforms: deliverPlatforms{}, FileURL: tt.fileURL, NewToken: func() string { return "TOKEN0000000000000000000000" }}
			tx := &fileTx{}
			q := FileRequest{Kind: FileExport, Private: tt.private, Optional: tt.optional, Reply: bot.Reply{Chat: tt.chat, Text: "Văn bản"}}
			got, err := e.deliverFile(tx, q, q.Reply, tt.f, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			want := tt.text
			if want == "" {
				want = "Văn bản"
			}
			if got.Text != want {
				t.Errorf("text %q, want %q", got.Text, want)
			}
			if got.Photo != tt.photo {
				t.Errorf("photo %q, want %q", got.Photo, tt.photo)
			}
			if up := got.File != nil; up != tt.upload {
				t.Errorf("file %+v, want upload %v", got.File, tt.upload)
			} else if up && (got.File.ID == "" || len(got.File.Data) != 0 || got.File.Name != tt.f.Name || got.File.Photo != tt.f.Photo) {
				t.Errorf("file %+v, want the stored %s by id without bytes", got.File, tt.f.Name)
			}
			if len(tx.links) != tt.links {
				t.Errorf("%d links, want %d", len(tx.links), tt.links)
			}
			if strings.Contains(got.Text, "[") {
				t.Errorf("catalogue miss: %q", got.Text)
			}
		})
	}
}

// TestLinkTokens: the default link tokens are 26 characters of base32
// (130 bits from crypto/rand) and never repeat.
func TestLinkTokens(t *testing.T) {
	e := &Engine{}
	seen := map[string]bool{}
	for range 1000 {
		tok := e.newToken()
		if len(tok) != 26 || strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Fatalf("token %q: want 26 characters of base32", tok)
		}
		if seen[tok] {
			t.Fatalf("token %q made twice", tok)
		}
		seen[tok] = true
	}
}
