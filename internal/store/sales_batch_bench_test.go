package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// BenchmarkActivityBatch ingests batches of 10,000 calls matched by phone
// number (store.IngestActivities: activities, their facts, the KPI
// aggregates and the idempotency record in one transaction) into an
// engagement of 2,000 accounts with a contact each, each batch the calls
// of the week after the one before, and reports in the same run:
//
//   - activities/s: the batch ingestion rate;
//   - facts/s: the baseline, KPIStore.RecordFacts of the same 10,000
//     call facts (the existing bulk fact path) on the same database;
//   - ratio: activities/s ÷ facts/s;
//   - activities/cpu-s and facts/cpu-s: the same per second of CPU time
//     the process used meanwhile (cpuTime), which swings much less than
//     the wall-clock rates on a machine shared with other work.
//
// Run: go test -bench ActivityBatch -run '^$' ./internal/store/ (PostgreSQL
// too when TANDEM_TEST_POSTGRES is set). Durations are reported, never asserted.
func BenchmarkActivityBatch(b *testing.B) {
	for _, dialect := range storetest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) { benchActivityBatch(b, dialect) })
	}
}

func benchActivityBatch(b *testing.B, dialect string) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	db := storetest.Open(b, dialect, func() time.Time { return now })
	f := storetest.Seed(b, db)
	storetest.Activate(b, db, f.Owner, f.A1, nil)
	const accounts, batch = 2000, 10000
	rows := make([]store.NewAccount, accounts)
	for i := range rows {
		rows[i] = store.NewAccount{Account: sales.Account{Name: fmt.Sprintf("Bench account %d", i), Country: "SE"},
			Contacts: []sales.Contact{{Name: "Contact", Phones: []sales.Detail{{Typed: fmt.Sprintf("+46 70 %07d", i)}}}}}
	}
	if err := db.Sales().CreateAccounts(ctx, f.Manager, rows); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Sales().Assign(ctx, f.Manager, store.AccountFilter{Unassigned: true},
		store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID}); err != nil {
		b.Fatal(err)
	}
	items := make([]store.BatchActivity, batch)
	facts := make([]store.Fact, batch)
	outcomes := sales.Outcomes
	// Each batch carries the calls of the minutes since the one before, as
	// a dialer sends them: the clock moves on by a batch's minutes first.
	nextBatch := func() {
		now = now.Add(batch * time.Minute)
		for i := range items {
			at := now.Add(-time.Duration(batch-i) * time.Minute)
			o := outcomes[i%len(outcomes)]
			items[i] = store.BatchActivity{Activity: sales.Activity{Kind: sales.KindCall, Outcome: o, DurationS: int64(i % 600), At: at},
				Phone: fmt.Sprintf("070%07d", i%accounts)}
			facts[i] = store.Fact{EngagementID: f.A1, At: at, Value: int64(i % 600), Flag: o.ReachedDecisionMaker(),
				Data: fact.Call{AccountID: 1, AgentID: f.VendorAgent.MembershipID, Direction: "out", Outcome: string(o)}}
		}
	}
	answer := func(res *store.BatchResult, errs []store.ItemError) (int, []byte, error) {
		if errs != nil {
			return 422, []byte(fmt.Sprint(errs[0])), nil
		}
		return 201, []byte("{}"), nil
	}
	var ingest, record, ingestCPU, recordCPU time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		nextBatch()
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		ans, err := db.Sales().IngestActivities(ctx, f.VendorAgent, f.A1, items, store.Idempotency{Key: fmt.Sprint("bench-", i), Hash: "h"}, answer)
		if err != nil || ans.Status != 201 {
			b.Fatalf("batch: %v %s", err, ans.Body)
		}
		ingest, ingestCPU = ingest+time.Since(t0), ingestCPU+cpuTime()-c0
		t0, c0 = time.Now(), cpuTime()
		if _, err := db.KPI.RecordFacts(ctx, f.Owner, facts); err != nil {
			b.Fatal(err)
		}
		record, recordCPU = record+time.Since(t0), recordCPU+cpuTime()-c0
	}
	b.StopTimer()
	aps := float64(batch*b.N) / ingest.Seconds()
	fps := float64(batch*b.N) / record.Seconds()
	b.ReportMetric(aps, "activities/s")
	b.ReportMetric(fps, "facts/s")
	b.ReportMetric(aps/fps, "ratio")
	b.ReportMetric(float64(batch*b.N)/ingestCPU.Seconds(), "activities/cpu-s")
	b.ReportMetric(float64(batch*b.N)/recordCPU.Seconds(), "facts/cpu-s")
}
