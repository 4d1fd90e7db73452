package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/invoice"
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
// draft engagement is not invoiced.
//
// With the history (a clock), the sales engagement's invoices then live as
// they would have (lifecycle), each step taken by its person a few days
// after the month ended: the oldest month is approved, issued, paid and
// corrected by a credit note of part of its fixed fee; the second has a
// line disputed by the partner's manager and the dispute rejected; the
// third has part of its fixed fee withheld, released onto the fourth month
// (while that one is still a draft); the fourth and the older ones are paid,
// the fifth is issued and awaits payment, the last is a draft awaiting
// review.

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
	var life *lifecycle
	if clk != nil {
		if life, err = newLifecycle(ctx, db, clk, ids, loc); err != nil {
			return err
		}
	}
	for _, j := range jobs {
		end := j.period.End
		if !done[end] {
			done[end] = true
			if clk != nil {
				clk.Set(end.Add(invoiceHour))
			}
			if _, err := db.Invoices().DraftEnded(ctx, end, end.Add(time.Second)); err != nil {
				return fmt.Errorf("invoices of %s: %w", j.period, err)
			}
		}
		if life != nil && j.engagement == life.id {
			if err := life.step(j.period); err != nil {
				return fmt.Errorf("the life of the sales invoice of %s: %w", j.period, err)
			}
		}
	}
	return nil
}

// lifecycle takes the sales engagement's invoices through the workflow,
// month by month (see invoices).
type lifecycle struct {
	ctx           context.Context
	db            *store.DB
	clk           *Clock
	loc           *time.Location
	id            int64
	client        tandem.Principal // the client's manager: approves, decides, issues, withholds, credits
	partner       tandem.Principal // the partner's manager: disputes
	n             int              // months done
	withheldLabel string
	withholding   int64
}

func newLifecycle(ctx context.Context, db *store.DB, clk *Clock, ids *loaded, loc *time.Location) (*lifecycle, error) {
	l := &lifecycle{ctx: ctx, db: db, clk: clk, loc: loc, id: ids.engagements[salesTitle]}
	var err error
	if l.client, err = db.Accounts.Principal(ctx, ids.users[johan], ids.workspace); err != nil {
		return nil, err
	}
	if l.partner, err = db.Accounts.Principal(ctx, ids.users[kadri], ids.workspace); err != nil {
		return nil, err
	}
	return l, nil
}

// at sets the clock days after the period's end (ten in the morning).
func (l *lifecycle) at(p kpi.Period, days int) string {
	t := p.End.AddDate(0, 0, days).Add(10 * time.Hour)
	l.clk.Set(t)
	return t.In(l.loc).Format(time.DateOnly)
}

// line is the invoice's first line of kind (and whether there is one).
func line(x *store.Invoice, kinds ...string) (invoice.Line, bool) {
	for _, k := range kinds {
		for _, ln := range x.Lines {
			if ln.Kind == k && ln.AmountMinor > 0 {
				return ln, true
			}
		}
	}
	return invoice.Line{}, false
}

// step takes the invoice of period, the next of the sales engagement's
// months, through its part of the story.
func (l *lifecycle) step(p kpi.Period) error {
	k, label, inv := l.n, p.String(), l.db.Invoices()
	l.n++
	if k > 4 {
		return nil // the last month: a draft awaiting review
	}
	x, err := inv.Get(l.ctx, l.client, l.id, label)
	if err != nil {
		return err
	}
	fixed, ok := line(x, invoice.KindFixed)
	if !ok {
		return fmt.Errorf("no fixed fee on %s", label)
	}
	switch k {
	case 1: // a line disputed by the partner, the dispute rejected
		disputed, _ := line(x, invoice.KindResult, invoice.KindFixed)
		l.at(p, 1)
		id, err := inv.Dispute(l.ctx, l.partner, l.id, label, invoice.LineKey(disputed),
			"Two meetings were held in the last days of the month and belong to this invoice.")
		if err != nil {
			return err
		}
		l.at(p, 2)
		if err := inv.DecideDispute(l.ctx, l.client, l.id, label, id, false, 0,
			"Both meetings were accepted in the following month; they are on its invoice."); err != nil {
			return err
		}
	case 2: // part of the fixed fee withheld
		l.at(p, 2)
		id, err := inv.Withhold(l.ctx, l.client, l.id, label, invoice.LineKey(fixed), fixed.AmountMinor/10,
			"The weekly pipeline report was not delivered in the last two weeks.")
		if err != nil {
			return err
		}
		l.withheldLabel, l.withholding = label, id
	case 3: // the withholding released onto this month's draft
		l.at(p, 1)
		if _, err := inv.Release(l.ctx, l.client, l.id, l.withheldLabel, l.withholding); err != nil {
			return err
		}
	}
	l.at(p, 3)
	if err := inv.Approve(l.ctx, l.client, l.id, label); err != nil {
		return err
	}
	if _, err := inv.Issue(l.ctx, l.client, l.id, label); err != nil {
		return err
	}
	if k == 4 {
		return nil // issued, awaiting payment
	}
	if err := inv.MarkPaid(l.ctx, l.client, l.id, label, l.at(p, 12)); err != nil {
		return err
	}
	if k == 0 { // a credit note of part of the fixed fee
		l.at(p, 15)
		if _, err := inv.CreditLines(l.ctx, l.client, l.id, label, []invoice.CreditLine{{LineKey: invoice.LineKey(fixed),
			AmountMinor: fixed.AmountMinor / 20}}, "Two working days without an agent on the calls, agreed with NordCall."); err != nil {
			return err
		}
	}
	return nil
}
