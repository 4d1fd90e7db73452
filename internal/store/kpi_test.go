package store_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

var kpiZone = func() *time.Location {
	l, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return l
}()

// weeklyKPIs sets two weekly KPIs on the terms: on time (target 90 %,
// threshold 60 %, weight 1) and first-time acceptance (target 90 %,
// threshold 50 %, weight 3).
func weeklyKPIs(t *contract.Terms) {
	goal := t.Goals[0].Key
	t.KPIs = []contract.KPI{
		{Key: "on-time", GoalKey: goal, Metric: "on_time_share", Name: "On time", Target: 9000, Threshold: 6000, Scale: 2, Direction: "higher", Weight: 1, Period: "week"},
		{Key: "first-time", GoalKey: goal, Metric: "first_time_acceptance", Name: "First time", Target: 9000, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 3, Period: "week"},
		{Key: "lead-p50", GoalKey: goal, Metric: "lead_time_p50", Name: "Lead time", Target: 3600, Threshold: 36000, Direction: "lower", Weight: 1, Period: "month"},
		{Key: "leads", GoalKey: goal, Metric: "qualified_leads", Name: "Leads", Target: 40, Threshold: 10, Direction: "higher", Weight: 1, Period: "week"},
	}
}

func accepted(eng int64, at time.Time, late int64, first bool, lead int64) store.Fact {
	return store.Fact{EngagementID: eng, Kind: fact.DeliverableAccepted, At: at, Value: late, Flag: first, Data: fact.Accepted{LeadTimeS: lead}}
}

func row(t *testing.T, sc *store.Scorecard, key string) kpi.Row {
	t.Helper()
	for _, r := range sc.Rows {
		if r.KPI.Key == key {
			return r
		}
	}
	t.Fatalf("no KPI %s on the scorecard", key)
	return kpi.Row{}
}

// Three deliverables accepted in week 10 of 2026 with lateness 0, 2, 1 and
// first-time flags yes, yes, no; one more at 23:30 UTC on Sunday 8 March,
// which is Monday 9 March (week 11) in Stockholm. Figures worked out by
// hand.
func TestKPIScorecardByHand(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) // Monday, week 10
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, weeklyKPIs)

			facts := []store.Fact{
				accepted(f.A1, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), 0, true, 3600),
				accepted(f.A1, time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), 2, true, 7200),
				accepted(f.A1, time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC), 1, false, 10800),
				accepted(f.A1, time.Date(2026, 3, 8, 23, 30, 0, 0, time.UTC), 0, true, 60), // Monday 00:30 in Stockholm
				accepted(f.A2, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), 5, false, 1),   // another engagement
			}
			if _, err := db.KPI.RecordFacts(ctx, f.VendorManager, facts); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("a vendor recorded facts in bulk: %v", err)
			}
			if n, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil || n != 5 {
				t.Fatalf("record: %d %v", n, err)
			}
			w10 := kpi.PeriodOf(kpi.Week, time.Date(2026, 3, 2, 12, 0, 0, 0, kpiZone), kpiZone)
			if w10.String() != "2026-W10" {
				t.Fatal(w10)
			}
			sc, err := db.KPI.Scorecard(ctx, f.Viewer, f.A1, w10)
			if err != nil {
				t.Fatal(err)
			}
			// On time: 1 of 3 = 33.33 % < threshold 60 % → 0.
			on := row(t, sc, "on-time")
			if on.Actual.Cmp(kpi.Ratio(100, 3)) != 0 || !on.Scored || on.Score != 0 || on.Status != kpi.OffTrack {
				t.Fatalf("on time: %+v", on)
			}
			// First time: 2 of 3 = 66.67 %; (66.67 − 50) / (90 − 50) × 100 = 41.67.
			ft := row(t, sc, "first-time")
			if ft.Actual.Cmp(kpi.Ratio(200, 3)) != 0 || ft.Score != 4167 || ft.Status != kpi.AtRisk {
				t.Fatalf("first time: %+v", ft)
			}
			// Qualified leads have no facts yet: no data, left out of the total.
			if l := row(t, sc, "leads"); l.HasData || l.Status != kpi.NoData {
				t.Fatalf("leads: %+v", l)
			}
			// The monthly KPI is not on a weekly scorecard.
			if len(sc.Rows) != 3 {
				t.Fatalf("rows: %d", len(sc.Rows))
			}
			// Total: (1 × 0 + 3 × 41.67) / (1 + 3) = 31.2525 → 31.25, very poor.
			if !sc.HasTotal || sc.Total != 3125 || sc.Standing != "very_poor" || sc.TermsVersion != 1 {
				t.Fatalf("total: %d %v %s v%d", sc.Total, sc.HasTotal, sc.Standing, sc.TermsVersion)
			}
			// Week 11 holds the Sunday-night fact: all on time, first time.
			w11 := w10.Next()
			sc11, err := db.KPI.Scorecard(ctx, f.Owner, f.A1, w11)
			if err != nil {
				t.Fatal(err)
			}
			if r := row(t, sc11, "on-time"); r.Actual.Cmp(kpi.Int(100)) != 0 || r.Score != 10000 {
				t.Fatalf("week 11 on time: %+v", r)
			}
			if sc11.Total != 10000 || sc11.Standing != "excellent" {
				t.Fatalf("week 11 total: %d %s", sc11.Total, sc11.Standing)
			}
			// Week 12: no facts, no data — never a made-up 0 or 100.
			sc12, err := db.KPI.Scorecard(ctx, f.Owner, f.A1, w11.Next())
			if err != nil || sc12.HasTotal || sc12.Standing != "" {
				t.Fatalf("week 12: %+v %v", sc12, err)
			}
			// The monthly lead time (March): 4 lead times 60, 3600, 7200, 10800 s; the
			// median is the 2nd smallest (3600), exact within the sketch's 1/256.
			march := kpi.PeriodOf(kpi.Month, w10.Start, kpiZone)
			scm, err := db.KPI.Scorecard(ctx, f.Owner, f.A1, march)
			if err != nil {
				t.Fatal(err)
			}
			var sk kpi.Sketch
			for _, v := range []int64{60, 3600, 7200, 10800} {
				sk.Add(v)
			}
			if r := row(t, scm, "lead-p50"); r.Actual.Cmp(kpi.Int(sk.QuantileRank(1, 2))) != 0 || r.Actual.Num < 3600-3600/256 || r.Actual.Num > 3600+3600/256 {
				t.Fatalf("lead time p50: %+v", r.Actual)
			}

			// The trend from the aggregates equals the trend from the raw facts.
			clock.Add(15 * 24 * time.Hour) // Tuesday 17 March, week 12
			tr, err := db.KPI.Trend(ctx, f.Owner, f.A1, kpi.Week, 4)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := db.KPI.TrendFromFacts(ctx, f.Owner, f.A1, kpi.Week, 4)
			if err != nil {
				t.Fatal(err)
			}
			if len(tr) != 4 || tr[1].Period.String() != "2026-W10" || tr[1].Total != 3125 || tr[2].Total != 10000 || tr[3].HasTotal || tr[0].HasTotal {
				t.Fatalf("trend: %+v", tr)
			}
			for i := range tr {
				if tr[i].Total != raw[i].Total || tr[i].HasTotal != raw[i].HasTotal || tr[i].Explanation.String() != raw[i].Explanation.String() {
					t.Fatalf("trend %d differs from the raw facts: %+v vs %+v", i, tr[i], raw[i])
				}
			}

			// Explain: the arithmetic and the three facts.
			x, err := db.KPI.Explain(ctx, f.VendorManager, f.A1, w10, "first-time")
			if err != nil {
				t.Fatal(err)
			}
			text := x.Explanation.String()
			if !strings.Contains(text, "2 ÷ 3 × 100 = 200/3") || !strings.Contains(text, "= 41.67") || x.FactsTotal != 3 || len(x.Facts) != 3 {
				t.Fatalf("explain:\n%s\n%+v", text, x.Facts)
			}
			if x.Facts[0].Day.String() != "2026-03-02" || x.Facts[1].Value != 2 || x.Facts[2].Flag {
				t.Fatalf("facts: %+v", x.Facts)
			}
			if _, err := db.KPI.Explain(ctx, f.Owner, f.A1, w10, "nope"); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("unknown KPI: %v", err)
			}
			// Partner B sees nothing of A1; the agent is not assigned to A2.
			if _, err := db.KPI.Scorecard(ctx, f.VendorManagerB, f.A1, w10); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("partner B: %v", err)
			}
			if _, err := db.KPI.Trend(ctx, f.VendorAgent, f.A2, kpi.Week, 2); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("agent on A2: %v", err)
			}

			// Correcting a fact: the late one (2 days) was in fact on time, and the
			// Sunday-night fact is moved back into week 10; then one is deleted.
			late := x.Facts[1].ID
			zero := int64(0)
			if err := db.KPI.UpdateFact(ctx, f.VendorManager, late, store.FactEdit{Value: &zero}); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("vendor edited a fact: %v", err)
			}
			if err := db.KPI.UpdateFact(ctx, f.Manager, late, store.FactEdit{Value: &zero}); err != nil {
				t.Fatal(err)
			}
			sunday := storetestFacts(t, db, f.Owner, f.A1, "2026-03-09", "2026-03-10")
			moved := time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC)
			if err := db.KPI.UpdateFact(ctx, f.Manager, sunday[0].ID, store.FactEdit{At: &moved}); err != nil {
				t.Fatal(err)
			}
			sc, _ = db.KPI.Scorecard(ctx, f.Owner, f.A1, w10)
			// Now 4 facts in week 10: on time 3 of 4 = 75 % → (75 − 60) / 30 = 50.00; first time 3 of 4.
			if r := row(t, sc, "on-time"); r.Actual.Cmp(kpi.Int(75)) != 0 || r.Score != 5000 {
				t.Fatalf("after edits, on time: %+v", r)
			}
			if sc11, _ = db.KPI.Scorecard(ctx, f.Owner, f.A1, w11); sc11.HasTotal {
				t.Fatalf("week 11 after the move: %+v", sc11)
			}
			if err := db.KPI.DeleteFact(ctx, f.Owner, x.Facts[2].ID); err != nil {
				t.Fatal(err)
			}
			sc, _ = db.KPI.Scorecard(ctx, f.Owner, f.A1, w10)
			if r := row(t, sc, "first-time"); r.Actual.Cmp(kpi.Int(100)) != 0 {
				t.Fatalf("after delete, first time: %+v", r)
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Fatalf("verify: %v %v", m, err)
			}
			entries, _, err := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "fact."}, tandem.Page{})
			if err != nil || len(entries) != 3 {
				t.Fatalf("audit: %d %v", len(entries), err)
			}
		})
	}
}

func storetestFacts(t *testing.T, db *store.DB, p tandem.Principal, eng int64, from, to string) []store.RecordedFact {
	t.Helper()
	a, _ := tandem.ParseDate(from)
	b, _ := tandem.ParseDate(to)
	fs, err := db.KPI.Facts(ctx, p, eng, nil, a, b, 100)
	if err != nil || len(fs) == 0 {
		t.Fatalf("facts %s..%s: %v %v", from, to, fs, err)
	}
	return fs
}

// An amendment effective mid-quarter raises a quarterly KPI's target: the
// quarter is scored against the terms in force on its last day, the
// quarter before against the old ones.
func TestKPIAmendmentMidQuarter(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			quarterly := func(target int64) func(*contract.Terms) {
				return func(t *contract.Terms) {
					t.KPIs = []contract.KPI{{Key: "first-time", GoalKey: t.Goals[0].Key, Metric: "first_time_acceptance", Name: "First time",
						Target: target, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 1, Period: "quarter"}}
				}
			}
			storetest.Activate(t, db, f.Owner, f.A1, quarterly(9000))
			// Q1: 4 accepted, 3 first time = 75 %.
			var facts []store.Fact
			for i, first := range []bool{true, true, true, false} {
				facts = append(facts, accepted(f.A1, time.Date(2026, 2, 2+i, 10, 0, 0, 0, time.UTC), 0, first, 100))
			}
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil {
				t.Fatal(err)
			}
			q1 := kpi.PeriodOf(kpi.Quarter, time.Date(2026, 2, 1, 0, 0, 0, 0, kpiZone), kpiZone)
			sc, err := db.KPI.Scorecard(ctx, f.Owner, f.A1, q1)
			if err != nil {
				t.Fatal(err)
			}
			// Before the amendment: (75 − 50) / (90 − 50) = 62.50.
			if r := row(t, sc, "first-time"); r.Score != 6250 || sc.TermsVersion != 1 {
				t.Fatalf("before: %+v v%d", r, sc.TermsVersion)
			}
			v, _ := db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(clock.Now()))
			amended := v.Terms
			quarterly(8000)(&amended)
			eff, _ := tandem.ParseDate("2026-02-15")
			a, err := db.Contracts.Propose(ctx, f.Manager, f.A1, eff, "Realistic target for the first quarter", amended)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Contracts.Decide(ctx, f.VendorManager, f.A1, a.Number, true, ""); err != nil {
				t.Fatal(err)
			}
			// After: the quarter ends under version 2: (75 − 50) / (80 − 50) = 83.33.
			sc, _ = db.KPI.Scorecard(ctx, f.Owner, f.A1, q1)
			if r := row(t, sc, "first-time"); r.Score != 8333 || r.Target.Cmp(kpi.Int(80)) != 0 || sc.TermsVersion != 2 || sc.Standing != "excellent" {
				t.Fatalf("after: %+v v%d %s", r, sc.TermsVersion, sc.Standing)
			}
			// The quarter before the engagement started (1 January 2026)
			// ends before version 1 takes effect: no terms, no KPIs, no
			// total (issue 10, item 4; it used to be scored with version 1).
			q4 := q1.Prev()
			if sc, _ := db.KPI.Scorecard(ctx, f.Owner, f.A1, q4); sc.TermsVersion != 0 || len(sc.Rows) != 0 || sc.HasTotal {
				t.Fatalf("Q4 2025: %+v", sc)
			}
		})
	}
}

// Randomized inserts, edits and deletions of facts (fixed seed) leave the
// aggregates equal to a recomputation from the facts; a tampered
// aggregate is named.
func TestKPIVerifyAfterRandomChanges(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, weeklyKPIs)
			rng := rand.New(rand.NewPCG(5, 2026))
			kinds := []fact.Kind{fact.DeliverableAccepted, fact.DeliverableReturned, fact.SLAResponse, fact.NoticeFiled, fact.ProposalRaised, fact.LateNoticePenalty}
			engs := []int64{f.A1, f.A2, f.B1}
			start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
			// 70 days: across month ends and the DST change of 29 March in Stockholm.
			randAt := func() time.Time { return start.Add(time.Duration(rng.IntN(70*24*60)) * time.Minute) }
			subject := int64(0)
			var ids []int64
			kindOf := map[int64]fact.Kind{}
			refresh := func() {
				ids = ids[:0]
				a, _ := tandem.ParseDate("2026-01-01")
				b, _ := tandem.ParseDate("2026-12-31")
				for _, e := range engs {
					fs, err := db.KPI.Facts(ctx, f.Owner, e, nil, a, b, 1000)
					if err != nil {
						t.Fatal(err)
					}
					for _, x := range fs {
						ids = append(ids, x.ID)
						kindOf[x.ID] = x.Kind
					}
				}
			}
			for step := 0; step < 60; step++ {
				switch op := rng.IntN(10); {
				case op < 6 || len(ids) == 0:
					var batch []store.Fact
					for i := rng.IntN(8) + 1; i > 0; i-- {
						subject++
						k := kinds[rng.IntN(len(kinds))]
						rec := store.Fact{EngagementID: engs[rng.IntN(len(engs))], Kind: k, SubjectID: subject, At: randAt(),
							Value: int64(rng.IntN(4)), Flag: rng.IntN(2) == 0, AmountMinor: int64(rng.IntN(3)) * 50000, Currency: "SEK"}
						if k == fact.DeliverableAccepted && rng.IntN(5) > 0 {
							rec.Data = fact.Accepted{LeadTimeS: int64(rng.IntN(400000))}
						}
						batch = append(batch, rec)
						if k == fact.LateNoticePenalty && rng.IntN(3) == 0 {
							batch = append(batch, rec) // once only: the second is skipped
						}
					}
					if _, err := db.KPI.RecordFacts(ctx, f.Owner, batch); err != nil {
						t.Fatal(err)
					}
				case op < 8:
					id := ids[rng.IntN(len(ids))]
					at, v, fl := randAt(), int64(rng.IntN(5)), rng.IntN(2) == 0
					e := store.FactEdit{Value: &v, Flag: &fl}
					if rng.IntN(2) == 0 {
						e.At = &at
					}
					// A new payload only for a fact of its kind (typed payloads).
					if rng.IntN(3) == 0 && kindOf[id] == fact.DeliverableAccepted {
						e.Data = fact.Accepted{LeadTimeS: int64(rng.IntN(900000))}
					}
					if err := db.KPI.UpdateFact(ctx, f.Manager, id, e); err != nil {
						t.Fatal(err)
					}
				default:
					if err := db.KPI.DeleteFact(ctx, f.Owner, ids[rng.IntN(len(ids))]); err != nil {
						t.Fatal(err)
					}
				}
				refresh()
				if step%10 == 9 {
					if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
						t.Fatalf("step %d: %v %v", step, m, err)
					}
				}
			}
			if len(ids) < 50 {
				t.Fatalf("only %d facts left", len(ids))
			}
			// Scorecards from the aggregates (weeks from kpi_weekly, months and
			// quarters from whole weeks and the days at their edges) equal those
			// from the raw facts.
			clock.Add(60 * 24 * time.Hour)
			for _, c := range []struct {
				kind string
				n    int
			}{{kpi.Week, 16}, {kpi.Month, 5}, {kpi.Quarter, 3}} {
				tr, err := db.KPI.Trend(ctx, f.Owner, f.A1, c.kind, c.n)
				if err != nil {
					t.Fatal(err)
				}
				raw, err := db.KPI.TrendFromFacts(ctx, f.Owner, f.A1, c.kind, c.n)
				if err != nil {
					t.Fatal(err)
				}
				withData := 0
				for i := range tr {
					if tr[i].Explanation.String() != raw[i].Explanation.String() || tr[i].Total != raw[i].Total {
						t.Fatalf("%s %s differs:\n%s\n%s", c.kind, tr[i].Period, tr[i].Explanation, raw[i].Explanation)
					}
					if tr[i].HasTotal {
						withData++
					}
				}
				if withData == 0 && c.kind != kpi.Quarter {
					t.Fatalf("%s: no period with data", c.kind)
				}
			}
			// The facts' days are local (Stockholm) dates, across the DST change.
			a, _ := tandem.ParseDate("2026-01-01")
			b, _ := tandem.ParseDate("2026-12-31")
			all, err := db.KPI.Facts(ctx, f.Owner, f.A1, nil, a, b, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range all {
				if want := tandem.DateOf(x.At.In(kpiZone)); x.Day != want {
					t.Fatalf("fact %d at %v: day %s, want %s", x.ID, x.At, x.Day, want)
				}
			}
			// Tampering is named: a count and a sketch.
			if err := storetest.Exec(db, `UPDATE kpi_daily SET n = n + 1 WHERE kind = 'sla.response' AND engagement_id = ?`, f.B1); err != nil {
				t.Fatal(err)
			}
			m, err := db.KPI.Verify(ctx)
			if err != nil || m == nil || m.Column != "n" || m.Kind != "sla.response" || m.EngagementID != f.B1 || m.WorkspaceID != f.WorkspaceID {
				t.Fatalf("tampered count: %+v %v", m, err)
			}
			if !strings.Contains(m.Error(), "stored") {
				t.Fatal(m.Error())
			}
			if err := storetest.Exec(db, `UPDATE kpi_daily SET n = n - 1 WHERE kind = 'sla.response' AND engagement_id = ?`, f.B1); err != nil {
				t.Fatal(err)
			}
			// The weekly rollup is checked too, once the days agree.
			if err := storetest.Exec(db, `UPDATE kpi_weekly SET sum_flag = sum_flag + 1 WHERE engagement_id = ?`, f.A2); err != nil {
				t.Fatal(err)
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m == nil || m.Table != "kpi_weekly" || m.Column != "sum_flag" || m.EngagementID != f.A2 ||
				!strings.Contains(m.Error(), "kpi_weekly") {
				t.Fatalf("tampered week: %+v %v", m, err)
			}
			if err := storetest.Exec(db, `UPDATE kpi_weekly SET sum_flag = sum_flag - 1 WHERE engagement_id = ?`, f.A2); err != nil {
				t.Fatal(err)
			}
			if err := storetest.Exec(db, `DELETE FROM kpi_weekly WHERE engagement_id = ?`, f.B1); err != nil {
				t.Fatal(err)
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m == nil || m.Table != "kpi_weekly" || m.Column != "row" || m.Stored != "missing" {
				t.Fatalf("deleted weeks: %+v %v", m, err)
			}
			if err := storetest.Exec(db, `UPDATE kpi_daily SET sketch = NULL WHERE kind = 'deliverable.accepted' AND sketch IS NOT NULL`); err != nil {
				t.Fatal(err)
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m == nil || m.Column != "sketch" || m.Stored != "none" || m.Table != "kpi_daily" {
				t.Fatalf("tampered sketch: %+v %v", m, err)
			}
		})
	}
}

// Facts recorded one at a time by the work flows (a notice filed records
// notice.filed through recordFact) and in batches (RecordFacts) add to the
// same day's and week's aggregate rows, which stay equal to a
// recomputation from the facts.
func TestKPIOneFactAndBatchPathsAgree(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, weeklyKPIs)
			v, err := db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(clock.Now()))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 4; i++ {
				d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: fmt.Sprint("D", i), DueAt: clock.Now().Add(96 * time.Hour)}
				if err := db.Work.Create(ctx, f.VendorManager, d); err != nil {
					t.Fatal(err)
				}
				if err := db.Notices.File(ctx, f.VendorAgent, &notice.Notice{EngagementID: f.A1, Category: notice.CategoryDeadline, DeliverableID: d.ID, Text: "Late"}); err != nil {
					t.Fatal(err)
				}
				batch := []store.Fact{
					{EngagementID: f.A1, Kind: "notice.filed", SubjectID: int64(1000 + i), At: clock.Now().Add(time.Hour), Value: 1, Flag: true},
					accepted(f.A1, clock.Now().Add(2*time.Hour), 0, true, int64(600*(i+1))),
					accepted(f.A1, clock.Now().Add(3*time.Hour), 1, false, int64(900*(i+1))),
				}
				if n, err := db.KPI.RecordFacts(ctx, f.Owner, batch); err != nil || n != 3 {
					t.Fatalf("batch: %d %v", n, err)
				}
				clock.Add(31 * time.Hour)
			}
			if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
				t.Fatalf("verify: %v %v", m, err)
			}
			a, _ := tandem.ParseDate("2026-03-01")
			b, _ := tandem.ParseDate("2026-03-31")
			filed, err := db.KPI.Facts(ctx, f.Owner, f.A1, []string{"notice.filed"}, a, b, 100)
			if err != nil || len(filed) != 8 {
				t.Fatalf("notice.filed facts: %d %v", len(filed), err)
			}
			tr, err := db.KPI.Trend(ctx, f.Owner, f.A1, kpi.Month, 2)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := db.KPI.TrendFromFacts(ctx, f.Owner, f.A1, kpi.Month, 2)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tr {
				if tr[i].Explanation.String() != raw[i].Explanation.String() {
					t.Fatalf("month %s differs", tr[i].Period)
				}
			}
		})
	}
}
