// Package storetest opens fresh Tandem databases for tests: SQLite always,
// and PostgreSQL whenever TANDEM_TEST_POSTGRES holds a URL (each test gets
// its own database, dropped afterwards). With CI=true a missing
// TANDEM_TEST_POSTGRES is a failure, not a skip.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create databases

	"github.com/tandemhq/tandem/internal/store"
)

// Dialects returns the dialects the storage tests must run on.
func Dialects(t testing.TB) []string {
	t.Helper()
	if os.Getenv("TANDEM_TEST_POSTGRES") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but TANDEM_TEST_POSTGRES is not set: the storage tests must run on PostgreSQL too")
		}
		return []string{"sqlite"}
	}
	return []string{"sqlite", "postgres"}
}

// Each runs fn once per dialect as a parallel subtest, each with a fresh
// database. Code after Each in the calling test runs before the subtests do.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	for _, d := range Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, d, nil))
		})
	}
}

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock forward.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Open opens a fresh database of the dialect ("sqlite" or "postgres"),
// closed (and for PostgreSQL dropped) when the test ends. now may be nil.
// Each test has a database of its own: SQLite in the test's temporary
// directory (a copy of sqliteTemplate), PostgreSQL under a random name.
func Open(t testing.TB, dialect string, now func() time.Time) *store.DB {
	t.Helper()
	ctx := context.Background()
	opts := store.Options{DataDir: t.TempDir(), Now: now, CountStatements: true}
	if dialect == "postgres" {
		opts.URL = CreateDatabase(t)
	} else {
		file, err := sqliteTemplate()
		if err != nil {
			t.Fatalf("migrated SQLite template: %v", err)
		}
		if err := os.WriteFile(filepath.Join(opts.DataDir, sqliteFile), file, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	opened.Store(db, opts)
	t.Cleanup(func() {
		opened.Delete(db)
		db.Close()
	})
	return db
}

// opened are the options Open opened each database with, for Another.
var opened sync.Map // *store.DB → store.Options

// Another opens a second instance on the database of db (which Open
// opened), as another process of the same installation would, closed when
// the test ends: its writes do not wait in the queue of db's writer.
func Another(t testing.TB, db *store.DB) *store.DB {
	t.Helper()
	opts, ok := opened.Load(db)
	if !ok {
		t.Fatal("storetest.Another: the database was not opened by storetest.Open")
	}
	other, err := store.Open(context.Background(), opts.(store.Options))
	if err != nil {
		t.Fatalf("open another instance: %v", err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

// sqliteFile is the name of the SQLite database in the store's data dir.
const sqliteFile = "tandem.db"

// sqliteTemplate returns an empty SQLite database with every migration
// applied, made once per test binary by store.Open: Open copies it, because
// opening a copy takes a few milliseconds where migrating a new file takes
// about a hundred. (The migrations still run here, and the app's tests run
// them on databases of their own.)
var sqliteTemplate = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "tandem-storetest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		return nil, err
	}
	// Closing the last connection checkpoints the WAL into the file and
	// removes it; a WAL left behind would hold part of the schema.
	if err := db.Close(); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, sqliteFile)
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, errors.New("the write-ahead log was not checkpointed on close")
	}
	return os.ReadFile(path)
})

// CreateDatabase creates an empty PostgreSQL database on the server of
// TANDEM_TEST_POSTGRES, drops it when the test ends, and returns its URL.
func CreateDatabase(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("TANDEM_TEST_POSTGRES")
	if admin == "" {
		t.Fatal("TANDEM_TEST_POSTGRES is not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "tandem_test_" + hex.EncodeToString(b)
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := adb.Exec(`CREATE DATABASE ` + name); err != nil {
		adb.Close()
		t.Fatalf("create test database (is PostgreSQL running at TANDEM_TEST_POSTGRES?): %v", err)
	}
	t.Cleanup(func() {
		adb.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		adb.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
