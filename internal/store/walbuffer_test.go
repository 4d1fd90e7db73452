package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// The writer's log gathers a commit's frames into few writes
// (walbuffer.go), and what it writes is what SQLite asked for: a
// transaction of a hundred pages reaches the readers whole at once; one
// larger than the writer's page cache, whose pages SQLite spills to the
// log, reads back and rewrites in place before the commit, reads back
// right; one that spills and then fails leaves nothing; and the database
// opened again from its files (the log recovered) holds exactly the
// committed rows, integrity_check clean each time.
func TestWALWritesGathered(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	f := storetest.Seed(t, db)
	write := func(step func(t store.TestTx) error) error { return store.Write(ctx, db, f.Owner, step) }
	if err := write(func(tx store.TestTx) error {
		return tx.Exec(`CREATE TABLE wal_test (k INTEGER PRIMARY KEY, round INTEGER NOT NULL, v BLOB NOT NULL)`)
	}); err != nil {
		t.Fatal(err)
	}

	// 200 rows of 2,000 bytes: about a hundred pages in one commit.
	asked0, written0 := store.WALWrites(db)
	if err := write(func(tx store.TestTx) error {
		return tx.Exec(`WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 200)
			INSERT INTO wal_test (k, round, v) SELECT k, 1, randomblob(2000) FROM n`)
	}); err != nil {
		t.Fatal(err)
	}
	asked, written := store.WALWrites(db)
	asked, written = asked-asked0, written-written0
	if asked < 200 || written > asked/20 {
		t.Errorf("a commit of ~100 pages: SQLite asked %d writes of the log, %d made; want ≥ 200 gathered into ≤ 1/20", asked, written)
	}
	check := func(when string, rows, round int64) {
		t.Helper()
		n, err := store.QueryInt64s(db, `SELECT x FROM (SELECT 1 AS o, COUNT(*) AS x FROM wal_test
			UNION ALL SELECT 2, COALESCE(SUM(length(v)), 0) FROM wal_test UNION ALL SELECT 3, COALESCE(MIN(round), 0) FROM wal_test
			UNION ALL SELECT 4, COALESCE(MAX(round), 0) FROM wal_test) ORDER BY o`)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if n[0] != rows || n[1] != rows*2000 || n[2] != round || n[3] != round {
			t.Fatalf("%s: rows, bytes, rounds %v; want %d, %d, %d–%d", when, n, rows, rows*2000, round, round)
		}
		var ok string
		if err := db.ReadPool().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
			t.Fatalf("%s: integrity_check %q, %v", when, ok, err)
		}
	}
	check("after the first commit", 200, 1)

	// 12,000 rows of 2,000 bytes (~24 MB, three times the writer's 8 MiB
	// cache), then every row changed again in the same transaction:
	// SQLite spills pages to the log, reads them back and rewrites their
	// frames.
	big := func(round int64) func(tx store.TestTx) error {
		return func(tx store.TestTx) error {
			if err := tx.Exec(`WITH RECURSIVE n(k) AS (SELECT 201 UNION ALL SELECT k + 1 FROM n WHERE k < 12200)
				INSERT INTO wal_test (k, round, v) SELECT k, ?, randomblob(2000) FROM n`, round); err != nil {
				return err
			}
			return tx.Exec(`UPDATE wal_test SET round = ?, v = randomblob(2000)`, round)
		}
	}
	errFail := errors.New("the transaction fails")
	if err := write(func(tx store.TestTx) error {
		if err := big(9)(tx); err != nil {
			return err
		}
		return errFail
	}); !errors.Is(err, errFail) {
		t.Fatalf("a failing spilled transaction: %v", err)
	}
	check("after a spilled transaction failed", 200, 1)
	if err := write(big(2)); err != nil {
		t.Fatal(err)
	}
	check("after a spilled transaction", 12200, 2)

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = store.Open(context.Background(), store.Options{DataDir: dir}); err != nil {
		t.Fatalf("open again from %s: %v", filepath.Join(dir, "tandem.db"), err)
	}
	check("opened again", 12200, 2)
}
