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
// that ended in the six months of the history, computed and stored by the
// scheduled work (InvoiceStore.DraftEnded) as it would have run —
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
	// The scheduled work computes and stores each period's drafts (a read,
	// InvoiceStore.Draft, stores nothing): run it once per period end.
	done := map[time.Time]bool{}
	for _, j := range jobs {
		end := j.period.End
		if done[end] {
			continue
		}
		done[end] = true
		if clk != nil {
			clk.Set(end.Add(invoiceHour))
		}
		if _, err := db.Invoices().DraftEnded(ctx, end, end.Add(time.Second)); err != nil {
			return fmt.Errorf("invoices of %s: %w", j.period, err)
		}
	}
	return nil
}
