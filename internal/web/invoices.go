package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/invoicedoc"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Invoices: the list of an engagement's invoicing periods with their
// draft totals, and one invoice with every line explained (package
// invoice computes, the store loads and keeps the drafts).

func invoicesPath(engagementID int64) string {
	return recordPath("/engagements", engagementID) + "/invoices"
}

// invoicePeriod reads the {period} of the path ("2026-11", "2026-Q4") in
// the workspace's time zone; a label that is no period is not found.
func invoicePeriod(r *http.Request) (kpi.Period, error) {
	p, ok := invoice.ParsePeriod(r.PathValue("period"), state(r).loc.Location())
	if !ok {
		return kpi.Period{}, tandem.ErrNotFound
	}
	return p, nil
}

func invoicePeriodOf(x *store.Invoice, loc *time.Location) kpi.Period {
	p, _ := invoice.ParsePeriod(x.Label, loc)
	return p
}

func (s *server) invoices(w http.ResponseWriter, r *http.Request) error {
	// Kept between requests like the other pages read most (keptPage).
	return s.keptPage(w, r, s.invoicesView)
}

// invoicesView is the list of an engagement's invoices.
func (s *server) invoicesView(r *http.Request) (templ.Component, error) {
	st := state(r)
	p, l := st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return nil, err
	}
	list, err := s.db.Invoices().Summary(r.Context(), p, e.ID)
	if err != nil {
		return nil, err
	}
	d := views.InvoicesData{Engagement: e}
	for _, x := range list {
		status := l.T("invoices.status." + string(x.Status))
		if x.Number != "" {
			status += " · " + seriesNumber(l, x.Number, x.Series)
		}
		d.Rows = append(d.Rows, views.InvoiceRow{Period: invoicedoc.PeriodName(l, invoicePeriodOf(&x, l.Location())),
			URL: invoicesPath(e.ID) + "/" + x.Label, Status: status,
			Total: l.Money(money.New(x.TotalMinor, x.Currency))})
	}
	return views.Invoices(s.nav(r, l.T("invoices.title"), "engagements"), d), nil
}

func (s *server) invoicePage(w http.ResponseWriter, r *http.Request) error {
	id, label, err := invoiceRef(r)
	if err != nil {
		return err
	}
	// Kept between requests like the other pages read most (keptPage).
	return s.keptPage(w, r, func(r *http.Request) (templ.Component, error) {
		return s.invoiceView(r, views.Form{}, invoiceKey{id, label})
	})
}

type invoiceKey struct {
	id    int64
	label string
}

// showInvoice renders the invoice of k with every line explained and what
// the reader may do with it; f carries the message of a refused action.
func (s *server) showInvoice(w http.ResponseWriter, r *http.Request, f views.Form, k invoiceKey, status int) error {
	return s.rendered(w, r, status)(s.invoiceView(r, f, k))
}

// invoiceView is the page of the invoice of k; f carries the message of a
// refused action.
func (s *server) invoiceView(r *http.Request, f views.Form, k invoiceKey) (templ.Component, error) {
	st := state(r)
	p, l := st.principal, st.loc
	e, err := s.db.Engagements.Get(r.Context(), p, k.id)
	if err != nil {
		return nil, err
	}
	period, ok := invoice.ParsePeriod(k.label, l.Location())
	if !ok {
		return nil, tandem.ErrNotFound
	}
	x, err := s.db.Invoices().Draft(r.Context(), p, e.ID, period)
	if err != nil {
		return nil, err
	}
	cur := func(v int64) string { return l.Money(money.New(v, x.Currency)) }
	day := func(s string) string {
		if d, err := time.ParseInLocation(time.DateOnly, s, l.Location()); err == nil {
			return l.Date(d)
		}
		return ""
	}
	draft := x.Status == invoice.StatusDraft
	d := views.InvoiceData{Engagement: e, Period: invoicedoc.PeriodName(l, period), Status: l.T("invoices.status." + string(x.Status)),
		Computed: l.DateTime(x.ComputedAt), Net: cur(x.NetMinor), VAT: cur(x.VATMinor), Total: cur(x.TotalMinor),
		BackURL: invoicesPath(e.ID), URL: invoicePath(e.ID, k.label), Currency: x.Currency, Form: f,
		Number: seriesNumber(l, x.Number, x.Series), IssuedOn: day(x.IssuedOn), DueOn: day(x.DueOn), PaidOn: day(x.PaidOn),
		CanDispute: draft && access.Allows(p.Role, access.InvoicesDispute),
		CanDecide:  access.Allows(p.Role, access.InvoicesDecide),
		CanApprove: draft && access.Allows(p.Role, access.InvoicesDecide),
		CanIssue:   x.Status == invoice.StatusApproved && access.Allows(p.Role, access.InvoicesDecide),
		CanPay:     x.Status == invoice.StatusIssued && access.Allows(p.Role, access.InvoicesDecide),
		CanCredit:  x.Status.Issued() && access.Allows(p.Role, access.InvoicesDecide),
		Today:      s.today(r).String()}
	d.CanWithhold = draft && x.WithholdAllowed && d.CanDecide
	if period.Contains(s.db.Now()) {
		fc, _, err := s.forecastFor(r, e.ID)
		if err != nil {
			return nil, err
		}
		d.Forecast = fc
	}
	lineName := map[string]string{}
	for i, ln := range x.Lines {
		v := views.InvoiceLine{N: i + 1, Description: l.T(string(ln.Description), ln.Args...), Amount: cur(ln.AmountMinor),
			Quantity: invoicedoc.Quantity(l, ln.Quantity), Terms: invoicedoc.Terms(l, ln)}
		if invoice.Disputable(ln) {
			v.Key = invoice.LineKey(ln)
			lineName[v.Key] = v.Description
			d.LineOptions = append(d.LineOptions, views.Option{Value: v.Key, Label: strconv.Itoa(i+1) + ". " + v.Description})
		}
		if ln.UnitMinor != 0 {
			v.UnitPrice = cur(ln.UnitMinor)
		}
		if name, ok := lineName[ln.Clause]; ok && !invoice.Disputable(ln) {
			v.Terms = l.T("invoices.adjusts", "line", name)
		}
		for _, stp := range ln.Steps {
			v.Steps = append(v.Steps, views.ExplainStep{Label: l.T(string(stp.Label), stp.Args...), Expr: stp.Expr, Result: stp.Result})
		}
		for _, ref := range ln.Refs {
			if f, ok := x.Facts[ref]; ok {
				v.Facts = append(v.Facts, factLink(l, e.ID, f))
			}
		}
		d.Lines = append(d.Lines, v)
	}
	for _, dp := range x.Disputes {
		v := views.InvoiceDispute{ID: dp.ID, Line: lineName[dp.LineKey], Reason: dp.Reason, Decision: dp.Decision,
			Status: l.T("invoices.dispute_status." + dp.Status), Open: dp.Status == invoice.DisputeOpen,
			DecideURL: d.URL + "/disputes/" + strconv.FormatInt(dp.ID, 10) + "/decide"}
		if dp.Status == invoice.DisputeUpheld {
			v.Agreed = cur(dp.AgreedMinor)
		}
		d.Disputes = append(d.Disputes, v)
	}
	for _, a := range x.Adjustments {
		if a.Kind != invoice.AdjustWithheld {
			continue
		}
		d.Withholdings = append(d.Withholdings, views.InvoiceWithholding{ID: a.ID, Line: lineName[a.LineKey], Amount: cur(-a.AmountMinor),
			Reason: a.Reason, Released: a.ReleasedInto != 0, ReleaseURL: d.URL + "/withholdings/" + strconv.FormatInt(a.ID, 10) + "/release"})
	}
	for _, pay := range x.Schedule {
		name := l.T("invoices.payment.instalment", "n", pay.Number)
		if pay.Kind == invoice.PaymentPrepayment {
			name = l.T("invoices.payment.prepayment")
		}
		d.Schedule = append(d.Schedule, views.InvoicePayment{Name: name, DueOn: day(pay.DueOn), Amount: cur(pay.AmountMinor)})
	}
	together := x.TotalMinor
	for _, c := range x.CreditNotes {
		together += c.TotalMinor
		v := views.InvoiceCreditNote{Number: seriesNumber(l, c.Number, c.Series), Reason: c.Reason, IssuedOn: day(c.IssuedOn), Net: cur(c.NetMinor),
			VAT: cur(c.VATMinor), Total: cur(c.TotalMinor), Kind: l.T("invoices.correction." + c.Kind)}
		for _, ln := range c.Lines {
			v.Lines = append(v.Lines, [2]string{invoicedoc.CorrectionLine(l, ln), cur(ln.AmountMinor)})
		}
		d.CreditNotes = append(d.CreditNotes, v)
	}
	d.WithCredits = cur(together)
	for _, g := range invoice.GroupUnpriced(x.Unpriced) {
		var what []string
		for _, ref := range g.Refs {
			if f, ok := x.Facts[ref]; ok {
				what = append(what, factLink(l, e.ID, f).Label)
			}
		}
		d.Unpriced = append(d.Unpriced, views.InvoiceUnpriced{Reason: l.T(string(g.Reason)),
			Count: l.N("invoices.unpriced_count", int64(len(g.Refs))), What: strings.Join(uniq(what), ", ")})
	}
	for _, k := range invoiceRules() {
		d.Rules = append(d.Rules, l.T(string(k)))
	}
	return views.Invoice(s.nav(r, l.T("invoices.heading", "period", d.Period), "engagements"), d), nil
}

// uniq keeps the first of each string, in order.
func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// factLink describes a fact behind a line, with a link where its subject
// has a page: a claim's result (the claims page), a deliverable, a request.
func factLink(l *i18n.Localizer, engagementID int64, f store.FactRef) views.InvoiceFact {
	x := views.InvoiceFact{Label: l.T("invoices.fact." + strings.ReplaceAll(string(f.Kind), ".", "_"))}
	if d, err := time.ParseInLocation(time.DateOnly, f.Day, l.Location()); err == nil {
		x.Day = l.Date(d) // a local day: midnight in the reader's (the workspace's) zone
	}
	switch f.Kind {
	case fact.LeadAccepted, fact.MeetingAccepted, fact.DealWonAccepted, fact.DealReversed:
		x.URL = salesClaimsPath(engagementID)
	case fact.DeliverableAccepted, fact.LateNoticePenalty:
		x.URL = recordPath("/deliverables", f.SubjectID)
	case fact.SLAResolution, fact.ResponseBreach, fact.ResolutionBreach:
		if f.Number > 0 {
			x.URL = requestPath(engagementID, f.Number)
		}
	}
	return x
}

// invoiceRules are the rules an invoice follows, for the page and the API.
func invoiceRules() []i18n.Key { return invoice.Rules() }

// seriesNumber is an invoice's or credit note's number as shown: with the
// series it is numbered in when that is not the workspace's own (an
// invoice a handover package brought in keeps its sender's number).
func seriesNumber(l *i18n.Localizer, number, series string) string {
	if number == "" || series == "" {
		return number
	}
	return l.T("package_import.series_number", "number", number, "series", series)
}
