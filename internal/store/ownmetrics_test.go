package store_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// manualKPIs defines a client-entered satisfaction score (one decimal), a
// partner-reported brand presence (whole numbers), a formula over them and
// a catalogue metric, and monthly KPIs on the first three.
func manualKPIs(t *contract.Terms) {
	goal := t.Goals[0].Key
	t.Metrics = []contract.MetricDef{
		{Key: "satisfaction", Name: "Satisfaction", Kind: "manual", Source: "client", Scale: 1},
		{Key: "brand_presence", Name: "Brand presence", Kind: "manual", Source: "partner"},
		{Key: "presence_per_point", Name: "Presence per point", Kind: "formula", Formula: "brand_presence / satisfaction"},
	}
	t.KPIs = []contract.KPI{
		{Key: "csat", GoalKey: goal, Metric: "satisfaction", Name: "Satisfaction", Target: 90, Threshold: 50, Scale: 1, Direction: "higher", Weight: 1, Period: "month"},
		{Key: "brand", GoalKey: goal, Metric: "brand_presence", Name: "Brand", Target: 100, Threshold: 20, Direction: "higher", Weight: 1, Period: "month"},
		{Key: "ratio", GoalKey: goal, Metric: "presence_per_point", Name: "Ratio", Target: 10, Threshold: 2, Direction: "higher", Weight: 2, Period: "month"},
	}
}

// manualBase is a database on dialect on 20 March 2026 whose engagement
// A1 is live on manualKPIs, changed by more.
func manualBase(t testing.TB, dialect string, more ...func(*contract.Terms)) (*store.DB, *storetest.Fixture) {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC))
	db := storetest.Open(t, dialect, clock.Now)
	f := storetest.Seed(t, db)
	storetest.Activate(t, db, f.Owner, f.A1, func(terms *contract.Terms) {
		manualKPIs(terms)
		for _, m := range more {
			m(terms)
		}
	})
	return db, f
}

// The client enters a value that counts at once; the partner's report
// counts only once the client confirms it; a later value replaces the
// earlier one; a rejection needs a reason. Figures worked out by hand.
func TestManualValues(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db, f := manualBase(t, dialect)
			march := kpi.PeriodOf(kpi.Month, time.Date(2026, 3, 10, 12, 0, 0, 0, kpiZone), kpiZone)
			day := func(s string) tandem.Date { d, _ := tandem.ParseDate(s); return d }
			scorecard := func() *store.Scorecard {
				t.Helper()
				sc, err := db.KPI.Scorecard(ctx, f.Viewer, f.A1, march)
				if err != nil {
					t.Fatal(err)
				}
				return sc
			}

			// No values yet: no data anywhere.
			if sc := scorecard(); sc.HasTotal {
				t.Fatalf("total without values: %+v", sc)
			}
			// The client enters 8.0 for March, naming any day of it.
			sat := &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: "month", PeriodStart: day("2026-03-14"), Value: 80, Scale: 1}
			if err := db.OwnMetrics.Enter(ctx, f.Manager, sat); err != nil {
				t.Fatal(err)
			}
			if sat.State != ownmetric.Confirmed || sat.PeriodStart.String() != "2026-03-01" || sat.FactID == 0 {
				t.Fatalf("entered: %+v", sat)
			}
			// Satisfaction 8.0: (8.0 − 5.0) / (9.0 − 5.0) = 75.00.
			if r := row(t, scorecard(), "csat"); r.Actual.Cmp(kpi.Int(8)) != 0 || r.Score != 7500 {
				t.Fatalf("csat: %+v", r)
			}

			// The partner may not enter the client's metric, nor a value for a
			// period that has not begun, nor with another scale.
			bad := []struct {
				p     tandem.Principal
				v     ownmetric.Value
				field string
			}{
				{f.VendorManager, ownmetric.Value{Metric: "satisfaction", PeriodKind: "month", PeriodStart: day("2026-03-01"), Value: 90, Scale: 1}, "metric"},
				{f.Manager, ownmetric.Value{Metric: "satisfaction", PeriodKind: "month", PeriodStart: day("2026-04-01"), Value: 90, Scale: 1}, "period_start"},
				{f.Manager, ownmetric.Value{Metric: "satisfaction", PeriodKind: "month", PeriodStart: day("2026-03-01"), Value: 9, Scale: 0}, "value"},
				{f.Manager, ownmetric.Value{Metric: "on_time_share", PeriodKind: "month", PeriodStart: day("2026-03-01"), Value: 9}, "metric"},
				{f.Manager, ownmetric.Value{Metric: "satisfaction", PeriodKind: "year", PeriodStart: day("2026-03-01"), Value: 9, Scale: 1}, "period"},
			}
			for i, b := range bad {
				b.v.EngagementID = f.A1
				err := db.OwnMetrics.Enter(ctx, b.p, &b.v)
				if fe := tandem.FieldErrors(err); len(fe) == 0 || fe[0].Field != b.field {
					t.Errorf("bad %d: %v", i, err)
				}
			}
			// The viewer may not enter; partner B and agents not on the engagement cannot see it.
			if err := db.OwnMetrics.Enter(ctx, f.Viewer, &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: "month", PeriodStart: day("2026-03-01"), Value: 1, Scale: 1}); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Errorf("viewer entered: %v", err)
			}
			if err := db.OwnMetrics.Enter(ctx, f.VendorManagerB, &ownmetric.Value{EngagementID: f.A1, Metric: "brand_presence", PeriodKind: "month", PeriodStart: day("2026-03-01"), Value: 1}); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("partner B reported on A1: %v", err)
			}
			if _, err := db.OwnMetrics.Values(ctx, f.VendorManagerB, f.A1, ""); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("partner B listed A1's values: %v", err)
			}

			// The partner reports brand presence 60: pending, it does not count.
			rep := &ownmetric.Value{EngagementID: f.A1, Metric: "brand_presence", PeriodKind: "month", PeriodStart: day("2026-03-02"), Value: 60, Note: "Survey of 200"}
			if err := db.OwnMetrics.Enter(ctx, f.VendorManager, rep); err != nil {
				t.Fatal(err)
			}
			if rep.State != ownmetric.Pending {
				t.Fatalf("reported: %+v", rep)
			}
			if r := row(t, scorecard(), "brand"); r.HasData {
				t.Fatalf("a pending value counts: %+v", r)
			}
			if err := db.OwnMetrics.Confirm(ctx, f.VendorManager, rep.ID); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("the partner confirmed its own value: %v", err)
			}
			if err := db.OwnMetrics.Reject(ctx, f.Manager, rep.ID, " "); len(tandem.FieldErrors(err)) == 0 {
				t.Fatalf("rejected without a reason: %v", err)
			}
			if err := db.OwnMetrics.Confirm(ctx, f.Manager, rep.ID); err != nil {
				t.Fatal(err)
			}
			if err := db.OwnMetrics.Confirm(ctx, f.Manager, rep.ID); tandem.ErrorCode(err) != tandem.EConflict {
				t.Fatalf("confirmed twice: %v", err)
			}
			// Brand 60: (60 − 20) / (100 − 20) = 50.00. Ratio 60 / 8 = 7.5:
			// (7.5 − 2) / (10 − 2) = 68.75. Total (75 + 50 + 2 × 68.75) / 4 = 65.625 → 65.63.
			sc := scorecard()
			if r := row(t, sc, "brand"); r.Actual.Cmp(kpi.Int(60)) != 0 || r.Score != 5000 {
				t.Fatalf("brand: %+v", r)
			}
			if r := row(t, sc, "ratio"); r.Actual.Cmp(kpi.Ratio(15, 2)) != 0 || r.Score != 6875 {
				t.Fatalf("ratio: %+v", r)
			}
			if sc.Total != 6563 || sc.Standing != "good" {
				t.Fatalf("total %d %s", sc.Total, sc.Standing)
			}

			// A second report replaces nothing until confirmed; rejected, it never counts.
			rep2 := &ownmetric.Value{EngagementID: f.A1, Metric: "brand_presence", PeriodKind: "month", PeriodStart: day("2026-03-01"), Value: 95}
			if err := db.OwnMetrics.Enter(ctx, f.VendorAgent, rep2); err != nil {
				t.Fatal(err)
			}
			if err := db.OwnMetrics.Reject(ctx, f.Owner, rep2.ID, "No source given"); err != nil {
				t.Fatal(err)
			}
			if r := row(t, scorecard(), "brand"); r.Actual.Cmp(kpi.Int(60)) != 0 {
				t.Fatalf("a rejected value counts: %+v", r)
			}
			// The client corrects satisfaction to 6.5: the new value replaces 8.0.
			// Satisfaction (6.5 − 5) / 4 = 37.50; ratio 60 / 6.5 = 120/13 = 9.23…:
			// (120/13 − 2) / 8 × 100 = 90.38…, rounded 90.38.
			if err := db.OwnMetrics.Enter(ctx, f.Owner, &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: "month", PeriodStart: day("2026-03-31"), Value: 65, Scale: 1}); err != nil {
				t.Fatal(err)
			}
			sc = scorecard()
			if r := row(t, sc, "csat"); r.Actual.Cmp(kpi.Ratio(13, 2)) != 0 || r.Score != 3750 {
				t.Fatalf("csat corrected: %+v", r)
			}
			if r := row(t, sc, "ratio"); r.Actual.Cmp(kpi.Ratio(120, 13)) != 0 || r.Score != 9038 {
				t.Fatalf("ratio corrected: %+v", r)
			}
			vals, err := db.OwnMetrics.Values(ctx, f.VendorAgent, f.A1, "")
			if err != nil {
				t.Fatal(err)
			}
			states := map[string]int{}
			for _, v := range vals {
				states[v.State]++
			}
			if len(vals) != 4 || states[ownmetric.Confirmed] != 2 || states[ownmetric.Replaced] != 1 || states[ownmetric.Rejected] != 1 {
				t.Fatalf("values: %v", states)
			}
			// The explanation shows the formula's inputs and the facts.
			x, err := db.KPI.Explain(ctx, f.VendorManager, f.A1, march, "ratio")
			if err != nil {
				t.Fatal(err)
			}
			if len(x.Facts) != 2 || x.FactsTotal != 2 {
				t.Fatalf("facts behind the ratio: %d", len(x.Facts))
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Fatalf("verify: %v %v", m, err)
			}
			// An amendment may not change the decimals of a manual metric:
			// its stored values would be misread.
			v, err := db.Contracts.InForce(ctx, f.Owner, f.A1, day("2026-03-20"))
			if err != nil {
				t.Fatal(err)
			}
			amended := v.Terms
			amended.Metrics = append([]contract.MetricDef{}, v.Terms.Metrics...)
			amended.Metrics[0].Scale = 2
			_, err = db.Contracts.Propose(ctx, f.Manager, f.A1, day("2026-04-01"), "Finer scores", amended)
			if fe := tandem.FieldErrors(err); len(fe) != 1 || fe[0].Field != "metrics.0.scale" {
				t.Fatalf("scale changed: %v", err)
			}

			// The agent reports brand presence 70; before the client decides,
			// the owner enters 80 himself. The report is set aside, not lost
			// in silence: the agent who reported it is told.
			rep3 := &ownmetric.Value{EngagementID: f.A1, Metric: "brand_presence", PeriodKind: "month", PeriodStart: day("2026-03-01"), Value: 70}
			if err := db.OwnMetrics.Enter(ctx, f.VendorAgent, rep3); err != nil {
				t.Fatal(err)
			}
			if err := db.OwnMetrics.Enter(ctx, f.Owner, &ownmetric.Value{EngagementID: f.A1, Metric: "brand_presence", PeriodKind: "month", PeriodStart: day("2026-03-01"), Value: 80}); err != nil {
				t.Fatal(err)
			}
			if got, err := db.OwnMetrics.Value(ctx, f.Owner, f.A1, rep3.ID); err != nil || got.State != ownmetric.Replaced {
				t.Fatalf("the pending report after the client's value: %+v %v", got, err)
			}
			ns, _, err := db.Notifications.List(ctx, f.VendorAgent, true, 100)
			if err != nil {
				t.Fatal(err)
			}
			told := 0
			for _, n := range ns {
				if n.Kind == ownmetric.ActionReplaced && n.Args["period"] == "2026-03" && n.EngagementID == f.A1 {
					told++
				}
			}
			if told != 1 {
				t.Fatalf("the agent was told %d times that his report was set aside: %+v", told, ns)
			}
			if ns, _, _ := db.Notifications.List(ctx, f.VendorManagerB, true, 100); len(ns) != 0 {
				t.Fatalf("partner B was told: %+v", ns)
			}
		})
	}
}

// Random sequences of values entered, reported, confirmed, rejected and
// replaced keep the aggregates equal to the facts (kpi verify), the
// scorecards from the aggregates equal to those from the raw facts, and at
// most one value per metric and period counting.
func TestManualValuesRandom(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 6, 20, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, manualKPIs)
			rng := rand.New(rand.NewPCG(7, 2026))
			client := []tandem.Principal{f.Owner, f.Manager}
			partner := []tandem.Principal{f.VendorManager, f.VendorAgent}
			var pending []int64
			for step := 0; step < 80; step++ {
				day := tandem.DateOf(time.Date(2026, 2, 1+rng.IntN(130), 12, 0, 0, 0, time.UTC)) // February to 10 June
				kind := []string{kpi.Week, kpi.Month, kpi.Quarter}[rng.IntN(3)]
				switch op := rng.IntN(10); {
				case op < 4:
					v := &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction", PeriodKind: kind, PeriodStart: day, Value: int64(30 + rng.IntN(70)), Scale: 1}
					if err := db.OwnMetrics.Enter(ctx, client[rng.IntN(2)], v); err != nil {
						t.Fatal(err)
					}
				case op < 7 || len(pending) == 0:
					v := &ownmetric.Value{EngagementID: f.A1, Metric: "brand_presence", PeriodKind: kind, PeriodStart: day, Value: int64(rng.IntN(150))}
					if err := db.OwnMetrics.Enter(ctx, partner[rng.IntN(2)], v); err != nil {
						t.Fatal(err)
					}
					pending = append(pending, v.ID)
				default:
					i := rng.IntN(len(pending))
					id := pending[i]
					pending = append(pending[:i], pending[i+1:]...)
					var err error
					if rng.IntN(3) > 0 {
						err = db.OwnMetrics.Confirm(ctx, client[rng.IntN(2)], id)
					} else {
						err = db.OwnMetrics.Reject(ctx, f.Owner, id, "Not what the survey says")
					}
					// A later report for the same period may have replaced it.
					if err != nil && tandem.ErrorCode(err) != tandem.EConflict {
						t.Fatal(err)
					}
				}
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Fatalf("verify: %v %v", m, err)
			}
			vals, err := db.OwnMetrics.Values(ctx, f.Owner, f.A1, "")
			if err != nil {
				t.Fatal(err)
			}
			counting := map[string]int{}
			confirmed := 0
			for _, v := range vals {
				if v.State == ownmetric.Confirmed {
					confirmed++
					counting[v.Metric+v.PeriodKind+v.PeriodStart.String()]++
					if v.FactID == 0 {
						t.Errorf("confirmed value %d has no fact", v.ID)
					}
				} else if v.FactID != 0 {
					t.Errorf("%s value %d keeps fact %d", v.State, v.ID, v.FactID)
				}
			}
			for k, n := range counting {
				if n != 1 {
					t.Errorf("%s: %d values count", k, n)
				}
			}
			facts, err := db.KPI.Facts(ctx, f.Owner, f.A1, nil, tandem.DateOf(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)), tandem.DateOf(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)), 1000)
			if err != nil || len(facts) != confirmed || confirmed < 10 {
				t.Fatalf("%d facts for %d confirmed values: %v", len(facts), confirmed, err)
			}
			for _, kind := range []string{kpi.Week, kpi.Month, kpi.Quarter} {
				agg, err := db.KPI.Trend(ctx, f.Owner, f.A1, kind, 8)
				if err != nil {
					t.Fatal(err)
				}
				raw, err := db.KPI.TrendFromFacts(ctx, f.Owner, f.A1, kind, 8)
				if err != nil {
					t.Fatal(err)
				}
				for i := range agg {
					if agg[i].Explanation.String() != raw[i].Explanation.String() || agg[i].Total != raw[i].Total {
						t.Errorf("%s %s: aggregates and facts disagree", kind, agg[i].Period)
					}
				}
			}
		})
	}
}
