package telegramtest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// storedFile is a file people sent, as the fake hands it to getFile and
// the file download.
type storedFile struct {
	id, path string
	data     []byte
}

// PushDocument queues a private or group message carrying a document
// (file name, content, caption): the fake keeps the file so that getFile
// and the download URL (/file/bot<token>/<path>) hand it to the bot. It
// returns the update's id.
func (f *Server) PushDocument(chat Chat, from User, name string, data []byte, caption string) int64 {
	f.mu.Lock()
	f.fileSeq++
	file := storedFile{id: fmt.Sprintf("doc-%d", f.fileSeq), path: fmt.Sprintf("documents/file_%d", f.fileSeq), data: data}
	if f.files == nil {
		f.files = map[string]storedFile{}
	}
	f.files[file.id] = file
	f.mu.Unlock()
	fields := map[string]any{"document": map[string]any{
		"file_id": file.id, "file_unique_id": "u" + file.id, "file_name": name, "file_size": len(data),
	}}
	if caption != "" {
		fields["caption"] = caption
	}
	return f.PushMessage(chat, from, fields)
}

// getFile answers getFile: the path to download a file pushed with
// PushDocument.
func (f *Server) getFile(w http.ResponseWriter, form url.Values) {
	f.mu.Lock()
	file, ok := f.files[form.Get("file_id")]
	f.mu.Unlock()
	if !ok {
		writeError(w, Fault{Code: 400, Description: "Bad Request: invalid file_id"})
		return
	}
	writeResult(w, map[string]any{"file_id": file.id, "file_unique_id": "u" + file.id, "file_size": len(file.data), "file_path": file.path})
}

// serveFile answers a file download, /file/bot<token>/<path>, as Telegram's
// file server does: the bytes, or 404.
func (f *Server) serveFile(w http.ResponseWriter, rest string) {
	token, path, ok := strings.Cut(rest, "/")
	if !ok || token != f.Token {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	f.calls["file"]++
	var found *storedFile
	for _, file := range f.files {
		if file.path == path {
			found = &file
			break
		}
	}
	f.mu.Unlock()
	if found == nil {
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(found.data)
}
