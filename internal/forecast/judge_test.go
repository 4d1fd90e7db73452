package forecast

import (
	"testing"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
)

func TestJudge(t *testing.T) {
	t.Parallel()
	p := june(t)
	kpis := []contract.KPI{leadsKPI(), onTimeKPI()}
	// 9 leads and 80 % on time by 10 June. As measured: leads (9 − 10) ÷ 20
	// → 0.00, off track; on time (80 − 50) ÷ 40 → 75.00, on track; total
	// (0 + 75) ÷ 2 = 37.50.
	sc := kpi.BuildScorecard(p, kpis, map[string]kpi.Value{"leads": kpi.Int(9), "on_time": kpi.Int(80)}, kpi.DefaultConfig())
	if sc.Total != 3750 || sc.Rows[0].Status != kpi.OffTrack {
		t.Fatalf("as measured: total %d, leads %s", sc.Total, sc.Rows[0].Status)
	}

	// On 10 June, 8 of 21 business days: leads 9 × 21 ÷ 8 = 23.625 → 24,
	// (24 − 10) ÷ 20 → 70.00, on track; on time stays 75.00; total 72.50.
	j := Judge(sc, nil, cal, "2026-06-10")
	if !j.Projected || j.Pace != (Pace{8, 21}) || !j.Paced["leads"] || j.Paced["on_time"] {
		t.Fatalf("judged %v at %+v, want projected at 8 of 21", j.Projected, j.Pace)
	}
	if r := j.Rows[0]; r.Actual != kpi.Int(24) || r.Score != 7000 || r.Status != kpi.OnTrack {
		t.Errorf("leads judged %v, score %d, %s; want 24, 70.00, on track", r.Actual, r.Score, r.Status)
	}
	if r := j.Rows[1]; r.Actual != kpi.Int(80) || r.Score != 7500 {
		t.Errorf("on time judged %v, score %d; want 80 as measured, 75.00", r.Actual, r.Score)
	}
	if !j.HasTotal || j.Total != 7250 {
		t.Errorf("judged total %d, want 7250", j.Total)
	}
	// The forecast of the same period says the same.
	f, err := Project(Input{Today: "2026-06-10", Pace: j.Pace, KPIs: []KPIIn{
		{KPI: kpis[0], Actual: kpi.Int(9), HasData: true, Scales: true, Events: 9},
		{KPI: kpis[1], Actual: kpi.Int(80), HasData: true}}})
	if err != nil || f.Total != j.Total {
		t.Errorf("the forecast's total %d (%v), the judged %d", f.Total, err, j.Total)
	}
	if sc.Total != 3750 || sc.Rows[0].Actual != kpi.Int(9) {
		t.Error("Judge changed the scorecard it was given")
	}

	// An ended period is judged as measured.
	if j := Judge(sc, nil, cal, "2026-07-01"); j.Projected || j.Total != 3750 || j.Pace != (Pace{}) {
		t.Errorf("ended: %+v", j)
	}
	// The last day: all 21 elapsed, nothing left to project.
	if j := Judge(sc, nil, cal, "2026-06-30"); j.Projected || j.Total != 3750 || j.Rows[0].Actual != kpi.Int(9) {
		t.Errorf("last day: total %d, leads %v", j.Total, j.Rows[0].Actual)
	}
	// No business day passed yet (1 June a holiday): the count is not
	// judged; the total is on time's alone. Likewise before the period.
	holiday := contract.Calendar{Holidays: []string{"2026-06-01"}}
	for _, c := range []struct {
		cal   contract.Calendar
		today string
	}{{holiday, "2026-06-01"}, {cal, "2026-05-31"}} {
		j = Judge(sc, nil, c.cal, c.today)
		if !j.Projected || j.Rows[0].HasData || j.Rows[0].Status != kpi.NoData || j.Total != 7500 {
			t.Errorf("no pace on %s: leads %+v, total %d", c.today, j.Rows[0], j.Total)
		}
	}
	// A scorecard of shares only is as measured, in progress or not.
	shares := kpi.BuildScorecard(p, kpis[1:], map[string]kpi.Value{"on_time": kpi.Int(80)}, kpi.DefaultConfig())
	if j := Judge(shares, nil, cal, "2026-06-10"); j.Projected || j.Total != 7500 {
		t.Errorf("shares only: %+v", j)
	}
}
