package console

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // photos the bot sends
	_ "image/png"  //
	"os"
	"path/filepath"

	"lamtheo/bot"
)

// describePhoto says what an uploaded photo shows and its size:
// "bảng xếp hạng tháng 11/2026, 1080×720" (its byte count when it does
// not decode).
func describePhoto(f *bot.File) string {
	what := f.Alt
	if what == "" {
		what = f.Name
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(f.Data))
	if err != nil {
		return fmt.Sprintf("%s, %d byte", what, len(f.Data))
	}
	return fmt.Sprintf("%s, %d×%d", what, cfg.Width, cfg.Height)
}

// save writes f into dir under its name (its last element only, so a name
// cannot leave dir) and returns the path.
func save(dir string, f *bot.File) (string, error) {
	name := filepath.Base(filepath.Clean("/" + f.Name))
	if name == "/" || name == "." {
		name = "tep"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, f.Data, 0o644); err != nil {
		return "", err
	}
	return path, nil
}
