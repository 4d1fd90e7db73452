package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem/internal/invoicedoc"
)

// Invoice downloads: the invoice of a period as a PDF with its explanation
// annex or as an XLSX workbook, in the workspace's language or the one
// asked for with ?lang= (en, ru, sv). The same handlers answer the page
// routes and the API's; the store records every download in the audit
// trail.

func (s *server) invoicePDF(w http.ResponseWriter, r *http.Request) error {
	return s.invoiceDownload(w, r, invoicedoc.FormatPDF)
}

func (s *server) invoiceXLSX(w http.ResponseWriter, r *http.Request) error {
	return s.invoiceDownload(w, r, invoicedoc.FormatXLSX)
}

func (s *server) invoiceDownload(w http.ResponseWriter, r *http.Request, format string) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	period, err := invoicePeriod(r)
	if err != nil {
		return err
	}
	l := s.annexLocalizer(r) // the workspace's language unless ?lang= asks for another
	x, err := s.db.Invoices().Document(r.Context(), st.principal, id, period, format, l.Lang())
	if err != nil {
		return err
	}
	in := invoicedoc.Input{Localizer: l, ClientName: x.ClientName, PartnerName: x.PartnerName, EngagementTitle: x.EngagementTitle,
		PeriodName: invoicedoc.PeriodName(l, period), Number: seriesNumber(l, x.Invoice.Number, x.Invoice.Series), Status: x.Invoice.Status, ComputedAt: x.Invoice.ComputedAt,
		GeneratedAt: s.db.Now(), Invoice: x.Invoice.Invoice, Facts: map[string]invoicedoc.Fact{},
		Schedule: x.Schedule, ScheduleIssued: x.ScheduleIssued}
	for _, c := range x.Invoice.CreditNotes {
		in.Corrections = append(in.Corrections, invoicedoc.Correction{Kind: c.Kind, Number: seriesNumber(l, c.Number, c.Series), IssuedOn: c.IssuedOn, Reason: c.Reason,
			Lines: c.Lines, NetMinor: c.NetMinor, VATMinor: c.VATMinor, TotalMinor: c.TotalMinor})
	}
	for ref, f := range x.Invoice.Facts {
		in.Facts[ref] = invoicedoc.Fact{Kind: f.Kind, Day: f.Day}
	}
	var buf bytes.Buffer
	contentType := "application/pdf"
	if format == invoicedoc.FormatXLSX {
		contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = invoicedoc.XLSX(&buf, in)
	} else {
		err = invoicedoc.PDF(&buf, in)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="invoice-%d-%s-%s.%s"`, id, x.Invoice.Label, l.Lang(), format))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}
