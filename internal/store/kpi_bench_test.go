package store_test

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// BenchmarkKPI loads TANDEM_BENCH_FACTS synthetic facts (default 200,000;
// the target is 10,000,000) for one workspace with 100 engagements
// over two years, 1,000 facts per transaction through KPIStore.RecordFacts
// (the same path as every recorded fact: the fact plus its day's
// aggregates), and reports in the same run:
//
//   - facts/s: the recording rate with the aggregates kept current;
//   - ns/op and scorecard-ms: one engagement's 52-week trend (52 weekly
//     scorecards, 5 KPIs, lead-time median from the sketches) built from
//     kpi_daily;
//   - raw-ms: the same 52 scorecards computed from the raw facts (GROUP BY
//     over the facts of the engagement through the facts_engagement_day
//     index, lead times read from every accepted fact), median of 3;
//   - raw/agg: their ratio.
//
// Run: go test -bench KPI -run '^$' ./internal/store/ (PostgreSQL too when
// TANDEM_TEST_POSTGRES is set). Durations are reported, never asserted.
func BenchmarkKPI(b *testing.B) {
	n := 200000
	if s := os.Getenv("TANDEM_BENCH_FACTS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1000 {
			b.Fatalf("TANDEM_BENCH_FACTS=%q: want a number ≥ 1000", s)
		}
		n = v
	}
	for _, dialect := range storetest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) { benchKPI(b, dialect, n) })
	}
}

func benchKPI(b *testing.B, dialect string, n int) {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	db := storetest.Open(b, dialect, func() time.Time { return now })
	f := storetest.Seed(b, db)
	storetest.Activate(b, db, f.Owner, f.A1, func(t *contract.Terms) {
		goal := t.Goals[0].Key
		t.KPIs = []contract.KPI{
			{Key: "on-time", GoalKey: goal, Metric: "on_time_share", Name: "On time", Target: 9000, Threshold: 6000, Scale: 2, Direction: "higher", Weight: 2, Period: "week"},
			{Key: "first-time", GoalKey: goal, Metric: "first_time_acceptance", Name: "First time", Target: 9000, Threshold: 5000, Scale: 2, Direction: "higher", Weight: 3, Period: "week"},
			{Key: "lead", GoalKey: goal, Metric: "lead_time_p50", Name: "Lead time", Target: 86400, Threshold: 10 * 86400, Direction: "lower", Weight: 1, Period: "week"},
			{Key: "sla", GoalKey: goal, Metric: "sla_response_compliance", Name: "SLA", Target: 9500, Threshold: 8000, Scale: 2, Direction: "higher", Weight: 2, Period: "week"},
			{Key: "spread", GoalKey: goal, Metric: "lateness_spread", Name: "Predictability", Target: 50, Threshold: 300, Scale: 2, Direction: "lower", Weight: 1, Period: "week"},
		}
	})
	engs := []int64{f.A1, f.A2, f.B1}
	start, _ := tandem.ParseDate("2024-01-01")
	for len(engs) < 100 {
		e := &engagement.Engagement{PartnerID: f.PartnerA, Title: fmt.Sprintf("Bench %d", len(engs)), Kind: engagement.KindSales, StartsOn: start}
		if err := db.Engagements.Create(ctx, f.Owner, e); err != nil {
			b.Fatal(err)
		}
		engs = append(engs, e.ID)
	}
	// Facts in time order over the two years before now, round robin over
	// the engagements, in a fixed mix of kinds.
	from := now.AddDate(-2, 0, 0)
	step := now.Sub(from) / time.Duration(n)
	kinds := []fact.Kind{fact.DeliverableAccepted, fact.DeliverableAccepted, fact.DeliverableAccepted, fact.DeliverableReturned,
		fact.SLAResponse, fact.SLAResponse, fact.SLAResolution, fact.NoticeFiled, fact.ProposalRaised, fact.ProposalDecided}
	const batch = 1000
	facts := make([]store.Fact, 0, batch)
	began := time.Now()
	for i := 0; i < n; i++ {
		k := kinds[i%len(kinds)]
		x := uint64(i) * 2654435761 // a cheap deterministic spread of values
		rec := store.Fact{EngagementID: engs[i%len(engs)], Kind: k, SubjectID: int64(i + 1), At: from.Add(time.Duration(i) * step),
			Value: int64(x % 3), Flag: x%5 != 0}
		if k == fact.DeliverableAccepted {
			rec.Data = fact.Accepted{LeadTimeS: int64(3600 + x%(14*86400))}
		}
		facts = append(facts, rec)
		if len(facts) == batch || i == n-1 {
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil {
				b.Fatal(err)
			}
			facts = facts[:0]
		}
	}
	load := time.Since(began)
	rate := float64(n) / load.Seconds()

	var agg []store.Scorecard
	for b.Loop() {
		var err error
		if agg, err = db.KPI.Trend(ctx, f.Owner, f.A1, kpi.Week, 52); err != nil {
			b.Fatal(err)
		}
	}
	aggMS := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / 1e6

	var raws []time.Duration
	var raw []store.Scorecard
	for range 3 {
		t0 := time.Now()
		var err error
		if raw, err = db.KPI.TrendFromFacts(ctx, f.Owner, f.A1, kpi.Week, 52); err != nil {
			b.Fatal(err)
		}
		raws = append(raws, time.Since(t0))
	}
	sort.Slice(raws, func(i, j int) bool { return raws[i] < raws[j] })
	rawMS := float64(raws[1].Nanoseconds()) / 1e6
	withData := 0
	for i := range agg {
		if agg[i].Explanation.String() != raw[i].Explanation.String() || agg[i].Total != raw[i].Total {
			b.Fatalf("week %s: the aggregates and the raw facts disagree", agg[i].Period)
		}
		if agg[i].HasTotal {
			withData++
		}
	}
	if withData == 0 {
		b.Fatal("no week with data: the benchmark measures nothing")
	}
	b.ReportMetric(rate, "facts/s")
	b.ReportMetric(aggMS, "scorecard-ms")
	b.ReportMetric(rawMS, "raw-ms")
	b.ReportMetric(rawMS/aggMS, "raw/agg")
	b.Logf("%s: %d facts in %v (%.0f facts/s); 52-week scorecard %.2f ms from the aggregates, %.1f ms from facts (%.0f×); %d weeks with data",
		dialect, n, load.Round(time.Millisecond), rate, aggMS, rawMS, rawMS/aggMS, withData)
}
