package store

// Is it worth it (package worth): budgets per engagement and month, the
// month's actual cost (its invoice as the draft computation gives it,
// read and never written), its results and recorded revenue, and the
// in-house calculator the client saved.

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
	"github.com/tandemhq/tandem/internal/worth"
)

// WorthStore keeps budgets and in-house calculators and reads what an
// engagement costs and brings.
type WorthStore struct{ db *DB }

// Worth returns the worth store.
func (db *DB) Worth() *WorthStore { return &WorthStore{db} }

// MaxWorthMonths bounds the months Overview reads.
const MaxWorthMonths = 24

// WorthOverview is an engagement's months, oldest first, and its saved
// in-house calculator (nil when none is saved).
type WorthOverview struct {
	Months  []worth.Month
	InHouse *worth.InHouse
}

// Overview reads the last n months of an engagement (1..MaxWorthMonths,
// up to and including the current month in the workspace's time zone, none
// before the month it starts): each month's budget, actual cost (the
// invoice total as the draft computation gives it now, from the terms and
// the daily aggregates of the facts; an issued invoice's stored total),
// results and recorded revenue; and the saved in-house calculator. It
// writes nothing. Client roles (access.WorthRead). Errors: ENotFound,
// EForbidden.
func (s *WorthStore) Overview(ctx context.Context, p tandem.Principal, engagementID int64, n int) (_ *WorthOverview, err error) {
	defer wrap(&err, "WorthStore.Overview(%d)", engagementID)
	os, err := s.Overviews(ctx, p, []int64{engagementID}, n)
	if err != nil {
		return nil, err
	}
	o, ok := os[engagementID]
	if !ok {
		return nil, tandem.ErrNotFound
	}
	return o, nil
}

// Overviews is Overview for several engagements at once — the portfolio's
// and the board pack's rows — in a fixed number of statements whatever
// their number (overviewBatch engagements a read): an id p may not see is
// not in the map.
//
// A month's actual cost is the draft invoice's total computed from each
// day's aggregates (kpi_daily: the count and amount of each kind of fact,
// invoice.Input.AddDay) instead of the facts one by one: the same lines
// and amounts (TestWorthEqualsDrafts), whatever the number of results.
// Accepted deliverables and resolved tickets are read fact by fact only
// where the terms price them by service (invoice.ByService).
func (s *WorthStore) Overviews(ctx context.Context, p tandem.Principal, ids []int64, n int) (_ map[int64]*WorthOverview, err error) {
	defer wrap(&err, "WorthStore.Overviews(%d)", len(ids))
	if err := access.Can(p, access.WorthRead); err != nil {
		return nil, err
	}
	n = min(max(n, 1), MaxWorthMonths)
	_, loc, err := workspaceZone(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	cur := kpi.PeriodOf(kpi.Month, s.db.Now(), loc)
	months := make([]kpi.Period, n)
	for i, per := 0, cur; i < n; i, per = i+1, per.Prev() {
		months[n-1-i] = per // oldest first
	}
	out := map[int64]*WorthOverview{}
	for from := 0; from < len(ids); from += overviewBatch {
		if err := s.overviewsOf(ctx, p, ids[from:min(from+overviewBatch, len(ids))], months, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// overviewBatch is how many engagements Overviews reads at a time.
const overviewBatch = 200

// overviewsOf adds to out the overviews over months (oldest first) of the
// engagements of ids that p may see.
func (s *WorthStore) overviewsOf(ctx context.Context, p tandem.Principal, ids []int64, months []kpi.Period, out map[int64]*WorthOverview) error {
	// The engagements p may see, with their partner's VAT rate.
	type withVAT struct {
		e   engagement.Engagement
		vat int
	}
	var w where
	engagementScope(&w, p)
	w.add("e.id IN ("+placeholders(len(ids))+")", anyArgs(ids...)...)
	rows, err := scanAll(ctx, s.db, func(r scanner, x *withVAT) error {
		return scanEngagement(scanPlus{r, []any{&x.vat}}, &x.e)
	}, `SELECT `+engagementCols+`, pa.vat_bp`+engagementFrom+w.String(), w.args...)
	if err != nil || len(rows) == 0 {
		return err
	}
	es := make([]engagement.Engagement, len(rows))
	seen := make([]int64, 0, len(rows))
	var invoiced []int64
	in := worthInputs{vat: map[int64]int{}, rows: map[int64][]dayRow{}, facts: map[int64][]invoice.FactRow{},
		time: map[int64][]invoice.TimeEntry{}, scores: map[int64][]Scorecard{}}
	for i, x := range rows {
		es[i] = x.e
		seen = append(seen, x.e.ID)
		if invoice.Invoiced(x.e.Status) {
			invoiced = append(invoiced, x.e.ID)
			in.vat[x.e.ID] = x.vat
		}
	}
	loc := months[0].Start.Location()
	from, to := invoice.DayOf(months[0].Start, loc), invoice.DayOf(months[len(months)-1].End.AddDate(0, 0, -1), loc)
	if len(invoiced) > 0 {
		if err := in.read(ctx, s.db, p, invoiced, months, from, to); err != nil {
			return err
		}
	}
	// Budgets, the months' stored invoices (only their status and total)
	// and the saved calculators.
	args := append([]any{p.WorkspaceID}, anyArgs(seen...)...)
	type budget struct {
		id int64
		m  worth.Month
	}
	budgets, err := scanAll(ctx, s.db, func(r scanner, b *budget) error {
		return r.Scan(&b.id, &b.m.Label, &b.m.BudgetMinor, &b.m.Currency)
	}, `SELECT engagement_id, period_label, amount_minor, currency FROM budgets WHERE workspace_id = ? AND engagement_id IN (`+
		placeholders(len(seen))+`) AND period_label >= ? AND period_label <= ?`, append(args, months[0].String(), months[len(months)-1].String())...)
	if err != nil {
		return err
	}
	heads, err := scanAll(ctx, s.db, func(r scanner, h *invoiceHead) error {
		return r.Scan(&h.engagementID, &h.label, &h.status, &h.totalMinor, &h.currency)
	}, `SELECT engagement_id, period_label, status, total_minor, currency FROM invoices WHERE workspace_id = ? AND engagement_id IN (`+
		placeholders(len(seen))+`) AND period_label >= ? AND period_label <= ?`, append(args, months[0].String(), months[len(months)-1].String())...)
	if err != nil {
		return err
	}
	type calc struct {
		id int64
		c  worth.InHouse
	}
	calcs, err := scanAll(ctx, s.db, func(r scanner, x *calc) error {
		return r.Scan(&x.id, &x.c.Country, &x.c.Currency, &x.c.People, &x.c.SalaryMinor, &x.c.EmployerBP, &x.c.OfficeMinor,
			&x.c.HiringMinor, &x.c.TurnoverBP, &x.c.ManagementMinor)
	}, `SELECT engagement_id, `+inHouseCols+` FROM inhouse_calcs WHERE workspace_id = ? AND engagement_id IN (`+placeholders(len(seen))+`)`, args...)
	if err != nil {
		return err
	}
	type key struct {
		id    int64
		label string
	}
	byMonth := map[key]worth.Month{}
	for _, b := range budgets {
		byMonth[key{b.id, b.m.Label}] = b.m
	}
	stored := map[key]*invoiceHead{}
	for i := range heads {
		stored[key{heads[i].engagementID, heads[i].label}] = &heads[i]
	}
	for _, e := range es {
		o := &WorthOverview{}
		for i, per := range months {
			if !e.StartsOn.IsZero() && per.String() < e.StartsOn.String()[:7] { // before the month it starts
				continue
			}
			m, err := monthWorthOf(per, in.month(e.ID, i, per, loc), stored[key{e.ID, per.String()}])
			if err != nil {
				return err
			}
			if b, ok := byMonth[key{e.ID, m.Label}]; ok {
				m.HasBudget, m.BudgetMinor = true, b.BudgetMinor
				if m.Currency == "" {
					m.Currency = b.Currency
				}
			}
			o.Months = append(o.Months, m)
		}
		for i := range calcs {
			if calcs[i].id == e.ID {
				o.InHouse = &calcs[i].c
			}
		}
		out[e.ID] = o
	}
	return nil
}

// dayRow is one day's aggregate of one kind of fact the invoice reads.
type dayRow struct {
	kind      fact.Kind
	day       string
	n, amount int64
}

// worthInputs is what the months' invoices of several engagements are
// computed from, read at once: the daily aggregates of the invoice's
// kinds of fact (and, where the terms price by service, those facts one
// by one), approved time, the months' scorecards, the terms and the VAT
// rates (read with the engagements). An engagement not read (not
// invoiced) has no versions.
type worthInputs struct {
	versions map[int64][]contract.Version
	vat      map[int64]int
	rows     map[int64][]dayRow
	facts    map[int64][]invoice.FactRow
	time     map[int64][]invoice.TimeEntry
	scores   map[int64][]Scorecard
}

func (in *worthInputs) read(ctx context.Context, q querier, p tandem.Principal, ids []int64, months []kpi.Period, from, to string) (err error) {
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
	return scoreMany(ctx, q, p, in.versions, months, in.scores)
}

// month is the input of the invoice of engagement id's month i (per),
// nil for an engagement not read.
func (in *worthInputs) month(id int64, i int, per kpi.Period, loc *time.Location) *invoice.Input {
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

// invoiceHead is what the worth of a month reads of its stored invoice.
type invoiceHead struct {
	engagementID            int64
	label, status, currency string
	totalMinor              int64
}

// monthWorthOf is one month of an engagement, from the month's invoice
// input (nil: an engagement not invoiced) and its stored invoice (nil:
// none): the stored total of an invoice no longer a draft, else the total
// the draft computation gives (nothing written), with the month's results
// and revenue from the same input. A month the terms do not price has no
// actual.
func monthWorthOf(per kpi.Period, in *invoice.Input, stored *invoiceHead) (worth.Month, error) {
	m := worth.Month{Label: per.String()}
	if in == nil {
		return m, nil
	}
	for _, r := range in.Results {
		m.Count(r.Unit, r.N(), r.Clawback)
		if r.Unit == invoice.UnitDeal {
			m.HasRevenue, m.RevenueMinor = true, m.RevenueMinor+r.RevenueMinor
		}
	}
	if stored != nil && !invoice.Status(stored.status).Recomputable() {
		m.HasActual, m.ActualMinor, m.Currency = true, stored.totalMinor, stored.currency
		return m, nil
	}
	inv, err := invoice.Compute(*in)
	switch {
	case errors.Is(err, invoice.ErrNoTerms), errors.Is(err, invoice.ErrPeriod), errors.Is(err, invoice.ErrCurrencyMix):
		return m, nil
	case err != nil:
		return m, err
	}
	m.HasActual, m.ActualMinor, m.Currency = true, inv.TotalMinor, inv.Currency
	return m, nil
}

// SetBudget sets an engagement's budget for a month ("2026-11"), in the
// currency of the terms in force on the month's first day, replacing an
// earlier one. Owners and managers (access.WorthWrite). Errors: EInvalid
// ("month", "amount"), ENotFound, EForbidden.
func (s *WorthStore) SetBudget(ctx context.Context, p tandem.Principal, engagementID int64, month string, amountMinor int64) (err error) {
	defer wrap(&err, "WorthStore.SetBudget(%d, %s)", engagementID, month)
	if err := access.Can(p, access.WorthWrite); err != nil {
		return err
	}
	if err := worth.ValidateBudget(month, amountMinor); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if _, err := engagementIn(ctx, tx, p, engagementID); err != nil {
			return err
		}
		first, err := tandem.ParseDate(month + "-01")
		if err != nil {
			return err
		}
		v, err := termsInForce(ctx, tx, p, engagementID, first)
		if err != nil {
			return err
		}
		cur := v.Terms.Price.Currency
		if _, err := tx.exec(ctx, `INSERT INTO budgets (workspace_id, engagement_id, period_label, amount_minor, currency, set_by, set_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, engagement_id, period_label)
			DO UPDATE SET amount_minor = excluded.amount_minor, currency = excluded.currency, set_by = excluded.set_by, set_at = excluded.set_at`,
			p.WorkspaceID, engagementID, month, amountMinor, cur, p.UserID, tx.now); err != nil {
			return err
		}
		return tx.record(ctx, p, "budget.set", "engagement", engagementID, map[string]any{
			"period": month, "amount_minor": amountMinor, "currency": cur})
	})
}

// SaveInHouse saves an engagement's in-house calculator, replacing the
// one saved before. Owners and managers (access.WorthWrite). Errors:
// EInvalid (fields of worth.InHouse.Validate), ENotFound, EForbidden.
func (s *WorthStore) SaveInHouse(ctx context.Context, p tandem.Principal, engagementID int64, c worth.InHouse) (err error) {
	defer wrap(&err, "WorthStore.SaveInHouse(%d)", engagementID)
	if err := access.Can(p, access.WorthWrite); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if _, err := engagementIn(ctx, tx, p, engagementID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO inhouse_calcs (workspace_id, engagement_id, country, currency, people, salary_minor,
			employer_bp, office_minor, hiring_minor, turnover_bp, management_minor, saved_by, saved_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, engagement_id) DO UPDATE SET
			country = excluded.country, currency = excluded.currency, people = excluded.people, salary_minor = excluded.salary_minor,
			employer_bp = excluded.employer_bp, office_minor = excluded.office_minor, hiring_minor = excluded.hiring_minor,
			turnover_bp = excluded.turnover_bp, management_minor = excluded.management_minor, saved_by = excluded.saved_by,
			saved_at = excluded.saved_at`, p.WorkspaceID, engagementID, c.Country, c.Currency, c.People, c.SalaryMinor, c.EmployerBP,
			c.OfficeMinor, c.HiringMinor, c.TurnoverBP, c.ManagementMinor, p.UserID, tx.now); err != nil {
			return err
		}
		return tx.record(ctx, p, "inhouse.saved", "engagement", engagementID, map[string]any{
			"country": c.Country, "currency": c.Currency, "people": c.People, "salary_minor": c.SalaryMinor,
			"employer_bp": c.EmployerBP, "office_minor": c.OfficeMinor, "hiring_minor": c.HiringMinor,
			"turnover_bp": c.TurnoverBP, "management_minor": c.ManagementMinor})
	})
}

const inHouseCols = `country, currency, people, salary_minor, employer_bp, office_minor, hiring_minor, turnover_bp, management_minor`

func scanInHouse(r scanner, c *worth.InHouse) error {
	return r.Scan(&c.Country, &c.Currency, &c.People, &c.SalaryMinor, &c.EmployerBP, &c.OfficeMinor, &c.HiringMinor, &c.TurnoverBP,
		&c.ManagementMinor)
}
