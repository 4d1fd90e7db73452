package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Scorecard is an engagement's scorecard for one period (kpi.Scorecard)
// with the version of the terms whose KPIs it scores.
type Scorecard struct {
	kpi.Scorecard
	EngagementID int64
	TermsVersion int
	// Metrics are the engagement's own metrics in those terms.
	Metrics []contract.MetricDef
	// Calendar is those terms' calendar: a period in progress is judged
	// by its business days (forecast.Judge).
	Calendar contract.Calendar
}

// source reads the aggregate rows of an engagement for the given kinds over
// the days of spans (consecutive periods, oldest first), with sketches when
// withSketch. A row covers one day, or a whole week (day is its Monday)
// that lies inside one span. A day or week may come as several rows of
// the same kind (the slots of PostgreSQL's aggregates, aggSlots), which
// add up: their reader sums the rows of each period
// (metric.Plan.Aggregates).
type source func(ctx context.Context, q querier, workspaceID, engagementID int64, kinds []string, spans []kpi.Span, withSketch bool) ([]metric.DayRow, error)

// fromAggregates reads kpi_weekly for the whole weeks of spans and
// kpi_daily for the other days, in one query: what scorecards use. A
// 52-week trend reads 52 rows per kind.
//
// With a read cache (a page), rows read once are not read again that
// request (readCache.aggregateRows).
func fromAggregates(ctx context.Context, q querier, workspaceID, engagementID int64, kinds []string, spans []kpi.Span, withSketch bool) ([]metric.DayRow, error) {
	c := cacheOf(ctx, q)
	if c == nil {
		rows, err := aggregateRows(ctx, q, workspaceID, []int64{engagementID}, kinds, spans, withSketch)
		return rows[engagementID], err
	}
	read := aggregateRead{workspaceID: workspaceID, engagementID: engagementID, kinds: slices.Clone(kinds), spans: slices.Clone(spans), withSketch: withSketch}
	if rows, ok := c.aggregateRows(read); ok {
		return rows, nil
	}
	rows, err := aggregateRows(ctx, q, workspaceID, []int64{engagementID}, kinds, spans, withSketch)
	if err != nil {
		return nil, err
	}
	read.rows = rows[engagementID]
	c.putAggregateRows(read)
	return read.rows, nil
}

// aggregateRows is fromAggregates for several engagements in one query:
// the rows of each, by engagement. On PostgreSQL a key's slots come as
// rows of their own, not merged here (see source).
func aggregateRows(ctx context.Context, q querier, workspaceID int64, engagementIDs []int64, kinds []string, spans []kpi.Span, withSketch bool) (map[int64][]metric.DayRow, error) {
	sk := "NULL"
	if withSketch {
		sk = "sketch"
	}
	weeks, days := kpi.Coverage(spans)
	var text strings.Builder
	var args []any
	part := func(table, col, from, to string) {
		if text.Len() > 0 {
			text.WriteString(" UNION ALL ")
		}
		src := "0"
		if table == "kpi_weekly" {
			src = "1"
		}
		text.WriteString(`SELECT ` + src + `, engagement_id, kind, ` + col + `, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, ` + sk + ` FROM ` + table +
			` WHERE workspace_id = ? AND engagement_id IN (` + placeholders(len(engagementIDs)) + `) AND kind IN (` + placeholders(len(kinds)) + `) AND ` + col + ` >= ? AND ` + col + ` < ?`)
		args = append(append(append(append(args, workspaceID), anyArgs(engagementIDs...)...), anyArgs(kinds...)...), from, to)
	}
	if len(weeks) > 0 {
		// The weeks between the ranges (straddling two months) are read
		// and skipped below.
		part("kpi_weekly", "week", weeks[0].From, weeks[len(weeks)-1].To)
	}
	for _, d := range days {
		part("kpi_daily", "day", d.From, d.To)
	}
	rows, err := q.query(ctx, text.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]metric.DayRow{}
	var blob sql.RawBytes // decoded before the next row
	for rows.Next() {
		var r metric.DayRow
		var d tandem.Date
		var weekly int
		var id int64
		if err := rows.Scan(&weekly, &id, &r.Kind, dateScan{&d}, &r.Sums.N, &r.Sums.SumValue, &r.Sums.SumSqValue, &r.Sums.SumFlag, &r.Sums.SumAmount, &r.Sums.NZero, &blob); err != nil {
			return nil, err
		}
		r.Day = d.String()
		if weekly == 1 && len(weeks) > 1 {
			// A week straddling two spans: its days come from kpi_daily.
			i := sort.Search(len(weeks), func(i int) bool { return weeks[i].To > r.Day })
			if i == len(weeks) || weeks[i].From > r.Day {
				continue
			}
		}
		if r.Sums.Sketch, err = kpi.DecodeSketch(blob); err != nil {
			return nil, fmt.Errorf("store: aggregate sketch: %w", err)
		}
		out[id] = append(out[id], r)
	}
	return out, rows.Err()
}

// fromFacts computes the same rows from the raw facts (GROUP BY over the
// facts, sketches rebuilt from each fact's data): the baseline the
// benchmark compares against, and what Verify checks the aggregates with.
func fromFacts(ctx context.Context, q querier, workspaceID, engagementID int64, kinds []string, spans []kpi.Span, withSketch bool) ([]metric.DayRow, error) {
	from, to := spans[0].From, spans[len(spans)-1].To
	args := append(append([]any{workspaceID, engagementID}, anyArgs(kinds...)...), from, to)
	cond := `workspace_id = ? AND engagement_id = ? AND kind IN (` + placeholders(len(kinds)) + `) AND day >= ? AND day < ?`
	out, err := scanAll(ctx, q, func(s scanner, r *metric.DayRow) error {
		var d tandem.Date
		err := s.Scan(&r.Kind, dateScan{&d}, &r.Sums.N, &r.Sums.SumValue, &r.Sums.SumSqValue, &r.Sums.SumFlag, &r.Sums.SumAmount, &r.Sums.NZero)
		r.Day = d.String()
		return err
	}, `SELECT kind, day, `+factSums()+` FROM facts WHERE `+cond+` GROUP BY kind, day`, args...)
	if err != nil {
		return nil, err
	}
	index := map[[2]string]int{}
	for i, r := range out {
		index[[2]string{r.Kind, r.Day}] = i
	}
	if !withSketch {
		return out, nil
	}
	for _, k := range kinds {
		field := metric.KindOf(k).SketchField
		if field == "" {
			continue
		}
		type value struct {
			day string
			v   int64
			ok  bool
		}
		values, err := scanAll(ctx, q, func(s scanner, x *value) error {
			var d tandem.Date
			var js string
			if err := s.Scan(dateScan{&d}, &js); err != nil {
				return err
			}
			x.day = d.String()
			x.v, x.ok, err = fact.SketchValue(fact.Kind(k), js)
			return err
		}, `SELECT day, data FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day >= ? AND day < ?`,
			workspaceID, engagementID, k, from, to)
		if err != nil {
			return nil, err
		}
		for _, x := range values {
			if !x.ok {
				continue
			}
			r := &out[index[[2]string{k, x.day}]]
			if r.Sums.Sketch == nil {
				r.Sums.Sketch = &kpi.Sketch{}
			}
			r.Sums.Sketch.Add(x.v)
		}
	}
	return out, nil
}

// scorecards builds an engagement's scorecards for periods (one kind,
// chronological) from src.
//
// Which KPIs: those of the terms in force on the period's last day whose
// period is the period's kind (kpi.TermsFor, kpi.PeriodKPIs); none for a
// period that ends before the first terms take effect.
func scorecards(ctx context.Context, q querier, p tandem.Principal, engagementID int64, periods []kpi.Period, src source, explain bool) ([]Scorecard, []metric.Aggregates, error) {
	versions, err := loadVersions(ctx, q, p, engagementID) // checks that p may see the engagement
	if err != nil {
		return nil, nil, err
	}
	return scorecardsOf(ctx, q, p, engagementID, versions, periods, src, explain)
}

// scorecardsOf is scorecards with the engagement's terms versions already
// loaded for p (loadVersions), so that a caller holding them (an invoice)
// does not read and decode them twice.
func scorecardsOf(ctx context.Context, q querier, p tandem.Principal, engagementID int64, versions []contract.Version, periods []kpi.Period,
	src source, explain bool) ([]Scorecard, []metric.Aggregates, error) {
	var err error
	if len(periods) == 0 {
		return nil, nil, nil
	}
	plan := metric.PlanScorecards(versions, periods)
	var rows []metric.DayRow
	if len(plan.Kinds) > 0 {
		if rows, err = src(ctx, q, p.WorkspaceID, engagementID, plan.Kinds, plan.Spans, plan.WithSketch); err != nil {
			return nil, nil, err
		}
	}
	aggs := plan.Aggregates(rows)
	out := make([]Scorecard, len(periods))
	for i, sc := range plan.Score(aggs, explain) {
		out[i] = Scorecard{Scorecard: sc.Scorecard, EngagementID: engagementID, TermsVersion: sc.TermsVersion, Metrics: sc.Metrics, Calendar: sc.Calendar}
	}
	return out, aggs, nil
}

// Scorecard returns an engagement's scorecard for period (computed in the
// workspace's time zone, e.g. kpi.PeriodOf): each KPI of the terms in force
// on the period's last day whose period is period.Kind, with its actual
// read from the aggregates, target, status and score; the weighted total
// and the standing. Anyone who may see the engagement may call it.
func (s *KPIStore) Scorecard(ctx context.Context, p tandem.Principal, engagementID int64, period kpi.Period) (_ *Scorecard, err error) {
	defer wrap(&err, "KPIStore.Scorecard(%d, %s)", engagementID, period)
	if !kpi.ValidKind(period.Kind) {
		return nil, invalid("period", "validation.one_of")
	}
	scs, _, err := scorecards(ctx, s.db, p, engagementID, []kpi.Period{period}, fromAggregates, false)
	if err != nil {
		return nil, err
	}
	return &scs[0], nil
}

// Periods returns the last n periods of kind (week, month, quarter) in the
// workspace's time zone, oldest first, the last one containing now.
func (s *KPIStore) Periods(ctx context.Context, p tandem.Principal, kind string, n int) ([]kpi.Period, error) {
	return periodsTo(ctx, s.db, p, kind, n, s.db.Now())
}

// periodsTo is the last n periods of kind, the last one containing at, in
// the workspace's zone.
func periodsTo(ctx context.Context, q querier, p tandem.Principal, kind string, n int, at time.Time) ([]kpi.Period, error) {
	if !kpi.ValidKind(kind) || n < 1 || n > kpi.MaxPeriods {
		return nil, invalid("period", "validation.one_of")
	}
	_, loc, err := workspaceZone(ctx, q, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	return kpi.LastPeriods(kind, n, at, loc), nil
}

// Trend returns an engagement's scorecards for the last n periods of kind,
// oldest first, the last one the current period (see Scorecard), read from
// the aggregates in one query. kpi.Overall over their totals gives the
// overall score.
func (s *KPIStore) Trend(ctx context.Context, p tandem.Principal, engagementID int64, kind string, n int) (_ []Scorecard, err error) {
	defer wrap(&err, "KPIStore.Trend(%d, %s, %d)", engagementID, kind, n)
	return s.trendTo(ctx, p, engagementID, kind, n, time.Time{})
}

// TrendTo is Trend ending with the period that contains at (zero: now)
// instead of the current one: the scorecard of an earlier period with the
// periods before it. A period after the current one is refused (EInvalid
// on "start").
func (s *KPIStore) TrendTo(ctx context.Context, p tandem.Principal, engagementID int64, kind string, n int, at time.Time) (_ []Scorecard, err error) {
	defer wrap(&err, "KPIStore.TrendTo(%d, %s, %d, %s)", engagementID, kind, n, at)
	return s.trendTo(ctx, p, engagementID, kind, n, at)
}

func (s *KPIStore) trendTo(ctx context.Context, p tandem.Principal, engagementID int64, kind string, n int, at time.Time) ([]Scorecard, error) {
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
	scs, _, err := scorecards(ctx, s.db, p, engagementID, periods, fromAggregates, false)
	return scs, err
}

// TrendFromFacts is Trend computed from the raw facts instead of the
// aggregates (GROUP BY over the facts, sketches rebuilt from each fact):
// the slow way every report would take without kpi_daily, kept as the
// benchmark's baseline and as a cross-check. It gives the same scorecards.
func (s *KPIStore) TrendFromFacts(ctx context.Context, p tandem.Principal, engagementID int64, kind string, n int) (_ []Scorecard, err error) {
	defer wrap(&err, "KPIStore.TrendFromFacts(%d, %s, %d)", engagementID, kind, n)
	periods, err := s.Periods(ctx, p, kind, n)
	if err != nil {
		return nil, err
	}
	scs, _, err := scorecards(ctx, s.db, p, engagementID, periods, fromFacts, false)
	return scs, err
}

// Explained is one figure of a scorecard with everything behind it.
type Explained struct {
	Period       kpi.Period
	KPI          contract.KPI
	TermsVersion int
	Metrics      []contract.MetricDef // the engagement's own metrics in those terms
	Row          kpi.Row              // actual, target, threshold, score, status
	Explanation  kpi.Explanation      // the metric's arithmetic, then the score's
	Facts        []RecordedFact       // the facts of the metric's kinds in the period, oldest first
	FactsTotal   int                  // how many there are; Facts holds at most MaxExplainFacts
}

// MaxExplainFacts bounds the facts Explain lists.
const MaxExplainFacts = 1000

// Explain returns how a KPI's figure on an engagement's scorecard for
// period came about: the metric's formula with the period's summed
// aggregates substituted, the score's arithmetic (kpi.ExplainScore), and
// the facts it was computed from (ids, kinds, days, values). Anyone who may
// see the engagement may call it. ENotFound when the terms in force have
// no KPI kpiKey for periods of that kind.
func (s *KPIStore) Explain(ctx context.Context, p tandem.Principal, engagementID int64, period kpi.Period, kpiKey string) (_ *Explained, err error) {
	defer wrap(&err, "KPIStore.Explain(%d, %s, %s)", engagementID, period, kpiKey)
	if !kpi.ValidKind(period.Kind) {
		return nil, invalid("period", "validation.one_of")
	}
	scs, aggs, err := scorecards(ctx, s.db, p, engagementID, []kpi.Period{period}, fromAggregates, true)
	if err != nil {
		return nil, err
	}
	sc := scs[0]
	x := &Explained{Period: period, TermsVersion: sc.TermsVersion, Metrics: sc.Metrics}
	found := false
	for _, r := range sc.Rows {
		if r.KPI.Key == kpiKey {
			x.KPI, x.Row, found = r.KPI, r, true
		}
	}
	if !found {
		return nil, tandem.ErrNotFound
	}
	m, _ := metric.For(x.KPI.Metric, sc.Metrics, period.Kind)
	_, _, e := m.Explain(aggs[0])
	x.Explanation.Steps = append(e.Steps, x.Row.Explanation.Steps...)
	x.Facts = []RecordedFact{}
	if len(m.Kinds) == 0 {
		return x, nil
	}
	from := tandem.DateOf(period.Start.In(period.Start.Location())).String()
	to := tandem.DateOf(period.End.In(period.End.Location())).String()
	args := append(append([]any{p.WorkspaceID, engagementID}, anyArgs(m.Kinds...)...), from, to)
	cond := ` FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind IN (` + placeholders(len(m.Kinds)) + `) AND day >= ? AND day < ?`
	if err := s.db.queryRow(ctx, `SELECT COUNT(*)`+cond, args...).Scan(&x.FactsTotal); err != nil {
		return nil, err
	}
	x.Facts, err = scanAll(ctx, s.db, scanFact, `SELECT `+factCols+cond+fmt.Sprintf(` ORDER BY day, at, id LIMIT %d`, MaxExplainFacts), args...)
	if err != nil {
		return nil, err
	}
	return x, nil
}
