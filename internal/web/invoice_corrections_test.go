package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/importer"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// November of A1 (newInvoiceEnv) at 25 % VAT: 45 000,00 + 3 leads ×
// 1 500,00 + 5 % × 12 000,00 = 50 100,00 net, 12 525,00 VAT, 62 625,00,
// issued as 2026-0001.
//
// A fourth lead accepted on 30 November, recorded after the issue: the
// supplementary invoice 2026-0002 is 1 × 1 500,00 + 375,00 VAT = 1 875,00.
// Then a credit note of chosen lines, 2026-0003, on the page: 333,33 of
// the fixed fee and 1 500,00 of the leads, net −1 833,33, VAT 25 % ×
// −1 833,33 = −458,3325 → −458,33, total −2 291,66.
func TestInvoiceCorrectionsAPIAndPage(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newInvoiceEnv(t, dialect)
			f := e.f
			c := e.anon()
			owner, manager, vendor := e.token(f.Owner), e.token(f.Manager), e.token(f.VendorManager)
			if r := c.api("PATCH", fmt.Sprintf("/api/v1/partners/%d", f.PartnerA), owner, `{"vat_bp": 2500}`); r.status != 200 {
				t.Fatalf("partner VAT: %d %s", r.status, r.body)
			}
			base := fmt.Sprintf("/api/v1/engagements/%d/invoices/2026-11", f.A1)
			post := func(token, path, body string, want int) map[string]any {
				t.Helper()
				r := c.api("POST", base+path, token, body)
				var out map[string]any
				if r.status != want || json.Unmarshal([]byte(r.body), &out) != nil {
					t.Fatalf("POST %s: %d %s, want %d", path, r.status, r.body, want)
				}
				return out
			}
			post(manager, "/supplements", `{"reason":"too early"}`, 409)
			post(manager, "/approve", "", 200)
			if out := post(owner, "/issue", "{}", 200); out["number"] != "2026-0001" {
				t.Fatalf("issued as %v", out["number"])
			}
			post(manager, "/supplements", `{"reason":"nothing new"}`, 409)
			if _, err := e.db.KPI.RecordFacts(context.Background(), f.Owner, []store.Fact{{EngagementID: f.A1, SubjectID: 9,
				At: time.Date(2026, 11, 30, 15, 0, 0, 0, invoiceZone), Data: fact.LeadAcceptedData{ClaimID: 9}}}); err != nil {
				t.Fatal(err)
			}
			post(vendor, "/supplements", `{"reason":"late lead"}`, 403)
			sup := post(manager, "/supplements", `{"reason":"A lead accepted late"}`, 200)
			cn, _ := sup["credit_note"].(map[string]any)
			if sup["number"] != "2026-0002" || cn == nil || cn["kind"] != "supplement" || cn["total_minor"] != 187_500.0 ||
				cn["vat_minor"] != 37_500.0 {
				t.Fatalf("supplement: %v", sup)
			}
			lines, _ := cn["lines"].([]any)
			if len(lines) != 2 || len(lines[0].(map[string]any)["facts"].([]any)) != 1 {
				t.Errorf("supplement's lines: %v", lines)
			}

			// The page: the credit note of chosen lines.
			var inv struct {
				Lines []struct {
					Kind string `json:"kind"`
					Key  string `json:"key"`
				} `json:"lines"`
			}
			if r := c.api("GET", base, manager, ""); r.status != 200 || json.Unmarshal([]byte(r.body), &inv) != nil {
				t.Fatalf("invoice: %d", r.status)
			}
			keys := map[string]string{}
			for _, l := range inv.Lines {
				keys[l.Kind] = l.Key
			}
			page := fmt.Sprintf("/engagements/%d/invoices/2026-11", f.A1)
			m := e.as(f.Manager)
			if r := m.post(page+"/credit-lines", url.Values{"currency": {"SEK"}, "reason": {"x"}}); r.status != 422 {
				t.Errorf("no line chosen: %d", r.status)
			}
			// The page's supplement form: nothing more to add since the API's.
			if r := m.post(page+"/supplements", url.Values{"reason": {"again"}}); r.status != 409 ||
				!strings.Contains(r.body, "Nothing to add") {
				t.Errorf("a second supplement on the page: %d", r.status)
			}
			r := m.post(page+"/credit-lines", url.Values{"currency": {"SEK"}, "reason": {"A fee day not worked, a duplicate lead"},
				"credit." + keys["fixed"]: {"333.33"}, "credit." + keys["per_result"]: {"1500"}, "credit." + keys["revenue_share"]: {""}})
			en := catalog.For(i18n.EN, invoiceZone)
			sek := func(v int64) string { return en.Money(money.New(v, "SEK")) }
			if r.status != 303 {
				t.Fatalf("credit note of lines: %d %.2000s", r.status, r.body)
			}
			r = m.get(page)
			if r.status != 200 || !strings.Contains(r.body, "2026-0003") || !strings.Contains(r.body, sek(-229_166)) ||
				!strings.Contains(r.body, sek(-45_833)) || !strings.Contains(r.body, en.T("invoices.correction.supplement")) {
				t.Fatalf("credit note of lines: %d %.3000s", r.status, r.body)
			}
			var again struct {
				CreditNotes []struct {
					Kind       string `json:"kind"`
					Number     string `json:"number"`
					NetMinor   int64  `json:"net_minor"`
					TotalMinor int64  `json:"total_minor"`
					Lines      []struct {
						Kind        string `json:"kind"`
						Line        string `json:"line"`
						AmountMinor int64  `json:"amount_minor"`
					} `json:"lines"`
				} `json:"credit_notes"`
			}
			if r := c.api("GET", base, vendor, ""); r.status != 200 || json.Unmarshal([]byte(r.body), &again) != nil ||
				len(again.CreditNotes) != 2 || again.CreditNotes[1].Kind != "credit" || again.CreditNotes[1].NetMinor != -183_333 ||
				again.CreditNotes[1].TotalMinor != -229_166 || len(again.CreditNotes[1].Lines) != 3 ||
				again.CreditNotes[1].Lines[0].Line != keys["fixed"] || again.CreditNotes[1].Lines[0].AmountMinor != -33_333 {
				t.Fatalf("read back: %d %+v", r.status, again)
			}
			// Through the API: more of the leads than is left (4 500,00 + 1 500,00 − 1 500,00) is refused.
			post(manager, "/credit-lines", fmt.Sprintf(`{"lines":[{"line":%q,"amount_minor":450001}],"reason":"x"}`, keys["per_result"]), 422)

			// The workbook lists both corrections below the invoice's totals,
			// each naming the invoice it refers to, with its total.
			x := c.api("GET", base+"/xlsx", manager, "")
			tab, err := importer.Read("invoice.xlsx", strings.NewReader(x.body), 0, 0)
			if x.status != 200 || err != nil {
				t.Fatalf("xlsx: %d %v", x.status, err)
			}
			var cells []string
			for _, row := range tab.Rows {
				cells = append(cells, strings.Join(row, "|"))
			}
			all := strings.Join(cells, "\n")
			for _, want := range []string{"2026-0002", "2026-0003", "|-2291.66|", "|1875.00|", "2026-0001"} {
				if !strings.Contains(all, want) {
					t.Errorf("xlsx: no %q in %s", want, all)
				}
			}

			// The PDF names both corrections and the invoice they refer to.
			{
				pdf := c.api("GET", base+"/pdf", manager, "")
				text := downloadText(t, pdf.body)
				for _, want := range []string{"2026-0002", "2026-0003", en.T("invoices.correction_title", "kind", en.T("invoices.correction.credit"),
					"number", "2026-0003", "date", en.Date(time.Date(2026, 12, 2, 0, 0, 0, 0, invoiceZone)), "original", "2026-0001")} {
					if !strings.Contains(text, want) {
						t.Errorf("PDF: no %q in %.3000s", want, text)
					}
				}
			}
		})
	}
}
