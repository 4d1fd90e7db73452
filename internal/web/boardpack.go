package web

import (
	"bytes"
	"mime"
	"net/http"
	"time"

	"github.com/tandemhq/tandem/internal/boardpack"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/portfolio"
	"github.com/tandemhq/tandem/internal/web/views"
)

// The monthly board pack: one PDF of the workspace's portfolio for a month
// (?month=2026-11; none: the last complete month), in the language asked
// for (?lang=; none: the reader's), for the client's owner and manager
// (access.BoardPack), audited. Texts are formatted here with the pages'
// helpers; package boardpack lays them out.

// packMonth is the month ?month= asks for, or the last complete one; a
// month not begun yet is the current one.
func (s *server) packMonth(r *http.Request) (kpi.Period, error) {
	loc := state(r).loc.Location()
	now := s.db.Now()
	cur := kpi.PeriodOf(kpi.Month, now, loc)
	m := r.URL.Query().Get("month")
	if m == "" {
		return cur.Prev(), nil
	}
	t, err := time.ParseInLocation("2006-01", m, loc)
	if err != nil {
		return kpi.Period{}, invalidField("month", "validation.date")
	}
	p := kpi.PeriodOf(kpi.Month, t, loc)
	if p.Start.After(cur.Start) {
		p = cur
	}
	return p, nil
}

// packMonths are the months offered on the portfolio: the last twelve,
// newest first (the current one, so far, first).
func packMonths(l *i18n.Localizer, now time.Time) []views.Option {
	p := kpi.PeriodOf(kpi.Month, now, l.Location())
	var out []views.Option
	for range 12 {
		out = append(out, views.Option{Value: p.Label().String(), Label: periodLabel(l, p)})
		p = p.Prev()
	}
	return out
}

func (s *server) boardPack(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	month, err := s.packMonth(r)
	if err != nil {
		return err
	}
	l := s.annexLocalizer(r) // ?lang= or the reader's language
	pack, err := portfolio.ReadPack(r.Context(), s.db, st.principal, month)
	if err != nil {
		return err
	}
	in := boardpack.Input{Localizer: l, Workspace: st.workspace.Name, Month: periodLabel(l, month), GeneratedAt: s.db.Now()}
	for _, it := range pack.Items {
		in.Engagements = append(in.Engagements, packEngagement(l, &it))
	}
	var buf bytes.Buffer
	if err := boardpack.PDF(&buf, in); err != nil {
		return err
	}
	if err := s.db.Exports().BoardPack(r.Context(), st.principal, month.Label().String(), string(l.Lang()), len(in.Engagements)); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment",
		map[string]string{"filename": "board-pack-" + month.Label().String() + "-" + string(l.Lang()) + ".pdf"}))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(buf.Bytes())
	return err
}

// packEngagement formats one engagement of a board pack.
func packEngagement(l *i18n.Localizer, it *portfolio.PackItem) boardpack.Engagement {
	e, card := it.Engagement, it.Card()
	out := boardpack.Engagement{Title: e.Title, Partner: e.PartnerName, Total: l.T("kpi.status.no_data"), Spend: "—",
		CostPer: l.T("boardpack.no_results")}
	if card.HasTotal {
		out.Total = l.Decimal(int64(card.Total), 2)
	}
	out.Standing, _ = standing(l, card.Scorecard)
	if w := it.MonthWorth; w.Months > 0 {
		out.Spend = l.Money(money.New(w.SpendMinor, w.Currency))
		if w.HasCostPer {
			cost := []any{"cost", l.Money(money.New(w.CostPerMinor, w.Currency))}
			out.CostPer = l.T("portfolio.per."+w.Unit, cost...) // the keys per unit: worth.Units
		}
	}
	for _, row := range card.Rows {
		k := kpiRow(l, card.Metrics, e.ID, card.Period, row)
		out.KPIs = append(out.KPIs, boardpack.KPI{Name: k.Name, Actual: k.Actual, Target: k.Target, Threshold: k.Threshold,
			Score: k.Score, Status: l.T("kpi.status." + string(row.Status))})
	}
	for _, sc := range it.Trend.Scorecards {
		p := boardpack.Point{Period: periodLabel(l, sc.Period), Total: l.T("kpi.status.no_data")}
		if sc.HasTotal {
			p.Total = l.Decimal(int64(sc.Total), 2)
		}
		p.Standing, _ = standing(l, sc.Scorecard)
		out.Trend = append(out.Trend, p)
	}
	for _, a := range it.Attention {
		out.Attention = append(out.Attention, attentionLabel(l, card.Metrics, a))
	}
	return out
}
