package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

var invoiceZone, _ = time.LoadLocation("Europe/Stockholm")

// newInvoiceEnv is an env on 2 December 2026 (Stockholm) with A1 live and
// priced per month in SEK — a fixed fee of 45 000,00, 1 500,00 per
// accepted qualified lead, 5 % of the accepted won revenue — and, in
// November, 3 accepted leads and a won deal of 12 000,00: 45 000,00 +
// 4 500,00 + 600,00 = 50 100,00 (VAT 0 %).
func newInvoiceEnv(t *testing.T, dialect string) *env {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, invoiceZone))
	e := newEnvAt(t, dialect, clock.Now)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, func(t *contract.Terms) {
		t.Price.Currency, t.Price.Period, t.Price.FloorMinor, t.Price.CapMinor = "SEK", "month", 0, 0
		t.Price.Components = []contract.PriceComponent{
			{Kind: "fixed", Description: "Monthly fee", AmountMinor: 4_500_000},
			{Kind: "per_result", Description: "Qualified lead", AmountMinor: 150_000, Unit: "qualified_lead"},
			{Kind: "revenue_share", Description: "Revenue share", ShareBP: 500},
		}
		t.Penalties = contract.Penalties{}
	})
	at := func(day int) time.Time { return time.Date(2026, 11, day, 10, 0, 0, 0, invoiceZone) }
	facts := []store.Fact{
		{EngagementID: f.A1, SubjectID: 1, At: at(3), Data: fact.LeadAcceptedData{ClaimID: 1}},
		{EngagementID: f.A1, SubjectID: 2, At: at(10), Data: fact.LeadAcceptedData{ClaimID: 2}},
		{EngagementID: f.A1, SubjectID: 3, At: at(17), Data: fact.LeadAcceptedData{ClaimID: 3}},
		{EngagementID: f.A1, SubjectID: 4, At: at(20), AmountMinor: 1_200_000, Currency: "SEK", Data: fact.DealWonData{ClaimID: 4, DealID: 40}},
	}
	if _, err := e.db.KPI.RecordFacts(context.Background(), f.Owner, facts); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestInvoicePages(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newInvoiceEnv(t, dialect)
			f := e.f
			en := catalog.For(i18n.EN, invoiceZone)
			sek := func(l *i18n.Localizer, v int64) string { return l.Money(money.New(v, "SEK")) }
			list := fmt.Sprintf("/engagements/%d/invoices", f.A1)
			for _, p := range []tandem.Principal{f.Owner, f.Manager, f.Viewer, f.VendorManager} {
				r := e.as(p).get(list)
				if r.status != 200 || !strings.Contains(r.body, en.Month(time.Date(2026, 11, 1, 0, 0, 0, 0, invoiceZone))) ||
					!strings.Contains(r.body, sek(en, 5_010_000)) || !strings.Contains(r.body, sek(en, 4_500_000)) ||
					!strings.Contains(r.body, list+"/2026-11") || !strings.Contains(r.body, en.T("invoices.tab")) {
					t.Errorf("%s: list %d %.2000s", p.Role, r.status, r.body)
				}
			}
			// The agent has no tab and no page; partner B does not find A1's; a period that is none is not found.
			agent := e.as(f.VendorAgent)
			if r := agent.get(list); r.status != 403 {
				t.Errorf("agent: %d", r.status)
			}
			if r := agent.get(fmt.Sprintf("/engagements/%d/terms", f.A1)); r.status != 200 || strings.Contains(r.body, list) {
				t.Errorf("the agent sees the invoices tab: %d", r.status)
			}
			if r := e.as(f.Manager).get(fmt.Sprintf("/engagements/%d/terms", f.A1)); !strings.Contains(r.body, list) {
				t.Error("the manager has no invoices tab")
			}
			if r := e.as(f.VendorManagerB).get(list + "/2026-11"); r.status != 404 {
				t.Errorf("partner B reads A1's invoice: %d", r.status)
			}
			for _, bad := range []string{"2026-13", "2026-W47", "november"} {
				if r := e.as(f.Manager).get(list + "/" + bad); r.status != 404 {
					t.Errorf("period %s: %d", bad, r.status)
				}
			}

			// November, line by line.
			page := e.as(f.VendorManager).get(list + "/2026-11")
			lead := en.T("invoice.line.result", "unit", contract.LabelKey("unit", "qualified_lead"))
			for _, want := range []string{lead, en.T("invoice.line.revenue_share"), sek(en, 4_500_000), sek(en, 450_000), sek(en, 150_000),
				sek(en, 60_000), sek(en, 5_010_000), en.T("invoice.explain.count_price"), en.T("invoice.rule.rounding"),
				en.T("invoice.rule.remainder"), en.N("invoices.facts", 3), en.T("invoices.fact.sales_lead_accepted"),
				en.T("invoices.terms", "version", 1, "clause", en.T("invoices.clause.component", "n", 2)),
				en.Date(time.Date(2026, 11, 17, 0, 0, 0, 0, invoiceZone)), fmt.Sprintf("/engagements/%d/sales/claims", f.A1)} {
				if !strings.Contains(page.body, want) {
					t.Errorf("the invoice page lacks %q", want)
				}
			}
			if page.status != 200 || strings.Contains(page.body, "⟦") || strings.Contains(page.body, "fact:") ||
				strings.Contains(page.body, "price.components") || strings.Contains(page.body, "qualified_lead") {
				t.Errorf("invoice page %d shows a raw key or reference", page.status)
			}
		})
	}
}

func TestInvoiceAPI(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newInvoiceEnv(t, dialect)
			f := e.f
			base := fmt.Sprintf("/api/v1/engagements/%d/invoices", f.A1)
			var list struct {
				EngagementID int64 `json:"engagement_id"`
				Invoices     []struct {
					Period     string `json:"period"`
					From, To   string
					Status     string `json:"status"`
					Currency   string `json:"currency"`
					TotalMinor int64  `json:"total_minor"`
				} `json:"invoices"`
			}
			r := e.anon().api("GET", base, e.token(f.VendorManager), "")
			if r.status != 200 || json.Unmarshal([]byte(r.body), &list) != nil || len(list.Invoices) != 2 ||
				list.Invoices[0].Period != "2026-12" || list.Invoices[0].TotalMinor != 4_500_000 ||
				list.Invoices[1].Period != "2026-11" || list.Invoices[1].TotalMinor != 5_010_000 || list.Invoices[1].From != "2026-11-01" ||
				list.Invoices[1].To != "2026-11-30" || list.Invoices[1].Status != "draft" || list.Invoices[1].Currency != "SEK" {
				t.Fatalf("list: %d %s", r.status, r.body)
			}
			var inv struct {
				TotalMinor int64 `json:"total_minor"`
				NetMinor   int64 `json:"net_minor"`
				Lines      []struct {
					Kind         string `json:"kind"`
					AmountMinor  int64  `json:"amount_minor"`
					UnitMinor    int64  `json:"unit_minor"`
					TermsVersion int    `json:"terms_version"`
					Clause       string `json:"clause"`
					Description  string `json:"description"`
					Quantity     *struct{ Num, Den int64 }
					Steps        []struct{ Label, Expr, Result string }
					Facts        []struct {
						Kind string `json:"kind"`
						Day  string `json:"day"`
					} `json:"facts"`
				} `json:"lines"`
				Rules []string `json:"rules"`
			}
			r = e.anon().api("GET", base+"/2026-11", e.token(f.Manager), "")
			if r.status != 200 || json.Unmarshal([]byte(r.body), &inv) != nil {
				t.Fatalf("invoice: %d %s", r.status, r.body)
			}
			// 45 000,00 + 3 × 1 500,00 + 5 % × 12 000,00 + VAT 0.
			want := []struct {
				kind   string
				amount int64
				facts  int
			}{{"fixed", 4_500_000, 0}, {"per_result", 450_000, 3}, {"revenue_share", 60_000, 1}, {"vat", 0, 0}}
			if inv.TotalMinor != 5_010_000 || inv.NetMinor != 5_010_000 || len(inv.Lines) != len(want) || len(inv.Rules) != 10 {
				t.Fatalf("invoice: %s", r.body)
			}
			for i, w := range want {
				l := inv.Lines[i]
				if l.Kind != w.kind || l.AmountMinor != w.amount || len(l.Facts) != w.facts || len(l.Steps) == 0 || l.Description == "" ||
					strings.HasPrefix(l.Description, "⟦") || strings.HasPrefix(l.Steps[0].Label, "⟦") {
					t.Errorf("line %d: %+v", i, l)
				}
			}
			if l := inv.Lines[1]; l.UnitMinor != 150_000 || l.Quantity == nil || l.Quantity.Num != 3 || l.Quantity.Den != 1 ||
				l.TermsVersion != 1 || l.Clause != "price.components.1" || l.Facts[2].Kind != "sales.lead_accepted" || l.Facts[2].Day != "2026-11-17" {
				t.Errorf("the leads' line: %+v", l)
			}
			if r := e.anon().api("GET", base+"/2026-11", e.token(f.VendorAgent), ""); r.status != 403 {
				t.Errorf("agent: %d", r.status)
			}
			if r := e.anon().api("GET", base+"/2026-11", e.token(f.VendorManagerB), ""); r.status != 404 {
				t.Errorf("partner B: %d", r.status)
			}
			if r := e.anon().api("GET", base+"/2025-06", e.token(f.Manager), ""); r.status != 409 || !strings.Contains(r.body, "conflict") {
				t.Errorf("a period before the terms: %d %s", r.status, r.body)
			}
		})
	}
}
