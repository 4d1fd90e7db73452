package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Backups of a SQLite installation. Everything Tandem keeps — uploaded
// files and recordings included — is in the one database file, so a
// backup is one file: a consistent copy written by SQLite's VACUUM INTO
// from a read transaction, while the server goes on writing (WAL readers
// do not block the writer). What was committed when the copy's read
// transaction began is in it; what commits later is not. A backup is
// checked (integrity check, Tandem's schema) before it is reported done,
// and again before it is restored.
//
// For PostgreSQL, use pg_dump and pg_restore (see the README).

// DBFile is the name of the SQLite database in the data directory.
const DBFile = "tandem.db"

// BackupInfo describes a written or restored backup.
type BackupInfo struct {
	Path          string
	Size          int64
	SHA256        string // hex
	SchemaVersion int
}

// ErrBackupPostgres: backup and restore are for SQLite; PostgreSQL has
// pg_dump.
var ErrBackupPostgres = tandem.Errorf(tandem.EInvalid, i18n.K("backup.postgres"))

// Backup writes a consistent copy of the SQLite database in dataDir to
// out, which must not exist yet. It opens the database without applying
// migrations, so a newer binary never changes a running installation's
// schema by taking a backup.
func Backup(ctx context.Context, dataDir, out string) (_ BackupInfo, err error) {
	defer wrap(&err, "store.Backup")
	src := filepath.Join(dataDir, DBFile)
	if _, err := os.Stat(src); err != nil {
		return BackupInfo{}, tandem.Errorf(tandem.ENotFound, i18n.K("backup.no_database"), "path", src)
	}
	if out == "" {
		return BackupInfo{}, tandem.Errorf(tandem.EInvalid, i18n.K("backup.out_required"))
	}
	if _, err := os.Stat(out); err == nil {
		return BackupInfo{}, tandem.Errorf(tandem.EConflict, i18n.K("backup.out_exists"), "path", out)
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return BackupInfo{}, err
	}
	if err := registerSQLiteFuncs(); err != nil {
		return BackupInfo{}, err
	}
	db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(10000)&_time_format=sqlite")
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, abs); err != nil {
		os.Remove(abs)
		return BackupInfo{}, fmt.Errorf("vacuum into %s: %w", abs, err)
	}
	info, err := checkBackup(ctx, abs)
	if err != nil {
		os.Remove(abs)
		return BackupInfo{}, err
	}
	return info, nil
}

// checkBackup checks that path is an intact SQLite database with Tandem's
// schema and describes it.
func checkBackup(ctx context.Context, path string) (BackupInfo, error) {
	bad := func(key i18n.Key, detail string) error {
		return tandem.Errorf(tandem.EInvalid, key, "path", path, "detail", detail)
	}
	f, err := os.Open(path)
	if err != nil {
		return BackupInfo{}, tandem.Errorf(tandem.ENotFound, i18n.K("backup.no_file"), "path", path)
	}
	defer f.Close()
	head := make([]byte, 16)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "SQLite format 3\x00" {
		return BackupInfo{}, bad(i18n.K("backup.not_sqlite"), "")
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return BackupInfo{}, err
	}
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		return BackupInfo{}, err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	var ok string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil {
		return BackupInfo{}, bad(i18n.K("backup.damaged"), err.Error())
	}
	if ok != "ok" {
		return BackupInfo{}, bad(i18n.K("backup.damaged"), ok)
	}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil || !v.Valid {
		return BackupInfo{}, bad(i18n.K("backup.no_schema"), "")
	}
	return BackupInfo{Path: path, Size: size, SHA256: hex.EncodeToString(h.Sum(nil)), SchemaVersion: int(v.Int64)}, nil
}

// Restore replaces the SQLite database in dataDir with the backup from,
// after checking it. The server must be stopped. The database it replaces
// (with its WAL and shared-memory files) is moved aside, named
// "tandem.db.before-restore-<time>", not deleted; its WAL must not be
// applied to the restored copy. A backup of a newer schema than this
// binary knows is refused. The restored database is migrated the next
// time Tandem opens it.
func Restore(ctx context.Context, from, dataDir string, now time.Time) (_ BackupInfo, aside string, err error) {
	defer wrap(&err, "store.Restore")
	info, err := checkBackup(ctx, from)
	if err != nil {
		return BackupInfo{}, "", err
	}
	if latest := latestMigration(); info.SchemaVersion > latest {
		return BackupInfo{}, "", tandem.Errorf(tandem.EConflict, i18n.K("backup.newer_schema"),
			"version", info.SchemaVersion, "known", latest)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return BackupInfo{}, "", err
	}
	dst := filepath.Join(dataDir, DBFile)
	tmp := dst + ".restoring"
	if err := copyFile(from, tmp); err != nil {
		os.Remove(tmp)
		return BackupInfo{}, "", err
	}
	if _, err := os.Stat(dst); err == nil {
		aside = dst + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		if err := os.Rename(dst, aside); err != nil {
			os.Remove(tmp)
			return BackupInfo{}, "", err
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Rename(dst+suffix, aside+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return BackupInfo{}, "", err
			}
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return BackupInfo{}, "", err
	}
	info.Path = dst
	return info, aside, nil
}

// copyFile copies src to dst and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// latestMigration is the highest migration number this binary has.
func latestMigration() int {
	entries, err := migrations.ReadDir("migrations/sqlite")
	if err != nil {
		return 0
	}
	latest := 0
	for _, e := range entries {
		var n int
		if _, err := fmt.Sscanf(e.Name(), "%04d_", &n); err == nil && n > latest {
			latest = n
		}
	}
	return latest
}
