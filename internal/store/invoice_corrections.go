package store

// Corrections of an issued invoice (invoice/corrections.go): a credit note
// of chosen lines and a supplementary invoice, each with its own number
// from the workspace's sequence, referring to the invoice, audited and told
// to the other side in the transaction that issues it.

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/tandem"
)

// storedLine is an invoice.Line as a correction keeps it (credit_notes.lines).
type storedLine struct {
	Kind        string       `json:"kind"`
	Description string       `json:"description"`
	Args        []storedArg  `json:"args,omitempty"`
	QtyNum      int64        `json:"qty_num,omitempty"`
	QtyDen      int64        `json:"qty_den,omitempty"`
	QtyUnit     string       `json:"qty_unit,omitempty"`
	UnitMinor   int64        `json:"unit_minor,omitempty"`
	RateBP      int          `json:"rate_bp,omitempty"`
	BaseMinor   int64        `json:"base_minor,omitempty"`
	AmountMinor int64        `json:"amount_minor"`
	Taxable     bool         `json:"taxable,omitempty"`
	Version     int          `json:"version,omitempty"`
	Clause      string       `json:"clause,omitempty"`
	Refs        []string     `json:"refs,omitempty"`
	Basis       []int        `json:"basis,omitempty"`
	Steps       []storedStep `json:"steps,omitempty"`
}

func encodeLines(ls []invoice.Line) (string, error) {
	out := make([]storedLine, len(ls))
	for i, l := range ls {
		s := storedLine{Kind: l.Kind, Description: string(l.Description), Args: storeArgs(l.Args), QtyNum: l.Quantity.Num,
			QtyDen: l.Quantity.Den, QtyUnit: l.Quantity.Unit, UnitMinor: l.UnitMinor, RateBP: l.RateBP, BaseMinor: l.BaseMinor,
			AmountMinor: l.AmountMinor, Taxable: l.Taxable, Version: l.Version, Clause: l.Clause, Refs: l.Refs, Basis: l.Basis}
		for _, st := range l.Steps {
			s.Steps = append(s.Steps, storedStep{Label: string(st.Label), Args: storeArgs(st.Args), Expr: st.Expr, Result: st.Result})
		}
		out[i] = s
	}
	js, err := json.Marshal(out)
	return string(js), err
}

func decodeLines(js string) ([]invoice.Line, error) {
	var ss []storedLine
	if err := json.Unmarshal([]byte(js), &ss); err != nil {
		return nil, err
	}
	var out []invoice.Line
	for _, s := range ss {
		l := invoice.Line{Kind: s.Kind, Description: i18n.Key(s.Description), Args: loadArgs(s.Args),
			Quantity: invoice.Quantity{Num: s.QtyNum, Den: s.QtyDen, Unit: s.QtyUnit}, UnitMinor: s.UnitMinor, RateBP: s.RateBP,
			BaseMinor: s.BaseMinor, AmountMinor: s.AmountMinor, Taxable: s.Taxable, Version: s.Version, Clause: s.Clause, Refs: s.Refs,
			Basis: s.Basis}
		for _, st := range s.Steps {
			l.Steps = append(l.Steps, kpi.Step{Label: i18n.Key(st.Label), Args: loadArgs(st.Args), Expr: st.Expr, Result: st.Result})
		}
		out = append(out, l)
	}
	return out, nil
}

// corrected sums what the corrections of x did to its lines.
func corrected(x *Invoice) invoice.Corrected {
	var c invoice.Corrected
	c.Add(nil)
	for _, cn := range x.CreditNotes {
		c.Add(cn.Lines)
		c.CreditedNet -= cn.NetMinor // a supplement raises what may be credited

	}
	return c
}

// issueCorrection numbers and stores a correction of x (kind, its computed
// invoice cn and reason), audits it as step and tells the other side.
func issueCorrection(ctx context.Context, tx *Tx, p tandem.Principal, x *Invoice, loc *time.Location, kind, step string,
	cn *invoice.Invoice, why string) (*CreditNote, error) {
	today := tx.now.In(loc)
	number, err := nextNumber(ctx, tx, p.WorkspaceID, today.Year())
	if err != nil {
		return nil, err
	}
	lines, err := encodeLines(cn.Lines)
	if err != nil {
		return nil, err
	}
	out := &CreditNote{Kind: kind, Number: number, Reason: why, IssuedOn: today.Format(time.DateOnly),
		VATBP: cn.Lines[len(cn.Lines)-1].RateBP, NetMinor: cn.NetMinor, VATMinor: cn.VATMinor, TotalMinor: cn.TotalMinor, Lines: cn.Lines}
	if out.ID, err = tx.insert(ctx, `INSERT INTO credit_notes (workspace_id, invoice_id, kind, number, reason, currency, vat_bp,
		net_minor, vat_minor, total_minor, lines, issued_on, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.WorkspaceID, x.ID, kind, out.Number, out.Reason, x.Currency, out.VATBP, out.NetMinor, out.VATMinor, out.TotalMinor, lines,
		out.IssuedOn, p.UserID, tx.now); err != nil {
		return nil, err
	}
	return out, done(ctx, tx, p, x, step, false, map[string]any{"number": x.Number, "correction": out.Number,
		"total_minor": out.TotalMinor, "currency": x.Currency, "reason": out.Reason, "lines": len(cn.Lines) - 1})
}

// CreditLines issues a credit note of chosen lines of an issued invoice:
// for each line (invoice.LineKey) the net amount to credit, at most what is
// left of it, with VAT at the invoice's rate, negative, with a reason and
// its own number from the same sequence (access.InvoicesDecide). Errors:
// EInvalid (lines, reason), EConflict (not issued), ENotFound.
func (s *InvoiceStore) CreditLines(ctx context.Context, p tandem.Principal, engagementID int64, label string, lines []invoice.CreditLine,
	reason string) (_ *CreditNote, err error) {
	defer wrap(&err, "InvoiceStore.CreditLines(%d, %s)", engagementID, label)
	var out *CreditNote
	err = s.act(ctx, p, access.InvoicesDecide, engagementID, label, func(tx *Tx, x *Invoice, _ kpi.Period, loc *time.Location) error {
		cn, why, err := invoice.CreditLines(x.Status, &x.Invoice, corrected(x), lines, reason)
		if err != nil {
			return err
		}
		out, err = issueCorrection(ctx, tx, p, x, loc, invoice.CorrectionCredit, "credited", cn, why)
		return err
	})
	return out, err
}

// Supplement issues a supplementary invoice for an issued invoice's
// period: the period computed afresh from the facts as they stand, each
// line that now carries more than the invoice and the earlier supplements
// billed, with VAT at the invoice's rate, a reason and its own number from
// the same sequence (access.InvoicesDecide). Errors: EInvalid (reason),
// EConflict (not issued; nothing to supplement), ENotFound.
func (s *InvoiceStore) Supplement(ctx context.Context, p tandem.Principal, engagementID int64, label, reason string) (_ *CreditNote, err error) {
	defer wrap(&err, "InvoiceStore.Supplement(%d, %s)", engagementID, label)
	var out *CreditNote
	err = s.act(ctx, p, access.InvoicesDecide, engagementID, label, func(tx *Tx, x *Invoice, period kpi.Period, loc *time.Location) error {
		if !x.Status.Issued() {
			return invoice.ErrNotIssued
		}
		now, err := computeIn(ctx, tx, p, engagementID, period, nil)
		if err != nil {
			return err
		}
		sup, why, err := invoice.Supplement(x.Status, &x.Invoice, &now.Invoice, corrected(x), reason)
		if err != nil {
			return err
		}
		out, err = issueCorrection(ctx, tx, p, x, loc, invoice.CorrectionSupplement, "supplemented", sup, why)
		return err
	})
	return out, err
}
