package portfolio_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/portfolio"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

func month(t *testing.T, day string) kpi.Period {
	t.Helper()
	d, err := tandem.ParseDate(day)
	if err != nil {
		t.Fatal(err)
	}
	return kpi.PeriodOfDate(kpi.Month, d, time.UTC)
}

// The overall score weighs the last three periods with data 1, 2, 3, worked
// out by hand: January 50.00, February no data, March 60.00, April 70.00,
// May 80.00 → (1 × 60.00 + 2 × 70.00 + 3 × 80.00) / 6 = 440/6 = 73.33;
// January is not among the last three with data, February is skipped.
func TestTrendOf(t *testing.T) {
	t.Parallel()
	totals := []struct {
		day   string
		total int
		has   bool
	}{{"2026-01-01", 5000, true}, {"2026-02-01", 0, false}, {"2026-03-01", 6000, true}, {"2026-04-01", 7000, true}, {"2026-05-01", 8000, true}}
	var scs []store.Scorecard
	for _, x := range totals {
		scs = append(scs, store.Scorecard{Scorecard: kpi.Scorecard{Period: month(t, x.day), Total: x.total, HasTotal: x.has}})
	}
	tr := portfolio.TrendOf(scs)
	if !tr.HasOverall || tr.Overall != 7333 {
		t.Errorf("overall %d (%v), want 7333", tr.Overall, tr.HasOverall)
	}
	if cur := tr.Current(); cur.Period.String() != "2026-05" || cur.Total != 8000 {
		t.Errorf("current %s %d", cur.Period, cur.Total)
	}
	pts := tr.Points()
	if len(pts) != 5 {
		t.Fatalf("%d points", len(pts))
	}
	for i, x := range totals {
		if p := pts[i]; p.Period.String() != x.day[:7] || p.HasTotal != x.has || p.Total != x.total {
			t.Errorf("point %d: %+v, want %s %d %v", i, p, x.day[:7], x.total, x.has)
		}
	}
	// No period with data: no overall score, not a made-up 0.
	none := portfolio.TrendOf([]store.Scorecard{{Scorecard: kpi.Scorecard{Period: month(t, "2026-05-01")}}})
	if none.HasOverall {
		t.Errorf("overall without data: %d", none.Overall)
	}
}

// What needs attention on a scorecard: each KPI off track, in order;
// at risk, on track and without data are not.
func TestOffTrackAndOverdue(t *testing.T) {
	t.Parallel()
	row := func(key string, s kpi.Status) kpi.Row { return kpi.Row{KPI: contract.KPI{Key: key}, Status: s} }
	sc := kpi.Scorecard{Rows: []kpi.Row{row("a", kpi.OffTrack), row("b", kpi.AtRisk), row("c", kpi.OnTrack), row("d", kpi.NoData), row("e", kpi.OffTrack)}}
	got := portfolio.OffTrack(sc)
	if len(got) != 2 || got[0].KPI.Key != "a" || got[1].KPI.Key != "e" {
		t.Fatalf("off track: %+v", got)
	}
	for _, a := range got {
		if a.Reason != portfolio.ReasonOffTrack || a.Count != 1 || a.Reason.Key() != "portfolio.off_track" {
			t.Errorf("off track: %+v", a)
		}
	}
	if got := portfolio.OffTrack(kpi.Scorecard{}); len(got) != 0 {
		t.Errorf("an empty scorecard: %+v", got)
	}
	if got := portfolio.Overdue(0); len(got) != 0 {
		t.Errorf("nothing overdue: %+v", got)
	}
	if got := portfolio.Overdue(3); len(got) != 1 || got[0].Reason != portfolio.ReasonOverdue || got[0].Count != 3 || got[0].Reason.Key() != "portfolio.overdue" {
		t.Errorf("three overdue: %+v", got)
	}
}
