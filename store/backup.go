package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// backupLayout is the time layout of backup file names, in UTC.
const backupLayout = "20060102-150405"

// Backup writes a consistent copy of the live database into dir (created
// if missing) as lamtheo-YYYYMMDD-HHMMSS.db, named by the DB's clock in
// UTC, without blocking writers. The copy is synced, checked fully (see
// Check), and only then given its name. Afterwards only the newest keep backups in dir are kept (keep < 1
// keeps all). It returns the path of the new backup.
func (db *DB) Backup(dir string, keep int) (string, error) {
	db.closeMu.RLock()
	defer db.closeMu.RUnlock()
	if db.closed {
		return "", ErrClosed
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	final := filepath.Join(dir, "lamtheo-"+db.now().UTC().Format(backupLayout)+".db")
	tmpf, err := os.CreateTemp(dir, ".lamtheo-backup-*.tmp")
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	tmp := tmpf.Name()
	_ = tmpf.Close()
	ok := false
	defer func() {
		if !ok {
			_ = os.Remove(tmp)
		}
	}()
	if err := db.boltView(func(btx *bolt.Tx) error { return btx.CopyFile(tmp, 0o600) }); err != nil {
		return "", fmt.Errorf("backup copy: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return "", fmt.Errorf("backup sync: %w", err)
	}
	if err := verify(tmp); err != nil {
		return "", fmt.Errorf("backup verify: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	ok = true
	if err := syncFile(dir); err != nil {
		return "", fmt.Errorf("backup sync dir: %w", err)
	}
	db.log.Info("backup written", "path", final)
	if err := prune(dir, keep); err != nil {
		return final, fmt.Errorf("backup retention: %w", err)
	}
	return final, nil
}

// syncFile fsyncs the file or directory at path.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// verify checks the bbolt file at path fully (see Check).
func verify(path string) error {
	_, err := Check(path, time.Second)
	return err
}

// prune removes all but the newest keep backups in dir. Names sort in time
// order, so the newest are the last.
func prune(dir string, keep int) error {
	if keep < 1 {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && isBackupName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	var errs []error
	for len(names) > keep {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil {
			errs = append(errs, err)
		}
		names = names[1:]
	}
	return errors.Join(errs...)
}

// isBackupName reports whether name is lamtheo-YYYYMMDD-HHMMSS.db.
func isBackupName(name string) bool {
	const prefix, suffix = "lamtheo-", ".db"
	if len(name) != len(prefix)+len(backupLayout)+len(suffix) ||
		name[:len(prefix)] != prefix || name[len(name)-len(suffix):] != suffix {
		return false
	}
	_, err := time.Parse(backupLayout, name[len(prefix):len(name)-len(suffix)])
	return err == nil
}
