package store_test

import (
	"slices"
	"testing"

	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A batch of logged calls on PostgreSQL is two round trips whatever its
// size (pgbatch.go): BEGIN with the batch lock and the accounts the calls
// are logged on, then the activities, their last calls, the audit
// entries, the facts and their aggregates with COMMIT. What the calls
// wrote is all there: the activities, the facts counted by hand, the
// audit chain.
func TestPGBatchRoundTrips(t *testing.T) {
	t.Parallel()
	if !slices.Contains(storetest.Dialects(t), "postgres") {
		t.Skip("PostgreSQL only; set TANDEM_TEST_POSTGRES")
	}
	b := newActivityBase(t, "postgres")
	db, f := b.db, b.f
	logCall := func() error {
		return db.Sales().LogActivity(ctx, f.VendorAgent, call(b.mine, sales.OutcomeNoAnswer, 30), store.LogOptions{})
	}
	// The first call takes the ids of the activities' pool (one more round
	// trip); the batches below find ids left.
	if err := logCall(); err != nil {
		t.Fatal(err)
	}
	calls := count(t, db, `SELECT COUNT(*) FROM sales_activities WHERE kind = 'call'`)
	facts := count(t, db, `SELECT COUNT(*) FROM facts WHERE kind = 'sales.call_made'`)
	for _, n := range []int{1, 10} {
		writes := make([]func() error, n)
		for i := range writes {
			writes[i] = logCall
		}
		before := store.BatchTrips(db)
		for i, err := range batchOf(db, writes...) {
			if err != nil {
				t.Fatalf("call %d of %d: %v", i, n, err)
			}
		}
		if got := store.BatchTrips(db) - before; got != 2 {
			t.Errorf("a batch of %d calls took %d round trips, want 2", n, got)
		}
		calls, facts = calls+n, facts+n
		if got := count(t, db, `SELECT COUNT(*) FROM sales_activities WHERE kind = 'call'`); got != calls {
			t.Errorf("%d calls stored, want %d", got, calls)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM facts WHERE kind = 'sales.call_made'`); got != facts {
			t.Errorf("%d call facts stored, want %d", got, facts)
		}
	}
	verifyClean(t, db)
	chainIntact(t, db)
}

// A batch of values of one period entered again on PostgreSQL: BEGIN with
// the batch lock; the first value's definition with the period's lock,
// the period's values and the counted fact under its lock (valuesknown.go:
// the values after it read nothing); then the values, their replaced
// ones, the fact's change — checked by the server, not read back
// (tandem_expect_rows) — the audit entries and the aggregates with
// COMMIT: five round trips whatever the batch's size. The value that
// counts at the end is the last entered, and the KPI verifies.
func TestPGValueBatchRoundTrips(t *testing.T) {
	t.Parallel()
	if !slices.Contains(storetest.Dialects(t), "postgres") {
		t.Skip("PostgreSQL only; set TANDEM_TEST_POSTGRES")
	}
	db, f := manualBase(t, "postgres")
	march, _ := tandem.ParseDate("2026-03-01")
	enter := func(v int64) func() error {
		return func() error {
			return db.OwnMetrics.Enter(ctx, f.Manager, &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction",
				PeriodKind: "month", PeriodStart: march, Value: v, Scale: 1})
		}
	}
	// The first value takes the ids of the values' pool (one more round
	// trip); the batches below find ids left.
	if err := enter(40)(); err != nil {
		t.Fatal(err)
	}
	last := int64(40)
	for _, n := range []int{1, 10} {
		writes := make([]func() error, n)
		for i := range writes {
			last = int64(50 + 10*n + i)
			writes[i] = enter(last)
		}
		before := store.BatchTrips(db)
		for i, err := range batchOf(db, writes...) {
			if err != nil {
				t.Fatalf("value %d of %d: %v", i, n, err)
			}
		}
		if got := store.BatchTrips(db) - before; got != 5 {
			t.Errorf("a batch of %d values took %d round trips, want 5", n, got)
		}
	}
	if got := count(t, db, `SELECT COUNT(*) FROM manual_values WHERE metric = 'satisfaction' AND state = 'confirmed' AND value = ?`, last); got != 1 {
		t.Errorf("%d counted values of %d, want 1", got, last)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM manual_values WHERE metric = 'satisfaction' AND state = 'confirmed'`); got != 1 {
		t.Errorf("%d values count for March, want 1", got)
	}
	verifyClean(t, db)
	chainIntact(t, db)
}
