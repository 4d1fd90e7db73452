package store_test

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// Trends gives every engagement exactly the scorecards Trend gives it one
// at a time — engagements with different KPIs (weekly and the template's),
// facts of many kinds across months — in a fixed number of statements, and
// leaves out what the caller may not see.
func TestKPITrendsEqualTrendOneByOne(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, weeklyKPIs)
			storetest.Activate(t, db, f.Owner, f.B1, nil)
			engs := []int64{f.A1, f.A2, f.B1}
			kinds := []fact.Kind{fact.DeliverableAccepted, fact.DeliverableReturned, fact.SLAResponse, fact.NoticeFiled, fact.ProposalRaised}
			rng := rand.New(rand.NewPCG(7, 2026))
			start := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
			var batch []store.Fact
			for i := range 300 {
				k := kinds[rng.IntN(len(kinds))]
				rec := store.Fact{EngagementID: engs[rng.IntN(len(engs))], Kind: k, SubjectID: int64(i + 1),
					At: start.Add(time.Duration(rng.IntN(108*24*60)) * time.Minute), Value: int64(rng.IntN(4)), Flag: rng.IntN(2) == 0}
				if k == fact.DeliverableAccepted {
					rec.Data = fact.Accepted{LeadTimeS: int64(rng.IntN(400000))}
				}
				batch = append(batch, rec)
			}
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, batch); err != nil {
				t.Fatal(err)
			}
			withData := 0
			for _, kind := range []string{kpi.Week, kpi.Month} {
				c, cnt := store.WithStatementCounter(ctx)
				got, err := db.KPI.Trends(c, f.Owner, engs, kind, 6)
				if err != nil {
					t.Fatal(err)
				}
				if cnt.N() > 3 {
					t.Errorf("%s: %d statements for %d engagements, want at most 3", kind, cnt.N(), len(engs))
				}
				for _, id := range engs {
					want, err := db.KPI.Trend(ctx, f.Owner, id, kind, 6)
					if err != nil {
						t.Fatal(err)
					}
					for _, sc := range want {
						for _, r := range sc.Rows {
							if r.HasData {
								withData++
							}
						}
					}
					if !reflect.DeepEqual(got[id], want) {
						t.Errorf("%s, engagement %d: Trends differs from Trend\n got %+v\nwant %+v", kind, id, got[id], want)
					}
				}
			}
			if withData < 10 {
				t.Fatalf("only %d KPI figures with data: the comparison proves little", withData)
			}
			// An earlier month's trend, as the board pack of February reads it.
			feb := time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC)
			got, err := db.KPI.TrendsTo(ctx, f.Owner, engs, kpi.Month, 3, feb)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range engs {
				want, err := db.KPI.TrendTo(ctx, f.Owner, id, kpi.Month, 3, feb)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got[id], want) {
					t.Errorf("to February, engagement %d: TrendsTo differs from TrendTo", id)
				}
			}
			// A partner's manager gets its own partner's engagements only.
			got, err = db.KPI.Trends(ctx, f.VendorManager, engs, kpi.Month, 3)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := got[f.B1]; ok || len(got) != 2 {
				t.Errorf("vendor manager of A read the trends of %d engagements (B1 among them: %v)", len(got), ok)
			}
		})
	}
}
