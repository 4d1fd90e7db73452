package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// The workflow through the API, partner A at 25 % VAT (set through the
// partners API). November of A1 (newInvoiceEnv), worked out by hand:
//
//	fixed fee 45 000,00 + 3 leads × 1 500,00 + 5 % × 12 000,00 = 50 100,00
//	dispute upheld: leads agreed at 6 000,00                    +1 500,00 (taxable)
//	withheld from the fixed fee                                 −5 000,00 (not taxable)
//	VAT 25 % × (50 100,00 + 1 500,00) = 25 % × 51 600,00        12 900,00
//	net 46 600,00, total 59 500,00
//
// Issued as 2026-0001 on 2 December 2026, due 1 January 2027, one payment
// of 59 500,00. A credit note of 1 000,00 net is −1 000,00 − 250,00 =
// −1 250,00, numbered 2026-0002. The released withholding goes onto
// December's draft.
func TestInvoiceWorkflowAPI(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newInvoiceEnv(t, dialect)
			f := e.f
			c := e.anon()
			owner, manager, vendor := e.token(f.Owner), e.token(f.Manager), e.token(f.VendorManager)
			if r := c.api("PATCH", fmt.Sprintf("/api/v1/partners/%d", f.PartnerA), owner, `{"vat_bp": 2500}`); r.status != 200 ||
				!strings.Contains(r.body, `"vat_bp":2500`) {
				t.Fatalf("partner VAT: %d %s", r.status, r.body)
			}
			if r := c.api("PATCH", fmt.Sprintf("/api/v1/partners/%d", f.PartnerA), owner, `{"vat_bp": 10001}`); r.status != 422 {
				t.Errorf("VAT above 100 %%: %d %s", r.status, r.body)
			}
			base := fmt.Sprintf("/api/v1/engagements/%d/invoices/2026-11", f.A1)
			type invoiceJSON struct {
				Status     string `json:"status"`
				Number     string `json:"number"`
				DueOn      string `json:"due_on"`
				PaidOn     string `json:"paid_on"`
				NetMinor   int64  `json:"net_minor"`
				VATMinor   int64  `json:"vat_minor"`
				TotalMinor int64  `json:"total_minor"`
				Lines      []struct {
					Kind        string `json:"kind"`
					Key         string `json:"key"`
					AmountMinor int64  `json:"amount_minor"`
				} `json:"lines"`
				Disputes    []struct{ Status string } `json:"disputes"`
				Adjustments []struct {
					ID       int64  `json:"id"`
					Kind     string `json:"kind"`
					Released bool   `json:"released"`
				} `json:"adjustments"`
				CreditNotes []struct {
					Number     string `json:"number"`
					TotalMinor int64  `json:"total_minor"`
				} `json:"credit_notes"`
				Schedule []struct {
					DueOn       string `json:"due_on"`
					AmountMinor int64  `json:"amount_minor"`
				} `json:"schedule"`
			}
			get := func(token string) invoiceJSON {
				t.Helper()
				var x invoiceJSON
				r := c.api("GET", base, token, "")
				if r.status != 200 || json.Unmarshal([]byte(r.body), &x) != nil {
					t.Fatalf("invoice: %d %s", r.status, r.body)
				}
				return x
			}
			x := get(vendor)
			if x.TotalMinor != 6_262_500 || x.VATMinor != 1_252_500 || x.Lines[0].Key == "" || x.Lines[len(x.Lines)-1].Key != "" {
				t.Fatalf("draft at 25 %%: %+v", x)
			}
			fixed, leads := x.Lines[0].Key, x.Lines[1].Key
			post := func(token, path, body string, want int) map[string]any {
				t.Helper()
				r := c.api("POST", base+path, token, body)
				var out map[string]any
				json.Unmarshal([]byte(r.body), &out)
				if r.status != want {
					t.Errorf("POST %s: %d %s, want %d", path, r.status, r.body, want)
				}
				return out
			}
			post(e.token(f.VendorAgent), "/disputes", `{"line":"`+leads+`","reason":"x"}`, 403)
			post(e.token(f.VendorManagerB), "/disputes", `{"line":"`+leads+`","reason":"x"}`, 404)
			post(vendor, "/disputes", `{"line":"nope","reason":"x"}`, 422)
			d := post(vendor, "/disputes", `{"line":"`+leads+`","reason":"The lead of 28 November is missing"}`, 200)
			dispute := fmt.Sprint(d["id"])
			post(manager, "/approve", "", 409)
			post(manager, "/disputes/"+dispute+"/decide", `{"decision":"maybe","reason":"x"}`, 422)
			post(manager, "/disputes/"+dispute+"/decide", `{"decision":"upheld","agreed_minor":600000,"reason":"Four leads"}`, 200)
			w := post(manager, "/withhold", `{"line":"`+fixed+`","amount_minor":500000,"reason":"Week 47 report missing"}`, 200)
			x = get(owner)
			if x.NetMinor != 4_660_000 || x.VATMinor != 1_290_000 || x.TotalMinor != 5_950_000 {
				t.Errorf("after dispute and withholding: net %d VAT %d total %d", x.NetMinor, x.VATMinor, x.TotalMinor)
			}
			post(manager, "/approve", "", 200)
			if out := post(owner, "/issue", "{}", 200); out["number"] != "2026-0001" {
				t.Errorf("issued: %v", out)
			}
			post(vendor, "/disputes", `{"line":"`+leads+`","reason":"late"}`, 409)
			post(manager, "/withhold", `{"line":"`+fixed+`","amount_minor":1,"reason":"late"}`, 409)
			cn := post(manager, "/credit-notes", `{"amount_minor":100000,"reason":"One lead was a duplicate"}`, 200)
			if note, _ := cn["credit_note"].(map[string]any); note == nil || note["number"] != "2026-0002" || note["total_minor"] != float64(-125_000) {
				t.Errorf("credit note: %v", cn)
			}
			post(manager, "/paid", `{"paid_on":"2026-12-01"}`, 422)
			post(manager, "/paid", `{"paid_on":"2026-12-10"}`, 200)
			rel := post(manager, fmt.Sprintf("/withholdings/%v/release", w["id"]), "", 200)
			if rel["into"] != "2026-12" {
				t.Errorf("released into %v", rel)
			}
			x = get(vendor)
			if x.Status != "paid" || x.Number != "2026-0001" || x.DueOn != "2027-01-01" || x.PaidOn != "2026-12-10" ||
				len(x.Schedule) != 1 || x.Schedule[0].AmountMinor != 5_950_000 || len(x.CreditNotes) != 1 ||
				x.TotalMinor+x.CreditNotes[0].TotalMinor != 5_825_000 || len(x.Disputes) != 1 || x.Disputes[0].Status != "upheld" ||
				len(x.Adjustments) != 2 || !x.Adjustments[1].Released {
				t.Errorf("paid: %+v", x)
			}
		})
	}
}

// The partner form takes the VAT rate as a percentage and shows it.
func TestPartnerVATForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	c := e.as(f.Owner)
	path := fmt.Sprintf("/partners/%d", f.PartnerA)
	form := url.Values{"legal_name": {"Alpha Sales AB"}, "country": {"SE"}, "status": {"active"}, "vat_bp": {"12,5"}}
	if r := c.post(path, form); r.status != 303 {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	en := catalog.For(i18n.EN, nil)
	if r := c.get(path); !strings.Contains(r.body, en.Percent(1250, 10000, 2)) {
		t.Errorf("the partner page lacks the VAT rate %s", en.Percent(1250, 10000, 2))
	}
	if r := c.get(path + "/edit"); !strings.Contains(r.body, `value="12.5"`) {
		t.Error("the form does not show the rate back")
	}
	form.Set("vat_bp", "a lot")
	if r := c.post(path, form); r.status != 422 {
		t.Errorf("a rate that is no number: %d", r.status)
	}
}
