package web

import (
	"net/http"
	"sort"
	"strings"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/invoicedoc"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Corrections of an issued invoice (invoice/corrections.go): a credit note
// of chosen lines and a supplementary invoice, on the page and in the API.

// creditFieldPrefix starts the form field of a line's amount to credit:
// "credit.<line key>".
const creditFieldPrefix = "credit."

// invoiceCreditLines issues a credit note of the lines whose amount field
// is filled in.
func (s *server) invoiceCreditLines(w http.ResponseWriter, r *http.Request) error {
	return s.invoiceAction(w, r, func(f views.Form, id int64, label string) error {
		var names []string
		for name := range f.Values {
			if strings.HasPrefix(name, creditFieldPrefix) && strings.TrimSpace(f.Get(name)) != "" {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		var lines []invoice.CreditLine
		for _, name := range names {
			amount, err := formAmount(state(r).loc, f, name)
			if err != nil {
				return err
			}
			lines = append(lines, invoice.CreditLine{LineKey: strings.TrimPrefix(name, creditFieldPrefix), AmountMinor: amount})
		}
		_, err := s.db.Invoices().CreditLines(r.Context(), state(r).principal, id, label, lines, f.Get("reason"))
		return err
	})
}

// invoiceSupplement issues a supplementary invoice of the period.
func (s *server) invoiceSupplement(w http.ResponseWriter, r *http.Request) error {
	return s.invoiceAction(w, r, func(f views.Form, id int64, label string) error {
		_, err := s.db.Invoices().Supplement(r.Context(), state(r).principal, id, label, f.Get("reason"))
		return err
	})
}

type apiCreditLine struct {
	Line        string `json:"line"` // the line's key
	AmountMinor int64  `json:"amount_minor"`
}

type apiCreditLinesIn struct {
	Lines  []apiCreditLine `json:"lines"`
	Reason string          `json:"reason"`
}

type apiSupplementIn struct {
	Reason string `json:"reason"`
}

type apiCorrectionLine struct {
	Kind        string       `json:"kind"` // credit | supplement | vat
	Line        string       `json:"line,omitempty"`
	Description string       `json:"description"`
	Quantity    *apiQuantity `json:"quantity"`
	UnitMinor   int64        `json:"unit_minor"`
	AmountMinor int64        `json:"amount_minor"`
	Taxable     bool         `json:"taxable"`
	Facts       []int64      `json:"facts"` // the facts a supplement's line bills
}

// apiCorrection is a stored correction as the API answers it.
func apiCorrection(l *i18n.Localizer, c store.CreditNote) *apiCreditNote {
	out := &apiCreditNote{Kind: c.Kind, Number: c.Number, Reason: c.Reason, IssuedOn: c.IssuedOn, VATBP: c.VATBP, NetMinor: c.NetMinor,
		VATMinor: c.VATMinor, TotalMinor: c.TotalMinor, Lines: []apiCorrectionLine{}}
	for _, ln := range c.Lines {
		v := apiCorrectionLine{Kind: ln.Kind, Description: invoicedoc.CorrectionLine(l, ln), UnitMinor: ln.UnitMinor,
			AmountMinor: ln.AmountMinor, Taxable: ln.Taxable, Facts: []int64{}}
		if ln.Kind != invoice.KindVAT {
			v.Line = ln.Clause
		}
		if ln.Quantity.Den != 0 {
			v.Quantity = &apiQuantity{Num: ln.Quantity.Num, Den: ln.Quantity.Den, Unit: ln.Quantity.Unit}
		}
		if ln.Kind == invoice.KindSupplement {
			for _, ref := range ln.Refs {
				if id, ok := factID(ref); ok {
					v.Facts = append(v.Facts, id)
				}
			}
		}
		out.Lines = append(out.Lines, v)
	}
	return out
}

func (s *server) apiInvoiceCreditLines(w http.ResponseWriter, r *http.Request) error {
	return apiStep(w, r, func(in *apiCreditLinesIn, id int64, label string) (apiDone, error) {
		var lines []invoice.CreditLine
		for _, x := range in.Lines {
			lines = append(lines, invoice.CreditLine{LineKey: x.Line, AmountMinor: x.AmountMinor})
		}
		c, err := s.db.Invoices().CreditLines(r.Context(), state(r).principal, id, label, lines, in.Reason)
		if err != nil {
			return apiDone{}, err
		}
		return apiDone{Number: c.Number, CreditNote: apiCorrection(state(r).loc, *c)}, nil
	})
}

func (s *server) apiInvoiceSupplement(w http.ResponseWriter, r *http.Request) error {
	return apiStep(w, r, func(in *apiSupplementIn, id int64, label string) (apiDone, error) {
		c, err := s.db.Invoices().Supplement(r.Context(), state(r).principal, id, label, in.Reason)
		if err != nil {
			return apiDone{}, err
		}
		return apiDone{Number: c.Number, CreditNote: apiCorrection(state(r).loc, *c)}, nil
	})
}

// factID reads a line's fact reference ("fact:12").
func factID(ref string) (int64, bool) {
	s, ok := strings.CutPrefix(ref, "fact:")
	if !ok {
		return 0, false
	}
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, n > 0
}
