package store

// Is it worth it (package worth): budgets per engagement and month, the
// month's actual cost (its invoice as the draft computation gives it,
// read and never written), its results and recorded revenue, and the
// in-house calculator the client saved.

import (
	"context"

	"github.com/tandemhq/tandem/internal/access"
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
// before the month it starts or after the month it ends): each month's budget, actual cost (the
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
	es, in, err := readDaily(ctx, s.db, p, ids, months)
	if err != nil || len(es) == 0 {
		return err
	}
	loc := months[0].Start.Location()
	seen := make([]int64, len(es))
	for i, e := range es {
		seen[i] = e.ID
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
	inHouse := make(map[int64]*worth.InHouse, len(calcs)) // an engagement has at most one
	for i := range calcs {
		inHouse[calcs[i].id] = &calcs[i].c
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
			// Not before the month it starts, nor after it ended.
			if !e.StartsOn.IsZero() && per.String() < e.StartsOn.String()[:7] || afterEnd(&e, per) {
				continue
			}
			m, err := monthWorthOf(per, in.input(e.ID, i, per, loc), stored[key{e.ID, per.String()}])
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
		o.InHouse = inHouse[e.ID]
		out[e.ID] = o
	}
	return nil
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
	inv, err := estimate(in)
	if inv == nil {
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
