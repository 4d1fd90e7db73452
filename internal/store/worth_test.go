package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/worth"
)

// November and December 2026 on A1 (salesPrice), worked out by hand, today
// being 2 December:
//
//	November: fixed 45 000,00 + 3 leads × 1 500,00 + 1 deal × 2 000,00
//	          + 5 % × 100 000,00 won = 56 500,00
//	          budget 50 000,00 → 6 500,00 over
//	          per lead 56 500,00 ÷ 3 = 18 833,333… → 18 833,33; per deal 56 500,00
//	          ROI (100 000,00 − 56 500,00) ÷ 56 500,00 = 43 500 / 56 500 (77.0 %)
//	December: fixed 45 000,00, no results, no revenue: no cost per result, no ROI
//	          no budget
//
// Nothing is written: no invoice is stored by reading.
func TestWorthOverview(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, stockholmZone))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, salesPrice)
			at := func(day int) time.Time { return time.Date(2026, 11, day, 10, 0, 0, 0, stockholmZone) }
			facts := []store.Fact{
				{EngagementID: f.A1, SubjectID: 1, At: at(3), Data: fact.LeadAcceptedData{ClaimID: 1}},
				{EngagementID: f.A1, SubjectID: 2, At: at(10), Data: fact.LeadAcceptedData{ClaimID: 2}},
				{EngagementID: f.A1, SubjectID: 3, At: at(17), Data: fact.LeadAcceptedData{ClaimID: 3}},
				{EngagementID: f.A1, SubjectID: 4, At: at(20), AmountMinor: 10_000_000, Currency: "SEK", Data: fact.DealWonData{ClaimID: 4, DealID: 40}},
			}
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil {
				t.Fatal(err)
			}
			w := db.Worth()
			mustDo(t, w.SetBudget(ctx, f.Manager, f.A1, "2026-11", 4_000_000))
			mustDo(t, w.SetBudget(ctx, f.Owner, f.A1, "2026-11", 5_000_000)) // replaces
			if err := w.SetBudget(ctx, f.Viewer, f.A1, "2026-11", 1); errCode(err) != tandem.EForbidden {
				t.Errorf("a viewer sets a budget: %v", err)
			}
			if err := w.SetBudget(ctx, f.Manager, f.A1, "2026-13", 1); errCode(err) != tandem.EInvalid {
				t.Errorf("month 13: %v", err)
			}
			if err := w.SetBudget(ctx, f.Manager, f.A1, "2026-11", -1); errCode(err) != tandem.EInvalid {
				t.Errorf("a negative budget: %v", err)
			}
			if _, err := w.Overview(ctx, f.VendorManager, f.A1, 2); errCode(err) != tandem.EForbidden {
				t.Errorf("the partner reads the budget: %v", err)
			}

			o, err := w.Overview(ctx, f.Viewer, f.A1, 2)
			mustDo(t, err)
			if len(o.Months) != 2 || o.InHouse != nil {
				t.Fatalf("months %+v, in-house %+v", o.Months, o.InHouse)
			}
			nov, dec := o.Months[0], o.Months[1]
			if nov.Label != "2026-11" || !nov.HasActual || nov.ActualMinor != 5_650_000 || nov.Currency != "SEK" ||
				!nov.HasBudget || nov.BudgetMinor != 5_000_000 || worth.Variance(nov.BudgetMinor, nov.ActualMinor) != 650_000 {
				t.Errorf("November %+v", nov)
			}
			if nov.Results["qualified_lead"] != 3 || nov.Results["deal"] != 1 || !nov.HasRevenue || nov.RevenueMinor != 10_000_000 {
				t.Errorf("November's results %v revenue %d", nov.Results, nov.RevenueMinor)
			}
			if v, ok := worth.CostPer(nov.ActualMinor, nov.Results["qualified_lead"]); !ok || v != 1_883_333 {
				t.Errorf("cost per lead %d", v)
			}
			if n, d, ok := worth.ROI(nov.RevenueMinor, nov.ActualMinor, nov.HasRevenue); !ok || n != 4_350_000 || d != 5_650_000 {
				t.Errorf("ROI %d/%d", n, d)
			}
			if dec.Label != "2026-12" || dec.ActualMinor != 4_500_000 || dec.HasBudget || dec.HasRevenue || len(dec.Results) != 0 {
				t.Errorf("December %+v", dec)
			}
			if _, _, ok := worth.ROI(dec.RevenueMinor, dec.ActualMinor, dec.HasRevenue); ok {
				t.Error("December has a ROI without revenue")
			}
			if _, err := db.Invoices().Get(ctx, f.Owner, f.A1, "2026-11"); errCode(err) != tandem.ENotFound {
				t.Errorf("reading stored November's invoice: %v", err)
			}

			// The in-house calculator: the Swedish preset for two people,
			// saved and read back; over the same two months it costs
			// 2×2×45 000,00×1,3592 + 2×2×6 000,00 + 2×8 000,00 + 2×60 000,00
			// + 2×15 %×2/12×60 000,00 = 244 656 + 24 000 + 16 000 + 120 000
			// + 3 000 = 407 656,00, against 101 500,00 outsourced.
			c, _ := worth.Preset(worth.Sweden)
			c.People = 2
			mustDo(t, w.SaveInHouse(ctx, f.Manager, f.A1, c))
			c.People = 0
			if err := w.SaveInHouse(ctx, f.Manager, f.A1, c); errCode(err) != tandem.EInvalid {
				t.Errorf("no people: %v", err)
			}
			o, err = w.Overview(ctx, f.Owner, f.A1, 2)
			mustDo(t, err)
			if o.InHouse == nil || o.InHouse.People != 2 || o.InHouse.Cost(2) != 40_765_600 ||
				o.Months[0].ActualMinor+o.Months[1].ActualMinor != 10_150_000 {
				t.Errorf("in-house %+v", o.InHouse)
			}

			// Ended on 15 November: no month after it costs anything (the
			// demo's engagement ended in 2025 cost six fixed fees in the
			// portfolio until then).
			e, err := db.Engagements.Get(ctx, f.Owner, f.A1)
			mustDo(t, err)
			e.EndsOn = tandem.DateOf(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC))
			mustDo(t, db.Engagements.Update(ctx, f.Owner, e))
			o, err = w.Overview(ctx, f.Owner, f.A1, 2)
			mustDo(t, err)
			if len(o.Months) != 1 || o.Months[0].Label != "2026-11" || o.Months[0].ActualMinor != 5_650_000 {
				t.Errorf("ended in November: %+v", o.Months)
			}
		})
	}
}
