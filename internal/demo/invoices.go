package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The demo's invoices: the drafts of every engagement's invoicing periods
// that ended in the six months of the history, computed through the store
// (InvoiceStore.Draft) as the scheduled work would have computed them —
// with the demo clock at two in the morning after each period ended, so
// that each draft is dated then — from the terms in force and the facts
// the history recorded. A period without terms in force (before an
// engagement started) or after an engagement ended has no invoice; a
// draft engagement is not invoiced. The invoices' later life (review, disputes,
// withholding, issue, credit notes) is not part of the demo yet.

// invoiceHour is when, after a period ends, its draft is computed.
const invoiceHour = 2 * time.Hour

// invoices computes the drafts of the periods (the engagement's terms'
// price.period: month by default, or quarter) that ended in the last
// historyMonths months before the clock's base time, oldest first. With a
// nil clock they are computed at the present time.
func invoices(ctx context.Context, db *store.DB, clk *Clock, ids *loaded) error {
	ws, err := db.Accounts.Workspace(ctx, ids.workspace)
	if err != nil {
		return err
	}
	loc := ws.Location()
	now := time.Now()
	if clk != nil {
		now = clk.Base()
		defer clk.Reset()
	}
	since := historyStart(now, loc)
	sys := store.System(ids.workspace, "demo")
	var engagements []int64
	for _, id := range ids.engagements {
		engagements = append(engagements, id)
	}
	slices.Sort(engagements)
	type job struct {
		engagement int64
		period     kpi.Period
	}
	var jobs []job
	for _, id := range engagements {
		e, err := db.Engagements.Get(ctx, sys, id)
		if err != nil {
			return err
		}
		for _, kind := range []string{kpi.Month, kpi.Quarter} {
			for p := kpi.PeriodOf(kind, now, loc).Prev(); !p.End.Before(since.Add(time.Nanosecond)); p = p.Prev() {
				if !e.EndsOn.IsZero() && e.EndsOn.Before(tandem.DateOf(p.Start)) {
					continue // the engagement had ended: nothing to invoice
				}
				v, err := db.Contracts.InForce(ctx, sys, id, tandem.DateOf(p.End.AddDate(0, 0, -1)))
				if err != nil {
					return fmt.Errorf("terms of engagement %d: %w", id, err)
				}
				if k := v.Terms.Price.Period; k == kind || (k == "" && kind == kpi.Month) {
					jobs = append(jobs, job{id, p})
				}
			}
		}
	}
	slices.SortStableFunc(jobs, func(a, b job) int { return a.period.End.Compare(b.period.End) })
	for _, j := range jobs {
		if clk != nil {
			clk.Set(j.period.End.Add(invoiceHour))
		}
		if _, err := db.Invoices().Draft(ctx, sys, j.engagement, j.period); err != nil {
			if tandem.ErrorCode(err) == tandem.EConflict {
				continue // a draft engagement, or no terms in force during the period
			}
			return fmt.Errorf("invoice of engagement %d for %s: %w", j.engagement, j.period, err)
		}
	}
	return nil
}
