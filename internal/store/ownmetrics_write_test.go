package store_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Entering a value reads the period's values of one state (who reported
// the pending ones; those to mark replaced): the index reaches them by
// state, not by reading every value the period ever had (migration 0047).
func TestManualValuesReadByState(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect, nil)
			for _, q := range []string{store.PendingReportersQuery, store.ReplaceValuesQuery} {
				args := []any{int64(1), int64(2), "m", "month", "2026-12-01", "pending"}
				if strings.HasPrefix(q, "UPDATE") {
					args = append([]any{"replaced"}, args...)
				}
				var plan []string
				var err error
				if dialect == "postgres" {
					plan, err = store.QueryPlanPG(db, q, args...)
				} else {
					plan, err = store.QueryPlan(db, q, args...)
				}
				if err != nil {
					t.Fatal(err)
				}
				all := strings.Join(plan, "\n")
				byState := strings.Contains(all, "state=?") // SQLite: a term of the index's search
				if dialect == "postgres" {
					// The state in the index's condition, not a filter
					// of what it read.
					byState = false
					for _, line := range plan {
						byState = byState || strings.Contains(line, "Index Cond") && strings.Contains(line, "state = ")
					}
				}
				if !strings.Contains(all, "manual_values_engagement") || !byState {
					t.Errorf("%s:\n%s\nwant manual_values_engagement searched by state", q, all)
				}
			}
		})
	}
}

// A metric's definition comes from terms decoded once per stored text
// and shared: what Definition returns is the caller's own copy — changing
// it changes nothing for the next caller — and it is the one the terms
// hold (bounds included).
func TestMetricDefinitionIsACopy(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			lo, hi := int64(10), int64(50)
			db, f := manualBase(t, dialect, func(terms *contract.Terms) {
				terms.Metrics[0].Min, terms.Metrics[0].Max = &lo, &hi
			})
			march, _ := tandem.ParseDate("2026-03-01")
			for i := range 2 {
				def, err := db.OwnMetrics.Definition(ctx, f.Manager, f.A1, "satisfaction", "month", march)
				if err != nil {
					t.Fatal(err)
				}
				if def.Name != "Satisfaction" || def.Scale != 1 || def.Min == nil || *def.Min != 10 || def.Max == nil || *def.Max != 50 {
					t.Fatalf("call %d: %+v", i, def)
				}
				*def.Min, *def.Max, def.Name = 0, 0, "changed by the caller"
			}
			// Out of the bounds, refused as before.
			v := &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: "month", PeriodStart: march, Value: 51, Scale: 1}
			if err := db.OwnMetrics.Enter(ctx, f.Manager, v); err == nil {
				t.Error("a value above the metric's maximum was entered")
			}
		})
	}
}

// Values of one period entered at the same time, from many connections:
// each entry replaces the one that counted, so all succeed, exactly one
// value counts and one fact stands for it, and the aggregates agree with
// the facts. On PostgreSQL two entries at once used to replace the same
// value, the second finding its fact gone (404).
func TestManualValuesEnteredAtOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db, f := manualBase(t, dialect)
			march, _ := tandem.ParseDate("2026-03-01")
			var wg sync.WaitGroup
			errs := make(chan error, 80)
			for g := range 8 {
				wg.Go(func() {
					for i := range 10 {
						v := &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: "month", PeriodStart: march,
							Value: int64(50 + g*5 + i%5), Scale: 1}
						errs <- db.OwnMetrics.Enter(ctx, f.Manager, v)
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if n := count(t, db, `SELECT COUNT(*) FROM manual_values WHERE engagement_id = ? AND state = 'confirmed'`, f.A1); n != 1 {
				t.Errorf("%d values count, want 1", n)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM facts WHERE engagement_id = ? AND kind LIKE 'manual.%'`, f.A1); n != 1 {
				t.Errorf("%d facts of the period, want 1", n)
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Errorf("kpi verify: %+v, %v", m, err)
			}
		})
	}
}
