package demo

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// checkHistory checks the backdated sales history (history.go) of a demo
// loaded with a clock: counts within the ranges the generator's
// proportions give, every claim outcome, a scorecard with figures for the
// last complete month, a non-empty funnel, and aggregates that match the
// facts.
func checkHistory(t *testing.T, db *store.DB, workspaceID int64) {
	t.Helper()
	ctx := context.Background()
	as := func(email string) tandem.Principal {
		t.Helper()
		u, err := db.Accounts.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.Accounts.Principal(ctx, u.ID, workspaceID)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	owner := as(OwnerEmail)
	es, _, err := db.Engagements.List(ctx, owner, tandem.Page{Q: "Outbound sales"}, store.EngagementFilter{})
	if err != nil || len(es) != 1 {
		t.Fatalf("the outbound engagement: %v %v", es, err)
	}
	eng := es[0].ID
	loc := kpiLoc(t, db, workspaceID)
	now := db.Now()

	// Calls of the last complete week (Monday to Friday): three agents,
	// five business days, 15 to 30 calls each (a day's calls end by 16:45,
	// and 30 calls of at most 12 minutes with their pauses fit from 09:20),
	// so between 3·5·15 = 225 and 3·5·30 = 450.
	day := now.In(loc)
	monday := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, -1)
	}
	monday = monday.AddDate(0, 0, -7)
	calls, err := db.KPI.Facts(ctx, owner, eng, []string{"sales.call_made"}, tandem.DateOf(monday), tandem.DateOf(monday.AddDate(0, 0, 7)), 1000)
	if err != nil || len(calls) < 225 || len(calls) > 450 {
		t.Errorf("calls in the week of %s: %d, %v", monday.Format("2006-01-02"), len(calls), err)
	}

	// The last complete month's follow-ups done and proposals sent: of
	// about 1,400 calls (3 agents × 21 days × 22.5) 11 % ask to be called
	// back, about 150; proposals follow two thirds of some 33 meetings
	// held, minus the accounts with a deal already.
	mon := kpi.PeriodOf(kpi.Month, now, loc).Prev()
	for kind, r := range map[string][2]int{"sales.follow_up_done": {60, 300}, "sales.proposal_sent": {3, 60}} {
		fs, err := db.KPI.Facts(ctx, owner, eng, []string{kind}, tandem.DateOf(mon.Start), tandem.DateOf(mon.End), 1000)
		if err != nil || len(fs) < r[0] || len(fs) > r[1] {
			t.Errorf("%s in %s: %d, %v", kind, mon, len(fs), err)
		}
	}
	// Every column of the board but "next step agreed" (passed on the
	// way to won) has deals: the first three are opened at the end of
	// the history from the last week's calls and inbound requests.
	for _, stage := range []string{"new", "past_gatekeeper", "decision_maker_reached", "needs_identified", "presented",
		"proposal_sent", "objections_handled", "won", "lost"} {
		if _, n, err := db.Deals().List(ctx, owner, tandem.Page{}, store.DealFilter{EngagementID: eng, Stage: stage}); err != nil || n == 0 {
			t.Errorf("deals in %s: %d, %v", stage, n, err)
		}
	}

	// Every claim outcome: accepted by Johan, accepted when the window
	// ended, disputed, reversed (exactly one), and open ones (the last days').
	cs, err := db.Claims().List(ctx, owner, eng, store.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	outcome := map[string]int{}
	kinds := map[sales.ClaimKind]int{}
	for _, c := range cs {
		k := string(c.Status)
		if c.Status == sales.ClaimAccepted && c.Expired {
			k = "expired"
		}
		outcome[k]++
		if c.Status == sales.ClaimAccepted {
			kinds[c.Kind]++
		}
	}
	if outcome[string(sales.ClaimAccepted)] == 0 || outcome["expired"] == 0 || outcome[string(sales.ClaimDisputed)] == 0 ||
		outcome[string(sales.ClaimReversed)] != 1 || outcome[string(sales.ClaimOpen)] == 0 {
		t.Errorf("claim outcomes %v", outcome)
	}
	for _, k := range sales.ClaimKinds {
		if kinds[k] == 0 {
			t.Errorf("no accepted %s claim: %v", k, kinds)
		}
	}

	// The last complete month's scorecard has figures for the monthly
	// KPIs of the template: qualified leads, meetings held, deals won.
	// About 1,400 calls a month (3 agents × 21 days × 22.5), 3 % booking a
	// meeting, 78 % of those held: about 33 meetings, two thirds of them
	// qualified leads, a third of those deals won — wide ranges around.
	month := kpi.PeriodOf(kpi.Month, now, loc).Prev()
	sc, err := db.KPI.Scorecard(ctx, owner, eng, month)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int64{"qualified-leads": {5, 60}, "meetings": {10, 80}, "deals": {1, 30}}
	for _, row := range sc.Rows {
		r, ok := want[row.KPI.Key]
		if !ok {
			continue
		}
		delete(want, row.KPI.Key)
		if !row.HasData || row.Actual.Den != 1 || row.Actual.Num < r[0] || row.Actual.Num > r[1] {
			t.Errorf("%s in %s: %+v (has data %v), want %d to %d", row.KPI.Key, month, row.Actual, row.HasData, r[0], r[1])
		}
	}
	if len(want) > 0 || !sc.HasTotal {
		t.Errorf("scorecard of %s: missing %v, total %v", month, want, sc.HasTotal)
	}
	// The lead-to-deal conversion of the last complete quarter.
	q, err := db.KPI.Scorecard(ctx, owner, eng, kpi.PeriodOf(kpi.Quarter, now, loc).Prev())
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range q.Rows {
		if row.KPI.Key == "conversion" && (!row.HasData || row.Actual.Num <= 0) {
			t.Errorf("conversion of the last quarter: %+v", row)
		}
	}

	f, err := db.Deals().Funnel(ctx, owner, eng, store.FunnelFilter{})
	if err != nil || f.Deals == 0 || len(f.Steps) == 0 || f.Steps[0].Reached == 0 {
		t.Errorf("funnel: %+v %v", f, err)
	}
	recs, err := db.Sales().Recordings(ctx, owner, eng)
	if err != nil || len(recs) == 0 || len(recs) > 30 {
		t.Errorf("recordings: %d %v", len(recs), err)
	}
	if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
		t.Errorf("kpi verify: %+v %v", m, err)
	}
}
