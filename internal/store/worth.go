package store

// Is it worth it (package worth): budgets per engagement and month, the
// month's actual cost (its invoice as the draft computation gives it,
// read and never written), its results and recorded revenue, and the
// in-house calculator the client saved.

import (
	"context"
	"errors"
	"slices"

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
// before the month it starts): each month's budget, actual cost (the
// invoice total as the draft computation gives it now, from the terms and
// facts; an issued invoice's stored total), results and recorded revenue;
// and the saved in-house calculator. It writes nothing. Client roles
// (access.WorthRead). Errors: ENotFound, EForbidden.
func (s *WorthStore) Overview(ctx context.Context, p tandem.Principal, engagementID int64, n int) (_ *WorthOverview, err error) {
	defer wrap(&err, "WorthStore.Overview(%d)", engagementID)
	if err := access.Can(p, access.WorthRead); err != nil {
		return nil, err
	}
	n = min(max(n, 1), MaxWorthMonths)
	e, err := engagementIn(ctx, s.db, p, engagementID)
	if err != nil {
		return nil, err
	}
	_, loc, err := workspaceZone(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	out := &WorthOverview{}
	budgets, err := scanAll(ctx, s.db, func(r scanner, m *worth.Month) error {
		m.HasBudget = true
		return r.Scan(&m.Label, &m.BudgetMinor, &m.Currency)
	}, `SELECT period_label, amount_minor, currency FROM budgets WHERE workspace_id = ? AND engagement_id = ?`, p.WorkspaceID, engagementID)
	if err != nil {
		return nil, err
	}
	byLabel := map[string]worth.Month{}
	for _, b := range budgets {
		byLabel[b.Label] = b
	}
	cur := kpi.PeriodOf(kpi.Month, s.db.Now(), loc)
	var periods []kpi.Period
	for per := cur; len(periods) < n; per = per.Prev() {
		if !e.StartsOn.IsZero() && per.String() < e.StartsOn.String()[:7] { // before the month it starts
			break
		}
		periods = append(periods, per)
	}
	slices.Reverse(periods) // oldest first
	var ins []*invoice.Input
	if invoice.Invoiced(e.Status) {
		// The months' inputs in one read: the terms, facts and time once.
		if ins, _, err = invoiceInputsFrom(ctx, s.db, p, engagementID, periods, fromAggregates); err != nil {
			return nil, err
		}
	}
	// Of the months' stored invoices only the status and total: their
	// lines and references are not needed here.
	labels := make([]any, 0, len(periods)+2)
	labels = append(labels, p.WorkspaceID, engagementID)
	for _, per := range periods {
		labels = append(labels, per.String())
	}
	heads, err := scanAll(ctx, s.db, func(r scanner, h *invoiceHead) error {
		return r.Scan(&h.label, &h.status, &h.totalMinor, &h.currency)
	}, `SELECT period_label, status, total_minor, currency FROM invoices WHERE workspace_id = ? AND engagement_id = ?
		AND period_label IN (`+placeholders(len(periods))+`)`, labels...)
	if err != nil {
		return nil, err
	}
	stored := map[string]*invoiceHead{}
	for i := range heads {
		stored[heads[i].label] = &heads[i]
	}
	for i, per := range periods {
		var in *invoice.Input
		if ins != nil {
			in = ins[i]
		}
		m, err := monthWorthOf(per, in, stored[per.String()])
		if err != nil {
			return nil, err
		}
		if b, ok := byLabel[m.Label]; ok {
			m.HasBudget, m.BudgetMinor = true, b.BudgetMinor
			if m.Currency == "" {
				m.Currency = b.Currency
			}
		}
		out.Months = append(out.Months, m)
	}
	c, err := scanOne(ctx, s.db, scanInHouse, `SELECT `+inHouseCols+` FROM inhouse_calcs WHERE workspace_id = ? AND engagement_id = ?`,
		p.WorkspaceID, engagementID)
	switch {
	case err == nil:
		out.InHouse = c
	case !errors.Is(err, tandem.ErrNotFound):
		return nil, err
	}
	return out, nil
}

// invoiceHead is what the worth of a month reads of its stored invoice.
type invoiceHead struct {
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
		m.Count(r.Unit, r.Clawback)
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
