package store_test

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
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
