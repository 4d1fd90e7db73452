package store

// The invoice workflow (invoice/workflow.go): disputes, withholding and its
// release, approval, issue with a gap-free number, payment and credit
// notes. Each action brings the draft up to date first (draftIn), asks the
// package invoice to decide, writes, audits and tells the other side, in
// one transaction.

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Adjustment is a stored adjustment of an invoice; a withholding that was
// released names the adjustment that released it (ReleasedInto) and the
// invoice it went onto.
type Adjustment struct {
	invoice.Adjustment
	ReleasedInto int64
}

// CreditNote is a correction of an issued invoice (invoice/corrections.go):
// a credit note (Kind credit, negative amounts) of an amount (no Lines) or
// of chosen lines, or a supplementary invoice (Kind supplement, positive).
type CreditNote struct {
	ID                             int64
	Kind                           string
	Number, Reason, IssuedOn       string
	Series                         string // '' for the workspace's own numbering, else the series a package brought it under
	VATBP                          int
	NetMinor, VATMinor, TotalMinor int64
	Lines                          []invoice.Line // with the VAT line; none for a credit note of an amount
}

func loadAdjustments(ctx context.Context, q querier, p tandem.Principal, invoiceID int64) ([]Adjustment, error) {
	return scanAll(ctx, q, func(r scanner, a *Adjustment) error {
		return r.Scan(&a.ID, &a.Kind, &a.LineKey, &a.AmountMinor, &a.Reason, &a.Ref, &a.ReleasedInto)
	}, `SELECT id, kind, line_key, amount_minor, reason, ref, COALESCE(released_into, 0) FROM invoice_adjustments
		WHERE workspace_id = ? AND invoice_id = ? ORDER BY id`, p.WorkspaceID, invoiceID)
}

// workflowIn loads what the workflow adds to an invoice through q: its
// disputes, adjustments and credit notes, whether the terms in force on
// its last day allow withholding and, once issued, the payment schedule.
func workflowIn(ctx context.Context, q querier, p tandem.Principal, x *Invoice) error {
	last, err := tandem.ParseDate(x.To)
	if err != nil {
		return err
	}
	v, err := termsInForce(ctx, q, p, x.EngagementID, last)
	if err != nil {
		return err
	}
	x.WithholdAllowed = v.Terms.Price.WithholdAllowed
	if x.IssuedOn != "" {
		if x.Schedule, err = invoice.Schedule(x.TotalMinor, v.Terms.Price, x.From, x.IssuedOn); err != nil {
			return err
		}
	}
	if x.ID == 0 {
		return nil
	}
	if x.Disputes, err = scanAll(ctx, q, func(r scanner, d *invoice.Dispute) error {
		return r.Scan(&d.ID, &d.LineKey, &d.Reason, &d.Status, &d.AgreedMinor, &d.Decision)
	}, `SELECT id, line_key, reason, status, agreed_minor, decision FROM invoice_disputes
		WHERE workspace_id = ? AND invoice_id = ? ORDER BY id`, p.WorkspaceID, x.ID); err != nil {
		return err
	}
	if x.Adjustments, err = loadAdjustments(ctx, q, p, x.ID); err != nil {
		return err
	}
	x.CreditNotes, err = scanAll(ctx, q, func(r scanner, c *CreditNote) error {
		var lines string
		if err := r.Scan(&c.ID, &c.Kind, &c.Number, &c.Series, &c.Reason, &c.IssuedOn, &c.VATBP, &c.NetMinor, &c.VATMinor, &c.TotalMinor,
			&lines); err != nil {
			return err
		}
		c.Lines, err = decodeLines(lines)
		return err
	}, `SELECT id, kind, number, series, reason, issued_on, vat_bp, net_minor, vat_minor, total_minor, lines FROM credit_notes
		WHERE workspace_id = ? AND invoice_id = ? ORDER BY id`, p.WorkspaceID, x.ID)
	return err
}

// act runs a workflow action on the invoice of an engagement's period
// (label) in one transaction: the access rule, the engagement loaded for p
// (ENotFound when p may not see it), the draft brought up to date, its
// workflow loaded; then fn.
func (s *InvoiceStore) act(ctx context.Context, p tandem.Principal, rule access.Rule, engagementID int64, label string,
	fn func(tx *Tx, x *Invoice, period kpi.Period, loc *time.Location) error) error {
	if err := access.Can(p, rule); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		e, err := loadEngagement(ctx, tx, p, engagementID)
		if err != nil {
			return err
		}
		if !invoice.Invoiced(e.Status) {
			return tandem.Errorf(tandem.EConflict, i18n.K("invoices.not_invoiced"))
		}
		var tz string
		if err := tx.queryRow(ctx, workspaceZoneSQL, p.WorkspaceID).Scan(&tz); err != nil {
			return err
		}
		loc := kpi.Zone(tz)
		period, ok := invoice.ParsePeriod(label, loc)
		if !ok {
			return tandem.ErrNotFound
		}
		x, err := draftIn(ctx, tx, p, engagementID, period)
		if err != nil {
			return err
		}
		if err := workflowIn(ctx, tx, p, x); err != nil {
			return err
		}
		return fn(tx, x, period, loc)
	})
}

// done audits a workflow step on invoice x and tells the other side.
func done(ctx context.Context, tx *Tx, p tandem.Principal, x *Invoice, step string, byPartner bool, data map[string]any) error {
	data["engagement_id"], data["period"] = x.EngagementID, x.Label
	if err := tx.record(ctx, p, "invoice."+step, "invoice", x.ID, data); err != nil {
		return err
	}
	args := map[string]any{"period": x.Label}
	if x.Number != "" {
		args["number"] = x.Number
	}
	return tell(ctx, tx, p, x.EngagementID, x.ID, invoice.Told(step, byPartner, args))
}

func insertAdjustment(ctx context.Context, tx *Tx, p tandem.Principal, invoiceID int64, a invoice.Adjustment) (int64, error) {
	return tx.insert(ctx, `INSERT INTO invoice_adjustments (workspace_id, invoice_id, kind, line_key, amount_minor, reason, ref,
		created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, invoiceID, a.Kind, a.LineKey, a.AmountMinor,
		a.Reason, a.Ref, p.UserID, tx.now)
}

// Dispute opens a dispute of a draft's line (lineKey, invoice.LineKey)
// with a reason: the partner's manager (access.InvoicesDispute). Errors:
// EInvalid (line, reason), EConflict (not a draft; issued), ENotFound.
func (s *InvoiceStore) Dispute(ctx context.Context, p tandem.Principal, engagementID int64, label, lineKey, reason string) (id int64, err error) {
	defer wrap(&err, "InvoiceStore.Dispute(%d, %s)", engagementID, label)
	err = s.act(ctx, p, access.InvoicesDispute, engagementID, label, func(tx *Tx, x *Invoice, _ kpi.Period, _ *time.Location) error {
		var open []string
		for _, d := range x.Disputes {
			if d.Status == invoice.DisputeOpen {
				open = append(open, d.LineKey)
			}
		}
		d, err := invoice.OpenDispute(x.Status, x.Lines, open, lineKey, reason)
		if err != nil {
			return err
		}
		if id, err = tx.insert(ctx, `INSERT INTO invoice_disputes (workspace_id, invoice_id, line_key, reason, status, opened_by,
			created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, x.ID, d.LineKey, d.Reason, d.Status, p.UserID, tx.now); err != nil {
			return err
		}
		return done(ctx, tx, p, x, "disputed", true, map[string]any{"dispute_id": id, "line": d.LineKey, "reason": d.Reason})
	})
	return id, err
}

// DecideDispute decides an open dispute of a draft: upheld with the agreed
// amount (an adjustment line, agreed − the line's amount) or rejected,
// with a reason: the client's owner or manager (access.InvoicesDecide).
func (s *InvoiceStore) DecideDispute(ctx context.Context, p tandem.Principal, engagementID int64, label string, disputeID int64,
	upheld bool, agreedMinor int64, reason string) (err error) {
	defer wrap(&err, "InvoiceStore.DecideDispute(%d, %s, %d)", engagementID, label, disputeID)
	return s.act(ctx, p, access.InvoicesDecide, engagementID, label, func(tx *Tx, x *Invoice, period kpi.Period, _ *time.Location) error {
		var d *invoice.Dispute
		for i := range x.Disputes {
			if x.Disputes[i].ID == disputeID {
				d = &x.Disputes[i]
			}
		}
		if d == nil {
			return tandem.ErrNotFound
		}
		adj, err := invoice.DecideDispute(x.Status, x.Lines, d, upheld, agreedMinor, reason)
		if err != nil {
			return err
		}
		if err := changeOne(ctx, tx, invoice.ErrDecided.Key, `UPDATE invoice_disputes SET status = ?, agreed_minor = ?, decision = ?,
			decided_by = ?, decided_at = ? WHERE id = ? AND workspace_id = ? AND invoice_id = ? AND status = ?`, d.Status, d.AgreedMinor,
			d.Decision, p.UserID, tx.now, d.ID, p.WorkspaceID, x.ID, invoice.DisputeOpen); err != nil {
			return err
		}
		data := map[string]any{"dispute_id": d.ID, "line": d.LineKey, "status": d.Status, "reason": d.Decision}
		if adj != nil {
			if _, err := insertAdjustment(ctx, tx, p, x.ID, *adj); err != nil {
				return err
			}
			data["amount_minor"] = adj.AmountMinor
			if _, err := draftIn(ctx, tx, p, engagementID, period); err != nil {
				return err
			}
		}
		return done(ctx, tx, p, x, "dispute_"+d.Status, false, data)
	})
}

// Withhold withholds amountMinor of a draft's line with a reason, where the
// terms in force on the period's last day allow it: a negative "withheld"
// line. The client's owner or manager (access.InvoicesDecide).
func (s *InvoiceStore) Withhold(ctx context.Context, p tandem.Principal, engagementID int64, label, lineKey string, amountMinor int64,
	reason string) (id int64, err error) {
	defer wrap(&err, "InvoiceStore.Withhold(%d, %s)", engagementID, label)
	err = s.act(ctx, p, access.InvoicesDecide, engagementID, label, func(tx *Tx, x *Invoice, period kpi.Period, _ *time.Location) error {
		var prior []invoice.Adjustment
		for _, a := range x.Adjustments {
			prior = append(prior, a.Adjustment)
		}
		adj, err := invoice.Withhold(x.Status, x.WithholdAllowed, x.Lines, prior, lineKey, amountMinor, reason)
		if err != nil {
			return err
		}
		if id, err = insertAdjustment(ctx, tx, p, x.ID, *adj); err != nil {
			return err
		}
		// The line refers to the withholding itself.
		if _, err := tx.exec(ctx, `UPDATE invoice_adjustments SET ref = ? WHERE id = ? AND workspace_id = ?`,
			"withholding:"+strconv.FormatInt(id, 10), id, p.WorkspaceID); err != nil {
			return err
		}
		if _, err := draftIn(ctx, tx, p, engagementID, period); err != nil {
			return err
		}
		return done(ctx, tx, p, x, "withheld", false, map[string]any{"adjustment_id": id, "line": adj.LineKey,
			"amount_minor": -adj.AmountMinor, "reason": adj.Reason})
	})
	return id, err
}

// releaseHorizon is how many periods ahead a release looks for a draft.
const releaseHorizon = 24

// Release releases a withholding of the invoice of label: a positive
// "released" line on the engagement's next invoice still a draft — this
// one while it is not issued, otherwise the first later period's (created
// when needed). It returns that invoice's period label. The client's owner
// or manager (access.InvoicesDecide). Errors: EConflict (released
// already; no later period with terms in force), ENotFound.
func (s *InvoiceStore) Release(ctx context.Context, p tandem.Principal, engagementID int64, label string, withholdingID int64) (into string, err error) {
	defer wrap(&err, "InvoiceStore.Release(%d, %s, %d)", engagementID, label, withholdingID)
	err = s.act(ctx, p, access.InvoicesDecide, engagementID, label, func(tx *Tx, x *Invoice, period kpi.Period, _ *time.Location) error {
		i := -1
		for j, a := range x.Adjustments {
			if a.ID == withholdingID {
				i = j
			}
		}
		if i < 0 {
			return tandem.ErrNotFound
		}
		w := x.Adjustments[i]
		rel, err := invoice.Release(w.Adjustment, w.ReleasedInto != 0)
		if err != nil {
			return err
		}
		target, tp := x, period
		for n := 0; !target.Status.Recomputable(); n++ {
			if n == releaseHorizon {
				return tandem.Errorf(tandem.EConflict, i18n.K("invoices.no_terms"))
			}
			tp = tp.Next()
			if target, err = draftIn(ctx, tx, p, engagementID, tp); err != nil {
				return err
			}
		}
		relID, err := insertAdjustment(ctx, tx, p, target.ID, *rel)
		if err != nil {
			return err
		}
		if err := changeOne(ctx, tx, invoice.ErrReleased.Key, `UPDATE invoice_adjustments SET released_into = ?
			WHERE id = ? AND workspace_id = ? AND released_into IS NULL`, relID, w.ID, p.WorkspaceID); err != nil {
			return err
		}
		if _, err := draftIn(ctx, tx, p, engagementID, tp); err != nil {
			return err
		}
		into = tp.String()
		return done(ctx, tx, p, x, "released", false, map[string]any{"adjustment_id": w.ID, "amount_minor": rel.AmountMinor,
			"into": into})
	})
	return into, err
}

// Approve approves a draft with no open dispute (access.InvoicesDecide).
func (s *InvoiceStore) Approve(ctx context.Context, p tandem.Principal, engagementID int64, label string) (err error) {
	defer wrap(&err, "InvoiceStore.Approve(%d, %s)", engagementID, label)
	return s.act(ctx, p, access.InvoicesDecide, engagementID, label, func(tx *Tx, x *Invoice, _ kpi.Period, _ *time.Location) error {
		open := 0
		for _, d := range x.Disputes {
			if d.Status == invoice.DisputeOpen {
				open++
			}
		}
		if err := invoice.Approve(x.Status, open); err != nil {
			return err
		}
		if err := changeOne(ctx, tx, invoice.ErrNotDraft.Key, `UPDATE invoices SET status = ? WHERE id = ? AND workspace_id = ? AND status = ?`,
			string(invoice.StatusApproved), x.ID, p.WorkspaceID, string(invoice.StatusDraft)); err != nil {
			return err
		}
		return done(ctx, tx, p, x, "approved", false, map[string]any{"total_minor": x.TotalMinor, "currency": x.Currency})
	})
}

// nextNumber gives the next number of the workspace's sequence of year in
// tx: the counter row is created once and raised by one UPDATE, which
// holds the row until the transaction ends, so that concurrent issues get
// distinct consecutive numbers and a rolled-back issue leaves no gap.
func nextNumber(ctx context.Context, tx *Tx, workspaceID int64, year int) (string, error) {
	if _, err := tx.exec(ctx, `INSERT INTO invoice_counters (workspace_id, year, last) VALUES (?, ?, 0)
		ON CONFLICT (workspace_id, year) DO NOTHING`, workspaceID, year); err != nil {
		return "", err
	}
	if err := tx.execOne(ctx, errors.New("invoice counter missing"), `UPDATE invoice_counters SET last = last + 1
		WHERE workspace_id = ? AND year = ?`, workspaceID, year); err != nil {
		return "", err
	}
	var n int64
	if err := tx.queryRow(ctx, `SELECT last FROM invoice_counters WHERE workspace_id = ? AND year = ?`, workspaceID, year).Scan(&n); err != nil {
		return "", err
	}
	return invoice.Number(year, n), nil
}

// Issue issues an approved invoice: the next number of the workspace's
// sequence of the year, issued today (the workspace's local day), due
// price.days_to_pay later; from then on it is immutable
// (access.InvoicesDecide). It returns the number.
func (s *InvoiceStore) Issue(ctx context.Context, p tandem.Principal, engagementID int64, label string) (number string, err error) {
	defer wrap(&err, "InvoiceStore.Issue(%d, %s)", engagementID, label)
	err = s.act(ctx, p, access.InvoicesDecide, engagementID, label, func(tx *Tx, x *Invoice, _ kpi.Period, loc *time.Location) error {
		if err := invoice.Issue(x.Status); err != nil {
			return err
		}
		last, err := tandem.ParseDate(x.To)
		if err != nil {
			return err
		}
		v, err := termsInForce(ctx, tx, p, engagementID, last)
		if err != nil {
			return err
		}
		today := tx.now.In(loc)
		if number, err = nextNumber(ctx, tx, p.WorkspaceID, today.Year()); err != nil {
			return err
		}
		x.Number, x.IssuedOn = number, today.Format(time.DateOnly)
		x.DueOn = invoice.DueOn(x.IssuedOn, v.Terms.Price.DaysToPay)
		if err := changeOne(ctx, tx, invoice.ErrNotApproved.Key, `UPDATE invoices SET status = ?, number = ?, issued_on = ?, due_on = ?
			WHERE id = ? AND workspace_id = ? AND status = ?`, string(invoice.StatusIssued), x.Number, x.IssuedOn, x.DueOn, x.ID,
			p.WorkspaceID, string(invoice.StatusApproved)); err != nil {
			return err
		}
		return done(ctx, tx, p, x, "issued", false, map[string]any{"number": x.Number, "due_on": x.DueOn, "total_minor": x.TotalMinor})
	})
	return number, err
}

// MarkPaid marks an issued invoice paid on paidOn (YYYY-MM-DD, not before
// it was issued) (access.InvoicesDecide).
func (s *InvoiceStore) MarkPaid(ctx context.Context, p tandem.Principal, engagementID int64, label, paidOn string) (err error) {
	defer wrap(&err, "InvoiceStore.MarkPaid(%d, %s)", engagementID, label)
	return s.act(ctx, p, access.InvoicesDecide, engagementID, label, func(tx *Tx, x *Invoice, _ kpi.Period, _ *time.Location) error {
		if err := invoice.MarkPaid(x.Status, x.IssuedOn, paidOn); err != nil {
			return err
		}
		if err := changeOne(ctx, tx, invoice.ErrNotIssued.Key, `UPDATE invoices SET status = ?, paid_on = ? WHERE id = ? AND workspace_id = ?
			AND status = ?`, string(invoice.StatusPaid), paidOn, x.ID, p.WorkspaceID, string(invoice.StatusIssued)); err != nil {
			return err
		}
		return done(ctx, tx, p, x, "paid", false, map[string]any{"paid_on": paidOn})
	})
}

// Credit issues a credit note against an issued invoice: netMinor (at most
// what is not yet credited) with VAT at the invoice's rate, negative, with
// a reason and its own number from the same sequence
// (access.InvoicesDecide). It returns the credit note.
func (s *InvoiceStore) Credit(ctx context.Context, p tandem.Principal, engagementID int64, label string, netMinor int64, reason string) (_ *CreditNote, err error) {
	defer wrap(&err, "InvoiceStore.Credit(%d, %s)", engagementID, label)
	var out *CreditNote
	err = s.act(ctx, p, access.InvoicesDecide, engagementID, label, func(tx *Tx, x *Invoice, _ kpi.Period, loc *time.Location) error {
		var credited int64
		for _, c := range x.CreditNotes {
			credited -= c.NetMinor
		}
		cn, why, err := invoice.CreditNote(x.Status, &x.Invoice, credited, netMinor, reason)
		if err != nil {
			return err
		}
		today := tx.now.In(loc)
		number, err := nextNumber(ctx, tx, p.WorkspaceID, today.Year())
		if err != nil {
			return err
		}
		out = &CreditNote{Kind: invoice.CorrectionCredit, Number: number, Reason: why, IssuedOn: today.Format(time.DateOnly), VATBP: cn.Lines[1].RateBP,
			NetMinor: cn.NetMinor, VATMinor: cn.VATMinor, TotalMinor: cn.TotalMinor}
		if out.ID, err = tx.insert(ctx, `INSERT INTO credit_notes (workspace_id, invoice_id, number, reason, currency, vat_bp, net_minor,
			vat_minor, total_minor, issued_on, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, x.ID,
			out.Number, out.Reason, x.Currency, out.VATBP, out.NetMinor, out.VATMinor, out.TotalMinor, out.IssuedOn, p.UserID, tx.now); err != nil {
			return err
		}
		return done(ctx, tx, p, x, "credited", false, map[string]any{"credit_note": out.Number, "total_minor": out.TotalMinor,
			"reason": out.Reason})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// OpenDispute is a line of an invoice the partner disputed that still
// waits for the client's decision.
type OpenDispute struct {
	ID          int64
	PeriodLabel string // the invoice's period, e.g. "2026-11"
	LineKey     string
	Reason      string
	OpenedAt    time.Time
}

// OpenDisputes lists the open disputes of an engagement's invoices, oldest
// first, for what waits (the homes, the meeting agenda): whoever may read
// the engagement's invoices.
func (s *InvoiceStore) OpenDisputes(ctx context.Context, p tandem.Principal, engagementID int64) (_ []OpenDispute, err error) {
	defer wrap(&err, "InvoiceStore.OpenDisputes(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.InvoicesRead, engagementID); err != nil {
		return nil, err
	}
	return scanAll(ctx, s.db, func(r scanner, d *OpenDispute) error {
		if err := r.Scan(&d.ID, &d.PeriodLabel, &d.LineKey, &d.Reason, &d.OpenedAt); err != nil {
			return err
		}
		d.OpenedAt = d.OpenedAt.UTC()
		return nil
	}, `SELECT d.id, i.period_label, d.line_key, d.reason, d.created_at FROM invoice_disputes d
		JOIN invoices i ON i.id = d.invoice_id AND i.workspace_id = d.workspace_id
		WHERE d.workspace_id = ? AND i.engagement_id = ? AND d.status = ? ORDER BY d.id`, p.WorkspaceID, engagementID, invoice.DisputeOpen)
}
