package flows

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// FileKind names the maker of a kind of generated file (fileMakers).
type FileKind string

// The kinds of generated file.
const (
	FileExport     FileKind = "export"      // /xuat's workbook (exportcmd.go)
	FileLeader     FileKind = "leaderboard" // the leaderboard picture (leaderchart.go)
	FileRoster     FileKind = "roster"      // a cell's roster template (roster_edit.go)
	FileDossier    FileKind = "dossier"     // one member's year-end dossier PDF (dossierfile.go)
	FileDossierZip FileKind = "dossier_zip" // a cell's dossiers as one zip (dossierfile.go)
)

// FileRequest is a file a flow asked for in an update's (or a job's)
// transaction. The flow records the request, never the file: the
// FileWorker builds it afterwards from a read-only snapshot, stores it and
// enqueues Reply with it, so a large file delays no one's reply, and the
// outbox refers to the stored file instead of holding its bytes. A request
// committed but not built yet is built after a restart.
type FileRequest struct {
	ID   uint64   // assigned by Tx.RequestFile
	Kind FileKind // its maker
	Args []string // the maker's parameters, as the flow encoded them
	At   time.Time
	// Reply is the message that carries the file: its chat, its text (the
	// maker may rewrite it), Bulk.
	Reply bot.Reply
	// Private: the file is about one person; it never goes to a group
	// chat (uploaded or linked): the reply says so instead.
	Private bool
	// Optional: where the file cannot go (a platform without uploads and
	// no public link), Reply goes alone. Otherwise Reply says how to get
	// the file instead (text.FileNoLink).
	Optional bool
}

// fileLinkView is the data of text.FileLink.
type fileLinkView struct {
	URL   string
	Hours int // how long the link is valid
}

// fileNoLinkView is the data of text.FileNoLink.
type fileNoLinkView struct{ Service string }

// fileTooLargeView is the data of text.FileTooLarge.
type fileTooLargeView struct {
	Name      string
	MB, Limit int // the file's size and the platform's limit, in megabytes (rounded up, down)
	Service   string
	Export    bool // /xuat's workbook: a cell's or a shorter period's is smaller
}

// tooLargeView says why f cannot be uploaded to the platform of caps.
func tooLargeView(caps bot.Caps, f *bot.File, kind FileKind) fileTooLargeView {
	limit := caps.MaxUpload
	if f.Photo {
		limit = caps.MaxPhotoUpload
	}
	const mb = 1_000_000
	return fileTooLargeView{Name: f.Name, MB: (len(f.Data) + mb - 1) / mb, Limit: limit / mb, Service: caps.Service, Export: kind == FileExport}
}

// fileMaker builds the file of request q from its own read-only
// transactions of e.Store (a View, never the write transaction of an
// update), and may rewrite *rep (q.Reply to begin with), e.g. to say what
// the file holds. An error is the operator's: the person is told the file
// could not be made (text.FileFailed), or gets Reply alone when Optional.
type fileMaker func(e *Engine, ctx context.Context, q FileRequest, rep *bot.Reply) (*bot.File, error)

// fileMakers are the makers by kind. A new kind of file registers here.
var fileMakers = map[FileKind]fileMaker{
	FileExport:     (*Engine).makeExport,
	FileLeader:     (*Engine).makeLeaderPhoto,
	FileRoster:     (*Engine).makeRosterTemplate,
	FileDossier:    (*Engine).makeDossier,
	FileDossierZip: (*Engine).makeDossierZip,
}

// Defaults of the engine's file links.
const defaultLinkTTL = 24 * time.Hour

// linkTTL is how long a file link stays valid.
func (e *Engine) linkTTL() time.Duration {
	if e.LinkTTL <= 0 {
		return defaultLinkTTL
	}
	return e.LinkTTL
}

// newToken returns an unguessable link token: 26 characters of base32,
// 130 bits from crypto/rand.
func (e *Engine) newToken() string {
	if e.NewToken != nil {
		return e.NewToken()
	}
	return rand.Text()
}

// fileReaches reports whether a file can reach chat on its platform: as
// bytes (Caps.Upload) or by a link to the file endpoint (FileURL). A
// private file (one person's) never goes to a group chat.
func (e *Engine) fileReaches(chat bot.ChatID, private bool) bool {
	caps := e.caps(chat.Platform)
	if private && caps.IsGroup(chat) {
		return false
	}
	return caps.Upload || e.FileURL != ""
}

// requestFile asks for a file of kind with args to go with rep (see
// FileRequest); it is recorded with the update's other writes.
func (r *req) requestFile(kind FileKind, args []string, rep bot.Reply, private, optional bool) {
	r.addFile(FileRequest{Kind: kind, Args: args, Reply: rep, Private: private, Optional: optional})
}

// addFile asks for the file of q, made as at the update's time.
func (r *req) addFile(q FileRequest) {
	q.At = r.now
	r.files = append(r.files, q)
}

// recordFiles records qs in tx.
func recordFiles(tx Tx, qs []FileRequest) error {
	for i := range qs {
		if err := tx.RequestFile(&qs[i]); err != nil {
			return fmt.Errorf("request file %s: %w", qs[i].Kind, err)
		}
	}
	return nil
}

// makeFile builds the file of q with its maker and returns the reply to
// send with it (nil file: the maker failed, or there is no maker).
func (e *Engine) makeFile(ctx context.Context, q FileRequest) (bot.Reply, *bot.File, error) {
	rep := q.Reply
	mk, ok := fileMakers[q.Kind]
	if !ok {
		e.log().Error("no maker for a requested file", "kind", string(q.Kind), "request", q.ID)
		return rep, nil, nil
	}
	f, err := mk(e, ctx, q, &rep)
	if err != nil {
		if ctx.Err() != nil {
			return rep, nil, ctx.Err()
		}
		e.log().Error("make file", "kind", string(q.Kind), "request", q.ID, bot.LogKeyChat, rep.Chat.String(), bot.LogKeyErr, err)
		return q.Reply, nil, nil
	}
	return rep, f, nil
}

// deliverFile stores f and returns rep carrying it as rep's platform can
// take it: a reference to the stored bytes to upload (Caps.Upload, within
// the platform's upload limits: Caps.UploadFits); a link to the file
// endpoint, as the photo (Caps.PhotoURL) or under the text; or, where
// neither can go, rep alone (Optional) or a note saying how to get the
// file (text.FileTooLarge for a file over the upload limit, so the sender
// never tries an upload that can only fail). A private file asked for in
// a group chat is not sent there (text.FilePrivateOnly). A nil f (it
// could not be made) gives rep alone or text.FileFailed.
func (e *Engine) deliverFile(tx Tx, q FileRequest, rep bot.Reply, f *bot.File, now time.Time) (bot.Reply, error) {
	caps := e.caps(rep.Chat.Platform)
	switch {
	case f == nil && q.Optional:
		return rep, nil
	case f == nil:
		rep.Text = e.t(text.FileFailed, nil)
		return rep, nil
	case q.Private && caps.IsGroup(rep.Chat):
		rep.Text = e.t(text.FilePrivateOnly, nil)
		return rep, nil
	}
	tooLarge := caps.Upload && !caps.UploadFits(len(f.Data), f.Photo)
	switch {
	case caps.Upload && !tooLarge:
		id, err := tx.PutFile(*f, now)
		if err != nil {
			return rep, err
		}
		rep.File = &bot.File{ID: id, Name: f.Name, Photo: f.Photo, Alt: f.Alt}
		return rep, nil
	case e.FileURL != "":
		id, err := tx.PutFile(*f, now)
		if err != nil {
			return rep, err
		}
		token := e.newToken()
		if err := tx.PutFileLink(token, id, now.Add(e.linkTTL())); err != nil {
			return rep, err
		}
		url := strings.TrimRight(e.FileURL, "/") + "/" + token
		if f.Photo && caps.PhotoURL && !tooLarge {
			rep.Photo = url
			return rep, nil
		}
		link := e.t(text.FileLink, fileLinkView{URL: url, Hours: int(e.linkTTL().Round(time.Hour) / time.Hour)})
		rep.Text = strings.TrimSpace(rep.Text + "\n\n" + link)
		return rep, nil
	case q.Optional:
		return rep, nil
	case tooLarge:
		rep.Text = e.t(text.FileTooLarge, tooLargeView(caps, f, q.Kind))
		return rep, nil
	}
	rep.Text = e.t(text.FileNoLink, fileNoLinkView{Service: caps.Service})
	return rep, nil
}
