package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// onTimeKPI sets one weekly KPI: deliverables on time, target 90 %,
// threshold 60 % (score 0 at or below 60 %, 100 at or above 90 %, linear
// between; off track below 40.00 points, at risk below 70.00).
func onTimeKPI(t *contract.Terms) {
	t.KPIs = []contract.KPI{{Key: "on-time", GoalKey: t.Goals[0].Key, Metric: "on_time_share", Name: "On time",
		Target: 9000, Threshold: 6000, Scale: 2, Direction: "higher", Weight: 1, Period: "week"}}
}

// deliveredAt is a deliverable accepted at at, late by late (0 = on time).
func deliveredAt(eng int64, at time.Time, late int64) store.Fact {
	return store.Fact{EngagementID: eng, Kind: fact.DeliverableAccepted, At: at, Value: late, Flag: true, Data: fact.Accepted{LeadTimeS: 3600}}
}

// A worked example, in Stockholm (UTC+1 in March), of engagement A1 with
// the one KPI of onTimeKPI. People on A1: the client's deciders (owner,
// manager) and partner A's people on it (its vendor manager, and the agent
// assigned to A1) — four.
//
//	week 10   facts (on time / all)   share    score   status      alert
//	step 1    2 / 2                   100 %    100.00  on track    —
//	step 2    2 / 4                    50 %      0.00  off track   yes, 4 notifications
//	step 3    4 / 6                 66.67 %     22.22  off track   — (still off track)
//	step 4    8 / 10                   80 %     66.67  at risk     —
//	step 5    8 / 12                66.67 %     22.22  off track   — (once per period and status)
//	week 11   0 / 1                     0 %      0.00  off track   yes, 4 more
//
// However many evaluations run, on however many instances at once, each
// person gets one notification per alert.
func TestKPIAlertsWorkedExample(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) // Monday, week 10
			db, other := instances(t, dialect, clock)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, onTimeKPI)
			people := []tandem.Principal{f.Owner, f.Manager, f.VendorManager, f.VendorAgent}
			day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, time.UTC) }
			record := func(facts ...store.Fact) {
				t.Helper()
				if _, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil {
					t.Fatal(err)
				}
			}
			// evaluate runs the evaluation n times on each instance at once and
			// returns how many alerts they recorded together.
			evaluate := func(n int) int {
				t.Helper()
				var mu sync.Mutex
				var wg sync.WaitGroup
				total := 0
				for i := range 2 * n {
					inst := db
					if i%2 == 1 {
						inst = other
					}
					wg.Go(func() {
						k, err := inst.Alerts.EvaluateWorkspace(ctx, f.WorkspaceID, clock.Now())
						if err != nil {
							t.Error(err)
						}
						mu.Lock()
						total += k
						mu.Unlock()
					})
				}
				wg.Wait()
				return total
			}
			status := func(want kpi.Status, score string) {
				t.Helper()
				sc, err := db.KPI.Scorecard(ctx, store.System(f.WorkspaceID, "test"), f.A1, kpi.PeriodOf(kpi.Week, clock.Now(), kpiZone))
				if err != nil {
					t.Fatal(err)
				}
				r := sc.Rows[0]
				if r.Status != want || (r.Scored && score != alertScore(r.Score)) {
					t.Fatalf("%s: status %s score %s, want %s %s", sc.Period, r.Status, alertScore(r.Score), want, score)
				}
			}
			notified := func(want int) {
				t.Helper()
				for _, p := range people {
					ns, _, err := db.Notifications.List(ctx, p, true, 100)
					if err != nil {
						t.Fatal(err)
					}
					got := 0
					for _, n := range ns {
						if n.Kind == kpi.AlertKPIOffTrack {
							got++
							if n.EngagementID != f.A1 || n.Args["kpi"] != "On time" || n.Args["engagement"] != "Alpha outbound" {
								t.Errorf("notification %+v", n)
							}
						}
					}
					if got != want {
						t.Errorf("%s has %d KPI alerts, want %d", p.Email, got, want)
					}
				}
				// Nobody else: not the viewer, not partner B.
				for _, p := range []tandem.Principal{f.Viewer, f.VendorManagerB} {
					if ns, _, _ := db.Notifications.List(ctx, p, true, 100); len(ns) != 0 {
						t.Errorf("%s was notified: %+v", p.Email, ns)
					}
				}
			}

			// Step 1: 2 of 2 on time.
			record(deliveredAt(f.A1, day(2, 9), 0), deliveredAt(f.A1, day(3, 9), 0))
			status(kpi.OnTrack, "100.00")
			if n := evaluate(1); n != 0 {
				t.Fatalf("step 1: %d alerts", n)
			}
			notified(0)

			// Step 2: two late deliveries, 2 of 4 on time. The scheduler's
			// hourly slot ending Wednesday 01:00 UTC (02:00 in Stockholm)
			// evaluates the workspace; the slot before and the one after do not.
			record(deliveredAt(f.A1, day(4, 9), 2), deliveredAt(f.A1, day(4, 10), 1))
			status(kpi.OffTrack, "0.00")
			for _, slot := range []time.Time{day(4, 0), day(4, 2)} {
				if n, err := db.Alerts.EvaluateDue(ctx, slot.Add(-time.Hour), slot); n != 0 || err != nil {
					t.Fatalf("slot %s: %d alerts, %v", slot, n, err)
				}
			}
			if n, err := db.Alerts.EvaluateDue(ctx, day(4, 0), day(4, 1)); n != 1 || err != nil {
				t.Fatalf("step 2: %d alerts, %v; want 1", n, err)
			}
			if n := evaluate(4); n != 0 {
				t.Fatalf("step 2, again: %d alerts", n)
			}
			notified(1)

			// Step 3: still off track.
			record(deliveredAt(f.A1, day(5, 9), 0), deliveredAt(f.A1, day(5, 10), 0))
			status(kpi.OffTrack, "22.22")
			if n := evaluate(2); n != 0 {
				t.Fatalf("step 3: %d alerts", n)
			}
			// Step 4: at risk.
			record(deliveredAt(f.A1, day(6, 9), 0), deliveredAt(f.A1, day(6, 10), 0), deliveredAt(f.A1, day(6, 11), 0), deliveredAt(f.A1, day(6, 12), 0))
			status(kpi.AtRisk, "66.67")
			if n := evaluate(1); n != 0 {
				t.Fatalf("step 4: %d alerts", n)
			}
			// Step 5: off track again in the same week: no second alert.
			record(deliveredAt(f.A1, day(7, 9), 3), deliveredAt(f.A1, day(7, 10), 3))
			status(kpi.OffTrack, "22.22")
			if n := evaluate(2); n != 0 {
				t.Fatalf("step 5: %d alerts", n)
			}
			notified(1)

			// Week 11: one late delivery. Week 10, evaluated as the period
			// just closed, stays off track and raises nothing.
			clock.Add(7 * 24 * time.Hour)
			record(deliveredAt(f.A1, day(9, 9), 1))
			status(kpi.OffTrack, "0.00")
			if n := evaluate(3); n != 1 {
				t.Fatalf("week 11: %d alerts, want 1", n)
			}
			notified(2)

			alerts, err := db.Alerts.Alerts(ctx, f.VendorAgent, f.A1)
			if err != nil {
				t.Fatal(err)
			}
			if len(alerts) != 2 {
				t.Fatalf("alerts: %+v", alerts)
			}
			for i, want := range []struct{ period, start, previous, score string }{
				{"2026-W10", "2026-03-02", "on_track", "0.00"},
				{"2026-W11", "2026-03-09", "", "0.00"},
			} {
				a := alerts[i]
				if a.Kind != kpi.AlertKPIOffTrack || a.KPIKey != "on-time" || a.Period != want.period || a.PeriodStart.String() != want.start ||
					a.Status != kpi.OffTrack || string(a.Previous) != want.previous || alertScore(a.Score) != want.score || !a.DeliveredAt.IsZero() {
					t.Errorf("alert %d: %+v, want %+v", i, a, want)
				}
			}
			if _, err := db.Alerts.Alerts(ctx, f.VendorManagerB, f.A1); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("partner B read A1's alerts: %v", err)
			}
			entries, total, err := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: kpi.AlertKPIOffTrack}, tandem.Page{})
			if err != nil || total != 2 || len(entries) != 2 || entries[0].Actor != "scheduler" || entries[0].EntityID != f.A1 {
				t.Errorf("audit: %d %+v %v", total, entries, err)
			}
		})
	}
}

// A month in progress is judged by its pace up to the day before the
// evaluation (forecast.Judge). Worked by hand: March 2026 on a
// Monday-to-Friday calendar has 22 business days; A1's one KPI is
// proposals raised, target 10, threshold 2, and one is raised on Monday 2
// March.
//
//	evaluated (02:00 Stockholm)   days passed   judged            alert
//	Tuesday 3 March               1 of 22       1 × 22 = 22: 100   — (as measured: 1, 0.00, off track)
//	Tuesday 10 March              6 of 22       22 ÷ 6 → 4: 25.00  yes, score 25.00, "heading off track"
//	Wednesday 1 April             March closed  1: 0.00 off track  — (already raised for March)
//	                              April: none   no data            —
func TestKPIAlertsJudgeTheMonthByItsPace(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, func(terms *contract.Terms) {
				terms.Calendar.WorkDays = []int{1, 2, 3, 4, 5}
				terms.Calendar.Holidays = nil
				terms.KPIs = []contract.KPI{{Key: "raised", GoalKey: terms.Goals[0].Key, Metric: "proposals_raised", Name: "Raised",
					Target: 10, Threshold: 2, Direction: "higher", Weight: 1, Period: "month"}}
			})
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, []store.Fact{{EngagementID: f.A1, Kind: fact.ProposalRaised,
				At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Data: fact.Raised{Kind: "proposal", Title: "Call earlier"}}}); err != nil {
				t.Fatal(err)
			}
			evaluate := func(at time.Time) int {
				t.Helper()
				clock.Add(at.Sub(clock.Now()))
				n, err := db.Alerts.EvaluateWorkspace(ctx, f.WorkspaceID, at)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := evaluate(time.Date(2026, 3, 3, 1, 0, 0, 0, time.UTC)); n != 0 {
				t.Errorf("3 March: %d alerts, want none (1 of 22 days: 22 projected)", n)
			}
			if n := evaluate(time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)); n != 1 {
				t.Errorf("10 March: %d alerts, want 1 (6 of 22 days: 4 projected)", n)
			}
			if n := evaluate(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)); n != 0 {
				t.Errorf("1 April: %d alerts, want none", n)
			}
			alerts, err := db.Alerts.Alerts(ctx, f.Owner, f.A1)
			if err != nil {
				t.Fatal(err)
			}
			if len(alerts) != 1 || alerts[0].Period != "2026-03" || alertScore(alerts[0].Score) != "25.00" || alerts[0].Previous != kpi.OnTrack {
				t.Fatalf("alerts: %+v", alerts)
			}
			// People are told the KPI is heading off track.
			ns, _, err := db.Notifications.List(ctx, f.Owner, true, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(ns) != 1 || ns[0].Kind != kpi.AlertKPIOffPace || ns[0].Args["kpi"] != "Raised" {
				t.Errorf("notifications: %+v", ns)
			}
			entries, _, err := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: kpi.AlertKPIOffTrack}, tandem.Page{})
			if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Data, `"projected":true`) {
				t.Errorf("audit: %+v %v", entries, err)
			}
		})
	}
}

// alertScore writes hundredths of a point as "22.22".
func alertScore(v int) string { return fmt.Sprintf("%d.%02d", v/100, v%100) }

// Each local day has exactly one hourly slot whose evaluation is due:
// across the days Stockholm's clocks skip (29 March 2026) and repeat (25
// October 2026) an hour, in a half-hour zone, and in UTC.
func TestEvaluationDueOncePerLocalDay(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Europe/Stockholm", "Asia/Kolkata", "America/St_Johns", "UTC"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, from := range []time.Time{time.Date(2026, 3, 26, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 22, 0, 0, 0, 0, time.UTC)} {
			perDay := map[string]int{}
			for h := range 7 * 24 {
				slot := from.Add(time.Duration(h+1) * time.Hour)
				if kpi.EvaluationDue(loc, slot.Add(-time.Hour), slot) {
					local := slot.In(loc)
					perDay[local.Format("2006-01-02")]++
					if local.Hour() < kpi.EvaluationHour || local.Hour() > kpi.EvaluationHour+1 {
						t.Errorf("%s: evaluated at %s local", name, local)
					}
				}
			}
			if len(perDay) < 6 {
				t.Errorf("%s: %d days evaluated in a week: %v", name, len(perDay), perDay)
			}
			for d, n := range perDay {
				if n != 1 {
					t.Errorf("%s: %s evaluated %d times", name, d, n)
				}
			}
		}
	}
}
