package kpi

import (
	"math/big"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
)

// Config is a workspace's scoring configuration.
type Config struct {
	Status StatusBands // when a KPI is on track, at risk, off track
	Bands  Bands       // the standing of a total
	Recent int         // how many recent periods the overall score weighs
	// Explain fills the Explanation of every row and of the total. Writing
	// out the arithmetic costs more than the scoring itself, so a trend of
	// many periods turns it off and asks for one figure's explanation only
	// when a person opens it.
	Explain bool
}

// DefaultConfig returns DefaultStatusBands, DefaultBands and DefaultRecent.
func DefaultConfig() Config {
	return Config{Status: DefaultStatusBands, Bands: DefaultBands, Recent: DefaultRecent, Explain: true}
}

// Row is one KPI's line on a scorecard. Actual is meaningful only when
// HasData; Score, Exact and Status only when Scored (a KPI with data
// scores unless its terms are not scorable, see Score). Score is Exact
// rounded once, for display; the total is computed from Exact.
type Row struct {
	KPI               contract.KPI
	Actual            Value
	HasData           bool
	Target, Threshold Value    // the KPI's fixed-point terms as Values
	Score             int      // hundredths of a point: Exact rounded half up
	Exact             *big.Rat // the exact score in points (ScoreExact)
	Scored            bool
	Status            Status
	Explanation       Explanation
}

// Scorecard is an engagement's scorecard for one period: a row per KPI,
// the weighted total and the standing. HasTotal is false ("no data") when
// no KPI scored; Standing is then "". Total is Exact rounded once; the
// standing and the overall score are taken from Exact's rounding and
// Exact respectively.
type Scorecard struct {
	Period      Period
	Rows        []Row
	Total       int      // hundredths of a point: Exact rounded half up
	Exact       *big.Rat // the exact total in points (TotalExact)
	HasTotal    bool
	Standing    string
	Explanation Explanation // of the total and the standing
}

// BuildScorecard scores kpis (the terms in force in period p) against
// actuals, the actual values keyed by KPI key. A KPI missing from actuals,
// or with an invalid Value, has no data: status NoData, no score, and it
// is left out of the total (see Total).
func BuildScorecard(p Period, kpis []contract.KPI, actuals map[string]Value, cfg Config) Scorecard {
	sc := Scorecard{Period: p, Rows: make([]Row, 0, len(kpis))}
	items := make([]Item, 0, len(kpis))
	for _, k := range kpis {
		r := Row{KPI: k, Target: Fixed(k.Target, k.Scale), Threshold: Fixed(k.Threshold, k.Scale)}
		a, found := actuals[k.Key]
		r.HasData = found && a.Valid()
		switch {
		case r.HasData && cfg.Explain:
			r.Actual = a
			r.Score, r.Scored, r.Explanation = ExplainScore(a, k)
			r.Exact, _ = ScoreExact(a, k)
		case r.HasData:
			r.Actual = a
			r.Exact, r.Scored = ScoreExact(a, k)
			if r.Scored {
				r.Score = RoundPoints(r.Exact)
			}
		case cfg.Explain:
			r.Explanation.add(i18n.K("kpi.explain.no_data"), "actual = ?", string(NoData))
		}
		r.Status = cfg.Status.Status(r.Score, r.Scored)
		if r.Scored && cfg.Explain {
			r.Explanation.add(i18n.K("kpi.explain.status"), "status ("+hundredths(r.Score)+")", string(r.Status))
		}
		sc.Rows = append(sc.Rows, r)
		items = append(items, Item{Key: k.Key, Score: r.Score, HasData: r.Scored, Weight: k.Weight, Exact: r.Exact})
	}
	sc.Exact, sc.HasTotal = TotalExact(items)
	if !cfg.Explain {
		if sc.HasTotal {
			sc.Total = RoundPoints(sc.Exact)
			sc.Standing = cfg.Bands.Standing(sc.Total)
		}
		return sc
	}
	sc.Total, sc.HasTotal, sc.Explanation = ExplainTotal(items)
	if sc.HasTotal {
		sc.Standing = cfg.Bands.explainStanding(sc.Total, &sc.Explanation)
	}
	return sc
}

// PeriodTotal is the scorecard's total as the overall score reads it: the
// exact total, not the shown one.
func (sc Scorecard) PeriodTotal() PeriodTotal {
	return PeriodTotal{Period: sc.Period, Total: sc.Total, HasData: sc.HasTotal, Exact: sc.Exact}
}
