package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// Two store.DBs on one file (a CLI command beside the server: docs/speed.md,
// "a second process writing the same file"). A transaction of the first
// that spills frames to the log and then fails leaves them in the first's
// buffer; the second then commits frames at the same offsets of the log;
// the first's next write must not write its stale frames over them
// (dbShmLock drops them when the write lock is released). Found by a
// review: without it, integrity_check fails and 1,000 of the second's
// rows are gone.
func TestWALBufferTwoWriters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	db1, f := openSeeded(t, dir)
	db2, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	w1 := func(step func(t store.TestTx) error) error { return store.Write(ctx, db1, f.Owner, step) }
	w2 := func(step func(t store.TestTx) error) error { return store.Write(ctx, db2, f.Owner, step) }
	if err := w1(func(tx store.TestTx) error {
		return tx.Exec(`CREATE TABLE two (k INTEGER PRIMARY KEY, who INTEGER NOT NULL, v BLOB NOT NULL)`)
	}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let the checkpointers settle
	errFail := errors.New("fails after spilling")
	if err := w1(func(tx store.TestTx) error {
		if err := tx.Exec(`WITH RECURSIVE n(k) AS (SELECT 1000000 UNION ALL SELECT k + 1 FROM n WHERE k < 1006000)
			INSERT INTO two (k, who, v) SELECT k, 1, randomblob(2000) FROM n`); err != nil {
			return err
		}
		return errFail
	}); !errors.Is(err, errFail) {
		t.Fatal(err)
	}
	// A long reader (an export, a backup) keeps the checkpointers from
	// copying what follows into the database file: the readers below read
	// it from the log.
	long, err := db1.ReadPool().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer long.Rollback()
	var one int
	if err := long.QueryRowContext(ctx, `SELECT COUNT(*) FROM two`).Scan(&one); err != nil {
		t.Fatal(err)
	}
	// The second writer commits 3,000 rows (~6 MB of frames).
	if err := w2(func(tx store.TestTx) error {
		return tx.Exec(`WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 3000)
			INSERT INTO two (k, who, v) SELECT k, 2, zeroblob(2000) FROM n`)
	}); err != nil {
		t.Fatal(err)
	}
	// The first writes one small row.
	if err := w1(func(tx store.TestTx) error { return tx.Exec(`INSERT INTO two (k, who, v) VALUES (5000, 1, x'00')`) }); err != nil {
		t.Fatal(err)
	}
	for i, db := range []*store.DB{db1, db2} {
		var ok string
		if err := db.ReadPool().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
			t.Errorf("db%d: integrity_check %q, %v", i+1, ok, err)
		}
		n, err := store.QueryInt64s(db, `SELECT x FROM (SELECT 1 AS o, COUNT(*) AS x FROM two UNION ALL SELECT 2, COALESCE(SUM(who), 0) FROM two) ORDER BY o`)
		if err != nil || n[0] != 3001 || n[1] != 6001 {
			t.Errorf("db%d: rows, sum(who) %v, %v; want 3001, 6001", i+1, n, err)
		}
	}
}

// Readers check, right after each acknowledged write, that it is there and
// the database is intact, while spilled transactions (some failing) and
// checkpoints run.
func TestWALBufferReadersSeeAcknowledged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, f := openSeeded(t, t.TempDir())
	write := func(step func(t store.TestTx) error) error { return store.Write(ctx, db, f.Owner, step) }
	if err := write(func(tx store.TestTx) error {
		return tx.Exec(`CREATE TABLE rs (k INTEGER PRIMARY KEY, v BLOB NOT NULL)`)
	}); err != nil {
		t.Fatal(err)
	}
	var acked atomic.Int64 // highest key acknowledged
	var next atomic.Int64
	next.Store(1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var failures atomic.Int64
	fail := func(format string, a ...any) {
		if failures.Add(1) < 10 {
			t.Errorf(format, a...)
		}
	}
	// until runs body in n goroutines again and again, until stop is
	// closed or body reports false.
	until := func(n int, body func() bool) {
		for range n {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					if !body() {
						return
					}
				}
			})
		}
	}
	// Small writers: each checks, right after its write returned, that a
	// reader sees it.
	until(8, func() bool {
		k := next.Add(1)
		if err := write(func(tx store.TestTx) error {
			return tx.Exec(`INSERT INTO rs (k, v) VALUES (?, randomblob(500))`, k)
		}); err != nil {
			fail("write %d: %v", k, err)
			return false
		}
		var n int64
		if err := db.ReadPool().QueryRowContext(ctx, `SELECT COUNT(*) FROM rs WHERE k = ?`, k).Scan(&n); err != nil || n != 1 {
			fail("acknowledged %d, a reader sees %d (%v)", k, n, err)
		}
		acked.Store(k)
		return true
	})
	// Checkers.
	until(2, func() bool {
		var ok string
		if err := db.ReadPool().QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&ok); err != nil || ok != "ok" {
			fail("quick_check %q, %v", ok, err)
		}
		time.Sleep(20 * time.Millisecond)
		return true
	})
	// Bulk: spilled transactions, every other one failing.
	errFail := errors.New("fails")
	for i := 0; i < 6; i++ {
		base := 10_000_000 * (i + 1)
		err := write(func(tx store.TestTx) error {
			if err := tx.Exec(fmt.Sprintf(`WITH RECURSIVE n(k) AS (SELECT %d UNION ALL SELECT k + 1 FROM n WHERE k < %d)
				INSERT INTO rs (k, v) SELECT k, randomblob(2000) FROM n`, base, base+5000)); err != nil {
				return err
			}
			if i%2 == 0 {
				return errFail
			}
			return nil
		})
		if i%2 == 0 && !errors.Is(err, errFail) || i%2 == 1 && err != nil {
			t.Fatalf("bulk %d: %v", i, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	runs, tails, _ := store.Checkpoints(db)
	t.Logf("acknowledged up to %d; checkpoints %d, tails %d", acked.Load(), runs, tails)
	var ok string
	if err := db.ReadPool().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check %q, %v", ok, err)
	}
}

// openSeeded opens (creating) the SQLite database in dir, closed at the
// test's end, with the fixture seeded.
func openSeeded(t *testing.T, dir string) (*store.DB, *storetest.Fixture) {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, storetest.Seed(t, db)
}
