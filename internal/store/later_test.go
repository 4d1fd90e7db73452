package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// A batch of the writer keeps its audit entries, facts and aggregates for
// its end (later.go). A job later in the batch that reads them sees the
// earlier jobs' as if they had committed (75 seconds in the day's
// aggregate after calls of 30 and 45); a job that fails takes only its own
// with it; after the COMMITs the chain verifies, every fact is in its
// aggregates, and the numbers are those worked out by hand: three calls of
// 30, 45 and 60 seconds (the failing job's 1,000 not among them) are
// n = 3, sum 135.
func TestBatchKeepsWritesForItsEnd(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			b := newActivityBase(t, dialect)
			db, f := b.db, b.f
			logCall := func(seconds int64) func() error {
				return func() error {
					return db.Sales().LogActivity(ctx, f.VendorAgent, call(b.mine, sales.OutcomeNoAnswer, seconds), store.LogOptions{})
				}
			}
			var seen [3]int64
			boom := errors.New("boom")
			commits := store.Commits(db)
			// A batch without a failure: the third job reads what the two
			// before it kept.
			errs := batchOf(db,
				logCall(30),
				logCall(45),
				func() error {
					return store.Write(ctx, db, f.Owner, func(w store.TestTx) error {
						var err error
						if seen[0], err = w.QueryInt(`SELECT COUNT(*) FROM facts WHERE engagement_id = ? AND kind = 'sales.call_made'`, f.A1); err != nil {
							return err
						}
						if seen[1], err = w.QueryInt(`SELECT COALESCE(SUM(sum_value), 0) FROM kpi_daily WHERE engagement_id = ? AND kind = 'sales.call_made'`, f.A1); err != nil {
							return err
						}
						seen[2], err = w.QueryInt(`SELECT COUNT(*) FROM events WHERE action = 'sales.activity_logged'`)
						return err
					})
				},
				partnerNamed(db, f.Owner, "Later partner AB"))
			for i, err := range errs {
				if err != nil {
					t.Errorf("first batch, job %d: %v", i, err)
				}
			}
			// On PostgreSQL each job is a transaction of its own, run
			// concurrently: only SQLite's batch runs them in order.
			if dialect == "sqlite" {
				if seen != [3]int64{2, 75, 2} {
					t.Errorf("inside the batch the third job saw %v facts/sum/entries, want [2 75 2]", seen)
				}
				if c := store.Commits(db) - commits; c != 1 {
					t.Errorf("%d COMMITs for the first batch, want 1", c)
				}
			}
			// A batch with a job that keeps an entry and a fact and fails:
			// run again carefully, only that job's go.
			errs = batchOf(db,
				logCall(60),
				func() error {
					return store.Write(ctx, db, f.VendorAgent, func(w store.TestTx) error {
						if err := w.Audit("later.failing_job"); err != nil {
							return err
						}
						if err := w.RecordFact(store.Fact{EngagementID: f.A1, SubjectID: 1, Value: 1000,
							Data: fact.Call{AccountID: b.mine, AgentID: f.VendorAgent.MembershipID, Direction: "out", Outcome: "no_answer"}}); err != nil {
							return err
						}
						return boom
					})
				},
				partnerNamed(db, f.Owner, "Later partner 2 AB"))
			if errs[0] != nil || !errors.Is(errs[1], boom) || errs[2] != nil {
				t.Errorf("second batch: %v, want nil, boom, nil", errs)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM facts WHERE engagement_id = ? AND kind = 'sales.call_made'`, f.A1); n != 3 {
				t.Errorf("%d call facts, want 3", n)
			}
			var n, sum int
			if err := store.QueryRowRaw(db, `SELECT SUM(n), SUM(sum_value) FROM kpi_daily WHERE engagement_id = ? AND kind = 'sales.call_made'`, f.A1).Scan(&n, &sum); err != nil {
				t.Fatal(err)
			}
			if n != 3 || sum != 135 {
				t.Errorf("daily aggregate n=%d sum=%d, want 3 and 135", n, sum)
			}
			if err := store.QueryRowRaw(db, `SELECT SUM(n), SUM(sum_value) FROM kpi_weekly WHERE engagement_id = ? AND kind = 'sales.call_made'`, f.A1).Scan(&n, &sum); err != nil {
				t.Fatal(err)
			}
			if n != 3 || sum != 135 {
				t.Errorf("weekly aggregate n=%d sum=%d, want 3 and 135", n, sum)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM events WHERE action = 'later.failing_job'`); n != 0 {
				t.Errorf("the failing job's entry was kept")
			}
			if n := count(t, db, `SELECT COUNT(*) FROM events WHERE action = 'sales.activity_logged'`); n != 3 {
				t.Errorf("%d entries of logged calls, want 3", n)
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Errorf("kpi verify: %+v, %v", m, err)
			}
			chainIntact(t, db)
		})
	}
}

// Entries kept by a batch are chained onto the head this process last
// wrote; when another process (another store.DB on the file) moved it
// meanwhile, the batch's entries are chained again from the real head
// before they are written: one chain, seqs 1..n, verify clean.
func TestBatchRechainsAfterAnotherWriter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := openAnother(t, store.Options{DataDir: dir})
	f := storetest.Seed(t, a)
	other := openAnother(t, store.Options{DataDir: dir})
	for round := range 3 {
		if err := other.Partners.Create(ctx, f.Owner, &partner.Partner{LegalName: fmt.Sprintf("Other %d AB", round), Country: "SE"}); err != nil {
			t.Fatal(err)
		}
		errs := batchOf(a, partnerNamed(a, f.Owner, fmt.Sprintf("A %d-1 AB", round)),
			partnerNamed(a, f.Owner, fmt.Sprintf("A %d-2 AB", round)), partnerNamed(a, f.Owner, fmt.Sprintf("A %d-3 AB", round)))
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	seqsUnbroken(t, a, f.WorkspaceID)
	chainIntact(t, a)
}

// A kept row the database refuses (here a fact of an engagement that does
// not exist) fails the job that kept it and no other, as when each job
// wrote its rows itself: whether the rows are written at the batch's end
// (on PostgreSQL in the pipeline that ends with COMMIT, pgbatch.go, which
// then never commits) or by another job's statement that names their
// table.
func TestBatchKeptRowRefusedFailsOnlyItsJob(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			keptRowRefused(t, newActivityBase(t, dialect))
		})
	}
}

func keptRowRefused(t *testing.T, b *activityBase) {
	db, f := b.db, b.f
	bad := func() error {
		return store.Write(ctx, db, f.VendorAgent, func(w store.TestTx) error {
			return w.RecordFact(store.Fact{EngagementID: 987654, SubjectID: 1, Value: 1,
				Data: fact.Call{AccountID: b.mine, AgentID: f.VendorAgent.MembershipID, Direction: "out", Outcome: "no_answer"}})
		})
	}
	reader := func() error {
		return store.Write(ctx, db, f.Owner, func(w store.TestTx) error {
			_, err := w.QueryInt(`SELECT COUNT(*) FROM facts`)
			return err
		})
	}
	for _, c := range []struct {
		name   string
		writes []func() error
	}{
		{"written at the batch's end", []func() error{bad, partnerNamed(db, f.Owner, "Innocent 1 AB"), partnerNamed(db, f.Owner, "Innocent 2 AB")}},
		{"written by another job's read", []func() error{bad, reader, partnerNamed(db, f.Owner, "Innocent 3 AB")}},
	} {
		errs := batchOf(db, c.writes...)
		if errs[0] == nil || errs[1] != nil || errs[2] != nil {
			t.Errorf("%s: %v, want an error for the first job only", c.name, errs)
		}
	}
	if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name LIKE 'Innocent %'`); n != 3 {
		t.Errorf("%d of the 3 innocent partners stored", n)
	}
	chainIntact(t, db)
}

// A fact's change kept for the batch's end that finds no fact fails its
// job and no other, and changes nothing: on PostgreSQL the change is
// queued with COMMIT and checked by the server (tandem_expect_rows,
// migration 0052), which then skips the COMMIT, as for a refused row.
func TestBatchKeptFactChangeFindsNoFact(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		gone := func() error {
			return store.Write(ctx, db, f.Owner, func(w store.TestTx) error { return w.KeepFactChange(987654321, 7) })
		}
		errs := batchOf(db, gone, partnerNamed(db, f.Owner, "Unharmed 1 AB"), partnerNamed(db, f.Owner, "Unharmed 2 AB"))
		if errs[0] == nil || !strings.Contains(errs[0].Error(), "the fact") || errs[1] != nil || errs[2] != nil {
			t.Errorf("%v, want the first job to fail on its fact, and only it", errs)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM partners WHERE legal_name LIKE 'Unharmed %'`); n != 2 {
			t.Errorf("%d of the 2 partners stored", n)
		}
		if err := gone(); err == nil {
			t.Error("a batch of the change alone was committed")
		}
		chainIntact(t, db)
	})
}
