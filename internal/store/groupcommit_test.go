package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/knowledge"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// count runs a COUNT(*) query.
func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := store.QueryRowRaw(db, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// chainIntact checks that the audit chain verifies, entry by entry.
func chainIntact(t *testing.T, db *store.DB) {
	t.Helper()
	b, n, err := db.Audit.Verify(ctx)
	if err != nil || b != nil {
		t.Fatalf("audit chain: break %+v, %v", b, err)
	}
	if all := count(t, db, `SELECT COUNT(*) FROM events`); n != all {
		t.Fatalf("audit verify checked %d entries of %d", n, all)
	}
}

func TestGroupCommitManyWriters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		commits := store.Commits(db)
		// The writer's first batch waits for all 50 writers' first
		// creation: one COMMIT for those 50, at most one each for the
		// other 150.
		store.HoldNextBatch(db, 50)
		var wg sync.WaitGroup
		var failed atomic.Int64
		for g := range 50 {
			wg.Go(func() {
				for i := range 4 {
					x := &partner.Partner{LegalName: fmt.Sprintf("GC %d-%d", g, i), Country: "SE"}
					if err := db.Partners.Create(ctx, f.Owner, x); err != nil {
						failed.Add(1)
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if failed.Load() > 0 {
			return
		}
		if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name LIKE 'GC %'`); n != 200 {
			t.Fatalf("%d partners, want 200", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM events e JOIN partners p ON e.entity = 'partner' AND e.entity_id = p.id
			WHERE e.action = 'partner.created' AND p.legal_name LIKE 'GC %'`); n != 200 {
			t.Fatalf("%d audit entries of the creations, want 200", n)
		}
		chainIntact(t, db)
		if n := store.Commits(db) - commits; n > 151 || n < 1 {
			t.Fatalf("%d COMMITs for 200 creations, want 1 to 151", n)
		}
	})
}

// batchOf runs the writes one after the other onto the writer, held
// until all are queued, so that they run in one transaction in this order,
// and returns what each returned.
func batchOf(db *store.DB, writes ...func() error) []error {
	store.HoldNextBatch(db, len(writes))
	base := store.Submitted(db)
	errs := make([]error, len(writes))
	var wg sync.WaitGroup
	for i, w := range writes {
		wg.Go(func() { errs[i] = w() })
		store.WaitSubmitted(db, base+int64(i)+1)
	}
	wg.Wait()
	return errs
}

// partnerNamed creates a partner of that name as p.
func partnerNamed(db *store.DB, p tandem.Principal, name string) func() error {
	return func() error {
		return db.Partners.Create(ctx, p, &partner.Partner{LegalName: name, Country: "SE"})
	}
}

func TestGroupCommitFailedJobRollsBackAlone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		commits := store.Commits(db)
		boom := errors.New("boom")
		cctx, counter := store.WithStatementCounter(ctx)
		errs := batchOf(db,
			func() error {
				return db.Partners.Create(cctx, f.Owner, &partner.Partner{LegalName: "GC before", Country: "SE"})
			},
			func() error {
				return store.Write(ctx, db, f.Owner, func(w store.TestTx) error {
					if err := w.Audit("test.failed_job"); err != nil {
						return err
					}
					return boom
				})
			},
			partnerNamed(db, f.Owner, "GC after"))
		if errs[0] != nil || !errors.Is(errs[1], boom) || errs[2] != nil {
			t.Fatalf("errors %v, want nil, boom, nil", errs)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name IN ('GC before', 'GC after')`); n != 2 {
			t.Fatalf("%d of the two partners stored", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM events WHERE action = 'test.failed_job'`); n != 0 {
			t.Fatalf("the failed job's audit entry was kept")
		}
		// The failed job advanced the chain's head before it was rolled
		// back: the entry after it must follow the one before it.
		chainIntact(t, db)
		// The batched creation counts its BEGIN and COMMIT, not the
		// savepoints: statement budgets are what they were. (On
		// PostgreSQL its INSERT is kept for the batch's end, counted for
		// no request, and the ids it takes may be in the pool already.)
		texts := counter.Texts()
		if len(texts) < 2 || texts[0] != "BEGIN" || texts[len(texts)-1] != "COMMIT" || strings.Contains(strings.Join(texts, "\n"), "SAVEPOINT") {
			t.Fatalf("statements counted: %q", texts)
		}
		if n := store.Commits(db) - commits; n != 1 {
			t.Fatalf("%d COMMITs, want 1", n)
		}
	})
}

// A batch runs without savepoints until a job fails: then the jobs before
// the failed one are rolled back with it and run again (carefully, each in
// a savepoint), those after it run once, and each write is kept once.
func TestGroupCommitRunsAgainOnlyAfterAFailure(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		runs := make([]int, 4)
		job := func(i int, err error) func() error {
			return func() error {
				return store.Write(ctx, db, f.Owner, func(w store.TestTx) error {
					runs[i]++
					if err := w.Audit(fmt.Sprintf("test.job%d", i)); err != nil {
						return err
					}
					return err
				})
			}
		}
		boom := errors.New("boom")
		commits := store.Commits(db)
		errs := batchOf(db, job(0, nil), job(1, nil), job(2, boom), job(3, nil))
		if errs[0] != nil || errs[1] != nil || !errors.Is(errs[2], boom) || errs[3] != nil {
			t.Fatalf("errors %v, want nil, nil, boom, nil", errs)
		}
		if !slices.Equal(runs, []int{2, 2, 1, 1}) {
			t.Fatalf("runs %v, want [2 2 1 1]", runs)
		}
		for i, want := range []int{1, 1, 0, 1} {
			if n := count(t, db, `SELECT COUNT(*) FROM events WHERE action = ?`, fmt.Sprintf("test.job%d", i)); n != want {
				t.Errorf("job %d: %d audit entries, want %d", i, n, want)
			}
		}
		if n := store.Commits(db) - commits; n != 1 {
			t.Fatalf("%d COMMITs, want 1", n)
		}
		// Without a failure every job runs once.
		clear(runs)
		if errs := batchOf(db, job(0, nil), job(1, nil), job(3, nil)); errs[0] != nil || errs[1] != nil || errs[2] != nil {
			t.Fatalf("errors %v", errs)
		}
		if !slices.Equal(runs, []int{1, 1, 0, 1}) {
			t.Fatalf("runs %v, want [1 1 0 1]", runs)
		}
		chainIntact(t, db)
	})
}

// A job run again starts from its inputs, not from what its rolled-back
// run left in them: a knowledge page created, then edited, each in a batch
// whose later job fails, is created once and edited from version 1 to 2
// (before, the second run took the rolled-back run's id for an existing
// page, and an edit counted its version up twice and conflicted).
func TestGroupCommitRunAgainStartsFromItsInputs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		kb := db.Knowledge()
		boom := errors.New("boom")
		fails := func() error {
			return store.Write(ctx, db, f.Owner, func(store.TestTx) error { return boom })
		}
		page := &knowledge.Page{EngagementID: f.A1, Area: "CRM", Title: "Lead routing", Body: "1. New lead"}
		errs := batchOf(db, func() error { return kb.Save(ctx, f.Manager, page) }, fails)
		if errs[0] != nil || !errors.Is(errs[1], boom) {
			t.Fatalf("create: errors %v", errs)
		}
		if page.ID == 0 || page.Version != 1 {
			t.Fatalf("created %+v", page)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM knowledge_pages WHERE title = 'Lead routing'`); n != 1 {
			t.Fatalf("%d pages, want 1", n)
		}
		edit := &knowledge.Page{ID: page.ID, Version: 1, Area: "CRM", Title: "Lead routing", Body: "1. New lead\n2. Call"}
		errs = batchOf(db, func() error { return kb.Save(ctx, f.Manager, edit) }, fails)
		if errs[0] != nil || !errors.Is(errs[1], boom) || edit.Version != 2 {
			t.Fatalf("edit: errors %v, version %d", errs, edit.Version)
		}
		if n := count(t, db, `SELECT version FROM knowledge_pages WHERE id = ?`, page.ID); n != 2 {
			t.Fatalf("stored version %d, want 2", n)
		}
	})
}

func TestGroupCommitPanicRaisedInCaller(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		commits := store.Commits(db)
		var raised any
		errs := batchOf(db,
			partnerNamed(db, f.Owner, "GC before"),
			func() error {
				defer func() { raised = recover() }()
				return store.Write(ctx, db, f.Owner, func(w store.TestTx) error {
					if err := w.Audit("test.panicked_job"); err != nil {
						return err
					}
					panic("gc test panic")
				})
			},
			partnerNamed(db, f.Owner, "GC after"))
		if raised != "gc test panic" {
			t.Fatalf("the caller recovered %v, want the job's panic", raised)
		}
		if errs[0] != nil || errs[1] != nil || errs[2] != nil {
			t.Fatalf("errors %v", errs)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name IN ('GC before', 'GC after')`); n != 2 {
			t.Fatalf("%d of the two partners stored", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM events WHERE action = 'test.panicked_job'`); n != 0 {
			t.Fatalf("the panicked job's audit entry was kept")
		}
		chainIntact(t, db)
		if n := store.Commits(db) - commits; n != 1 {
			t.Fatalf("%d COMMITs, want 1", n)
		}
	})
}

func TestGroupCommitCanceledCallers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		commits := store.Commits(db)
		gone, cancelGone := context.WithCancel(ctx)
		leaving, leave := context.WithCancel(ctx)
		defer leave()
		var wrote bool
		errs := batchOf(db,
			partnerNamed(db, f.Owner, "GC first"),
			// Canceled while waiting for its turn: answered unrun.
			func() error {
				cancelGone()
				return store.Write(gone, db, f.Owner, func(w store.TestTx) error {
					return w.Audit("test.gone_job")
				})
			},
			// Canceled between its statements: the next one fails, and
			// only this job is rolled back.
			func() error {
				return store.Write(leaving, db, f.Owner, func(w store.TestTx) error {
					if err := w.Audit("test.leaving_job"); err != nil {
						return err
					}
					wrote = true
					leave()
					return w.Audit("test.leaving_job")
				})
			},
			partnerNamed(db, f.Owner, "GC last"))
		if errs[0] != nil || !errors.Is(errs[1], context.Canceled) || !errors.Is(errs[2], context.Canceled) || errs[3] != nil {
			t.Fatalf("errors %v, want nil, canceled, canceled, nil", errs)
		}
		if !wrote {
			t.Fatal("the leaving job's first statement did not run")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name IN ('GC first', 'GC last')`); n != 2 {
			t.Fatalf("%d of the two partners stored", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM events WHERE action LIKE 'test.%'`); n != 0 {
			t.Fatalf("%d audit entries of the canceled jobs kept", n)
		}
		chainIntact(t, db)
		if n := store.Commits(db) - commits; n != 1 {
			t.Fatalf("%d COMMITs, want 1", n)
		}
	})
}

// Closing the database while writers are busy: the writes already handed
// over finish, the later ones fail, nobody hangs, and exactly the
// acknowledged writes are there when it is opened again.
func TestGroupCommitClose(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.Seed(t, db)
	var done atomic.Int64
	var wg sync.WaitGroup
	ends := make([]error, 20)
	for g := range ends {
		wg.Go(func() {
			for i := 0; ; i++ {
				if err := partnerNamed(db, f.Owner, fmt.Sprintf("GC %d-%d", g, i))(); err != nil {
					ends[g] = err
					return
				}
				done.Add(1)
			}
		})
	}
	store.WaitSubmitted(db, store.Submitted(db)+100)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for g, err := range ends {
		if !strings.Contains(err.Error(), "closed") {
			t.Errorf("writer %d ended with %v, want the database closed", g, err)
		}
	}
	db, err = store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name LIKE 'GC %'`); n != int(done.Load()) || n < 80 {
		t.Fatalf("%d partners stored, %d acknowledged (at least 80)", n, done.Load())
	}
	chainIntact(t, db)
}

// A caller that leaves while its statement runs must not interrupt it:
// SQLite would roll back the whole transaction, the batch's other jobs
// with it, and PostgreSQL, sent a cancel, would fail the statement and
// with it the transaction. The statement finishes, the job's next one
// fails, and only the job is rolled back. The batch begins with a job that fails at once,
// so that the others run in the careful run, each in a savepoint of its
// own, where the leaving job is rolled back alone.
func TestGroupCommitCallerLeavesDuringStatement(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		commits := store.Commits(db)
		leaving, leave := context.WithCancel(ctx)
		defer leave()
		var firstRuns int
		fails := errors.New("fails at once")
		errs := batchOf(db,
			func() error {
				return store.Write(ctx, db, f.Owner, func(store.TestTx) error { return fails })
			},
			func() error {
				return store.Write(ctx, db, f.Owner, func(w store.TestTx) error {
					firstRuns++
					return w.Audit("first.job")
				})
			},
			func() error {
				return store.Write(leaving, db, f.Owner, func(w store.TestTx) error {
					if err := w.Audit("test.leaving_job"); err != nil {
						return err
					}
					// A write that takes a while: counting to a million.
					go func() {
						time.Sleep(20 * time.Millisecond)
						leave()
					}()
					if err := w.Exec(`UPDATE event_heads SET seq = seq WHERE workspace_id = ? AND 0 < (WITH RECURSIVE c(x) AS
						(SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) SELECT COUNT(*) FROM c)`, f.WorkspaceID); err != nil {
						return err
					}
					<-leaving.Done()
					return w.Audit("test.leaving_job")
				})
			},
			partnerNamed(db, f.Owner, "GC last"))
		if !errors.Is(errs[0], fails) || errs[1] != nil || !errors.Is(errs[2], context.Canceled) || errs[3] != nil {
			t.Fatalf("errors %v, want fails, nil, canceled, nil", errs)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name = 'GC last'`); n != 1 {
			t.Fatal("the last job's partner is missing")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM events WHERE action = 'first.job'`); n != 1 {
			t.Fatalf("%d audit entries of the first job, want 1", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM events WHERE action LIKE 'test.%'`); n != 0 {
			t.Fatalf("%d audit entries of the canceled job kept", n)
		}
		chainIntact(t, db)
		// The batch was not rolled back by SQLite and run again.
		if n := store.Commits(db) - commits; n != 1 || firstRuns != 1 {
			t.Fatalf("%d COMMITs, the first job ran %d times; want 1 and 1", n, firstRuns)
		}
	})
}
