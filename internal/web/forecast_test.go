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
)

// On Wednesday 11 November 2026, 8 of November's 21 business days have
// passed (2–6, 9–11); 12 qualified leads so far project to 12 × 21 ÷ 8 =
// 31.5 → 32 (17 to 46). The invoice: 45 000,00 + 12 × 1 500,00 = 63 000,00
// so far, 45 000,00 + 32 × 1 500,00 = 93 000,00 projected, 70 500,00 to
// 114 000,00. The KPI (target 40, threshold 10) scores 73.33.
func TestForecastPagesAndAPI(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 11, 11, 12, 0, 0, 0, invoiceZone))
			e := newEnvAt(t, dialect, clock.Now)
			f := e.f
			storetest.Activate(t, e.db, f.Owner, f.A1, func(t *contract.Terms) {
				t.Price.Currency, t.Price.Period, t.Price.FloorMinor, t.Price.CapMinor = "SEK", "month", 0, 0
				t.Price.Components = []contract.PriceComponent{
					{Kind: "fixed", Description: "Monthly fee", AmountMinor: 4_500_000},
					{Kind: "per_result", Description: "Qualified lead", AmountMinor: 150_000, Unit: "qualified_lead"},
				}
				t.Penalties = contract.Penalties{}
				t.Calendar.WorkDays, t.Calendar.Holidays = []int{1, 2, 3, 4, 5}, nil
				goal := ""
				if len(t.Goals) > 0 {
					goal = t.Goals[0].Key
				}
				t.KPIs = []contract.KPI{{Key: "leads", GoalKey: goal, Metric: "qualified_leads", Name: "Qualified leads", Target: 40,
					Threshold: 10, Direction: "higher", Weight: 1, Period: "month"}}
			})
			var facts []store.Fact
			for i := range 12 {
				facts = append(facts, store.Fact{EngagementID: f.A1, SubjectID: int64(i + 1),
					At: time.Date(2026, 11, 2+i%8, 10, 0, 0, 0, invoiceZone), Data: fact.LeadAcceptedData{ClaimID: int64(i + 1)}})
			}
			if _, err := e.db.KPI.RecordFacts(context.Background(), f.Owner, facts); err != nil {
				t.Fatal(err)
			}
			api := fmt.Sprintf("/api/v1/engagements/%d/forecast", f.A1)
			var out struct {
				Period   string `json:"period"`
				Elapsed  int    `json:"business_days_elapsed"`
				Total    int    `json:"business_days_total"`
				Method   string `json:"method"`
				SoFar    int64  `json:"so_far_minor"`
				Proj     int64  `json:"projected_minor"`
				Low      int64  `json:"low_minor"`
				High     int64  `json:"high_minor"`
				Score    *int   `json:"total_score"`
				Currency string `json:"currency"`
				KPIs     []struct {
					Key       string `json:"key"`
					Scales    bool   `json:"scales"`
					Measured  string `json:"measured"`
					Projected string `json:"projected"`
					Low       string `json:"low"`
					High      string `json:"high"`
					Score     int    `json:"score"`
				} `json:"kpis"`
			}
			r := e.anon().api("GET", api, e.token(f.Manager), "")
			if r.status != 200 || json.Unmarshal([]byte(r.body), &out) != nil || out.Period != "2026-11" || out.Elapsed != 8 ||
				out.Total != 21 || out.SoFar != 6_300_000 || out.Proj != 9_300_000 || out.Low != 7_050_000 || out.High != 11_400_000 ||
				out.Score == nil || *out.Score != 7333 || out.Currency != "SEK" || out.Method == "" || len(out.KPIs) != 1 ||
				!out.KPIs[0].Scales || out.KPIs[0].Measured != "12" || out.KPIs[0].Projected != "32" || out.KPIs[0].Low != "17" ||
				out.KPIs[0].High != "46" || out.KPIs[0].Score != 7333 {
				t.Fatalf("forecast: %d %s", r.status, r.body)
			}
			if r := e.anon().api("GET", api, e.token(f.VendorAgent), ""); r.status != 403 {
				t.Errorf("agent: %d", r.status)
			}
			if r := e.anon().api("GET", api, e.token(f.VendorManagerB), ""); r.status != 404 {
				t.Errorf("partner B: %d", r.status)
			}
			en := catalog.For(i18n.EN, invoiceZone)
			sek := func(v int64) string { return en.Money(money.New(v, "SEK")) }
			lead := en.T("forecast.lead", "period", en.Month(time.Date(2026, 11, 1, 0, 0, 0, 0, invoiceZone)), "elapsed", int64(8), "total", int64(21))
			for _, path := range []string{fmt.Sprintf("/engagements/%d/invoices/2026-11", f.A1), fmt.Sprintf("/engagements/%d/scorecard", f.A1)} {
				r := e.as(f.Manager).get(path)
				for _, want := range []string{en.T("forecast.title"), lead, sek(6_300_000), sek(9_300_000),
					en.T("forecast.range", "low", sek(7_050_000), "high", sek(11_400_000)), "73.33", en.T("forecast.range", "low", "17", "high", "46")} {
					if !strings.Contains(r.body, want) {
						t.Errorf("%s: no %q in %d %.3000s", path, want, r.status, r.body)
						break
					}
				}
			}
			// October's invoice is not the current period: no forecast; the agent's scorecard has none.
			if r := e.as(f.Manager).get(fmt.Sprintf("/engagements/%d/invoices/2026-10", f.A1)); strings.Contains(r.body, en.T("forecast.title")) {
				t.Errorf("October shows a forecast")
			}
			if r := e.as(f.VendorAgent).get(fmt.Sprintf("/engagements/%d/scorecard", f.A1)); r.status != 200 ||
				strings.Contains(r.body, en.T("forecast.title")) {
				t.Errorf("agent's scorecard: %d, forecast shown", r.status)
			}
		})
	}
}
