package demo

import (
	"context"
	"slices"
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
// closed month changed since). The sales engagement's invoices have lived
// (invoices.go, lifecycle): their statuses, one dispute, one withholding
// and its release, one credit note.
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
	var statuses []invoice.Status
	var disputes, adjusted, credits []string
	released := 0
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
			if e.Title == salesTitle {
				statuses = append(statuses, x.Status)
				for _, d := range x.Disputes {
					disputes = append(disputes, d.Status)
				}
				for _, a := range x.Adjustments {
					adjusted = append(adjusted, a.Kind)
					if a.Kind == invoice.AdjustWithheld && a.ReleasedInto != 0 {
						released++
					}
				}
				for _, c := range x.CreditNotes {
					credits = append(credits, c.Kind)
					if c.TotalMinor >= 0 || len(c.Lines) != 2 || c.Lines[0].Kind != invoice.KindCredit {
						t.Errorf("%s: credit note %+v", m, c)
					}
				}
			} else if x.Status != invoice.StatusDraft || !x.ComputedAt.Equal(m.End.Add(invoiceHour)) {
				t.Errorf("%s %s: %s computed %s", e.Title, m, x.Status, x.ComputedAt)
			}
			if sum != x.TotalMinor || x.TotalMinor < 0 || (e.Title == salesTitle && x.TotalMinor == 0) {
				t.Errorf("%s %s: lines %d, total %d", e.Title, m, sum, x.TotalMinor)
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
	// The sales engagement's six months, latest first (months): a draft
	// awaiting review, one issued awaiting payment, four paid; one dispute,
	// rejected; one withholding, released onto the following month; one
	// credit note.
	want := []invoice.Status{invoice.StatusDraft, invoice.StatusIssued, invoice.StatusPaid, invoice.StatusPaid, invoice.StatusPaid,
		invoice.StatusPaid}
	if !slices.Equal(statuses, want) || !slices.Equal(disputes, []string{invoice.DisputeRejected}) || released != 1 ||
		!slices.Equal(adjusted, []string{invoice.AdjustReleased, invoice.AdjustWithheld}) ||
		!slices.Equal(credits, []string{invoice.CorrectionCredit}) {
		t.Errorf("the sales invoices' life: %v, disputes %v, adjustments %v (%d released), corrections %v", statuses, disputes, adjusted,
			released, credits)
	}
}
