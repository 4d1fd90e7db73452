package metric

import (
	"slices"
	"sort"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/tandem"
)

// DayRow is one day's aggregates of one fact kind, or a whole week's (Day
// is its Monday) that lies inside one period, as the store reads them.
type DayRow struct {
	Kind string
	Day  string // "2006-01-02"
	Sums Sums
}

// Plan is what scoring consecutive periods of an engagement needs: for
// each period the terms version in force on its last day (nil before the
// first takes effect: no KPIs) and its KPIs of the period's kind, and over
// all of them the fact kinds to read, whether sketches are needed and the
// days each period covers. The store reads the rows the plan asks for;
// Aggregates and Score do the rest.
type Plan struct {
	Periods    []kpi.Period
	Terms      []*contract.Version
	KPIs       [][]contract.KPI
	Kinds      []string   // sorted
	WithSketch bool       // some metric reads a quantile sketch
	Spans      []kpi.Span // the days of each period
	starts     []string   // each period's first day, ascending
}

// PlanScorecards plans the scoring of periods (consecutive, oldest first)
// under the engagement's terms versions.
func PlanScorecards(versions []contract.Version, periods []kpi.Period) *Plan {
	pl := &Plan{Periods: periods, Terms: make([]*contract.Version, len(periods)), KPIs: make([][]contract.KPI, len(periods)),
		Spans: make([]kpi.Span, len(periods)), starts: make([]string, len(periods))}
	for i, per := range periods {
		pl.Terms[i] = kpi.TermsFor(versions, per)
		pl.starts[i] = tandem.DateOf(per.Start.In(per.Start.Location())).String()
		pl.Spans[i] = kpi.Span{From: pl.starts[i], To: tandem.DateOf(per.End.In(per.End.Location())).String()}
		if i > 0 && pl.Terms[i] == pl.Terms[i-1] && per.Kind == periods[i-1].Kind {
			pl.KPIs[i] = pl.KPIs[i-1] // the same terms: most periods of a trend
			continue
		}
		pl.KPIs[i] = kpi.PeriodKPIs(pl.Terms[i], per.Kind)
		for _, k := range pl.KPIs[i] {
			m, _ := For(k.Metric, pl.Terms[i].Terms.Metrics, per.Kind)
			for _, kind := range m.Kinds {
				if !slices.Contains(pl.Kinds, kind) {
					pl.Kinds = append(pl.Kinds, kind)
				}
			}
			pl.WithSketch = pl.WithSketch || m.UsesSketch
		}
	}
	sort.Strings(pl.Kinds)
	return pl
}

// Aggregates sums rows into the aggregates of the period each row's day
// falls in (rows before the first period or after the last are dropped). A row's sketch is
// taken, not cloned, for the first row of its kind in a period: the rows
// are the caller's and are not used again.
func (pl *Plan) Aggregates(rows []DayRow) []Aggregates {
	aggs := make([]Aggregates, len(pl.Periods))
	for i := range aggs {
		aggs[i] = Aggregates{}
	}
	end := ""
	if len(pl.Spans) > 0 {
		end = pl.Spans[len(pl.Spans)-1].To
	}
	for _, r := range rows {
		if r.Day >= end {
			continue // after the last period
		}
		i := sort.SearchStrings(pl.starts, r.Day)
		if i == len(pl.starts) || pl.starts[i] != r.Day {
			i--
		}
		if i < 0 {
			continue
		}
		sum, ok := aggs[i][r.Kind]
		if !ok {
			// The sums merge the next rows' sketches into theirs: a
			// copy, so that the rows (a request may read them twice,
			// see store.readCache) stay as read.
			sum = r.Sums
			if sum.Sketch != nil {
				sum.Sketch = sum.Sketch.Clone()
			}
			aggs[i][r.Kind] = sum
			continue
		}
		sum.Add(r.Sums)
		aggs[i][r.Kind] = sum
	}
	return aggs
}

// Scored is one period's scorecard with the terms version whose KPIs it
// scores (0: none in force), the own metrics of those terms and their
// calendar (the business days a period in progress is judged by, see
// forecast.Judge).
type Scored struct {
	kpi.Scorecard
	TermsVersion int
	Metrics      []contract.MetricDef
	Calendar     contract.Calendar
}

// Score builds each period's scorecard from its aggregates: every KPI's
// actual from its metric, scored by kpi.BuildScorecard (with the arithmetic
// written out when explain).
func (pl *Plan) Score(aggs []Aggregates, explain bool) []Scored {
	out := make([]Scored, len(pl.Periods))
	for i, per := range pl.Periods {
		var defs []contract.MetricDef
		if pl.Terms[i] != nil {
			defs = pl.Terms[i].Terms.Metrics
			out[i].TermsVersion, out[i].Calendar = pl.Terms[i].Number, pl.Terms[i].Terms.Calendar
		}
		actuals := map[string]kpi.Value{}
		for _, k := range pl.KPIs[i] {
			m, _ := For(k.Metric, defs, per.Kind)
			if v, ok := m.Value(aggs[i]); ok {
				actuals[k.Key] = v
			}
		}
		cfg := kpi.DefaultConfig()
		cfg.Explain = explain
		out[i].Scorecard, out[i].Metrics = kpi.BuildScorecard(per, pl.KPIs[i], actuals, cfg), defs
	}
	return out
}
