package demo

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// checkInvoices checks the demo's invoices (invoices.go) after a load at
// base: each live engagement has the drafts of the six months before the
// current one that its terms were in force (the outbound sales engagement
// and the customer service desk all six, the CFO pilot those since it
// started, the fair campaign, ended long ago, none), each computed at two
// in the morning after its month ended, its lines adding up to its total
// (none for the sales engagement, whose fixed fee alone is more than 0);
// and computing a draft again now gives the same total (no fact of a
// closed month changed since).
func checkInvoices(t *testing.T, db *store.DB, workspaceID int64, base time.Time) {
	t.Helper()
	ctx := context.Background()
	sys := store.System(workspaceID, "test")
	loc := kpiLoc(t, db, workspaceID)
	es, _, err := db.Engagements.List(ctx, sys, tandem.Page{}, store.EngagementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	months := []kpi.Period{kpi.PeriodOf(kpi.Month, base, loc).Prev()}
	for len(months) < historyMonths {
		months = append(months, months[len(months)-1].Prev())
	}
	found := 0
	for _, e := range es {
		want := 0
		for _, m := range months {
			if e.StartsOn.Time().Before(m.End) && (e.EndsOn.IsZero() || !e.EndsOn.Before(tandem.DateOf(m.Start))) {
				want++
			}
		}
		got := 0
		for _, m := range months {
			x, err := db.Invoices().Get(ctx, sys, e.ID, m.String())
			if err != nil {
				if tandem.ErrorCode(err) != tandem.ENotFound {
					t.Fatal(err)
				}
				continue
			}
			got++
			var sum int64
			for _, l := range x.Lines {
				sum += l.AmountMinor
			}
			if x.Status != invoice.StatusDraft || !x.ComputedAt.Equal(m.End.Add(invoiceHour)) || sum != x.TotalMinor || x.TotalMinor < 0 ||
				(e.Title == salesTitle && x.TotalMinor == 0) {
				t.Errorf("%s %s: %s computed %s, lines %d, total %d", e.Title, m, x.Status, x.ComputedAt, sum, x.TotalMinor)
			}
			if m == months[len(months)/2] {
				again, err := db.Invoices().Draft(ctx, sys, e.ID, m)
				if err != nil || again.TotalMinor != x.TotalMinor {
					t.Errorf("%s %s computed again: %v, %v", e.Title, m, again, err)
				}
			}
		}
		if got != want {
			t.Errorf("%s (from %s, %s): %d invoices in the six months, want %d", e.Title, e.StartsOn, e.Status, got, want)
		}
		found += got
	}
	if found < 2*historyMonths {
		t.Errorf("%d demo invoices", found)
	}
}
