package bot

import (
	"context"
	"errors"
	"fmt"
)

// withFile returns part with the bytes of its stored file (File.ID) read
// from Files. A file that is no longer stored, or a Sender without Files,
// leaves the part without its file (logged); another failure is returned
// and the part is retried like a failed send.
func (d *dispatch) withFile(ctx context.Context, part Reply) (Reply, error) {
	f := part.File
	if f == nil || len(f.Data) > 0 || f.ID == "" {
		return part, nil
	}
	var data []byte
	err := ErrNoFile
	if d.s.Files != nil {
		data, err = d.s.Files.FileData(ctx, f.ID)
	}
	switch {
	case err == nil:
		nf := *f
		nf.Data = data
		part.File = &nf
	case errors.Is(err, ErrNoFile):
		d.log.Warn("stored file gone: reply sent without it", LogKeyChat, part.Chat.String(), "file", f.ID)
		part.File = nil
	default:
		return part, fmt.Errorf("load file %s: %w", f.ID, err)
	}
	return part, nil
}
