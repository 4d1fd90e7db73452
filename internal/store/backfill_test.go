package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// Aggregates recorded before the weekly rollup existed (kpi_weekly empty,
// kpi_daily not) are rolled up when the store opens, so Verify, which
// names a missing weekly row, is clean again after a restart.
func TestWeeklyRollupBackfilledAtOpen(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC))
			opts := store.Options{DataDir: t.TempDir(), Now: clock.Now}
			if dialect == "postgres" {
				opts.URL = storetest.CreateDatabase(t)
			}
			db, err := store.Open(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			f := storetest.Seed(t, db)
			var facts []store.Fact
			for i, day := range []int{2, 3, 10} { // two ISO weeks of March 2026
				facts = append(facts, store.Fact{EngagementID: f.A1, SubjectID: int64(i + 1),
					At: time.Date(2026, 3, day, 12, 0, 0, 0, time.UTC), Value: int64(i), Flag: true,
					Data: fact.Accepted{LeadTimeS: int64(3600 * (i + 1))}})
			}
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil {
				t.Fatal(err)
			}
			if err := storetest.Exec(db, `DELETE FROM kpi_weekly`); err != nil {
				t.Fatal(err)
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m == nil || m.Table != "kpi_weekly" {
				t.Fatalf("without the weekly rows, verify: %v %v", m, err)
			}
			db.Close()
			db, err = store.Open(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Fatalf("after reopening, verify: %v %v", m, err)
			}
		})
	}
}
