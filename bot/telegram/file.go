package telegram

import (
	"context"
	"fmt"
	"io"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"lamtheo/bot"
)

// fetch downloads the file of d, a document a person sent, with getFile
// and the file URL, bounded by the request timeout: d.Data is its content.
// A file larger than bot.MaxDocument, by what Telegram said or by what
// came, is not kept (d.TooBig); a failed download is marked d.Failed and
// logged, so that the person is asked to send it again.
func (c *Conn) fetch(ctx context.Context, d *bot.Document) {
	if d.Size > bot.MaxDocument {
		d.TooBig = true
		return
	}
	ctx, cancel := context.WithTimeout(ctx, c.requestTimeout)
	defer cancel()
	data, err := c.download(ctx, d.ID)
	switch {
	case err != nil:
		d.Failed = true
		c.log.Warn("telegram document download failed", bot.LogKeyErr, c.redact(err))
	case len(data) > bot.MaxDocument:
		d.TooBig = true
	default:
		d.Data = data
	}
}

// download returns the content of the file id, at most bot.MaxDocument+1
// bytes of it.
func (c *Conn) download(ctx context.Context, id string) ([]byte, error) {
	f, err := c.bot(ctx).GetFile(tgbotapi.FileConfig{FileID: id})
	if err != nil {
		return nil, fmt.Errorf("getFile: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(c.fileEndpoint, c.token, f.FilePath), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("file download: HTTP %d", resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, bot.MaxDocument+1))
}
