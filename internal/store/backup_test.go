package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A backup taken while a writer keeps committing holds every record
// acknowledged before the backup began; restored into another data
// directory it opens, passes the audit chain check, and holds them. (SQLite
// only: PostgreSQL installations use pg_dump.)
func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.Seed(t, db)

	var (
		mu    sync.Mutex
		acked []int64
	)
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	stop, done := make(chan struct{}), make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			x := &partner.Partner{LegalName: fmt.Sprintf("Backup test %d AB", i), Country: "SE", Status: partner.StatusActive}
			if err := db.Partners.Create(ctx, f.Owner, x); err != nil {
				done <- err
				return
			}
			mu.Lock()
			acked = append(acked, x.ID)
			mu.Unlock()
		}
	}()
	waitFor := func(n int) {
		t.Helper()
		for count() < n {
			select {
			case err := <-done:
				t.Fatalf("the writer stopped: %v", err)
			default:
				time.Sleep(time.Millisecond)
			}
		}
	}
	waitFor(30)
	mu.Lock()
	before := append([]int64(nil), acked...)
	mu.Unlock()
	out := filepath.Join(t.TempDir(), "tandem-backup.db")
	info, err := store.Backup(ctx, dir, out)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(len(before) + 30) // the writer went on during and after the backup
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if info.Size == 0 || len(info.SHA256) != 64 || info.SchemaVersion == 0 {
		t.Errorf("backup info %+v", info)
	}

	// A backup never overwrites a file.
	if _, err := store.Backup(ctx, dir, out); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("backup onto an existing file: %v", err)
	}

	restored := t.TempDir()
	got, aside, err := store.Restore(ctx, out, restored, time.Now())
	if err != nil || aside != "" || got.SHA256 != info.SHA256 {
		t.Fatalf("restore into an empty directory: %+v, %q, %v", got, aside, err)
	}
	db2, err := store.Open(ctx, store.Options{DataDir: restored})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	for _, id := range before {
		if _, err := db2.Partners.Get(ctx, f.Owner, id); err != nil {
			t.Fatalf("partner %d, acknowledged before the backup, is missing from it: %v", id, err)
		}
	}
	if brk, n, err := db2.Audit.Verify(ctx); err != nil || brk != nil || n == 0 {
		t.Errorf("audit chain of the restored copy: %+v after %d entries, %v", brk, n, err)
	}

	// Restoring over a database moves it aside with its WAL; the restored
	// one no longer holds what was written after the backup.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	last := acked[len(acked)-1]
	if _, aside, err = store.Restore(ctx, out, dir, time.Now()); err != nil || aside == "" {
		t.Fatalf("restore over the database: %q, %v", aside, err)
	}
	if _, err := os.Stat(aside); err != nil {
		t.Errorf("the replaced database is not kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, store.DBFile+"-wal")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old write-ahead log is still next to the restored database: %v", err)
	}
	db3, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db3.Close()
	if _, err := db3.Partners.Get(ctx, f.Owner, last); tandem.ErrorCode(err) != tandem.ENotFound {
		t.Errorf("partner %d, written after the backup: %v", last, err)
	}
	if _, err := db3.Partners.Get(ctx, f.Owner, before[len(before)-1]); err != nil {
		t.Errorf("the restored database misses partner %d: %v", before[len(before)-1], err)
	}
}

// A file that is not a backup is refused with a reason, and the database
// it would have replaced is untouched.
func TestRestoreRefusesWhatIsNotABackup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	live := filepath.Join(dir, store.DBFile)
	was, err := os.ReadFile(live)
	if err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(junk, []byte("not a database, just notes about one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, key string }{{junk, "backup.not_sqlite"}, {filepath.Join(dir, "missing.db"), "backup.no_file"}} {
		_, _, err := store.Restore(ctx, c.from, dir, time.Now())
		if e, ok := tandem.AsError(err); !ok || string(e.Key) != c.key {
			t.Errorf("restore from %s: %v, want %s", c.from, err, c.key)
		}
	}
	if now, _ := os.ReadFile(live); string(now) != string(was) {
		t.Error("a refused restore changed the database")
	}
	if _, err := store.Backup(ctx, t.TempDir(), filepath.Join(t.TempDir(), "b.db")); tandem.ErrorCode(err) != tandem.ENotFound {
		t.Errorf("backup of an empty directory: %v", err)
	}
}
