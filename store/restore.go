package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// restoreTemp is the pattern of the temporary file a restore copies the
// backup to, next to the data file.
const restoreTemp = ".lamtheo-restore-*.tmp"

// Restored says what Restore did.
type Restored struct {
	Backup Report // the backup's check
	// Aside is where the data file that was replaced is kept, or "" when
	// there was none.
	Aside string
	// Previous is why the replaced data file failed its check (an error
	// wrapping ErrDamaged), or nil when it passed or there was none.
	Previous error
}

// Restore puts a copy of the backup at backup in place of the data file at
// path. It checks the backup fully first and refuses one that fails (an
// error wrapping ErrDamaged). It refuses while a lamtheo uses the data file
// (ErrLocked), and holds the file's lock meanwhile so none starts on it.
// The data file it replaces, damaged or not, is kept in the same directory
// as NAME.damaged-YYYYMMDD-HHMMSS (NAME.replaced-... when it passed its
// check), dated by now in UTC. The copy is written to a temporary file,
// synced, and renamed over path, so path always holds a whole file: the old
// one or the backup. timeout is how long to wait for a lock (default 1 s).
func Restore(backup, path string, now time.Time, timeout time.Duration) (Restored, error) {
	var res Restored
	rep, err := Check(backup, timeout)
	res.Backup = rep
	if err != nil {
		return res, fmt.Errorf("backup %s cannot be restored: %w", backup, err)
	}
	if bi, err := os.Stat(backup); err == nil {
		if pi, err := os.Stat(path); err == nil && os.SameFile(bi, pi) {
			return res, fmt.Errorf("%s is the data file itself", backup)
		}
	}
	_, err = Check(path, timeout)
	exists := !errors.Is(err, fs.ErrNotExist)
	switch {
	case errors.Is(err, ErrLocked):
		return res, fmt.Errorf("restore: %w", err)
	case errors.Is(err, ErrDamaged):
		res.Previous = err
	case err != nil && exists:
		return res, fmt.Errorf("restore: check %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	if exists {
		// Hold the lock a running lamtheo would hold, so that none starts
		// on the file while it is replaced.
		f, err := os.Open(path)
		if err != nil {
			return res, fmt.Errorf("restore: %w", err)
		}
		defer f.Close()
		if err := lockFile(f, true, timeout); errors.Is(err, errLockTimeout) {
			return res, fmt.Errorf("restore: %w", lockedError(path))
		} else if err != nil {
			return res, fmt.Errorf("restore: lock %s: %w", path, err)
		}
	}
	if old, _ := filepath.Glob(filepath.Join(dir, restoreTemp)); len(old) > 0 {
		for _, o := range old { // left by a restore that was killed
			_ = os.Remove(o)
		}
	}
	tmp, err := copyToTemp(backup, dir)
	if err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp) // gone after the rename
	if exists {
		kind := "replaced"
		if res.Previous != nil {
			kind = "damaged"
		}
		res.Aside = fmt.Sprintf("%s.%s-%s", path, kind, now.UTC().Format(backupLayout))
		if err := keepAside(path, res.Aside); err != nil {
			res.Aside = ""
			return res, fmt.Errorf("restore: keep %s aside: %w", path, err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	if err := syncFile(dir); err != nil {
		return res, fmt.Errorf("restore: sync %s: %w", dir, err)
	}
	return res, nil
}

// copyToTemp copies the file src into a new temporary file in dir, syncs
// it, checks its header against its size, and returns its path.
func copyToTemp(src, dir string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, restoreTemp)
	if err != nil {
		return "", err
	}
	tmp := out.Name()
	n, err := io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		var st os.FileInfo
		if st, err = in.Stat(); err == nil && st.Size() != n {
			err = fmt.Errorf("copied %d bytes of %d", n, st.Size())
		}
	}
	if err == nil {
		err = quickCheck(tmp)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("copy %s: %w", src, err)
	}
	return tmp, nil
}

// quickCheck checks the header pages of the file at path against its
// size, with plain reads and no lock.
func quickCheck(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	_, err = readHeader(f, st.Size())
	return err
}

// keepAside gives the file at path a second name, aside, so the rename of
// the restored copy over path keeps it. A file system without hard links
// gets a copy instead.
func keepAside(path, aside string) error {
	if err := os.Link(path, aside); err == nil {
		return nil
	}
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(aside, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(aside)
	}
	return err
}
