package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// The worth page and API on A1 (newInvoiceEnv: fixed 45 000,00 a month,
// 1 500,00 per accepted lead, 5 % of accepted won revenue; today is 2
// December 2026), worked out by hand:
//
//	November: 45 000,00 + 3 × 1 500,00 + 5 % × 12 000,00 = 50 100,00
//	          budget 50 000,00 → 100,00 over
//	          per lead 50 100,00 ÷ 3 = 16 700,00
//	          return (12 000,00 − 50 100,00) ÷ 50 100,00 = −38 100 / 50 100 → −76.0 %
//	July–October and December: the fixed fee alone, 45 000,00 each
//	six months outsourced: 5 × 45 000,00 + 50 100,00 = 275 100,00
//	in house, Sweden's preset for one person over six months:
//	  6 × 45 000,00 × 1,3592 = 366 984,00; 6 × 6 000,00 = 36 000,00;
//	  6 × 8 000,00 = 48 000,00; hiring 60 000,00; leavers
//	  15 % × 6/12 × 60 000,00 = 4 500,00 → 515 484,00, 240 384,00 more.
func TestWorthPageAndAPI(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newInvoiceEnv(t, dialect)
			f := e.f
			en := catalog.For(i18n.EN, invoiceZone)
			sek := func(v int64) string { return en.Money(money.New(v, "SEK")) }
			page := fmt.Sprintf("/engagements/%d/worth", f.A1)
			r := e.as(f.Manager).post(page+"/budget", url.Values{"month": {"2026-11"}, "amount": {"50,000.00"}})
			if r.status != 303 {
				t.Fatalf("set budget: %d %.300s", r.status, r.body)
			}
			if r := e.as(f.Manager).post(page+"/budget", url.Values{"month": {"2026-11"}, "amount": {"lots"}}); r.status != 422 ||
				!strings.Contains(r.body, en.T("worth.bad_amount")) {
				t.Errorf("a budget of lots: %d", r.status)
			}
			r = e.as(f.Owner).get(page)
			for _, want := range []string{sek(5_000_000), sek(5_010_000), sek(10_000), sek(1_670_000), "-76.0%", sek(4_500_000)} {
				if !strings.Contains(r.body, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			r = e.as(f.Viewer).get(page + "?preset=SE")
			if !strings.Contains(r.body, sek(51_548_400)) || !strings.Contains(r.body, sek(27_510_000)) {
				t.Errorf("the Swedish preset's comparison is missing")
			}
			token := e.token(f.Owner)
			body := `{"country":"SE","currency":"SEK","people":1,"salary_minor":4500000,"employer_bp":3592,"office_minor":600000,` +
				`"hiring_minor":6000000,"turnover_bp":1500,"management_minor":800000}`
			if r := e.anon().api("POST", fmt.Sprintf("/api/v1/engagements/%d/inhouse", f.A1), token, body); r.status != 200 {
				t.Fatalf("save in-house: %d %s", r.status, r.body)
			}
			if r := e.anon().api("POST", fmt.Sprintf("/api/v1/engagements/%d/inhouse", f.A1), token, `{"country":"FI"}`); r.status != 422 {
				t.Errorf("Finland: %d %s", r.status, r.body)
			}
			r = e.anon().api("GET", fmt.Sprintf("/api/v1/engagements/%d/worth", f.A1), e.token(f.Viewer), "")
			var got struct {
				Months []struct {
					Month         string            `json:"month"`
					BudgetMinor   *int64            `json:"budget_minor"`
					ActualMinor   *int64            `json:"actual_minor"`
					VarianceMinor *int64            `json:"variance_minor"`
					CostPer       map[string]*int64 `json:"cost_per_result_minor"`
					ROI           *struct{ Num, Den int64 }
				} `json:"months"`
				Comparison *struct {
					Months      int64 `json:"months"`
					InHouse     int64 `json:"inhouse_minor"`
					Outsourced  int64 `json:"outsourced_minor"`
					SavingMinor int64 `json:"saving_minor"`
				} `json:"comparison"`
			}
			if err := json.Unmarshal([]byte(r.body), &got); err != nil || r.status != 200 || len(got.Months) != 6 {
				t.Fatalf("worth: %d %v %.500s", r.status, err, r.body)
			}
			nov, dec := got.Months[4], got.Months[5]
			if nov.Month != "2026-11" || *nov.BudgetMinor != 5_000_000 || *nov.ActualMinor != 5_010_000 || *nov.VarianceMinor != 10_000 ||
				*nov.CostPer["qualified_lead"] != 1_670_000 || nov.CostPer["meeting"] != nil || nov.ROI == nil ||
				nov.ROI.Num != -3_810_000 || nov.ROI.Den != 5_010_000 {
				t.Errorf("November %+v", nov)
			}
			if dec.Month != "2026-12" || *dec.ActualMinor != 4_500_000 || dec.BudgetMinor != nil || dec.ROI != nil {
				t.Errorf("December %+v", dec)
			}
			// The portfolio: six months' spend, cost per lead and return
			// for the client; nothing of it for the partner.
			//	spend 275 100,00; 3 leads → 91 700,00 per lead
			//	return (12 000,00 − 275 100,00) ÷ 275 100,00 = −95.637… % → −95.6 %
			r = e.as(f.Owner).get("/portfolio")
			for _, want := range []string{sek(27_510_000), en.T("portfolio.per.qualified_lead", "cost", sek(9_170_000)),
				en.T("portfolio.roi", "roi", "-95.6%")} {
				if !strings.Contains(r.body, want) {
					t.Errorf("the portfolio lacks %q", want)
				}
			}
			if r := e.as(f.VendorManager).get("/portfolio"); r.status != 200 || strings.Contains(r.body, en.T("portfolio.spend")) {
				t.Errorf("the partner's portfolio shows spend: %d", r.status)
			}
			if c := got.Comparison; c == nil || c.Months != 6 || c.Outsourced != 27_510_000 || c.InHouse != 51_548_400 || c.SavingMinor != 24_038_400 {
				t.Errorf("comparison %+v", got.Comparison)
			}
		})
	}
}
