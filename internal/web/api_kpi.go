package web

import (
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/portfolio"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The JSON API of the KPI engine: the metric catalogue, an engagement's
// scorecard, trend and the facts behind a figure, and the portfolio. Every
// figure is exact: a value is a decimal string rounded half up to the KPI's
// scale together with the fraction num/den in lowest terms; scores, totals
// and the overall score are integers in hundredths of a point, each the
// exact figure rounded once (a total from the exact scores, the overall
// score from the exact totals). A figure without data is null, never a
// made-up 0 or 100.

// maxTrendPeriods bounds ?n= of the trend.
const maxTrendPeriods = 52

// apiExact is an exact value: Decimal is num/den rounded half up to the
// KPI's scale, with "." as the decimal separator.
type apiExact struct {
	Decimal string `json:"decimal"`
	Num     int64  `json:"num"`
	Den     int64  `json:"den"`
}

// toAPIExact returns v (nil when invalid: no data).
func toAPIExact(v kpi.Value, scale int) *apiExact {
	if !v.Valid() {
		return nil
	}
	r := kpi.Ratio(v.Num, v.Den) // lowest terms
	if !r.Valid() {
		r = v
	}
	return &apiExact{Decimal: decimalString(v, scale), Num: r.Num, Den: r.Den}
}

// decimalString formats the valid v with scale decimals, rounded half up
// (kpi.Round: a tie away from zero).
func decimalString(v kpi.Value, scale int) string {
	scale = min(max(scale, 0), 18)
	q := kpi.Round(v, scale)
	s := new(big.Int).Abs(q).String()
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if q.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// apiPeriod is a week, month or quarter in the workspace's time zone.
type apiPeriod struct {
	Kind  string `json:"kind"`
	Start string `json:"start"` // the first day
	End   string `json:"end"`   // the last day, inclusive
	Label string `json:"label"` // 2026-W05, 2026-05, 2026-Q2
	Name  string `json:"name"`  // for people, in the caller's language
}

func toAPIPeriod(l *i18n.Localizer, p kpi.Period) apiPeriod {
	return apiPeriod{Kind: p.Kind, Start: tandem.DateOf(p.Start).String(),
		End:   tandem.DateOf(p.End.Add(-time.Nanosecond).In(p.End.Location())).String(),
		Label: p.String(), Name: periodLabel(l, p)}
}

// apiKPIRow is one KPI of a scorecard.
type apiKPIRow struct {
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	GoalKey     string    `json:"goal_key"`
	Metric      string    `json:"metric"`
	MetricLabel string    `json:"metric_label"`
	Direction   string    `json:"direction"`
	Weight      int       `json:"weight"`
	Scale       int       `json:"scale"`
	HasData     bool      `json:"has_data"`
	Actual      *apiExact `json:"actual"`
	Target      *apiExact `json:"target"`
	Threshold   *apiExact `json:"threshold"`
	Score       *int      `json:"score"` // hundredths of a point
	Status      string    `json:"status"`
	StatusLabel string    `json:"status_label"`
	Explain     string    `json:"explain"` // the API path of the figure's explanation
}

func toAPIKPIRow(l *i18n.Localizer, defs []contract.MetricDef, engagementID int64, p kpi.Period, r kpi.Row) apiKPIRow {
	k := r.KPI
	out := apiKPIRow{Key: k.Key, Name: k.Name, GoalKey: k.GoalKey, Metric: k.Metric, MetricLabel: metricName(l, defs, k.Metric),
		Direction: k.Direction, Weight: k.Weight, Scale: k.Scale, HasData: r.HasData,
		Target: toAPIExact(r.Target, k.Scale), Threshold: toAPIExact(r.Threshold, k.Scale),
		Status: string(r.Status), StatusLabel: l.T(string(r.Status.Key())),
		Explain: fmt.Sprintf("/api/v1/engagements/%d/scorecard/%s?period=%s&start=%s", engagementID, k.Key, p.Kind, tandem.DateOf(p.Start))}
	if out.Name == "" {
		out.Name = out.MetricLabel
	}
	if r.HasData {
		out.Actual = toAPIExact(r.Actual, k.Scale)
	}
	if r.Scored {
		score := r.Score
		out.Score = &score
	}
	return out
}

// apiScorecard is an engagement's scorecard for one period.
type apiScorecard struct {
	EngagementID  int64       `json:"engagement_id"`
	Period        apiPeriod   `json:"period"`
	TermsVersion  *int        `json:"terms_version"`
	Rows          []apiKPIRow `json:"rows"`
	Total         *int        `json:"total"` // hundredths of a point
	Standing      *string     `json:"standing"`
	StandingLabel *string     `json:"standing_label"`
	Rule          string      `json:"rule,omitempty"`
}

func toAPIScorecard(l *i18n.Localizer, sc store.Scorecard) apiScorecard {
	out := apiScorecard{EngagementID: sc.EngagementID, Period: toAPIPeriod(l, sc.Period), Rows: []apiKPIRow{}}
	if sc.TermsVersion != 0 {
		v := sc.TermsVersion
		out.TermsVersion = &v
	}
	for _, r := range sc.Rows {
		out.Rows = append(out.Rows, toAPIKPIRow(l, sc.Metrics, sc.EngagementID, sc.Period, r))
	}
	if sc.HasTotal {
		total := sc.Total
		out.Total = &total
		standing, label := sc.Standing, sc.Standing
		if key, ok := kpi.StandingKey(sc.Standing); ok {
			label = l.T(string(key))
		}
		out.Standing, out.StandingLabel = &standing, &label
	}
	return out
}

// apiPeriodOf reads ?period= (month by default) and ?start= (a day in
// the period, today by default) in the workspace's time zone, as the
// explanation page does.
func (s *server) apiPeriodOf(r *http.Request) (kpi.Period, error) {
	var v tandem.Validator
	q := r.URL.Query()
	kind := q.Get("period")
	if kind == "" {
		kind = kpi.Month
	}
	v.Check(kpi.ValidKind(kind), "period", i18n.K("validation.one_of"))
	var day tandem.Date
	if q := q.Get("start"); q != "" {
		d, err := tandem.ParseDate(q)
		v.Check(err == nil, "start", i18n.K("validation.date"))
		day = d
	}
	if err := v.Err(); err != nil {
		return kpi.Period{}, err
	}
	loc := state(r).loc.Location()
	if day.IsZero() {
		return kpi.PeriodOf(kind, s.db.Now(), loc), nil
	}
	return kpi.PeriodOfDate(kind, day, loc), nil
}

// apiMetrics is the metric catalogue: every metric a KPI may use; with
// ?engagement_id=, followed by that engagement's own metrics in the terms
// in force today.
func (s *server) apiMetrics(w http.ResponseWriter, r *http.Request) error {
	l := state(r).loc
	var defs []contract.MetricDef
	if q := r.URL.Query().Get("engagement_id"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		if err != nil || id <= 0 {
			return tandem.ErrNotFound
		}
		if defs, err = s.db.OwnMetrics.MetricDefs(r.Context(), state(r).principal, id); err != nil {
			return err
		}
	}
	type item struct {
		Key          string   `json:"key"`
		Label        string   `json:"label"`
		Activity     bool     `json:"activity"`
		HasSource    bool     `json:"has_source"`
		Kinds        []string `json:"kinds"`
		Formula      string   `json:"formula"`
		UsesSketch   bool     `json:"uses_sketch"`
		DefaultScale int      `json:"default_scale"`
		Own          string   `json:"own,omitempty"` // an engagement's own metric: manual or formula
	}
	out := struct {
		Items []item `json:"items"`
	}{Items: []item{}}
	for _, key := range contract.Metrics {
		m, _ := metric.Lookup(key)
		it := item{Key: key, Label: l.T(string(contract.MetricLabel(key))), Activity: contract.IsActivityMetric(key),
			HasSource: len(m.Kinds) > 0, Kinds: append([]string{}, m.Kinds...), Formula: m.Formula, UsesSketch: m.UsesSketch,
			DefaultScale: contract.DefaultScale(key)}
		out.Items = append(out.Items, it)
	}
	for _, d := range defs {
		m, _ := metric.For(d.Key, defs, "") // every period's values
		out.Items = append(out.Items, item{Key: d.Key, Label: d.Name, HasSource: len(m.Kinds) > 0, Kinds: append([]string{}, m.Kinds...),
			Formula: m.Formula, UsesSketch: m.UsesSketch, DefaultScale: d.Scale, Own: d.Kind})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiScorecard is an engagement's scorecard for one period.
//
// The answer is kept between requests until the database changes (kept).
func (s *server) apiScorecard(w http.ResponseWriter, r *http.Request) error {
	v, err := s.kept(r, func(r *http.Request) (any, error) {
		st := state(r)
		e, err := s.engagementOf(r)
		if err != nil {
			return nil, err
		}
		period, err := s.apiPeriodOf(r)
		if err != nil {
			return nil, err
		}
		sc, err := s.db.KPI.Scorecard(r.Context(), st.principal, e.ID, period)
		if err != nil {
			return nil, err
		}
		out := toAPIScorecard(st.loc, *sc)
		out.Rule = st.loc.T("scorecard.rule")
		return &out, nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// apiExplain is one figure of a scorecard: the arithmetic and the facts.
func (s *server) apiExplain(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	l := st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	period, err := s.apiPeriodOf(r)
	if err != nil {
		return err
	}
	x, err := s.db.KPI.Explain(r.Context(), st.principal, e.ID, period, r.PathValue("kpi"))
	if err != nil {
		return err
	}
	type step struct {
		Label  string `json:"label"`
		Expr   string `json:"expr"`
		Result string `json:"result"`
	}
	type apiFact struct {
		ID          int64        `json:"id"`
		Kind        string       `json:"kind"`
		SubjectID   int64        `json:"subject_id"`
		Subject     string       `json:"subject,omitempty"` // the API path of the record, where there is one
		At          time.Time    `json:"at"`
		Day         string       `json:"day"`
		Value       int64        `json:"value"`
		Flag        bool         `json:"flag"`
		AmountMinor int64        `json:"amount_minor"`
		Currency    string       `json:"currency"`
		Data        fact.Payload `json:"data"`
	}
	out := struct {
		EngagementID int64     `json:"engagement_id"`
		Period       apiPeriod `json:"period"`
		TermsVersion *int      `json:"terms_version"`
		KPI          apiKPIRow `json:"kpi"`
		Steps        []step    `json:"steps"`
		Facts        []apiFact `json:"facts"`
		FactsTotal   int       `json:"facts_total"`
	}{EngagementID: e.ID, Period: toAPIPeriod(l, period), KPI: toAPIKPIRow(l, x.Metrics, e.ID, period, x.Row),
		Steps: []step{}, Facts: []apiFact{}, FactsTotal: x.FactsTotal}
	if x.TermsVersion != 0 {
		v := x.TermsVersion
		out.TermsVersion = &v
	}
	for _, x := range x.Explanation.Steps {
		out.Steps = append(out.Steps, step{Label: l.T(string(x.Label), x.Args...), Expr: x.Expr, Result: x.Result})
	}
	for _, f := range x.Facts {
		af := apiFact{ID: f.ID, Kind: string(f.Kind), SubjectID: f.SubjectID, At: f.At, Day: f.Day.String(), Value: f.Value, Flag: f.Flag,
			AmountMinor: f.AmountMinor, Currency: f.Currency, Data: f.Data}
		if af.Data == nil {
			af.Data = fact.Raw{Of: f.Kind}
		}
		if f.SubjectID != 0 && fact.SubjectOf(f.Kind) == fact.SubjectDeliverable {
			af.Subject = "/api/v1/deliverables/" + strconv.FormatInt(f.SubjectID, 10)
		}
		out.Facts = append(out.Facts, af)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiTrend is an engagement's scorecards for the last n periods (6 by
// default, at most 52), oldest first, and the overall score over them.
func (s *server) apiTrend(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	var v tandem.Validator
	q := r.URL.Query()
	kind := q.Get("period")
	if kind == "" {
		kind = kpi.Month
	}
	v.Check(kpi.ValidKind(kind), "period", i18n.K("validation.one_of"))
	n := trendPeriods
	if q := q.Get("n"); q != "" {
		var err error
		n, err = strconv.Atoi(q)
		v.Check(err == nil && n >= 1 && n <= maxTrendPeriods, "n", i18n.K("import.cell.int_range"), "min", 1, "max", maxTrendPeriods)
	}
	if err := v.Err(); err != nil {
		return err
	}
	tr, err := portfolio.ReadTrend(r.Context(), s.db, st.principal, e.ID, kind, n)
	if err != nil {
		return err
	}
	out := struct {
		EngagementID int64          `json:"engagement_id"`
		Kind         string         `json:"kind"`
		Periods      []apiScorecard `json:"periods"`
		Overall      *int           `json:"overall"` // hundredths of a point
		Rule         string         `json:"rule"`
	}{EngagementID: e.ID, Kind: kind, Periods: []apiScorecard{}, Rule: st.loc.T("scorecard.rule")}
	for _, sc := range tr.Scorecards {
		out.Periods = append(out.Periods, toAPIScorecard(st.loc, sc))
	}
	if tr.HasOverall {
		o := tr.Overall
		out.Overall = &o
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiPace is how much of a period in progress a projection rests on: its
// business days passed (today included) and in all.
type apiPace struct {
	Elapsed int `json:"business_days_elapsed"`
	Total   int `json:"business_days"`
}

// apiPortfolio is every engagement the caller may see that is not a draft:
// this month's total and standing, the last months' totals, and what needs
// attention — the portfolio page as data (portfolio.Read).
func (s *server) apiPortfolio(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	l := st.loc
	pf, err := portfolio.Read(r.Context(), s.db, st.principal, kpi.Month)
	if err != nil {
		return err
	}
	type point struct {
		Label string `json:"label"`
		Start string `json:"start"`
		Total *int   `json:"total"` // hundredths of a point
	}
	type waits struct {
		Kind  string `json:"kind"`
		Label string `json:"label"`
		Count int    `json:"count"`
		Yours int    `json:"yours"`
	}
	type item struct {
		EngagementID  int64   `json:"engagement_id"`
		Title         string  `json:"title"`
		PartnerID     int64   `json:"partner_id"`
		PartnerName   string  `json:"partner_name"`
		Status        string  `json:"status"`
		Total         *int    `json:"total"`
		Standing      *string `json:"standing"`
		StandingLabel *string `json:"standing_label"`
		Trend         []point `json:"trend"`
		// Projected is set while the month runs and a count or a sum of
		// its KPIs is judged at the month's pace (forecast.Judge): Total,
		// Standing, OffTrack and Waiting then judge the month by where it
		// will land; the trend's last point stays as measured.
		Projected *apiPace `json:"projected,omitempty"`
		OffTrack  []string `json:"off_track"` // keys of this month's KPIs that are off track
		Overdue   int      `json:"overdue"`   // deliverables overdue now
		Waiting   []waits  `json:"waiting"`   // what waits, by kind (portfolio.Counts)
		// Spend, cost per result and return over the last months (client
		// roles only).
		Worth *apiPortfolioWorth `json:"worth,omitempty"`
		// The cadence's health: meetings held against those due so far.
		Meetings *apiMeetingHealth `json:"meetings,omitempty"`
	}
	out := struct {
		Period apiPeriod `json:"period"`
		Items  []item    `json:"items"`
	}{Period: toAPIPeriod(l, pf.Period), Items: []item{}}
	for _, pi := range pf.Items {
		e, cur := pi.Engagement, toAPIScorecard(l, pi.Current())
		it := item{EngagementID: e.ID, Title: e.Title, PartnerID: e.PartnerID, PartnerName: e.PartnerName, Status: string(e.Status),
			Total: cur.Total, Standing: cur.Standing, StandingLabel: cur.StandingLabel, Trend: []point{}, OffTrack: []string{}}
		if pi.Projected() {
			it.Projected = &apiPace{Elapsed: pi.Judged.Pace.Elapsed, Total: pi.Judged.Pace.Total}
		}
		for _, p := range pi.Trend.Points() {
			pt := point{Label: p.Period.String(), Start: tandem.DateOf(p.Period.Start).String()}
			if p.HasTotal {
				total := p.Total
				pt.Total = &total
			}
			it.Trend = append(it.Trend, pt)
		}
		it.Waiting = []waits{}
		for _, c := range portfolio.Counts(pi.Waiting) {
			w := waits{Kind: string(c.Kind), Label: l.N(string(c.Kind.CountKey()), int64(c.N)), Count: c.N}
			for _, x := range pi.Waiting {
				if x.Kind == c.Kind && x.Yours {
					w.Yours++
				}
			}
			it.Waiting = append(it.Waiting, w)
		}
		if h := pi.Meetings; h != nil {
			it.Meetings = &apiMeetingHealth{Due: h.Due, Held: h.Held, Drifting: h.Drifting()}
		}
		if w := pi.Worth; w != nil {
			it.Worth = &apiPortfolioWorth{Months: w.Months, Currency: w.Currency, SpendMinor: w.SpendMinor, ResultUnit: w.Unit,
				Results: w.Results}
			if w.HasCostPer {
				it.Worth.CostPerResultMinor = &w.CostPerMinor
			}
			if w.HasRevenue {
				it.Worth.RevenueMinor = &w.RevenueMinor
			}
			if n, d, ok := w.ROI(); ok {
				it.Worth.ROI = &apiRatio{n, d}
			}
		}
		for _, a := range pi.Attention {
			switch a.Reason {
			case portfolio.ReasonOffTrack:
				it.OffTrack = append(it.OffTrack, a.KPI.Key)
			case portfolio.ReasonOverdue:
				it.Overdue = a.Count
			}
		}
		out.Items = append(out.Items, it)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
