package store

// The invoice as a downloaded document (package invoicedoc lays it out):
// the draft as the page shows it, the parties and the payment schedule,
// and the download recorded in the audit trail.

import (
	"context"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/invoicedoc"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/tandem"
)

// InvoiceDocument is what a downloaded invoice shows besides its lines.
type InvoiceDocument struct {
	Invoice         *Invoice
	ClientName      string // the workspace
	PartnerName     string
	EngagementTitle string
	// Schedule is the payment schedule of the terms in force on the
	// period's last day; for a draft it assumes the invoice is issued on
	// ScheduleIssued, today in the workspace's time zone.
	Schedule       []invoice.Payment
	ScheduleIssued string
}

// Document returns an engagement's invoice of period for a download in
// format (invoicedoc.FormatPDF or FormatXLSX) in language lang: the draft
// computed and stored as Draft does (an invoice no longer a draft as
// stored), the client's and the partner's names, the engagement's title
// and the payment schedule; and it records the download in the audit trail
// (invoice.downloaded, with the format and language), in one transaction.
// Access and errors as Draft; an unknown format is EInvalid.
func (s *InvoiceStore) Document(ctx context.Context, p tandem.Principal, engagementID int64, period kpi.Period, format string, lang i18n.Lang) (_ *InvoiceDocument, err error) {
	defer wrap(&err, "InvoiceStore.Document(%d, %s, %s)", engagementID, period, format)
	if err := access.Can(p, access.InvoicesRead); err != nil {
		return nil, err
	}
	if period.Kind != kpi.Month && period.Kind != kpi.Quarter {
		return nil, invalid("period", "validation.one_of")
	}
	if !invoicedoc.ValidFormat(format) {
		return nil, invalid("format", "validation.one_of")
	}
	var out *InvoiceDocument
	err = s.db.transact(ctx, func(tx *Tx) error {
		e, err := loadEngagement(ctx, tx, p, engagementID)
		if err != nil {
			return err
		}
		if !invoice.Invoiced(e.Status) {
			return tandem.Errorf(tandem.EConflict, i18n.K("invoices.not_invoiced"))
		}
		x, err := draftIn(ctx, tx, p, engagementID, period)
		if err != nil {
			return err
		}
		if err := workflowIn(ctx, tx, p, x); err != nil { // its corrections
			return err
		}
		out = &InvoiceDocument{Invoice: x, PartnerName: e.PartnerName, EngagementTitle: e.Title}
		var tz string
		if err := tx.queryRow(ctx, `SELECT name, time_zone FROM workspaces WHERE id = ?`, p.WorkspaceID).Scan(&out.ClientName, &tz); err != nil {
			return err
		}
		v, err := termsInForce(ctx, tx, p, engagementID, tandem.DateOf(period.End.AddDate(0, 0, -1)))
		if err != nil {
			return err
		}
		out.ScheduleIssued = invoice.DayOf(tx.now, kpi.Zone(tz))
		if x.IssuedOn != "" { // issued: the schedule of its issue day
			out.ScheduleIssued = x.IssuedOn
		}
		if out.Schedule, err = invoice.Schedule(x.TotalMinor, v.Terms.Price, x.From, out.ScheduleIssued); err != nil {
			return err
		}
		return tx.record(ctx, p, "invoice.downloaded", "invoice", x.ID, map[string]any{"engagement_id": engagementID,
			"period": x.Label, "format": format, "lang": string(lang), "total_minor": x.TotalMinor})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
