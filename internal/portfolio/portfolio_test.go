package portfolio_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/portfolio"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

var ctx = context.Background()

// seed is the fixture on 13 May 2026 with A1 live under two monthly KPIs
// on first-time acceptance, B1 live under its template terms and A2 a
// draft. A1 has four deliverables accepted, two of them first time, so
// first-time acceptance is 2/4 = 50 %, worked out by hand:
//
//   - "strict" (target 90 %, threshold 50 %): (50 − 50) / (90 − 50) × 100 = 0,
//     off track;
//   - "easy" (target 50 %, threshold 0 %): (50 − 0) / (50 − 0) × 100 = 100,
//     on track;
//   - the total, weights 1 and 1: (0 + 100) / 2 = 50.00, "poor" (≥ 40, < 60).
//
// A fifth deliverable, due an hour after it was created, is overdue once
// the clock has moved two hours on.
func seed(t *testing.T, dialect string, more ...func(*contract.Terms)) (*store.DB, *storetest.Fixture) {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 5, 13, 10, 0, 0, 0, time.UTC))
	db := storetest.Open(t, dialect, clock.Now)
	f := storetest.Seed(t, db)
	storetest.Activate(t, db, f.Owner, f.A1, func(terms *contract.Terms) {
		terms.Goals = []contract.Goal{{Key: "quality", Title: "Right first time"}}
		terms.KPIs = []contract.KPI{
			{Key: "strict", GoalKey: "quality", Metric: "first_time_acceptance", Name: "Strict",
				Target: 9000, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: "month"},
			{Key: "easy", GoalKey: "quality", Metric: "first_time_acceptance",
				Target: 5000, Threshold: 0, Scale: 2, Direction: "higher", Weight: 1, Period: "month"},
		}
		for _, f := range more {
			f(terms)
		}
	})
	storetest.Activate(t, db, f.Owner, f.B1, nil)
	v, err := db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(db.Now()))
	if err != nil {
		t.Fatal(err)
	}
	svc := v.Terms.Services[0].Key
	for i, returned := range []bool{false, true, false, true} {
		d := &work.Deliverable{EngagementID: f.A1, ServiceKey: svc, Title: fmt.Sprintf("List %d", i+1), DueAt: db.Now().Add(48 * time.Hour)}
		if err := db.Work.Create(ctx, f.Owner, d); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Work.Submit(ctx, f.VendorAgent, d.ID, "", nil); err != nil {
			t.Fatal(err)
		}
		if returned {
			if err := db.Work.Review(ctx, f.Manager, d.ID, work.Review{Reason: "quality"}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Work.Submit(ctx, f.VendorAgent, d.ID, "", nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Work.Review(ctx, f.Manager, d.ID, work.Review{Accepted: true}); err != nil {
			t.Fatal(err)
		}
	}
	late := &work.Deliverable{EngagementID: f.A1, ServiceKey: svc, Title: "Late list", DueAt: db.Now().Add(time.Hour)}
	if err := db.Work.Create(ctx, f.Owner, late); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Hour)
	return db, f
}

func ids(pf *portfolio.Portfolio) []int64 {
	var out []int64
	for _, it := range pf.Items {
		out = append(out, it.Engagement.ID)
	}
	return out
}

func TestRead(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			db, f := seed(t, dialect)
			pf, err := portfolio.Read(ctx, db, f.Owner, kpi.Month)
			if err != nil {
				t.Fatal(err)
			}
			// By title; A2 is a draft and not shown.
			if pf.Kind != kpi.Month || pf.Period.String() != "2026-05" || fmt.Sprint(ids(pf)) != fmt.Sprint([]int64{f.A1, f.B1}) {
				t.Fatalf("portfolio %s %s: %v, want [%d %d]", pf.Kind, pf.Period, ids(pf), f.A1, f.B1)
			}
			a1 := pf.Items[0]
			if a1.Engagement.Title != "Alpha outbound" || a1.Engagement.PartnerName != "Alpha Sales AB" {
				t.Errorf("A1: %+v", a1.Engagement)
			}
			cur := a1.Current()
			if cur.Period.String() != "2026-05" || !cur.HasTotal || cur.Total != 5000 || cur.Standing != "poor" || len(cur.Rows) != 2 {
				t.Errorf("A1 this month: %s total %d (%v) %q, %d rows", cur.Period, cur.Total, cur.HasTotal, cur.Standing, len(cur.Rows))
			}
			if len(a1.Trend.Scorecards) != portfolio.TrendPeriods || a1.Trend.Scorecards[0].Period.String() != "2025-12" {
				t.Errorf("A1's trend: %d periods from %s", len(a1.Trend.Scorecards), a1.Trend.Scorecards[0].Period)
			}
			for i, p := range a1.Trend.Points()[:portfolio.TrendPeriods-1] {
				if p.HasTotal {
					t.Errorf("A1's trend, point %d (%s) has a total %d", i, p.Period, p.Total)
				}
			}
			// Only May has data: the overall score is May's.
			if !a1.Trend.HasOverall || a1.Trend.Overall != 5000 {
				t.Errorf("A1's overall: %d (%v)", a1.Trend.Overall, a1.Trend.HasOverall)
			}
			if len(a1.Attention) != 2 ||
				a1.Attention[0].Reason != portfolio.ReasonOffTrack || a1.Attention[0].KPI.Key != "strict" ||
				a1.Attention[1].Reason != portfolio.ReasonOverdue || a1.Attention[1].Count != 1 {
				t.Errorf("A1 needs attention for %+v", a1.Attention)
			}
			b1 := pf.Items[1]
			if b1.Current().HasTotal || b1.Trend.HasOverall || len(b1.Attention) != 0 {
				t.Errorf("B1 has figures or attention without facts: %+v", b1)
			}

			// Paging through one engagement at a time gives the same.
			paged, err := portfolio.ReadPaged(ctx, db, f.Owner, kpi.Month, 1)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(ids(paged)) != fmt.Sprint(ids(pf)) || paged.Items[0].Current().Total != 5000 || len(paged.Items[0].Attention) != 2 {
				t.Errorf("paged one at a time: %v", ids(paged))
			}

			// Partner people see their own: partner B's manager B1, A's agent
			// the engagement assigned to them.
			for _, c := range []struct {
				who  string
				p    tandem.Principal
				want []int64
			}{{"partner B", f.VendorManagerB, []int64{f.B1}}, {"A's agent", f.VendorAgent, []int64{f.A1}}, {"A's manager", f.VendorManager, []int64{f.A1}}} {
				got, err := portfolio.Read(ctx, db, c.p, kpi.Month)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(ids(got)) != fmt.Sprint(c.want) {
					t.Errorf("%s sees %v, want %v", c.who, ids(got), c.want)
				}
			}

			// A quarter's portfolio: the KPIs are monthly, so no figures.
			q, err := portfolio.Read(ctx, db, f.Owner, kpi.Quarter)
			if err != nil {
				t.Fatal(err)
			}
			if q.Period.String() != "2026-Q2" || len(q.Items) != 2 || q.Items[0].Current().HasTotal {
				t.Errorf("quarterly: %s %v", q.Period, ids(q))
			}
			if _, err := portfolio.Read(ctx, db, f.Owner, "fortnight"); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Errorf("a bad kind: %v", err)
			}
		})
	}
}

// The month in progress is judged by its pace: a count KPI's few days
// are projected to the month's end before they are scored, ranked and
// flagged, while the trend keeps the month as measured. Worked by hand:
// May 2026 on a Monday-to-Friday calendar with 1 May a holiday has 20
// business days, 8 of them passed by Wednesday 13 May (4–8, 11–13). A1
// adds "raised" (proposals raised, target 10, threshold 2) and has 3:
//
//   - as measured: (3 − 2) / (10 − 2) × 100 = 12.50, off track; the total
//     of strict 0, easy 100 and raised 12.50 is 37.50, very poor;
//   - judged: 3 × 20 / 8 = 7.5 → 8, (8 − 2) / 8 × 100 = 75.00, on track;
//     the total (0 + 100 + 75) / 3 = 58.333… → 58.33, poor; only "strict"
//     needs attention.
func TestReadJudgesTheMonthByItsPace(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			db, f := seed(t, dialect, func(terms *contract.Terms) {
				terms.Calendar.WorkDays = []int{1, 2, 3, 4, 5}
				terms.Calendar.Holidays = []string{"2026-05-01"}
				terms.KPIs = append(terms.KPIs, contract.KPI{Key: "raised", GoalKey: "quality", Metric: "proposals_raised", Name: "Raised",
					Target: 10, Threshold: 2, Direction: "higher", Weight: 1, Period: "month"})
			})
			for _, title := range []string{"Batch the lists", "Call earlier", "Share the script"} {
				if err := db.Proposals.Raise(ctx, f.VendorManager, &proposal.Proposal{EngagementID: f.A1, Kind: proposal.KindProposal, Title: title}); err != nil {
					t.Fatal(err)
				}
			}
			pf, err := portfolio.Read(ctx, db, f.Owner, kpi.Month)
			if err != nil {
				t.Fatal(err)
			}
			a1 := pf.Items[0]
			measured := a1.Trend.Current()
			if measured.Total != 3750 || measured.Standing != "very_poor" || measured.Rows[2].Status != kpi.OffTrack {
				t.Errorf("as measured: total %d %q, raised %s", measured.Total, measured.Standing, measured.Rows[2].Status)
			}
			if !a1.Projected() || a1.Judged.Pace.Elapsed != 8 || a1.Judged.Pace.Total != 20 {
				t.Fatalf("judged by pace %v at %+v, want 8 of 20", a1.Projected(), a1.Judged)
			}
			cur := a1.Current()
			if r := cur.Rows[2]; r.Actual != kpi.Int(8) || r.Score != 7500 || r.Status != kpi.OnTrack {
				t.Errorf("raised judged %v, score %d, %s; want 8, 75.00, on track", r.Actual, r.Score, r.Status)
			}
			if cur.Total != 5833 || cur.Standing != "poor" || cur.EngagementID != f.A1 {
				t.Errorf("judged total %d %q, want 5833 poor", cur.Total, cur.Standing)
			}
			var off []string
			for _, a := range a1.Attention {
				if a.Reason == portfolio.ReasonOffTrack {
					off = append(off, a.KPI.Key)
				}
			}
			if fmt.Sprint(off) != "[strict]" {
				t.Errorf("off track: %v, want [strict]", off)
			}
		})
	}
}

// The trend of one engagement: what the scorecard page and the trend API
// show; another partner's engagement is not found.
func TestReadTrend(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			db, f := seed(t, dialect)
			tr, err := portfolio.ReadTrend(ctx, db, f.Owner, f.A1, kpi.Month, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Scorecards) != 3 || tr.Scorecards[0].Period.String() != "2026-03" || tr.Current().Total != 5000 ||
				tr.Current().TermsVersion != 1 || !tr.HasOverall || tr.Overall != 5000 {
				t.Errorf("trend: %d periods from %s, total %d, terms %d, overall %d", len(tr.Scorecards), tr.Scorecards[0].Period,
					tr.Current().Total, tr.Current().TermsVersion, tr.Overall)
			}
			if _, err := portfolio.ReadTrend(ctx, db, f.VendorManagerB, f.A1, kpi.Month, 3); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("partner B reads A1's trend: %v", err)
			}
		})
	}
}
