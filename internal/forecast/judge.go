package forecast

import (
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
)

// Judged is a period's scorecard as a person should judge it on a given
// day. For a period that has ended it is the scorecard as measured. For a
// period in progress, each KPI whose metric is a count or a sum (metric
// Extensive) is scored on where it will land at the period's pace — its
// projection, as the forecast computes it — and the total and standing
// follow from those scores: two qualified leads on the 4th of a month
// with a target of 40 are a pace of about 14 a month, not a result of 2.
// A share, ratio, spread or quantile is judged as measured. Before the
// first business day of the period has passed there is no pace, and a
// count or a sum is not judged yet (no data).
//
// The portfolio, the homes and the daily evaluation of the alerts judge
// the current period this way; the scorecard itself always shows the
// period as measured, with the forecast beside it.
type Judged struct {
	kpi.Scorecard      // the rows' Actual is the projection where Projected
	Projected     bool // some KPI was judged by its projection (or not yet, for lack of a pace)
	Pace          Pace // the period's business days elapsed and in all; zero for an ended period
	// Paced holds the keys of the KPIs judged at the pace (a count or a
	// sum of the period in progress).
	Paced map[string]bool
}

// Judge judges sc, a scorecard of the terms whose own metrics are defs and
// whose calendar is c, as of today (the workspace's local day,
// YYYY-MM-DD). A period that ended before today is returned as it is; one
// that has not started yet has no pace, like one whose first business day
// has not passed.
func Judge(sc kpi.Scorecard, defs []contract.MetricDef, c contract.Calendar, today string) Judged {
	per := sc.Period
	last := per.End.In(per.End.Location()).AddDate(0, 0, -1).Format(time.DateOnly)
	if today > last || len(sc.Rows) == 0 {
		return Judged{Scorecard: sc}
	}
	pace := PaceOf(c, per, today)
	if pace.Total > 0 && pace.Elapsed == pace.Total {
		return Judged{Scorecard: sc, Pace: pace} // every business day has passed: as measured
	}
	kpis := make([]contract.KPI, 0, len(sc.Rows))
	actuals := map[string]kpi.Value{}
	projected := false
	paced := map[string]bool{}
	for _, r := range sc.Rows {
		kpis = append(kpis, r.KPI)
		m, _ := metric.For(r.KPI.Metric, defs, per.Kind)
		switch {
		case !m.Extensive:
			if r.HasData {
				actuals[r.KPI.Key] = r.Actual
			}
		case !pace.Known():
			projected, paced[r.KPI.Key] = true, true // not judged yet: no data
		case r.HasData:
			projected, paced[r.KPI.Key] = true, true
			actuals[r.KPI.Key] = projectKPI(KPIIn{KPI: r.KPI, Actual: r.Actual, HasData: true, Scales: true}, pace).Projected
		}
	}
	if !projected {
		return Judged{Scorecard: sc, Pace: pace}
	}
	cfg := kpi.DefaultConfig()
	cfg.Explain = false
	return Judged{Scorecard: kpi.BuildScorecard(per, kpis, actuals, cfg), Projected: true, Pace: pace, Paced: paced}
}
