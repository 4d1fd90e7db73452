package metric

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
)

// Two months under terms that take effect on 1 January: December has no
// terms and no KPIs; January scores its one KPI from the rows of its days.
// On time: target 90 %, threshold 60 %; 3 of 4 accepted on time (75 %)
// scores (75 − 60) / (90 − 60) × 100 = 50.00. A row of 31 December is
// December's; one of 1 February, after the last period, is dropped.
func TestPlanScoresWhatTheTermsInForceName(t *testing.T) {
	t.Parallel()
	loc := time.UTC
	versions := []contract.Version{{Number: 1, EffectiveFrom: "2026-01-01", Terms: contract.Terms{KPIs: []contract.KPI{
		{Key: "on_time", Metric: "on_time_share", Name: "On time", Target: 9000, Threshold: 6000, Scale: 2,
			Direction: "higher", Weight: 1, Period: kpi.Month}}}}}
	dec := kpi.PeriodOf(kpi.Month, time.Date(2025, 12, 10, 0, 0, 0, 0, loc), loc)
	jan := kpi.PeriodOf(kpi.Month, time.Date(2026, 1, 10, 0, 0, 0, 0, loc), loc)
	pl := PlanScorecards(versions, []kpi.Period{dec, jan})
	if pl.Terms[0] != nil || len(pl.KPIs[0]) != 0 || pl.Terms[1] == nil || len(pl.KPIs[1]) != 1 {
		t.Fatalf("terms %v, KPIs %v", pl.Terms, pl.KPIs)
	}
	if len(pl.Kinds) != 1 || pl.Kinds[0] != "deliverable.accepted" || pl.WithSketch {
		t.Fatalf("kinds %v, sketch %v", pl.Kinds, pl.WithSketch)
	}
	if pl.Spans[1].From != "2026-01-01" || pl.Spans[1].To != "2026-02-01" {
		t.Fatalf("spans %+v", pl.Spans)
	}
	aggs := pl.Aggregates([]DayRow{
		{Kind: "deliverable.accepted", Day: "2025-12-31", Sums: Sums{N: 5, NZero: 5}},
		{Kind: "deliverable.accepted", Day: "2026-01-05", Sums: Sums{N: 3, NZero: 2}},
		{Kind: "deliverable.accepted", Day: "2026-01-26", Sums: Sums{N: 1, NZero: 1}}, // a week's row: its Monday
		{Kind: "deliverable.accepted", Day: "2026-02-01", Sums: Sums{N: 9}},
	})
	if aggs[0]["deliverable.accepted"].N != 5 || aggs[1]["deliverable.accepted"] != (Sums{N: 4, NZero: 3}) {
		t.Fatalf("aggregates %+v", aggs)
	}
	scored := pl.Score(aggs, false)
	if scored[0].TermsVersion != 0 || len(scored[0].Rows) != 0 || scored[0].HasTotal {
		t.Errorf("December: %+v", scored[0])
	}
	if scored[1].TermsVersion != 1 || len(scored[1].Rows) != 1 || scored[1].Rows[0].Score != 5000 || scored[1].Total != 5000 {
		t.Errorf("January: %+v", scored[1])
	}
}
