package store_test

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// BenchmarkPartnerCreateConcurrent creates partners from 50 goroutines at
// once (b.SetParallelism over GOMAXPROCS): the store's part of a durable
// API write, without HTTP. On SQLite it also reports commits/op, the COMMITs
// of the writer per creation (groupcommit.go): 1 without batching; and
// cpu-µs/op, the CPU time of this process per creation (cpuTime), steadier
// than wall-clock time on a shared machine.
//
// Run: go test -bench PartnerCreateConcurrent -run '^$' ./internal/store/
// (-cpuprofile for where the time goes). Durations are reported, never
// asserted.
func BenchmarkPartnerCreateConcurrent(b *testing.B) {
	for _, dialect := range storetest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.Open(b, dialect, nil)
			f := storetest.Seed(b, db)
			runConcurrently(b, db, func(k int64) error {
				return db.Partners.Create(ctx, f.Owner, &partner.Partner{LegalName: fmt.Sprintf("Bench %d", k), Country: "SE"})
			})
		})
	}
}

// runConcurrently runs op (k counting from 1) from 50 goroutines at once
// (b.SetParallelism over GOMAXPROCS) for b.N calls in all, and reports
// cpu-µs/op and, on SQLite, commits/op and frames/commit: the pages a
// COMMIT writes to the log (each SQLite asks for as two writes, header
// and page), which the commit checksums, writes and syncs. A batch of
// 25 logged calls writes 40–55 (more as the 50 accounts' calls spread
// over more leaves): about half of them leaves of
// sales_activities_account, one per account called (docs/speed.md).
func runConcurrently(b *testing.B, db *store.DB, op func(k int64) error) {
	var n atomic.Int64
	commits, cpu := store.Commits(db), cpuTime()
	asked, _ := store.WALWrites(db)
	b.SetParallelism(max(1, 50/max(1, testingProcs())))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(n.Add(1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
	commits = store.Commits(db) - commits
	b.ReportMetric(float64(commits)/float64(b.N), "commits/op")
	if a, _ := store.WALWrites(db); a > asked && commits > 0 {
		b.ReportMetric(float64(a-asked)/2/float64(commits), "frames/commit")
	}
}

func testingProcs() int { return runtime.GOMAXPROCS(0) }

// BenchmarkCallLogConcurrent logs calls from 50 goroutines at once, the
// agent's, in turn on 50 of their accounts (SalesStore.LogActivity: the
// account's scope, the activity, its last call, its facts and their
// aggregates, the audit entry): the store's part of `tandem bench http`'s
// write_call. Reports as BenchmarkPartnerCreateConcurrent.
func BenchmarkCallLogConcurrent(b *testing.B) {
	for _, dialect := range storetest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			base := newActivityBase(b, dialect)
			db, f := base.db, base.f
			accounts := []int64{base.mine}
			for i := len(accounts); i < 50; i++ {
				a := &sales.Account{Name: fmt.Sprintf("Bench account %d", i), Country: "SE"}
				if err := db.Sales().CreateAccount(ctx, f.Manager, a); err != nil {
					b.Fatal(err)
				}
				if _, err := db.Sales().Assign(ctx, f.Manager, store.AccountFilter{IDs: []int64{a.ID}},
					store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID}); err != nil {
					b.Fatal(err)
				}
				accounts = append(accounts, a.ID)
			}
			runConcurrently(b, db, func(k int64) error {
				return db.Sales().LogActivity(ctx, f.VendorAgent, call(accounts[k%int64(len(accounts))], sales.OutcomeNoAnswer, 5+k%50), store.LogOptions{})
			})
		})
	}
}

// BenchmarkValueEnterConcurrent enters this month's value of a manual
// metric again and again from 50 goroutines at once, the client's
// manager's (OwnMetricStore.Enter: each entry replaces the value that
// counted and counts in its place): the store's part of `tandem bench
// http`'s write_value. Reports as BenchmarkPartnerCreateConcurrent.
func BenchmarkValueEnterConcurrent(b *testing.B) {
	for _, dialect := range storetest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			db, f := manualBase(b, dialect)
			march, _ := tandem.ParseDate("2026-03-01")
			runConcurrently(b, db, func(k int64) error {
				return db.OwnMetrics.Enter(ctx, f.Manager, &ownmetric.Value{EngagementID: f.A1, Metric: "satisfaction",
					PeriodKind: "month", PeriodStart: march, Value: 50 + k%40, Scale: 1})
			})
		})
	}
}
