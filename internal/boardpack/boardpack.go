// Package boardpack lays out the monthly board pack of a workspace as an
// A4 PDF (through internal/pdfdoc and the fonts it embeds): the portfolio
// of the month — each engagement's weighted score, standing, spend and
// cost per result — then a section per engagement with its scorecard
// (every KPI's actual, target, threshold, score and status), its trend
// over the last months and what needs attention. Every text arrives
// formatted in the chosen language (the web layer formats with the same
// helpers as the pages); this package only lays it out.
package boardpack

import (
	"io"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/pdfdoc"
)

// Input is a board pack, every text in the reader's language.
type Input struct {
	Localizer   *i18n.Localizer
	Workspace   string // the client company
	Month       string // "november 2026"
	GeneratedAt time.Time
	Engagements []Engagement
}

// Engagement is one engagement of the pack.
type Engagement struct {
	Title, Partner string
	Total          string // the month's weighted score, or "No data"
	Standing       string
	Spend          string // the month's spend, or "—"
	CostPer        string // the cost per result ("SEK 1,500 per qualified lead"), or a sentence saying there is none
	KPIs           []KPI
	Trend          []Point
	Attention      []string
}

// KPI is one row of an engagement's scorecard.
type KPI struct {
	Name, Actual, Target, Threshold, Score, Status string
}

// Point is one month of a trend.
type Point struct {
	Period, Total, Standing string
}

// PDF writes the board pack in to w.
func PDF(w io.Writer, in Input) error {
	l := in.Localizer
	doc := pdfdoc.Document{Title: l.T("boardpack.title", "month", in.Month), Localizer: l, Created: in.GeneratedAt,
		Subject: l.T("boardpack.title", "month", in.Month), Author: in.Workspace, Footer: in.Workspace + " · " + in.Month}
	doc.Rows = []pdfdoc.Row{
		{Label: l.T("boardpack.client"), Value: in.Workspace},
		{Label: l.T("boardpack.month"), Value: in.Month},
		{Label: l.T("boardpack.generated"), Value: l.DateTime(in.GeneratedAt)},
		{Label: l.T("boardpack.engagements"), Value: l.Int(int64(len(in.Engagements)))},
	}
	overview := &pdfdoc.Table{Head: []string{l.T("boardpack.col.engagement"), l.T("boardpack.col.partner"), l.T("boardpack.col.total"),
		l.T("boardpack.col.standing"), l.T("boardpack.col.spend"), l.T("boardpack.col.cost_per")}, Right: []int{2, 4}}
	for _, e := range in.Engagements {
		overview.Rows = append(overview.Rows, []string{e.Title, e.Partner, e.Total, e.Standing, e.Spend, e.CostPer})
	}
	if len(in.Engagements) == 0 {
		doc.Sections = append(doc.Sections, pdfdoc.Section{Title: l.T("boardpack.portfolio"), Rows: []pdfdoc.Row{{Label: l.T("boardpack.none")}}})
	} else {
		doc.Sections = append(doc.Sections, pdfdoc.Section{Title: l.T("boardpack.portfolio"), Table: overview})
	}
	for _, e := range in.Engagements {
		head := pdfdoc.Section{Title: e.Title, Rows: []pdfdoc.Row{
			{Label: l.T("boardpack.col.partner"), Value: dash(e.Partner)},
			{Label: l.T("boardpack.col.total"), Value: dash(e.Total)},
			{Label: l.T("boardpack.col.standing"), Value: dash(e.Standing)},
			{Label: l.T("boardpack.col.spend"), Value: dash(e.Spend)},
			{Label: l.T("boardpack.col.cost_per"), Value: dash(e.CostPer)},
		}}
		for i, a := range e.Attention {
			label := ""
			if i == 0 {
				label = l.T("boardpack.attention")
			}
			head.Rows = append(head.Rows, pdfdoc.Row{Label: label, Value: a})
		}
		if len(e.KPIs) > 0 {
			t := &pdfdoc.Table{Head: []string{l.T("boardpack.col.kpi"), l.T("boardpack.col.actual"), l.T("boardpack.col.target"),
				l.T("boardpack.col.threshold"), l.T("boardpack.col.score"), l.T("boardpack.col.status")}, Right: []int{1, 2, 3, 4}}
			for _, k := range e.KPIs {
				t.Rows = append(t.Rows, []string{k.Name, k.Actual, k.Target, k.Threshold, k.Score, k.Status})
			}
			head.Table = t
		}
		doc.Sections = append(doc.Sections, head)
		if len(e.Trend) > 0 {
			t := &pdfdoc.Table{Head: []string{l.T("boardpack.col.month"), l.T("boardpack.col.total"), l.T("boardpack.col.standing")}, Right: []int{1}}
			for _, p := range e.Trend {
				t.Rows = append(t.Rows, []string{p.Period, p.Total, p.Standing})
			}
			doc.Sections = append(doc.Sections, pdfdoc.Section{Title: l.T("boardpack.trend", "title", e.Title), Table: t})
		}
	}
	return pdfdoc.Write(w, doc)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
