package store_test

import (
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// The figures of issue 10, on both databases, worked out by hand.

func dayOf(s string) tandem.Date {
	d, err := tandem.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func scorecardOf(t *testing.T, db *store.DB, p tandem.Principal, eng int64, kind, day string) *store.Scorecard {
	t.Helper()
	sc, err := db.KPI.Scorecard(ctx, p, eng, kpi.PeriodOfDate(kind, dayOf(day), kpiZone))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// moodKPIs: a client-entered whole-number metric "mood", scored weekly,
// monthly and quarterly (target 10, threshold 0).
func moodKPIs(t *contract.Terms) {
	goal := t.Goals[0].Key
	t.Metrics = []contract.MetricDef{{Key: "mood", Name: "Mood", Kind: "manual", Source: "client"}}
	t.KPIs = nil
	for _, k := range []string{kpi.Week, kpi.Month, kpi.Quarter} {
		t.KPIs = append(t.KPIs, contract.KPI{Key: "mood-" + k, GoalKey: goal, Metric: "mood", Name: "Mood " + k,
			Target: 10, Threshold: 0, Direction: "higher", Weight: 1, Period: k})
	}
}

// Item 1: a value counts for its own period kind. Week 2026-W49 runs 30
// November – 6 December and holds the week's value 4 and December's
// monthly value 5: the week shows 4 (it showed (4 + 5) / 2 → 5). October's
// monthly value is 2 and Q4's quarterly value 3, both dated 1 October:
// October shows 2, not 2.5. The week of 28 September – 4 October has no
// weekly value: no data, not October's 2. Q4 is the mean of its months'
// values and its own: (2 + 6 + 5 + 3) / 4 = 4. A replaced weekly value
// changes the week only.
func TestManualValueCountsForItsPeriodKind(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 12, 10, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, moodKPIs)
			enter := func(kind, day string, v int64) {
				t.Helper()
				if err := db.OwnMetrics.Enter(ctx, f.Manager, &ownmetric.Value{EngagementID: f.A1, Metric: "mood", PeriodKind: kind, PeriodStart: dayOf(day), Value: v}); err != nil {
					t.Fatal(err)
				}
			}
			enter(kpi.Week, "2026-12-02", 4)
			enter(kpi.Month, "2026-12-01", 5)
			enter(kpi.Month, "2026-10-20", 2)
			enter(kpi.Month, "2026-11-01", 6)
			enter(kpi.Quarter, "2026-11-15", 3)
			check := func(kind, day, key string, want kpi.Value, has bool) {
				t.Helper()
				r := row(t, scorecardOf(t, db, f.Viewer, f.A1, kind, day), key)
				if r.HasData != has || (has && r.Actual.Cmp(want) != 0) {
					t.Errorf("%s %s: %+v, want %v (data %v)", kind, day, r.Actual, want, has)
				}
			}
			check(kpi.Week, "2026-11-30", "mood-week", kpi.Int(4), true)
			check(kpi.Week, "2026-09-28", "mood-week", kpi.Value{}, false)
			check(kpi.Month, "2026-10-01", "mood-month", kpi.Int(2), true)
			check(kpi.Month, "2026-12-01", "mood-month", kpi.Int(5), true)
			check(kpi.Quarter, "2026-10-01", "mood-quarter", kpi.Int(4), true)
			// W49 scores 4 / 10 = 40.00.
			if r := row(t, scorecardOf(t, db, f.Viewer, f.A1, kpi.Week, "2026-12-06"), "mood-week"); r.Score != 4000 {
				t.Errorf("W49 score %d", r.Score)
			}
			enter(kpi.Week, "2026-11-30", 7)
			check(kpi.Week, "2026-11-30", "mood-week", kpi.Int(7), true)
			check(kpi.Month, "2026-12-01", "mood-month", kpi.Int(5), true)
			check(kpi.Quarter, "2026-10-01", "mood-quarter", kpi.Int(4), true)
			verifyClean(t, db)
			for _, k := range []string{kpi.Week, kpi.Month, kpi.Quarter} {
				sameTrends(t, db, f.Viewer, f.A1, k, 20)
			}

			// Data recorded before migration 0013 had the kind "manual.mood"
			// for every period kind: the migration splits it again by the
			// period kind in the fact's data and rebuilds the aggregates.
			if err := store.ExecRaw(db, `UPDATE facts SET kind = 'manual.mood' WHERE kind LIKE 'manual.mood.%'`); err != nil {
				t.Fatal(err)
			}
			if err := store.ExecRaw(db, `DELETE FROM kpi_daily WHERE kind LIKE 'manual.%'`); err != nil {
				t.Fatal(err)
			}
			if err := store.ExecRaw(db, `DELETE FROM kpi_weekly WHERE kind LIKE 'manual.%'`); err != nil {
				t.Fatal(err)
			}
			check(kpi.Week, "2026-11-30", "mood-week", kpi.Value{}, false) // the old kind is read by nobody
			sql, err := os.ReadFile("migrations/" + dialect + "/0013_manual_period_kinds.sql")
			if err != nil {
				t.Fatal(err)
			}
			for _, stmt := range strings.Split(string(sql), ";\n") {
				var lines []string
				for _, l := range strings.Split(stmt, "\n") {
					if !strings.HasPrefix(strings.TrimSpace(l), "--") {
						lines = append(lines, l)
					}
				}
				if q := strings.TrimSpace(strings.Join(lines, "\n")); q != "" {
					if err := store.ExecRaw(db, q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
			}
			verifyClean(t, db)
			check(kpi.Week, "2026-11-30", "mood-week", kpi.Int(7), true)
			check(kpi.Month, "2026-12-01", "mood-month", kpi.Int(5), true)
			check(kpi.Quarter, "2026-10-01", "mood-quarter", kpi.Int(4), true)
		})
	}
}

func verifyClean(t *testing.T, db *store.DB) {
	t.Helper()
	if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
		t.Fatalf("verify: %v %v", m, err)
	}
}

// sameTrends checks that the scorecards read from the aggregates equal
// those computed from the raw facts.
func sameTrends(t *testing.T, db *store.DB, p tandem.Principal, eng int64, kind string, n int) {
	t.Helper()
	tr, err := db.KPI.Trend(ctx, p, eng, kind, n)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := db.KPI.TrendFromFacts(ctx, p, eng, kind, n)
	if err != nil {
		t.Fatal(err)
	}
	for i := range tr {
		if tr[i].Total != raw[i].Total || tr[i].HasTotal != raw[i].HasTotal || len(tr[i].Rows) != len(raw[i].Rows) {
			t.Fatalf("%s %s: aggregates %+v, facts %+v", kind, tr[i].Period, tr[i].Scorecard, raw[i].Scorecard)
		}
		for j := range tr[i].Rows {
			a, b := tr[i].Rows[j], raw[i].Rows[j]
			if a.HasData != b.HasData || a.Score != b.Score || (a.HasData && a.Actual.Cmp(b.Actual) != 0) {
				t.Fatalf("%s %s %s: aggregates %+v, facts %+v", kind, tr[i].Period, a.KPI.Key, a, b)
			}
		}
	}
}

// Item 2: σ is not rounded before it is scored. May: late days 8, 1, 1, 1,
// 0, 0, 0, 0 → σ = √(415/64) = 2.546443…, shown 2.5 at one decimal,
// scored (3 − σ) / 2 × 100 = 22.68 for target 1.0, threshold 3.0. June:
// 8, 2, 1 and six 0 → σ = √(500/81) = 2.484520… → 25.77.
func TestSpreadScoredExactly(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 7, 10, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, func(t *contract.Terms) {
				t.KPIs = []contract.KPI{{Key: "spread", GoalKey: t.Goals[0].Key, Metric: "lateness_spread", Name: "Spread",
					Target: 10, Threshold: 30, Scale: 1, Direction: "lower", Weight: 1, Period: kpi.Month}}
			})
			var facts []store.Fact
			for i, late := range []int64{8, 1, 1, 1, 0, 0, 0, 0} {
				facts = append(facts, accepted(f.A1, time.Date(2026, 5, 4+i, 10, 0, 0, 0, time.UTC), late, true, 3600))
			}
			for i, late := range []int64{8, 2, 1, 0, 0, 0, 0, 0, 0} {
				facts = append(facts, accepted(f.A1, time.Date(2026, 6, 1+i, 10, 0, 0, 0, time.UTC), late, true, 3600))
			}
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				day   string
				sigma kpi.Value
				score int
			}{{"2026-05-01", kpi.Ratio(2546443598432, 1e12), 2268}, {"2026-06-01", kpi.Ratio(2484519974999, 1e12), 2577}} {
				sc := scorecardOf(t, db, f.Viewer, f.A1, kpi.Month, c.day)
				r := row(t, sc, "spread")
				if r.Actual != c.sigma || kpi.Round(r.Actual, 1).Int64() != 25 || r.Score != c.score || sc.Total != c.score {
					t.Errorf("%s: σ %v (%v at one decimal), score %d, total %d; want %v, 2.5, %d", c.day, r.Actual, kpi.Round(r.Actual, 1), r.Score, sc.Total, c.sigma, c.score)
				}
			}
			sameTrends(t, db, f.Viewer, f.A1, kpi.Month, 3)
		})
	}
}

// Item 3: the total and the overall score from exact scores, rounded once.
// May: KPIs scoring 50, 63.4456, 39.7233, 98.1466 (shown 50.00, 63.45,
// 39.72, 98.15) weighted 2, 1, 3, 5 total 773.3485 / 11 = 70.3044… →
// 70.30 (70.31 from the shown scores). A second engagement scores 36.375,
// 36.375 and 36.369 in April, May and June: overall (36.375 + 2 × 36.375
// + 3 × 36.369) / 6 = 36.372 → 36.37 (36.38 from the shown totals).
func TestTotalsFromExactScores(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 7, 10, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			keys := []string{"a", "b", "c", "d"}
			weights := []int{2, 1, 3, 5}
			storetest.Activate(t, db, f.Owner, f.A1, func(t *contract.Terms) {
				t.Metrics, t.KPIs = nil, nil
				for i, k := range keys {
					t.Metrics = append(t.Metrics, contract.MetricDef{Key: "m_" + k, Name: "M " + k, Kind: "manual", Source: "client", Scale: 4})
					t.KPIs = append(t.KPIs, contract.KPI{Key: k, GoalKey: t.Goals[0].Key, Metric: "m_" + k, Name: k,
						Target: 1_000_000, Threshold: 0, Scale: 4, Direction: "higher", Weight: weights[i], Period: kpi.Month})
				}
			})
			for i, v := range []int64{500000, 634456, 397233, 981466} {
				if err := db.OwnMetrics.Enter(ctx, f.Manager, &ownmetric.Value{EngagementID: f.A1, Metric: "m_" + keys[i], PeriodKind: kpi.Month,
					PeriodStart: dayOf("2026-05-01"), Value: v, Scale: 4}); err != nil {
					t.Fatal(err)
				}
			}
			sc := scorecardOf(t, db, f.Viewer, f.A1, kpi.Month, "2026-05-01")
			for i, want := range []int{5000, 6345, 3972, 9815} {
				if r := row(t, sc, keys[i]); r.Score != want {
					t.Errorf("%s: %d, want %d", keys[i], r.Score, want)
				}
			}
			if !sc.HasTotal || sc.Total != 7030 || sc.Exact.Cmp(big.NewRat(7733485, 110000)) != 0 {
				t.Errorf("total %d (%v), want 70.30", sc.Total, sc.Exact)
			}

			storetest.Activate(t, db, f.Owner, f.A2, func(t *contract.Terms) {
				t.Metrics = []contract.MetricDef{{Key: "x", Name: "X", Kind: "manual", Source: "client", Scale: 3}}
				t.KPIs = []contract.KPI{{Key: "x", GoalKey: t.Goals[0].Key, Metric: "x", Name: "X",
					Target: 100_000, Threshold: 0, Scale: 3, Direction: "higher", Weight: 1, Period: kpi.Month}}
			})
			for day, v := range map[string]int64{"2026-04-01": 36375, "2026-05-01": 36375, "2026-06-01": 36369} {
				if err := db.OwnMetrics.Enter(ctx, f.Manager, &ownmetric.Value{EngagementID: f.A2, Metric: "x", PeriodKind: kpi.Month,
					PeriodStart: dayOf(day), Value: v, Scale: 3}); err != nil {
					t.Fatal(err)
				}
			}
			tr, err := db.KPI.Trend(ctx, f.Viewer, f.A2, kpi.Month, 4) // April to July; July has no data
			if err != nil {
				t.Fatal(err)
			}
			if tr[0].Total != 3638 || tr[1].Total != 3638 || tr[2].Total != 3637 || tr[3].HasTotal {
				t.Fatalf("totals %d %d %d %v", tr[0].Total, tr[1].Total, tr[2].Total, tr[3].HasTotal)
			}
			cards := make([]kpi.Scorecard, len(tr))
			for i := range tr {
				cards[i] = tr[i].Scorecard
			}
			if o, ok := kpi.OverallOf(cards, kpi.DefaultRecent); !ok || o != 3637 {
				t.Errorf("overall %d, want 36.37", o)
			}
		})
	}
}

// Item 4: an engagement starting Wednesday 1 July 2026. June ends before
// its terms take effect: no terms, no KPIs, no total, although a
// deliverable was accepted on time in June (it used to show 100.00,
// "excellent"). The week of 29 June – 5 July ends under version 1 and is
// scored. A deliverable cannot be due before 1 July.
func TestNothingScoredBeforeTheStart(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 7, 20, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			e := &engagement.Engagement{PartnerID: f.PartnerA, Title: "July start", Kind: engagement.KindSales, StartsOn: dayOf("2026-07-01")}
			if err := db.Engagements.Create(ctx, f.Owner, e); err != nil {
				t.Fatal(err)
			}
			storetest.Activate(t, db, f.Owner, e.ID, func(t *contract.Terms) {
				t.KPIs = nil
				for _, k := range []string{kpi.Week, kpi.Month} {
					t.KPIs = append(t.KPIs, contract.KPI{Key: "on-time-" + k, GoalKey: t.Goals[0].Key, Metric: "on_time_share", Name: "On time",
						Target: 9000, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: k})
				}
			})
			facts := []store.Fact{accepted(e.ID, time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC), 0, true, 60),
				accepted(e.ID, time.Date(2026, 7, 2, 10, 0, 0, 0, time.UTC), 0, true, 60)}
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil {
				t.Fatal(err)
			}
			june := scorecardOf(t, db, f.Viewer, e.ID, kpi.Month, "2026-06-30")
			if june.TermsVersion != 0 || len(june.Rows) != 0 || june.HasTotal || june.Standing != "" {
				t.Errorf("June: %+v", june.Scorecard)
			}
			week := scorecardOf(t, db, f.Viewer, e.ID, kpi.Week, "2026-06-29")
			if r := row(t, week, "on-time-week"); week.TermsVersion != 1 || r.Score != 10000 || week.Total != 10000 {
				t.Errorf("week 27: v%d %+v", week.TermsVersion, r)
			}
			tr, err := db.KPI.Trend(ctx, f.Viewer, e.ID, kpi.Month, 3)
			if err != nil {
				t.Fatal(err)
			}
			if tr[0].TermsVersion != 0 || tr[1].TermsVersion != 0 || tr[1].HasTotal || tr[2].TermsVersion != 1 || tr[2].Total != 10000 {
				t.Errorf("trend May–July: %+v", tr)
			}

			v, _ := db.Contracts.InForce(ctx, f.Owner, e.ID, e.StartsOn)
			svc := v.Terms.Services[0].Key
			// 29 June 23:30 Stockholm is still 29 June: refused; 1 July 00:30 is fine.
			early := &work.Deliverable{EngagementID: e.ID, ServiceKey: svc, Title: "Early", DueAt: time.Date(2026, 6, 29, 21, 30, 0, 0, time.UTC)}
			if err := db.Work.Create(ctx, f.Owner, early); len(tandem.FieldErrors(err)) != 1 || tandem.FieldErrors(err)[0].Field != "due_at" ||
				tandem.FieldErrors(err)[0].Key != "work.due_before_start" {
				t.Errorf("due before the start: %v", err)
			}
			if err := db.Work.Create(ctx, f.Owner, &work.Deliverable{EngagementID: e.ID, ServiceKey: svc, Title: "First",
				DueAt: time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC)}); err != nil {
				t.Errorf("due on the first day: %v", err)
			}
		})
	}
}

// Item 5: on time means 0 business days late — submitted before the next
// business day opens after the due time — on the work page and in the KPI
// alike. Calendar Monday–Friday 08:00–17:00, Stockholm (UTC+1 in March).
// Due Monday 9 March 08:34, submitted the same day 19:10: 0 days late, on
// time. Due Monday 08:34, submitted Tuesday 08:01: Tuesday opened at 08:00,
// after the due time and before the submission: 1 day late. Due Friday 13
// March 17:00, submitted Monday 16 March 07:59: the weekend does not count
// and Monday had not opened: on time. March: 3 accepted, 2 on time, on-time
// share 200/3 % on both.
func TestOnTimeMeansZeroBusinessDaysLate(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, func(terms *contract.Terms) {
				terms.Calendar = contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5}, DayStart: "08:00", DayEnd: "17:00"}
				terms.KPIs = []contract.KPI{{Key: "on-time", GoalKey: terms.Goals[0].Key, Metric: "on_time_share", Name: "On time",
					Target: 9000, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: kpi.Month}}
			})
			v, _ := db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(clock.Now()))
			svc := v.Terms.Services[0].Key
			mk := func(title string, due time.Time) int64 {
				t.Helper()
				d := &work.Deliverable{EngagementID: f.A1, ServiceKey: svc, Title: title, DueAt: due}
				if err := db.Work.Create(ctx, f.Owner, d); err != nil {
					t.Fatal(err)
				}
				return d.ID
			}
			d1 := mk("Same evening", time.Date(2026, 3, 9, 7, 34, 0, 0, time.UTC))
			d2 := mk("Next morning", time.Date(2026, 3, 9, 7, 34, 0, 0, time.UTC))
			d3 := mk("After the weekend", time.Date(2026, 3, 13, 16, 0, 0, 0, time.UTC))
			deliver := func(id int64, at time.Time) {
				t.Helper()
				clock.Add(at.Sub(clock.Now()))
				if _, err := db.Work.Submit(ctx, f.VendorManager, id, "", nil); err != nil {
					t.Fatal(err)
				}
				clock.Add(time.Minute)
				if err := db.Work.Review(ctx, f.Manager, id, work.Review{Accepted: true}); err != nil {
					t.Fatal(err)
				}
			}
			deliver(d1, time.Date(2026, 3, 9, 18, 10, 0, 0, time.UTC))
			deliver(d2, time.Date(2026, 3, 10, 7, 1, 0, 0, time.UTC))
			deliver(d3, time.Date(2026, 3, 16, 6, 59, 0, 0, time.UTC))
			fig, outs, err := db.Work.Figures(ctx, f.Viewer, f.A1, dayOf("2026-03-01"), dayOf("2026-04-01"))
			if err != nil {
				t.Fatal(err)
			}
			late := map[int64]int{}
			for _, o := range outs {
				late[o.DeliverableID] = o.LateDays
			}
			if fig.Accepted != 3 || fig.OnTime != 2 || late[d1] != 0 || late[d2] != 1 || late[d3] != 0 {
				t.Errorf("figures %+v, late days %v", fig, late)
			}
			r := row(t, scorecardOf(t, db, f.Viewer, f.A1, kpi.Month, "2026-03-01"), "on-time")
			if r.Actual.Cmp(kpi.Ratio(200, 3)) != 0 {
				t.Errorf("on-time share %v, want 200/3", r.Actual)
			}
		})
	}
}

// Item 6, decided: a penalty keeps the amount it was recorded with when an
// amendment backdated to before its due day is accepted later; penalties
// recorded after that use the amended amount; the sweep does not penalise
// a deliverable already accepted (late) when it first reaches it. Duty of
// 24 business hours, 2 500 SEK; amended from 1 March to 4 000 SEK.
func TestPenaltiesAndBackdatedAmendments(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			clock := storetest.NewClock(inMarch(2, 9, 0)) // Monday
			at := func(when time.Time) { clock.Add(when.Sub(clock.Now())) }
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, noticeTerms)
			v, err := db.Contracts.InForce(ctx, f.Owner, f.A1, dayOf("2026-03-02"))
			if err != nil {
				t.Fatal(err)
			}
			mk := func(title string, due time.Time) *work.Deliverable {
				t.Helper()
				d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: title, DueAt: due}
				if err := db.Work.Create(ctx, f.VendorManager, d); err != nil {
					t.Fatal(err)
				}
				return d
			}
			silent := mk("Silent", inMarch(6, 17, 0))
			lateAccepted := mk("Accepted late", inMarch(6, 17, 0))
			later := mk("Later", inMarch(10, 17, 0))
			// Submitted at 17:20 and accepted at 17:30, before the sweep at 18:00.
			at(inMarch(6, 17, 20))
			if _, err := db.Work.Submit(ctx, f.VendorManager, lateAccepted.ID, "", nil); err != nil {
				t.Fatal(err)
			}
			at(inMarch(6, 17, 30))
			if err := db.Work.Review(ctx, f.Manager, lateAccepted.ID, work.Review{Accepted: true}); err != nil {
				t.Fatal(err)
			}
			at(inMarch(6, 18, 0))
			if n, err := db.Notices.SweepOverdue(ctx, clock.Now()); err != nil || n != 1 {
				t.Fatalf("sweep: %d %v; want 1 (the silent one)", n, err)
			}
			// An amendment effective 1 March, accepted on Monday 9 March.
			at(inMarch(9, 10, 0))
			amended := v.Terms
			amended.Notices = append([]contract.NoticeDuty(nil), v.Terms.Notices...)
			amended.Notices[0].PenaltyMinor = 400000
			a, err := db.Contracts.Propose(ctx, f.Manager, f.A1, dayOf("2026-03-01"), "Higher penalty", amended)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Contracts.Decide(ctx, f.VendorManager, f.A1, a.Number, true, ""); err != nil {
				t.Fatal(err)
			}
			at(inMarch(11, 9, 0))
			if n, err := db.Notices.SweepOverdue(ctx, clock.Now()); err != nil || n != 1 {
				t.Fatalf("second sweep: %d %v; want 1 (the later one)", n, err)
			}
			ps, err := db.Notices.Penalties(ctx, f.Viewer, f.A1)
			if err != nil {
				t.Fatal(err)
			}
			amounts := map[int64]int64{}
			for _, p := range ps {
				amounts[p.DeliverableID] = p.AmountMinor
			}
			if len(ps) != 2 || amounts[silent.ID] != 250000 || amounts[later.ID] != 400000 {
				t.Errorf("penalties %+v", ps)
			}
			if _, ok := amounts[lateAccepted.ID]; ok {
				t.Errorf("the deliverable accepted late was penalised")
			}
		})
	}
}
