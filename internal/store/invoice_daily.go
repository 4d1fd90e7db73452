package store

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The invoices of many engagements at once, from the daily aggregates: what
// the worth of a month, the portfolio and the board pack show, and
// InvoiceStore.Estimates.

// readDaily reads the engagements of ids that p may see, in one statement
// with their partner's VAT rate, and the inputs of their invoices over
// periods (consecutive, oldest first, in the workspace's zone) for those
// invoiced, in a fixed number of statements.
func readDaily(ctx context.Context, q querier, p tandem.Principal, ids []int64, periods []kpi.Period) ([]engagement.Engagement, *dailyInputs, error) {
	type withVAT struct {
		e   engagement.Engagement
		vat int
	}
	var w where
	engagementScope(&w, p)
	w.add("e.id IN ("+placeholders(len(ids))+")", anyArgs(ids...)...)
	rows, err := scanAll(ctx, q, func(r scanner, x *withVAT) error {
		return scanEngagement(scanPlus{r, []any{&x.vat}}, &x.e)
	}, `SELECT `+engagementCols+`, pa.vat_bp`+engagementFrom+w.String(), w.args...)
	if err != nil {
		return nil, nil, err
	}
	es := make([]engagement.Engagement, len(rows))
	var invoiced []int64
	in := &dailyInputs{vat: map[int64]int{}, rows: map[int64][]dayRow{}, facts: map[int64][]invoice.FactRow{},
		time: map[int64][]invoice.TimeEntry{}, scores: map[int64][]Scorecard{}}
	for i, x := range rows {
		es[i] = x.e
		if invoice.Invoiced(x.e.Status) {
			invoiced = append(invoiced, x.e.ID)
			in.vat[x.e.ID] = x.vat
		}
	}
	if len(invoiced) > 0 {
		loc := periods[0].Start.Location()
		from, to := invoice.DayOf(periods[0].Start, loc), invoice.DayOf(periods[len(periods)-1].End.AddDate(0, 0, -1), loc)
		if err := in.read(ctx, q, p, invoiced, periods, from, to); err != nil {
			return nil, nil, err
		}
	}
	return es, in, nil
}

// dayRow is one day's aggregate of one kind of fact the invoice reads.
type dayRow struct {
	kind      fact.Kind
	day       string
	n, amount int64
}

// dayKey is the key of an engagement's dayRow.
type dayKey struct {
	id   int64
	kind fact.Kind
	day  string
}

// dailyInputs is what the invoices of several engagements for a run of
// periods are computed from, read at once: the daily aggregates of the invoice's
// kinds of fact (and, where the terms price by service, those facts one
// by one), approved time, the months' scorecards, the terms and the VAT
// rates (read with the engagements). An engagement not read (not
// invoiced) has no versions.
type dailyInputs struct {
	versions map[int64][]contract.Version
	vat      map[int64]int
	rows     map[int64][]dayRow
	facts    map[int64][]invoice.FactRow
	time     map[int64][]invoice.TimeEntry
	scores   map[int64][]Scorecard
}

func (in *dailyInputs) read(ctx context.Context, q querier, p tandem.Principal, ids []int64, periods []kpi.Period, from, to string) (err error) {
	if in.versions, err = versionsOf(ctx, q, p, ids); err != nil {
		return err
	}
	// The kinds read fact by fact, by engagement: those of a service its
	// terms price by service.
	byFact := map[int64][]fact.Kind{}
	var factIDs []int64
	var factKinds []fact.Kind
	for _, id := range ids {
		for k, unit := range invoice.ServiceKinds {
			if invoice.ByService(in.versions[id], unit) {
				byFact[id] = append(byFact[id], k)
				if !slices.Contains(factKinds, k) {
					factKinds = append(factKinds, k)
				}
			}
		}
		if len(byFact[id]) > 0 {
			factIDs = append(factIDs, id)
		}
	}
	kinds := make([]any, len(invoice.FactKinds))
	for i, k := range invoice.FactKinds {
		kinds[i] = string(k)
	}
	type aggRow struct {
		id int64
		r  dayRow
	}
	args := append(append(append([]any{p.WorkspaceID}, anyArgs(ids...)...), kinds...), from, to)
	rows, err := scanAll(ctx, q, func(r scanner, x *aggRow) error {
		var kind string
		var day tandem.Date
		if err := r.Scan(&x.id, &kind, dateScan{&day}, &x.r.n, &x.r.amount); err != nil {
			return err
		}
		x.r.kind, x.r.day = fact.Kind(kind), day.String()
		return nil
	}, `SELECT engagement_id, kind, day, n, sum_amount FROM kpi_daily WHERE workspace_id = ? AND engagement_id IN (`+placeholders(len(ids))+`)
		AND kind IN (`+placeholders(len(kinds))+`) AND day >= ? AND day <= ?`, args...)
	if err != nil {
		return err
	}
	if slottedAggregates(q) {
		rows = mergeSlots(rows, func(x aggRow) dayKey { return dayKey{x.id, x.r.kind, x.r.day} },
			func(into *aggRow, x aggRow) { into.r.n, into.r.amount = into.r.n+x.r.n, into.r.amount+x.r.amount })
	}
	for _, x := range rows {
		if !slices.Contains(byFact[x.id], x.r.kind) {
			in.rows[x.id] = append(in.rows[x.id], x.r)
		}
	}
	if len(factIDs) > 0 {
		fs, err := invoiceFactRows(ctx, q, p.WorkspaceID, factIDs, factKinds, from, to)
		if err != nil {
			return err
		}
		for id, xs := range fs {
			in.facts[id] = slices.DeleteFunc(xs, func(r invoice.FactRow) bool { return !slices.Contains(byFact[id], r.Kind) })
		}
	}
	if in.time, err = approvedTimeOf(ctx, q, p, ids, from, to); err != nil {
		return err
	}
	return scoreMany(ctx, q, p, in.versions, periods, in.scores)
}

// input is the input of the invoice of engagement id's period i (per),
// nil for an engagement not read.
func (in *dailyInputs) input(id int64, i int, per kpi.Period, loc *time.Location) *invoice.Input {
	vs, ok := in.versions[id]
	if !ok {
		return nil
	}
	x := &invoice.Input{Period: per, Versions: vs, VATBP: in.vat[id], Time: []invoice.TimeEntry{}}
	first, last := invoice.DayOf(per.Start, loc), invoice.DayOf(per.End.AddDate(0, 0, -1), loc)
	for _, r := range in.rows[id] {
		if r.day >= first && r.day <= last {
			x.AddDay(r.kind, r.day, r.n, r.amount)
		}
	}
	for _, r := range in.facts[id] {
		if r.Day >= first && r.Day <= last {
			x.AddFact(r)
		}
	}
	for _, te := range in.time[id] {
		if te.Day >= first && te.Day <= last {
			x.Time = append(x.Time, te)
		}
	}
	if scs := in.scores[id]; i < len(scs) && scs[i].HasTotal {
		x.Score = &invoice.Score{Ref: "scorecard:" + per.String(), Hundredths: scs[i].Total}
	}
	return x
}

// Estimates computes the invoice of period of each engagement of ids that
// p may see and that is invoiced, from the daily aggregates (readDaily):
// the lines and amounts its draft has (InvoiceStore.Draft) before the
// workflow's adjustments, each line's Refs naming the days
// ("day:KIND:DAY") instead of the facts, which Draft lists. An engagement
// whose terms cannot price the period (none in force, two currencies) is
// left out. It writes nothing; at most 200 engagements a call take a
// fixed number of statements. Client roles and the partner's manager
// (access.InvoicesRead). Errors: EInvalid (period), EForbidden.
func (s *InvoiceStore) Estimates(ctx context.Context, p tandem.Principal, ids []int64, period kpi.Period) (_ map[int64]*invoice.Invoice, err error) {
	defer wrap(&err, "InvoiceStore.Estimates(%d, %s)", len(ids), period)
	if err := access.Can(p, access.InvoicesRead); err != nil {
		return nil, err
	}
	if period.Kind != kpi.Month && period.Kind != kpi.Quarter {
		return nil, invalid("period", "validation.one_of")
	}
	out := map[int64]*invoice.Invoice{}
	for from := 0; from < len(ids); from += overviewBatch {
		es, in, err := readDaily(ctx, s.db, p, ids[from:min(from+overviewBatch, len(ids))], []kpi.Period{period})
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			x := in.input(e.ID, 0, period, period.Start.Location())
			if x == nil {
				continue
			}
			inv, err := estimate(x)
			if err != nil {
				return nil, err
			}
			if inv != nil {
				out[e.ID] = inv
			}
		}
	}
	return out, nil
}

// estimate computes the invoice of in (the worth of a month, Estimates):
// nil without an error when the terms cannot price the period (none in
// force, two currencies).
func estimate(in *invoice.Input) (*invoice.Invoice, error) {
	inv, err := invoice.Compute(*in)
	switch {
	case errors.Is(err, invoice.ErrNoTerms), errors.Is(err, invoice.ErrPeriod), errors.Is(err, invoice.ErrCurrencyMix):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return inv, nil
}
