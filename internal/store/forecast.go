package store

// The forecast of an engagement's current invoicing period (package
// forecast): the scorecard and the invoice's inputs so far, projected at
// the pace of the period's elapsed business days.

import (
	"context"
	"database/sql"
	"errors"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/forecast"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Forecast is where an engagement's current invoicing period will land.
type Forecast struct {
	EngagementID int64
	Label        string // the period, "2026-11"
	Period       kpi.Period
	Currency     string
	Metrics      []contract.MetricDef // the engagement's own metrics, for the KPIs' names
	forecast.Forecast
}

// Forecast projects the current invoicing period of an engagement (the
// period kind of the terms in force today, in the workspace's time zone):
// each KPI of the period's scorecard and the invoice at the pace of the
// period's elapsed business days on the terms' calendar. It writes
// nothing. Access as Draft (access.InvoicesRead). Errors: EConflict (a
// draft engagement; no terms in force), ENotFound.
func (s *InvoiceStore) Forecast(ctx context.Context, p tandem.Principal, engagementID int64) (_ *Forecast, err error) {
	defer wrap(&err, "InvoiceStore.Forecast(%d)", engagementID)
	if err := access.Can(p, access.InvoicesRead); err != nil {
		return nil, err
	}
	q := s.db
	e, err := loadEngagement(ctx, q, p, engagementID)
	if err != nil {
		return nil, err
	}
	if !invoice.Invoiced(e.Status) {
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("invoices.not_invoiced"))
	}
	_, loc, err := workspaceZone(ctx, q, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	today := tandem.DateOf(now.In(loc))
	v, err := termsInForce(ctx, q, p, engagementID, today)
	if err != nil {
		return nil, err
	}
	kind := v.Terms.Price.Period
	if kind != kpi.Quarter {
		kind = kpi.Month
	}
	period := kpi.PeriodOf(kind, now, loc)
	in, _, err := invoiceInput(ctx, q, p, engagementID, period)
	if err != nil {
		return nil, err
	}
	adj, err := forecastAdjustments(ctx, q, p, engagementID, period.String())
	if err != nil {
		return nil, err
	}
	in.Adjustments = append(in.Adjustments, adj...)
	scs, aggs, err := scorecardsOf(ctx, q, p, engagementID, in.Versions, []kpi.Period{period}, fromAggregates, false)
	if err != nil {
		return nil, err
	}
	fin := forecast.Input{Today: today.String(), Pace: forecast.PaceOf(v.Terms.Calendar, period, today.String()), Invoice: in}
	var defs []contract.MetricDef
	if len(scs) == 1 {
		defs = scs[0].Metrics
		for _, r := range scs[0].Rows {
			m, _ := metric.For(r.KPI.Metric, scs[0].Metrics, period.Kind)
			fin.KPIs = append(fin.KPIs, forecast.KPIIn{KPI: r.KPI, Actual: r.Actual, HasData: r.HasData, Scales: m.Extensive,
				Events: m.Events(aggs[0])})
		}
	}
	f, err := forecast.Project(fin)
	switch {
	case errors.Is(err, invoice.ErrNoTerms), errors.Is(err, invoice.ErrPeriod):
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("invoices.no_terms"))
	case errors.Is(err, invoice.ErrCurrencyMix):
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("invoices.currency_mix"))
	case err != nil:
		return nil, err
	}
	return &Forecast{EngagementID: engagementID, Label: period.String(), Period: period, Currency: f.Measured.Currency, Metrics: defs,
		Forecast: *f}, nil
}

// forecastAdjustments are the adjustments of the period's stored invoice
// while it can still be recomputed (a draft, an approved one): what the
// forecast adds to the invoice it computes. One statement: the invoice's
// status with its adjustments.
func forecastAdjustments(ctx context.Context, q querier, p tandem.Principal, engagementID int64, label string) ([]invoice.Adjustment, error) {
	rows, err := q.query(ctx, `SELECT i.status, a.id, a.kind, a.line_key, a.amount_minor, a.reason, a.ref FROM invoices i
		LEFT JOIN invoice_adjustments a ON a.workspace_id = i.workspace_id AND a.invoice_id = i.id
		WHERE i.workspace_id = ? AND i.engagement_id = ? AND i.period_label = ? ORDER BY a.id`, p.WorkspaceID, engagementID, label)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []invoice.Adjustment
	for rows.Next() {
		var status string
		var id, amount sql.NullInt64
		var kind, key, reason, ref sql.NullString
		if err := rows.Scan(&status, &id, &kind, &key, &amount, &reason, &ref); err != nil {
			return nil, err
		}
		if !invoice.Status(status).Recomputable() || !id.Valid {
			continue
		}
		out = append(out, invoice.Adjustment{ID: id.Int64, Kind: kind.String, LineKey: key.String, AmountMinor: amount.Int64,
			Reason: reason.String, Ref: ref.String})
	}
	return out, rows.Err()
}
