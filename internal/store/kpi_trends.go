package store

import (
	"context"
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Trends is Trend for several engagements at once — the portfolio's rows:
// each engagement of ids that p may see, with its scorecards for the last
// n periods of kind, oldest first. It reads the terms versions of all of
// them in one statement and their aggregates in one more, whatever their
// number, where Trend reads three statements an engagement. An id p may
// not see (or that has no terms) is not in the map.
func (s *KPIStore) Trends(ctx context.Context, p tandem.Principal, ids []int64, kind string, n int) (_ map[int64][]Scorecard, err error) {
	defer wrap(&err, "KPIStore.Trends(%s, %d)", kind, n)
	return s.trendsTo(ctx, p, ids, kind, n, time.Time{})
}

// TrendsTo is Trends ending with the period that contains at (zero: now),
// as TrendTo is Trend's: a board pack of an earlier month.
func (s *KPIStore) TrendsTo(ctx context.Context, p tandem.Principal, ids []int64, kind string, n int, at time.Time) (_ map[int64][]Scorecard, err error) {
	defer wrap(&err, "KPIStore.TrendsTo(%s, %d, %s)", kind, n, at)
	return s.trendsTo(ctx, p, ids, kind, n, at)
}

func (s *KPIStore) trendsTo(ctx context.Context, p tandem.Principal, ids []int64, kind string, n int, at time.Time) (map[int64][]Scorecard, error) {
	if err := access.Can(p, access.EngagementsRead); err != nil {
		return nil, err
	}
	now := s.db.Now()
	if at.IsZero() {
		at = now
	}
	if at.After(now) {
		return nil, invalid("start", "scorecard.future_period")
	}
	periods, err := periodsTo(ctx, s.db, p, kind, n, at)
	if err != nil {
		return nil, err
	}
	out := map[int64][]Scorecard{}
	// A few hundred engagements a read keep the statements' parameters
	// well under the databases' limits (the aggregates repeat the ids
	// once for each range of days they read).
	for from := 0; from < len(ids); from += trendsBatch {
		if err := s.trendsOf(ctx, p, ids[from:min(from+trendsBatch, len(ids))], periods, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// trendsBatch is how many engagements Trends reads at a time.
const trendsBatch = 200

// trendsOf adds to out the trends over periods of the engagements of ids
// that p may see.
func (s *KPIStore) trendsOf(ctx context.Context, p tandem.Principal, ids []int64, periods []kpi.Period, out map[int64][]Scorecard) error {
	versions, err := versionsOf(ctx, s.db, p, ids)
	if err != nil {
		return err
	}
	return scoreMany(ctx, s.db, p, versions, periods, out)
}

// scoreMany adds to out the scorecards over periods of each engagement of
// versions (its terms versions, oldest first), reading the aggregates of
// all of them in one statement.
func scoreMany(ctx context.Context, q querier, p tandem.Principal, versions map[int64][]contract.Version, periods []kpi.Period, out map[int64][]Scorecard) error {
	// Those scored earlier in the request (the portfolio's trends of
	// months, then its worth of the same months) come from its cache.
	c := cacheOf(ctx, q)
	if c != nil && len(periods) > 0 {
		rest := map[int64][]contract.Version{}
		for id, vs := range versions {
			if scs, ok := c.scorecards(periodsKey(engagementKey{p, id}, periods)); ok {
				out[id] = scs
			} else {
				rest[id] = vs
			}
		}
		if len(rest) == 0 {
			return nil
		}
		versions = rest
		defer func() {
			for id := range rest {
				if scs, ok := out[id]; ok {
					c.putScorecards(periodsKey(engagementKey{p, id}, periods), scs)
				}
			}
		}()
	}
	// The periods are the same for every engagement, so are the spans
	// (metric.PlanScorecards takes them from the periods): one read of the
	// aggregates of every kind any of them scores.
	plans := map[int64]*metric.Plan{}
	var kinds []string
	var read []int64
	withSketch := false
	for id, vs := range versions {
		pl := metric.PlanScorecards(vs, periods)
		plans[id] = pl
		if len(pl.Kinds) == 0 {
			continue
		}
		read = append(read, id)
		for _, k := range pl.Kinds {
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
		withSketch = withSketch || pl.WithSketch
	}
	rows := map[int64][]metric.DayRow{}
	if len(read) > 0 {
		slices.Sort(read)
		slices.Sort(kinds)
		var err error
		if rows, err = aggregateRows(ctx, q, p.WorkspaceID, read, kinds, plans[read[0]].Spans, withSketch); err != nil {
			return err
		}
	}
	for id, pl := range plans {
		// Only the kinds this engagement's terms score, as Trend reads.
		mine := slices.DeleteFunc(rows[id], func(r metric.DayRow) bool { return !slices.Contains(pl.Kinds, r.Kind) })
		scs := make([]Scorecard, len(periods))
		for i, sc := range pl.Score(pl.Aggregates(mine), false) {
			scs[i] = Scorecard{Scorecard: sc.Scorecard, EngagementID: id, TermsVersion: sc.TermsVersion, Metrics: sc.Metrics, Calendar: sc.Calendar}
		}
		out[id] = scs
	}
	return nil
}

// versionsOf reads the terms versions of the engagements of ids that p may
// see, in one statement, by engagement, oldest first; those read earlier
// in the request come from its read cache.
func versionsOf(ctx context.Context, q querier, p tandem.Principal, ids []int64) (map[int64][]contract.Version, error) {
	out := map[int64][]contract.Version{}
	c := cacheOf(ctx, q)
	read := ids
	if c != nil {
		read = nil
		for _, id := range ids {
			vs, ok, err := c.termsVersions(engagementKey{p, id})
			switch {
			case err != nil:
				return nil, err
			case ok:
				out[id] = vs
			default:
				read = append(read, id)
			}
		}
		if len(read) == 0 {
			return out, nil
		}
	}
	var w where
	engagementScope(&w, p)
	w.add("v.engagement_id IN ("+placeholders(len(read))+")", anyArgs(read...)...)
	vs, err := scanAll(ctx, q, scanVersion, `SELECT `+versionCols+` FROM contract_versions v JOIN engagements e ON e.id = v.engagement_id`+
		w.String()+` ORDER BY v.engagement_id, v.number`, w.args...)
	if err != nil {
		return nil, err
	}
	got := map[int64][]contract.Version{}
	for _, v := range vs {
		got[v.EngagementID] = append(got[v.EngagementID], v)
	}
	for id, vs := range got {
		out[id] = vs
		if c != nil {
			c.putTermsVersions(engagementKey{p, id}, vs)
		}
	}
	return out, nil
}
