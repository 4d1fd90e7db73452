package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/forecast"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/portfolio"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// trendPeriods is how many periods the trend charts show.
const trendPeriods = portfolio.TrendPeriods

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

// kpiFigures formats the figures of one KPI — its actuals, target and
// threshold, fixed point with the KPI's decimals — with a percent sign
// when its metric is a percentage (metric.Metric.Percent).
type kpiFigures struct {
	l       *i18n.Localizer
	scale   int
	percent bool
}

// figuresOf is the formatting of KPI k, whose engagement's own metrics
// are defs.
func figuresOf(l *i18n.Localizer, defs []contract.MetricDef, k contract.KPI) kpiFigures {
	m, _ := metric.For(k.Metric, defs, k.Period)
	return kpiFigures{l: l, scale: k.Scale, percent: m.Percent}
}

// term formats a fixed-point figure of the terms (a target, a threshold).
func (f kpiFigures) term(v int64) string {
	if f.percent {
		return f.l.PercentValue(v, f.scale)
	}
	return f.l.Decimal(v, f.scale)
}

// value formats a measured or projected value, rounded half up to the
// KPI's decimals; "No data" when it has none.
func (f kpiFigures) value(v kpi.Value) string {
	if !v.Valid() {
		return f.l.T("kpi.status.no_data")
	}
	return f.term(kpi.Round(v, f.scale).Int64())
}

// kpiRow formats one scorecard row.
func kpiRow(l *i18n.Localizer, defs []contract.MetricDef, engagementID int64, p kpi.Period, r kpi.Row) views.KPIRow {
	k := r.KPI
	fig := figuresOf(l, defs, k)
	row := views.KPIRow{Key: k.Key, Name: k.Name, Metric: metricName(l, defs, k.Metric), Weight: k.Weight,
		Actual: fig.value(r.Actual), Target: fig.term(k.Target), Threshold: fig.term(k.Threshold),
		Score: l.T("common.none"), Status: r.Status,
		Link: fmt.Sprintf("/engagements/%d/scorecard/%s?period=%s&start=%s", engagementID, k.Key, p.Kind, tandem.DateOf(p.Start))}
	if !r.HasData {
		row.Actual = l.T("kpi.status.no_data")
	}
	if d := contract.FindMetric(defs, k.Metric); d != nil && d.Kind == contract.MetricKindManual {
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

// kpiName is a KPI's name, or its metric's when it has none.
func kpiName(l *i18n.Localizer, defs []contract.MetricDef, k contract.KPI) string {
	if k.Name != "" {
		return k.Name
	}
	return metricName(l, defs, k.Metric)
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

// scorecardURL is the scorecard page of period p.
func scorecardURL(engagementID int64, p kpi.Period) string {
	return fmt.Sprintf("/engagements/%d/scorecard?period=%s&start=%s", engagementID, p.Kind, tandem.DateOf(p.Start))
}

// periodLabel names a period in the reader's language: "July 2026",
// "Week 49, 2026", "Q4 2026" — never an ISO label.
func periodLabel(l *i18n.Localizer, p kpi.Period) string {
	lb := p.Label()
	switch p.Kind {
	case kpi.Week:
		return l.T("period.week", "n", lb.Number, "year", strconv.Itoa(lb.Year))
	case kpi.Quarter:
		return l.T("period.quarter", "n", lb.Number, "year", strconv.Itoa(lb.Year))
	}
	return l.Month(p.Start)
}

// periodShort is a period's short name on a chart's axis: "Jul", "W49",
// "Q4 26".
func periodShort(l *i18n.Localizer, p kpi.Period) string {
	lb := p.Label()
	switch p.Kind {
	case kpi.Week:
		return l.T("period.week_short", "n", lb.Number)
	case kpi.Quarter:
		return l.T("period.quarter_short", "n", lb.Number, "year", fmt.Sprintf("%02d", lb.Year%100))
	}
	return l.MonthAbbr(p.Start)
}

// trendOf is a trend's chart points and its overall score, formatted.
func trendOf(l *i18n.Localizer, t portfolio.Trend, now time.Time) ([]views.ChartPoint, string) {
	var pts []views.ChartPoint
	for _, pt := range t.Points() {
		p := views.ChartPoint{Label: periodShort(l, pt.Period), Name: periodLabel(l, pt.Period), Value: pt.Total, Has: pt.HasTotal}
		// The period in progress is drawn apart: its first days are not
		// a fall.
		if pt.Period.Contains(now) {
			p.SoFar, p.Name = true, p.Name+" ("+l.T("scorecard.so_far")+")"
		}
		pts = append(pts, p)
	}
	overall := l.T("kpi.status.no_data")
	if t.HasOverall {
		overall = l.Decimal(int64(t.Overall), 2)
	}
	return pts, overall
}

// scoresExplained says in the reader's words what the period's weighted
// score and the overall score are, and why the overall one differs.
func scoresExplained(l *i18n.Localizer, cur store.Scorecard, t portfolio.Trend) []string {
	if cur.TermsVersion == 0 {
		return nil
	}
	var out []string
	if cur.HasTotal {
		out = append(out, l.T("scorecard.explain.total", "total", l.Decimal(int64(cur.Total), 2)))
	} else {
		out = append(out, l.T("scorecard.explain.no_total"))
	}
	if t.HasOverall {
		overall := l.Decimal(int64(t.Overall), 2)
		switch {
		case !cur.HasTotal:
			out = append(out, l.T("scorecard.explain.overall", "overall", overall))
		case t.Overall < cur.Total:
			out = append(out, l.T("scorecard.explain.overall_lower", "overall", overall))
		case t.Overall > cur.Total:
			out = append(out, l.T("scorecard.explain.overall_higher", "overall", overall))
		default:
			out = append(out, l.T("scorecard.explain.overall_same", "overall", overall))
		}
	}
	return out
}

// totalBand is the band a total's trend is read against: from the score
// at which a KPI turns at risk (the threshold) to the score at which it is
// on track (the target), kpi.DefaultStatusBands.
func totalBand(l *i18n.Localizer) views.ChartBand {
	b := kpi.DefaultStatusBands
	return chartBand(l, b.AtRisk, b.OnTrack, l.Int(int64(b.AtRisk/100)), l.Int(int64(b.OnTrack/100)))
}

func chartBand(l *i18n.Localizer, low, high int, lowText, highText string) views.ChartBand {
	return views.ChartBand{Low: low, High: high, LowLabel: l.T("lists.trend.threshold", "value", lowText),
		HighLabel: l.T("lists.trend.target", "value", highText),
		Desc:      l.T("lists.trend.band_desc", "threshold", lowText, "target", highText)}
}

// kpiSpark is a KPI's actual values over the trend's periods (the KPI
// found by its key in each), and the band between its threshold and
// target, in the KPI's fixed-point units.
func kpiSpark(l *i18n.Localizer, t portfolio.Trend, k contract.KPI, defs []contract.MetricDef) ([]views.SparkPoint, views.ChartBand) {
	fig := figuresOf(l, defs, k)
	var pts []views.SparkPoint
	for _, sc := range t.Scorecards {
		p := views.SparkPoint{Name: periodLabel(l, sc.Period)}
		for _, r := range sc.Rows {
			if r.KPI.Key == k.Key && r.HasData && r.Actual.Valid() {
				p.Has, p.Value, p.Text = true, kpi.Round(r.Actual, k.Scale).Int64(), fig.value(r.Actual)
			}
		}
		pts = append(pts, p)
	}
	return pts, chartBand(l, int(k.Threshold), int(k.Target), fig.term(k.Threshold), fig.term(k.Target))
}

// scorecardOf reads the trend of an engagement's scorecard page to the
// period the address asks for (?period= kind, ?start= any of its days)
// and the scorecard the page shows: without ?start= the last complete
// period, when the terms were in force in it; otherwise (a new
// engagement) the current one, so far. The trend runs to the current
// period either way; its overall score is that of the period shown.
func (s *server) scorecardOf(r *http.Request, engagementID int64) (portfolio.Trend, store.Scorecard, string, error) {
	st := state(r)
	kind, err := periodKind(r)
	if err != nil {
		return portfolio.Trend{}, store.Scorecard{}, "", err
	}
	var at time.Time
	if q := r.URL.Query().Get("start"); q != "" {
		d, err := tandem.ParseDate(q)
		if err != nil {
			return portfolio.Trend{}, store.Scorecard{}, "", invalidField("start", "validation.date")
		}
		at = kpi.PeriodOfDate(kind, d, st.loc.Location()).Start
	}
	tr, err := portfolio.ReadTrendTo(r.Context(), s.db, st.principal, engagementID, kind, trendPeriods, at)
	if err != nil {
		return portfolio.Trend{}, store.Scorecard{}, "", err
	}
	cur := tr.Current()
	if at.IsZero() && len(tr.Scorecards) >= 2 {
		if last := tr.Scorecards[len(tr.Scorecards)-2]; last.TermsVersion != 0 {
			cur = last
			// The overall score is the one as of the period shown: the
			// period in progress, drawn in the trend, does not count in
			// it (its first days would pull the last complete period's
			// overall score down, and the page would explain that by
			// the periods before it).
			asOf := portfolio.TrendOf(tr.Scorecards[:len(tr.Scorecards)-1])
			tr.Overall, tr.HasOverall = asOf.Overall, asOf.HasOverall
		}
	}
	return tr, cur, kind, nil
}

// scorecardPage shows an engagement's scorecard of a period, kept
// between requests until the database changes (kept).
func (s *server) scorecardPage(w http.ResponseWriter, r *http.Request) error {
	return s.keptPage(w, r, func(r *http.Request) (templ.Component, error) {
		d, err := s.scorecardData(r)
		if err != nil {
			return nil, err
		}
		return views.Scorecard(s.nav(r, d.Engagement.Title, "engagements"), *d), nil
	})
}

// scorecardData is what the scorecard page of r shows.
func (s *server) scorecardData(r *http.Request) (*views.ScorecardData, error) {
	st := state(r)
	e, err := s.engagementOf(r)
	if err != nil {
		return nil, err
	}
	tr, cur, kind, err := s.scorecardOf(r, e.ID)
	if err != nil {
		return nil, err
	}
	l := st.loc
	d := views.ScorecardData{Engagement: e, PeriodKind: kind, PeriodLabel: periodLabel(l, cur.Period), TermsVersion: cur.TermsVersion,
		Total: l.T("kpi.status.no_data"), Rule: l.T("scorecard.rule"),
		Kinds:   options(l, "scorecard.kind.", []string{kpi.Week, kpi.Month, kpi.Quarter}, ""),
		SoFar:   cur.Period.Contains(s.db.Now()),
		PrevURL: scorecardURL(e.ID, cur.Period.Prev()), PrevLabel: periodLabel(l, cur.Period.Prev()),
		CanExport:   access.Allows(st.principal.Role, access.ListsExport),
		ExportQuery: fmt.Sprintf("?period=%s&start=%s", cur.Period.Kind, tandem.DateOf(cur.Period.Start))}
	if !d.SoFar {
		d.NextURL, d.NextLabel = scorecardURL(e.ID, cur.Period.Next()), periodLabel(l, cur.Period.Next())
	}
	for _, row := range cur.Rows {
		kr := kpiRow(l, cur.Metrics, e.ID, cur.Period, row)
		kr.Spark, kr.Band = kpiSpark(l, tr, row.KPI, cur.Metrics)
		d.Rows = append(d.Rows, kr)
	}
	d.Band = totalBand(l)
	if cur.HasTotal {
		d.Total = l.Decimal(int64(cur.Total), 2)
	}
	d.Standing, d.StandingTone = standing(l, cur.Scorecard)
	if d.SoFar {
		// Where the period heads at its pace, as the portfolio judges it.
		if j := portfolio.Judge(cur, s.db.Now()); j.Projected && j.HasTotal {
			p := &views.ScorecardPace{Total: l.Decimal(int64(j.Total), 2), Note: paceNote(l, j.Pace)}
			p.Standing, p.StandingTone = standing(l, j.Scorecard)
			d.Pace = p
		}
	}
	d.Trend, d.Overall = trendOf(l, tr, s.db.Now())
	d.Explained = scoresExplained(l, cur, tr)
	// Where the current invoicing period will land: on the page as it
	// opens and on the current period, not on a past one.
	if r.URL.Query().Get("start") == "" || d.SoFar {
		fc, f, err := s.forecastFor(r, e.ID)
		if err != nil {
			return nil, err
		}
		if fc != nil {
			fc.InvoiceURL = invoicePath(e.ID, f.Label)
			d.Forecast = fc
		}
	}
	return &d, nil
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
		d.Steps = append(d.Steps, views.ExplainStep{Label: l.T(string(step.Label), step.Args...),
			Expr: explainText(l, x.Metrics, step.Expr), Result: explainText(l, x.Metrics, step.Result)})
	}
	for _, f := range x.Facts {
		fv := views.FactView{ID: f.ID, Kind: factKindName(l, x.Metrics, f.Kind), Day: st.loc.Date(f.Day.Time()), Value: l.Int(f.Value), Flag: f.Flag, Subject: f.SubjectID}
		if fact.SubjectOf(f.Kind) == fact.SubjectDeliverable {
			fv.Link = fmt.Sprintf("/deliverables/%d", f.SubjectID)
		}
		d.Facts = append(d.Facts, fv)
	}
	return s.page(w, r, views.Explain(s.nav(r, row.Name, "engagements"), d))
}

// portfolioPage is the director's view: every engagement the caller may
// see, its standing this month, its trend, and what needs attention.
// Its rows are kept between requests until the database changes (kept).
func (s *server) portfolioPage(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	l := st.loc
	return s.keptPage(w, r, func(r *http.Request) (templ.Component, error) {
		d, err := s.portfolioData(r.Context(), r)
		if err != nil {
			return nil, err
		}
		pg := views.Pager{Total: len(d.rows), Query: r.URL.Query(), Path: "/portfolio", Sort: portfolio.DefaultSort}
		return views.Portfolio(s.nav(r, l.T("portfolio.title"), "portfolio"), d.period, d.rows, pg, s.packForm(r)), nil
	})
}

// portfolioData is what the portfolio page shows, sorted as r asks.
type portfolioData struct {
	period string
	rows   []views.PortfolioRow
}

func (s *server) portfolioData(ctx context.Context, r *http.Request) (*portfolioData, error) {
	st := state(r)
	l := st.loc
	pf, err := portfolio.Read(ctx, s.db, st.principal, kpi.Month)
	if err != nil {
		return nil, err
	}
	pf.Sort(r.URL.Query().Get("sort"))
	risky, err := s.knowledgeRisk(ctx, st.principal, l)
	if err != nil {
		return nil, err
	}
	var rows []views.PortfolioRow
	for _, it := range pf.Items {
		e, cur := it.Engagement, it.Current()
		row := views.PortfolioRow{ID: e.ID, Title: e.Title, Partner: e.PartnerName, Status: string(e.Status), Total: l.T("kpi.status.no_data"),
			Link: scorecardURL(e.ID, pf.Period)}
		if cur.HasTotal {
			row.Total = l.Decimal(int64(cur.Total), 2)
		}
		row.Standing, row.StandingTone = standing(l, cur.Scorecard)
		row.Projected = projectedNote(l, &it)
		row.Trend, _ = trendOf(l, it.Trend, s.db.Now())
		row.Band = totalBand(l)
		for _, a := range it.Attention {
			row.Attention = append(row.Attention, attentionLabel(l, cur.Metrics, a))
		}
		row.Attention = append(row.Attention, risky[e.ID]...)
		if h := it.Meetings; h != nil {
			row.Meetings, row.MeetingsTone, row.MeetingsLink = l.T("meetings.held_of_due", "held", h.Held, "due", h.Due), "ok", meetingsPath(e.ID)
			if h.Due == 0 && h.Held == 0 {
				row.Meetings = l.T("meetings.none_due") // not "0 of 0 held"
			}
			if h.Drifting() {
				row.MeetingsTone = "bad"
			}
		}
		if w := it.Worth; w != nil {
			row.ShowWorth, row.WorthLink, row.Spend, row.CostPer, row.ROI = true, worthPath(e.ID), "—", l.T("portfolio.no_results"), "—"
			if w.Months > 0 {
				row.Spend = l.Money(money.New(w.SpendMinor, w.Currency))
			}
			if w.HasCostPer {
				cost := []any{"cost", l.Money(money.New(w.CostPerMinor, w.Currency))}
				row.CostPer = l.T("portfolio.per."+w.Unit, cost...) // the keys per unit: worth.Units
			}
			if n, d, ok := w.ROI(); ok {
				row.ROI = l.Percent(n, d, 1)
			}
		}
		rows = append(rows, row)
	}
	return &portfolioData{period: periodLabel(l, pf.Period), rows: rows}, nil
}

// projectedNote says that an engagement's current standing is the month's
// pace and how much of the month it rests on ("projected from 8 of 20
// business days"); "" when the month is judged as measured.
func projectedNote(l *i18n.Localizer, it *portfolio.Item) string {
	if !it.Projected() {
		return ""
	}
	return paceNote(l, it.Judged.Pace)
}

// paceNote is how much of a period a projection rests on.
func paceNote(l *i18n.Localizer, p forecast.Pace) string {
	return l.N("portfolio.projected", int64(p.Total), "elapsed", p.Elapsed)
}

// packForm is the portfolio's board pack form, for those who may
// download it: the last twelve months (the last complete one chosen) and
// the three languages, each named in itself (the reader's chosen).
func (s *server) packForm(r *http.Request) views.BoardPackForm {
	st := state(r)
	if !access.Allows(st.principal.Role, access.BoardPack) {
		return views.BoardPackForm{}
	}
	l := st.loc
	f := views.BoardPackForm{Show: true, Months: packMonths(l, s.db.Now()), Lang: string(l.Lang())}
	f.Month = kpi.PeriodOf(kpi.Month, s.db.Now(), l.Location()).Prev().Label().String()
	for _, lang := range i18n.Supported {
		f.Languages = append(f.Languages, views.Option{Value: string(lang), Label: l.T("lang." + string(lang))})
	}
	return f
}

// attentionLabel says what needs attention in the reader's language; defs
// are the engagement's own metrics, to name a KPI that has no name.
func attentionLabel(l *i18n.Localizer, defs []contract.MetricDef, a portfolio.Attention) string {
	var args []any
	if a.KPI.Key != "" {
		args = []any{"kpi", kpiName(l, defs, a.KPI)}
	}
	return l.N(string(a.Reason.Key()), int64(a.Count), args...)
}

// explainToken is a name in an explanation's arithmetic: a metric key, a
// kind of fact, a status, "actual", "target", "threshold".
var explainToken = tandem.LazyRegexp(`[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*`)

// explainText is a step of a figure's arithmetic as a person reads it:
// metric keys by their names, kinds of fact, statuses and the KPI's terms
// in words, numbers in the reader's format, an unknown value as a dash.
// The arithmetic itself (Σ, ÷, ×) stays.
func explainText(l *i18n.Localizer, defs []contract.MetricDef, s string) string {
	s = strings.ReplaceAll(s, "round half up", l.T("scorecard.round"))
	s = explainToken().ReplaceAllStringFunc(s, func(w string) string {
		switch {
		case w == "actual" || w == "target" || w == "threshold" || w == "score":
			return strings.ToLower(l.T("scorecard." + w))
		case w == "status":
			return strings.ToLower(l.T("field.status"))
		case l.Has("kpi.status." + w):
			return l.T("kpi.status." + w)
		case l.Has("fact.kind." + w):
			return strings.ToLower(l.T("fact.kind." + w))
		case contract.KnownMetric(defs, w):
			return metricName(l, defs, w)
		}
		return w
	})
	return l.Expr(strings.ReplaceAll(s, "?", "—"))
}

// factKindName names a kind of fact: "Deliverable accepted", "Value of
// Customer satisfaction (monthly)".
func factKindName(l *i18n.Localizer, defs []contract.MetricDef, k fact.Kind) string {
	if key, period, ok := fact.IsManual(k); ok {
		return l.T("scorecard.fact.manual", "metric", metricName(l, defs, key), "period", strings.ToLower(l.T("scorecard.kind."+period)))
	}
	if l.Has("fact.kind." + string(k)) {
		return l.T("fact.kind." + string(k))
	}
	return l.T("common.none")
}
