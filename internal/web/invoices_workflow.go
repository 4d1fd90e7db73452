package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// The invoice workflow's page actions and API (invoice/workflow.go): each
// handler parses, calls one store method and redirects to the invoice (or
// answers JSON).

// invoiceRef reads the {id} and {period} of the path: the engagement and
// the period's label.
func invoiceRef(r *http.Request) (int64, string, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, "", err
	}
	p, err := invoicePeriod(r)
	if err != nil {
		return 0, "", err
	}
	return id, p.String(), nil
}

func invoicePath(engagementID int64, label string) string {
	return invoicesPath(engagementID) + "/" + label
}

// pathInt reads a numeric path value; a malformed one is not found.
func pathInt(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, tandem.ErrNotFound
	}
	return n, nil
}

// formAmount reads an amount typed in the reader's notation in the
// invoice's currency (the form's hidden currency) into minor units.
func formAmount(l *i18n.Localizer, f views.Form, name string) (int64, error) {
	s := strings.TrimSpace(f.Get(name))
	n, err := money.ParseAmount(s, f.Get("currency"), decimalSep(l))
	if s == "" || err != nil {
		var v tandem.Validator
		v.Add(name, i18n.K("validation.number"))
		return 0, v.Err()
	}
	return n, nil
}

// invoiceAction runs a page action: parse the form, do, and redirect to the
// invoice; a validation or conflict error shows the invoice with the
// message.
func (s *server) invoiceAction(w http.ResponseWriter, r *http.Request, do func(f views.Form, id int64, label string) error) error {
	id, label, err := invoiceRef(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := do(f, id, label); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		// The forms are small and inline: the fields' messages, in field
		// order, are the message at the top of the invoice.
		if len(f.Errors) > 0 {
			names := slices.Sorted(maps.Keys(f.Errors))
			msgs := make([]string, len(names))
			for i, n := range names {
				msgs[i] = f.Errors[n]
			}
			f.Message = strings.Join(msgs, " ")
		}
		return s.showInvoice(w, r, f, invoiceKey{id, label}, invalidStatus(err))
	}
	return redirect(w, r, invoicePath(id, label))
}

func (s *server) invoiceDispute(w http.ResponseWriter, r *http.Request) error {
	return s.invoiceAction(w, r, func(f views.Form, id int64, label string) error {
		_, err := s.db.Invoices().Dispute(r.Context(), state(r).principal, id, label, f.Get("line"), f.Get("reason"))
		return err
	})
}

func (s *server) invoiceDecide(w http.ResponseWriter, r *http.Request) error {
	did, err := pathInt(r, "dispute")
	if err != nil {
		return err
	}
	return s.invoiceAction(w, r, func(f views.Form, id int64, label string) error {
		upheld := f.Get("decision") == invoice.DisputeUpheld
		var agreed int64
		if upheld {
			if agreed, err = formAmount(state(r).loc, f, "agreed"); err != nil {
				return err
			}
		}
		return s.db.Invoices().DecideDispute(r.Context(), state(r).principal, id, label, did, upheld, agreed, f.Get("reason"))
	})
}

func (s *server) invoiceWithhold(w http.ResponseWriter, r *http.Request) error {
	return s.invoiceAction(w, r, func(f views.Form, id int64, label string) error {
		amount, err := formAmount(state(r).loc, f, "amount")
		if err != nil {
			return err
		}
		_, err = s.db.Invoices().Withhold(r.Context(), state(r).principal, id, label, f.Get("line"), amount, f.Get("reason"))
		return err
	})
}

func (s *server) invoiceRelease(w http.ResponseWriter, r *http.Request) error {
	wid, err := pathInt(r, "withholding")
	if err != nil {
		return err
	}
	return s.invoiceAction(w, r, func(_ views.Form, id int64, label string) error {
		_, err := s.db.Invoices().Release(r.Context(), state(r).principal, id, label, wid)
		return err
	})
}

func (s *server) invoiceApprove(w http.ResponseWriter, r *http.Request) error {
	return s.invoiceAction(w, r, func(_ views.Form, id int64, label string) error {
		return s.db.Invoices().Approve(r.Context(), state(r).principal, id, label)
	})
}

func (s *server) invoiceIssue(w http.ResponseWriter, r *http.Request) error {
	return s.invoiceAction(w, r, func(_ views.Form, id int64, label string) error {
		_, err := s.db.Invoices().Issue(r.Context(), state(r).principal, id, label)
		return err
	})
}

func (s *server) invoicePaid(w http.ResponseWriter, r *http.Request) error {
	return s.invoiceAction(w, r, func(f views.Form, id int64, label string) error {
		return s.db.Invoices().MarkPaid(r.Context(), state(r).principal, id, label, strings.TrimSpace(f.Get("paid_on")))
	})
}

func (s *server) invoiceCredit(w http.ResponseWriter, r *http.Request) error {
	return s.invoiceAction(w, r, func(f views.Form, id int64, label string) error {
		amount, err := formAmount(state(r).loc, f, "amount")
		if err != nil {
			return err
		}
		_, err = s.db.Invoices().Credit(r.Context(), state(r).principal, id, label, amount, f.Get("reason"))
		return err
	})
}

// The API of the workflow: the same store calls, JSON in and out.

type apiDisputeIn struct {
	Line   string `json:"line"`
	Reason string `json:"reason"`
}

type apiDecideIn struct {
	Decision    string `json:"decision"` // upheld | rejected
	AgreedMinor int64  `json:"agreed_minor"`
	Reason      string `json:"reason"`
}

type apiWithholdIn struct {
	Line        string `json:"line"`
	AmountMinor int64  `json:"amount_minor"`
	Reason      string `json:"reason"`
}

type apiPaidIn struct {
	PaidOn string `json:"paid_on"`
}

type apiCreditIn struct {
	AmountMinor int64  `json:"amount_minor"`
	Reason      string `json:"reason"`
}

// apiDone is the answer of a workflow step: the invoice's period and what
// the step made (a dispute's or withholding's id, a number, the period a
// release went onto, a credit note).
type apiDone struct {
	Period     string         `json:"period"`
	ID         int64          `json:"id,omitempty"`
	Number     string         `json:"number,omitempty"`
	Into       string         `json:"into,omitempty"`
	CreditNote *apiCreditNote `json:"credit_note,omitempty"`
}

type apiCreditNote struct {
	Kind       string `json:"kind"` // credit | supplement
	Number     string `json:"number"`
	Reason     string `json:"reason"`
	IssuedOn   string `json:"issued_on"`
	VATBP      int    `json:"vat_bp"`
	NetMinor   int64  `json:"net_minor"`
	VATMinor   int64  `json:"vat_minor"`
	TotalMinor int64  `json:"total_minor"`
	// Lines are a correction's lines with its VAT line; none for a credit
	// note of an amount.
	Lines []apiCorrectionLine `json:"lines"`
}

// apiInvoiceStep runs an API step: decode the body into in (nil: none),
// do, answer 200 with what it returns.
func apiStep[T any](w http.ResponseWriter, r *http.Request, do func(in *T, id int64, label string) (apiDone, error)) error {
	id, label, err := invoiceRef(r)
	if err != nil {
		return err
	}
	var in T
	if err := decodeOptionalJSON(w, r, &in); err != nil {
		return err
	}
	out, err := do(&in, id, label)
	if err != nil {
		return err
	}
	out.Period = label
	writeJSON(w, http.StatusOK, out)
	return nil
}

type apiNone struct{}

func (s *server) apiInvoiceDispute(w http.ResponseWriter, r *http.Request) error {
	return apiStep(w, r, func(in *apiDisputeIn, id int64, label string) (apiDone, error) {
		n, err := s.db.Invoices().Dispute(r.Context(), state(r).principal, id, label, in.Line, in.Reason)
		return apiDone{ID: n}, err
	})
}

func (s *server) apiInvoiceDecide(w http.ResponseWriter, r *http.Request) error {
	did, err := pathInt(r, "dispute")
	if err != nil {
		return err
	}
	return apiStep(w, r, func(in *apiDecideIn, id int64, label string) (apiDone, error) {
		if in.Decision != invoice.DisputeUpheld && in.Decision != invoice.DisputeRejected {
			return apiDone{}, invalidField("decision", "validation.one_of")
		}
		err := s.db.Invoices().DecideDispute(r.Context(), state(r).principal, id, label, did, in.Decision == invoice.DisputeUpheld,
			in.AgreedMinor, in.Reason)
		return apiDone{ID: did}, err
	})
}

func (s *server) apiInvoiceWithhold(w http.ResponseWriter, r *http.Request) error {
	return apiStep(w, r, func(in *apiWithholdIn, id int64, label string) (apiDone, error) {
		n, err := s.db.Invoices().Withhold(r.Context(), state(r).principal, id, label, in.Line, in.AmountMinor, in.Reason)
		return apiDone{ID: n}, err
	})
}

func (s *server) apiInvoiceRelease(w http.ResponseWriter, r *http.Request) error {
	wid, err := pathInt(r, "withholding")
	if err != nil {
		return err
	}
	return apiStep(w, r, func(_ *apiNone, id int64, label string) (apiDone, error) {
		into, err := s.db.Invoices().Release(r.Context(), state(r).principal, id, label, wid)
		return apiDone{ID: wid, Into: into}, err
	})
}

func (s *server) apiInvoiceApprove(w http.ResponseWriter, r *http.Request) error {
	return apiStep(w, r, func(_ *apiNone, id int64, label string) (apiDone, error) {
		return apiDone{}, s.db.Invoices().Approve(r.Context(), state(r).principal, id, label)
	})
}

func (s *server) apiInvoiceIssue(w http.ResponseWriter, r *http.Request) error {
	return apiStep(w, r, func(_ *apiNone, id int64, label string) (apiDone, error) {
		n, err := s.db.Invoices().Issue(r.Context(), state(r).principal, id, label)
		return apiDone{Number: n}, err
	})
}

func (s *server) apiInvoicePaid(w http.ResponseWriter, r *http.Request) error {
	return apiStep(w, r, func(in *apiPaidIn, id int64, label string) (apiDone, error) {
		return apiDone{}, s.db.Invoices().MarkPaid(r.Context(), state(r).principal, id, label, in.PaidOn)
	})
}

func (s *server) apiInvoiceCredit(w http.ResponseWriter, r *http.Request) error {
	return apiStep(w, r, func(in *apiCreditIn, id int64, label string) (apiDone, error) {
		c, err := s.db.Invoices().Credit(r.Context(), state(r).principal, id, label, in.AmountMinor, in.Reason)
		if err != nil {
			return apiDone{}, err
		}
		return apiDone{Number: c.Number, CreditNote: apiCorrection(state(r).loc, *c)}, nil
	})
}
