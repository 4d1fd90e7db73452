package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// November 2026 has 21 business days (Monday to Friday: 2–6, 9–13, 16–20,
// 23–27, 30); on Wednesday 11 November 8 have elapsed (2–6, 9–11). 12
// qualified leads so far project to 12 × 21 ÷ 8 = 31.5 → 32, with the band
// (12 ± 1.64 × √12) × 21 ÷ 8 = 16.59… to 46.41… → 17 to 46.
//
// The invoice (salesPrice, VAT 0 %): so far 45 000,00 + 12 × 1 500,00 =
// 63 000,00; projected 45 000,00 + 32 × 1 500,00 = 93 000,00; at 17 leads
// 70 500,00, at 46 leads 114 000,00. The KPI (target 40, threshold 10)
// scores (32 − 10) ÷ 30 = 73.33, from 23.33 (17) to 100.00 (46).
func TestInvoiceForecast(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 11, 11, 12, 0, 0, 0, stockholmZone))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, func(tm *contract.Terms) {
				salesPrice(tm)
				tm.Calendar.WorkDays, tm.Calendar.Holidays = []int{1, 2, 3, 4, 5}, nil
				goal := ""
				if len(tm.Goals) > 0 {
					goal = tm.Goals[0].Key
				}
				tm.KPIs = []contract.KPI{{Key: "leads", GoalKey: goal, Metric: "qualified_leads", Name: "Qualified leads", Target: 40,
					Threshold: 10, Direction: "higher", Weight: 1, Period: "month"}}
			})
			var facts []store.Fact
			for i := range 12 {
				facts = append(facts, store.Fact{EngagementID: f.A1, SubjectID: int64(i + 1),
					At: time.Date(2026, 11, 2+i%8, 10, 0, 0, 0, stockholmZone), Data: fact.LeadAcceptedData{ClaimID: int64(i + 1)}})
			}
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil {
				t.Fatal(err)
			}
			fc, err := db.Invoices().Forecast(ctx, f.Manager, f.A1)
			mustDo(t, err)
			if fc.Label != "2026-11" || fc.Pace.Elapsed != 8 || fc.Pace.Total != 21 || fc.Currency != "SEK" {
				t.Fatalf("forecast of %s at %d of %d business days (%s)", fc.Label, fc.Pace.Elapsed, fc.Pace.Total, fc.Currency)
			}
			if fc.Measured.TotalMinor != 6_300_000 || fc.Projected.TotalMinor != 9_300_000 || fc.LowMinor != 7_050_000 ||
				fc.HighMinor != 11_400_000 {
				t.Errorf("invoice so far %d, projected %d (%d to %d)", fc.Measured.TotalMinor, fc.Projected.TotalMinor, fc.LowMinor,
					fc.HighMinor)
			}
			if len(fc.KPIs) != 1 {
				t.Fatalf("%d KPIs", len(fc.KPIs))
			}
			k := fc.KPIs[0]
			if k.Measured != kpi.Int(12) || k.Projected != kpi.Int(32) || k.Low != kpi.Int(17) || k.High != kpi.Int(46) ||
				k.Score != 7333 || k.LowScore != 2333 || k.HighScore != 10000 || !fc.HasTotal || fc.Total != 7333 {
				t.Errorf("leads KPI %+v, total %d", k, fc.Total)
			}
			// A partner's person of another engagement sees nothing.
			if _, err := db.Invoices().Forecast(ctx, f.VendorManagerB, f.A1); err == nil {
				t.Error("another partner read the forecast")
			}
		})
	}
}
