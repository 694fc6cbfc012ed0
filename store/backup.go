package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"lamtheo/bot"

	bolt "go.etcd.io/bbolt"
)

// backupLayout is the time layout of backup file names, in UTC.
const backupLayout = "20060102-150405"

// backupTemp is the pattern of the temporary file a backup is written
// to before it is verified and named.
const backupTemp = ".lamtheo-backup-*.tmp"

// Backup writes a consistent copy of the live database into dir (created
// if missing) as lamtheo-YYYYMMDD-HHMMSS.db, named and dated (its
// modification time) by the DB's clock, without blocking writers. The copy
// is synced, checked fully (see Check) and only then given its name; a
// copy that fails the check gives an error wrapping ErrDamaged about the
// data file itself, since the copy holds its pages. Afterwards only the
// newest keep backups in dir are kept (keep < 1 keeps all), newest by
// modification time, and never the new one removed: when the clock stepped
// back, the new backup is the newest though its name and time say
// otherwise. It returns the path of the new backup.
func (db *DB) Backup(dir string, keep int) (string, error) {
	db.closeMu.RLock()
	defer db.closeMu.RUnlock()
	if db.closed {
		return "", ErrClosed
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	now := db.now()
	final := filepath.Join(dir, "lamtheo-"+now.UTC().Format(backupLayout)+".db")
	tmpf, err := os.CreateTemp(dir, backupTemp)
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
	if _, err := Check(tmp, time.Second); err != nil {
		var de *DamagedError
		if errors.As(err, &de) {
			err = &DamagedError{Path: db.path, Reason: "the backup copy of it fails the check: " + de.Reason}
		}
		return "", fmt.Errorf("backup verify: %w", err)
	}
	if err := os.Chtimes(tmp, now, now); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	ok = true
	if err := syncFile(dir); err != nil {
		return "", fmt.Errorf("backup sync dir: %w", err)
	}
	db.log.Info("backup written", bot.LogKeyPath, final)
	if err := prune(dir, keep, final); err != nil {
		return final, fmt.Errorf("backup retention: %w", err)
	}
	return final, nil
}

// backupBeforeUpgrade copies the data file at path, open in bdb but not
// yet upgraded from schema from, into opts.UpgradeBackupDir (the file's
// folder by default) as lamtheo-schemaN-YYYYMMDD-HHMMSS.db, synced, so
// that an upgrade that goes wrong, or a return to the older lamtheo, can
// start again from it ("lamtheo restore" takes it).
func backupBeforeUpgrade(bdb *bolt.DB, path string, from uint32, opts Options) error {
	dir := opts.UpgradeBackupDir
	if dir == "" {
		dir = filepath.Dir(path)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("backup before the schema upgrade: %w", err)
	}
	final := filepath.Join(dir, fmt.Sprintf("lamtheo-schema%d-%s.db", from, opts.Now().UTC().Format(backupLayout)))
	tmp := final + ".tmp"
	err := bdb.View(func(btx *bolt.Tx) error { return btx.CopyFile(tmp, 0o600) })
	if err == nil {
		err = syncFile(tmp)
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err == nil {
		err = syncFile(dir)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup before the schema upgrade: %w", err)
	}
	opts.Log.Info("data file copied before the schema upgrade", bot.LogKeyPath, final, "from", from, "to", schemaVersion)
	return nil
}

// CleanBackupDir removes the temporary files that backups interrupted by a
// kill or a crash left in dir, and returns how many. Call it at start:
// while the DB is open no other lamtheo writes backups of this file, so
// every temporary file there is stale. (One backup directory serves one
// data file: retention could not tell two files' backups apart.)
func (db *DB) CleanBackupDir(dir string) (int, error) {
	tmps, err := filepath.Glob(filepath.Join(dir, backupTemp))
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, t := range tmps {
		if err := os.Remove(t); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if n > 0 {
		db.log.Info("stale backup temporary files removed", "dir", dir, "count", n)
	}
	return n, errors.Join(errs...)
}

// BackupFile is one backup in a backup directory.
type BackupFile struct {
	Path     string
	Modified time.Time // when it was written, by the clock of the DB that wrote it
	Size     int64
}

// Backups lists the backups in dir (files named as Backup names them),
// newest first by modification time, the later name first among equal
// times. A missing dir holds none.
func Backups(dir string) ([]BackupFile, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read backup dir: %w", err)
	}
	var out []BackupFile
	for _, e := range entries {
		if !e.Type().IsRegular() || !isBackupName(e.Name()) {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("read backup dir: %w", err)
		}
		out = append(out, BackupFile{Path: filepath.Join(dir, e.Name()), Modified: info.ModTime(), Size: info.Size()})
	}
	slices.SortFunc(out, func(a, b BackupFile) int {
		if c := b.Modified.Compare(a.Modified); c != 0 {
			return c
		}
		return strings.Compare(b.Path, a.Path)
	})
	return out, nil
}

// NewestVerifiedBackup returns the newest backup in dir (see Backups) that
// passes a full Check, and false when none does. It checks from the newest
// down, so it reads every backup that fails.
func NewestVerifiedBackup(dir string) (BackupFile, bool, error) {
	bs, err := Backups(dir)
	if err != nil {
		return BackupFile{}, false, err
	}
	for _, b := range bs {
		if _, err := Check(b.Path, time.Second); err == nil {
			return b, true, nil
		}
	}
	return BackupFile{}, false, nil
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

// prune removes all but the newest keep backups in dir, by modification
// time, never keep (the one just written).
func prune(dir string, keep int, keepPath string) error {
	if keep < 1 {
		return nil
	}
	bs, err := Backups(dir)
	if err != nil {
		return err
	}
	var errs []error
	kept := 1 // keepPath
	for _, b := range bs {
		if b.Path == keepPath {
			continue
		}
		if kept < keep {
			kept++
			continue
		}
		if err := os.Remove(b.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
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
