package demo

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/survey"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The demo's surveys, knowledge base and handover, as governance.go says.
// The sales engagement's survey of six months ago: clarity (3 + 4 + 3) /
// 3 = 3.3; transparency (KPI 5 questions) (3+3+4 + 4+3+4 + 3+2+4) / 9 =
// 30 / 9 = 3.3; last month's (5+5+5 + 5+4+5 + 4+4+5) / 9 = 42 / 9 = 4.7.
func TestDemoGovernance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Stockholm")
	clock := storetest.NewClock(time.Date(2026, 12, 4, 9, 0, 0, 0, loc))
	clk := NewClock(clock.Now)
	db := storetest.Open(t, "sqlite", clk.Now)
	if _, err := Load(ctx, db, clk); err != nil {
		t.Fatal(err)
	}
	owner, _ := db.Accounts.UserByEmail(ctx, OwnerEmail)
	ms, _ := db.Accounts.MembershipsOf(ctx, owner.ID)
	p, err := db.Accounts.Principal(ctx, owner.ID, ms[0].WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	es, _, err := db.Engagements.List(ctx, p, tandem.Page{Limit: 100}, store.EngagementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	eid := map[string]int64{}
	for _, e := range es {
		eid[e.Title] = e.ID
	}
	rounds, err := db.Surveys().Rounds(ctx, p, eid[salesTitle])
	if err != nil || len(rounds) != 7 {
		t.Fatalf("rounds %d %v", len(rounds), err)
	}
	if r := rounds[0]; r.Result.Shown || r.Result.Answered != 2 || r.Period.String() != "2026-12" {
		t.Errorf("this month's round %+v", r)
	}
	if r := rounds[6]; !r.Result.Shown || r.Period.String() != "2026-06" || r.Result.Means[0].Tenths != 33 || r.Result.Metrics[survey.MetricTransparency] != 33 {
		t.Errorf("June's round %+v", r.Result)
	}
	if r := rounds[1]; r.Result.Metrics[survey.MetricTransparency] != 47 {
		t.Errorf("November's round %+v", r.Result)
	}
	nov := kpi.PeriodOf(kpi.Month, time.Date(2026, 11, 10, 12, 0, 0, 0, loc), loc)
	sc, err := db.KPI.Scorecard(ctx, p, eid[salesTitle], nov)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range sc.Rows {
		if r.KPI.Key == "transparency" {
			found = true
			if !r.HasData || r.Actual.Cmp(kpi.Ratio(47, 10)) != 0 {
				t.Errorf("transparency KPI %+v", r)
			}
		}
	}
	if !found {
		t.Error("no transparency KPI")
	}
	areas, err := db.Knowledge().BusFactors(ctx, p, eid[cfoTitle])
	if err != nil || len(areas) != 2 || areas[0].Name != "Cash-flow forecast" || areas[0].BusFactor != 1 || areas[1].BusFactor != 2 {
		t.Fatalf("areas %+v %v", areas, err)
	}
	risk, err := db.Knowledge().AtRisk(ctx, p)
	if err != nil || len(risk) != 1 || risk[0].EngagementID != eid[cfoTitle] || len(risk[0].Areas) != 1 {
		t.Fatalf("at risk %+v %v", risk, err)
	}
	hs, err := db.Handovers().List(ctx, p, eid[supportTitle])
	if err != nil || len(hs) != 1 || hs[0].Complete() || !hs[0].Steps[1].Done() || hs[0].Steps[2].Done() {
		t.Fatalf("handovers %+v %v", hs, err)
	}
}
