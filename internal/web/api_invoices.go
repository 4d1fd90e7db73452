package web

import (
	"net/http"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/invoicedoc"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
)

// The invoices API: the same store calls as the pages. Texts (a line's
// description, an explanation step's label, a rule) come in the caller's
// language, next to the stable kinds and keys.

type apiInvoiceHead struct {
	EngagementID int64     `json:"engagement_id"`
	Period       string    `json:"period"`      // 2026-11, 2026-Q4
	PeriodKind   string    `json:"period_kind"` // month | quarter
	PeriodName   string    `json:"period_name"`
	From         string    `json:"from"`
	To           string    `json:"to"`
	Status       string    `json:"status"`
	StatusLabel  string    `json:"status_label"`
	Currency     string    `json:"currency"`
	NetMinor     int64     `json:"net_minor"`
	VATMinor     int64     `json:"vat_minor"`
	TotalMinor   int64     `json:"total_minor"`
	ComputedAt   time.Time `json:"computed_at"`
	Number       string    `json:"number,omitempty"`    // once issued: 2026-0001
	Series       string    `json:"series,omitempty"`    // an imported invoice: its sender's series
	IssuedOn     string    `json:"issued_on,omitempty"` // local days, once issued / paid
	DueOn        string    `json:"due_on,omitempty"`
	PaidOn       string    `json:"paid_on,omitempty"`
}

type apiInvoiceList struct {
	EngagementID int64            `json:"engagement_id"`
	Invoices     []apiInvoiceHead `json:"invoices"`
}

type apiQuantity struct {
	Num  int64  `json:"num"`
	Den  int64  `json:"den"`
	Unit string `json:"unit"`
}

type apiInvoiceStep struct {
	Label  string `json:"label"`
	Expr   string `json:"expr"`
	Result string `json:"result"`
}

type apiInvoiceFact struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	Day       string `json:"day"`
	SubjectID int64  `json:"subject_id"`
}

type apiInvoiceLine struct {
	Kind           string           `json:"kind"`
	Key            string           `json:"key,omitempty"` // for a line that may be disputed or withheld from
	DescriptionKey string           `json:"description_key"`
	Description    string           `json:"description"`
	Quantity       *apiQuantity     `json:"quantity"`
	UnitMinor      int64            `json:"unit_minor"`
	RateBP         int              `json:"rate_bp"`
	BaseMinor      int64            `json:"base_minor"`
	AmountMinor    int64            `json:"amount_minor"`
	Taxable        bool             `json:"taxable"`
	TermsVersion   int              `json:"terms_version"`
	Clause         string           `json:"clause"`
	Basis          []int            `json:"basis"`
	Steps          []apiInvoiceStep `json:"steps"`
	Facts          []apiInvoiceFact `json:"facts"`
}

type apiUnpriced struct {
	FactID int64  `json:"fact_id"`
	Reason string `json:"reason"`
}

type apiInvoice struct {
	apiInvoiceHead
	Lines       []apiInvoiceLine    `json:"lines"`
	Unpriced    []apiUnpriced       `json:"unpriced"`
	Rules       []string            `json:"rules"`
	Disputes    []apiInvoiceDispute `json:"disputes"`
	Adjustments []apiAdjustment     `json:"adjustments"`
	CreditNotes []apiCreditNote     `json:"credit_notes"`
	Schedule    []apiPayment        `json:"schedule"`
}

type apiInvoiceDispute struct {
	ID          int64  `json:"id"`
	Line        string `json:"line"`
	Reason      string `json:"reason"`
	Status      string `json:"status"` // open | upheld | rejected
	AgreedMinor int64  `json:"agreed_minor"`
	Decision    string `json:"decision"`
}

type apiAdjustment struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"` // agreed | withheld | released
	Line        string `json:"line"`
	AmountMinor int64  `json:"amount_minor"`
	Reason      string `json:"reason"`
	Released    bool   `json:"released"`
}

type apiPayment struct {
	Kind        string `json:"kind"` // prepayment | instalment
	Number      int    `json:"number"`
	DueOn       string `json:"due_on"`
	AmountMinor int64  `json:"amount_minor"`
}

func invoiceHead(l *i18n.Localizer, x *store.Invoice) apiInvoiceHead {
	return apiInvoiceHead{EngagementID: x.EngagementID, Period: x.Label, PeriodKind: x.PeriodKind,
		PeriodName: invoicedoc.PeriodName(l, invoicePeriodOf(x, l.Location())), From: x.From, To: x.To, Status: string(x.Status),
		StatusLabel: l.T("invoices.status." + string(x.Status)), Currency: x.Currency, NetMinor: x.NetMinor,
		VATMinor: x.VATMinor, TotalMinor: x.TotalMinor, ComputedAt: x.ComputedAt, Number: x.Number, Series: x.Series, IssuedOn: x.IssuedOn,
		DueOn: x.DueOn, PaidOn: x.PaidOn}
}

func (s *server) apiInvoices(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// Kept between requests like the invoices page (kept).
	out, err := s.kept(r, func(r *http.Request) (any, error) {
		list, err := s.db.Invoices().Summary(r.Context(), st.principal, id)
		if err != nil {
			return nil, err
		}
		out := apiInvoiceList{EngagementID: id, Invoices: []apiInvoiceHead{}}
		for i := range list {
			out.Invoices = append(out.Invoices, invoiceHead(st.loc, &list[i]))
		}
		return out, nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) apiInvoice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	period, err := invoicePeriod(r)
	if err != nil {
		return err
	}
	// Kept between requests like the invoice's page (kept).
	out, err := s.kept(r, func(r *http.Request) (any, error) {
		return s.apiInvoiceOf(r, id, period)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiInvoiceOf is the API's invoice of an engagement's period.
func (s *server) apiInvoiceOf(r *http.Request, id int64, period kpi.Period) (any, error) {
	l := state(r).loc
	x, err := s.db.Invoices().Draft(r.Context(), state(r).principal, id, period)
	if err != nil {
		return nil, err
	}
	out := apiInvoice{apiInvoiceHead: invoiceHead(l, x), Lines: []apiInvoiceLine{}, Unpriced: []apiUnpriced{}, Rules: []string{},
		Disputes: []apiInvoiceDispute{}, Adjustments: []apiAdjustment{}, CreditNotes: []apiCreditNote{}, Schedule: []apiPayment{}}
	for _, d := range x.Disputes {
		out.Disputes = append(out.Disputes, apiInvoiceDispute{ID: d.ID, Line: d.LineKey, Reason: d.Reason, Status: d.Status,
			AgreedMinor: d.AgreedMinor, Decision: d.Decision})
	}
	for _, a := range x.Adjustments {
		out.Adjustments = append(out.Adjustments, apiAdjustment{ID: a.ID, Kind: a.Kind, Line: a.LineKey, AmountMinor: a.AmountMinor,
			Reason: a.Reason, Released: a.ReleasedInto != 0})
	}
	for _, c := range x.CreditNotes {
		out.CreditNotes = append(out.CreditNotes, *apiCorrection(l, c))
	}
	for _, p := range x.Schedule {
		out.Schedule = append(out.Schedule, apiPayment{Kind: p.Kind, Number: p.Number, DueOn: p.DueOn, AmountMinor: p.AmountMinor})
	}
	for _, ln := range x.Lines {
		v := apiInvoiceLine{Kind: ln.Kind, DescriptionKey: string(ln.Description), Description: l.T(string(ln.Description), ln.Args...),
			UnitMinor: ln.UnitMinor, RateBP: ln.RateBP, BaseMinor: ln.BaseMinor, AmountMinor: ln.AmountMinor, Taxable: ln.Taxable,
			TermsVersion: ln.Version, Clause: ln.Clause, Basis: []int{}, Steps: []apiInvoiceStep{}, Facts: []apiInvoiceFact{}}
		if invoice.Disputable(ln) {
			v.Key = invoice.LineKey(ln)
		}
		if ln.Quantity.Den != 0 {
			v.Quantity = &apiQuantity{Num: ln.Quantity.Num, Den: ln.Quantity.Den, Unit: ln.Quantity.Unit}
		}
		v.Basis = append(v.Basis, ln.Basis...)
		for _, stp := range ln.Steps {
			v.Steps = append(v.Steps, apiInvoiceStep{Label: l.T(string(stp.Label), stp.Args...), Expr: stp.Expr, Result: stp.Result})
		}
		for _, ref := range ln.Refs {
			if f, ok := x.Facts[ref]; ok {
				v.Facts = append(v.Facts, apiInvoiceFact{ID: f.ID, Kind: string(f.Kind), Day: f.Day, SubjectID: f.SubjectID})
			}
		}
		out.Lines = append(out.Lines, v)
	}
	for _, u := range x.Unpriced {
		out.Unpriced = append(out.Unpriced, apiUnpriced{FactID: x.Facts[u.Ref].ID, Reason: l.T(string(u.Reason))})
	}
	for _, k := range invoiceRules() {
		out.Rules = append(out.Rules, l.T(string(k)))
	}
	return out, nil
}
