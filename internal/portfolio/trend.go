package portfolio

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TrendPeriods is how many periods a trend shows unless asked otherwise:
// on the scorecard page, in the API's trend by default, and on the
// portfolio.
const TrendPeriods = 6

// Trend is an engagement's scorecards for consecutive periods of one kind,
// oldest first, the last one the current period, with the overall score
// over them (kpi.OverallOf: from their exact totals, rounded once).
type Trend struct {
	Scorecards []store.Scorecard // at least one
	Overall    int               // hundredths of a point; meaningful only when HasOverall
	HasOverall bool              // false when no period has data
}

// Point is one period of a trend: its weighted total.
type Point struct {
	Period   kpi.Period
	Total    int // hundredths of a point; meaningful only when HasTotal
	HasTotal bool
}

// TrendOf assembles the trend of scs (oldest first, at least one).
func TrendOf(scs []store.Scorecard) Trend {
	t := Trend{Scorecards: scs}
	cards := make([]kpi.Scorecard, len(scs))
	for i, sc := range scs {
		cards[i] = sc.Scorecard
	}
	// From the periods' exact totals, rounded once (kpi.OverallOf).
	t.Overall, t.HasOverall = kpi.OverallOf(cards, kpi.DefaultRecent)
	return t
}

// ReadTrend reads an engagement's trend over the last n periods of kind
// (week, month or quarter; 1 ≤ n ≤ kpi.MaxPeriods), the last one containing
// now in the workspace's time zone. Anyone who may see the engagement may
// call it; errors as store.KPIStore.Trend (ENotFound for an engagement the
// caller may not see, EInvalid for a bad kind or n).
func ReadTrend(ctx context.Context, db *store.DB, p tandem.Principal, engagementID int64, kind string, n int) (Trend, error) {
	scs, err := db.KPI.Trend(ctx, p, engagementID, kind, n)
	if err != nil {
		return Trend{}, err
	}
	return TrendOf(scs), nil
}

// ReadTrendTo is ReadTrend ending with the period that contains at (zero:
// now) — an earlier period's scorecard with the periods before it.
func ReadTrendTo(ctx context.Context, db *store.DB, p tandem.Principal, engagementID int64, kind string, n int, at time.Time) (Trend, error) {
	scs, err := db.KPI.TrendTo(ctx, p, engagementID, kind, n, at)
	if err != nil {
		return Trend{}, err
	}
	return TrendOf(scs), nil
}

// Current is the scorecard of the current period: the last one.
func (t Trend) Current() store.Scorecard { return t.Scorecards[len(t.Scorecards)-1] }

// Points are the trend's totals, oldest first.
func (t Trend) Points() []Point {
	out := make([]Point, 0, len(t.Scorecards))
	for _, sc := range t.Scorecards {
		out = append(out, Point{Period: sc.Period, Total: sc.Total, HasTotal: sc.HasTotal})
	}
	return out
}
