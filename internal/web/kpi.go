package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// trendPeriods is how many periods the trend charts show.
const trendPeriods = 6

// periodKind reads ?period= (month by default).
func periodKind(r *http.Request) (string, error) {
	k := r.URL.Query().Get("period")
	if k == "" {
		return kpi.Month, nil
	}
	if !kpi.ValidKind(k) {
		return "", invalidField("period", "validation.one_of")
	}
	return k, nil
}

// fixed formats an exact value with scale decimals, rounded half up
// (kpi.Round: a tie away from zero).
func fixed(l *i18n.Localizer, v kpi.Value, scale int) string {
	if !v.Valid() {
		return l.T("kpi.status.no_data")
	}
	return l.Decimal(kpi.Round(v, scale).Int64(), scale)
}

// kpiRow formats one scorecard row.
func kpiRow(l *i18n.Localizer, defs []contract.MetricDef, engagementID int64, p kpi.Period, r kpi.Row) views.KPIRow {
	k := r.KPI
	row := views.KPIRow{Key: k.Key, Name: k.Name, Metric: metricName(l, defs, k.Metric), Weight: k.Weight,
		Actual: fixed(l, r.Actual, k.Scale), Target: l.Decimal(k.Target, k.Scale), Threshold: l.Decimal(k.Threshold, k.Scale),
		Score: l.T("common.none"), Status: r.Status,
		Link: fmt.Sprintf("/engagements/%d/scorecard/%s?period=%s&start=%s", engagementID, k.Key, p.Kind, tandem.DateOf(p.Start))}
	if !r.HasData {
		row.Actual = l.T("kpi.status.no_data")
	}
	if d := contract.FindMetric(defs, k.Metric); d != nil && d.Kind == "manual" {
		row.Values = fmt.Sprintf("/engagements/%d/values", engagementID)
	}
	if r.Scored {
		row.Score = l.Decimal(int64(r.Score), 2)
	}
	if row.Name == "" {
		row.Name = row.Metric
	}
	return row
}

// standing is a standing's label and badge tone.
func standing(l *i18n.Localizer, sc kpi.Scorecard) (string, string) {
	if !sc.HasTotal {
		return "", ""
	}
	label := sc.Standing
	if key, ok := kpi.StandingKey(sc.Standing); ok {
		label = l.T(string(key))
	}
	tone := map[string]string{"excellent": "ok", "good": "info", "poor": "warn", "very_poor": "bad"}[sc.Standing]
	return label, tone
}

func periodLabel(l *i18n.Localizer, p kpi.Period) string {
	if p.Kind == kpi.Month {
		return l.Month(p.Start)
	}
	return p.String()
}

// trendOf turns scorecards into chart points and the overall score.
func trendOf(l *i18n.Localizer, scs []store.Scorecard) ([]views.ChartPoint, string) {
	var pts []views.ChartPoint
	for _, sc := range scs {
		pts = append(pts, views.ChartPoint{Label: sc.Period.String(), Value: sc.Total, Has: sc.HasTotal})
	}
	overall := l.T("kpi.status.no_data")
	if o, ok := overallOf(scs); ok {
		overall = l.Decimal(int64(o), 2)
	}
	return pts, overall
}

// overallOf is the overall score of a trend (kpi.OverallOf over the exact
// totals, rounded once), for the scorecard page and the API alike.
func overallOf(scs []store.Scorecard) (int, bool) {
	cards := make([]kpi.Scorecard, len(scs))
	for i, sc := range scs {
		cards[i] = sc.Scorecard
	}
	return kpi.OverallOf(cards, kpi.DefaultRecent)
}

func (s *server) scorecardPage(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	ctx, p := r.Context(), st.principal
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	kind, err := periodKind(r)
	if err != nil {
		return err
	}
	scs, err := s.db.KPI.Trend(ctx, p, e.ID, kind, trendPeriods)
	if err != nil {
		return err
	}
	cur := scs[len(scs)-1]
	l := st.loc
	d := views.ScorecardData{Engagement: e, PeriodKind: kind, PeriodLabel: periodLabel(l, cur.Period), TermsVersion: cur.TermsVersion,
		Total: l.T("kpi.status.no_data"), Rule: l.T("scorecard.rule"),
		Kinds: options(l, "scorecard.kind.", []string{kpi.Week, kpi.Month, kpi.Quarter}, "")}
	for _, row := range cur.Rows {
		d.Rows = append(d.Rows, kpiRow(l, cur.Metrics, e.ID, cur.Period, row))
	}
	if cur.HasTotal {
		d.Total = l.Decimal(int64(cur.Total), 2)
	}
	d.Standing, d.StandingTone = standing(l, cur.Scorecard)
	d.Trend, d.Overall = trendOf(l, scs)
	return s.page(w, r, views.Scorecard(s.nav(r, e.Title, "engagements"), d))
}

func (s *server) explainPage(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	ctx, p := r.Context(), st.principal
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	kind, err := periodKind(r)
	if err != nil {
		return err
	}
	loc := st.loc.Location()
	period := kpi.PeriodOf(kind, s.db.Now(), loc)
	if q := r.URL.Query().Get("start"); q != "" {
		d, err := tandem.ParseDate(q)
		if err != nil {
			return invalidField("start", "validation.date")
		}
		period = kpi.PeriodOfDate(kind, d, loc)
	}
	x, err := s.db.KPI.Explain(ctx, p, e.ID, period, r.PathValue("kpi"))
	if err != nil {
		return err
	}
	l := st.loc
	row := kpiRow(l, x.Metrics, e.ID, period, x.Row)
	d := views.ExplainData{Engagement: e, KPIName: row.Name, Period: periodLabel(l, period), Row: row, FactsTotal: x.FactsTotal}
	for _, step := range x.Explanation.Steps {
		d.Steps = append(d.Steps, views.ExplainStep{Label: l.T(string(step.Label), step.Args...), Expr: step.Expr, Result: step.Result})
	}
	for _, f := range x.Facts {
		fv := views.FactView{ID: f.ID, Kind: f.Kind, Day: st.loc.Date(f.Day.Time()), Value: l.Int(f.Value), Flag: f.Flag, Subject: f.SubjectID}
		if strings.HasPrefix(f.Kind, "deliverable.") || strings.HasPrefix(f.Kind, "penalty.") {
			fv.Link = fmt.Sprintf("/deliverables/%d", f.SubjectID)
		}
		d.Facts = append(d.Facts, fv)
	}
	return s.page(w, r, views.Explain(s.nav(r, row.Name, "engagements"), d))
}

// portfolioPage is the director's view: every engagement the caller may
// see, its standing this month, its trend, and what needs attention.
func (s *server) portfolioPage(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	ctx, p := r.Context(), st.principal
	l := st.loc
	es, _, err := s.db.Engagements.List(ctx, p, tandem.Page{Limit: 200, Sort: "title"}, store.EngagementFilter{})
	if err != nil {
		return err
	}
	var rows []views.PortfolioRow
	var period string
	for _, e := range es {
		if e.Status == engagement.StatusDraft {
			continue
		}
		scs, err := s.db.KPI.Trend(ctx, p, e.ID, kpi.Month, trendPeriods)
		if err != nil {
			return err
		}
		cur := scs[len(scs)-1]
		period = periodLabel(l, cur.Period)
		row := views.PortfolioRow{ID: e.ID, Title: e.Title, Partner: e.PartnerName, Status: string(e.Status), Total: l.T("kpi.status.no_data")}
		if cur.HasTotal {
			row.Total = l.Decimal(int64(cur.Total), 2)
		}
		row.Standing, row.StandingTone = standing(l, cur.Scorecard)
		row.Trend, _ = trendOf(l, scs)
		for _, kr := range cur.Rows {
			if kr.Status == kpi.OffTrack {
				row.Attention = append(row.Attention, l.T("portfolio.off_track", "kpi", kpiRow(l, cur.Metrics, e.ID, cur.Period, kr).Name))
			}
		}
		if _, n, err := s.db.Work.List(ctx, p, tandem.Page{Limit: 1}, store.DeliverableFilter{EngagementID: e.ID, Overdue: true}); err != nil {
			return err
		} else if n > 0 {
			row.Attention = append(row.Attention, l.N("portfolio.overdue", int64(n)))
		}
		rows = append(rows, row)
	}
	if period == "" {
		period = l.Month(s.db.Now().In(l.Location()))
	}
	return s.page(w, r, views.Portfolio(s.nav(r, l.T("portfolio.title"), "portfolio"), period, rows))
}
