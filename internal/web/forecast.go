package web

import (
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoicedoc"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// The forecast of the current invoicing period (package forecast): a card
// on the invoice page of that period and on the scorecard, and the API.

// forecastData formats a forecast for the card.
func forecastData(l *i18n.Localizer, f *store.Forecast) *views.ForecastData {
	cur := func(v int64) string { return l.Money(money.New(v, f.Currency)) }
	d := &views.ForecastData{Period: invoicedoc.PeriodName(l, f.Period), Elapsed: int64(f.Pace.Elapsed), Total: int64(f.Pace.Total),
		Known: f.Pace.Known(), SoFar: cur(f.Measured.TotalMinor), Projected: cur(f.Projected.TotalMinor),
		Range: l.T("forecast.range", "low", cur(f.LowMinor), "high", cur(f.HighMinor)), TotalScore: l.T("kpi.status.no_data")}
	if f.HasTotal {
		d.TotalScore = l.Decimal(int64(f.Total), 2)
	}
	for _, k := range f.KPIs {
		row := views.ForecastKPI{Name: kpiName(l, f.Metrics, k.KPI), SoFar: l.T("kpi.status.no_data"), Projected: l.T("kpi.status.no_data"),
			Score: l.T("common.none")}
		if k.HasData {
			fig := figuresOf(l, f.Metrics, k.KPI)
			row.SoFar, row.Projected = fig.value(k.Measured), fig.value(k.Projected)
			row.Range = l.T("forecast.as_measured")
			if k.Scales {
				row.Range = l.T("forecast.range", "low", fig.value(k.Low), "high", fig.value(k.High))
			}
		}
		if k.Scored {
			row.Score = l.Decimal(int64(k.Score), 2)
			if k.LowScore != k.HighScore {
				row.Score += " (" + l.T("forecast.range", "low", l.Decimal(int64(k.LowScore), 2), "high", l.Decimal(int64(k.HighScore), 2)) + ")"
			}
		}
		d.KPIs = append(d.KPIs, row)
	}
	return d
}

// plainFixed writes v with scale decimals, a dot as the decimal mark.
func plainFixed(v kpi.Value, scale int) string {
	if !v.Valid() {
		return ""
	}
	n := kpi.Round(v, scale).Int64()
	s := strconv.FormatInt(n, 10)
	if scale <= 0 {
		return s
	}
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for len(s) <= scale {
		s = "0" + s
	}
	s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	if neg {
		s = "-" + s
	}
	return s
}

type apiForecastKPI struct {
	Key       string `json:"key"`
	Name      string `json:"name"`
	Metric    string `json:"metric"`
	Scales    bool   `json:"scales"` // a count or a sum, projected by the pace; otherwise it stays as measured
	HasData   bool   `json:"has_data"`
	Measured  string `json:"measured,omitempty"` // decimals of the KPI's scale, a dot as the mark
	Projected string `json:"projected,omitempty"`
	Low       string `json:"low,omitempty"`
	High      string `json:"high,omitempty"`
	Scored    bool   `json:"scored"`
	Score     int    `json:"score"` // hundredths of a point
	LowScore  int    `json:"low_score"`
	HighScore int    `json:"high_score"`
}

type apiForecastLine struct {
	Kind        string `json:"kind"`
	Description string `json:"description"`
	AmountMinor int64  `json:"amount_minor"`
}

type apiForecast struct {
	EngagementID int64             `json:"engagement_id"`
	Period       string            `json:"period"`
	PeriodName   string            `json:"period_name"`
	Today        string            `json:"today"`
	Elapsed      int               `json:"business_days_elapsed"`
	Total        int               `json:"business_days_total"`
	Method       string            `json:"method"`
	KPIs         []apiForecastKPI  `json:"kpis"`
	TotalScore   *int              `json:"total_score"` // hundredths; null without data
	Currency     string            `json:"currency"`
	SoFarMinor   int64             `json:"so_far_minor"`
	Projected    int64             `json:"projected_minor"`
	LowMinor     int64             `json:"low_minor"`
	HighMinor    int64             `json:"high_minor"`
	Lines        []apiForecastLine `json:"lines"` // the projected invoice's lines
}

func (s *server) apiForecast(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	l := st.loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := s.db.Invoices().Forecast(r.Context(), st.principal, id)
	if err != nil {
		return err
	}
	out := apiForecast{EngagementID: id, Period: f.Label, PeriodName: invoicedoc.PeriodName(l, f.Period), Today: f.Today,
		Elapsed: f.Pace.Elapsed, Total: f.Pace.Total, Method: l.T("forecast.method"), KPIs: []apiForecastKPI{}, Currency: f.Currency,
		SoFarMinor: f.Measured.TotalMinor, Projected: f.Projected.TotalMinor, LowMinor: f.LowMinor, HighMinor: f.HighMinor,
		Lines: []apiForecastLine{}}
	if f.HasTotal {
		out.TotalScore = &f.Total
	}
	for _, k := range f.KPIs {
		sc := k.KPI.Scale
		x := apiForecastKPI{Key: k.KPI.Key, Name: kpiName(l, f.Metrics, k.KPI), Metric: k.KPI.Metric, Scales: k.Scales, HasData: k.HasData,
			Scored: k.Scored, Score: k.Score, LowScore: k.LowScore, HighScore: k.HighScore}
		if k.HasData {
			x.Measured, x.Projected, x.Low, x.High = plainFixed(k.Measured, sc), plainFixed(k.Projected, sc), plainFixed(k.Low, sc),
				plainFixed(k.High, sc)
		}
		out.KPIs = append(out.KPIs, x)
	}
	for _, ln := range f.Projected.Lines {
		out.Lines = append(out.Lines, apiForecastLine{Kind: ln.Kind, Description: l.T(string(ln.Description), ln.Args...),
			AmountMinor: ln.AmountMinor})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// forecastFor is the forecast card of an engagement's current period, or
// nil when there is none to show (a reader who may not see invoices, a
// draft engagement, no terms in force).
func (s *server) forecastFor(r *http.Request, engagementID int64) (*views.ForecastData, *store.Forecast, error) {
	st := state(r)
	if !access.Allows(st.principal.Role, access.InvoicesRead) {
		return nil, nil, nil
	}
	f, err := s.db.Invoices().Forecast(r.Context(), st.principal, engagementID)
	if tandem.ErrorCode(err) == tandem.EConflict {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return forecastData(st.loc, f), f, nil
}
