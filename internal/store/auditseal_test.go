package store_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// chainOf reads the workspace's chain: how many entries are sealed,
// whether their seqs are exactly 1..sealed (the count, the distinct count
// and the largest all equal, the smallest 1), and how many are unsealed.
func chainOf(t *testing.T, db *store.DB, ws int64) (sealed int, gapless bool, unsealed int) {
	t.Helper()
	var distinct, lo, hi int
	if err := store.QueryRowRaw(db, `SELECT COUNT(seq), COUNT(DISTINCT seq), COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0),
		COUNT(*) - COUNT(seq) FROM events WHERE workspace_id = ?`, ws).Scan(&sealed, &distinct, &lo, &hi, &unsealed); err != nil {
		t.Fatal(err)
	}
	return sealed, distinct == sealed && hi == sealed && (sealed == 0 || lo == 1), unsealed
}

// write makes writers goroutines write each audited entries into p's
// workspace at once (audited exports, each with its own data).
func write(t *testing.T, db *store.DB, p tandem.Principal, writers, each int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := db.Audit.RecordExport(ctx, p, audit.ActionExport, "workspace", p.WorkspaceID,
					map[string]any{"writer": w, "i": i}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// 50 writers into one workspace, then a seal: every entry is sealed once,
// the sequence numbers are 1..N without a gap, and the chain verifies. On
// SQLite the entries were chained as they were written.
func TestSealAfterConcurrentWriters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		var before int
		if err := store.QueryRowRaw(db, `SELECT COUNT(*) FROM events WHERE workspace_id = ?`, f.WorkspaceID).Scan(&before); err != nil {
			t.Fatal(err)
		}
		write(t, db, f.Owner, 50, 6)
		total := before + 300
		n, _, unsealed := chainOf(t, db, f.WorkspaceID)
		win, err := db.Audit.UnsealedOf(ctx, f.Owner)
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect() == "postgres" {
			if unsealed != total || n != 0 || win.Count != total || win.Oldest.IsZero() {
				t.Fatalf("before the seal: %d unsealed, %d sealed, window %+v; want %d unsealed", unsealed, n, win, total)
			}
		} else if unsealed != 0 || n != total || win.Count != 0 {
			t.Fatalf("SQLite: %d unsealed, %d sealed, window %+v; want %d chained", unsealed, n, win, total)
		}
		sealed, err := db.SealAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var all int
		if err := store.QueryRowRaw(db, `SELECT COUNT(*) FROM events`).Scan(&all); err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"postgres": all, "sqlite": 0}[db.Dialect()]; sealed != want {
			t.Errorf("sealed %d entries, want %d", sealed, want)
		}
		if n, gapless, unsealed := chainOf(t, db, f.WorkspaceID); unsealed != 0 || n != total || !gapless {
			t.Fatalf("after the seal: %d unsealed, %d sealed of %d, seqs 1..%d: %v", unsealed, n, total, n, gapless)
		}
		// Each writer's each entry is in the chain once.
		var distinct int
		if err := store.QueryRowRaw(db, `SELECT COUNT(DISTINCT data) FROM events WHERE workspace_id = ? AND action = ?`,
			f.WorkspaceID, audit.ActionExport).Scan(&distinct); err != nil {
			t.Fatal(err)
		}
		if distinct != 300 {
			t.Errorf("%d distinct exports in the chain, want 300", distinct)
		}
		b, checked, err := db.Audit.Verify(ctx)
		if err != nil || b != nil || checked != all {
			t.Fatalf("verify: break %+v, checked %d of %d, %v", b, checked, all, err)
		}
		if again, err := db.SealAudit(ctx); err != nil || again != 0 {
			t.Errorf("a second seal sealed %d (%v)", again, err)
		}
	})
}

// Two instances on one PostgreSQL database seal at once while 50 writers
// write: every entry is sealed by exactly one of them, and the chain has no
// fork or gap.
func TestTwoSealers(t *testing.T) {
	t.Parallel()
	if os.Getenv("TANDEM_TEST_POSTGRES") == "" {
		t.Skip("PostgreSQL only (SQLite chains inline): TANDEM_TEST_POSTGRES is not set")
	}
	url := storetest.CreateDatabase(t)
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(ctx, store.Options{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	f := storetest.Seed(t, dbs[0])
	sctx, stop := context.WithCancel(ctx)
	var sealed [2]int
	var rounds [2]int
	var swg sync.WaitGroup
	sealErrs := make(chan error, 2)
	for i, db := range dbs {
		swg.Add(1)
		go func() {
			defer swg.Done()
			for sctx.Err() == nil {
				n, err := db.SealAudit(ctx)
				if err != nil {
					sealErrs <- fmt.Errorf("sealer %d: %w", i, err)
					return
				}
				sealed[i] += n
				rounds[i]++
			}
		}()
	}
	// Half the writers through each instance.
	var wwg sync.WaitGroup
	for _, db := range dbs {
		wwg.Add(1)
		go func() { defer wwg.Done(); write(t, db, f.Owner, 25, 8) }()
	}
	wwg.Wait()
	stop()
	swg.Wait()
	close(sealErrs)
	for err := range sealErrs {
		t.Fatal(err)
	}
	last, err := dbs[1].SealAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var all int
	if err := store.QueryRowRaw(dbs[0], `SELECT COUNT(*) FROM events`).Scan(&all); err != nil {
		t.Fatal(err)
	}
	if got := sealed[0] + sealed[1] + last; got != all {
		t.Errorf("sealed %d + %d + %d = %d entries, want each of the %d once", sealed[0], sealed[1], last, got, all)
	}
	if rounds[0] == 0 || rounds[1] == 0 {
		t.Errorf("rounds %v: a sealer never ran", rounds)
	}
	// The seed's entries and the 400 written.
	if n, gapless, unsealed := chainOf(t, dbs[0], f.WorkspaceID); unsealed != 0 || n < 400 || !gapless {
		t.Fatalf("%d unsealed, %d sealed, seqs 1..%d: %v", unsealed, n, n, gapless)
	}
	for _, db := range dbs {
		if b, checked, err := db.Audit.Verify(ctx); err != nil || b != nil || checked != all {
			t.Fatalf("verify: break %+v, checked %d of %d, %v", b, checked, all, err)
		}
	}
}

// Only sealing may change an entry: a sealed entry refuses any UPDATE, an
// unsealed one every UPDATE but the seal's, and both refuse DELETE.
func TestSealedEntriesRefuseChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		if _, err := db.SealAudit(ctx); err != nil {
			t.Fatal(err)
		}
		var sealedID int64
		if err := store.QueryRowRaw(db, `SELECT id FROM events WHERE workspace_id = ? AND seq = 2`, f.WorkspaceID).Scan(&sealedID); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`UPDATE events SET data = '{}' WHERE id = ?`,
			`UPDATE events SET seq = 999 WHERE id = ?`,
			`UPDATE events SET hash = 'x', prev_hash = 'y' WHERE id = ?`,
			`DELETE FROM events WHERE id = ?`,
		} {
			if err := storetest.Exec(db, q, sealedID); err == nil {
				t.Errorf("%s of a sealed entry was allowed", q)
			}
		}
		if db.Dialect() != "postgres" {
			return
		}
		// An unsealed entry: its content cannot change, sealed or not, and
		// a seal must set all three of seq, prev_hash and hash.
		if err := db.Audit.RecordExport(ctx, f.Owner, audit.ActionExport, "workspace", f.WorkspaceID, nil); err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := store.QueryRowRaw(db, `SELECT id FROM events WHERE seq IS NULL`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`UPDATE events SET actor = 'mallory' WHERE id = ?`,
			`UPDATE events SET seq = 1000, prev_hash = 'p', hash = 'h', actor = 'mallory' WHERE id = ?`,
			`UPDATE events SET seq = 1000 WHERE id = ?`,
			`DELETE FROM events WHERE id = ?`,
		} {
			if err := storetest.Exec(db, q, id); err == nil {
				t.Errorf("%s of an unsealed entry was allowed", q)
			}
		}
		if n, err := db.SealAudit(ctx); err != nil || n != 1 {
			t.Fatalf("sealed %d, %v", n, err)
		}
		if b, _, err := db.Audit.Verify(ctx); err != nil || b != nil {
			t.Fatalf("verify: %+v %v", b, err)
		}
		// Someone who drops the guard and alters a sealed entry is caught.
		storetest.DropAuditGuards(t, db)
		if err := storetest.Exec(db, `UPDATE events SET data = '{"x":1}' WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		var seq int64
		if err := store.QueryRowRaw(db, `SELECT seq FROM events WHERE id = ?`, id).Scan(&seq); err != nil {
			t.Fatal(err)
		}
		if b, _, err := db.Audit.Verify(ctx); err != nil || b == nil || b.Seq != seq || b.Reason != "altered" {
			t.Fatalf("altered sealed entry %d: %+v %v", seq, b, err)
		}
	})
}

// The unsealed window: how many entries wait, and since when, by the
// store's clock.
func TestUnsealedWindow(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
			clock := storetest.NewClock(t0)
			db := storetest.Open(t, d, clock.Now)
			f := storetest.Seed(t, db)
			if _, err := db.SealAudit(ctx); err != nil {
				t.Fatal(err)
			}
			clock.Add(time.Minute) // the first entry below is written at t0 + 60 s
			for range 3 {
				if err := db.Audit.RecordExport(ctx, f.Owner, audit.ActionExport, "workspace", f.WorkspaceID, nil); err != nil {
					t.Fatal(err)
				}
				clock.Add(time.Second)
			}
			win, err := db.Audit.UnsealedOf(ctx, f.Owner)
			if err != nil {
				t.Fatal(err)
			}
			all, err := db.Audit.Unsealed(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// Now t0 + 63 s; the oldest entry was written at t0 + 60 s: 3.0 s
			// old, 3.05 s when read 50 ms later (rounded up to 3.1).
			now := t0.Add(63 * time.Second)
			if d == "sqlite" {
				if win.Count != 0 || all.Count != 0 || win.AgeTenths(now) != 0 {
					t.Fatalf("SQLite window %+v, %+v", win, all)
				}
				return
			}
			if win.Count != 3 || all.Count != 3 || !win.Oldest.Equal(t0.Add(time.Minute)) ||
				win.AgeTenths(now) != 30 || win.AgeTenths(now.Add(50*time.Millisecond)) != 31 {
				t.Fatalf("window %+v (installation %+v): %d tenths", win, all, win.AgeTenths(now))
			}
			// Another workspace's member sees its own window: empty.
			other := f.Owner
			other.WorkspaceID = f.Other
			if other, err := db.Audit.UnsealedOf(ctx, other); err != nil || other.Count != 0 {
				t.Fatalf("other workspace's window %+v, %v", other, err)
			}
			if n, err := db.SealAudit(ctx); err != nil || n != 3 {
				t.Fatalf("sealed %d, %v", n, err)
			}
			if win, err := db.Audit.UnsealedOf(ctx, f.Owner); err != nil || win.Count != 0 || win.AgeTenths(now) != 0 {
				t.Fatalf("after the seal: %+v, %v", win, err)
			}
		})
	}
}
